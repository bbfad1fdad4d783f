/**
 * Reading a Pulumi stack (the policy server's resources, or a `pulumi stack export`) into firewall
 * targets: each firewall policy with the rule collection groups that belong to it, the components that
 * manage it and its settings; and each firewall that carries rule collections of its own.
 *
 * Props are read lazily and only where needed: during a preview the policy server throws on reading a
 * value that is not known yet, and that must stay limited to the values a check really needs.
 */
import type { Requirement } from "../requirements";
import { RawGroup, record, strings } from "./model";
import {
    PolicySettings,
    classicPolicySettings,
    externalDnsProxy,
    firewallSettings,
    nativePolicySettings,
} from "./settings";
import {
    TYPES,
    isClassicFirewall,
    isClassicPolicy,
    isClassicRcg,
    isClassicWorkspace,
    isComponent,
    isLegacyCollection,
    isNativeFirewall,
    isPolicy,
    isRcg,
    isWorkspace,
} from "./tokens";
import { WORKSPACE_NAME } from "../names";

/** A stack resource with references to others (the shape of `@pulumi/policy`'s `PolicyResource`). */
export interface StackNode {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
    parent?: StackNode;
    dependencies: StackNode[];
    propertyDependencies: Record<string, StackNode[]>;
}

export interface FirewallTarget {
    /** Unique key: the policy's URN, or `external:<name>` for a policy outside the stack. */
    key: string;
    /** The Azure name of the policy (or firewall), else its Pulumi name. */
    name: string;
    /** Where violations are reported. */
    urn: string;
    /** The policy, when it is in the stack. */
    policy?: StackNode;
    rcgs: StackNode[];
    /** The project's components that manage this policy. */
    components: StackNode[];
    /** A firewall with rule collections of its own (no policy): the firewall and its collections. */
    legacy?: { firewall?: StackNode; collections: StackNode[] };
}

/** The parents of a resource, nearest first. */
export function ancestors(node: StackNode): StackNode[] {
    const result: StackNode[] = [];
    for (let current = node.parent; current; current = current.parent) {
        result.push(current);
    }
    return result;
}

function componentsAbove(node: StackNode): StackNode[] {
    return ancestors(node).filter((a) => isComponent(a.type));
}

function addUnique(into: StackNode[], items: StackNode[]): void {
    items.filter((item) => !into.includes(item)).forEach((item) => into.push(item));
}

/** The field of a rule collection group that names its policy. */
function policyField(rcg: StackNode): string {
    return isClassicRcg(rcg.type) ? "firewallPolicyId" : "firewallPolicyName";
}

/** The in-stack firewall policy of a rule collection group, from the dependency graph (no values read). */
export function policyOfRcg(rcg: StackNode): StackNode | undefined {
    const viaProperty = (rcg.propertyDependencies[policyField(rcg)] ?? []).find((r) => isPolicy(r.type));
    return viaProperty ?? rcg.dependencies.find((r) => isPolicy(r.type));
}

const POLICY_IN_ID = /\/firewallPolicies\/([^/]+)(?:\/ruleCollectionGroups\/[^/]+)?$/i;

/**
 * The name of the policy a rule collection group belongs to, by value: the input that names it
 * (`firewallPolicyName`, classic `firewallPolicyId`), else the group's own ARM ID (azure-native returns
 * only its declared outputs, so a group read from the state has `id` but no `firewallPolicyName`).
 */
export function policyNameOfRcg(rcg: StackNode): string | undefined {
    const props = rcg.props;
    const named = props[policyField(rcg)];
    if (typeof named === "string" && named !== "") {
        return isClassicRcg(rcg.type) ? named.split("/").pop() : named;
    }
    const id = props.id;
    return typeof id === "string" ? POLICY_IN_ID.exec(id)?.[1] : undefined;
}

/** The policy name the project's component above a group reports (its `firewallPolicyName` output). */
function componentPolicyName(components: StackNode[]): string | undefined {
    const named = components.map((c) => c.props.firewallPolicyName).find((n) => typeof n === "string" && n !== "");
    return named as string | undefined;
}

/** The display name of an in-stack policy: its Azure name if known, else its Pulumi name. */
export function policyDisplayName(policy: StackNode): string {
    try {
        const settings = isClassicPolicy(policy.type)
            ? classicPolicySettings(policy.props)
            : nativePolicySettings(policy.props);
        return settings.name ?? policy.name;
    } catch {
        // The Azure name is not known yet (preview of a new, auto-named policy): use the Pulumi name.
        return policy.name;
    }
}

/** The in-stack base policy of a policy, from the dependency graph. */
export function basePolicyOf(policy: StackNode): StackNode | undefined {
    const field = isClassicPolicy(policy.type) ? "basePolicyId" : "basePolicy";
    return (policy.propertyDependencies[field] ?? []).find((r) => isPolicy(r.type));
}

function policyTargets(nodes: StackNode[], targets: Map<string, FirewallTarget>): void {
    const targetOf = (policy: StackNode): FirewallTarget => {
        let target = targets.get(policy.urn);
        if (!target) {
            target = {
                key: policy.urn,
                name: policyDisplayName(policy),
                urn: policy.urn,
                policy,
                rcgs: [],
                components: [],
            };
            targets.set(policy.urn, target);
        }
        return target;
    };
    nodes
        .filter((n) => isPolicy(n.type))
        .forEach((policy) => addUnique(targetOf(policy).components, componentsAbove(policy)));
    for (const rcg of nodes.filter((n) => isRcg(n.type))) {
        const policy = policyOfRcg(rcg);
        const components = componentsAbove(rcg);
        const name = policy
            ? undefined
            : (policyNameOfRcg(rcg) ?? componentPolicyName(components) ?? "(unknown policy)");
        const inStack =
            policy ??
            [...targets.values()].find((t) => t.policy && name && t.name.toLowerCase() === name.toLowerCase())?.policy;
        let target: FirewallTarget;
        if (inStack) {
            target = targetOf(inStack);
        } else {
            const key = `external:${name!.toLowerCase()}`;
            target = targets.get(key) ?? {
                key,
                name: name!,
                urn: (components[0] ?? rcg).urn,
                rcgs: [],
                components: [],
            };
            targets.set(key, target);
        }
        target.rcgs.push(rcg);
        addUnique(target.components, components);
    }
}

function hasOwnCollections(firewall: StackNode): boolean {
    const props = firewall.props;
    return (
        isNativeFirewall(firewall.type) &&
        ((Array.isArray(props.applicationRuleCollections) && props.applicationRuleCollections.length > 0) ||
            (Array.isArray(props.networkRuleCollections) && props.networkRuleCollections.length > 0))
    );
}

function legacyTargets(nodes: StackNode[], targets: Map<string, FirewallTarget>): void {
    for (const firewall of nodes.filter((n) => hasOwnCollections(n) || isClassicFirewall(n.type))) {
        targets.set(firewall.urn, {
            key: firewall.urn,
            name: firewall.name,
            urn: firewall.urn,
            rcgs: [],
            components: [],
            legacy: { firewall, collections: [] },
        });
    }
    for (const collection of nodes.filter((n) => isLegacyCollection(n.type))) {
        const firewall = (collection.propertyDependencies.azureFirewallName ?? []).find((r) =>
            isClassicFirewall(r.type),
        );
        const named = String(collection.props.azureFirewallName ?? "(unknown firewall)");
        const key = firewall ? firewall.urn : `legacy:${named.toLowerCase()}`;
        const target = targets.get(key) ?? {
            key,
            name: named,
            urn: collection.urn,
            rcgs: [],
            components: [],
            legacy: { collections: [] },
        };
        target.legacy!.collections.push(collection);
        targets.set(key, target);
    }
}

/**
 * Groups a stack's firewall resources by the policy they belong to (in the stack, or named by value),
 * plus firewalls with rule collections of their own. A classic firewall without collections of its own
 * is not a target (its policy, if any, is).
 */
export function findTargets(nodes: StackNode[]): FirewallTarget[] {
    const targets = new Map<string, FirewallTarget>();
    policyTargets(nodes, targets);
    legacyTargets(nodes, targets);
    return [...targets.values()].filter(
        (t) =>
            !t.legacy ||
            t.legacy.collections.length > 0 ||
            (t.legacy.firewall && isNativeFirewall(t.legacy.firewall.type)),
    );
}

/** A plain copy of a (proxied) value; reading it all is what trips the preview-unknown check. */
function plain(value: unknown): unknown {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** A rule collection group resource as a raw group: its Azure name (inputs or outputs), priority and collections. */
export function rcgGroup(rcg: Pick<StackNode, "type" | "name" | "props">): RawGroup {
    const props = rcg.props;
    const name = (isClassicRcg(rcg.type) ? props.name : (props.ruleCollectionGroupName ?? props.name)) ?? rcg.name;
    if (isClassicRcg(rcg.type)) {
        return {
            name,
            priority: props.priority,
            applicationRuleCollections: plain(props.applicationRuleCollections),
            networkRuleCollections: plain(props.networkRuleCollections),
            natRuleCollections: plain(props.natRuleCollections),
        };
    }
    return { name, priority: props.priority, ruleCollections: plain(props.ruleCollections) };
}

/** A firewall's own collections as one group (its priority is unset: it has no group). */
function legacyGroup(target: FirewallTarget): RawGroup {
    const firewall = target.legacy!.firewall;
    if (firewall && isNativeFirewall(firewall.type)) {
        return {
            name: target.name,
            applicationRuleCollections: plain(firewall.props.applicationRuleCollections) ?? [],
            networkRuleCollections: plain(firewall.props.networkRuleCollections) ?? [],
        };
    }
    const collections = (type: string) =>
        target
            .legacy!.collections.filter((c) => c.type === type)
            .map((c) => ({
                name: c.props.name ?? c.name,
                priority: c.props.priority,
                action: c.props.action,
                rules: plain(c.props.rules) ?? [],
            }));
    return {
        name: target.name,
        applicationRuleCollections: collections(TYPES.classicAppCollection),
        networkRuleCollections: collections(TYPES.classicNetworkCollection),
    };
}

/** The groups of a target: its rule collection groups, or a firewall's own collections. */
export function targetGroups(target: FirewallTarget): { groups: RawGroup[]; legacyFirewalls: RawGroup[] } {
    return target.legacy
        ? { groups: [], legacyFirewalls: [legacyGroup(target)] }
        : { groups: target.rcgs.map(rcgGroup), legacyFirewalls: [] };
}

/** Settings of an in-stack policy; its base policy is named by URN when it is in the stack too. */
function inStackSettings(target: FirewallTarget, policy: StackNode): PolicySettings {
    const classic = isClassicPolicy(policy.type);
    const field = classic ? "basePolicyId" : "basePolicy";
    const hasBase = field in policy.props && policy.props[field] !== undefined;
    const settings = classic ? classicPolicySettings(policy.props) : nativePolicySettings(policy.props);
    const base = hasBase ? basePolicyOf(policy) : undefined;
    const basePolicyId = base
        ? base.urn
        : hasBase
          ? (settings.basePolicyId ?? String(record(policy.props.basePolicy)?.id ?? "(unknown)"))
          : undefined;
    return { name: target.name, skuTier: settings.skuTier, dnsProxy: settings.dnsProxy, basePolicyId };
}

/**
 * The settings of a target: read from the policy or firewall when it is in the stack; for a policy
 * outside it, DNS proxy as `externalDnsProxy` decides from `configured` and the components.
 */
export function targetSettings(target: FirewallTarget, configured: Readonly<Record<string, boolean>>): PolicySettings {
    if (target.legacy) {
        const firewall = target.legacy.firewall;
        return firewall
            ? firewallSettings(isClassicFirewall(firewall.type), target.name, firewall.props)
            : { name: target.name };
    }
    if (target.policy) {
        return inStackSettings(target, target.policy);
    }
    const told = target.components.map((c) => c.props.dnsProxyEnabled);
    return { name: target.name, dnsProxy: externalDnsProxy(target.name, configured, told) };
}

/** The base policy's target, when the base policy is in the stack. */
export function parentTarget(target: FirewallTarget, targets: FirewallTarget[]): FirewallTarget | undefined {
    const base = target.policy ? basePolicyOf(target.policy) : undefined;
    return base ? targets.find((t) => t.policy === base) : undefined;
}

/** An Azure ML workspace found in a stack: name, storage account and region read from its props. */
export interface StackWorkspace {
    name: string;
    storageAccountName: string;
    region: string;
}

/** Workspaces defined in the stack (azure-native or classic), with region and storage account. */
export function stackWorkspaces(nodes: StackNode[]): StackWorkspace[] {
    return nodes
        .filter((n) => isWorkspace(n.type))
        .map((ws) => {
            const classic = isClassicWorkspace(ws.type);
            const props = ws.props;
            const storageId = String((classic ? props.storageAccountId : props.storageAccount) ?? "");
            const name = String((classic ? props.name : (props.workspaceName ?? props.name)) ?? ws.name);
            return {
                name: WORKSPACE_NAME.test(name) ? name : ws.name.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 33),
                storageAccountName: storageId.split("/").pop() ?? "",
                region: String(props.location ?? "")
                    .replace(/\s+/g, "")
                    .toLowerCase(),
            };
        });
}

/**
 * What the project's components serving a target recorded in their outputs: the requirements they resolved
 * and the workload sources they allow from (each source once).
 */
export function componentOutputs(target: FirewallTarget): {
    requirements: Requirement[];
    sources: { addresses: string[]; ipGroups: string[] };
} {
    const addresses = new Set<string>();
    const ipGroups = new Set<string>();
    const requirements: Requirement[] = [];
    for (const component of target.components) {
        const sources = record(plain(component.props.sources));
        strings(sources?.addresses).forEach((a) => addresses.add(a));
        strings(sources?.ipGroups).forEach((g) => ipGroups.add(g));
        const resolved = plain(component.props.requirements);
        requirements.push(...(Array.isArray(resolved) ? (resolved as Requirement[]) : []));
    }
    return { requirements, sources: { addresses: [...addresses], ipGroups: [...ipGroups] } };
}

/** A resource of a `pulumi stack export` (Pulumi's `ResourceV3`, as preview steps carry it too). */
export interface ExportedResource {
    urn?: unknown;
    type?: unknown;
    custom?: unknown;
    inputs?: unknown;
    outputs?: unknown;
    parent?: unknown;
    dependencies?: unknown;
    propertyDependencies?: unknown;
}

/** What the policies read of an exported resource: its outputs (what Azure holds), else its inputs. */
function exportedProps(r: ExportedResource): Record<string, unknown> {
    return record(r.outputs) ?? record(r.inputs) ?? {};
}

/**
 * The resources of a `pulumi stack export` (`deployment.resources`) as stack nodes, outputs as props unless
 * `propsOf` says otherwise.
 */
export function nodesFromExport(
    resources: ExportedResource[],
    propsOf: (r: ExportedResource) => Record<string, unknown> = exportedProps,
): StackNode[] {
    const nodes = resources.map((r): StackNode => {
        const urn = String(r.urn ?? "");
        return {
            type: String(r.type ?? ""),
            name: urn.split("::").pop() ?? urn,
            urn,
            props: propsOf(r),
            dependencies: [],
            propertyDependencies: {},
        };
    });
    const byUrn = new Map(nodes.map((n) => [n.urn, n]));
    const resolve = (urns: unknown): StackNode[] =>
        (Array.isArray(urns) ? urns : [])
            .map((u) => byUrn.get(String(u)))
            .filter((n): n is StackNode => n !== undefined);
    resources.forEach((r, i) => {
        nodes[i].parent = typeof r.parent === "string" ? byUrn.get(r.parent) : undefined;
        nodes[i].dependencies = resolve(r.dependencies);
        for (const [key, urns] of Object.entries(record(r.propertyDependencies) ?? {})) {
            nodes[i].propertyDependencies[key] = resolve(urns);
        }
    });
    return nodes;
}
