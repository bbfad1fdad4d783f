/**
 * What the azure-native and classic components share: their common arguments, validation of the
 * arguments, the plan as an Output, and the outputs derived from it. Loads only @pulumi/pulumi.
 */
import * as pulumi from "@pulumi/pulumi";
import { InputError } from "./errors";
import { AmlFirewallPolicyCommonArgs, CREATE_ONLY, RESOURCE_ONLY } from "./args";
import { PolicyPlan, PolicyPlanInput, planPolicy } from "./policyPlan";
import { Requirement } from "./requirements";
import { RuleSources } from "./sources";

/** Azure takes minutes per policy write, one write at a time; 30 minutes is the floor. */
export const CUSTOM_TIMEOUTS: pulumi.CustomTimeouts = { create: "30m", update: "30m", delete: "30m" };

/** True when a value holds no Output or Promise anywhere, so it can be checked right now. */
export function isPlain(value: unknown): boolean {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) {
        return false;
    }
    if (Array.isArray(value)) {
        return value.every(isPlain);
    }
    if (value !== null && typeof value === "object") {
        return Object.values(value).every(isPlain);
    }
    return true;
}

export function stripUndefined<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * A bad argument, reported on the component with the component's own message and no stack. When the
 * argument was an Output, the same error rejects every child input derived from it, and the SDK
 * prefixes `error serializing property "x": ` to the message of the error it rethrows each time; the
 * Pulumi host reports an error once by identity, so the message is fixed here to stay the component's.
 */
function argumentError(message: string, component: pulumi.Resource): pulumi.ResourceError {
    const error = new pulumi.ResourceError(message, component, true);
    Object.defineProperty(error, "message", {
        get: () => message,
        set: () => undefined,
        enumerable: false,
        configurable: false,
    });
    return error;
}

/** Raises `InputError`s as `pulumi.ResourceError`s on the component, prefixed with its kind and name. */
export function failer(component: pulumi.Resource, kind: string, name: string): (error: unknown) => never {
    return (error: unknown): never => {
        if (error instanceof InputError) {
            throw argumentError(`${kind} ${name}: ${error.message}`, component);
        }
        throw error;
    };
}

/**
 * Validates the arguments (synchronously where they are plain values, so bad input fails at
 * construction; when Outputs resolve otherwise) and returns the plan as an Output.
 */
export function preparePlan(
    component: pulumi.Resource,
    kind: string,
    name: string,
    args: AmlFirewallPolicyCommonArgs,
    attach: { argument: string; value: unknown },
    defaultCloud: string,
): pulumi.Output<PolicyPlan> {
    const fail = failer(component, kind, name);
    if (args === undefined || args === null || typeof args !== "object") {
        fail(new InputError("args", args, `a ${kind}Args object.`));
    }
    for (const key of ["region", "resourceGroupName"] as const) {
        if (args[key] === undefined) {
            fail(new InputError(key, undefined, "this argument is required."));
        }
    }
    const attaching = attach.value !== undefined;
    if (attaching) {
        const given = CREATE_ONLY.filter((key) => args[key] !== undefined);
        if (given.length) {
            fail(
                new InputError(
                    given[0],
                    args[given[0]],
                    `${given.join(", ")} only apply when the component creates the policy; leave them out with ` +
                        `${attach.argument}.`,
                ),
            );
        }
    } else if (args.existingPolicyDnsProxyEnabled !== undefined) {
        fail(
            new InputError(
                "existingPolicyDnsProxyEnabled",
                args.existingPolicyDnsProxyEnabled,
                `only applies with ${attach.argument} (attach mode).`,
            ),
        );
    }
    const input: Record<string, unknown> = { attach: attaching };
    for (const [key, value] of Object.entries(args)) {
        if (!(RESOURCE_ONLY as string[]).includes(key) && key !== attach.argument) {
            input[key] = value;
        }
    }
    const compute = (resolved: PolicyPlanInput): PolicyPlan => {
        try {
            return planPolicy(name, resolved, defaultCloud);
        } catch (error) {
            return fail(error);
        }
    };
    return isPlain(input)
        ? pulumi.output(compute(input as PolicyPlanInput))
        : pulumi
              .output(input as pulumi.Input<PolicyPlanInput>)
              .apply((resolved) => compute(resolved as PolicyPlanInput));
}

/**
 * The component's own `dependsOn` plus `extra`, for its rule collection group: a component's
 * dependsOn does not hold back its children, and chaining several instances on one policy must.
 */
export function groupDependsOn(
    opts: pulumi.ComponentResourceOptions | undefined,
    extra: pulumi.Resource[],
): pulumi.Input<pulumi.Input<pulumi.Resource>[]> | undefined {
    const own = opts?.dependsOn;
    if (own === undefined) {
        return extra.length ? extra : undefined;
    }
    if (pulumi.Resource.isInstance(own)) {
        return [...extra, own];
    }
    if (Array.isArray(own) && own.every((r) => pulumi.Resource.isInstance(r))) {
        return [...extra, ...(own as pulumi.Resource[])];
    }
    return pulumi
        .output(own as pulumi.Input<pulumi.Input<pulumi.Resource>[] | pulumi.Input<pulumi.Resource>>)
        .apply((value) => [...extra, ...(Array.isArray(value) ? value : [value])]) as unknown as pulumi.Input<
        pulumi.Input<pulumi.Resource>[]
    >;
}

/** Outputs both components expose, derived from the plan. */
export interface PlanOutputs {
    ruleCollectionGroupName: pulumi.Output<string>;
    requirements: pulumi.Output<Requirement[]>;
    ruleCount: pulumi.Output<number>;
    explanations: pulumi.Output<string[]>;
    notes: pulumi.Output<string[]>;
    sources: pulumi.Output<RuleSources>;
    dnsProxyEnabled: pulumi.Output<boolean>;
}

/**
 * The outputs of both components: the plan's, plus the policy and group IDs. Each component class
 * declares them itself (the schema analyzer reads only a class's own members) and `implements` this,
 * so the compiler holds both to the same set.
 */
export interface EgressOutputs extends PlanOutputs {
    firewallPolicyId: pulumi.Output<string>;
    ruleCollectionGroupId: pulumi.Output<string>;
}

export function planOutputs(plan: pulumi.Output<PolicyPlan>): PlanOutputs {
    return {
        ruleCollectionGroupName: plan.apply((p) => p.ruleCollectionGroupName),
        requirements: plan.apply((p) => p.requirements),
        ruleCount: plan.apply((p) => p.plan.ruleCount),
        explanations: plan.apply((p) =>
            p.plan.explanations.map(
                (e) =>
                    `${e.requirement.destination} ${e.requirement.protocol} ${e.requirement.ports.join(",")}: ` +
                    `${e.text}`,
            ),
        ),
        notes: plan.apply((p) => p.notes),
        sources: plan.apply((p) => p.sources),
        dnsProxyEnabled: plan.apply((p) => p.dnsProxy),
    };
}
