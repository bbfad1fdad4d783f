/** Resource policy: no wildcard in a network rule's destinationFqdns (Azure Firewall cannot match them there). */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { checkedGroup } from "./common";

export const networkFqdnWildcard: ResourceValidationPolicy = {
    name: "azureml-network-fqdn-no-wildcard",
    description:
        "Network rules must not use wildcard FQDNs: Azure Firewall matches only exact names in network rules, " +
        "so the rule silently allows nothing.",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        for (const { collection, rule } of checkedGroup(args).rules) {
            const wildcards = rule.destinationFqdns.filter((f) => f.includes("*"));
            if (rule.stage === "network" && wildcards.length) {
                reportViolation(
                    `Network rule ${collection.name}/${rule.name} has wildcard FQDNs ${wildcards.join(", ")}; ` +
                        "use an application rule (HTTP/S) or the service tag that carries the hosts.",
                );
            }
        }
    },
};
