/**
 * Everything the component decides, as one pure function of its (resolved) arguments: validation,
 * requirements, rule plan, group name and priority, SKU and DNS proxy. The Pulumi component only
 * turns the result into resources.
 */
import type * as pulumi from "@pulumi/pulumi";
import { AmlFirewallPolicyArgs, AmlFirewallPolicyClassicArgs, SkuTier, ThreatIntelMode } from "./args";
import { parseCloud } from "./clouds";
import { InputError } from "./errors";
import { PRIORITY_RANGE, isValidPriority } from "./firewall/model";
import { derivedName, parseArmId, policyKey, validateResourceGroupName, validateResourceName } from "./names";
import { RulePlan, planRules } from "./planner";
import { Configuration, Requirement, WorkspaceSpec, resolveRequirements } from "./requirements";
import { Cloud } from "./catalog/types";
import { RuleSources, validateSources } from "./sources";

export const SKU_TIERS: readonly SkuTier[] = Object.values(SkuTier);
export const THREAT_INTEL_MODES: readonly ThreatIntelMode[] = Object.values(ThreatIntelMode);

/** A value as it arrives before validation: enum-typed strings are any string (stack config, JSON, aliases). */
type Unvalidated<T> = T extends string
    ? string
    : T extends (infer U)[]
      ? Unvalidated<U>[]
      : T extends object
        ? { [K in keyof T]: Unvalidated<T[K]> }
        : T;

/**
 * Plain (resolved, not yet validated) values of the component's arguments that the plan reads (see
 * `AmlFirewallPolicyArgs` for their meaning), and whether the component attaches to an existing policy.
 */
export type PolicyPlanInput = Partial<
    Unvalidated<pulumi.Unwrap<AmlFirewallPolicyArgs & AmlFirewallPolicyClassicArgs>>
> & {
    attach: boolean;
};

/** The firewall policy a component creates, every property as the component writes it. */
export interface CreatedPolicyPlan {
    name: string;
    location: string;
    skuTier: SkuTier;
    threatIntelMode: ThreatIntelMode;
    /** The parent's ID in the REST spec's casing. */
    basePolicyId?: string;
    /** Keys lower-cased, as Azure stores them on a firewall policy. */
    tags: Record<string, string>;
}

export interface PolicyPlan {
    cloud: Cloud;
    configuration: Configuration;
    requirements: Requirement[];
    plan: RulePlan;
    ruleCollectionGroupName: string;
    priority: number;
    /** SKU of a created policy (undefined in attach mode). */
    skuTier?: SkuTier;
    /** Resource group of the policy, as given (the components always give it; a bare plan may not). */
    resourceGroupName?: string;
    /** Name of the policy the group goes into (created, or attached to), lower-cased; unknown to a bare plan. */
    policyName?: string;
    /** Attach mode with the classic provider: the policy's ID in the REST spec's casing. */
    policyId?: string;
    /** The policy's identity for ordering writes to it (`policyKey`), when resource group and name are known. */
    policyKey?: string;
    /** Create mode: the policy to create. */
    createdPolicy?: CreatedPolicyPlan;
    /** Whether rules were planned with DNS proxy available. */
    dnsProxy: boolean;
    /** The validated, canonical workload sources. */
    sources: RuleSources;
    /** Doc corrections, left-out rows, fallbacks: everything the output must say. */
    notes: string[];
}

export const DEFAULT_PRIORITY = 1000;

function validatePriority(value: unknown): number {
    if (value === undefined) {
        return DEFAULT_PRIORITY;
    }
    if (!isValidPriority(value)) {
        throw new InputError("priority", value, `a rule collection group priority is ${PRIORITY_RANGE}.`);
    }
    return value;
}

function validateSku(value: unknown): SkuTier {
    if (value === undefined) {
        return "Standard";
    }
    const match = SKU_TIERS.find((t) => typeof value === "string" && t.toLowerCase() === value.toLowerCase());
    if (!match) {
        throw new InputError("skuTier", value, "use Standard, Premium or Basic.");
    }
    return match;
}

function validateThreatIntel(value: unknown, skuTier: SkuTier, basePolicyId: string | undefined): ThreatIntelMode {
    const match = THREAT_INTEL_MODES.find((m) => typeof value === "string" && m.toLowerCase() === value.toLowerCase());
    if (value !== undefined && !match) {
        throw new InputError("threatIntelMode", value, "use Alert, Deny or Off.");
    }
    const mode = match ?? "Alert";
    if (skuTier === "Basic" && mode !== "Alert") {
        throw new InputError(
            "threatIntelMode",
            value,
            "a Basic policy only takes Alert (Azure refuses other modes on Basic); leave it out or use Standard.",
        );
    }
    if (basePolicyId !== undefined && mode === "Off") {
        throw new InputError(
            "threatIntelMode",
            value,
            "a child policy (basePolicyId) may only make threat intelligence stricter than its parent's; use Alert " +
                "or Deny.",
        );
    }
    return mode;
}

/** Azure's tag rules: keys 1-512 characters without `<>%&\\?/`, values up to 256; keys are stored lower-case. */
function validateTags(value: unknown): Record<string, string> {
    if (value === undefined) {
        return {};
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new InputError("tags", value, "a mapping of tag names to string values.");
    }
    const tags: Record<string, string> = {};
    for (const [key, tag] of Object.entries(value as Record<string, unknown>)) {
        const lower = key.toLowerCase();
        if (!/^[^<>%&\\?/]{1,512}$/.test(key) || lower in tags) {
            throw new InputError(
                `tags.${key}`,
                tag,
                lower in tags
                    ? `tag names are stored lower-case, so ${JSON.stringify(key)} repeats another name; keep one.`
                    : "a tag name is 1-512 characters without < > % & \\ ? /.",
            );
        }
        if (typeof tag !== "string" || tag.length > 256) {
            throw new InputError(`tags.${key}`, tag, "a tag value is a string of at most 256 characters.");
        }
        tags[lower] = tag;
    }
    return Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function validateResourceGroup(value: unknown): string | undefined {
    return value === undefined ? undefined : validateResourceGroupName(value, "resourceGroupName");
}

function createdPolicy(componentName: string, input: PolicyPlanInput, skuTier: SkuTier): CreatedPolicyPlan {
    const basePolicyId =
        input.basePolicyId === undefined
            ? undefined
            : parseArmId(input.basePolicyId, "firewallPolicies", "basePolicyId").id;
    if (basePolicyId !== undefined && input.location === undefined) {
        throw new InputError(
            "location",
            undefined,
            "with basePolicyId, give the location: Azure requires a child policy in its parent's region.",
        );
    }
    // Without `location` the policy goes to `region`, which the resolver checks against the cloud's regions.
    const location = input.location ?? input.region;
    if (input.location !== undefined && (typeof location !== "string" || !/^[a-z0-9]+$/i.test(location))) {
        throw new InputError("location", location, "an Azure region in ARM form, such as westeurope.");
    }
    return {
        name: validateResourceName(
            input.firewallPolicyName ?? derivedName(componentName, "-policy"),
            "firewallPolicyName",
        ),
        location: String(location).toLowerCase(),
        skuTier,
        threatIntelMode: validateThreatIntel(input.threatIntelMode, skuTier, basePolicyId),
        ...(basePolicyId === undefined ? {} : { basePolicyId }),
        tags: validateTags(input.tags),
    };
}

/** The policy the group goes into: the created one, or the one attached to (by name, or by ID for classic). */
function targetPolicy(
    resourceGroupName: string | undefined,
    input: PolicyPlanInput,
    created: CreatedPolicyPlan | undefined,
): { policyName?: string; policyId?: string } {
    if (created) {
        return { policyName: created.name };
    }
    if (input.existingFirewallPolicyId !== undefined) {
        const parsed = parseArmId(input.existingFirewallPolicyId, "firewallPolicies", "existingFirewallPolicyId");
        if (
            resourceGroupName !== undefined &&
            parsed.resourceGroupName.toLowerCase() !== resourceGroupName.toLowerCase()
        ) {
            throw new InputError(
                "resourceGroupName",
                resourceGroupName,
                `the policy of existingFirewallPolicyId is in resource group ${parsed.resourceGroupName}; give that.`,
            );
        }
        return { policyName: parsed.name.toLowerCase(), policyId: parsed.id };
    }
    if (input.existingFirewallPolicyName === undefined) {
        return {};
    }
    return { policyName: validateResourceName(input.existingFirewallPolicyName, "existingFirewallPolicyName") };
}

/**
 * The workspaces as the resolver takes them: the single-workspace arguments as one workspace, or the
 * list with `region` as each one's default. The resolver validates them (once).
 */
function workspacesOf(input: PolicyPlanInput): { workspaces: WorkspaceSpec[]; single: boolean } {
    const single = input.workspaceName !== undefined || input.storageAccountName !== undefined;
    if (single && input.workspaces !== undefined) {
        throw new InputError(
            "workspaces",
            input.workspaces,
            "give either workspaceName with storageAccountName, or workspaces, not both.",
        );
    }
    if (single) {
        const ws = { name: input.workspaceName, storageAccountName: input.storageAccountName, region: input.region };
        return { workspaces: [ws as WorkspaceSpec], single };
    }
    if (input.workspaces === undefined) {
        throw new InputError(
            "workspaceName",
            undefined,
            "give workspaceName and storageAccountName, or a list of workspaces.",
        );
    }
    if (!Array.isArray(input.workspaces)) {
        throw new InputError("workspaces", input.workspaces, "a list of workspaces.");
    }
    return {
        workspaces: input.workspaces.map((ws) => ({ ...ws, region: ws?.region ?? input.region }) as WorkspaceSpec),
        single,
    };
}

/** Validates the component's arguments and plans its rules. Throws `InputError` on bad input. */
export function planPolicy(componentName: string, input: PolicyPlanInput, defaultCloud = "AzurePublic"): PolicyPlan {
    const cloud = parseCloud(
        input.cloud ?? defaultCloud,
        input.cloud === undefined ? "cloud (from azure-native:environment)" : "cloud",
    );
    const { workspaces, single } = workspacesOf(input);
    const sources = validateSources(
        { addresses: input.sourceAddresses, ipGroups: input.sourceIpGroups },
        { allowAnySource: input.allowAnySource },
    );
    const priority = validatePriority(input.priority);
    const ruleCollectionGroupName = validateResourceName(
        input.ruleCollectionGroupName ?? derivedName(componentName),
        "ruleCollectionGroupName",
    );
    const resourceGroupName = validateResourceGroup(input.resourceGroupName);
    let skuTier: SkuTier | undefined;
    let dnsProxy: boolean;
    if (input.attach) {
        if (typeof input.existingPolicyDnsProxyEnabled !== "boolean") {
            throw new InputError(
                "existingPolicyDnsProxyEnabled",
                input.existingPolicyDnsProxyEnabled,
                "when attaching to an existing policy, say whether its DNS proxy is on (true or false).",
            );
        }
        dnsProxy = input.existingPolicyDnsProxyEnabled;
    } else {
        skuTier = validateSku(input.skuTier);
        dnsProxy = skuTier !== "Basic";
    }
    // The created policy's own arguments first: they do not depend on the rules.
    const createdPolicyPlan = skuTier === undefined ? undefined : createdPolicy(componentName, input, skuTier);
    const resolution = resolveRequirements({
        cloud,
        workspaces,
        singleWorkspace: single,
        scenarios: input.scenarios,
        configuration: input.configuration,
        allowUnlistedRegion: input.allowUnlistedRegion,
    });
    // Plan as if DNS proxy were available, to learn whether a Basic policy could hold these rules.
    const plan = planRules(resolution.requirements, { sources, dnsProxy: skuTier === "Basic" ? true : dnsProxy });
    if (skuTier === "Basic" && plan.needsDnsProxy) {
        const hosts = plan.explanations
            .filter((e) => e.realisations.some((r) => r.kind === "networkFqdn"))
            .map((e) => e.requirement.destination);
        throw new InputError(
            "skuTier",
            input.skuTier,
            `Basic policies have no DNS proxy, which the network FQDN rules for ${hosts.join(", ")} need; use ` +
                `Standard or Premium.`,
        );
    }
    const unrealised = plan.explanations.filter((e) => e.unrealised);
    if (unrealised.length) {
        throw new InputError(
            "requirements",
            unrealised.map((e) => e.requirement.destination),
            `no Azure Firewall rule can express these: ` +
                `${unrealised.map((e) => `${e.requirement.destination} (${e.unrealised})`).join("; ")}.`,
        );
    }
    const target = targetPolicy(resourceGroupName, input, createdPolicyPlan);
    const notes = [...resolution.notes, ...plan.notes];
    if (input.attach && !dnsProxy) {
        notes.unshift(
            "The existing policy has no DNS proxy: non-HTTP hosts are allowed through the service tags that carry " +
                "them, not by name.",
        );
    }
    return {
        cloud,
        configuration: resolution.configuration,
        requirements: resolution.requirements,
        plan,
        ruleCollectionGroupName,
        priority,
        skuTier,
        ...(resourceGroupName === undefined ? {} : { resourceGroupName }),
        ...target,
        ...(resourceGroupName === undefined || target.policyName === undefined
            ? {}
            : { policyKey: policyKey(resourceGroupName, target.policyName) }),
        ...(createdPolicyPlan ? { createdPolicy: createdPolicyPlan } : {}),
        dnsProxy,
        sources,
        notes,
    };
}
