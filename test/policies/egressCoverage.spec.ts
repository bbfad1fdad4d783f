import * as assert from "assert";
import type { StackValidationPolicy } from "@pulumi/policy";
import { policies, egressCoverage } from "../../policy/policies";
import { PackConfig, StackResourceSpec, makeStack, runPack, runStackPolicy } from "../../cli/offline/policyRunner";
import { planPolicy } from "../../components/policyPlan";

const NATIVE_RCG = "azure-native:network:FirewallPolicyRuleCollectionGroup";
const CLASSIC_RCG = "azure:network/firewallPolicyRuleCollectionGroup:FirewallPolicyRuleCollectionGroup";
const CLASSIC_POLICY = "azure:network/firewallPolicy:FirewallPolicy";
const CLASSIC_NET_COLLECTION = "azure:network/firewallNetworkRuleCollection:FirewallNetworkRuleCollection";
const CLASSIC_APP_COLLECTION = "azure:network/firewallApplicationRuleCollection:FirewallApplicationRuleCollection";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The dev workspace's planned rules (a created policy), as the component plans them. */
function devPlan() {
    return planPolicy("x", {
        region: "westeurope",
        workspaceName: "mlw-dev",
        storageAccountName: "devstore",
        attach: false,
        sourceAddresses: ["10.0.1.0/24"],
    });
}

function summary(runs: Awaited<ReturnType<typeof runPack>>): string[] {
    return runs.flatMap((r) => [...r.violations.map((v) => `${r.policy}: ${v.message}`), ...r.cannotRun]);
}

describe("policy azureml-egress-coverage", () => {
    describe("classic provider stack built by hand", () => {
        const plan = planPolicy("classic", {
            region: "westeurope",
            workspaceName: "mlw",
            storageAccountName: "amlstore",
            sourceAddresses: ["10.0.1.0/24"],
            attach: false,
        });
        function toClassic(collections: typeof plan.plan.ruleCollections, drop: string[]) {
            const network = collections.find((c) => c.name === "aml-network")!;
            const application = collections.find((c) => c.name === "aml-application")!;
            return {
                networkRuleCollections: [
                    {
                        name: network.name,
                        priority: network.priority,
                        action: "Allow",
                        rules: network.rules
                            .filter((r) => !drop.includes(r.name))
                            .map((r: any) => ({
                                name: r.name,
                                protocols: r.ipProtocols,
                                sourceAddresses: r.sourceAddresses,
                                ...(r.destinationAddresses ? { destinationAddresses: r.destinationAddresses } : {}),
                                ...(r.destinationFqdns ? { destinationFqdns: r.destinationFqdns } : {}),
                                destinationPorts: r.destinationPorts,
                            })),
                    },
                ],
                applicationRuleCollections: [
                    {
                        name: application.name,
                        priority: application.priority,
                        action: "Allow",
                        rules: application.rules.map((r: any) => ({
                            name: r.name,
                            protocols: r.protocols.map((p: any) => ({ type: p.protocolType, port: p.port })),
                            sourceAddresses: r.sourceAddresses,
                            destinationFqdns: r.targetFqdns,
                        })),
                    },
                ],
            };
        }
        const policyUrn = "urn:pulumi:prod::net::azure:network/firewallPolicy:FirewallPolicy::hub";
        const rcgUrn = `urn:pulumi:prod::net::${CLASSIC_RCG}::aml`;
        const policyId = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/firewallPolicies/hub";
        function stack(drop: string[]): StackResourceSpec[] {
            return [
                {
                    type: "pulumi:pulumi:Stack",
                    name: "net-prod",
                    urn: "urn:pulumi:prod::net::pulumi:pulumi:Stack::net-prod",
                    props: {},
                },
                {
                    type: CLASSIC_POLICY,
                    name: "hub",
                    urn: policyUrn,
                    props: { name: "hub", sku: "Standard", dns: { proxyEnabled: true }, id: policyId },
                    parent: "urn:pulumi:prod::net::pulumi:pulumi:Stack::net-prod",
                },
                {
                    type: CLASSIC_RCG,
                    name: "aml",
                    urn: rcgUrn,
                    props: {
                        name: "aml",
                        priority: 1000,
                        firewallPolicyId: policyId,
                        ...toClassic(plan.plan.ruleCollections, drop),
                    },
                    parent: "urn:pulumi:prod::net::pulumi:pulumi:Stack::net-prod",
                    dependencies: [policyUrn],
                    propertyDependencies: { firewallPolicyId: [policyUrn] },
                },
            ];
        }
        const config: PackConfig = {
            "azureml-egress-coverage": {
                workspaces: [{ name: "mlw", storageAccountName: "amlstore", region: "westeurope" }],
                sourceAddresses: ["10.0.1.0/24"],
            },
        };

        it("passes when complete", async () => {
            const runs = await runPack(policies, stack([]), config);
            assert.deepStrictEqual(summary(runs), []);
            assert.deepStrictEqual(runs[0].notApplicable, []);
        });

        it("missing the storage SMB 445 and tundra UDP 5831 rules gets exactly those violations", async () => {
            // The doc's Storage tag also allows 445, and the AzureMachineLearning tag UDP 5831: drop those tag rules
            // too,
            // so that only the host rows are left to fail.
            const runs = await runPack(
                policies,
                stack(["fqdns-tcp-445", "fqdns-udp-5831", "tags-tcp-443-445", "tags-udp-5831"]),
                config,
            );
            assert.deepStrictEqual(summary(runs), [
                [
                    "azureml-egress-coverage: Firewall policy hub does not allow 6 of 44 checks Azure ML needs:",
                    "  missing *.tundra.westeurope.api.azureml.ms UDP 5831",
                    "  missing amlstore.file.core.windows.net TCP 445",
                    "  missing AzureMachineLearning UDP 5831",
                    "  missing Storage.WestEurope TCP 443",
                    "  missing Storage.WestEurope TCP 445",
                    "  missing westeurope.tundra.azureml.ms UDP 5831",
                ].join("\n"),
            ]);
            assert.strictEqual(runs[0].violations[0].urn, policyUrn);
        });

        it("least-privilege rules without SMB 445 and UDP 5831 get exactly those violations", async () => {
            const least = planPolicy("classic", {
                region: "westeurope",
                workspaceName: "mlw",
                storageAccountName: "amlstore",
                sourceAddresses: ["10.0.1.0/24"],
                attach: false,
                configuration: "leastPrivilege",
            });
            const specs = stack([]);
            const leastConfig: PackConfig = {
                "azureml-egress-coverage": {
                    ...(config["azureml-egress-coverage"] as object),
                    configuration: "leastPrivilege",
                },
            };
            Object.assign(specs[2].props, toClassic(least.plan.ruleCollections, []));
            assert.deepStrictEqual(summary(await runPack(policies, specs, leastConfig)), []);
            Object.assign(
                specs[2].props,
                toClassic(least.plan.ruleCollections, ["fqdns-tcp-445", "fqdns-udp-5831", "tags-udp-5831"]),
            );
            assert.deepStrictEqual(summary(await runPack(policies, specs, leastConfig)), [
                [
                    "azureml-egress-coverage: Firewall policy hub does not allow 4 of 34 checks Azure ML needs:",
                    "  missing *.tundra.westeurope.api.azureml.ms UDP 5831",
                    "  missing amlstore.file.core.windows.net TCP 445",
                    "  missing AzureMachineLearning UDP 5831",
                    "  missing westeurope.tundra.azureml.ms UDP 5831",
                ].join("\n"),
            ]);
        });
    });

    describe("coverage policy: which policies, which requirements", () => {
        const stackUrn = "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev";
        const nativePolicy = (name: string, props: Record<string, unknown> = {}): StackResourceSpec => ({
            type: "azure-native:network:FirewallPolicy",
            name,
            urn: `urn:pulumi:dev::p::azure-native:network:FirewallPolicy::${name}`,
            props: {
                firewallPolicyName: name,
                sku: { tier: "Standard" },
                dnsSettings: { enableProxy: true },
                ...props,
            },
            parent: stackUrn,
        });
        const nativeRcg = (name: string, policy: string, ruleCollections: unknown[]): StackResourceSpec => {
            const policyUrn = `urn:pulumi:dev::p::azure-native:network:FirewallPolicy::${policy}`;
            return {
                type: NATIVE_RCG,
                name,
                urn: `urn:pulumi:dev::p::${NATIVE_RCG}::${name}`,
                props: { ruleCollectionGroupName: name, priority: 500, firewallPolicyName: policy, ruleCollections },
                parent: stackUrn,
                dependencies: [policyUrn],
                propertyDependencies: { firewallPolicyName: [policyUrn] },
            };
        };
        const workspace: StackResourceSpec = {
            type: "azure-native:machinelearningservices:Workspace",
            name: "ws",
            urn: "urn:pulumi:dev::p::azure-native:machinelearningservices:Workspace::ws",
            props: {
                workspaceName: "mlw-dev",
                location: "westeurope",
                storageAccount:
                    "/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/devstore",
            },
            parent: stackUrn,
        };
        const root: StackResourceSpec = { type: "pulumi:pulumi:Stack", name: "p-dev", urn: stackUrn, props: {} };
        const empty = [
            {
                ruleCollectionType: "FirewallPolicyFilterRuleCollection",
                name: "c",
                priority: 100,
                action: { type: "Allow" },
                rules: [],
            },
        ];

        it("is not applicable to a stack with no Azure ML", async () => {
            const run = await runStackPolicy(
                egressCoverage as StackValidationPolicy,
                makeStack([root, nativePolicy("fw"), nativeRcg("other", "fw", empty)]),
            );
            assert.deepStrictEqual(
                [run.violations, run.notApplicable],
                [[], ["No firewall policy in this stack serves Azure Machine Learning."]],
            );
        });

        it("checks every policy of a stack with a workspace, region and storage read from the workspace", async () => {
            const run = await runStackPolicy(
                egressCoverage as StackValidationPolicy,
                makeStack([root, workspace, nativePolicy("fw"), nativeRcg("other", "fw", empty)]),
            );
            assert.strictEqual(run.violations.length, 1);
            assert.match(
                run.violations[0].message,
                /^Firewall policy fw does not allow (\d+) of \1 checks Azure ML needs:/,
            );
            assert.match(run.violations[0].message, /\n  missing devstore\.file\.core\.windows\.net TCP 445\n/);
            assert.match(run.violations[0].message, /\n  missing BatchNodeManagement\.WestEurope TCP 443\n/);
        });

        it("honours exemptions and the policies to check, and flags a configured policy the stack lacks", async () => {
            const stack = makeStack([root, workspace, nativePolicy("fw"), nativeRcg("other", "fw", empty)]);
            const exempt = await runStackPolicy(egressCoverage as StackValidationPolicy, stack, {
                "azureml-egress-coverage": { exemptFirewallPolicies: ["FW"] },
            });
            assert.deepStrictEqual(exempt.violations, []);
            const named = await runStackPolicy(egressCoverage as StackValidationPolicy, stack, {
                "azureml-egress-coverage": { firewallPolicies: ["hub"] },
            });
            assert.deepStrictEqual(
                named.violations.map((v) => v.message),
                ["Firewall policy hub is named in the azureml-egress-coverage config but is not in this stack."],
            );
        });

        it("includes the base policy's groups when the base is in the stack", async () => {
            const plan = devPlan();
            const baseUrn = "urn:pulumi:dev::p::azure-native:network:FirewallPolicy::base";
            const child = nativePolicy("child", {
                basePolicy: {
                    id: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/firewallPolicies/base",
                },
            });
            child.propertyDependencies = { basePolicy: [baseUrn] };
            const specs = [
                root,
                workspace,
                nativePolicy("base"),
                child,
                nativeRcg("base-rules", "base", plan.plan.ruleCollections),
                nativeRcg("child-rules", "child", empty),
            ];
            const run = await runStackPolicy(egressCoverage as StackValidationPolicy, makeStack(specs), {
                "azureml-egress-coverage": { firewallPolicies: ["child"] },
            });
            assert.deepStrictEqual(run.violations, []);
            const withoutBase = await runStackPolicy(
                egressCoverage as StackValidationPolicy,
                makeStack(specs.filter((s) => s.name !== "base-rules")),
                { "azureml-egress-coverage": { firewallPolicies: ["child"] } },
            );
            assert.strictEqual(withoutBase.violations.length, 1);
        });

        it("checks firewalls with their own (legacy) rule collections, native and classic", async () => {
            const plan = devPlan();
            const classicCollections = (await import("../../components/firewall/classic")).toClassicCollections(
                plan.plan.ruleCollections,
            );
            // Native firewall: collections in AzureFirewall props (protocols in the legacy shape), DNS proxy via
            // additionalProperties.
            const native: StackResourceSpec = {
                type: "azure-native:network:AzureFirewall",
                name: "fw-legacy",
                urn: "urn:pulumi:dev::p::azure-native:network:AzureFirewall::fw-legacy",
                parent: stackUrn,
                props: {
                    additionalProperties: { "Network.DNS.EnableProxy": "true" },
                    sku: { name: "AZFW_VNet", tier: "Standard" },
                    networkRuleCollections: classicCollections.networkRuleCollections.map((c) => ({
                        ...c,
                        action: { type: c.action },
                    })),
                    applicationRuleCollections: classicCollections.applicationRuleCollections.map((c) => ({
                        ...c,
                        action: { type: c.action },
                        rules: c.rules.map((r) => ({
                            name: r.name,
                            protocols: r.protocols.map((p) => ({ protocolType: p.type, port: p.port })),
                            sourceAddresses: r.sourceAddresses,
                            targetFqdns: r.destinationFqdns,
                        })),
                    })),
                },
            };
            assert.deepStrictEqual(
                (await runStackPolicy(egressCoverage as StackValidationPolicy, makeStack([root, workspace, native])))
                    .violations,
                [],
            );
            const broken = JSON.parse(JSON.stringify(native));
            broken.props.networkRuleCollections[0].rules = broken.props.networkRuleCollections[0].rules.filter(
                (r: any) => !r.name.includes("445"),
            );
            const run = await runStackPolicy(
                egressCoverage as StackValidationPolicy,
                makeStack([root, workspace, broken]),
            );
            assert.deepStrictEqual(
                run.violations.map((v) => v.message),
                [
                    [
                        "Firewall fw-legacy (its own rule collections) does not allow 3 of 44 checks Azure ML needs:",
                        "  missing devstore.file.core.windows.net TCP 445",
                        "  missing Storage.WestEurope TCP 443",
                        "  missing Storage.WestEurope TCP 445",
                    ].join("\n"),
                ],
            );
            // Classic: a Firewall resource and FirewallNetworkRuleCollection / FirewallApplicationRuleCollection
            // resources naming it.
            const fwUrn = "urn:pulumi:dev::p::azure:network/firewall:Firewall::fw";
            const classic: StackResourceSpec[] = [
                {
                    type: "azure:network/firewall:Firewall",
                    name: "fw",
                    urn: fwUrn,
                    parent: stackUrn,
                    props: { name: "fw-classic", dnsProxyEnabled: false, skuTier: "Standard" },
                },
                ...classicCollections.networkRuleCollections.map((c, i): StackResourceSpec => ({
                    type: "azure:network/firewallNetworkRuleCollection:FirewallNetworkRuleCollection",
                    name: `net-${i}`,
                    urn: `urn:pulumi:dev::p::${CLASSIC_NET_COLLECTION}::net-${i}`,
                    parent: stackUrn,
                    propertyDependencies: { azureFirewallName: [fwUrn] },
                    props: { ...c, azureFirewallName: "fw-classic" },
                })),
                ...classicCollections.applicationRuleCollections.map((c, i): StackResourceSpec => ({
                    type: "azure:network/firewallApplicationRuleCollection:FirewallApplicationRuleCollection",
                    name: `app-${i}`,
                    urn: `urn:pulumi:dev::p::${CLASSIC_APP_COLLECTION}::app-${i}`,
                    parent: stackUrn,
                    propertyDependencies: { azureFirewallName: [fwUrn] },
                    props: {
                        ...c,
                        azureFirewallName: "fw-classic",
                        rules: c.rules.map((r) => ({
                            name: r.name,
                            protocols: r.protocols,
                            sourceAddresses: r.sourceAddresses,
                            targetFqdns: r.destinationFqdns,
                        })),
                    },
                })),
            ];
            const classicRun = await runStackPolicy(
                egressCoverage as StackValidationPolicy,
                makeStack([root, workspace, ...classic]),
            );
            // The classic firewall has DNS proxy off, so the network FQDN rules for SMB and tundra match nothing; the
            // tag rules still carry them.
            assert.deepStrictEqual(classicRun.violations, []);
            const noTags = classic.map((c) => JSON.parse(JSON.stringify(c)));
            noTags[1].props.rules = noTags[1].props.rules.filter((r: any) => !r.name.startsWith("tags-tcp-443-445"));
            const noTagsRun = await runStackPolicy(
                egressCoverage as StackValidationPolicy,
                makeStack([root, workspace, ...noTags]),
            );
            assert.match(
                noTagsRun.violations[0].message,
                /^Firewall fw \(its own rule collections\) does not allow 3 of 44 checks Azure ML needs:\n  missing devstore\.file\.core\.windows\.net TCP 445\n  missing Storage\.WestEurope TCP 443\n  missing Storage\.WestEurope TCP 445\nProblems:\n/,
            );
            assert.match(
                noTagsRun.violations[0].message,
                /Problems:\n  - Rule fw\/aml-network\/fqdns-tcp-445 uses FQDNs in a network rule, but DNS proxy is off on the policy; those FQDNs match nothing\./,
            );
        });

        it("gives the 'cannot run during preview' outcome when rules are unknown, never a pass", async () => {
            const unknownRules = [
                {
                    ruleCollectionType: "FirewallPolicyFilterRuleCollection",
                    name: "c",
                    priority: 100,
                    action: { type: "Allow" },
                    rules: [
                        {
                            ruleType: "ApplicationRule",
                            name: "a",
                            protocols: [{ protocolType: "Https", port: 443 }],
                            sourceIpGroups: [UNKNOWN],
                            targetFqdns: ["ml.azure.com"],
                        },
                    ],
                },
            ];
            const run = await runStackPolicy(
                egressCoverage as StackValidationPolicy,
                makeStack([root, workspace, nativePolicy("fw"), nativeRcg("r", "fw", unknownRules)]),
            );
            assert.deepStrictEqual(run.violations, []);
            assert.strictEqual(run.cannotRun.length, 1);
            assert.match(run.cannotRun[0], /^can't run policy 'azureml-egress-coverage' during preview: /);
        });

        it("reports input it cannot evaluate as a violation naming the problem", async () => {
            const run = await runStackPolicy(
                egressCoverage as StackValidationPolicy,
                makeStack([
                    root,
                    workspace,
                    nativePolicy("fw"),
                    nativeRcg("r", "fw", [
                        {
                            ruleCollectionType: "FirewallPolicyFilterRuleCollection",
                            name: "c",
                            action: { type: "Allow" },
                            rules: [],
                        },
                    ]),
                ]),
            );
            assert.deepStrictEqual(
                run.violations.map((v) => v.message),
                [
                    "Firewall policy fw cannot be evaluated: ruleCollection r/c.priority: (missing) is not valid; " +
                        "a priority is a whole number from 100 to 65000.",
                ],
            );
        });

        it("uses the configured enforcement level", async () => {
            const run = await runStackPolicy(
                egressCoverage as StackValidationPolicy,
                makeStack([root, workspace, nativePolicy("fw"), nativeRcg("r", "fw", empty)]),
                { "azureml-egress-coverage": "advisory" },
            );
            assert.strictEqual(run.violations[0].enforcementLevel, "advisory");
            const off = await runStackPolicy(
                egressCoverage as StackValidationPolicy,
                makeStack([root, workspace, nativePolicy("fw"), nativeRcg("r", "fw", empty)]),
                { all: "disabled" },
            );
            assert.deepStrictEqual(off.violations, []);
        });
    });
});
