/**
 * Shared helpers of the policies: type tokens, and a view of rule collection group props that reads
 * both providers' shapes the same way.
 */
import type { PolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import { isClassicPolicy, isClassicRcg, isPolicy, isRcg, policySettingsOf } from "../../components/coverage/resources";

export {
    TYPES, isClassicFirewall, isClassicPolicy, isClassicRcg, isClassicWorkspace, isComponent, isLegacyCollection, isNativeFirewall,
    isNativePolicy, isNativeRcg, isNativeWorkspace, isPolicy, isRcg, isWorkspace,
} from "../../components/coverage/resources";

export interface RuleView {
    collection: string;
    collectionPriority: unknown;
    action: string;
    stage: "network" | "application" | "nat";
    name: string;
    raw: Record<string, unknown>;
    /** Network: destinationFqdns; application: targetFqdns (native) or destinationFqdns (classic). */
    fqdns: string[];
    destinationAddresses: string[];
    destinationIpGroups: string[];
    ports: string[];
    protocols: unknown[];
    sources: string[];
    sourceIpGroups: string[];
    /** Application: fqdnTags, web categories and URLs, which are destinations too. */
    otherDestinations: string[];
}

export interface CollectionView {
    name: string;
    priority: unknown;
    stage: "network" | "application" | "nat" | "mixed";
    rules: RuleView[];
    rawRuleCount: number;
}

function arr(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

function strs(value: unknown): string[] {
    return arr(value).filter((v): v is string => typeof v === "string");
}

function ruleView(collection: Record<string, unknown>, stageHint: RuleView["stage"] | undefined, raw: Record<string, unknown>, index: number, classic: boolean): RuleView {
    const ruleType = typeof raw.ruleType === "string" ? raw.ruleType.toLowerCase() : "";
    const stage: RuleView["stage"] = ruleType === "networkrule" ? "network" : ruleType === "applicationrule" ? "application"
        : ruleType === "natrule" ? "nat" : stageHint ?? ("ipProtocols" in raw || "destinationPorts" in raw ? "network" : "application");
    const action = typeof collection.action === "object" && collection.action !== null
        ? String((collection.action as Record<string, unknown>).type ?? "") : String(collection.action ?? "");
    const fqdns = stage === "application" && !classic ? strs(raw.targetFqdns) : strs(raw.destinationFqdns);
    return {
        collection: String(collection.name ?? `(collection)`),
        collectionPriority: collection.priority,
        action,
        stage,
        name: typeof raw.name === "string" ? raw.name : `(rule ${index + 1})`,
        raw,
        fqdns,
        destinationAddresses: strs(raw.destinationAddresses),
        destinationIpGroups: strs(raw.destinationIpGroups),
        ports: arr(raw.destinationPorts).map(String),
        protocols: arr(stage === "network" ? raw.ipProtocols ?? raw.protocols : raw.protocols),
        sources: strs(raw.sourceAddresses),
        sourceIpGroups: strs(raw.sourceIpGroups),
        otherDestinations: [...strs(raw.fqdnTags), ...strs(raw.destinationFqdnTags), ...strs(raw.webCategories), ...strs(raw.targetUrls), ...strs(raw.destinationUrls)],
    };
}

/** The collections of a rule collection group, native or classic props. */
export function collectionsOf(type: string, props: Record<string, unknown>): CollectionView[] {
    const classic = isClassicRcg(type);
    const result: CollectionView[] = [];
    const add = (c: Record<string, unknown>, stage: CollectionView["stage"], hint: RuleView["stage"] | undefined) => {
        const rules = arr(c.rules);
        result.push({
            name: String(c.name ?? `(collection ${result.length + 1})`),
            priority: c.priority,
            stage,
            rawRuleCount: rules.length,
            rules: rules.map((r, i) => ruleView(c, hint, (r ?? {}) as Record<string, unknown>, i, classic)),
        });
    };
    if (classic) {
        arr(props.applicationRuleCollections).forEach((c) => add(c as Record<string, unknown>, "application", "application"));
        arr(props.networkRuleCollections).forEach((c) => add(c as Record<string, unknown>, "network", "network"));
        arr(props.natRuleCollections).forEach((c) => add(c as Record<string, unknown>, "nat", "nat"));
    } else {
        for (const c of arr(props.ruleCollections) as Record<string, unknown>[]) {
            const type = String(c?.ruleCollectionType ?? "").toLowerCase();
            add(c ?? {}, type.includes("nat") ? "nat" : "mixed", type.includes("nat") ? "nat" : undefined);
        }
    }
    return result;
}

/** For resource policies: skip resources that are not rule collection groups. */
export function requireRcg(args: ResourceValidationArgs): void {
    if (!isRcg(args.type)) {
        args.notApplicable("Policy only applies to Azure Firewall policy rule collection groups.");
    }
}

/** Walks up the parent chain. */
export function ancestors(resource: PolicyResource): PolicyResource[] {
    const result: PolicyResource[] = [];
    let current = resource.parent;
    while (current) {
        result.push(current);
        current = current.parent;
    }
    return result;
}

/** The in-stack firewall policy a rule collection group belongs to, by graph edges only (no values read). */
export function policyOfRcg(rcg: PolicyResource): PolicyResource | undefined {
    const field = isClassicRcg(rcg.type) ? "firewallPolicyId" : "firewallPolicyName";
    const viaProperty = (rcg.propertyDependencies[field] ?? []).find((r) => isPolicy(r.type));
    return viaProperty ?? rcg.dependencies.find((r) => isPolicy(r.type));
}

/** Name of the policy an RCG names by value (attach mode / policy outside the stack). */
export function externalPolicyName(rcg: PolicyResource): string | undefined {
    const value = isClassicRcg(rcg.type) ? rcg.props.firewallPolicyId : rcg.props.firewallPolicyName;
    if (typeof value !== "string" || value === "") {
        return undefined;
    }
    return isClassicRcg(rcg.type) ? value.split("/").pop() : value;
}

/** Settings of an in-stack firewall policy, both providers (the base policy by presence only: its ID may be unknown in preview). */
export function policySettings(policy: PolicyResource): { skuTier?: string; dnsProxy?: boolean; hasBase: boolean } {
    const classic = isClassicPolicy(policy.type);
    const base = classic ? "basePolicyId" : "basePolicy";
    return { ...policySettingsOf(classic, policy.props), hasBase: base in policy.props && policy.props[base] !== undefined };
}

/** The in-stack base policy of a policy, by graph edges. */
export function basePolicyOf(policy: PolicyResource): PolicyResource | undefined {
    const field = isClassicPolicy(policy.type) ? "basePolicyId" : "basePolicy";
    return (policy.propertyDependencies[field] ?? []).find((r) => isPolicy(r.type));
}

/** The display name of an in-stack policy: its Azure name if known, else its Pulumi name. */
export function policyDisplayName(policy: PolicyResource): string {
    const field = isClassicPolicy(policy.type) ? "name" : "firewallPolicyName";
    try {
        const value = policy.props[field] ?? policy.props.name;
        return typeof value === "string" && value ? value : policy.name;
    } catch {
        // The Azure name is not known yet (preview of a new, auto-named policy): use the Pulumi name.
        return policy.name;
    }
}
