import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { SUBSCRIPTION, byType, installMocks, recorded, resetRecorded, unwrap } from "./helpers/mocks";
import type {
    AmlFirewallPolicy as AmlFirewallPolicyType,
    AmlFirewallPolicyArgs,
} from "../components/amlFirewallPolicy";
import { planPolicy } from "../components/policyPlan";
import { toNativeCollections } from "../components/firewall/native";
import { scenariosOffered } from "../components/requirements";
import type { Cloud } from "../components/catalog/types";

const POLICY = "azure-native:network:FirewallPolicy";
const RCG = "azure-native:network:FirewallPolicyRuleCollectionGroup";
const COMPONENT = "azureml-firewall:index:AmlFirewallPolicy";
const RG_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-net`;

let AmlFirewallPolicy: typeof AmlFirewallPolicyType;

const BASE: AmlFirewallPolicyArgs = {
    workspaceName: "mlw-dev",
    storageAccountName: "amlstore",
    region: "westeurope",
    resourceGroupName: "rg-net",
    sourceAddresses: ["10.0.1.0/24"],
};

interface ChildOpts {
    type: string;
    name: string;
    dependsOn: unknown;
    customTimeouts: unknown;
    parentUrn: Promise<string> | undefined;
}

/** Builds the component with a transformation that records each child's options, then waits for everything. */
async function build(name: string, args: AmlFirewallPolicyArgs, opts: pulumi.ComponentResourceOptions = {}) {
    const children: ChildOpts[] = [];
    const component = new AmlFirewallPolicy(name, args, {
        ...opts,
        transformations: [
            (t) => {
                if (t.type === COMPONENT) {
                    return undefined;
                }
                children.push({
                    type: t.type,
                    name: t.name,
                    dependsOn: t.opts.dependsOn,
                    customTimeouts: t.opts.customTimeouts,
                    parentUrn: t.opts.parent ? unwrap(t.opts.parent.urn) : undefined,
                });
                return undefined;
            },
        ],
    });
    const [urn, rcgUrn, policyUrn, outputs] = await Promise.all([
        unwrap(component.urn),
        unwrap(component.ruleCollectionGroup.urn),
        component.policy ? unwrap(component.policy.urn) : Promise.resolve(undefined),
        unwrap(
            pulumi.output({
                firewallPolicyId: component.firewallPolicyId,
                firewallPolicyName: component.firewallPolicyName,
                ruleCollectionGroupName: component.ruleCollectionGroupName,
                requirements: component.requirements,
                ruleCount: component.ruleCount,
                notes: component.notes,
                explanations: component.explanations,
            }),
        ),
    ]);
    return { component, urn, rcgUrn, policyUrn, outputs, children };
}

function mine(name: string) {
    return recorded.filter((r) => r.name.startsWith(name));
}

describe("AmlFirewallPolicy (azure-native, under mocks)", function () {
    before(async () => {
        installMocks("dev");
        AmlFirewallPolicy = (await import("../components/amlFirewallPolicy")).AmlFirewallPolicy;
    });
    beforeEach(resetRecorded);

    it("creates exactly a Standard policy with DNS proxy and one group with the planned rules", async () => {
        const { outputs } = await build("aml-dev", BASE);
        const expected = planPolicy("aml-dev", { ...BASE, attach: false } as never);
        assert.deepStrictEqual(
            mine("aml-dev").map((r) => [r.type, r.name]),
            [
                [COMPONENT, "aml-dev"],
                [POLICY, "aml-dev-policy"],
                [RCG, "aml-dev-rcg"],
            ],
        );
        assert.deepStrictEqual(byType(POLICY)[0].inputs, {
            resourceGroupName: "rg-net",
            firewallPolicyName: "aml-dev-policy",
            location: "westeurope",
            sku: { tier: "Standard" },
            threatIntelMode: "Alert",
            dnsSettings: { enableProxy: true },
        });
        assert.deepStrictEqual(byType(RCG)[0].inputs, {
            resourceGroupName: "rg-net",
            firewallPolicyName: "aml-dev-policy",
            ruleCollectionGroupName: "aml-dev",
            priority: 1000,
            ruleCollections: toNativeCollections(expected.plan.ruleCollections),
        });
        assert.deepStrictEqual(byType(COMPONENT)[0].inputs, {});
        assert.deepStrictEqual(
            outputs.firewallPolicyId,
            `${RG_ID}/providers/Microsoft.Network/firewallPolicies/aml-dev-policy`,
        );
        assert.strictEqual(outputs.firewallPolicyName, "aml-dev-policy");
        assert.strictEqual(outputs.ruleCollectionGroupName, "aml-dev");
        assert.deepStrictEqual(outputs.requirements, expected.requirements);
        assert.strictEqual(outputs.ruleCount, expected.plan.ruleCount);
        assert.strictEqual(outputs.explanations.length, expected.requirements.length);
        assert.ok(outputs.notes.some((n) => n.startsWith("Doc corrected: Frontdoor.FirstParty")));
    });

    it(
        "parents its children to itself, names them from its own name, orders the group after the policy and sets " +
            "30-minute timeouts",
        async () => {
            const { urn, rcgUrn, policyUrn, children, component } = await build("aml-order", BASE);
            assert.strictEqual(policyUrn, `urn:pulumi:dev::azureml-firewall::${COMPONENT}$${POLICY}::aml-order-policy`);
            assert.strictEqual(rcgUrn, `urn:pulumi:dev::azureml-firewall::${COMPONENT}$${RCG}::aml-order-rcg`);
            assert.deepStrictEqual(
                children.map((c) => [c.type, c.name]),
                [
                    [POLICY, "aml-order-policy"],
                    [RCG, "aml-order-rcg"],
                ],
            );
            for (const child of children) {
                assert.strictEqual(await child.parentUrn, urn);
                assert.deepStrictEqual(child.customTimeouts, { create: "30m", update: "30m", delete: "30m" });
            }
            assert.deepStrictEqual(children[0].dependsOn, undefined);
            assert.deepStrictEqual(await unwrap(children[1].dependsOn as pulumi.Output<unknown>), [component.policy]);
        },
    );

    for (const [cloud, region, host] of [
        ["AzurePublic", "westeurope", "login.microsoftonline.com"],
        ["AzureUSGovernment", "usgovvirginia", "login.microsoftonline.us"],
        ["AzureChinaCloud", "chinaeast2", "login.chinacloudapi.cn"],
    ] as [Cloud, string, string][]) {
        it(`plans the ${cloud} catalog with every scenario the cloud offers`, async () => {
            const scenarios = scenariosOffered(cloud);
            const args = { ...BASE, cloud, region, scenarios };
            await build(`aml-${cloud.toLowerCase()}`, args);
            const rcg = byType(RCG)[0].inputs;
            assert.deepStrictEqual(
                rcg.ruleCollections,
                toNativeCollections(planPolicy("x", { ...args, attach: false } as never).plan.ruleCollections),
            );
            const text = JSON.stringify(rcg.ruleCollections);
            assert.ok(text.includes(`"${host}"`), `${cloud} rules lack ${host}`);
            assert.ok(text.includes(`"amlstore.file.core.`), "storage file share");
            assert.strictEqual(text.includes("AzureFrontDoor.Frontend"), cloud !== "AzureChinaCloud");
            assert.deepStrictEqual(byType(POLICY)[0].inputs.location, region);
        });
    }

    it("takes the cloud from azure-native:environment when not given", async () => {
        pulumi.runtime.setConfig("azure-native:environment", "usgovernment");
        try {
            await build("aml-envcloud", { ...BASE, region: "usgovarizona" });
            assert.ok(JSON.stringify(byType(RCG)[0].inputs.ruleCollections).includes("login.microsoftonline.us"));
        } finally {
            pulumi.runtime.setConfig("azure-native:environment", "public");
        }
    });

    it("attaches to a policy with DNS proxy: no policy, the group on that policy, network FQDN rules", async () => {
        const { outputs, children } = await build("aml-attach", {
            ...BASE,
            existingFirewallPolicyName: "hub-policy",
            existingPolicyDnsProxyEnabled: true,
        });
        assert.deepStrictEqual(
            mine("aml-attach").map((r) => r.type),
            [COMPONENT, RCG],
        );
        const rcg = byType(RCG)[0].inputs;
        assert.strictEqual(rcg.firewallPolicyName, "hub-policy");
        assert.deepStrictEqual(
            rcg.ruleCollections[0].rules.find((r: any) => r.name === "fqdns-tcp-445").destinationFqdns,
            ["amlstore.file.core.windows.net"],
        );
        assert.deepStrictEqual(
            children.map((c) => c.type),
            [RCG],
        );
        assert.deepStrictEqual(await unwrap(children[0].dependsOn as pulumi.Output<unknown>), []);
        assert.strictEqual(
            outputs.firewallPolicyId,
            `${RG_ID}/providers/Microsoft.Network/firewallPolicies/hub-policy`,
        );
        assert.strictEqual(outputs.firewallPolicyName, "hub-policy");
    });

    it("attaches to a policy without DNS proxy: no network FQDN rules, tags instead, and says so", async () => {
        const { outputs } = await build("aml-nodns", {
            ...BASE,
            existingFirewallPolicyName: "hub-policy",
            existingPolicyDnsProxyEnabled: false,
        });
        const rules = byType(RCG)[0].inputs.ruleCollections.flatMap((c: any) => c.rules);
        assert.deepStrictEqual(
            rules.filter((r: any) => r.ruleType === "NetworkRule" && r.destinationFqdns.length),
            [],
        );
        const storageRule = byType(RCG)[0].inputs.ruleCollections[0].rules.find(
            (r: any) => r.name === "tags-tcp-443-445",
        );
        assert.deepStrictEqual(storageRule, {
            ruleType: "NetworkRule",
            name: "tags-tcp-443-445",
            ipProtocols: ["TCP"],
            sourceAddresses: ["10.0.1.0/24"],
            destinationAddresses: ["Storage.WestEurope"],
            destinationPorts: ["443", "445"],
            // What Azure returns for the fields not given, written so that a refresh finds no change.
            sourceIpGroups: [],
            destinationIpGroups: [],
            destinationFqdns: [],
        });
        assert.strictEqual(
            outputs.notes[0],
            "The existing policy has no DNS proxy: non-HTTP hosts are allowed through the service tags that carry " +
                "them, not by name.",
        );
        assert.ok(
            outputs.notes.some((n) =>
                n.startsWith(
                    "amlstore.file.core.windows.net TCP 445: network rule aml-network/tags-tcp-443-445, TCP 445: " +
                        "the policy has no DNS proxy",
                ),
            ),
        );
    });

    it("serves several workspaces from one group: shared hosts once, each workspace's storage separately", async () => {
        await build("aml-multi", {
            region: "westeurope",
            resourceGroupName: "rg-net",
            sourceAddresses: ["10.0.1.0/24", "10.0.2.0/24"],
            workspaces: [
                { name: "mlw-a", storageAccountName: "storea" },
                { name: "mlw-b", storageAccountName: "storeb", region: "northeurope", scenarios: ["python"] },
            ],
        });
        assert.strictEqual(byType(RCG).length, 1);
        const collections = byType(RCG)[0].inputs.ruleCollections;
        const https = collections[1].rules.find((r: any) => r.name === "https-443");
        for (const host of ["storea.blob.core.windows.net", "storeb.blob.core.windows.net", "pypi.org"]) {
            assert.ok(https.targetFqdns.includes(host), host);
        }
        assert.strictEqual(https.targetFqdns.filter((h: string) => h === "*.azureml.ms").length, 1);
        assert.deepStrictEqual(collections[0].rules.find((r: any) => r.name === "fqdns-tcp-445").destinationFqdns, [
            "storea.file.core.windows.net",
            "storeb.file.core.windows.net",
        ]);
        assert.deepStrictEqual(https.sourceAddresses, ["10.0.1.0/24", "10.0.2.0/24"]);
    });

    it("passes create-mode options to the policy", async () => {
        await build("aml-opts", {
            ...BASE,
            firewallPolicyName: "fwp-aml",
            skuTier: "Premium",
            location: "northeurope",
            basePolicyId:
                "/subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/rg" +
                "/providers/microsoft.network/firewallPolicies/base",
            tags: { CostCenter: "AML", owner: "platform" },
            threatIntelMode: "Deny",
            priority: 300,
            ruleCollectionGroupName: "aml-egress",
        });
        assert.deepStrictEqual(byType(POLICY)[0].inputs, {
            resourceGroupName: "rg-net",
            firewallPolicyName: "fwp-aml",
            location: "northeurope",
            sku: { tier: "Premium" },
            dnsSettings: { enableProxy: true },
            // The parent's ID in the REST spec's casing, whatever casing it was given in.
            basePolicy: {
                id:
                    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg" +
                    "/providers/Microsoft.Network/firewallPolicies/base",
            },
            threatIntelMode: "Deny",
            // Keys lower-cased, as Azure stores a firewall policy's tag keys.
            tags: { costcenter: "AML", owner: "platform" },
        });
        const rcg = byType(RCG)[0].inputs;
        assert.deepStrictEqual(
            [rcg.firewallPolicyName, rcg.ruleCollectionGroupName, rcg.priority],
            ["fwp-aml", "aml-egress", 300],
        );
    });

    it("accepts Outputs as arguments and validates them when they resolve", async () => {
        const { outputs } = await build("aml-outputs", {
            ...BASE,
            storageAccountName: pulumi.output("amlstore"),
            sourceAddresses: pulumi.output(["10.0.1.0/24"]),
        });
        assert.strictEqual(outputs.ruleCount > 0, true);
        const bad = new AmlFirewallPolicy("aml-bad-output", {
            ...BASE,
            storageAccountName: pulumi.output("Bad_Store"),
        });
        await assert.rejects(
            unwrap(bad.ruleCount),
            /AmlFirewallPolicy aml-bad-output: storageAccountName: "Bad_Store" is not valid; a storage account name is 3-24 lower-case letters and digits\./,
        );
    });

    it("reports a bad Output-valued argument once, with the component's own message", async () => {
        const message =
            'AmlFirewallPolicy aml-bad-late: storageAccountName: "Bad-Name" is not valid; a storage account name ' +
            "is 3-24 lower-case letters and digits.";
        const reasons: unknown[] = [];
        const listeners = process.listeners("unhandledRejection");
        process.removeAllListeners("unhandledRejection");
        process.on("unhandledRejection", (reason) => reasons.push(reason));
        try {
            const bad = new AmlFirewallPolicy("aml-bad-late", {
                ...BASE,
                storageAccountName: pulumi.output("Bad-Name"),
            });
            await assert.rejects(unwrap(bad.ruleCount));
            // Let the children's registrations fail as they do under the engine.
            await new Promise((resolve) => setTimeout(resolve, 200));
        } finally {
            process.removeAllListeners("unhandledRejection");
            listeners.forEach((l) => process.on("unhandledRejection", l));
        }
        // The Pulumi host reports each error object once: here that is one error, the component's, with its message
        // intact.
        assert.ok(reasons.length > 0);
        const distinct = [...new Set(reasons)];
        assert.strictEqual(distinct.length, 1);
        const error = distinct[0] as pulumi.ResourceError;
        assert.ok(pulumi.ResourceError.isInstance(error));
        assert.strictEqual(error.message, message);
        assert.strictEqual(error.hideStack, true);
    });

    describe("bad input fails at construction with a ResourceError naming argument, value and what is valid", () => {
        // Untyped values (what JavaScript, YAML or another language can send): typed code cannot compile them.
        const cases: [string, Record<string, unknown>, RegExp][] = [
            [
                "unknown cloud",
                { cloud: "germany" },
                /cloud: "germany" is not valid; use AzurePublic, AzureUSGovernment or AzureChinaCloud/,
            ],
            [
                "bad storage name",
                { storageAccountName: "Bad-Name" },
                /storageAccountName: "Bad-Name" is not valid; a storage account name is 3-24 lower-case letters and digits\./,
            ],
            ["unknown region", { region: "moon" }, /region: "moon" is not valid; AzurePublic regions are: /],
            [
                "malformed region",
                { region: "West Europe" },
                /region: "West Europe" is not valid; a region is its ARM name/,
            ],
            [
                "no sources",
                { sourceAddresses: [] },
                /sourceAddresses: \[\] is not valid; give the workload's source CIDRs/,
            ],
            [
                "'*' source",
                { sourceAddresses: ["*"] },
                /sourceAddresses\[0\]: "\*" is not valid; .*set allowAnySource to accept it\./,
            ],
            [
                "0.0.0.0/0 source",
                { sourceAddresses: ["0.0.0.0/0"] },
                /sourceAddresses\[0\]: "0\.0\.0\.0\/0" is not valid/,
            ],
            [
                "IPv6 source",
                { sourceAddresses: ["2001:db8::/64"] },
                /sourceAddresses\[0\]: "2001:db8::\/64" is not valid; Azure Firewall does not support IPv6 \(azure-docs articles\/firewall\/firewall-known-issues\.md\)/,
            ],
            [
                "malformed CIDR",
                { sourceAddresses: ["10.0.1.0/24", "10.0.300.0/24"] },
                /sourceAddresses\[1\]: "10\.0\.300\.0\/24" is not valid; an IPv4 address, CIDR/,
            ],
            [
                "priority too low",
                { priority: 99 },
                /priority: 99 is not valid; a rule collection group priority is a whole number from 100 to 65000\./,
            ],
            ["priority too high", { priority: 65001 }, /priority: 65001 is not valid/],
            ["fractional priority", { priority: 150.5 }, /priority: 150\.5 is not valid/],
            [
                "unknown scenario",
                { scenarios: ["spark"] },
                /scenarios\[0\]: "spark" is not valid; scenarios are: automl, hbi/,
            ],
            [
                "Cluster Connect without DNS proxy",
                {
                    scenarios: ["arc-cluster-connect"],
                    existingFirewallPolicyName: "hub",
                    existingPolicyDnsProxyEnabled: false,
                },
                /requirements: \["westeurope\.obo\.arc\.azure\.com"\] is not valid; no Azure Firewall rule can express these: westeurope\.obo\.arc\.azure\.com \(the policy has no DNS proxy, so network rules cannot use FQDNs, and no service tag is known to carry westeurope\.obo\.arc\.azure\.com\)\./,
            ],
            [
                "scenario the cloud lacks",
                { cloud: "china", region: "chinanorth3", scenarios: ["automl"] },
                /scenarios\[0\]: "automl" is not valid; AutoML NLP and vision are supported in Azure public regions only.*; available in AzureChinaCloud: /,
            ],
            [
                "empty workspace name",
                { workspaceName: "" },
                /workspaceName: "" is not valid; a workspace name is 3-33 characters/,
            ],
            ["invalid workspace name", { workspaceName: "ml ws" }, /workspaceName: "ml ws" is not valid/],
            [
                "duplicate workspace",
                {
                    workspaceName: undefined,
                    storageAccountName: undefined,
                    workspaces: [
                        { name: "a-ws", storageAccountName: "sta" },
                        { name: "A-WS", storageAccountName: "stb" },
                    ],
                },
                /workspaces\[1\]\.name: "A-WS" is not valid; each workspace may appear once/,
            ],
            [
                "both workspace forms",
                { workspaces: [{ name: "a-ws", storageAccountName: "sta" }] },
                /workspaces: .* is not valid; give either workspaceName with storageAccountName, or workspaces, not both\./,
            ],
            [
                "no workspace",
                { workspaceName: undefined, storageAccountName: undefined },
                /workspaceName: \(missing\) is not valid; give workspaceName and storageAccountName, or a list of workspaces\./,
            ],
            [
                "Basic SKU",
                { skuTier: "Basic" },
                /skuTier: "Basic" is not valid; Basic policies have no DNS proxy, which the network FQDN rules for amlstore\.file\.core\.windows\.net, westeurope\.tundra\.azureml\.ms need; use Standard or Premium\./,
            ],
            ["unknown SKU", { skuTier: "Gold" }, /skuTier: "Gold" is not valid; use Standard, Premium or Basic\./],
            [
                "attach without DNS proxy answer",
                { existingFirewallPolicyName: "hub" },
                /existingPolicyDnsProxyEnabled: \(missing\) is not valid; when attaching to an existing policy, say whether its DNS proxy is on/,
            ],
            [
                "attach with create-only options",
                { existingFirewallPolicyName: "hub", existingPolicyDnsProxyEnabled: true, skuTier: "Premium" },
                /skuTier: "Premium" is not valid; skuTier only apply when the component creates the policy/,
            ],
            [
                "DNS proxy answer in create mode",
                { existingPolicyDnsProxyEnabled: true },
                /existingPolicyDnsProxyEnabled: true is not valid; only applies with existingFirewallPolicyName/,
            ],
            [
                "bad group name",
                { ruleCollectionGroupName: "aml-" },
                /ruleCollectionGroupName: "aml-" is not valid; 2-80 letters, digits, '_', '\.' or '-', starting with a letter or digit and ending with a letter, digit or '_' \(Azure's rule, and azurerm's/,
            ],
            [
                "missing resource group",
                { resourceGroupName: undefined },
                /resourceGroupName: \(missing\) is not valid; this argument is required\./,
            ],
        ];
        for (const [title, change, message] of cases) {
            it(`rejects ${title}`, () => {
                assert.throws(
                    () =>
                        new AmlFirewallPolicy(`bad-${title.replace(/\W+/g, "-")}`, {
                            ...BASE,
                            ...change,
                        } as AmlFirewallPolicyArgs),
                    (error: unknown) => {
                        assert.ok(error instanceof pulumi.ResourceError, `expected ResourceError, got ${error}`);
                        assert.match(
                            (error as Error).message,
                            new RegExp(`^AmlFirewallPolicy bad-[\\w-]+: ${message.source}`),
                        );
                        return true;
                    },
                );
            });
        }

        it("accepts '*' only with the explicit opt-in", async () => {
            await build("aml-any", { ...BASE, sourceAddresses: ["*"], allowAnySource: true });
            assert.deepStrictEqual(byType(RCG)[0].inputs.ruleCollections[0].rules[0].sourceAddresses, ["*"]);
        });
    });
});
