import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import type { StackValidationPolicy } from "@pulumi/policy";
import { PACK_NAME, policies, egressCoverage } from "../../policy/policies";
import { makeStack, runPack, runStackPolicy } from "../../cli/offline/policyRunner";
import { captureProgram } from "../helpers/mocks";
import type { AmlFirewallPolicyArgs } from "../../components/amlFirewallPolicy";
import { scenariosOffered } from "../../components/requirements";
import { parseCloud } from "../../components/clouds";
import type { Cloud } from "../../components/catalog/types";

const NATIVE_RCG = "azure-native:network:FirewallPolicyRuleCollectionGroup";
async function captureComponent(stack: string, args: AmlFirewallPolicyArgs) {
    const { AmlFirewallPolicy } = await import("../../components/amlFirewallPolicy");
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
            const dir = path.join(__dirname, "..", "..", "policy");
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
                const dir = path.join(__dirname, "..", "..", "policy");
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
});
