/**
 * The planner's azure-native / ARM rule collections, translated to the classic `@pulumi/azure`
 * (azurerm) rule collection group shape. A thin translation: no second planner.
 */
import { PlannedApplicationRule, PlannedNetworkRule, PlannedRuleCollection } from "../planner";

export interface ClassicNetworkRule {
    name: string;
    protocols: string[];
    sourceAddresses?: string[];
    sourceIpGroups?: string[];
    destinationAddresses?: string[];
    destinationFqdns?: string[];
    destinationPorts: string[];
}

export interface ClassicApplicationRule {
    name: string;
    protocols: { type: string; port: number }[];
    sourceAddresses?: string[];
    sourceIpGroups?: string[];
    destinationFqdns: string[];
}

export interface ClassicCollection<R> {
    name: string;
    priority: number;
    action: string;
    rules: R[];
}

export interface ClassicCollections {
    networkRuleCollections: ClassicCollection<ClassicNetworkRule>[];
    applicationRuleCollections: ClassicCollection<ClassicApplicationRule>[];
}

function sources(rule: { sourceAddresses?: string[]; sourceIpGroups?: string[] }): {
    sourceAddresses?: string[];
    sourceIpGroups?: string[];
} {
    return {
        ...(rule.sourceAddresses ? { sourceAddresses: rule.sourceAddresses } : {}),
        ...(rule.sourceIpGroups ? { sourceIpGroups: rule.sourceIpGroups } : {}),
    };
}

/** Splits planned collections by rule type, with the classic field names. */
export function toClassicCollections(collections: PlannedRuleCollection[]): ClassicCollections {
    const result: ClassicCollections = { networkRuleCollections: [], applicationRuleCollections: [] };
    for (const collection of collections) {
        const network = collection.rules.filter((r): r is PlannedNetworkRule => r.ruleType === "NetworkRule");
        const application = collection.rules.filter(
            (r): r is PlannedApplicationRule => r.ruleType === "ApplicationRule",
        );
        const base = { name: collection.name, priority: collection.priority, action: collection.action.type };
        if (network.length) {
            result.networkRuleCollections.push({
                ...base,
                rules: network.map((r) => ({
                    name: r.name,
                    protocols: [...r.ipProtocols],
                    ...sources(r),
                    ...(r.destinationAddresses ? { destinationAddresses: r.destinationAddresses } : {}),
                    ...(r.destinationFqdns ? { destinationFqdns: r.destinationFqdns } : {}),
                    destinationPorts: r.destinationPorts,
                })),
            });
        }
        if (application.length) {
            result.applicationRuleCollections.push({
                ...base,
                rules: application.map((r) => ({
                    name: r.name,
                    protocols: r.protocols.map((p) => ({ type: p.protocolType, port: p.port })),
                    ...sources(r),
                    destinationFqdns: r.targetFqdns,
                })),
            });
        }
    }
    return result;
}
