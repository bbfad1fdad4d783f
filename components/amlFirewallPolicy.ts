/**
 * `AmlFirewallPolicy`: an Azure Firewall policy (created, or an existing one) with one rule collection
 * group that lets Azure Machine Learning out, and nothing else. azure-native flavour.
 */
import * as pulumi from "@pulumi/pulumi";
import { TYPES } from "./firewall/tokens";
import { AmlFirewallPolicyArgs } from "./args";
import { FirewallPolicy } from "@pulumi/azure-native/network/firewallPolicy";
import { FirewallPolicyRuleCollectionGroup } from "@pulumi/azure-native/network/firewallPolicyRuleCollectionGroup";
import { RuleSources } from "./sources";
import { Requirement } from "./requirements";
import {
    CUSTOM_TIMEOUTS,
    EgressOutputs,
    earlierWritersOnPolicy,
    groupDependsOn,
    planOutputs,
    preparePlan,
    recordWriter,
    writeOrderKey,
} from "./componentCore";
import type { CreatedPolicyPlan } from "./policyPlan";
import { toNativeCollections } from "./firewall/native";

export type { AmlWorkspace, AmlFirewallPolicyArgs, AmlFirewallPolicyCommonArgs } from "./args";

export const AML_FIREWALL_POLICY_TYPE = TYPES.component;

/**
 * An Azure Firewall policy (created, or an existing one attached to) with one rule collection group
 * that lets Azure Machine Learning out to the hosts and service tags Microsoft documents, and nothing
 * else. azure-native provider.
 */
export class AmlFirewallPolicy extends pulumi.ComponentResource implements EgressOutputs {
    /** Resource ID of the firewall policy (created or attached). */
    public readonly firewallPolicyId!: pulumi.Output<string>;
    /** Name of the firewall policy. */
    public readonly firewallPolicyName!: pulumi.Output<string>;
    /** Name of the rule collection group this component owns. */
    public readonly ruleCollectionGroupName!: pulumi.Output<string>;
    /** Resource ID of that rule collection group. */
    public readonly ruleCollectionGroupId!: pulumi.Output<string>;
    /** The resolved requirements the rules realise. */
    public readonly requirements!: pulumi.Output<Requirement[]>;
    /** Number of rules in the group. */
    public readonly ruleCount!: pulumi.Output<number>;
    /** How each requirement is realised, one line each. */
    public readonly explanations!: pulumi.Output<string[]>;
    /** Doc corrections, fallbacks and rows left out. */
    public readonly notes!: pulumi.Output<string[]>;
    /** The validated workload sources the rules allow from (read by the policy pack). */
    public readonly sources!: pulumi.Output<RuleSources>;
    /** Whether the rules were planned with DNS proxy on the policy (read by the policy pack). */
    public readonly dnsProxyEnabled!: pulumi.Output<boolean>;
    /** The firewall policy, when this component created it. */
    public readonly policy?: FirewallPolicy;
    /** The rule collection group. */
    public readonly ruleCollectionGroup: FirewallPolicyRuleCollectionGroup;

    /**
     * @param name The component's name; its children are named from it (`<name>-policy`, `<name>-rcg`).
     * @param args The workspaces, cloud, region, sources and options; see `AmlFirewallPolicyArgs`.
     * @param opts Resource options, as for any component.
     */
    constructor(name: string, args: AmlFirewallPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
        super(AML_FIREWALL_POLICY_TYPE, name, {}, opts);
        const defaultCloud = new pulumi.Config("azure-native").get("environment") ?? "AzurePublic";
        const plan = preparePlan(
            this,
            "AmlFirewallPolicy",
            name,
            args,
            { argument: "existingFirewallPolicyName", value: args?.existingFirewallPolicyName },
            defaultCloud,
        );
        const attach = args.existingFirewallPolicyName !== undefined;

        if (!attach) {
            const created = plan.apply((p) => p.createdPolicy as CreatedPolicyPlan);
            this.policy = new FirewallPolicy(
                `${name}-policy`,
                {
                    resourceGroupName: args.resourceGroupName,
                    firewallPolicyName: created.name,
                    location: created.location,
                    sku: { tier: created.skuTier },
                    threatIntelMode: created.threatIntelMode,
                    // No DNS block at all without DNS proxy: Azure refuses any on Basic.
                    dnsSettings: plan.apply((p) => (p.dnsProxy ? { enableProxy: true } : undefined)),
                    basePolicy: created.apply((c) =>
                        c.basePolicyId === undefined ? undefined : { id: c.basePolicyId },
                    ),
                    tags: created.apply((c) => (Object.keys(c.tags).length ? c.tags : undefined)),
                },
                { parent: this, customTimeouts: CUSTOM_TIMEOUTS },
            );
        }
        const policyName = plan.apply((p) => p.policyName as string);
        const policyKey = writeOrderKey(plan);

        const dependsOn = groupDependsOn(
            opts,
            earlierWritersOnPolicy(policyKey).apply((earlier) => (this.policy ? [this.policy, ...earlier] : earlier)),
        );
        this.ruleCollectionGroup = new FirewallPolicyRuleCollectionGroup(
            `${name}-rcg`,
            {
                resourceGroupName: args.resourceGroupName,
                // The created policy's name output carries the dependency on it (and its ordering).
                firewallPolicyName: this.policy ? this.policy.name : policyName,
                ruleCollectionGroupName: plan.apply((p) => p.ruleCollectionGroupName),
                priority: plan.apply((p) => p.priority),
                ruleCollections: plan.apply((p) => toNativeCollections(p.plan.ruleCollections)),
            },
            { parent: this, customTimeouts: CUSTOM_TIMEOUTS, dependsOn },
        );
        recordWriter(policyKey, this.ruleCollectionGroup);

        const outputs: EgressOutputs & Pick<AmlFirewallPolicy, "firewallPolicyName"> = {
            ...planOutputs(plan),
            firewallPolicyId: this.policy
                ? this.policy.id
                : this.ruleCollectionGroup.id.apply((id) => id.replace(/\/ruleCollectionGroups\/[^/]+$/i, "")),
            ruleCollectionGroupId: this.ruleCollectionGroup.id,
            firewallPolicyName: this.policy ? this.policy.name : policyName,
        };
        Object.assign(this, outputs);
        this.registerOutputs(outputs);
    }
}
