/** The firewall model: one reader of every shape, and the decisions taken once for the evaluator and the policies. */
import * as assert from "assert";
import {
    StackNode,
    externalDnsProxy,
    findTargets,
    nativePolicySettings,
    readGroup,
    rulesOf,
    targetSettings,
} from "../components/firewall";

const RCG = "azure-native:network:FirewallPolicyRuleCollectionGroup";
const COMPONENT = "azureml-firewall:index:AmlFirewallPolicy";
const HUB_RCG_ID =
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/firewallPolicies/fwp-hub/ruleCollectionGroups/aml";

function node(type: string, name: string, props: Record<string, unknown>, parent?: StackNode): StackNode {
    return {
        type,
        name,
        urn: `urn:pulumi:s::p::${type}::${name}`,
        props,
        parent,
        dependencies: [],
        propertyDependencies: {},
    };
}

describe("firewall model", () => {
    it("reads native, ARM and classic groups into one form, dropping NAT and naming what it ignores", () => {
        const native = readGroup(
            {
                name: "g",
                priority: 100,
                ruleCollections: [
                    { ruleCollectionType: "FirewallPolicyNatRuleCollection", name: "nat", priority: 100, rules: [] },
                    {
                        ruleCollectionType: "FirewallPolicyFilterRuleCollection",
                        name: "f",
                        priority: 200,
                        action: { type: "Deny" },
                        rules: [],
                    },
                    { name: "untyped", priority: 300, action: { type: "Allow" }, rules: [] },
                ],
            },
            0,
        );
        assert.deepStrictEqual(
            native.collections.map((c) => `${c.name}:${c.action}`),
            ["f:deny"],
        );
        assert.deepStrictEqual(
            native.allCollections.map((c) => c.name),
            ["nat", "f", "untyped"],
        );
        assert.deepStrictEqual(native.problems, [
            "Rule collection g/untyped has type undefined, which is neither filter nor NAT; ignored.",
        ]);
        const arm = readGroup({ name: "pol/arm", properties: { priority: 300, ruleCollections: [] } }, 1);
        assert.deepStrictEqual([arm.name, arm.priority], ["arm", 300]);
        const classic = readGroup(
            {
                priority: 200,
                networkRuleCollections: [{ name: "n", priority: 100, action: "Allow", rules: [{ name: "r" }] }],
            },
            2,
        );
        assert.strictEqual(classic.name, "(group 3)");
        assert.deepStrictEqual(
            rulesOf(classic).rules.map(({ rule }) => `${rule.stage}:${rule.name}`),
            ["network:r"],
        );
    });

    it("skips and reports a rule whose stage nothing tells, for every reader alike", () => {
        const group = readGroup(
            {
                name: "g",
                priority: 100,
                ruleCollections: [
                    {
                        ruleCollectionType: "FirewallPolicyFilterRuleCollection",
                        name: "c",
                        priority: 100,
                        action: { type: "Allow" },
                        rules: [
                            { name: "mystery", sourceAddresses: ["10.0.0.0/24"] },
                            { name: "net", destinationPorts: ["443"] },
                        ],
                    },
                ],
            },
            0,
        );
        const read = rulesOf(group);
        assert.deepStrictEqual(
            read.rules.map(({ rule }) => `${rule.stage}:${rule.name}`),
            ["network:net"],
        );
        assert.deepStrictEqual(read.problems, [
            "Rule g/c/mystery has no ruleType and no fields that tell its type; ignored.",
        ]);
    });

    it("decides DNS proxy of a policy outside the stack once: config first, else every component must say on", () => {
        assert.strictEqual(externalDnsProxy("Hub", { hub: false }, [true]), false);
        assert.strictEqual(externalDnsProxy("hub", {}, [true, true]), true);
        assert.strictEqual(externalDnsProxy("hub", {}, [true, false]), false);
        assert.strictEqual(externalDnsProxy("hub", {}, [undefined]), undefined);
        assert.deepStrictEqual(nativePolicySettings({ dnsSettings: {} }).dnsProxy, undefined);
        assert.deepStrictEqual(nativePolicySettings({ dnsSettings: { enableProxy: false } }).dnsProxy, false);
    });

    it("finds an attached group's policy from its ARM id, else from the component's outputs", () => {
        const fromId = findTargets([
            node(RCG, "aml-rcg", { id: HUB_RCG_ID, name: "aml", priority: 100, ruleCollections: [] }),
        ]);
        assert.deepStrictEqual(
            fromId.map((t) => [t.key, t.name]),
            [["external:fwp-hub", "fwp-hub"]],
        );
        const component = node(COMPONENT, "aml", { firewallPolicyName: "fwp-spoke", dnsProxyEnabled: true });
        const fromComponent = findTargets([component, node(RCG, "aml-rcg", { name: "aml", priority: 100 }, component)]);
        assert.deepStrictEqual(
            fromComponent.map((t) => t.name),
            ["fwp-spoke"],
        );
        assert.deepStrictEqual(targetSettings(fromComponent[0], {}), { name: "fwp-spoke", dnsProxy: true });
    });
});
