import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { byType, captureProgram, installMocks, recorded, resetRecorded, unwrap } from "./helpers/mocks";
import type { AmlFirewallPolicyClassic as ClassicType, AmlFirewallPolicyClassicArgs } from "../components/classic";
import type { AmlFirewallPolicy as NativeType } from "../components/amlFirewallPolicy";
import { toClassicCollections } from "../components/firewall/classic";
import { planPolicy } from "../components/policyPlan";
import { scenariosOffered } from "../components/requirements";
import { parseCloud } from "../components/clouds";
import type { Cloud } from "../components/catalog/types";
import { policies } from "../policy/policies";
import { runPack } from "../cli/offline/policyRunner";

const CLASSIC_POLICY = "azure:network/firewallPolicy:FirewallPolicy";
const CLASSIC_RCG = "azure:network/firewallPolicyRuleCollectionGroup:FirewallPolicyRuleCollectionGroup";
const HUB_ID =
    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-hub" +
    "/providers/Microsoft.Network/firewallPolicies/fwp-hub";

let AmlFirewallPolicyClassic: typeof ClassicType;
let AmlFirewallPolicy: typeof NativeType;

const BASE: AmlFirewallPolicyClassicArgs = {
    workspaceName: "mlw-dev",
    storageAccountName: "amlstore",
    region: "westeurope",
    resourceGroupName: "rg-net",
    sourceAddresses: ["10.0.1.0/24"],
};

/** Canonical form of a rule, whichever provider's shape it is in. */
function canonical(rule: any, stage: string, collection: any): string {
    const action = collection.action?.type ?? collection.action;
    const protocols =
        stage === "application"
            ? (rule.protocols ?? []).map((p: any) => `${p.protocolType ?? p.type}:${p.port}`)
            : (rule.ipProtocols ?? rule.protocols ?? []);
    return JSON.stringify([
        collection.name,
        collection.priority,
        action,
        stage,
        rule.name,
        protocols,
        rule.sourceAddresses ?? [],
        rule.sourceIpGroups ?? [],
        rule.destinationAddresses ?? [],
        stage === "application" ? (rule.targetFqdns ?? rule.destinationFqdns) : (rule.destinationFqdns ?? []),
        rule.destinationPorts ?? [],
    ]);
}

function nativeRules(collections: any[]): string[] {
    return collections
        .flatMap((c) =>
            c.rules.map((r: any) => canonical(r, r.ruleType === "ApplicationRule" ? "application" : "network", c)),
        )
        .sort();
}

function classicRules(props: any): string[] {
    return [
        ...(props.networkRuleCollections ?? []).flatMap((c: any) =>
            c.rules.map((r: any) => canonical(r, "network", c)),
        ),
        ...(props.applicationRuleCollections ?? []).flatMap((c: any) =>
            c.rules.map((r: any) => canonical(r, "application", c)),
        ),
    ].sort();
}

describe("classic provider (@pulumi/azure)", () => {
    before(async () => {
        installMocks("classic");
        AmlFirewallPolicyClassic = (await import("../components/classic")).AmlFirewallPolicyClassic;
        AmlFirewallPolicy = (await import("../components/amlFirewallPolicy")).AmlFirewallPolicy;
    });
    beforeEach(resetRecorded);

    it("translates the planner's collections to the classic shape", () => {
        const plan = planPolicy("x", { ...BASE, attach: false } as never).plan.ruleCollections;
        const classic = toClassicCollections(plan);
        assert.deepStrictEqual(
            classic.networkRuleCollections.map((c) => [c.name, c.priority, c.action]),
            [["aml-network", 100, "Allow"]],
        );
        assert.deepStrictEqual(classic.applicationRuleCollections[0].rules[0], {
            name: "http-80-https-443",
            protocols: [
                { type: "Http", port: 80 },
                { type: "Https", port: 443 },
            ],
            sourceAddresses: ["10.0.1.0/24"],
            destinationFqdns: ["login.microsoftonline.com"],
        });
        assert.deepStrictEqual(classic.networkRuleCollections[0].rules[0], {
            name: "fqdns-tcp-445",
            protocols: ["TCP"],
            sourceAddresses: ["10.0.1.0/24"],
            destinationFqdns: ["amlstore.file.core.windows.net"],
            destinationPorts: ["445"],
        });
    });

    it("creates a classic policy with DNS proxy and one classic group, parented and ordered", async () => {
        const c = new AmlFirewallPolicyClassic("aml-classic", BASE);
        const [urn, rcgUrn, id] = await Promise.all([
            unwrap(c.urn),
            unwrap(c.ruleCollectionGroup.urn),
            unwrap(c.ruleCollectionGroupId),
            unwrap(c.ruleCount),
        ]);
        assert.deepStrictEqual(
            recorded.map((r) => [r.type, r.name]),
            [
                ["azureml-firewall:index:AmlFirewallPolicyClassic", "aml-classic"],
                [CLASSIC_POLICY, "aml-classic-policy"],
                [CLASSIC_RCG, "aml-classic-rcg"],
            ],
        );
        assert.deepStrictEqual(byType(CLASSIC_POLICY)[0].inputs, {
            resourceGroupName: "rg-net",
            // Named explicitly: pulumi-azure's 24-character auto-name would fail for most component names.
            name: "aml-classic-policy",
            location: "westeurope",
            sku: "Standard",
            threatIntelligenceMode: "Alert",
            dns: { proxyEnabled: true },
        });
        const plan = planPolicy("aml-classic", { ...BASE, attach: false } as never);
        assert.deepStrictEqual(byType(CLASSIC_RCG)[0].inputs, {
            firewallPolicyId:
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net" +
                "/providers/Microsoft.Network/firewallPolicies/aml-classic-policy",
            name: "aml-classic",
            priority: 1000,
            ...toClassicCollections(plan.plan.ruleCollections),
        });
        assert.strictEqual(
            urn,
            "urn:pulumi:classic::azureml-firewall::azureml-firewall:index:AmlFirewallPolicyClassic::aml-classic",
        );
        assert.strictEqual(
            rcgUrn,
            "urn:pulumi:classic::azureml-firewall::azureml-firewall:index:AmlFirewallPolicyClassic" +
                `$${CLASSIC_RCG}::aml-classic-rcg`,
        );
        assert.match(id, /\/firewallPolicies\/aml-classic-policy\/ruleCollectionGroups\/aml-classic$/);
    });

    it("attaches to an existing policy by ID", async () => {
        const c = new AmlFirewallPolicyClassic("aml-classic-attach", {
            ...BASE,
            resourceGroupName: "rg-hub",
            existingFirewallPolicyId: HUB_ID,
            existingPolicyDnsProxyEnabled: true,
        });
        assert.strictEqual(await unwrap(c.firewallPolicyId), HUB_ID);
        await unwrap(c.ruleCollectionGroupId);
        assert.deepStrictEqual(
            recorded.map((r) => r.type),
            ["azureml-firewall:index:AmlFirewallPolicyClassic", CLASSIC_RCG],
        );
        assert.strictEqual(byType(CLASSIC_RCG)[0].inputs.firewallPolicyId, HUB_ID);
    });

    it("takes the cloud from azure:environment and validates like the native component", async () => {
        pulumi.runtime.setConfig("azure:environment", "china");
        try {
            const c = new AmlFirewallPolicyClassic("aml-classic-cn", { ...BASE, region: "chinanorth3" });
            await unwrap(c.ruleCollectionGroupId);
            assert.ok(JSON.stringify(byType(CLASSIC_RCG)[0].inputs).includes("login.chinacloudapi.cn"));
        } finally {
            pulumi.runtime.setConfig("azure:environment", "public");
        }
        assert.throws(
            () =>
                new AmlFirewallPolicyClassic("bad-classic", {
                    ...BASE,
                    existingFirewallPolicyId: HUB_ID,
                    existingPolicyDnsProxyEnabled: true,
                    skuTier: "Premium",
                }),
            /^Error: AmlFirewallPolicyClassic bad-classic: skuTier: "Premium" is not valid; skuTier only apply when the component creates the policy; leave them out with existingFirewallPolicyId\.$/,
        );
        assert.throws(
            () => new AmlFirewallPolicyClassic("bad-classic-2", { ...BASE, storageAccountName: "X" }),
            /storageAccountName: "X" is not valid/,
        );
    });

    for (const [cloud, region] of [
        ["AzurePublic", "westeurope"],
        ["AzureUSGovernment", "usgovtexas"],
        ["AzureChinaCloud", "chinaeast3"],
    ] as [Cloud, string][]) {
        it(`${cloud}: classic and native describe the same rules`, async () => {
            const args = { ...BASE, cloud, region, scenarios: scenariosOffered(parseCloud(cloud)) };
            const classic = new AmlFirewallPolicyClassic(`cmp-classic-${cloud}`, args);
            const native = new AmlFirewallPolicy(`cmp-native-${cloud}`, args);
            await Promise.all([unwrap(classic.ruleCollectionGroupId), unwrap(native.ruleCollectionGroupId)]);
            const classicProps = byType(CLASSIC_RCG)[0].inputs;
            const nativeProps = byType("azure-native:network:FirewallPolicyRuleCollectionGroup")[0].inputs;
            assert.deepStrictEqual(classicRules(classicProps), nativeRules(nativeProps.ruleCollections));
            assert.strictEqual(classicRules(classicProps).length > 5, true);
        });

        for (const mode of ["create", "attach"]) {
            it(`${cloud}, ${mode}: the classic stack passes every policy with zero violations`, async () => {
                const { resources } = await captureProgram(`classic-rt-${mode}`, () => {
                    const c = new AmlFirewallPolicyClassic(`aml-${mode}`, {
                        ...BASE,
                        cloud,
                        region,
                        scenarios: scenariosOffered(parseCloud(cloud)),
                        ...(mode === "attach"
                            ? {
                                  resourceGroupName: "rg-hub",
                                  existingFirewallPolicyId: HUB_ID,
                                  existingPolicyDnsProxyEnabled: true,
                              }
                            : {}),
                    });
                    return { id: c.ruleCollectionGroupId };
                });
                const runs = await runPack(policies, resources);
                assert.deepStrictEqual(
                    runs.flatMap((r) => [...r.violations.map((v) => v.message), ...r.cannotRun]),
                    [],
                );
                assert.deepStrictEqual(runs[0].notApplicable, []);
            });
        }
    }

    it("the pack catches a broken classic stack built by the component", async () => {
        const { resources } = await captureProgram("classic-broken", () => {
            const c = new AmlFirewallPolicyClassic("aml-broken", BASE);
            return { id: c.ruleCollectionGroupId };
        });
        const rcg = resources.find((r) => r.type === CLASSIC_RCG)!;
        rcg.props.networkRuleCollections[0].rules = rcg.props.networkRuleCollections[0].rules.filter(
            (r: any) => !/445|5831/.test(r.name),
        );
        const runs = await runPack(policies, resources);
        assert.strictEqual(runs[0].violations.length, 1);
        assert.match(runs[0].violations[0].message, /^Firewall policy aml-broken-policy does not allow 6 of 44 checks/);
    });

    describe("several instances on one policy", () => {
        for (const flavour of ["native", "classic"]) {
            it(`${flavour}: the second group waits for the first (dependsOn reaches the group)`, async () => {
                const { resources } = await captureProgram(`chain-${flavour}`, () => {
                    const make = (name: string, priority: number, opts?: pulumi.ComponentResourceOptions) =>
                        flavour === "native"
                            ? new AmlFirewallPolicy(
                                  name,
                                  {
                                      ...BASE,
                                      existingFirewallPolicyName: "fwp-hub",
                                      existingPolicyDnsProxyEnabled: true,
                                      priority,
                                  },
                                  opts,
                              )
                            : new AmlFirewallPolicyClassic(
                                  name,
                                  {
                                      ...BASE,
                                      resourceGroupName: "rg-hub",
                                      existingFirewallPolicyId: HUB_ID,
                                      existingPolicyDnsProxyEnabled: true,
                                      priority,
                                  },
                                  opts,
                              );
                    const first = make("team-a", 1000);
                    const second = make("team-b", 1100, { dependsOn: [first] });
                    return { a: first.ruleCollectionGroupId, b: second.ruleCollectionGroupId };
                });
                const rcgs = resources.filter((r) => /RuleCollectionGroup$/.test(r.type));
                const [a, b] = [rcgs.find((r) => r.name === "team-a-rcg")!, rcgs.find((r) => r.name === "team-b-rcg")!];
                // As the SDK tells the engine: dependsOn a component stands for the resources inside it.
                assert.deepStrictEqual(
                    b.dependencies.includes(a.urn),
                    true,
                    `team-b-rcg dependencies: ${b.dependencies.join(", ")}`,
                );
                assert.deepStrictEqual(a.dependencies.includes(b.urn), false);
                assert.deepStrictEqual([a.inputs.priority, b.inputs.priority], [1000, 1100]);
            });
        }
    });
});
