/** Resource policy: rule collection group and collection priorities are whole numbers in 100-65000. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { PRIORITY_RANGE as RANGE, isValidPriority } from "../../components/firewall";
import { checkedGroup } from "./common";

function shown(priority: unknown): string {
    return JSON.stringify(priority) ?? "(missing)";
}

export const priorityRange: ResourceValidationPolicy = {
    name: "azureml-priority-range",
    description: `Rule collection group and rule collection priorities must be ${RANGE}, or Azure rejects the group.`,
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        const { group } = checkedGroup(args);
        if (!isValidPriority(group.priority)) {
            reportViolation(`Rule collection group priority ${shown(group.priority)} is not ${RANGE}.`);
        }
        for (const collection of group.allCollections.filter((c) => !isValidPriority(c.priority))) {
            reportViolation(
                `Rule collection ${collection.name} priority ${shown(collection.priority)} is not ${RANGE}.`,
            );
        }
    },
};
