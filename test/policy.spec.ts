import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    PACK_NAME,
    policies,
    egressCoverage,
    networkFqdnDnsProxy,
    networkFqdnWildcard,
    noBroadAllow,
    noEmptyRules,
    priorityRange,
} from "../policy/policies";
import {
    PackConfig,
    StackResourceSpec,
    makeStack,
    runPack,
    runResourcePolicy,
    runStackPolicy,
} from "../cli/offline/policyRunner";
import { captureProgram } from "./helpers/mocks";
import type { AmlFirewallPolicyArgs } from "../components/amlFirewallPolicy";
import { SCENARIO_NAMES, scenariosOffered } from "../components/requirements";
import { planPolicy } from "../components/policyPlan";
import { parseCloud } from "../components/clouds";
import type { Cloud } from "../components/catalog/types";

const NATIVE_RCG = "azure-native:network:FirewallPolicyRuleCollectionGroup";
const CLASSIC_RCG = "azure:network/firewallPolicyRuleCollectionGroup:FirewallPolicyRuleCollectionGroup";
const CLASSIC_POLICY = "azure:network/firewallPolicy:FirewallPolicy";
const CLASSIC_NET_COLLECTION = "azure:network/firewallNetworkRuleCollection:FirewallNetworkRuleCollection";
const CLASSIC_APP_COLLECTION = "azure:network/firewallApplicationRuleCollection:FirewallApplicationRuleCollection";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

async function captureComponent(stack: string, args: AmlFirewallPolicyArgs) {
    const { AmlFirewallPolicy } = await import("../components/amlFirewallPolicy");
    const { resources } = await captureProgram(stack, () => {
        const c = new AmlFirewallPolicy(`aml-${stack}`, args);
        return { id: c.ruleCollectionGroupId, requirements: c.requirements };
    });
    return resources;
}

function summary(runs: Awaited<ReturnType<typeof runPack>>): string[] {
    return runs.flatMap((r) => [...r.violations.map((v) => `${r.policy}: ${v.message}`), ...r.cannotRun]);
}

describe("policy pack", () => {
    describe("metadata", () => {
        const ajv = new Ajv({ strict: false });

        it("has a valid pack name and valid, unique policy names, none named 'all'", () => {
            assert.match(PACK_NAME, /^[a-zA-Z0-9-_.]{1,100}$/);
            const names = policies.map((p) => p.name);
            assert.deepStrictEqual([...new Set(names)], names);
            for (const name of names) {
                assert.match(name, /^[a-z0-9][a-z0-9-]{0,99}$/);
                assert.notStrictEqual(name, "all");
            }
        });

        it("describes every policy in full sentences", () => {
            for (const policy of policies) {
                assert.match(policy.description, /^[A-Z].{20,}\.$/, policy.name);
            }
        });

        it("makes coverage mandatory and hygiene advisory by default", () => {
            assert.deepStrictEqual(
                policies.map((p) => [p.name, p.enforcementLevel]),
                [
                    ["azureml-egress-coverage", "mandatory"],
                    ["azureml-network-fqdn-needs-dns-proxy", "advisory"],
                    ["azureml-network-fqdn-no-wildcard", "advisory"],
                    ["azureml-priority-range", "advisory"],
                    ["azureml-no-empty-rules", "advisory"],
                    ["azureml-no-broad-allow", "advisory"],
                    ["azureml-groups-ordered-on-policy", "advisory"],
                ],
            );
        });

        it("never declares enforcementLevel in a config schema, and every default is valid against its schema", () => {
            for (const policy of policies) {
                const schema = policy.configSchema;
                if (!schema) {
                    continue;
                }
                assert.strictEqual("enforcementLevel" in schema.properties, false, policy.name);
                assert.strictEqual((schema.required ?? []).includes("enforcementLevel"), false, policy.name);
                for (const [key, property] of Object.entries(schema.properties)) {
                    if (property.default !== undefined) {
                        const validate = ajv.compile(property as object);
                        assert.ok(
                            validate(property.default),
                            `${policy.name}.${key} default: ${ajv.errorsText(validate.errors)}`,
                        );
                    }
                }
                const whole = ajv.compile({
                    type: "object",
                    properties: schema.properties,
                    required: schema.required ?? [],
                } as object);
                const defaults = Object.fromEntries(
                    Object.entries(schema.properties)
                        .filter(([, p]) => p.default !== undefined)
                        .map(([k, p]) => [k, p.default]),
                );
                assert.ok(whole(defaults), `${policy.name}: ${ajv.errorsText(whole.errors)}`);
            }
        });

        it("ships example config files whose keys are policies and whose values fit each policy's schema", () => {
            const dir = path.join(__dirname, "..", "policy");
            const files = fs
                .readdirSync(dir)
                .filter((f) => /^config\..+\.json$/.test(f))
                .sort();
            assert.deepStrictEqual(files, [
                "config.china.json",
                "config.dev.json",
                "config.gov.json",
                "config.prod.json",
            ]);
            const levels = ["advisory", "mandatory", "remediate", "disabled"];
            for (const file of files) {
                const config = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as Record<string, unknown>;
                for (const [key, value] of Object.entries(config)) {
                    if (typeof value === "string") {
                        assert.ok(levels.includes(value), `${file}: ${key}`);
                        continue;
                    }
                    const { enforcementLevel, ...props } = value as Record<string, unknown>;
                    assert.ok(
                        enforcementLevel === undefined || levels.includes(enforcementLevel as string),
                        `${file}: ${key}`,
                    );
                    const policy = policies.find((p) => p.name === key);
                    assert.ok(policy, `${file}: ${key} is not a policy of the pack`);
                    const validate = ajv.compile({
                        type: "object",
                        properties: policy!.configSchema?.properties ?? {},
                        additionalProperties: false,
                    } as object);
                    assert.ok(validate(props), `${file}: ${key}: ${ajv.errorsText(validate.errors)}`);
                }
            }
        });

        it(
            "is a real pack: PulumiPolicy.yaml, its own package.json with a version, an index that only constructs " +
                "the pack",
            () => {
                const dir = path.join(__dirname, "..", "policy");
                assert.match(fs.readFileSync(path.join(dir, "PulumiPolicy.yaml"), "utf8"), /^runtime: nodejs$/m);
                const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
                assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
                assert.strictEqual(pkg.dependencies["@pulumi/policy"], "1.21.0");
                const index = fs.readFileSync(path.join(dir, "index.ts"), "utf8");
                assert.match(index, /new PolicyPack\(PACK_NAME, \{\s*policies,/);
            },
        );
    });

    describe("round trip: stacks built by AmlFirewallPolicy pass every policy", () => {
        const clouds: [Cloud, string][] = [
            ["AzurePublic", "westeurope"],
            ["AzureUSGovernment", "usgovvirginia"],
            ["AzureChinaCloud", "chinaeast2"],
        ];
        for (const [cloud, region] of clouds) {
            for (const mode of ["create", "attach", "attach-no-dns"]) {
                it(`${cloud}, ${mode} mode, every scenario: zero violations`, async () => {
                    const args: AmlFirewallPolicyArgs = {
                        cloud,
                        region,
                        resourceGroupName: "rg-net",
                        sourceAddresses: ["10.0.1.0/24"],
                        // Cluster Connect's 8084 host needs DNS proxy (no tag carries it).
                        scenarios: scenariosOffered(parseCloud(cloud)).filter(
                            (s) => mode !== "attach-no-dns" || s !== "arc-cluster-connect",
                        ),
                        workspaces: [
                            { name: "mlw-a", storageAccountName: "storea" },
                            { name: "mlw-b", storageAccountName: "storeb" },
                        ],
                        ...(mode === "create"
                            ? {}
                            : {
                                  existingFirewallPolicyName: "hub-policy",
                                  existingPolicyDnsProxyEnabled: mode === "attach",
                              }),
                    };
                    const resources = await captureComponent(`rt-${cloud.toLowerCase()}-${mode}`, args);
                    const runs = await runPack(policies, resources);
                    assert.deepStrictEqual(summary(runs), []);
                    const coverage = runs.find((r) => r.policy === "azureml-egress-coverage")!;
                    assert.deepStrictEqual(coverage.notApplicable, []);
                });
            }
        }

        it("is checked, not skipped: a captured stack without the SMB rule is a mandatory violation", async () => {
            const resources = await captureComponent("rt-broken", {
                region: "westeurope",
                resourceGroupName: "rg-net",
                sourceAddresses: ["10.0.1.0/24"],
                workspaceName: "mlw",
                storageAccountName: "amlstore",
            });
            const rcg = resources.find((r) => r.type === NATIVE_RCG)!;
            const network = (rcg.props.ruleCollections as any[])[0];
            network.rules = network.rules.filter(
                (r: any) => r.name !== "fqdns-tcp-445" && r.name !== "tags-tcp-443-445",
            );
            const run = await runStackPolicy(egressCoverage as StackValidationPolicy, makeStack(resources));
            assert.strictEqual(run.violations.length, 1);
            assert.strictEqual(run.violations[0].enforcementLevel, "mandatory");
            assert.strictEqual(
                run.violations[0].urn,
                resources.find((r) => r.type === "azure-native:network:FirewallPolicy")!.urn,
            );
            assert.strictEqual(
                run.violations[0].message,
                [
                    "Firewall policy aml-rt-broken-policy does not allow 3 of 44 checks Azure ML needs:",
                    "  missing amlstore.file.core.windows.net TCP 445",
                    "  missing Storage.WestEurope TCP 443",
                    "  missing Storage.WestEurope TCP 445",
                ].join("\n"),
            );
        });
    });

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
            const plan = planPolicy("x", {
                region: "westeurope",
                workspaceName: "mlw-dev",
                storageAccountName: "devstore",
                attach: false,
                sourceAddresses: ["10.0.1.0/24"],
            });
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
            const plan = planPolicy("x", {
                region: "westeurope",
                workspaceName: "mlw-dev",
                storageAccountName: "devstore",
                attach: false,
                sourceAddresses: ["10.0.1.0/24"],
            });
            const classicCollections = (await import("../components/firewall/classic")).toClassicCollections(
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

    describe("hygiene policies", () => {
        const rcg = (ruleCollections: unknown[], priority: unknown = 500) => ({
            type: NATIVE_RCG,
            name: "r",
            props: { priority, ruleCollections },
        });
        const coll = (rules: unknown[], action = "Allow", priority: unknown = 100) => ({
            ruleCollectionType: "FirewallPolicyFilterRuleCollection",
            name: "c",
            priority,
            action: { type: action },
            rules,
        });
        const net = (fields: Record<string, unknown>) => ({
            ruleType: "NetworkRule",
            name: "n",
            ipProtocols: ["TCP"],
            sourceAddresses: ["10.0.1.0/24"],
            destinationPorts: ["443"],
            ...fields,
        });
        const app = (targetFqdns: string[], fields: Record<string, unknown> = {}) => ({
            ruleType: "ApplicationRule",
            name: "a",
            protocols: [{ protocolType: "Https", port: 443 }],
            sourceAddresses: ["10.0.1.0/24"],
            targetFqdns,
            ...fields,
        });
        async function messages(
            policy: ResourceValidationPolicy,
            spec: { type: string; name: string; props: Record<string, unknown> },
        ): Promise<string[]> {
            return (await runResourcePolicy(policy, spec)).violations.map((v) => v.message);
        }

        it("flags wildcard FQDNs in network rules", async () => {
            assert.deepStrictEqual(
                await messages(
                    networkFqdnWildcard as ResourceValidationPolicy,
                    rcg([
                        coll([
                            net({
                                destinationFqdns: ["*.instances.azureml.ms", "ok.example.com"],
                                destinationPorts: ["8787"],
                            }),
                        ]),
                    ]),
                ),
                [
                    "Network rule c/n has wildcard FQDNs *.instances.azureml.ms; use an application rule (HTTP/S) " +
                        "or the service tag that carries the hosts.",
                ],
            );
            assert.deepStrictEqual(
                await messages(networkFqdnWildcard as ResourceValidationPolicy, rcg([coll([app(["*.azureml.ms"])])])),
                [],
            );
        });

        it("flags priorities outside 100-65000", async () => {
            assert.deepStrictEqual(
                await messages(
                    priorityRange as ResourceValidationPolicy,
                    rcg([coll([], "Allow", 70000), { ...coll([]), name: "d", priority: 100.5 }], 50),
                ),
                [
                    "Rule collection group priority 50 is not a whole number from 100 to 65000.",
                    "Rule collection c priority 70000 is not a whole number from 100 to 65000.",
                    "Rule collection d priority 100.5 is not a whole number from 100 to 65000.",
                ],
            );
            assert.deepStrictEqual(await messages(priorityRange as ResourceValidationPolicy, rcg([coll([])], 100)), []);
        });

        it("flags empty collections and rules without destinations, ports, protocols or sources", async () => {
            assert.deepStrictEqual(
                await messages(
                    noEmptyRules as ResourceValidationPolicy,
                    rcg([
                        coll([]),
                        {
                            ...coll([
                                net({
                                    destinationAddresses: [],
                                    destinationPorts: [],
                                    ipProtocols: [],
                                    sourceAddresses: [],
                                }),
                                app([], { protocols: [] }),
                            ]),
                            name: "d",
                        },
                    ]),
                ),
                [
                    "Rule collection c has no rules.",
                    "Network rule d/n has no destination (addresses, FQDNs or IP groups).",
                    "Network rule d/n has no destination ports.",
                    "Network rule d/n has no protocols.",
                    "Rule d/n has no source addresses or IP groups.",
                    "Application rule d/a has no destination (FQDNs, FQDN tags, web categories or URLs).",
                    "Application rule d/a has no protocols.",
                ],
            );
        });

        it("flags allow rules broader than Azure ML needs, not the doc's own wildcards or Deny rules", async () => {
            assert.deepStrictEqual(
                await messages(
                    noBroadAllow as ResourceValidationPolicy,
                    rcg([
                        coll([
                            app(["*"]),
                            {
                                ...app([
                                    "*.core.windows.net",
                                    "*.azure.com",
                                    "*.blob.core.windows.net",
                                    "*.westeurope.batch.azure.com",
                                    "*.example.org",
                                ]),
                                name: "b",
                            },
                            net({ destinationAddresses: ["*"], destinationPorts: ["1-1024"] }),
                            { ...net({ destinationAddresses: ["0.0.0.0/0"], destinationPorts: ["22"] }), name: "m" },
                            {
                                ...net({ destinationAddresses: ["AzureMachineLearning"], sourceAddresses: ["*"] }),
                                name: "s",
                            },
                        ]),
                        { ...coll([app(["*"])], "Deny"), name: "deny" },
                    ]),
                ),
                [
                    "Application rule c/a allows every FQDN ('*').",
                    "Application rule c/b allows *.core.windows.net, *.azure.com, wider than any wildcard the " +
                        "Azure ML doc lists; allow the doc's hosts instead.",
                    "Network rule c/n allows any destination on HTTP/HTTPS ports; network rules run before " +
                        "application rules, so it bypasses every application rule.",
                    "Network rule c/m allows any destination ('*' or 0.0.0.0/0).",
                    "Allow rule c/s has source '*' or 0.0.0.0/0; name the workload's subnets or IP groups.",
                ],
            );
        });

        it("reads the classic provider's shape too", async () => {
            const classic = {
                type: CLASSIC_RCG,
                name: "r",
                props: {
                    priority: 500,
                    applicationRuleCollections: [
                        {
                            name: "c",
                            priority: 100,
                            action: "Allow",
                            rules: [
                                {
                                    name: "a",
                                    protocols: [{ type: "Https", port: 443 }],
                                    sourceAddresses: ["*"],
                                    destinationFqdns: ["*.windows.net"],
                                },
                            ],
                        },
                    ],
                    networkRuleCollections: [
                        {
                            name: "n",
                            priority: 200,
                            action: "Allow",
                            rules: [
                                {
                                    name: "w",
                                    protocols: ["UDP"],
                                    sourceAddresses: ["10.0.0.0/8"],
                                    destinationFqdns: ["*.tundra.azureml.ms"],
                                    destinationPorts: ["5831"],
                                },
                            ],
                        },
                    ],
                },
            };
            assert.deepStrictEqual(await messages(noBroadAllow as ResourceValidationPolicy, classic), [
                "Allow rule c/a has source '*' or 0.0.0.0/0; name the workload's subnets or IP groups.",
                "Application rule c/a allows *.windows.net, wider than any wildcard the Azure ML doc lists; allow " +
                    "the doc's hosts instead.",
            ]);
            assert.deepStrictEqual(await messages(networkFqdnWildcard as ResourceValidationPolicy, classic), [
                "Network rule n/w has wildcard FQDNs *.tundra.azureml.ms; use an application rule (HTTP/S) or the " +
                    "service tag that carries the hosts.",
            ]);
        });

        it("is not applicable to other resources", async () => {
            const run = await runResourcePolicy(noBroadAllow as ResourceValidationPolicy, {
                type: "azure-native:storage:StorageAccount",
                name: "s",
                props: {},
            });
            assert.deepStrictEqual(
                [run.violations, run.notApplicable],
                [[], ["Policy only applies to Azure Firewall policy rule collection groups."]],
            );
        });

        it("flags network FQDN rules on a policy without DNS proxy or on Basic", async () => {
            const stackUrn = "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev";
            const specs = (policyProps: Record<string, unknown>): StackResourceSpec[] => [
                { type: "pulumi:pulumi:Stack", name: "p-dev", urn: stackUrn, props: {} },
                {
                    type: "azure-native:network:FirewallPolicy",
                    name: "fw",
                    urn: "urn:pulumi:dev::p::azure-native:network:FirewallPolicy::fw",
                    props: { firewallPolicyName: "fw", ...policyProps },
                    parent: stackUrn,
                },
                {
                    type: NATIVE_RCG,
                    name: "r",
                    urn: `urn:pulumi:dev::p::${NATIVE_RCG}::r`,
                    parent: stackUrn,
                    propertyDependencies: {
                        firewallPolicyName: ["urn:pulumi:dev::p::azure-native:network:FirewallPolicy::fw"],
                    },
                    props: {
                        priority: 500,
                        ruleCollections: [
                            coll([net({ destinationFqdns: ["st.file.core.windows.net"], destinationPorts: ["445"] })]),
                        ],
                    },
                },
            ];
            const off = await runStackPolicy(
                networkFqdnDnsProxy as StackValidationPolicy,
                makeStack(specs({ sku: { tier: "Standard" } })),
            );
            assert.deepStrictEqual(
                off.violations.map((v) => v.message),
                [
                    "Rule collection group r uses FQDNs in network rules (c/n), but its policy fw does not enable " +
                        "DNS proxy (dnsSettings.enableProxy / dns.proxyEnabled); those rules allow nothing.",
                ],
            );
            const basic = await runStackPolicy(
                networkFqdnDnsProxy as StackValidationPolicy,
                makeStack(specs({ sku: { tier: "Basic" }, dnsSettings: { enableProxy: true } })),
            );
            assert.deepStrictEqual(
                basic.violations.map((v) => v.message),
                [
                    "Firewall policy fw enables DNS proxy on the Basic SKU, which does not support it.",
                    "Rule collection group r uses FQDNs in network rules (c/n), but its policy fw is on the Basic " +
                        "SKU, which has no DNS proxy; those rules allow nothing.",
                ],
            );
            const on = await runStackPolicy(
                networkFqdnDnsProxy as StackValidationPolicy,
                makeStack(specs({ sku: { tier: "Standard" }, dnsSettings: { enableProxy: true } })),
            );
            assert.deepStrictEqual(on.violations, []);
        });
    });

    it("covers every scenario list used in the round trip", () => {
        assert.deepStrictEqual(scenariosOffered("AzurePublic"), [...SCENARIO_NAMES]);
    });
});
