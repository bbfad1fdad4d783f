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
    groupDependsOn,
    planOutputs,
    preparePlan,
    stripUndefined,
} from "./componentCore";

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

        const outputs: EgressOutputs = {
            ...planOutputs(plan),
            firewallPolicyId: policyId,
            ruleCollectionGroupId: this.ruleCollectionGroup.id,
        };
        Object.assign(this, outputs);
        this.registerOutputs(outputs);
    }
}
