/** Resource policy: no empty collections, and no rule without destinations, ports or protocols. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { collectionsOf, requireRcg } from "./common";

export const noEmptyRules: ResourceValidationPolicy = {
    name: "azureml-no-empty-rules",
    description: "Rule collections need rules, and rules need destinations, protocols and (network) ports; Azure rejects the whole group otherwise.",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        requireRcg(args);
        for (const collection of collectionsOf(args.type, args.props)) {
            if (collection.rawRuleCount === 0) {
                reportViolation(`Rule collection ${collection.name} has no rules.`);
            }
            for (const rule of collection.rules) {
                const at = `${collection.name}/${rule.name}`;
                if (rule.stage === "network") {
                    if (rule.destinationAddresses.length + rule.fqdns.length + rule.destinationIpGroups.length === 0) {
                        reportViolation(`Network rule ${at} has no destination (addresses, FQDNs or IP groups).`);
                    }
                    if (rule.ports.length === 0) {
                        reportViolation(`Network rule ${at} has no destination ports.`);
                    }
                    if (rule.protocols.length === 0) {
                        reportViolation(`Network rule ${at} has no protocols.`);
                    }
                } else if (rule.stage === "application") {
                    if (rule.fqdns.length + rule.otherDestinations.length === 0) {
                        reportViolation(`Application rule ${at} has no destination (FQDNs, FQDN tags, web categories or URLs).`);
                    }
                    if (rule.protocols.length === 0) {
                        reportViolation(`Application rule ${at} has no protocols.`);
                    }
                }
                if (rule.stage !== "nat" && rule.sources.length + rule.sourceIpGroups.length === 0) {
                    reportViolation(`Rule ${at} has no source addresses or IP groups.`);
                }
            }
        }
    },
};
