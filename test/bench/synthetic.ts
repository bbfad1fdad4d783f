/**
 * A synthetic firewall policy for benchmarks: `groups` rule collection groups x 20 collections x 10
 * rules, ~5 FQDNs per rule, plus the rules Azure ML needs (in the last group, so checks walk far).
 * Deterministic, so figures are comparable between runs.
 */
import { planPolicy } from "../../components/policyPlan";
import { SCENARIO_NAMES } from "../../components/requirements";

export const BENCH_WORKSPACES = [
    { name: "mlw-a", storageAccountName: "storea", region: "westeurope" },
    { name: "mlw-b", storageAccountName: "storeb", region: "northeurope" },
    { name: "mlw-c", storageAccountName: "storec", region: "eastus" },
];
export const BENCH_SOURCES = ["10.0.1.0/24"];

export function benchPlan() {
    return planPolicy("bench", {
        workspaces: BENCH_WORKSPACES,
        scenarios: [...SCENARIO_NAMES],
        sourceAddresses: BENCH_SOURCES,
        attach: false,
    });
}

export function syntheticGroups(groups: number): Record<string, unknown>[] {
    const result: Record<string, unknown>[] = [];
    for (let g = 0; g < groups; g++) {
        const ruleCollections = [];
        for (let c = 0; c < 20; c++) {
            const application = c % 4 !== 0;
            const rules = [];
            for (let r = 0; r < 10; r++) {
                const id = `${g}-${c}-${r}`;
                const fqdns = [0, 1, 2, 3, 4].map((k) =>
                    k === 0 ? `*.svc${id}.contoso${k}.com` : `h${k}.app${id}.fabrikam${g % 7}.net`,
                );
                rules.push(
                    application
                        ? {
                              ruleType: "ApplicationRule",
                              name: `app-${id}`,
                              protocols: [{ protocolType: "Https", port: 443 }],
                              sourceAddresses: ["10.0.0.0/16"],
                              targetFqdns: fqdns,
                          }
                        : {
                              ruleType: "NetworkRule",
                              name: `net-${id}`,
                              ipProtocols: ["TCP"],
                              sourceAddresses: ["10.0.0.0/16"],
                              destinationFqdns: fqdns.slice(1),
                              destinationAddresses: [`20.${g % 250}.${c}.${r}`],
                              destinationPorts: [`${1000 + r}`],
                          },
                );
            }
            ruleCollections.push({
                ruleCollectionType: "FirewallPolicyFilterRuleCollection",
                name: `coll-${c}`,
                priority: 100 + c,
                action: { type: "Allow" },
                rules,
            });
        }
        result.push({ name: `group-${g}`, priority: 200 + g, ruleCollections });
    }
    const plan = benchPlan();
    result.push({ name: "azureml", priority: 64000, ruleCollections: plan.plan.ruleCollections });
    return result;
}
