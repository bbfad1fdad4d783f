/**
 * Both components as a Pulumi package, served to every language by the Node plugin host: the schema the
 * SDK's analyzer infers from the sources, and Construct over gRPC giving what the TypeScript class gives.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { installMocks, recorded, resetRecorded, unwrap } from "./helpers/mocks";
import {
    RecordingEngine,
    RunningPlugin,
    construct,
    getSchema,
    startPlugin,
    startRecordingEngine,
} from "./helpers/pluginHost";
import { ARGUMENTS, AmlFirewallPolicyArgs, SkuTier } from "../components/args";
import { Cloud, Scenario } from "../components/catalog/types";
import { TYPES } from "../components/firewall/tokens";
import { SCENARIO_NAMES, scenariosOffered } from "../components/requirements";
import { CLOUD_NAMES } from "../components/clouds";

const REPO = path.resolve(__dirname, "..");
const PROJECT = "azureml-firewall";
const STACK = "test";
const NATIVE = TYPES.component;
const CLASSIC = TYPES.componentClassic;
const HUB_IP_GROUP =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-hub/providers/Microsoft.Network/" +
    "ipGroups/aml-compute";

/** The outputs both components share; the azure-native one adds the policy's name. */
const SHARED_OUTPUTS = [
    "dnsProxyEnabled",
    "explanations",
    "firewallPolicyId",
    "notes",
    "policy",
    "requirements",
    "ruleCollectionGroup",
    "ruleCollectionGroupId",
    "ruleCollectionGroupName",
    "ruleCount",
    "sources",
];

function enumValues(schema: any, name: string): unknown[] {
    return schema.types[`${PROJECT}:index:${name}`].enum.map((member: { value: unknown }) => member.value);
}

/** Every `$ref` in a JSON value. */
function refs(value: unknown): string[] {
    if (Array.isArray(value)) {
        return value.flatMap(refs);
    }
    if (value !== null && typeof value === "object") {
        return Object.entries(value).flatMap(([key, v]) => (key === "$ref" ? [v as string] : refs(v)));
    }
    return [];
}

describe("the Pulumi package: both components through the Node plugin host", function () {
    // The host type-checks the sources with ts-node and the analyzer builds a TypeScript program: seconds.
    this.timeout(180_000);
    let engine: RecordingEngine;
    let plugin: RunningPlugin;
    let schema: any;

    before(async () => {
        engine = await startRecordingEngine(PROJECT, STACK);
        plugin = await startPlugin(REPO, engine.address);
        schema = await getSchema(plugin);
    });
    after(async () => {
        plugin?.stop();
        await engine?.stop();
    });

    describe("GetSchema: the schema the SDK's analyzer infers from the sources", () => {
        it("names the package after package.json and serves both components by their tokens", () => {
            assert.strictEqual(schema.name, PROJECT);
            assert.strictEqual(schema.version, require("../package.json").version);
            assert.deepStrictEqual(Object.keys(schema.resources).sort(), [NATIVE, CLASSIC]);
            for (const token of [NATIVE, CLASSIC]) {
                assert.strictEqual(schema.resources[token].isComponent, true);
                assert.ok(schema.resources[token].description.length > 40, `${token} has a description`);
            }
        });

        it("takes every argument of args.ts, with region and resourceGroupName required", () => {
            const common = Object.keys(ARGUMENTS).filter(
                (name) => name !== "existingFirewallPolicyName" && name !== "existingFirewallPolicyId",
            );
            const native = schema.resources[NATIVE];
            const classic = schema.resources[CLASSIC];
            assert.deepStrictEqual(
                Object.keys(native.inputProperties).sort(),
                [...common, "existingFirewallPolicyName"].sort(),
            );
            assert.deepStrictEqual(
                Object.keys(classic.inputProperties).sort(),
                [...common, "existingFirewallPolicyId"].sort(),
            );
            assert.deepStrictEqual(native.requiredInputs, ["region", "resourceGroupName"]);
            assert.deepStrictEqual(classic.requiredInputs, ["region", "resourceGroupName"]);
        });

        it("gives the outputs the components declare, the optional created policy aside", () => {
            const native = schema.resources[NATIVE];
            const classic = schema.resources[CLASSIC];
            assert.deepStrictEqual(Object.keys(classic.properties).sort(), SHARED_OUTPUTS);
            assert.deepStrictEqual(
                Object.keys(native.properties).sort(),
                [...SHARED_OUTPUTS, "firewallPolicyName"].sort(),
            );
            assert.deepStrictEqual(
                classic.required,
                SHARED_OUTPUTS.filter((name) => name !== "policy"),
            );
            // Each class declares the shared outputs itself (the analyzer reads own members): same words.
            for (const name of SHARED_OUTPUTS) {
                assert.strictEqual(classic.properties[name].description, native.properties[name].description, name);
            }
            assert.strictEqual(native.properties.ruleCount.type, "number");
            assert.deepStrictEqual(native.properties.requirements.items, {
                $ref: `#/types/${PROJECT}:index:Requirement`,
            });
            assert.deepStrictEqual(native.properties.sources, {
                $ref: `#/types/${PROJECT}:index:RuleSources`,
                description: native.properties.sources.description,
            });
        });

        it("has real enums for cloud, scenarios, configuration, SKU tier and threat-intel mode", () => {
            const inputs = schema.resources[NATIVE].inputProperties;
            assert.strictEqual(inputs.cloud.$ref, `#/types/${PROJECT}:index:Cloud`);
            assert.deepStrictEqual(inputs.scenarios.items, { $ref: `#/types/${PROJECT}:index:Scenario` });
            assert.strictEqual(inputs.configuration.$ref, `#/types/${PROJECT}:index:Configuration`);
            assert.strictEqual(inputs.skuTier.$ref, `#/types/${PROJECT}:index:SkuTier`);
            assert.strictEqual(inputs.threatIntelMode.$ref, `#/types/${PROJECT}:index:ThreatIntelMode`);
            assert.deepStrictEqual(enumValues(schema, "Cloud"), [...CLOUD_NAMES]);
            assert.deepStrictEqual(enumValues(schema, "Scenario"), [...SCENARIO_NAMES]);
            assert.deepStrictEqual(enumValues(schema, "Configuration"), ["full", "leastPrivilege"]);
            assert.deepStrictEqual(enumValues(schema, "SkuTier"), ["Standard", "Premium", "Basic"]);
            assert.deepStrictEqual(enumValues(schema, "ThreatIntelMode"), ["Alert", "Deny", "Off"]);
            assert.deepStrictEqual(
                (enumValues(schema, "RequirementScenario") as string[]).sort(),
                ["core", ...SCENARIO_NAMES].sort(),
            );
            const workspace = schema.types[`${PROJECT}:index:AmlWorkspace`];
            assert.deepStrictEqual(workspace.required, ["name", "storageAccountName"]);
            assert.deepStrictEqual(workspace.properties.scenarios.items, {
                $ref: `#/types/${PROJECT}:index:Scenario`,
            });
        });

        it("has no Any, no type named *Args, and a description on every input, output and enum member", () => {
            const all = refs(schema);
            assert.deepStrictEqual(
                all.filter((ref) => ref.includes("pulumi.json#/Any")),
                [],
            );
            assert.deepStrictEqual(
                Object.keys(schema.types).filter((token) => /Args$/.test(token)),
                [],
            );
            const undescribed: string[] = [];
            for (const [token, resource] of Object.entries<any>(schema.resources)) {
                for (const section of ["inputProperties", "properties"]) {
                    for (const [name, property] of Object.entries<any>(resource[section])) {
                        if (!property.description) {
                            undescribed.push(`${token} ${section}.${name}`);
                        }
                    }
                }
            }
            for (const [token, type] of Object.entries<any>(schema.types)) {
                for (const [name, property] of Object.entries<any>(type.properties ?? {})) {
                    if (!property.description) {
                        undescribed.push(`${token}.${name}`);
                    }
                }
                if (!/RequirementScenario$/.test(token)) {
                    for (const member of type.enum ?? []) {
                        if (!member.description) {
                            undescribed.push(`${token} = ${member.value}`);
                        }
                    }
                }
            }
            assert.deepStrictEqual(undescribed, []);
        });

        it("depends on azure-native and azure at the installed versions (the created resources are outputs)", () => {
            assert.deepStrictEqual(schema.dependencies, [
                { name: "azure-native", version: require("@pulumi/azure-native/package.json").version },
                { name: "azure", version: require("@pulumi/azure/package.json").version },
            ]);
            assert.strictEqual(
                schema.resources[NATIVE].properties.policy.$ref,
                `/azure-native/v${schema.dependencies[0].version}/schema.json#/resources/${TYPES.nativePolicy}`,
            );
        });
    });

    describe("Construct: a program in any language gets what a TypeScript program gets", () => {
        before(() => installMocks(STACK, PROJECT));

        /** The compiled classes npm users run, which must agree with the sources the plugin runs. */
        function builtClass(type: string): new (name: string, args: any) => pulumi.ComponentResource {
            const file = type === NATIVE ? "amlFirewallPolicy" : "classic";
            const module = require(path.join(REPO, "dist", "components", file));
            return type === NATIVE ? module.AmlFirewallPolicy : module.AmlFirewallPolicyClassic;
        }

        /** The TypeScript class under mocks: its resources (type, name, inputs) and its outputs. */
        async function viaTypeScript(type: string, name: string, inputs: Record<string, unknown>) {
            resetRecorded();
            const component: any = new (builtClass(type))(name, inputs);
            const outputs: Record<string, unknown> = {};
            for (const key of Object.keys(schema.resources[type].properties)) {
                const value = component[key];
                outputs[key] =
                    value === undefined
                        ? undefined
                        : pulumi.Resource.isInstance(value)
                          ? await unwrap(value.urn)
                          : await unwrap(value);
            }
            const resources = recorded.map((r) => ({ type: r.type, name: r.name, custom: r.custom, inputs: r.inputs }));
            return { urn: await unwrap(component.urn), outputs, resources };
        }

        /** The same through the plugin: Construct over gRPC, resources as the engine recorded them. */
        async function viaPlugin(type: string, name: string, inputs: Record<string, unknown>) {
            engine.reset();
            const { urn, state } = await construct(plugin, {
                project: PROJECT,
                stack: STACK,
                engine,
                type,
                name,
                inputs,
            });
            const outputs: Record<string, unknown> = {};
            for (const key of Object.keys(schema.resources[type].properties)) {
                const value = state[key];
                // A resource output arrives as a resource reference; compare it by URN.
                outputs[key] = value !== null && typeof value === "object" && "urn" in value ? value.urn : value;
            }
            const resources = engine.registrations.map((r) => ({
                type: r.type,
                name: r.name,
                custom: r.custom,
                inputs: r.inputs,
            }));
            return { urn, outputs, resources };
        }

        const byTypeAndName = (a: { type: string; name: string }, b: { type: string; name: string }) =>
            `${a.type} ${a.name}`.localeCompare(`${b.type} ${b.name}`);

        const cases: [string, string, Record<string, unknown>][] = [
            [
                "AmlFirewallPolicy, create mode, public, least privilege, Premium, threat intel Deny",
                NATIVE,
                {
                    workspaceName: "mlw-plugin",
                    storageAccountName: "amlstoreplugin",
                    region: "westeurope",
                    resourceGroupName: "rg-net",
                    sourceAddresses: ["10.1.0.0/24"],
                    scenarios: ["python", "vscode"],
                    configuration: "leastPrivilege",
                    skuTier: "Premium",
                    threatIntelMode: "Deny",
                },
            ],
            [
                "AmlFirewallPolicy, attach mode, Azure Government, two workspaces, IP group source",
                NATIVE,
                {
                    workspaces: [
                        { name: "mlw-a", storageAccountName: "amlstorea" },
                        { name: "mlw-b", storageAccountName: "amlstoreb", region: "usgovarizona", scenarios: ["r"] },
                    ],
                    region: "usgovvirginia",
                    cloud: "AzureUSGovernment",
                    resourceGroupName: "rg-hub",
                    sourceIpGroups: [HUB_IP_GROUP],
                    existingFirewallPolicyName: "fwp-hub",
                    existingPolicyDnsProxyEnabled: true,
                    priority: 1200,
                },
            ],
            [
                "AmlFirewallPolicyClassic, create mode, Azure China, every scenario China offers",
                CLASSIC,
                {
                    workspaceName: "mlw-cn",
                    storageAccountName: "amlstorecn",
                    region: "chinaeast2",
                    cloud: "AzureChinaCloud",
                    resourceGroupName: "rg-net",
                    sourceAddresses: ["10.2.0.0/24"],
                    scenarios: scenariosOffered("AzureChinaCloud"),
                },
            ],
        ];

        for (const [title, type, inputs] of cases) {
            it(`${title}: the same resources with the same inputs, and the same outputs`, async () => {
                const name = `aml-${title.replace(/\W+/g, "-").toLowerCase().slice(0, 40)}`;
                const typescript = await viaTypeScript(type, name, inputs);
                const remote = await viaPlugin(type, name, inputs);
                const stale = "the plugin (sources) and dist/ (npm users) differ: run npm run build";
                assert.strictEqual(remote.urn, typescript.urn, stale);
                assert.deepStrictEqual(
                    remote.resources.sort(byTypeAndName),
                    typescript.resources.sort(byTypeAndName),
                    stale,
                );
                assert.deepStrictEqual(remote.outputs, typescript.outputs, stale);
                // Not vacuous: the component and its rule collection group (and policy, when created) exist.
                const types = remote.resources.map((r) => r.type);
                assert.ok(types.includes(type));
                assert.ok(types.includes(type === NATIVE ? TYPES.nativeRcg : TYPES.classicRcg));
                assert.ok((remote.outputs.ruleCount as number) > 5);
            });
        }

        it("takes the default cloud from the program's azure-native:environment config", async () => {
            engine.reset();
            const { state } = await construct(plugin, {
                project: PROJECT,
                stack: STACK,
                engine,
                type: NATIVE,
                name: "aml-config-cloud",
                inputs: {
                    workspaceName: "mlw",
                    storageAccountName: "amlstore",
                    region: "chinaeast2",
                    resourceGroupName: "rg-net",
                    sourceAddresses: ["10.1.0.0/24"],
                },
                config: { "azure-native:environment": "china" },
            });
            const destinations = state.requirements.map((r: { destination: string }) => r.destination);
            assert.ok(destinations.includes("login.chinacloudapi.cn"), destinations.join(", "));
            assert.ok(!destinations.includes("login.microsoftonline.com"));
        });

        it("a bad argument fails Construct with the component's own message", async () => {
            await assert.rejects(
                viaPlugin(NATIVE, "aml-bad", {
                    workspaceName: "mlw",
                    storageAccountName: "amlstore",
                    region: "westeurope",
                    resourceGroupName: "rg-net",
                    sourceAddresses: ["10.1.0.0/24"],
                    cloud: "germany",
                }),
                /AmlFirewallPolicy aml-bad: cloud: "germany" is not valid; use AzurePublic, AzureUSGovernment or AzureChinaCloud/,
            );
        });
    });

    /**
     * What `pulumi package add <git url>@<tag>` gets: the tracked files, then the language host's
     * `npm install --loglevel=error` in the plugin's folder (here also preferring the npm cache). A
     * `dist/` that throws stands for a stale build the plugin must never load.
     */
    function freshCheckout(into: string): void {
        const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
            cwd: REPO,
            encoding: "utf8",
        })
            .split("\0")
            .filter((f) => f && fs.existsSync(path.join(REPO, f)));
        for (const file of files) {
            fs.mkdirSync(path.dirname(path.join(into, file)), { recursive: true });
            fs.copyFileSync(path.join(REPO, file), path.join(into, file));
        }
        execFileSync("npm", ["install", "--loglevel=error", "--prefer-offline", "--no-audit", "--no-fund"], {
            cwd: into,
            stdio: "ignore",
        });
        assert.strictEqual(fs.existsSync(path.join(into, "dist")), false, "npm install built nothing");
        fs.mkdirSync(path.join(into, "dist", "components"), { recursive: true });
        fs.writeFileSync(
            path.join(into, "dist", "components", "index.js"),
            'throw new Error("the plugin loaded a stale dist/");\n',
        );
    }

    it("works from a fresh checkout after npm install: no build, a stale dist/ never loaded", async () => {
        const checkout = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-plugin-"));
        let fresh: RunningPlugin | undefined;
        try {
            freshCheckout(checkout);
            fresh = await startPlugin(checkout, engine.address);
            assert.deepStrictEqual(await getSchema(fresh), schema);
            engine.reset();
            const { state } = await construct(fresh, {
                project: PROJECT,
                stack: STACK,
                engine,
                type: NATIVE,
                name: "aml-fresh",
                inputs: {
                    workspaceName: "mlw",
                    storageAccountName: "amlstore",
                    region: "westeurope",
                    resourceGroupName: "rg-net",
                    sourceAddresses: ["10.1.0.0/24"],
                },
            });
            assert.strictEqual(state.ruleCollectionGroupName, "aml-fresh");
            assert.doesNotMatch(fresh.stderr(), /stale dist/);
        } finally {
            fresh?.stop();
            fs.rmSync(checkout, { recursive: true, force: true });
        }
    });
});

describe("the enums as TypeScript types", () => {
    it("accept canonical names and members, and reject anything else at compile time (npm run typecheck)", () => {
        const typed: AmlFirewallPolicyArgs[] = [
            { region: "westeurope", resourceGroupName: "rg", cloud: Cloud.AzureUSGovernment, skuTier: SkuTier.Premium },
            {
                region: "westeurope",
                resourceGroupName: "rg",
                cloud: "AzureChinaCloud",
                scenarios: [Scenario.Python, "r"],
            },
            // @ts-expect-error: not a cloud (stack config may say `china`; typed code says AzureChinaCloud)
            { region: "westeurope", resourceGroupName: "rg", cloud: "aws" },
            // @ts-expect-error: not a scenario
            { region: "westeurope", resourceGroupName: "rg", scenarios: ["gpu"] },
            // @ts-expect-error: not a configuration
            { region: "westeurope", resourceGroupName: "rg", configuration: "minimal" },
        ];
        assert.deepStrictEqual(
            typed.map((args) => args.cloud ?? args.scenarios ?? args.configuration),
            ["AzureUSGovernment", "AzureChinaCloud", "aws", ["gpu"], "minimal"],
        );
    });
});
