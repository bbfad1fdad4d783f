/**
 * Stack policy: the rule collection groups of one firewall policy are written one at a time. Azure
 * runs one write per policy at a time (`AnotherOperationInProgress`), so two groups of a stack on the
 * same policy that no chain of dependencies orders race at `pulumi up`; and groups on one policy with
 * the same priority are processed in an order Azure does not document, so a Deny group may shadow
 * another group's Allow rules.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { FirewallTarget, StackNode, findTargets } from "../../components/firewall";

/** Every resource `node` depends on, directly or through others. */
function reachable(node: StackNode, seen = new Set<StackNode>()): Set<StackNode> {
    for (const dependency of node.dependencies) {
        if (!seen.has(dependency)) {
            seen.add(dependency);
            reachable(dependency, seen);
        }
    }
    return seen;
}

/** Pairs of groups on the target's policy that no dependency orders, by name. */
export function unorderedGroups(target: FirewallTarget): [StackNode, StackNode][] {
    const after = new Map(target.rcgs.map((rcg) => [rcg, reachable(rcg)]));
    const pairs: [StackNode, StackNode][] = [];
    target.rcgs.forEach((a, i) =>
        target.rcgs.slice(i + 1).forEach((b) => {
            if (!after.get(a)!.has(b) && !after.get(b)!.has(a)) {
                pairs.push([a, b]);
            }
        }),
    );
    return pairs;
}

/** A group's priority, or undefined where it is not known yet (a preview) or not a number. */
function priorityOf(rcg: StackNode): number | undefined {
    try {
        const value = rcg.props.priority;
        return typeof value === "number" ? value : undefined;
    } catch {
        return undefined;
    }
}

/** Groups on the target's policy that share a priority, by priority. */
export function priorityTies(target: FirewallTarget): Map<number, StackNode[]> {
    const byPriority = new Map<number, StackNode[]>();
    for (const rcg of target.rcgs) {
        const priority = priorityOf(rcg);
        if (priority !== undefined) {
            byPriority.set(priority, [...(byPriority.get(priority) ?? []), rcg]);
        }
    }
    return new Map([...byPriority].filter(([, groups]) => groups.length > 1));
}

export const groupsOrderedOnPolicy: StackValidationPolicy = {
    name: "azureml-groups-ordered-on-policy",
    description:
        "Rule collection groups on one firewall policy are ordered by dependencies (Azure writes a policy one " +
        "request at a time) and have distinct priorities (Azure does not document the order of equal ones).",
    enforcementLevel: "advisory",
    validateStack: (args, reportViolation) => {
        for (const target of findTargets(args.resources).filter((t) => !t.legacy)) {
            for (const [a, b] of unorderedGroups(target)) {
                reportViolation(
                    `Rule collection groups ${a.name} and ${b.name} both write firewall policy ${target.name}, and ` +
                        `no dependency orders them: Azure takes one write per policy at a time, so \`pulumi up\` ` +
                        `may fail with AnotherOperationInProgress. Make one depend on the other (dependsOn).`,
                    b.urn,
                );
            }
            for (const [priority, groups] of priorityTies(target)) {
                reportViolation(
                    `Rule collection groups ${groups.map((g) => g.name).join(", ")} on firewall policy ` +
                        `${target.name} share priority ${priority}; Azure does not document their order, so a Deny ` +
                        `rule in one may shadow Allow rules in another. Give each group its own priority.`,
                    groups[groups.length - 1].urn,
                );
            }
        }
    },
};
