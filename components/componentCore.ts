/**
 * What the azure-native and classic components share: their common arguments, validation of the
 * arguments, the plan as an Output, and the outputs derived from it. Loads only @pulumi/pulumi.
 */
import * as pulumi from "@pulumi/pulumi";
import { InputError } from "./errors";
import { ARGUMENTS, ATTACH_ARGUMENTS, AmlFirewallPolicyCommonArgs, CREATE_ONLY, REMOVED_ARGUMENTS } from "./args";
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
    const given = args as unknown as Record<string, unknown>;
    for (const key of Object.keys(given)) {
        if (REMOVED_ARGUMENTS[key] !== undefined) {
            fail(new InputError(key, given[key], REMOVED_ARGUMENTS[key]));
        }
        if (!(key in ARGUMENTS) || (key !== attach.argument && isAttachArgument(key))) {
            fail(
                new InputError(
                    key,
                    given[key],
                    `not an argument of ${kind}; its arguments are ${argumentNames(attach.argument).join(", ")}.`,
                ),
            );
        }
    }
    const input: Record<string, unknown> = { ...args, attach: attaching };
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

function isAttachArgument(key: string): boolean {
    return (ATTACH_ARGUMENTS as string[]).includes(key);
}

/** The arguments one component takes: every argument but the other component's attach argument. */
function argumentNames(attachArgument: string): string[] {
    return Object.keys(ARGUMENTS).filter((key) => key === attachArgument || !isAttachArgument(key));
}

interface Writer {
    policyKey: pulumi.Output<string | undefined>;
    group: pulumi.Resource;
}

/**
 * The rule collection groups registered so far in this program, per engine connection (the monitor;
 * a test that installs new mocks starts a new program), in declaration order.
 */
const writersByProgram = new WeakMap<object, Writer[]>();
const NO_MONITOR = {};

function writersOfThisProgram(): Writer[] {
    const monitor = (pulumi.runtime.getMonitor() as object | undefined) ?? NO_MONITOR;
    let writers = writersByProgram.get(monitor);
    if (!writers) {
        writers = [];
        writersByProgram.set(monitor, writers);
    }
    return writers;
}

/**
 * Azure runs one write at a time on a firewall policy (`AnotherOperationInProgress`,
 * `FirewallPolicyRuleCollectionGroupUpdateNotAllowedWhenUpdatingOrDeleting`), so the groups of this
 * program that go into one policy are written one after the other, in declaration order: the groups
 * declared earlier on the same policy (by `policyKey`) that the next group must wait for.
 */
export function earlierWritersOnPolicy(policyKey: pulumi.Output<string | undefined>): pulumi.Output<pulumi.Resource[]> {
    const earlier = [...writersOfThisProgram()];
    return pulumi
        .all([policyKey, ...earlier.map((w) => w.policyKey)])
        .apply(([key, ...keys]) =>
            key === undefined ? [] : earlier.filter((_, i) => keys[i] === key).map((w) => w.group),
        );
}

/** Records a group as a writer of its policy, for the components declared after it. */
export function recordWriter(policyKey: pulumi.Output<string | undefined>, group: pulumi.Resource): void {
    writersOfThisProgram().push({ policyKey, group });
}

/**
 * The plan's policy key for ordering writes, undefined where the plan failed (its error is reported
 * once, on the component and its outputs, not again through every group's dependsOn) or is unknown.
 */
export function writeOrderKey(plan: pulumi.Output<PolicyPlan>): pulumi.Output<string | undefined> {
    const resolved = (plan as unknown as { promise(): Promise<PolicyPlan | undefined> }).promise();
    return pulumi.output(
        resolved.then(
            (p) => p?.policyKey,
            () => undefined,
        ),
    );
}

/**
 * The component's own `dependsOn` plus `extra`, for its rule collection group: a component's
 * dependsOn does not hold back its children, and chaining several instances on one policy must.
 */
export function groupDependsOn(
    opts: pulumi.ComponentResourceOptions | undefined,
    extra: pulumi.Input<pulumi.Resource[]>,
): pulumi.Input<pulumi.Input<pulumi.Resource>[]> {
    const own = opts?.dependsOn ?? [];
    return pulumi
        .all([extra, own as pulumi.Input<pulumi.Input<pulumi.Resource>[] | pulumi.Input<pulumi.Resource>>])
        .apply(([first, value]) => [
            ...(first as pulumi.Resource[]),
            ...((Array.isArray(value) ? value : [value]) as pulumi.Resource[]),
        ]) as unknown as pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
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
