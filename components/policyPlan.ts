/**
 * Everything the component decides, as one pure function of its (resolved) arguments: validation,
 * requirements, rule plan, group name and priority, SKU and DNS proxy. The Pulumi component only
 * turns the result into resources.
 */
import type * as pulumi from "@pulumi/pulumi";
import { AmlFirewallPolicyCommonArgs, ResourceOnlyArgument, SkuTier } from "./args";
import { parseCloud } from "./clouds";
import { InputError } from "./errors";
import { RulePlan, isValidAzureName, planRules, shortHash, validateAzureName } from "./planner";
import { Configuration, Requirement, WorkspaceSpec, resolveRequirements } from "./requirements";
import { Cloud } from "./catalog/types";
import { RuleSources, validateSources } from "./sources";

export const SKU_TIERS: readonly SkuTier[] = Object.values(SkuTier);

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
    Unvalidated<pulumi.Unwrap<Omit<AmlFirewallPolicyCommonArgs, ResourceOnlyArgument>>>
> & {
    attach: boolean;
};

export interface PolicyPlan {
    cloud: Cloud;
    configuration: Configuration;
    requirements: Requirement[];
    plan: RulePlan;
    ruleCollectionGroupName: string;
    priority: number;
    /** SKU of a created policy (undefined in attach mode). */
    skuTier?: SkuTier;
    /** Whether rules were planned with DNS proxy available. */
    dnsProxy: boolean;
    /** The validated, canonical workload sources. */
    sources: RuleSources;
    /** Doc corrections, left-out rows, fallbacks: everything the output must say. */
    notes: string[];
}

export const DEFAULT_PRIORITY = 1000;

/** A valid Azure name derived from the component name; long or odd names get a stable hash suffix. */
export function defaultGroupName(componentName: string): string {
    let name = componentName
        .toLowerCase()
        .replace(/[^a-z0-9_.-]/g, "-")
        .replace(/^[-.]+/, "");
    if (name.length > 80) {
        name = `${name.slice(0, 71)}-${shortHash(componentName)}`;
    }
    name = name.replace(/[-.]+$/, "");
    return isValidAzureName(name) ? name : `aml-${shortHash(componentName)}`;
}

function validatePriority(value: unknown): number {
    if (value === undefined) {
        return DEFAULT_PRIORITY;
    }
    if (typeof value !== "number" || !Number.isInteger(value) || value < 100 || value > 65000) {
        throw new InputError(
            "priority",
            value,
            "a rule collection group priority is a whole number from 100 to 65000.",
        );
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
        { allowAnySource: input.allowAnySource, allowIpv6Sources: input.allowIpv6Sources },
    );
    const priority = validatePriority(input.priority);
    const ruleCollectionGroupName = validateAzureName(
        input.ruleCollectionGroupName ?? defaultGroupName(componentName),
        "ruleCollectionGroupName",
    );
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
        dnsProxy,
        sources,
        notes,
    };
}
