/**
 * azureml-firewall: the Azure ML egress catalog, the pure resolver / planner / coverage evaluator, the
 * firewall-model readers, and the `AmlFirewallPolicy` Pulumi component (azure-native). The classic
 * component is served from `azureml-firewall/classic`. Only what users need is exported here.
 */
export type { CatalogNote, CatalogRow, DocSource } from "./catalog/types";
export { Cloud, DestinationKind, Protocol, RequirementScenario, Scenario } from "./catalog/types";
export { CATALOG, CATALOG_NOTES, CATALOG_SOURCES, DOC_SECTIONS } from "./catalog/data";
export { REGIONS, isKnownRegion } from "./catalog/regions";
export { CLOUD_NAMES, parseCloud } from "./clouds";
export { InputError } from "./errors";
export type { Requirement, Resolution, ResolveOptions, WorkspaceSpec } from "./requirements";
export {
    AppProtocol,
    Configuration,
    CONFIGURATIONS,
    SCENARIO_NAMES,
    resolveRequirements,
    scenariosOffered,
} from "./requirements";
export type { RuleSources, ValidatedSources, WorkloadSources, SourceOptions } from "./sources";
export { validateSources } from "./sources";
export type {
    Explanation,
    PlanOptions,
    PlannedApplicationRule,
    PlannedNetworkRule,
    PlannedRule,
    PlannedRuleCollection,
    Realisation,
    RulePlan,
} from "./planner";
export { planRules } from "./planner";
export type { PolicyPlan, PolicyPlanInput } from "./policyPlan";
export { planPolicy } from "./policyPlan";
export type { AmlFirewallPolicyArgs, AmlFirewallPolicyCommonArgs, AmlWorkspace } from "./args";
export { SkuTier, ThreatIntelMode } from "./args";
export { AML_FIREWALL_POLICY_TYPE, AmlFirewallPolicy } from "./amlFirewallPolicy";
export type {
    CheckResult,
    CheckStatus,
    CoverageInput,
    CoverageResult,
    CoverageSummary,
    DecidingRule,
    PolicySettings,
} from "./coverage/evaluate";
export { evaluateCoverage } from "./coverage/evaluate";
export type { FirewallCollection, FirewallGroup, FirewallRule, RawGroup, RulesDocument } from "./firewall";
export { DocumentError, TYPES, readGroup, readPolicyDocument, readRulesDocument, rulesOf } from "./firewall";
