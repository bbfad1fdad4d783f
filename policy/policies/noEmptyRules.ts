/** Resource policy: no empty collections, and no rule without destinations, ports, protocols or sources. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import type { FirewallRule } from "../../components/firewall";
import { checkedGroup } from "./common";

/** What a rule lacks, as phrases ("no destination ports"). */
function missingParts(rule: FirewallRule): string[] {
    const missing: string[] = [];
    if (rule.stage === "network") {
        if (rule.destinationAddresses.length + rule.destinationFqdns.length + rule.destinationIpGroups.length === 0) {
            missing.push("no destination (addresses, FQDNs or IP groups)");
        }
        if (rule.destinationPorts.length === 0) {
            missing.push("no destination ports");
        }
        if (rule.ipProtocols.length === 0) {
            missing.push("no protocols");
        }
    } else {
        if (rule.targetFqdns.length + rule.otherDestinations.length === 0) {
            missing.push("no destination (FQDNs, FQDN tags, web categories or URLs)");
        }
        if (rule.appProtocols.length === 0) {
            missing.push("no protocols");
        }
    }
    return missing;
}

export const noEmptyRules: ResourceValidationPolicy = {
    name: "azureml-no-empty-rules",
    description:
        "Rule collections need rules, and rules need destinations, protocols and (network) ports; Azure rejects " +
        "the whole group otherwise.",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        const { group, rules, problems } = checkedGroup(args);
        group.allCollections
            .filter((c) => c.ruleCount === 0)
            .forEach((c) => reportViolation(`Rule collection ${c.name} has no rules.`));
        for (const { collection, rule } of rules) {
            const at = `${collection.name}/${rule.name}`;
            const kind = rule.stage === "network" ? "Network" : "Application";
            missingParts(rule).forEach((part) => reportViolation(`${kind} rule ${at} has ${part}.`));
            if (rule.sourceAddresses.length + rule.sourceIpGroups.length === 0) {
                reportViolation(`Rule ${at} has no source addresses or IP groups.`);
            }
        }
        problems.forEach((problem) => reportViolation(problem));
    },
};
