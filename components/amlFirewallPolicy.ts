/**
 * `AmlFirewallPolicy`: an Azure Firewall policy (created, or an existing one) with one rule collection
 * group that lets Azure Machine Learning out, and nothing else. azure-native flavour.
 */
import * as pulumi from "@pulumi/pulumi";
import { TYPES } from "./firewall/tokens";
import { AmlFirewallPolicyArgs } from "./args";
import { FirewallPolicy } from "@pulumi/azure-native/network/firewallPolicy";
import { FirewallPolicyRuleCollectionGroup } from "@pulumi/azure-native/network/firewallPolicyRuleCollectionGroup";
import {
    AmlEgressComponent,
    CUSTOM_TIMEOUTS,
    groupDependsOn,
    planOutputs,
    preparePlan,
    stripUndefined,
} from "./componentCore";

export type { AmlWorkspaceArgs, AmlFirewallPolicyArgs, AmlFirewallPolicyCommonArgs } from "./args";

export const AML_FIREWALL_POLICY_TYPE = TYPES.component;

export class AmlFirewallPolicy extends AmlEgressComponent {
    /** Name of the firewall policy. */
    public readonly firewallPolicyName: pulumi.Output<string>;
    /** The firewall policy, when this component created it. */
    public readonly policy?: FirewallPolicy;
    /** The rule collection group. */
    public readonly ruleCollectionGroup: FirewallPolicyRuleCollectionGroup;

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
            this.policy = new FirewallPolicy(
                `${name}-policy`,
                stripUndefined({
                    resourceGroupName: args.resourceGroupName,
                    firewallPolicyName: args.firewallPolicyName,
                    location: args.location ?? args.region,
                    sku: { tier: plan.apply((p) => p.skuTier as string) },
                    dnsSettings: plan.apply((p) => (p.dnsProxy ? { enableProxy: true } : {})),
                    basePolicy: args.basePolicyId === undefined ? undefined : { id: args.basePolicyId },
                    threatIntelMode: args.threatIntelMode,
                }),
                { parent: this, customTimeouts: CUSTOM_TIMEOUTS },
            );
        }
        const policyName = this.policy
            ? args.firewallPolicyName !== undefined
                ? pulumi.output(args.firewallPolicyName)
                : this.policy.name
            : pulumi.output(args.existingFirewallPolicyName as pulumi.Input<string>);

        const dependsOn = groupDependsOn(opts, this.policy ? [this.policy] : []);
        this.ruleCollectionGroup = new FirewallPolicyRuleCollectionGroup(
            `${name}-rcg`,
            {
                resourceGroupName: args.resourceGroupName,
                firewallPolicyName: policyName,
                ruleCollectionGroupName: plan.apply((p) => p.ruleCollectionGroupName),
                priority: plan.apply((p) => p.priority),
                ruleCollections: plan.apply((p) => p.plan.ruleCollections),
            },
            { parent: this, customTimeouts: CUSTOM_TIMEOUTS, ...(dependsOn ? { dependsOn } : {}) },
        );

        this.firewallPolicyName = policyName;
        this.publish(
            {
                ...planOutputs(plan),
                firewallPolicyId: this.policy
                    ? this.policy.id
                    : this.ruleCollectionGroup.id.apply((id) => id.replace(/\/ruleCollectionGroups\/[^/]+$/i, "")),
                ruleCollectionGroupId: this.ruleCollectionGroup.id,
            },
            { firewallPolicyName: this.firewallPolicyName },
        );
    }
}
