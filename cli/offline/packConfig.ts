/**
 * What the policy server driver and the in-process runner share: a policy pack's configuration as the
 * engine handles it (the `--policy-pack-config` file format, its reconciliation per policy, its
 * validation against each policy's schema), and the resources as the engine describes them.
 */
import Ajv from "ajv";

export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";

export const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];

/**
 * A `--policy-pack-config` file: per policy an enforcement level, or `{ enforcementLevel?, ...props }`;
 * `all` for every policy.
 */
export type PackConfig = Record<
    string,
    EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

/** A policy as GetAnalyzerInfo describes it. */
export interface PolicyInfo {
    name: string;
    enforcementLevel: EnforcementLevel;
    configSchema?: { properties: Record<string, Record<string, unknown>>; required: string[] };
}

/** The pack's configuration is invalid for its policies' schemas: the engine stops the preview with this. */
export class PolicyConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PolicyConfigError";
    }
}

/**
 * The engine's reconciliation of a pack config for one policy: its level from the policy's entry, else
 * `all`, else the policy's default; its properties are the schema's defaults overlaid with the entry's.
 */
export function reconcile(
    policy: PolicyInfo,
    config: PackConfig,
): { level: EnforcementLevel; props: Record<string, unknown> } {
    const own = config[policy.name];
    const all = config.all;
    const levelOf = (entry: PackConfig[string] | undefined) =>
        typeof entry === "string" ? entry : entry?.enforcementLevel;
    const props: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        if (schema.default !== undefined) {
            props[key] = JSON.parse(JSON.stringify(schema.default));
        }
    }
    if (typeof own === "object") {
        Object.entries(own)
            .filter(([key]) => key !== "enforcementLevel")
            .forEach(([key, value]) => (props[key] = value));
    }
    return { level: levelOf(own) ?? levelOf(all) ?? policy.enforcementLevel, props };
}

/** Validates each policy's properties against its schema, as the engine does before it configures a pack. */
export function validatePackConfig(policies: PolicyInfo[], config: PackConfig): void {
    const unknown = Object.keys(config).filter((key) => key !== "all" && !policies.some((p) => p.name === key));
    if (unknown.length) {
        throw new PolicyConfigError(`policy pack config names no policy of the pack: ${unknown.join(", ")}`);
    }
    const ajv = new Ajv({ allErrors: true, strict: false });
    for (const policy of policies) {
        const { level, props } = reconcile(policy, config);
        if (!LEVELS.includes(level)) {
            throw new PolicyConfigError(
                `${policy.name}: enforcementLevel ${JSON.stringify(level)} is not one of ${LEVELS.join(", ")}`,
            );
        }
        const schema = {
            type: "object",
            properties: policy.configSchema?.properties ?? {},
            required: policy.configSchema?.required ?? [],
        };
        const validate = ajv.compile(schema);
        if (!validate(props)) {
            const errors = (validate.errors ?? []).map(
                (e) => `${e.instancePath.replace(/^\//, "").replace(/\//g, ".") || "(config)"}: ${e.message}`,
            );
            throw new PolicyConfigError(`invalid configuration for policy ${policy.name}: ${errors.join("; ")}`);
        }
    }
}

/** A resource as the engine describes it to an analyzer. References are URNs. */
export interface AnalyzedResource {
    type: string;
    name: string;
    urn: string;
    /** Analyze: the inputs. AnalyzeStack: the provider's outputs. Unknowns as the engine's sentinel string. */
    props: Record<string, unknown>;
    parent?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
}
