/**
 * azureml-firewall: the Azure ML egress catalog, the pure resolver / planner / coverage evaluator, and
 * the `AmlFirewallPolicy` Pulumi component (azure-native).
 */
export * from "./catalog/types";
export { CATALOG, CATALOG_NOTES, CATALOG_SOURCES, DOC_SECTIONS } from "./catalog/data";
export { REGIONS, isKnownRegion } from "./catalog/regions";
export { CLOUD_NAMES, parseCloud } from "./clouds";
export { InputError } from "./errors";
export * from "./requirements";
export * from "./sources";
export * from "./planner";
export * from "./policyPlan";
export * from "./amlFirewallPolicy";
export * from "./coverage";
