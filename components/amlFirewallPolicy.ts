/**
 * `AmlFirewallPolicy`: an Azure Firewall policy (created, or an existing one) with one rule collection
 * group that lets Azure Machine Learning out, and nothing else. azure-native flavour.
 */
import * as pulumi from "@pulumi/pulumi";
import { FirewallPolicy } from "@pulumi/azure-native/network/firewallPolicy";
import { FirewallPolicyRuleCollectionGroup } from "@pulumi/azure-native/network/firewallPolicyRuleCollectionGroup";
import { InputError } from "./errors";
import { PolicyPlan, PolicyPlanInput, planPolicy } from "./policyPlan";
import { Requirement } from "./requirements";

/** One Azure ML workspace behind the policy. */
export interface AmlWorkspaceArgs {
    /** Workspace name: 3-33 letters, digits, `-` and `_`. Used in explanations and to tell workspaces apart. */
    name: pulumi.Input<string>;
    /** The workspace's default storage account (replaces `<storage>` in the doc's host names). */
    storageAccountName: pulumi.Input<string>;
    /** The workspace's region (replaces `<region>`). Defaults to the component's `region`. */
    region?: pulumi.Input<string>;
    /** Scenarios for this workspace only, added to the component's `scenarios`. */
    scenarios?: pulumi.Input<pulumi.Input<string>[]>;
    /** Container registry name (`<acr>`), needed by the `kubernetes` scenario's registry hosts. */
    containerRegistryName?: pulumi.Input<string>;
    /** Workspace ID GUID (`<workspaceId>`), needed by the `kubernetes` scenario's workspace host. */
    workspaceId?: pulumi.Input<string>;
}

export interface AmlFirewallPolicyArgs {
    /**
     * Name of the Azure ML workspace, for a single workspace. Give it with `storageAccountName`, or use
     * `workspaces` instead.
     */
    workspaceName?: pulumi.Input<string>;
    /** Default storage account of the single workspace: 3-24 lower-case letters and digits. */
    storageAccountName?: pulumi.Input<string>;
    /**
     * Several workspaces behind one policy. Shared hosts are allowed once; each workspace's storage
     * hosts (and regional tags) are added for it. Mutually exclusive with `workspaceName`.
     */
    workspaces?: pulumi.Input<pulumi.Input<AmlWorkspaceArgs>[]>;
    /** Region of the workspace(s), ARM form (`westeurope`); also the location of a created policy. */
    region: pulumi.Input<string>;
    /**
     * Cloud: `AzurePublic`, `AzureUSGovernment` or `AzureChinaCloud` (also `public`, `usgovernment`,
     * `china`, `AzureCloud`). Default: the `azure-native:environment` config, else Azure public.
     */
    cloud?: pulumi.Input<string>;
    /** Resource group of the firewall policy (created or existing). */
    resourceGroupName: pulumi.Input<string>;
    /** IPv4 CIDRs, addresses or ranges of the Azure ML compute subnets. At least one source or IP group. */
    sourceAddresses?: pulumi.Input<pulumi.Input<string>[]>;
    /** Resource IDs of IP groups holding the compute subnets. */
    sourceIpGroups?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Optional scenarios of the doc, for every workspace: `automl`, `hbi`, `monitoring`, `python`, `r`,
     * `rstudio`, `vscode`, `huggingface`, `kubernetes`.
     */
    scenarios?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * `full` (default): the doc's configuration, service-tag rules and host rules. `leastPrivilege`: host
     * rules, with a service tag only where no host rule can express a row.
     */
    configuration?: pulumi.Input<string>;
    /** Priority of the rule collection group, 100-65000. Default 1000. */
    priority?: pulumi.Input<number>;
    /** Name of the rule collection group. Default: derived from the component name. */
    ruleCollectionGroupName?: pulumi.Input<string>;
    /**
     * Attach to this existing firewall policy (in `resourceGroupName`) instead of creating one. Then
     * `existingPolicyDnsProxyEnabled` is required, and the create-only arguments must be left out.
     */
    existingFirewallPolicyName?: pulumi.Input<string>;
    /**
     * Attach mode: whether the existing policy has DNS proxy on. If false, non-HTTP hosts are allowed
     * through the service tags that carry them instead of network FQDN rules.
     */
    existingPolicyDnsProxyEnabled?: pulumi.Input<boolean>;
    /** Create mode: name of the new policy. Default: auto-named by the provider. */
    firewallPolicyName?: pulumi.Input<string>;
    /** Create mode: location of the new policy. Default: `region`. */
    location?: pulumi.Input<string>;
    /** Create mode: `Standard` (default), `Premium` or `Basic` (refused, as the rules need DNS proxy). */
    skuTier?: pulumi.Input<string>;
    /** Create mode: resource ID of a base (parent) policy. */
    basePolicyId?: pulumi.Input<string>;
    /** Create mode: threat intelligence mode, `Alert`, `Deny` or `Off`. Default: Azure's (`Alert`). */
    threatIntelMode?: pulumi.Input<string>;
    /** Accept `*` or `0.0.0.0/0` as a source. Off by default. */
    allowAnySource?: pulumi.Input<boolean>;
    /** Accept IPv6 sources. Off by default (Azure Firewall rules do not support IPv6). */
    allowIpv6Sources?: pulumi.Input<boolean>;
    /** Accept a well-formed region missing from the built-in list. Off by default. */
    allowUnlistedRegion?: pulumi.Input<boolean>;
}

export const AML_FIREWALL_POLICY_TYPE = "azureml-firewall:index:AmlFirewallPolicy";

/** Azure takes minutes per policy write, one write at a time; 30 minutes is the floor. */
export const CUSTOM_TIMEOUTS: pulumi.CustomTimeouts = { create: "30m", update: "30m", delete: "30m" };

const CREATE_ONLY: (keyof AmlFirewallPolicyArgs)[] = ["firewallPolicyName", "location", "skuTier", "basePolicyId", "threatIntelMode"];

/** True when a value holds no Output or Promise anywhere, so it can be checked right now. */
export function isPlain(value: unknown): boolean {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) {
        return false;
    }
    if (Array.isArray(value)) {
        return value.every(isPlain);
    }
    if (value !== null && typeof value === "object") {
        return Object.values(value).every(isPlain);
    }
    return true;
}

function planInput(args: AmlFirewallPolicyArgs, attach: boolean): pulumi.Input<PolicyPlanInput> {
    return {
        workspaceName: args.workspaceName, storageAccountName: args.storageAccountName, workspaces: args.workspaces,
        region: args.region, cloud: args.cloud, sourceAddresses: args.sourceAddresses, sourceIpGroups: args.sourceIpGroups,
        scenarios: args.scenarios, configuration: args.configuration, priority: args.priority,
        ruleCollectionGroupName: args.ruleCollectionGroupName, attach,
        existingPolicyDnsProxyEnabled: args.existingPolicyDnsProxyEnabled, skuTier: args.skuTier,
        allowAnySource: args.allowAnySource, allowIpv6Sources: args.allowIpv6Sources, allowUnlistedRegion: args.allowUnlistedRegion,
    } as pulumi.Input<PolicyPlanInput>;
}

function stripUndefined<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export class AmlFirewallPolicy extends pulumi.ComponentResource {
    /** Resource ID of the firewall policy (created or attached). */
    public readonly firewallPolicyId: pulumi.Output<string>;
    /** Name of the firewall policy. */
    public readonly firewallPolicyName: pulumi.Output<string>;
    /** Name of the rule collection group this component owns. */
    public readonly ruleCollectionGroupName: pulumi.Output<string>;
    /** Resource ID of that rule collection group. */
    public readonly ruleCollectionGroupId: pulumi.Output<string>;
    /** The resolved requirements the rules realise. */
    public readonly requirements: pulumi.Output<Requirement[]>;
    /** Number of rules in the group. */
    public readonly ruleCount: pulumi.Output<number>;
    /** How each requirement is realised, one line each. */
    public readonly explanations: pulumi.Output<string[]>;
    /** Doc corrections, fallbacks and rows left out. */
    public readonly notes: pulumi.Output<string[]>;
    /** The validated workload sources the rules allow from (read by the policy pack). */
    public readonly sources: pulumi.Output<{ addresses: string[]; ipGroups: string[] }>;
    /** Whether the rules were planned with DNS proxy on the policy (read by the policy pack). */
    public readonly dnsProxyEnabled: pulumi.Output<boolean>;
    /** The firewall policy, when this component created it. */
    public readonly policy?: FirewallPolicy;
    /** The rule collection group. */
    public readonly ruleCollectionGroup: FirewallPolicyRuleCollectionGroup;

    constructor(name: string, args: AmlFirewallPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
        super(AML_FIREWALL_POLICY_TYPE, name, {}, opts);
        const fail = (error: unknown): never => {
            if (error instanceof InputError) {
                throw new pulumi.ResourceError(`AmlFirewallPolicy ${name}: ${error.message}`, this);
            }
            throw error;
        };
        if (args === undefined || args === null || typeof args !== "object") {
            fail(new InputError("args", args, "an AmlFirewallPolicyArgs object."));
        }
        for (const key of ["region", "resourceGroupName"] as const) {
            if (args[key] === undefined) {
                fail(new InputError(key, undefined, "this argument is required."));
            }
        }
        const attach = args.existingFirewallPolicyName !== undefined;
        if (attach) {
            const given = CREATE_ONLY.filter((key) => args[key] !== undefined);
            if (given.length) {
                fail(new InputError(given[0], args[given[0]],
                    `${given.join(", ")} only apply when the component creates the policy; leave them out with existingFirewallPolicyName.`));
            }
        } else if (args.existingPolicyDnsProxyEnabled !== undefined) {
            fail(new InputError("existingPolicyDnsProxyEnabled", args.existingPolicyDnsProxyEnabled,
                "only applies with existingFirewallPolicyName (attach mode)."));
        }
        const defaultCloud = new pulumi.Config("azure-native").get("environment") ?? "AzurePublic";
        const compute = (input: PolicyPlanInput): PolicyPlan => {
            try {
                return planPolicy(name, input, defaultCloud);
            } catch (error) {
                return fail(error);
            }
        };
        const input = planInput(args, attach);
        // Plain arguments are checked now, so bad input fails at construction; Outputs when they resolve.
        const plan: pulumi.Output<PolicyPlan> = isPlain(input)
            ? pulumi.output(compute(input as PolicyPlanInput))
            : pulumi.output(input).apply((resolved) => compute(resolved as PolicyPlanInput));

        if (!attach) {
            this.policy = new FirewallPolicy(`${name}-policy`, stripUndefined({
                resourceGroupName: args.resourceGroupName,
                firewallPolicyName: args.firewallPolicyName,
                location: args.location ?? args.region,
                sku: { tier: plan.apply((p) => p.skuTier as string) },
                dnsSettings: plan.apply((p) => (p.dnsProxy ? { enableProxy: true } : {})),
                basePolicy: args.basePolicyId === undefined ? undefined : { id: args.basePolicyId },
                threatIntelMode: args.threatIntelMode,
            }), { parent: this, customTimeouts: CUSTOM_TIMEOUTS });
        }
        const policyName = this.policy
            ? (args.firewallPolicyName !== undefined ? pulumi.output(args.firewallPolicyName) : this.policy.name)
            : pulumi.output(args.existingFirewallPolicyName as pulumi.Input<string>);

        this.ruleCollectionGroup = new FirewallPolicyRuleCollectionGroup(`${name}-rcg`, {
            resourceGroupName: args.resourceGroupName,
            firewallPolicyName: policyName,
            ruleCollectionGroupName: plan.apply((p) => p.ruleCollectionGroupName),
            priority: plan.apply((p) => p.priority),
            ruleCollections: plan.apply((p) => p.plan.ruleCollections),
        }, { parent: this, customTimeouts: CUSTOM_TIMEOUTS, ...(this.policy ? { dependsOn: [this.policy] } : {}) });

        this.firewallPolicyName = policyName;
        this.firewallPolicyId = this.policy
            ? this.policy.id
            : this.ruleCollectionGroup.id.apply((id) => id.replace(/\/ruleCollectionGroups\/[^/]+$/i, ""));
        this.ruleCollectionGroupName = plan.apply((p) => p.ruleCollectionGroupName);
        this.ruleCollectionGroupId = this.ruleCollectionGroup.id;
        this.requirements = plan.apply((p) => p.requirements);
        this.ruleCount = plan.apply((p) => p.plan.ruleCount);
        this.explanations = plan.apply((p) => p.plan.explanations.map((e) =>
            `${e.requirement.destination} ${e.requirement.protocol} ${e.requirement.ports.join(",")}: ${e.text}`));
        this.notes = plan.apply((p) => p.notes);
        this.sources = plan.apply((p) => p.sources);
        this.dnsProxyEnabled = plan.apply((p) => p.dnsProxy);
        this.registerOutputs({
            firewallPolicyId: this.firewallPolicyId,
            firewallPolicyName: this.firewallPolicyName,
            ruleCollectionGroupName: this.ruleCollectionGroupName,
            ruleCollectionGroupId: this.ruleCollectionGroupId,
            requirements: this.requirements,
            ruleCount: this.ruleCount,
            explanations: this.explanations,
            notes: this.notes,
            sources: this.sources,
            dnsProxyEnabled: this.dnsProxyEnabled,
        });
    }
}
