/**
 * The planned rule collection group in the formats a network team applies by hand (pure): a script of
 * `az network firewall policy rule-collection-group` commands (the az CLI's azure-firewall extension), an
 * ARM template (`az deployment group create`; `az bicep decompile` turns it into Bicep), and Terraform
 * `azurerm_firewall_policy_rule_collection_group` HCL. Each holds the same rules the components write for
 * the same input: the ARM template the azure-native component's collections, the HCL the classic
 * component's (both providers' shapes come from `native.ts` and `classic.ts`, never a second planner).
 */
import { PlannedApplicationRule, PlannedNetworkRule, PlannedRuleCollection } from "../planner";
import { ClassicApplicationRule, ClassicNetworkRule, toClassicCollections } from "./classic";
import { toNativeCollections } from "./native";

/** Where the group goes and what it is called, as the components take them. */
export interface ExportTarget {
    resourceGroupName: string;
    firewallPolicyName: string;
    ruleCollectionGroupName: string;
    priority: number;
    collections: PlannedRuleCollection[];
    /** Comment lines for the head of the output (what it is for, where it comes from). */
    header: string[];
}

/** The API version the ARM template deploys the group with. */
export const ARM_API_VERSION = "2024-05-01";

/** A shell word: single-quoted unless it is plainly safe (no glob, no expansion). */
function word(value: string | number): string {
    const text = String(value);
    return /^[A-Za-z0-9_./:=@-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function flag(name: string, values: (string | number)[] | undefined): string[] {
    return values && values.length ? [`--${name}`, ...values.map(word)] : [];
}

/** The rule's own flags, as `add-filter-collection` and `collection rule add` take them. */
function ruleFlags(rule: PlannedNetworkRule | PlannedApplicationRule): string[] {
    const sources = [
        ...flag("source-addresses", rule.sourceAddresses),
        ...flag("source-ip-groups", rule.sourceIpGroups),
    ];
    if (rule.ruleType === "NetworkRule") {
        return [
            "--rule-type",
            "NetworkRule",
            ...flag("ip-protocols", rule.ipProtocols),
            ...sources,
            ...flag("destination-addresses", rule.destinationAddresses),
            ...flag("destination-fqdns", rule.destinationFqdns),
            ...flag("destination-ports", rule.destinationPorts),
        ];
    }
    return [
        "--rule-type",
        "ApplicationRule",
        ...flag(
            "protocols",
            rule.protocols.map((p) => `${p.protocolType}=${p.port}`),
        ),
        ...sources,
        ...flag("target-fqdns", rule.targetFqdns),
    ];
}

const GROUP = "az network firewall policy rule-collection-group";
const WHERE = ['--resource-group "$RESOURCE_GROUP"', '--policy-name "$POLICY"'];

/** The az commands alone (no shell preamble): create the group, then each collection and its rules. */
export function azCommands(target: ExportTarget): string[] {
    // One command per line.
    const lines = [[`${GROUP} create`, ...WHERE, '--name "$GROUP"', "--priority", String(target.priority)].join(" ")];
    for (const collection of target.collections) {
        const [first, ...rest] = collection.rules;
        lines.push(
            [
                `${GROUP} collection add-filter-collection`,
                ...WHERE,
                '--rule-collection-group-name "$GROUP"',
                "--name",
                word(collection.name),
                "--collection-priority",
                String(collection.priority),
                "--action",
                collection.action.type,
                "--rule-name",
                word(first.name),
                ...ruleFlags(first),
            ].join(" "),
        );
        for (const rule of rest) {
            lines.push(
                [
                    `${GROUP} collection rule add`,
                    ...WHERE,
                    '--rule-collection-group-name "$GROUP"',
                    "--collection-name",
                    word(collection.name),
                    "--name",
                    word(rule.name),
                    ...ruleFlags(rule),
                ].join(" "),
            );
        }
    }
    return lines;
}

/** A bash script of az commands, runnable as is once logged in (`az login`, the right subscription). */
export function azScript(target: ExportTarget): string {
    return [
        "#!/usr/bin/env bash",
        ...target.header.map((h) => `# ${h}`),
        "# Needs the az CLI's azure-firewall extension (az extension add --name azure-firewall) and an existing",
        "# firewall policy. Re-running it fails at the first command if the group exists: delete it first",
        "# (az network firewall policy rule-collection-group delete) or change GROUP.",
        "set -euo pipefail",
        "",
        `RESOURCE_GROUP=${word(target.resourceGroupName)}`,
        `POLICY=${word(target.firewallPolicyName)}`,
        `GROUP=${word(target.ruleCollectionGroupName)}`,
        "",
        ...azCommands(target),
        "",
    ].join("\n");
}

/** A deployable ARM template of the group (on an existing policy, named by parameter). */
export function armTemplate(target: ExportTarget): Record<string, unknown> {
    return {
        $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        contentVersion: "1.0.0.0",
        metadata: { description: target.header.join(" ") },
        parameters: {
            firewallPolicyName: {
                type: "string",
                defaultValue: target.firewallPolicyName,
                metadata: { description: "The existing firewall policy the group goes into." },
            },
            ruleCollectionGroupName: {
                type: "string",
                defaultValue: target.ruleCollectionGroupName,
                metadata: { description: "The rule collection group's name." },
            },
        },
        resources: [
            {
                type: "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
                apiVersion: ARM_API_VERSION,
                name: "[format('{0}/{1}', parameters('firewallPolicyName'), parameters('ruleCollectionGroupName'))]",
                properties: { priority: target.priority, ruleCollections: toNativeCollections(target.collections) },
            },
        ],
    };
}

/** An HCL string or list of strings. */
function hcl(value: string | number | string[]): string {
    if (Array.isArray(value)) {
        return `[${value.map((v) => JSON.stringify(v)).join(", ")}]`;
    }
    return typeof value === "number" ? String(value) : JSON.stringify(value);
}

/** `key = value` lines, aligned, for the values that are present. */
function attributes(indent: string, entries: [string, string | number | string[] | undefined][]): string[] {
    const present = entries.filter((e): e is [string, string | number | string[]] => e[1] !== undefined);
    const width = Math.max(...present.map(([k]) => k.length));
    return present.map(([k, v]) => `${indent}${k.padEnd(width)} = ${hcl(v)}`);
}

function hclSources(rule: ClassicNetworkRule | ClassicApplicationRule): [string, string[] | undefined][] {
    return [
        ["source_addresses", rule.sourceAddresses],
        ["source_ip_groups", rule.sourceIpGroups],
    ];
}

function networkRuleBlock(rule: ClassicNetworkRule): string[] {
    return [
        "    rule {",
        ...attributes("      ", [
            ["name", rule.name],
            ["protocols", rule.protocols],
            ...hclSources(rule),
            ["destination_addresses", rule.destinationAddresses],
            ["destination_fqdns", rule.destinationFqdns],
            ["destination_ports", rule.destinationPorts],
        ]),
        "    }",
    ];
}

function applicationRuleBlock(rule: ClassicApplicationRule): string[] {
    return [
        "    rule {",
        ...attributes("      ", [["name", rule.name]]),
        ...rule.protocols.flatMap((p) => [
            "      protocols {",
            ...attributes("        ", [
                ["type", p.type],
                ["port", p.port],
            ]),
            "      }",
        ]),
        ...attributes("      ", [...hclSources(rule), ["destination_fqdns", rule.destinationFqdns]]),
        "    }",
    ];
}

function collectionBlock(
    kind: string,
    c: { name: string; priority: number; action: string },
    rules: string[],
): string[] {
    return [
        `  ${kind}_rule_collection {`,
        ...attributes("    ", [
            ["name", c.name],
            ["priority", c.priority],
            ["action", c.action],
        ]),
        ...rules,
        "  }",
    ];
}

/** Terraform: the existing policy read by name, and the group on it (azurerm provider). */
export function terraformConfig(target: ExportTarget): string {
    const classic = toClassicCollections(target.collections);
    const label = target.ruleCollectionGroupName.replace(/[^A-Za-z0-9_]/g, "_").replace(/^(\d)/, "_$1");
    return [
        ...target.header.map((h) => `# ${h}`),
        "",
        `data "azurerm_firewall_policy" "target" {`,
        ...attributes("  ", [
            ["name", target.firewallPolicyName],
            ["resource_group_name", target.resourceGroupName],
        ]),
        "}",
        "",
        `resource "azurerm_firewall_policy_rule_collection_group" ${JSON.stringify(label)} {`,
        `  name               = ${hcl(target.ruleCollectionGroupName)}`,
        "  firewall_policy_id = data.azurerm_firewall_policy.target.id",
        `  priority           = ${target.priority}`,
        ...classic.networkRuleCollections.flatMap((c) => [
            "",
            ...collectionBlock("network", c, c.rules.flatMap(networkRuleBlock)),
        ]),
        ...classic.applicationRuleCollections.flatMap((c) => [
            "",
            ...collectionBlock("application", c, c.rules.flatMap(applicationRuleBlock)),
        ]),
        "}",
        "",
    ].join("\n");
}
