/**
 * Configuration of the coverage policy: JSON schema (with defaults) and the typed view of it. The
 * Pulumi CLI fills schema defaults before the pack sees the config; unit tests do not, so
 * `readCoverageConfig` applies the same defaults itself.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import type { Requirement } from "../../components/requirements";

export interface WorkspaceConfig {
    name: string;
    cloud?: string;
    storageAccountName: string;
    region: string;
    scenarios?: string[];
    containerRegistryName?: string;
    workspaceId?: string;
}

export interface CoverageConfig {
    /** Workspaces whose requirements are checked; when empty, they come from the stack. */
    workspaces: WorkspaceConfig[];
    /** Cloud of configured workspaces and of workspaces found in the stack. */
    cloud: string;
    /** Scenarios added for every workspace. */
    scenarios: string[];
    /** `full` or `leastPrivilege` (what the rules are expected to implement). */
    configuration: string;
    /** Workload sources; when empty, the sources recorded by the component are used, else none are checked. */
    sourceAddresses: string[];
    sourceIpGroups: string[];
    /** Requirements checked in addition to the catalog's. */
    extraRequirements: Requirement[];
    /** Names of firewall policies to check; when empty, those that serve Azure ML are found in the stack. */
    firewallPolicies: string[];
    /** Names of firewall policies never to check. */
    exemptFirewallPolicies: string[];
    /** DNS proxy of policies outside the stack, by name. */
    externalPolicyDnsProxy: Record<string, boolean>;
}

const stringList = { type: "array", items: { type: "string" }, default: [] as string[] } as const;

export const COVERAGE_CONFIG_SCHEMA: PolicyConfigSchema = {
    properties: {
        workspaces: {
            type: "array",
            description:
                "Azure ML workspaces to check for. Default: read from the stack (AmlFirewallPolicy outputs, or " +
                "Workspace resources).",
            default: [],
            items: {
                type: "object",
                required: ["name", "storageAccountName", "region"],
                additionalProperties: false,
                properties: {
                    name: { type: "string", minLength: 1 },
                    cloud: { type: "string" },
                    storageAccountName: { type: "string", pattern: "^[a-z0-9]{3,24}$" },
                    region: { type: "string" },
                    scenarios: { type: "array", items: { type: "string" } },
                    containerRegistryName: { type: "string" },
                    workspaceId: { type: "string" },
                },
            },
        },
        cloud: {
            type: "string",
            description: "AzurePublic, AzureUSGovernment or AzureChinaCloud.",
            default: "AzurePublic",
        },
        scenarios: { ...stringList, description: "Scenarios for every workspace." },
        configuration: { type: "string", enum: ["full", "leastPrivilege"], default: "full" },
        sourceAddresses: { ...stringList, description: "Workload CIDRs." },
        sourceIpGroups: { ...stringList, description: "Workload IP group IDs." },
        extraRequirements: {
            type: "array",
            default: [],
            description: "Extra requirements (destination, kind, protocol, ports, appProtocol?, serviceTags?).",
            items: {
                type: "object",
                required: ["destination", "kind", "protocol", "ports"],
                properties: {
                    destination: { type: "string", minLength: 1 },
                    kind: { type: "string", enum: ["fqdn", "serviceTag"] },
                    protocol: { type: "string", enum: ["TCP", "UDP", "Any"] },
                    ports: { type: "array", minItems: 1, items: { type: "integer", minimum: 1, maximum: 65535 } },
                    appProtocol: { type: "string", enum: ["Http", "Https"] },
                    serviceTags: { type: "array", items: { type: "string" } },
                },
            },
        },
        firewallPolicies: {
            ...stringList,
            description: "Firewall policy names to check (default: found in the stack).",
        },
        exemptFirewallPolicies: { ...stringList, description: "Firewall policy names never to check." },
        externalPolicyDnsProxy: {
            type: "object",
            description: "DNS proxy of policies outside the stack, by name.",
            additionalProperties: { type: "boolean" },
            default: {},
        },
    },
};

/** The config with every default applied. */
export function readCoverageConfig(raw: Partial<CoverageConfig> | undefined): CoverageConfig {
    const value = raw ?? {};
    return {
        workspaces: value.workspaces ?? [],
        cloud: value.cloud ?? "AzurePublic",
        scenarios: value.scenarios ?? [],
        configuration: value.configuration ?? "full",
        sourceAddresses: value.sourceAddresses ?? [],
        sourceIpGroups: value.sourceIpGroups ?? [],
        extraRequirements: value.extraRequirements ?? [],
        firewallPolicies: value.firewallPolicies ?? [],
        exemptFirewallPolicies: value.exemptFirewallPolicies ?? [],
        externalPolicyDnsProxy: value.externalPolicyDnsProxy ?? {},
    };
}
