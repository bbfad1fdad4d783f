/**
 * Stack policy `azureml-egress-coverage`: every firewall policy that serves Azure ML must allow every
 * required destination. One violation per policy, listing each missing or denied check.
 */
import type { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { evaluateCoverage, CoverageResult, PolicySettings } from "../../components/coverage/evaluate";
import { RawGroup } from "../../components/coverage/model";
import { InputError } from "../../components/errors";
import { Requirement, resolveRequirements } from "../../components/requirements";
import {
    TYPES, ancestors, basePolicyOf, externalPolicyName, isClassicFirewall, isClassicRcg, isClassicWorkspace, isComponent, isLegacyCollection,
    isNativeFirewall, isPolicy, isRcg, isWorkspace, policyDisplayName, policyOfRcg, policySettings,
} from "./common";
import { COVERAGE_CONFIG_SCHEMA, CoverageConfig, WorkspaceConfig, readCoverageConfig } from "./config";

export const EGRESS_COVERAGE = "azureml-egress-coverage";

interface Target {
    key: string;
    name: string;
    urn: string;
    policy?: PolicyResource;
    rcgs: PolicyResource[];
    components: PolicyResource[];
    /** A firewall with rule collections of its own (no policy): the firewall and its collections. */
    legacy?: { firewall?: PolicyResource; collections: PolicyResource[] };
}

function addUnique(list: PolicyResource[], item: PolicyResource): void {
    if (!list.includes(item)) {
        list.push(item);
    }
}

/** Groups the stack's rule collection groups by the firewall policy they belong to. */
export function findTargets(resources: PolicyResource[]): Target[] {
    const targets = new Map<string, Target>();
    const targetOf = (policy: PolicyResource): Target => {
        let target = targets.get(policy.urn);
        if (!target) {
            target = { key: policy.urn, name: policyDisplayName(policy), urn: policy.urn, policy, rcgs: [], components: [] };
            targets.set(policy.urn, target);
        }
        return target;
    };
    for (const resource of resources) {
        if (isPolicy(resource.type)) {
            const target = targetOf(resource);
            ancestors(resource).filter((a) => isComponent(a.type)).forEach((c) => addUnique(target.components, c));
        }
    }
    for (const rcg of resources.filter((r) => isRcg(r.type))) {
        const policy = policyOfRcg(rcg);
        const components = ancestors(rcg).filter((a) => isComponent(a.type));
        let target: Target;
        if (policy) {
            target = targetOf(policy);
        } else {
            const name = externalPolicyName(rcg) ?? "(unknown policy)";
            const key = `external:${name.toLowerCase()}`;
            target = targets.get(key) ?? { key, name, urn: (components[0] ?? rcg).urn, rcgs: [], components: [] };
            targets.set(key, target);
        }
        target.rcgs.push(rcg);
        components.forEach((c) => addUnique(target.components, c));
    }
    // Firewalls with classic (legacy) rule collections of their own, instead of a policy.
    for (const firewall of resources.filter((r) => isNativeFirewall(r.type) || isClassicFirewall(r.type))) {
        const props = firewall.props;
        const own = isNativeFirewall(firewall.type) && (Array.isArray(props.applicationRuleCollections) && props.applicationRuleCollections.length > 0
            || Array.isArray(props.networkRuleCollections) && props.networkRuleCollections.length > 0);
        if (own || isClassicFirewall(firewall.type)) {
            targets.set(firewall.urn, { key: firewall.urn, name: firewall.name, urn: firewall.urn, rcgs: [], components: [], legacy: { firewall, collections: [] } });
        }
    }
    for (const collection of resources.filter((r) => isLegacyCollection(r.type))) {
        const firewall = (collection.propertyDependencies.azureFirewallName ?? []).find((r) => isClassicFirewall(r.type));
        const key = firewall ? firewall.urn : `legacy:${String(collection.props.azureFirewallName ?? "(unknown firewall)").toLowerCase()}`;
        const target = targets.get(key) ?? { key, name: String(collection.props.azureFirewallName ?? "(unknown firewall)"), urn: collection.urn, rcgs: [], components: [], legacy: { collections: [] } };
        target.legacy!.collections.push(collection);
        targets.set(key, target);
    }
    // A classic firewall with no collections of its own is not a target (its policy, if any, is).
    return [...targets.values()].filter((t) => !t.legacy || t.legacy.collections.length > 0 || (t.legacy.firewall && isNativeFirewall(t.legacy.firewall.type)));
}

/** A legacy firewall's collections as one group for the evaluator. */
function legacyGroup(target: Target): RawGroup {
    const firewall = target.legacy!.firewall;
    if (firewall && isNativeFirewall(firewall.type)) {
        return { name: target.name, applicationRuleCollections: plain(firewall.props.applicationRuleCollections) ?? [], networkRuleCollections: plain(firewall.props.networkRuleCollections) ?? [] };
    }
    const collections = (type: string) => target.legacy!.collections.filter((c) => c.type === type)
        .map((c) => ({ name: c.props.name ?? c.name, priority: c.props.priority, action: c.props.action, rules: plain(c.props.rules) ?? [] }));
    return { name: target.name, applicationRuleCollections: collections(TYPES.classicAppCollection), networkRuleCollections: collections(TYPES.classicNetworkCollection) };
}

/** DNS proxy and SKU of a legacy firewall. */
function legacySettings(target: Target): PolicySettings {
    const firewall = target.legacy?.firewall;
    if (!firewall) {
        return { name: target.name };
    }
    if (isNativeFirewall(firewall.type)) {
        const extra = firewall.props.additionalProperties as Record<string, unknown> | undefined;
        const sku = firewall.props.sku as Record<string, unknown> | undefined;
        return { name: target.name, dnsProxy: String(extra?.["Network.DNS.EnableProxy"] ?? "").toLowerCase() === "true", skuTier: sku?.tier as string | undefined };
    }
    return { name: target.name, dnsProxy: firewall.props.dnsProxyEnabled === true, skuTier: firewall.props.skuTier as string | undefined };
}

/** A plain copy of a (proxied) value; reading it all is what trips the preview-unknown check. */
function plain(value: unknown): any {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function rawGroup(rcg: PolicyResource): RawGroup {
    const props = rcg.props;
    const name = (isClassicRcg(rcg.type) ? props.name : props.ruleCollectionGroupName ?? props.name) ?? rcg.name;
    if (isClassicRcg(rcg.type)) {
        return {
            name, priority: props.priority,
            applicationRuleCollections: plain(props.applicationRuleCollections),
            networkRuleCollections: plain(props.networkRuleCollections),
        };
    }
    return { name, priority: props.priority, ruleCollections: plain(props.ruleCollections) };
}

function resolveForWorkspaces(workspaces: WorkspaceConfig[], config: CoverageConfig): Requirement[] {
    const byCloud = new Map<string, WorkspaceConfig[]>();
    for (const ws of workspaces) {
        const cloud = ws.cloud ?? config.cloud;
        byCloud.set(cloud, [...(byCloud.get(cloud) ?? []), ws]);
    }
    return [...byCloud.entries()].flatMap(([cloud, list]) => resolveRequirements({
        cloud, scenarios: config.scenarios, configuration: config.configuration,
        workspaces: list.map((ws) => ({ name: ws.name, storageAccountName: ws.storageAccountName, region: ws.region,
            scenarios: ws.scenarios, containerRegistryName: ws.containerRegistryName, workspaceId: ws.workspaceId })),
    }).requirements);
}

/** Workspaces defined in the stack, with region and storage account read from their inputs. */
export function stackWorkspaces(resources: PolicyResource[]): WorkspaceConfig[] {
    return resources.filter((r) => isWorkspace(r.type)).map((ws) => {
        const props = ws.props;
        const storageId = String((isClassicWorkspace(ws.type) ? props.storageAccountId : props.storageAccount) ?? "");
        const name = String((isClassicWorkspace(ws.type) ? props.name : props.workspaceName) ?? ws.name);
        return {
            name: /^[A-Za-z0-9][A-Za-z0-9_-]{2,32}$/.test(name) ? name : ws.name.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 33),
            storageAccountName: storageId.split("/").pop() ?? "",
            region: String(props.location ?? "").replace(/\s+/g, "").toLowerCase(),
        };
    });
}

function requirementsFor(target: Target, config: CoverageConfig, fromStack: WorkspaceConfig[]): Requirement[] {
    let requirements: Requirement[];
    if (config.workspaces.length) {
        requirements = resolveForWorkspaces(config.workspaces, config);
    } else if (target.components.length) {
        requirements = target.components.flatMap((c) => (Array.isArray(c.props.requirements) ? JSON.parse(JSON.stringify(c.props.requirements)) : []));
    } else {
        requirements = resolveForWorkspaces(fromStack, config);
    }
    return [...requirements, ...config.extraRequirements];
}

function sourcesFor(target: Target, config: CoverageConfig): { addresses: string[]; ipGroups: string[] } {
    if (config.sourceAddresses.length || config.sourceIpGroups.length) {
        return { addresses: config.sourceAddresses, ipGroups: config.sourceIpGroups };
    }
    const addresses = new Set<string>();
    const ipGroups = new Set<string>();
    for (const component of target.components) {
        const sources = component.props.sources as { addresses?: string[]; ipGroups?: string[] } | undefined;
        (sources?.addresses ?? []).forEach((a) => addresses.add(a));
        (sources?.ipGroups ?? []).forEach((g) => ipGroups.add(g));
    }
    return { addresses: [...addresses], ipGroups: [...ipGroups] };
}

function settingsFor(target: Target, config: CoverageConfig): PolicySettings {
    if (target.policy) {
        const settings = policySettings(target.policy);
        const base = settings.hasBase ? basePolicyOf(target.policy) : undefined;
        let basePolicyId: string | undefined;
        if (base) {
            basePolicyId = base.urn;
        } else if (settings.hasBase) {
            const ref = target.policy.props.basePolicy as Record<string, unknown> | undefined;
            basePolicyId = String(ref?.id ?? target.policy.props.basePolicyId);
        }
        return { name: target.name, skuTier: settings.skuTier, dnsProxy: settings.dnsProxy, basePolicyId };
    }
    const configured = Object.entries(config.externalPolicyDnsProxy).find(([name]) => name.toLowerCase() === target.name.toLowerCase());
    const fromComponents = target.components.map((c) => c.props.dnsProxyEnabled).filter((v): v is boolean => typeof v === "boolean");
    const dnsProxy = configured ? configured[1] : fromComponents.length && fromComponents.every((v) => v) ? true : fromComponents.length ? false : undefined;
    return { name: target.name, dnsProxy };
}

/** Formats one policy's failures as a readable message; `label` names it ("Firewall policy X"). */
export function formatCoverage(label: string, result: CoverageResult): string {
    const failing = result.results.filter((r) => r.status !== "allowed");
    const lines = [`${label} does not allow ${failing.length} of ${result.summary.checks} checks Azure ML needs:`];
    for (const r of failing) {
        const by = r.decidedBy ? ` (by ${r.decidedBy.ruleCollectionGroup}/${r.decidedBy.ruleCollection}/${r.decidedBy.rule})` : "";
        lines.push(`  ${r.status.padEnd(7)} ${r.destination} ${r.protocol} ${r.port}${by}`);
    }
    if (result.problems.length) {
        lines.push("Problems:");
        result.problems.forEach((p) => lines.push(`  - ${p}`));
    }
    return lines.join("\n");
}

export const egressCoverage: StackValidationPolicy = {
    name: EGRESS_COVERAGE,
    description: "Firewall policies that serve Azure Machine Learning must allow every host, service tag and port the Azure ML network doc requires.",
    enforcementLevel: "mandatory",
    configSchema: COVERAGE_CONFIG_SCHEMA,
    validateStack: (args: StackValidationArgs, reportViolation) => {
        const config = readCoverageConfig(args.getConfig<Partial<CoverageConfig>>());
        const resources = args.resources;
        const fromStack = stackWorkspaces(resources);
        const targets = findTargets(resources);
        const matches = (target: Target, names: string[]) => names.some((n) => {
            const wanted = n.toLowerCase();
            return wanted === target.name.toLowerCase() || (target.policy !== undefined && wanted === target.policy.name.toLowerCase());
        });
        let served = config.firewallPolicies.length
            ? targets.filter((t) => matches(t, config.firewallPolicies))
            : targets.filter((t) => t.components.length > 0 || fromStack.length > 0 || config.workspaces.length > 0);
        served = served.filter((t) => !matches(t, config.exemptFirewallPolicies));
        for (const name of config.firewallPolicies) {
            if (!targets.some((t) => matches(t, [name]))) {
                reportViolation(`Firewall policy ${name} is named in the ${EGRESS_COVERAGE} config but is not in this stack.`);
            }
        }
        if (served.length === 0) {
            args.notApplicable("No firewall policy in this stack serves Azure Machine Learning.");
        }
        for (const target of served) {
            let result: CoverageResult;
            try {
                const requirements = requirementsFor(target, config, fromStack);
                if (requirements.length === 0) {
                    reportViolation(`Firewall policy ${target.name}: no Azure ML requirements are known for it; set workspaces in the ${EGRESS_COVERAGE} config.`, target.urn);
                    continue;
                }
                const base = target.policy ? basePolicyOf(target.policy) : undefined;
                const parentTarget = base ? targets.find((t) => t.policy === base) : undefined;
                result = target.legacy
                    ? evaluateCoverage({ groups: [], legacyFirewalls: [legacyGroup(target)], policy: legacySettings(target), requirements, sources: sourcesFor(target, config) })
                    : evaluateCoverage({
                        groups: target.rcgs.map(rawGroup),
                        parentGroups: parentTarget?.rcgs.map(rawGroup),
                        policy: settingsFor(target, config),
                        requirements,
                        sources: sourcesFor(target, config),
                    });
            } catch (error) {
                if (error instanceof InputError) {
                    reportViolation(`Firewall policy ${target.name} cannot be evaluated: ${error.message}`, target.urn);
                    continue;
                }
                throw error;
            }
            if (result.summary.missing || result.summary.denied) {
                const label = target.legacy ? `Firewall ${target.name} (its own rule collections)` : `Firewall policy ${target.name}`;
                reportViolation(formatCoverage(label, result), target.urn);
            }
        }
    },
};
