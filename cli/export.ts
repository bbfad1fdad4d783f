/**
 * `export --format az|arm|terraform`: the rule collection group the components would create for the same
 * input, for a network team that applies changes with the az CLI, ARM/Bicep or Terraform. Planned by the
 * components' own planner (`planPolicy`, attach mode: the policy exists), so the rules are the components'.
 */
import { parseCloud } from "../components/clouds";
import { InputError } from "../components/errors";
import { scenariosOffered } from "../components/requirements";
import { ExportTarget, PRIORITY_RANGE, armTemplate, azScript, terraformConfig } from "../components/firewall";
import { PolicyPlan, planPolicy } from "../components/policyPlan";
import { CatalogFlags, catalogUsageError, workspacesOf } from "./catalogFlags";
import { UsageError } from "./errors";

export interface ExportOptions extends CatalogFlags {
    source?: string[];
    sourceIpGroup?: string[];
    resourceGroup?: string;
    firewallPolicyName?: string;
    ruleCollectionGroupName?: string;
    priority?: string;
    dnsProxy?: string;
    format: "az" | "arm" | "terraform";
}

/** The planner's arguments, as the export's flags. */
const FLAGS: Readonly<Record<string, string>> = {
    sourceAddresses: "--source",
    sourceIpGroups: "--source-ip-group",
    priority: "--priority",
    ruleCollectionGroupName: "--rule-collection-group-name",
    resourceGroupName: "--resource-group",
};

function priorityOf(text: string | undefined): number | undefined {
    if (text === undefined) {
        return undefined;
    }
    if (!/^\d+$/.test(text.trim())) {
        throw new UsageError(`--priority: ${JSON.stringify(text)} is not valid; ${PRIORITY_RANGE}`);
    }
    return Number(text);
}

/** Plans the group as `AmlFirewallPolicy` attached to an existing policy would. */
export function exportPlan(options: ExportOptions): PolicyPlan & { firewallPolicyName: string } {
    for (const [flag, value] of [
        ["--cloud", options.cloud],
        ["--resource-group", options.resourceGroup],
        ["--firewall-policy-name", options.firewallPolicyName],
    ] as const) {
        if (value === undefined) {
            throw new UsageError(`missing ${flag}: export needs --cloud, --resource-group and --firewall-policy-name`);
        }
    }
    if (options.requirements) {
        throw new UsageError(
            "--requirements: export writes what the catalog needs for workspaces (--storage/--region or --workspaces)",
        );
    }
    if (options.workspaces === undefined && (options.storage === undefined || options.region === undefined)) {
        throw new UsageError("missing --storage or --region: give both, or --workspaces FILE");
    }
    try {
        const workspaces = workspacesOf(options);
        const plan = planPolicy(options.ruleCollectionGroupName ?? "azureml-egress", {
            attach: true,
            existingPolicyDnsProxyEnabled: options.dnsProxy !== "false",
            cloud: options.cloud,
            workspaces,
            region: options.region ?? workspaces[0]?.region,
            scenarios: options.allScenarios
                ? scenariosOffered(parseCloud(options.cloud!, "--cloud"))
                : options.scenario,
            configuration: options.configuration,
            allowUnlistedRegion: options.allowUnlistedRegion,
            sourceAddresses: options.source,
            sourceIpGroups: options.sourceIpGroup,
            resourceGroupName: options.resourceGroup,
            ruleCollectionGroupName: options.ruleCollectionGroupName,
            priority: priorityOf(options.priority),
        });
        return { ...plan, firewallPolicyName: options.firewallPolicyName! };
    } catch (error) {
        throw error instanceof InputError ? catalogUsageError(error, options, FLAGS) : error;
    }
}

function scenariosText(options: ExportOptions): string {
    return options.allScenarios ? "all the cloud offers" : options.scenario?.join(", ") || "none";
}

/** The export as text: an az script, an ARM template or Terraform HCL. */
export function exportText(options: ExportOptions, version: string): string {
    const plan = exportPlan(options);
    const workspaces = workspacesOf(options)
        .map((w) => `${w.name} (${w.storageAccountName}, ${w.region ?? options.region})`)
        .join(", ");
    const target: ExportTarget = {
        resourceGroupName: plan.resourceGroupName!,
        firewallPolicyName: plan.firewallPolicyName,
        ruleCollectionGroupName: plan.ruleCollectionGroupName,
        priority: plan.priority,
        collections: plan.plan.ruleCollections,
        header: [
            `Azure ML egress, ${plan.cloud}: ${workspaces}; scenarios: ${scenariosText(options)}; ` +
                `sources: ${[...(options.source ?? []), ...(options.sourceIpGroup ?? [])].join(", ")}.`,
            `Written by azureml-firewall ${version} from Microsoft's Azure ML firewall article, for a policy ` +
                `${plan.dnsProxy ? "with" : "without"} DNS proxy.`,
            ...plan.notes.map((n) => `Note: ${n}`),
        ],
    };
    return options.format === "az"
        ? azScript(target)
        : options.format === "arm"
          ? `${JSON.stringify(armTemplate(target), null, 2)}\n`
          : terraformConfig(target);
}

export function runExport(options: ExportOptions, version: string): number {
    process.stdout.write(exportText(options, version));
    return 0;
}
