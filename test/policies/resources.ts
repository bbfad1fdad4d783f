/** Resources the resource policies' specs check: a rule collection group and its parts, in either provider's shape. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { runResourcePolicy } from "../../cli/offline/policyRunner";

export const NATIVE_RCG = "azure-native:network:FirewallPolicyRuleCollectionGroup";
export const CLASSIC_RCG = "azure:network/firewallPolicyRuleCollectionGroup:FirewallPolicyRuleCollectionGroup";

/** An azure-native rule collection group with these collections. */
export const rcg = (ruleCollections: unknown[], priority: unknown = 500) => ({
    type: NATIVE_RCG,
    name: "r",
    props: { priority, ruleCollections },
});

/** A filter collection `c` with these rules. */
export const coll = (rules: unknown[], action = "Allow", priority: unknown = 100) => ({
    ruleCollectionType: "FirewallPolicyFilterRuleCollection",
    name: "c",
    priority,
    action: { type: action },
    rules,
});

/** A network rule `n` (TCP 443 from the workload), with these fields over it. */
export const net = (fields: Record<string, unknown>) => ({
    ruleType: "NetworkRule",
    name: "n",
    ipProtocols: ["TCP"],
    sourceAddresses: ["10.0.1.0/24"],
    destinationPorts: ["443"],
    ...fields,
});

/** An application rule `a` (HTTPS 443 from the workload) to these FQDNs. */
export const app = (targetFqdns: string[], fields: Record<string, unknown> = {}) => ({
    ruleType: "ApplicationRule",
    name: "a",
    protocols: [{ protocolType: "Https", port: 443 }],
    sourceAddresses: ["10.0.1.0/24"],
    targetFqdns,
    ...fields,
});

/** The messages a resource policy reports for a resource. */
export async function messages(
    policy: ResourceValidationPolicy,
    spec: { type: string; name: string; props: Record<string, unknown> },
): Promise<string[]> {
    return (await runResourcePolicy(policy, spec)).violations.map((v) => v.message);
}
