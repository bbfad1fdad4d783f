/** Policy azureml-groups-ordered-on-policy, in-process (policyServer.spec.ts runs it through the real server). */
import * as assert from "assert";
import type { StackValidationPolicy } from "@pulumi/policy";
import { groupsOrderedOnPolicy } from "../../policy/policies";
import { StackResourceSpec, makeStack, runStackPolicy } from "../../cli/offline/policyRunner";

const RCG = "azure-native:network:FirewallPolicyRuleCollectionGroup";
const STACK = "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev";
const POLICY = "urn:pulumi:dev::p::azure-native:network:FirewallPolicy::hub";

const root: StackResourceSpec = { type: "pulumi:pulumi:Stack", name: "p-dev", urn: STACK, props: {} };
const policy: StackResourceSpec = {
    type: "azure-native:network:FirewallPolicy",
    name: "hub",
    urn: POLICY,
    props: { firewallPolicyName: "fwp-hub", sku: { tier: "Standard" } },
    parent: STACK,
};

/** A group on the hub policy, with its priority and the groups it depends on. */
function group(name: string, priority: unknown, after: string[] = []): StackResourceSpec {
    return {
        type: RCG,
        name,
        urn: `urn:pulumi:dev::p::${RCG}::${name}`,
        props: { ruleCollectionGroupName: name, priority, firewallPolicyName: "fwp-hub", ruleCollections: [] },
        parent: STACK,
        dependencies: [POLICY, ...after.map((a) => `urn:pulumi:dev::p::${RCG}::${a}`)],
        propertyDependencies: { firewallPolicyName: [POLICY] },
    };
}

async function messages(...groups: StackResourceSpec[]): Promise<string[]> {
    const run = await runStackPolicy(
        groupsOrderedOnPolicy as StackValidationPolicy,
        makeStack([root, policy, ...groups]),
    );
    return run.violations.map((v) => v.message);
}

describe("policy azureml-groups-ordered-on-policy", () => {
    it("is silent for groups a chain of dependencies orders (through a third too), priorities distinct", async () => {
        assert.deepStrictEqual(await messages(group("a", 1000), group("b", 1100, ["a"]), group("c", 1200, ["b"])), []);
    });

    it("flags two groups on one policy that nothing orders, on the later one", async () => {
        assert.deepStrictEqual(await messages(group("a", 1000), group("b", 1100)), [
            "Rule collection groups a and b both write firewall policy fwp-hub, and no dependency orders them: " +
                "Azure takes one write per policy at a time, so `pulumi up` may fail with " +
                "AnotherOperationInProgress. Make one depend on the other (dependsOn).",
        ]);
    });

    it("flags equal priorities even when the groups are ordered, and leaves unknown priorities alone", async () => {
        assert.deepStrictEqual(await messages(group("a", 1000), group("b", 1000, ["a"])), [
            "Rule collection groups a, b on firewall policy fwp-hub share priority 1000; Azure does not document " +
                "their order, so a Deny rule in one may shadow Allow rules in another. Give each group its own " +
                "priority.",
        ]);
        assert.deepStrictEqual(
            await messages(group("a", 1000), group("b", "04da6b54-80e4-46f7-96ec-b56ff0331ba9", ["a"])),
            [],
        );
    });
});
