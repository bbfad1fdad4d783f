/** Resource policy: rule collection group and collection priorities are whole numbers in 100-65000. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { collectionsOf, requireRcg } from "./common";

function valid(priority: unknown): boolean {
    return typeof priority === "number" && Number.isInteger(priority) && priority >= 100 && priority <= 65000;
}

export const priorityRange: ResourceValidationPolicy = {
    name: "azureml-priority-range",
    description: "Rule collection group and rule collection priorities must be whole numbers from 100 to 65000, or Azure rejects the group.",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        requireRcg(args);
        if (!valid(args.props.priority)) {
            reportViolation(`Rule collection group priority ${JSON.stringify(args.props.priority) ?? "(missing)"} is not a whole number from 100 to 65000.`);
        }
        for (const collection of collectionsOf(args.type, args.props)) {
            if (!valid(collection.priority)) {
                reportViolation(`Rule collection ${collection.name} priority ${JSON.stringify(collection.priority) ?? "(missing)"} is not a whole number from 100 to 65000.`);
            }
        }
    },
};
