/**
 * Deploy fidelity (issue 17): every group both components can plan passes what the real tools check
 * (azurerm's validators, pulumi-azure's auto-naming, the REST spec), several components on one policy
 * are written one after the other as the engine is told, and nothing changes after `up` once Azure's
 * read-back is read as each provider reads it. The checks live in `helpers/providerChecks.ts`, written
 * from the providers' sources, not from the components.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { planPolicy } from "../components/policyPlan";
import { scenariosOffered } from "../components/requirements";
import { CLOUD_NAMES } from "../components/clouds";
import { toClassicCollections } from "../components/firewall/classic";
import { toNativeCollections } from "../components/firewall/native";
import { TYPES } from "../components/firewall/tokens";
import { readStackFile } from "../stacks/stackFile";
import { captureProgram, installMocks } from "./helpers/mocks";
import {
    azureReturnsRule,
    azurermExpand,
    azurermFlatten,
    azurermGroupErrors,
    azurermPolicyErrors,
    azureLimitErrors,
    nativeErrors,
    nativeRefreshChanges,
    terraformChanges,
} from "./helpers/providerChecks";

const ROOT = path.join(__dirname, "..");
const REGION: Record<string, string> = {
    AzurePublic: "westeurope",
    AzureUSGovernment: "usgovvirginia",
    AzureChinaCloud: "chinaeast2",
};
const HUB_ID =
    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-hub" +
    "/providers/Microsoft.Network/firewallPolicies/fwp-hub";
const BASE = {
    workspaceName: "mlw-dev",
    storageAccountName: "amlstore",
    resourceGroupName: "rg-hub",
    sourceAddresses: ["10.0.1.0/24"],
    sourceIpGroups: [
        "/SUBSCRIPTIONS/11111111-2222-3333-4444-555555555555/resourcegroups/rg-net" +
            "/providers/microsoft.network/ipgroups/ipg-aml",
    ],
};
const MODES = {
    create: { attach: false },
    attach: { attach: true, existingPolicyDnsProxyEnabled: true, existingFirewallPolicyId: HUB_ID },
    "attach-no-dns-proxy": { attach: true, existingPolicyDnsProxyEnabled: false, existingFirewallPolicyId: HUB_ID },
};

/** Every combination of cloud, scenarios, configuration and mode, as plans. */
function everyPlan() {
    return CLOUD_NAMES.flatMap((cloud) =>
        ["full", "leastPrivilege"].flatMap((configuration) =>
            Object.entries(MODES).map(([mode, extra]) => ({
                label: `${cloud} ${configuration} ${mode}`,
                plan: planPolicy("aml-egress", {
                    ...BASE,
                    ...extra,
                    cloud,
                    region: REGION[cloud],
                    configuration,
                    // Cluster Connect's 8084 host needs DNS proxy (no service tag carries it): refused without.
                    scenarios: scenariosOffered(cloud).filter(
                        (s) => !(mode === "attach-no-dns-proxy" && s === "arc-cluster-connect"),
                    ),
                } as never),
            })),
        ),
    );
}

/** The network-rule fields Azure returned in the recorded response (Azure/azure-cli-extensions, MIT). */
function recordedNetworkListFields(): string[] {
    const response = JSON.parse(
        fs.readFileSync(path.join(ROOT, "test", "fixtures", "azure", "rcg-network-rules.response.json"), "utf8"),
    );
    const rule = response.properties.ruleCollections[0].rules[0];
    return Object.keys(rule).filter((k) => Array.isArray(rule[k]) && !["ipProtocols", "destinationPorts"].includes(k));
}

describe("deploy fidelity: what the providers and Azure accept and return", function () {
    this.timeout(120000);
    const plans = everyPlan();
    const networkListFields = recordedNetworkListFields();

    it("reads the fields Azure returns for a network rule from a recorded response", () => {
        assert.deepStrictEqual(networkListFields.sort(), [
            "destinationAddresses",
            "destinationFqdns",
            "destinationIpGroups",
            "sourceAddresses",
            "sourceIpGroups",
        ]);
    });

    it("plans 18 combinations of cloud, configuration and mode", () => {
        assert.strictEqual(plans.length, 18);
    });

    it("counts Azure's limits as documented: 20,000 network combinations, 1 MB of rules", () => {
        const rule = (ports: number) => ({
            ruleType: "NetworkRule",
            ipProtocols: ["TCP", "UDP"],
            sourceAddresses: Array.from({ length: 100 }, (_, i) => `10.0.${i}.0/24`),
            destinationAddresses: Array.from({ length: 100 }, (_, i) => `192.168.${i}.1`),
            destinationPorts: Array.from({ length: ports }, (_, i) => String(1000 + i)),
        });
        assert.deepStrictEqual(azureLimitErrors([{ rules: [rule(14)] }]), []);
        assert.deepStrictEqual(azureLimitErrors([{ rules: [rule(15)] }]), [
            "40000 unique source-destination combinations in network rules, over 20,000",
        ]);
    });

    describe("azurerm's validators, the REST spec and Azure's limits accept every planned group", () => {
        for (const { label, plan } of everyPlan()) {
            it(label, () => {
                const classic = {
                    name: plan.ruleCollectionGroupName,
                    firewallPolicyId: plan.policyId ?? `${HUB_ID.replace("fwp-hub", plan.policyName!)}`,
                    priority: plan.priority,
                    ...toClassicCollections(plan.plan.ruleCollections),
                };
                assert.deepStrictEqual(azurermGroupErrors(classic), []);
                const native = {
                    firewallPolicyName: plan.policyName,
                    ruleCollectionGroupName: plan.ruleCollectionGroupName,
                    priority: plan.priority,
                    ruleCollections: toNativeCollections(plan.plan.ruleCollections),
                };
                assert.deepStrictEqual(nativeErrors(undefined, native), []);
                assert.deepStrictEqual(azureLimitErrors(native.ruleCollections), []);
            });
        }
    });

    describe("no diff after up", () => {
        for (const { label, plan } of everyPlan()) {
            it(`${label}: azure-native after refresh, and azurerm's read, see no change`, () => {
                const written = toNativeCollections(plan.plan.ruleCollections);
                const returned = written.map((c) => ({
                    ...c,
                    rules: c.rules.map((r) => azureReturnsRule(r, networkListFields)),
                }));
                assert.deepStrictEqual(nativeRefreshChanges(written, returned), []);

                const classic = toClassicCollections(plan.plan.ruleCollections);
                const azureHas = azurermExpand(classic).map((c) => ({
                    ...c,
                    rules: c.rules.map((r: any) => azureReturnsRule(r, networkListFields)),
                }));
                assert.deepStrictEqual(terraformChanges(classic, azurermFlatten(azureHas)), []);
            });
        }

        it("fails when a default Azure fills in is not written (the planner's bare rules, native)", () => {
            const bare = plans[0].plan.plan.ruleCollections;
            const returned = bare.map((c) => ({
                ...c,
                rules: c.rules.map((r) => azureReturnsRule(r, networkListFields)),
            }));
            const changes = nativeRefreshChanges(bare, returned);
            assert.ok(changes.includes("[0].rules[0].destinationIpGroups"), changes.join(", "));
            assert.ok(
                changes.some((c) => /terminateTLS$/.test(c)),
                changes.join(", "),
            );
        });

        it("fails when azurerm would read a collection back differently (an empty collection is dropped)", () => {
            const classic = toClassicCollections(plans[0].plan.plan.ruleCollections);
            const withEmpty = {
                ...classic,
                networkRuleCollections: [
                    ...classic.networkRuleCollections,
                    { name: "x", priority: 300, action: "Allow", rules: [] },
                ],
            };
            const read = azurermFlatten(azurermExpand(withEmpty));
            assert.deepStrictEqual(terraformChanges(withEmpty, read), ["networkRuleCollections"]);
        });

        it("writes IP group and policy IDs in the casing Azure and azurerm return", () => {
            const plan = plans.find((p) => /attach$/.test(p.label))!.plan;
            assert.deepStrictEqual(plan.sources.ipGroups, [
                "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-net" +
                    "/providers/Microsoft.Network/ipGroups/ipg-aml",
            ]);
            const lower = planPolicy("aml", {
                ...BASE,
                region: "westeurope",
                attach: true,
                existingPolicyDnsProxyEnabled: true,
                existingFirewallPolicyId: HUB_ID.toLowerCase(),
            } as never);
            assert.strictEqual(
                lower.policyId,
                "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-hub" +
                    "/providers/Microsoft.Network/firewallPolicies/fwp-hub",
            );
        });
    });

    describe("names users actually type, through both components under mocks", () => {
        const names = [
            "x",
            "_egress",
            "aml egress",
            "fwp.hub.",
            "aml-egress-for-the-data-science-platform",
            "a".repeat(120),
        ];
        for (const name of names) {
            const shown = name.length > 40 ? `${name.slice(0, 12)}... (${name.length})` : name;
            it(`component ${JSON.stringify(shown)}`, async () => {
                const { resources } = await captureProgram("names", () => {
                    const { AmlFirewallPolicy } = require("../components/amlFirewallPolicy");
                    const { AmlFirewallPolicyClassic } = require("../components/classic");
                    const args = { ...BASE, region: "westeurope" };
                    return {
                        a: new AmlFirewallPolicy(name, args).ruleCount,
                        b: new AmlFirewallPolicyClassic(`${name}-c`, args).ruleCount,
                    };
                });
                const of = (type: string) => resources.filter((r) => r.type === type);
                const [classicPolicy] = of(TYPES.classicPolicy);
                assert.deepStrictEqual(azurermPolicyErrors(classicPolicy.name, classicPolicy.inputs), []);
                assert.deepStrictEqual(azurermGroupErrors(of(TYPES.classicRcg)[0].inputs), []);
                assert.deepStrictEqual(
                    nativeErrors(of(TYPES.nativePolicy)[0].inputs, of(TYPES.nativeRcg)[0].inputs),
                    [],
                );
            });
        }

        it("refuses names given explicitly that azurerm refuses, naming the argument", () => {
            const bad: [string, unknown][] = [
                ["ruleCollectionGroupName", "g"],
                ["ruleCollectionGroupName", "_aml"],
                ["firewallPolicyName", "fwp.hub."],
                ["firewallPolicyName", "fwp hub"],
            ];
            for (const [argument, value] of bad) {
                assert.throws(
                    () =>
                        planPolicy("aml", { ...BASE, region: "westeurope", attach: false, [argument]: value } as never),
                    new RegExp(`^InputError: ${argument}: "${String(value).replace(/\./g, "\\.")}" is not valid; 2-80`),
                );
            }
        });

        after(() => pulumi.runtime.setAllConfig({}));

        it("the shipped stacks, planned under another stack name, pass both providers' checks", async () => {
            for (const stack of ["dev", "prod", "gov", "china"]) {
                const { config } = readStackFile(path.join(ROOT, "stacks"), stack);
                pulumi.runtime.setAllConfig(config);
                const { runProgram } = await import("../stacks/program");
                const { resources } = await captureProgram("staging-environment", () =>
                    runProgram(`stacks/Pulumi.${stack}.yaml`),
                );
                for (const r of resources) {
                    const errors =
                        r.type === TYPES.classicPolicy
                            ? azurermPolicyErrors(r.name, r.inputs)
                            : r.type === TYPES.classicRcg
                              ? azurermGroupErrors(r.inputs)
                              : r.type === TYPES.nativeRcg
                                ? nativeErrors(resources.find((p) => p.type === TYPES.nativePolicy)?.inputs, r.inputs)
                                : [];
                    assert.deepStrictEqual(errors, [], `${stack}: ${r.type} ${r.name}`);
                }
            }
        });
    });

    describe("arguments the components do not take", () => {
        it("refuse the removed IPv6 opt-in with why, and an unknown argument with the list of arguments", () => {
            installMocks("args");
            const { AmlFirewallPolicy } = require("../components/amlFirewallPolicy");
            const { AmlFirewallPolicyClassic } = require("../components/classic");
            const args = { ...BASE, region: "westeurope" };
            assert.throws(
                () => new AmlFirewallPolicy("v6", { ...args, allowIpv6Sources: true }),
                /^Error: AmlFirewallPolicy v6: allowIpv6Sources: true is not valid; removed: Azure Firewall does not support IPv6 \(azure-docs articles\/firewall\/firewall-known-issues\.md/,
            );
            assert.throws(
                () => new AmlFirewallPolicy("typo", { ...args, senarios: ["python"] }),
                /^Error: AmlFirewallPolicy typo: senarios: \["python"\] is not valid; not an argument of AmlFirewallPolicy; its arguments are workspaceName, /,
            );
            assert.throws(
                () => new AmlFirewallPolicyClassic("wrong-attach", { ...args, existingFirewallPolicyName: "fwp-hub" }),
                /^Error: AmlFirewallPolicyClassic wrong-attach: existingFirewallPolicyName: "fwp-hub" is not valid; not an argument of AmlFirewallPolicyClassic; .*existingFirewallPolicyId/,
            );
        });
    });

    describe("SKU, base policy and threat intelligence", () => {
        const create = { ...BASE, region: "westeurope", attach: false };
        it("refuses Basic with threat intelligence other than Alert, and Off under a base policy", () => {
            assert.throws(
                () =>
                    planPolicy("aml", {
                        ...create,
                        skuTier: "Basic",
                        threatIntelMode: "Deny",
                        scenarios: [],
                        configuration: "full",
                    } as never),
                /^InputError: threatIntelMode: "Deny" is not valid; a Basic policy only takes Alert \(Azure refuses other/,
            );
            assert.throws(
                () =>
                    planPolicy("aml", {
                        ...create,
                        basePolicyId: HUB_ID,
                        location: "westeurope",
                        threatIntelMode: "Off",
                    } as never),
                /^InputError: threatIntelMode: "Off" is not valid; a child policy \(basePolicyId\) may only make threat/,
            );
        });
        it("asks for location with a base policy, and writes the parent's ID in the spec's casing", () => {
            assert.throws(
                () => planPolicy("aml", { ...create, basePolicyId: HUB_ID } as never),
                /^InputError: location: \(missing\) is not valid; with basePolicyId, give the location/,
            );
            const plan = planPolicy("aml", {
                ...create,
                basePolicyId: HUB_ID.toUpperCase(),
                location: "WestEurope",
            } as never);
            assert.deepStrictEqual(plan.createdPolicy, {
                name: "aml-policy",
                location: "westeurope",
                skuTier: "Standard",
                threatIntelMode: "Alert",
                basePolicyId:
                    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/RG-HUB" +
                    "/providers/Microsoft.Network/firewallPolicies/FWP-HUB",
                tags: {},
            });
        });
        it("refuses, with the classic attach ID, a resource group other than the ID's", () => {
            assert.throws(
                () =>
                    planPolicy("aml", {
                        ...create,
                        resourceGroupName: "rg-net",
                        attach: true,
                        existingPolicyDnsProxyEnabled: true,
                        existingFirewallPolicyId: HUB_ID,
                    } as never),
                /^InputError: resourceGroupName: "rg-net" is not valid; the policy of existingFirewallPolicyId is in resource group rg-hub; give that\.$/,
            );
        });
        it("lower-cases tag keys and refuses two keys that differ only in case", () => {
            const plan = planPolicy("aml", { ...create, tags: { Env: "prod", CostCenter: "42" } } as never);
            assert.deepStrictEqual(plan.createdPolicy!.tags, { costcenter: "42", env: "prod" });
            assert.throws(
                () => planPolicy("aml", { ...create, tags: { env: "a", Env: "b" } } as never),
                /^InputError: tags\.Env: "b" is not valid; tag names are stored lower-case/,
            );
        });
    });
});

describe("one writer at a time per policy, as the engine is told", function () {
    this.timeout(60000);

    /** Runs a program under mocks and records the dependencies each registration sends the engine. */
    async function engineDependencies(program: () => unknown): Promise<Map<string, string[]>> {
        const sent = new Map<string, string[]>();
        await captureProgram("chain", () => {
            const monitor = pulumi.runtime.getMonitor() as any;
            const register = monitor.registerResource.bind(monitor);
            monitor.registerResource = (req: any, callback: any) => {
                sent.set(
                    req.getName(),
                    req.getDependenciesList().map((urn: string) => urn.split("::").pop()),
                );
                return register(req, callback);
            };
            return program();
        });
        return sent;
    }

    it("chains groups on one policy in declaration order, across both flavours, with no dependsOn", async () => {
        const { AmlFirewallPolicy } = require("../components/amlFirewallPolicy");
        const { AmlFirewallPolicyClassic } = require("../components/classic");
        const args = { ...BASE, region: "westeurope", existingPolicyDnsProxyEnabled: true };
        const sent = await engineDependencies(() => {
            const a = new AmlFirewallPolicy("team-a", {
                ...args,
                existingFirewallPolicyName: "FWP-Hub",
                priority: 1000,
            });
            const b = new AmlFirewallPolicyClassic("team-b", {
                ...args,
                existingFirewallPolicyId: HUB_ID,
                priority: 1100,
            });
            const other = new AmlFirewallPolicy("elsewhere", {
                ...args,
                existingFirewallPolicyName: "fwp-spoke",
                priority: 1000,
            });
            const c = new AmlFirewallPolicy("team-c", {
                ...args,
                existingFirewallPolicyName: "fwp-hub",
                priority: 1200,
            });
            return { a: a.ruleCount, b: b.ruleCount, c: c.ruleCount, other: other.ruleCount };
        });
        assert.deepStrictEqual(sent.get("team-a-rcg"), []);
        assert.deepStrictEqual(sent.get("team-b-rcg"), ["team-a-rcg"]);
        assert.deepStrictEqual(sent.get("elsewhere-rcg"), []);
        assert.deepStrictEqual(sent.get("team-c-rcg")!.sort(), ["team-a-rcg", "team-b-rcg"]);
    });

    it("chains a group attached to a policy another component created after that component's group", async () => {
        const { AmlFirewallPolicy } = require("../components/amlFirewallPolicy");
        const sent = await engineDependencies(() => {
            const hub = new AmlFirewallPolicy("hub", { ...BASE, region: "westeurope", firewallPolicyName: "fwp-hub" });
            const team = new AmlFirewallPolicy("team", {
                ...BASE,
                region: "westeurope",
                existingFirewallPolicyName: "fwp-hub",
                existingPolicyDnsProxyEnabled: true,
                priority: 1100,
            });
            return { a: hub.ruleCount, b: team.ruleCount };
        });
        assert.deepStrictEqual(sent.get("hub-rcg")!.sort(), ["hub-policy"]);
        assert.deepStrictEqual(sent.get("team-rcg"), ["hub-rcg"]);
    });
});
