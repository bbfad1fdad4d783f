/**
 * Resource policy: Allow rules must not be broader than Azure ML needs. Flags `*` targets, wildcards
 * wider than the doc's (`*.core.windows.net`, `*.azure.com`, ...), network Allow rules to any
 * destination (on 80/443 they bypass every application rule), and `*` / `0.0.0.0/0` sources.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { broadness } from "../../components/coverage/broad";
import { checkedGroup } from "./common";

export const noBroadAllow: ResourceValidationPolicy = {
    name: "azureml-no-broad-allow",
    description:
        "Allow rules must not be broader than Azure ML needs: no '*' targets, no wildcards wider than the Azure ML " +
        "doc's, " +
        "no network Allow to any destination, no '*' sources.",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        for (const { collection, rule } of checkedGroup(args).rules) {
            if (collection.action === "allow") {
                broadness(`${collection.name}/${rule.name}`, rule).forEach((message) => reportViolation(message));
            }
        }
    },
};
