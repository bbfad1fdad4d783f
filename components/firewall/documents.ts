/**
 * Firewall rules and policies in the documents users export from Azure or Pulumi: the output of
 * `az network firewall policy rule-collection-group list` (or one group), ARM resources, ARM templates,
 * `pulumi stack export` files, and `az network firewall policy show`.
 */
import { resolveTemplate } from "./armExpressions";
import { RawGroup, looksLikeGroup, record } from "./model";
import { PolicySettings, nativePolicySettings } from "./settings";
import { findTargets, nodesFromExport, targetGroups, targetSettings } from "./stack";
import { ARM_RCG_TYPE, isPolicy } from "./tokens";

/** A document that is not of a shape this module reads. The message names the document. */
export class DocumentError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "DocumentError";
    }
}

export interface RulesDocument {
    groups: RawGroup[];
    /** A firewall's own rule collections (from a stack export). */
    legacyFirewalls: RawGroup[];
    /** Policy settings found in the document (a stack export holding one firewall policy). */
    policy?: PolicySettings;
    /** What the reader has to say about the document (a REST list page with more pages after it). */
    notes?: string[];
}

const SHAPES =
    "expected the output of `az network firewall policy rule-collection-group list` (or one group), " +
    "ARM resources or an ARM template of ruleCollectionGroups, or a `pulumi stack export`";

function checkedGroup(where: string, raw: unknown): RawGroup {
    const group = record(raw);
    if (
        !group ||
        !(
            looksLikeGroup(group) ||
            "priority" in group ||
            record(group.properties) ||
            String(group.type ?? "").toLowerCase() === ARM_RCG_TYPE
        )
    ) {
        throw new DocumentError(`${where}: JSON of an unknown shape; ${SHAPES}`);
    }
    if (!looksLikeGroup(group)) {
        const name = typeof group.name === "string" ? group.name.split("/").pop() : group.name;
        throw new DocumentError(
            `${where}: rule collection group ${JSON.stringify(name ?? "(unnamed)")} has no ruleCollections array`,
        );
    }
    return group;
}

function fromStackExport(where: string, resources: unknown[]): RulesDocument {
    const nodes = nodesFromExport(resources.map((r) => record(r) ?? {}));
    const targets = findTargets(nodes);
    const groups = targets.flatMap((t) => targetGroups(t).groups);
    const legacyFirewalls = targets.flatMap((t) => targetGroups(t).legacyFirewalls);
    if (groups.length + legacyFirewalls.length === 0) {
        throw new DocumentError(
            `${where}: the stack export has no firewall policy rule collection groups (azure-native or azure classic)`,
        );
    }
    const policies = targets.filter((t) => t.policy);
    const single = policies.length === 1 && nodes.filter((n) => isPolicy(n.type)).length === 1;
    return { groups, legacyFirewalls, policy: single ? targetSettings(policies[0], {}) : undefined };
}

/** Reads rule collection groups from a parsed document of any supported shape; `where` names it in errors. */
export function readRulesDocument(data: unknown, where: string): RulesDocument {
    const object = record(data);
    const deployment = record(object?.deployment);
    if (deployment && Array.isArray(deployment.resources)) {
        return fromStackExport(where, deployment.resources);
    }
    if (object && Array.isArray(object.resources) && ("$schema" in object || "contentVersion" in object)) {
        // Expressions (a portal export's parameters for names and IP group IDs) are evaluated first.
        const template = resolveTemplate(object);
        const groups = template.resources.filter((r) => String(record(r)?.type).toLowerCase() === ARM_RCG_TYPE);
        if (groups.length === 0) {
            throw new DocumentError(
                `${where}: the ARM template has no Microsoft.Network/firewallPolicies/ruleCollectionGroups resources`,
            );
        }
        const notes = template.problems.map((p) => `${where}: ${p}`);
        return {
            groups: groups.map((g) => checkedGroup(where, g)),
            legacyFirewalls: [],
            ...(notes.length ? { notes } : {}),
        };
    }
    if (object && Array.isArray(object.value)) {
        // The REST list response (`az rest`, the SDKs, SOAR tools): `{"value": [...], "nextLink"?}`.
        const next = typeof object.nextLink === "string" && object.nextLink ? object.nextLink : undefined;
        return {
            groups: object.value.map((item) => checkedGroup(where, item)),
            legacyFirewalls: [],
            ...(next
                ? {
                      notes: [
                          `${where} is one page of a REST list: more rule collection groups follow at its nextLink ` +
                              `(${next}); fetch every page and give each file with --rules.`,
                      ],
                  }
                : {}),
        };
    }
    const items = Array.isArray(data) ? data : [data];
    return { groups: items.map((item) => checkedGroup(where, item)), legacyFirewalls: [] };
}

/** Reads a policy as `az network firewall policy show` prints it (or its ARM resource form). */
export function readPolicyDocument(data: unknown, where: string): PolicySettings {
    const object = record(data);
    const expected = "expected the object printed by `az network firewall policy show`";
    if (!object) {
        throw new DocumentError(`${where}: JSON of an unknown shape; ${expected}`);
    }
    const props = record(object.properties) ? { ...record(object.properties), name: object.name } : object;
    if (!["sku", "dnsSettings", "basePolicy", "ruleCollectionGroups"].some((key) => key in props)) {
        throw new DocumentError(`${where}: JSON of an unknown shape; ${expected} (sku, dnsSettings, basePolicy)`);
    }
    return nativePolicySettings(props);
}
