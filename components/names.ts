/**
 * Names and resource IDs of what the components write, valid for Azure and for both providers at once.
 *
 * - Azure's naming rules for `firewallPolicies` and `firewallPolicies/ruleCollectionGroups`: 1-80
 *   characters, letters, digits, `_`, `.` and `-`, starting with a letter or digit, ending with a
 *   letter, digit or `_`.
 * - Terraform azurerm (what `@pulumi/azure` runs at preview), `validate.FirewallPolicyName` and
 *   `validate.FirewallPolicyRuleCollectionGroupName`: `^[^\W_][\w-.]*[\w]$`, the same rule with at least
 *   two characters.
 * - azurerm parses `firewall_policy_id` case-sensitively (`firewallpolicies.ParseFirewallPolicyID`) and
 *   writes IDs back in the REST spec's casing; Azure returns `resourceGroups` re-cased too.
 *
 * Names the components write are lower-cased: Azure compares them without case, so a case-only edit
 * would otherwise replace a resource under the same identity ("already exists").
 */
import { InputError } from "./errors";

/** An Azure ML workspace name: 3-33 characters, letters, digits, `-` and `_`, starting with a letter or digit. */
export const WORKSPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,32}$/;

/** The strictest of Azure's and azurerm's rules: 2-80 characters. */
export const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,78}[A-Za-z0-9_]$/;

export const RESOURCE_NAME_RULE =
    "2-80 letters, digits, '_', '.' or '-', starting with a letter or digit and ending with a letter, digit " +
    "or '_' (Azure's rule, and azurerm's, which @pulumi/azure checks at preview)";

export function isValidResourceName(name: string): boolean {
    return RESOURCE_NAME.test(name);
}

/** Checks a policy, group, collection or rule name; returns it lower-cased. Throws `InputError` naming `argument`. */
export function validateResourceName(name: unknown, argument: string): string {
    if (typeof name !== "string" || !isValidResourceName(name)) {
        throw new InputError(argument, name, `${RESOURCE_NAME_RULE}.`);
    }
    return name.toLowerCase();
}

/** A stable 8-hex-digit FNV-1a hash, used to shorten or stand in for names deterministically. */
export function shortHash(text: string): string {
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
        hash ^= text.charCodeAt(i);
        hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash.toString(16).padStart(8, "0");
}

/**
 * A valid, lower-case Azure name derived from any component name (plus `suffix`): characters Azure
 * refuses become `-`, the ends are trimmed to what Azure accepts, a name too long keeps its start and
 * gains a hash of the whole; a name with nothing usable left is `aml-<hash>`.
 */
export function derivedName(componentName: string, suffix = ""): string {
    const room = 80 - suffix.length;
    let base = componentName
        .toLowerCase()
        .replace(/[^a-z0-9_.-]+/g, "-")
        .replace(/^[^a-z0-9]+/, "");
    if (base.length > room) {
        base = `${base.slice(0, room - 9)}-${shortHash(componentName)}`;
    }
    base = base.replace(/[^a-z0-9_]+$/, "");
    const name = `${base}${suffix}`;
    return isValidResourceName(name) ? name : `aml-${shortHash(componentName)}${suffix}`;
}

/** The ARM resource types the components take IDs of, in the REST spec's casing. */
export const ID_TYPES = {
    firewallPolicies: "a firewall policy",
    ipGroups: "an IP group",
} as const;
export type IdType = keyof typeof ID_TYPES;

export interface ArmId {
    subscriptionId: string;
    resourceGroupName: string;
    type: IdType;
    name: string;
    /** The ID in the spec's casing: `/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.Network/...`. */
    id: string;
}

const GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
/** Resource group names: 1-90 letters, digits, `_`, `-`, `.`, `(`, `)`, not ending in `.`. */
const RESOURCE_GROUP = "[-\\w.()]{0,89}[-\\w()]";

/** Checks a resource group name (Azure's rule); throws `InputError` naming `argument`. */
export function validateResourceGroupName(value: unknown, argument: string): string {
    if (typeof value !== "string" || !new RegExp(`^${RESOURCE_GROUP}$`).test(value)) {
        throw new InputError(argument, value, "1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'.");
    }
    return value;
}
const ARM_ID = new RegExp(
    `^/subscriptions/(${GUID})/resourceGroups/(${RESOURCE_GROUP})/providers/Microsoft\\.Network/(\\w+)/([^/]+)$`,
    "i",
);

/** Reads a resource ID of `type` in any casing; throws `InputError` naming `argument` and the shape expected. */
export function parseArmId(value: unknown, type: IdType, argument: string): ArmId {
    const match = typeof value === "string" ? ARM_ID.exec(value.trim()) : null;
    const canonicalType =
        match && (Object.keys(ID_TYPES) as IdType[]).find((t) => t.toLowerCase() === match[3].toLowerCase());
    if (!match || canonicalType !== type || !isValidResourceName(match[4])) {
        throw new InputError(
            argument,
            value,
            `${ID_TYPES[type]} resource ID: /subscriptions/<subscription GUID>/resourceGroups/<group>/providers/` +
                `Microsoft.Network/${type}/<name>, the name being ${RESOURCE_NAME_RULE}.`,
        );
    }
    const [, subscription, resourceGroupName, , name] = match;
    const subscriptionId = subscription.toLowerCase();
    return {
        subscriptionId,
        resourceGroupName,
        type,
        name,
        id:
            `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}` +
            `/providers/Microsoft.Network/${type}/${name}`,
    };
}

/**
 * The identity of a firewall policy for ordering writes: resource group and name, without case (Azure
 * compares both without case). The subscription is left out, as an azure-native policy is named by
 * resource group and name only; two policies alike in both in two subscriptions are merely ordered.
 */
export function policyKey(resourceGroupName: string, policyName: string): string {
    return `${resourceGroupName.toLowerCase()}/${policyName.toLowerCase()}`;
}
