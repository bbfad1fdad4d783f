/**
 * Typed, validated stack configuration (namespace `azureml-firewall`), as a pure function of the raw
 * config strings, so that the program, the CLI `plan` and the tests read it the same way.
 */
import {
    ARGUMENTS,
    AmlFirewallPolicyArgs,
    AmlFirewallPolicyClassicArgs,
    ArgumentKind,
    REMOVED_ARGUMENTS,
} from "../components/args";

export const CONFIG_NAMESPACE = "azureml-firewall";

type Kind = ArgumentKind;

/**
 * Every key the program reads: `provider`, and each argument of the components (their table,
 * `ARGUMENTS`, is the one source), with its type.
 */
export const STACK_CONFIG_KEYS: Readonly<Record<string, { kind: Kind; required?: boolean }>> = {
    provider: { kind: "string" },
    ...ARGUMENTS,
};

/** The keys of one namespace (`azureml-firewall:region` -> `region`) from Pulumi's flat config map. */
export function namespaceConfig(
    all: Readonly<Record<string, string>>,
    namespace = CONFIG_NAMESPACE,
): Record<string, string> {
    const prefix = `${namespace}:`;
    return Object.fromEntries(
        Object.entries(all)
            .filter(([key]) => key.startsWith(prefix))
            .map(([key, value]) => [key.slice(prefix.length), value]),
    );
}

export class StackConfigError extends Error {
    constructor(file: string, key: string, message: string) {
        super(`${file}: ${CONFIG_NAMESPACE}:${key}: ${message}`);
        this.name = "StackConfigError";
    }
}

export type ProviderFlavour = "native" | "classic";

export type StackSettings =
    { provider: "native"; args: AmlFirewallPolicyArgs } | { provider: "classic"; args: AmlFirewallPolicyClassicArgs };

function parseValue(file: string, key: string, kind: Kind, raw: string): unknown {
    switch (kind) {
        case "string":
            return raw;
        case "number": {
            const value = Number(raw);
            if (raw.trim() === "" || !Number.isFinite(value)) {
                throw new StackConfigError(file, key, `${JSON.stringify(raw)} is not a number.`);
            }
            return value;
        }
        case "boolean":
            if (raw !== "true" && raw !== "false") {
                throw new StackConfigError(file, key, `${JSON.stringify(raw)} is not true or false.`);
            }
            return raw === "true";
        case "string[]":
        case "workspaces": {
            let value: unknown;
            try {
                value = JSON.parse(raw);
            } catch {
                throw new StackConfigError(file, key, `expected a YAML list, got ${JSON.stringify(raw)}.`);
            }
            if (!Array.isArray(value)) {
                throw new StackConfigError(file, key, `expected a YAML list, got ${JSON.stringify(raw)}.`);
            }
            if (kind === "string[]" && value.some((v) => typeof v !== "string")) {
                throw new StackConfigError(file, key, "every entry must be a string.");
            }
            if (kind === "workspaces" && value.some((v) => typeof v !== "object" || v === null || Array.isArray(v))) {
                throw new StackConfigError(
                    file,
                    key,
                    "every entry must be a mapping with name, storageAccountName and optional region, scenarios.",
                );
            }
            return value;
        }
        case "tags": {
            let value: unknown;
            try {
                value = JSON.parse(raw);
            } catch {
                value = undefined;
            }
            if (value === null || typeof value !== "object" || Array.isArray(value)) {
                throw new StackConfigError(
                    file,
                    key,
                    `expected a YAML mapping of tag names to values, got ${JSON.stringify(raw)}.`,
                );
            }
            return value;
        }
    }
}

/**
 * Reads the `azureml-firewall:*` keys (raw strings, as Pulumi stores them; lists as JSON) into the
 * component's arguments. `file` names the stack file in error messages.
 */
export function readStackConfig(raw: Readonly<Record<string, string | undefined>>, file: string): StackSettings {
    for (const key of Object.keys(raw)) {
        if (raw[key] !== undefined && REMOVED_ARGUMENTS[key] !== undefined) {
            throw new StackConfigError(file, key, REMOVED_ARGUMENTS[key]);
        }
        if (raw[key] !== undefined && !(key in STACK_CONFIG_KEYS)) {
            throw new StackConfigError(
                file,
                key,
                `unknown key; known keys are ${Object.keys(STACK_CONFIG_KEYS).join(", ")}.`,
            );
        }
    }
    const values: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(STACK_CONFIG_KEYS)) {
        const text = raw[key];
        if (text === undefined) {
            if (spec.required) {
                throw new StackConfigError(
                    file,
                    key,
                    `missing; it is required. Set it with: pulumi config set ${CONFIG_NAMESPACE}:${key} <value>`,
                );
            }
            continue;
        }
        values[key] = parseValue(file, key, spec.kind, text);
    }
    const provider = (values.provider ?? "native") as string;
    if (provider !== "native" && provider !== "classic") {
        throw new StackConfigError(
            file,
            "provider",
            `${JSON.stringify(provider)} is not valid; use native or classic.`,
        );
    }
    delete values.provider;
    const wrongAttach = provider === "native" ? "existingFirewallPolicyId" : "existingFirewallPolicyName";
    if (values[wrongAttach] !== undefined) {
        const right = provider === "native" ? "existingFirewallPolicyName" : "existingFirewallPolicyId";
        throw new StackConfigError(
            file,
            wrongAttach,
            `does not apply to provider ${provider}; use ${CONFIG_NAMESPACE}:${right}.`,
        );
    }
    return provider === "native"
        ? { provider, args: values as unknown as AmlFirewallPolicyArgs }
        : { provider, args: values as unknown as AmlFirewallPolicyClassicArgs };
}
