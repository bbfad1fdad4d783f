/**
 * `AmlFirewallPolicyClassic`: the same policy and rules through the classic `@pulumi/azure` (azurerm)
 * provider. Import it from `azureml-firewall/classic`; the root export never loads `@pulumi/azure`.
 */
import * as pulumi from "@pulumi/pulumi";
import { FirewallPolicy } from "@pulumi/azure/network/firewallPolicy";
import { FirewallPolicyRuleCollectionGroup } from "@pulumi/azure/network/firewallPolicyRuleCollectionGroup";
import { toClassicCollections } from "./classicShape";
import {
    AmlFirewallPolicyCommonArgs, CUSTOM_TIMEOUTS, groupDependsOn, planOutputs, preparePlan, stripUndefined,
} from "./componentCore";
import { Requirement } from "./requirements";

export { toClassicCollections } from "./classicShape";

export interface AmlFirewallPolicyClassicArgs extends AmlFirewallPolicyCommonArgs {
    /**
     * Attach to this existing firewall policy (its resource ID) instead of creating one. Then
     * `existingPolicyDnsProxyEnabled` is required, and the create-only arguments must be left out.
     */
    existingFirewallPolicyId?: pulumi.Input<string>;
}

export const AML_FIREWALL_POLICY_CLASSIC_TYPE = "azureml-firewall:index:AmlFirewallPolicyClassic";

export class AmlFirewallPolicyClassic extends pulumi.ComponentResource {
    /** Resource ID of the firewall policy (created or attached). */
    public readonly firewallPolicyId: pulumi.Output<string>;
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

    constructor(name: string, args: AmlFirewallPolicyClassicArgs, opts?: pulumi.ComponentResourceOptions) {
        super(AML_FIREWALL_POLICY_CLASSIC_TYPE, name, {}, opts);
        const defaultCloud = new pulumi.Config("azure").get("environment") ?? "AzurePublic";
        const plan = preparePlan(this, "AmlFirewallPolicyClassic", name, args,
            { argument: "existingFirewallPolicyId", value: args?.existingFirewallPolicyId }, defaultCloud);

        if (args.existingFirewallPolicyId === undefined) {
            this.policy = new FirewallPolicy(`${name}-policy`, stripUndefined({
                resourceGroupName: args.resourceGroupName,
                name: args.firewallPolicyName,
                location: args.location ?? args.region,
                sku: plan.apply((p) => p.skuTier as string),
                dns: plan.apply((p) => ({ proxyEnabled: p.dnsProxy })),
                basePolicyId: args.basePolicyId,
                threatIntelligenceMode: args.threatIntelMode,
            }), { parent: this, customTimeouts: CUSTOM_TIMEOUTS });
        }
        const policyId = this.policy ? this.policy.id : pulumi.output(args.existingFirewallPolicyId as pulumi.Input<string>);
        const classic = plan.apply((p) => toClassicCollections(p.plan.ruleCollections));
        const dependsOn = groupDependsOn(opts, this.policy ? [this.policy] : []);
        // azurerm serialises writes to one policy inside one provider instance (a lock on the policy
        // name); separate instances, stacks or tools still need the chaining documented in the README.
        this.ruleCollectionGroup = new FirewallPolicyRuleCollectionGroup(`${name}-rcg`, {
            firewallPolicyId: policyId,
            name: plan.apply((p) => p.ruleCollectionGroupName),
            priority: plan.apply((p) => p.priority),
            networkRuleCollections: classic.apply((c) => c.networkRuleCollections),
            applicationRuleCollections: classic.apply((c) => c.applicationRuleCollections),
        }, { parent: this, customTimeouts: CUSTOM_TIMEOUTS, ...(dependsOn ? { dependsOn } : {}) });

        const outputs = planOutputs(plan);
        this.firewallPolicyId = policyId;
        this.ruleCollectionGroupName = outputs.ruleCollectionGroupName;
        this.ruleCollectionGroupId = this.ruleCollectionGroup.id;
        this.requirements = outputs.requirements;
        this.ruleCount = outputs.ruleCount;
        this.explanations = outputs.explanations;
        this.notes = outputs.notes;
        this.sources = outputs.sources;
        this.dnsProxyEnabled = outputs.dnsProxyEnabled;
        this.registerOutputs({
            firewallPolicyId: this.firewallPolicyId,
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
