/**
 * The planner's rule collections as the azure-native component writes them: every field Azure returns
 * on read is written, with the value Azure fills in when it is not given, so that a refresh (which
 * copies what Azure returns into the inputs) finds nothing to change.
 *
 * What Azure returns for a filter rule it was not given every field of (recorded responses: the az
 * CLI firewall extension's test recordings, and portal "Export template" files of api-version
 * 2024-07-01 and 2025-07-01):
 * - network rules: `sourceAddresses`, `sourceIpGroups`, `destinationAddresses`, `destinationIpGroups`,
 *   `destinationFqdns` as `[]`;
 * - application rules: `sourceAddresses`, `sourceIpGroups`, `destinationAddresses`, `fqdnTags`,
 *   `webCategories`, `targetUrls`, `httpHeadersToInsert` as `[]`, and `terminateTLS: false`;
 * - no `description` when none was given.
 */
import { PlannedApplicationRule, PlannedNetworkRule, PlannedRuleCollection } from "../planner";

/** The fields Azure fills in on a network rule, with the value it fills in. */
export const NETWORK_RULE_DEFAULTS = {
    sourceAddresses: [] as string[],
    sourceIpGroups: [] as string[],
    destinationAddresses: [] as string[],
    destinationIpGroups: [] as string[],
    destinationFqdns: [] as string[],
};

/** The fields Azure fills in on an application rule, with the value it fills in. */
export const APPLICATION_RULE_DEFAULTS = {
    sourceAddresses: [] as string[],
    sourceIpGroups: [] as string[],
    destinationAddresses: [] as string[],
    fqdnTags: [] as string[],
    webCategories: [] as string[],
    targetUrls: [] as string[],
    httpHeadersToInsert: [] as { headerName: string; headerValue: string }[],
    terminateTLS: false,
};

export type NativeNetworkRule = PlannedNetworkRule & typeof NETWORK_RULE_DEFAULTS;
export type NativeApplicationRule = PlannedApplicationRule & typeof APPLICATION_RULE_DEFAULTS;

export interface NativeRuleCollection extends Omit<PlannedRuleCollection, "rules"> {
    rules: (NativeNetworkRule | NativeApplicationRule)[];
}

/** The planned collections with Azure's read-back defaults filled in (the planned values win). */
export function toNativeCollections(collections: PlannedRuleCollection[]): NativeRuleCollection[] {
    return collections.map((collection) => ({
        ...collection,
        rules: collection.rules.map((rule) =>
            rule.ruleType === "NetworkRule"
                ? { ...structuredClone(NETWORK_RULE_DEFAULTS), ...rule }
                : { ...structuredClone(APPLICATION_RULE_DEFAULTS), ...rule },
        ),
    }));
}
