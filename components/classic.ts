/**
 * `AmlFirewallPolicyClassic`: the same policy and rules through the classic `@pulumi/azure` (azurerm)
 * provider. Import it from `azureml-firewall/classic`; the root export never loads `@pulumi/azure`.
 */
import "./classicPeers"; // first: names a missing @pulumi/azure instead of "Cannot find module"
import * as pulumi from "@pulumi/pulumi";
import { TYPES } from "./firewall/tokens";
import { AmlFirewallPolicyClassicArgs } from "./args";
import { FirewallPolicy } from "@pulumi/azure/network/firewallPolicy";
import { FirewallPolicyRuleCollectionGroup } from "@pulumi/azure/network/firewallPolicyRuleCollectionGroup";
import { toClassicCollections } from "./firewall/classic";
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

export { toClassicCollections } from "./firewall/classic";
export type { AmlFirewallPolicyClassicArgs } from "./args";

export const AML_FIREWALL_POLICY_CLASSIC_TYPE = TYPES.componentClassic;

/**
 * The same policy and rule collection group as `AmlFirewallPolicy`, through the classic `@pulumi/azure`
 * (azurerm) provider.
 */
export class AmlFirewallPolicyClassic extends pulumi.ComponentResource implements EgressOutputs {
    /** Resource ID of the firewall policy (created or attached). */
    public readonly firewallPolicyId!: pulumi.Output<string>;
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
     * @param args As `AmlFirewallPolicy`'s, with `existingFirewallPolicyId` to attach.
     * @param opts Resource options, as for any component.
     */
    constructor(name: string, args: AmlFirewallPolicyClassicArgs, opts?: pulumi.ComponentResourceOptions) {
        super(AML_FIREWALL_POLICY_CLASSIC_TYPE, name, {}, opts);
        const defaultCloud = new pulumi.Config("azure").get("environment") ?? "AzurePublic";
        const plan = preparePlan(
            this,
            "AmlFirewallPolicyClassic",
            name,
            args,
            { argument: "existingFirewallPolicyId", value: args?.existingFirewallPolicyId },
            defaultCloud,
        );

        if (args.existingFirewallPolicyId === undefined) {
            const created = plan.apply((p) => p.createdPolicy as CreatedPolicyPlan);
            // Named explicitly: pulumi-azure's auto-name (`<name>` + 7 random characters, 24 at most) fails
            // for any component name over 10 characters.
            this.policy = new FirewallPolicy(
                `${name}-policy`,
                {
                    resourceGroupName: args.resourceGroupName,
                    name: created.name,
                    location: created.location,
                    sku: created.skuTier,
                    threatIntelligenceMode: created.threatIntelMode,
                    // No DNS block at all without DNS proxy: Azure refuses any on Basic.
                    dns: plan.apply((p) => (p.dnsProxy ? { proxyEnabled: true } : undefined)),
                    basePolicyId: created.apply((c) => c.basePolicyId),
                    tags: created.apply((c) => (Object.keys(c.tags).length ? c.tags : undefined)),
                },
                { parent: this, customTimeouts: CUSTOM_TIMEOUTS },
            );
        }
        const policyId = this.policy ? this.policy.id : plan.apply((p) => p.policyId as string);
        const policyKey = writeOrderKey(plan);
        const classic = plan.apply((p) => toClassicCollections(p.plan.ruleCollections));
        const dependsOn = groupDependsOn(
            opts,
            earlierWritersOnPolicy(policyKey).apply((earlier) => (this.policy ? [this.policy, ...earlier] : earlier)),
        );
        // azurerm also serialises writes to one policy inside one provider instance (a lock on the policy
        // name); the chaining above covers several components, provider instances and both providers.
        this.ruleCollectionGroup = new FirewallPolicyRuleCollectionGroup(
            `${name}-rcg`,
            {
                firewallPolicyId: policyId,
                name: plan.apply((p) => p.ruleCollectionGroupName),
                priority: plan.apply((p) => p.priority),
                networkRuleCollections: classic.apply((c) => c.networkRuleCollections),
                applicationRuleCollections: classic.apply((c) => c.applicationRuleCollections),
            },
            { parent: this, customTimeouts: CUSTOM_TIMEOUTS, dependsOn },
        );
        recordWriter(policyKey, this.ruleCollectionGroup);

        const outputs: EgressOutputs = {
            ...planOutputs(plan),
            firewallPolicyId: policyId,
            ruleCollectionGroupId: this.ruleCollectionGroup.id,
        };
        Object.assign(this, outputs);
        this.registerOutputs(outputs);
    }
}
