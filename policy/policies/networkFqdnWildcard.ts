/** Resource policy: no wildcard in a network rule's destinationFqdns (Azure Firewall cannot match them there). */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { collectionsOf, requireRcg } from "./common";

export const networkFqdnWildcard: ResourceValidationPolicy = {
    name: "azureml-network-fqdn-no-wildcard",
    description: "Network rules must not use wildcard FQDNs: Azure Firewall matches only exact names in network rules, so the rule silently allows nothing.",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        requireRcg(args);
        for (const collection of collectionsOf(args.type, args.props)) {
            for (const rule of collection.rules.filter((r) => r.stage === "network")) {
                const wildcards = rule.fqdns.filter((f) => f.includes("*"));
                if (wildcards.length) {
                    reportViolation(`Network rule ${collection.name}/${rule.name} has wildcard FQDNs ${wildcards.join(", ")}; use an application rule (HTTP/S) or the service tag that carries the hosts.`);
                }
            }
        }
    },
};
