/**
 * Runs the pack's policies the way the Pulumi policy server does, without starting it: props wrapped
 * in `unknownCheckingProxy`, `notApplicable` as a thrown signal, config with schema defaults filled in
 * (as the CLI does), enforcement levels resolved from config, each validation in its own try/catch,
 * and stacks whose resources carry parent / dependency / property-dependency references.
 */
import type {
    EnforcementLevel,
    Policies,
    Policy,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";
import { AnalyzedResource, PackConfig, PolicyInfo, reconcile, validatePackConfig } from "./packConfig";

export type { PackConfig };

/** A resource of a stack, with references by URN (as the engine sends them). */
export type StackResourceSpec = AnalyzedResource;

export interface Violation {
    policy: string;
    enforcementLevel: EnforcementLevel;
    /** What the policy reported. */
    message: string;
    /** What the policy server sends the engine: the policy's description, a newline, then the message. */
    reported: string;
    urn?: string;
}

/** The message as the policy server reports it. */
function reported(policy: Policy, message: string): string {
    return message ? `${policy.description}\n${message}` : policy.description;
}

export interface PolicyRun {
    policy: string;
    enforcementLevel: EnforcementLevel;
    violations: Violation[];
    /** Reasons given through `notApplicable`. */
    notApplicable: string[];
    /** "can't run ... during preview" messages (always advisory, as the server reports them). */
    cannotRun: string[];
}

/** A run of one policy at one level, before anything is reported. */
function emptyRun(policy: string, enforcementLevel: EnforcementLevel): PolicyRun {
    return { policy, enforcementLevel, violations: [], notApplicable: [], cannotRun: [] };
}

/** The resource options of a resource registered without any. */
function defaultOptions() {
    return {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
    };
}

class NotApplicableSignal extends Error {
    constructor(readonly reason: string) {
        super(reason);
    }
}

function notApplicable(reason?: string): never {
    throw new NotApplicableSignal(reason ?? "not applicable");
}

/** A policy as the server describes it to the engine (GetAnalyzerInfo). */
function infoOf(policy: Policy): PolicyInfo {
    const schema = policy.configSchema;
    return {
        name: policy.name,
        enforcementLevel: policy.enforcementLevel ?? "advisory",
        ...(schema
            ? {
                  configSchema: {
                      properties: schema.properties as Record<string, Record<string, unknown>>,
                      required: schema.required ?? [],
                  },
              }
            : {}),
    };
}

function policyConfig(
    policy: Policy,
    config: PackConfig | undefined,
): { level: EnforcementLevel; props: Record<string, unknown> } {
    return reconcile(infoOf(policy), config ?? {});
}

/** Builds the stack the way the server does: proxied props and object references for parent and dependencies. */
export function makeStack(specs: StackResourceSpec[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const resources = specs.map((spec) => {
        const props = unknownCheckingProxy(spec.props) as Record<string, unknown>;
        const resource: PolicyResource = {
            type: spec.type,
            name: spec.name,
            urn: spec.urn,
            props,
            opts: defaultOptions(),
            dependencies: [],
            propertyDependencies: {},
            isType: () => false,
            asType: () => undefined,
        } as unknown as PolicyResource;
        byUrn.set(spec.urn, resource);
        return resource;
    });
    specs.forEach((spec, i) => {
        const resource = resources[i] as {
            parent?: PolicyResource;
            dependencies: PolicyResource[];
            propertyDependencies: Record<string, PolicyResource[]>;
        };
        if (spec.parent && byUrn.has(spec.parent)) {
            resource.parent = byUrn.get(spec.parent);
        }
        resource.dependencies = (spec.dependencies ?? [])
            .map((u) => byUrn.get(u))
            .filter((r): r is PolicyResource => r !== undefined);
        for (const [key, urns] of Object.entries(spec.propertyDependencies ?? {})) {
            resource.propertyDependencies[key] = urns
                .map((u) => byUrn.get(u))
                .filter((r): r is PolicyResource => r !== undefined);
        }
    });
    return resources;
}

function isStackPolicy(policy: Policy): policy is StackValidationPolicy {
    return typeof (policy as StackValidationPolicy).validateStack === "function";
}

async function guarded(run: PolicyRun, fn: () => unknown): Promise<void> {
    try {
        await fn();
    } catch (error) {
        if (error instanceof NotApplicableSignal) {
            run.notApplicable.push(error.reason);
        } else if (error instanceof UnknownValueError) {
            run.cannotRun.push(`can't run policy '${run.policy}' during preview: ${(error as Error).message}`);
        } else {
            throw error;
        }
    }
}

/** Runs one resource policy against one resource (inputs as props). */
export async function runResourcePolicy(
    policy: ResourceValidationPolicy,
    spec: Omit<StackResourceSpec, "urn"> & { urn?: string; parent?: string },
    config?: PackConfig,
): Promise<PolicyRun> {
    const { level, props } = policyConfig(policy, config);
    const run = emptyRun(policy.name, level);
    if (level === "disabled") {
        return run;
    }
    const urn = spec.urn ?? `urn:pulumi:test::test::${spec.type}::${spec.name}`;
    const proxied = unknownCheckingProxy(spec.props) as Record<string, unknown>;
    const args: ResourceValidationArgs = {
        type: spec.type,
        props: proxied,
        urn,
        name: spec.name,
        opts: { ...defaultOptions(), parent: spec.parent },
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T>() => props as T,
        notApplicable,
    } as unknown as ResourceValidationArgs;
    const validations =
        policy.validateResource === undefined
            ? []
            : Array.isArray(policy.validateResource)
              ? policy.validateResource
              : [policy.validateResource];
    for (const validation of validations) {
        await guarded(run, () =>
            validation(args, (message: string) => {
                run.violations.push({
                    policy: policy.name,
                    enforcementLevel: level === "remediate" ? "mandatory" : level,
                    message,
                    reported: reported(policy, message),
                    urn,
                });
            }),
        );
    }
    return run;
}

/** Runs one stack policy against a stack built with `makeStack`. */
export async function runStackPolicy(
    policy: StackValidationPolicy,
    resources: PolicyResource[],
    config?: PackConfig,
): Promise<PolicyRun> {
    const { level: configured, props } = policyConfig(policy, config);
    const level = configured === "remediate" ? "mandatory" : configured;
    const run = emptyRun(policy.name, level);
    if (level === "disabled") {
        return run;
    }
    const args: StackValidationArgs = {
        resources,
        getConfig: <T>() => props as T,
        stackTags: new Map(),
        notApplicable,
    } as unknown as StackValidationArgs;
    await guarded(run, () =>
        policy.validateStack(args, (message: string, urn?: string) => {
            run.violations.push({
                policy: policy.name,
                enforcementLevel: level,
                message,
                reported: reported(policy, message),
                urn,
            });
        }),
    );
    return run;
}

/**
 * Runs a whole pack over a stack: resource policies against each resource's inputs, stack policies
 * against the stack's outputs.
 */
export async function runPack(
    policies: Policies,
    specs: (StackResourceSpec & { inputs?: Record<string, unknown> })[],
    config?: PackConfig,
): Promise<PolicyRun[]> {
    validatePackConfig(policies.map(infoOf), config ?? {});
    const runs: PolicyRun[] = [];
    const stack = makeStack(specs);
    for (const policy of policies) {
        if (isStackPolicy(policy)) {
            runs.push(await runStackPolicy(policy, stack, config));
            continue;
        }
        const merged = emptyRun(policy.name, policyConfig(policy, config).level);
        for (const spec of specs) {
            const run = await runResourcePolicy(
                policy as ResourceValidationPolicy,
                { ...spec, props: spec.inputs ?? spec.props },
                config,
            );
            merged.violations.push(...run.violations);
            merged.cannotRun.push(...run.cannotRun);
        }
        runs.push(merged);
    }
    return runs;
}
