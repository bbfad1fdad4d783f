/** The CrossGuard pack. Only this file starts the policy server; tests import ./policies instead. */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, {
    policies,
    description: "Checks that Azure Firewall policies let Azure Machine Learning out, and nothing broader.",
    displayName: "Azure ML egress through Azure Firewall",
    provider: "Azure",
    tags: ["azure", "firewall", "azureml"],
});
