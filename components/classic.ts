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
import {
    AmlEgressComponent,
    CUSTOM_TIMEOUTS,
    groupDependsOn,
    planOutputs,
    preparePlan,
    stripUndefined,
} from "./componentCore";

export { toClassicCollections } from "./firewall/classic";
export type { AmlFirewallPolicyClassicArgs } from "./args";

export const AML_FIREWALL_POLICY_CLASSIC_TYPE = TYPES.componentClassic;

export class AmlFirewallPolicyClassic extends AmlEgressComponent {
    /** The firewall policy, when this component created it. */
    public readonly policy?: FirewallPolicy;
    /** The rule collection group. */
    public readonly ruleCollectionGroup: FirewallPolicyRuleCollectionGroup;

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
            this.policy = new FirewallPolicy(
                `${name}-policy`,
                stripUndefined({
                    resourceGroupName: args.resourceGroupName,
                    name: args.firewallPolicyName,
                    location: args.location ?? args.region,
                    sku: plan.apply((p) => p.skuTier as string),
                    dns: plan.apply((p) => ({ proxyEnabled: p.dnsProxy })),
                    basePolicyId: args.basePolicyId,
                    threatIntelligenceMode: args.threatIntelMode,
                }),
                { parent: this, customTimeouts: CUSTOM_TIMEOUTS },
            );
        }
        const policyId = this.policy
            ? this.policy.id
            : pulumi.output(args.existingFirewallPolicyId as pulumi.Input<string>);
        const classic = plan.apply((p) => toClassicCollections(p.plan.ruleCollections));
        const dependsOn = groupDependsOn(opts, this.policy ? [this.policy] : []);
        // azurerm serialises writes to one policy inside one provider instance (a lock on the policy
        // name); separate instances, stacks or tools still need the chaining documented in the README.
        this.ruleCollectionGroup = new FirewallPolicyRuleCollectionGroup(
            `${name}-rcg`,
            {
                firewallPolicyId: policyId,
                name: plan.apply((p) => p.ruleCollectionGroupName),
                priority: plan.apply((p) => p.priority),
                networkRuleCollections: classic.apply((c) => c.networkRuleCollections),
                applicationRuleCollections: classic.apply((c) => c.applicationRuleCollections),
            },
            { parent: this, customTimeouts: CUSTOM_TIMEOUTS, ...(dependsOn ? { dependsOn } : {}) },
        );

        this.publish({
            ...planOutputs(plan),
            firewallPolicyId: policyId,
            ruleCollectionGroupId: this.ruleCollectionGroup.id,
        });
    }
}
