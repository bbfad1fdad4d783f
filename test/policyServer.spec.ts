/**
 * The policy pack as Pulumi runs it: packed with `npm pack`, installed alone in an empty folder, started
 * as the Node language host starts a pack, and driven over the Analyzer gRPC protocol as the engine
 * drives it, on stacks whose resources carry what each provider really returns.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { CapturedResource } from "../cli/offline/mocks";
import { PackConfig, runPack } from "../cli/offline/policyRunner";
import { Diagnostic, PolicyConfigError, PolicyServer } from "../cli/offline/policyServer";
import { policies } from "../policy/policies";
import { readStackFile } from "../stacks/stackFile";
import { installPack } from "./helpers/installedPack";
import { captureProgram } from "./helpers/mocks";

const ROOT = path.join(__dirname, "..");
const STACKS = ["dev", "prod", "gov", "china"];

function packConfig(stack: string): PackConfig {
    return JSON.parse(fs.readFileSync(path.join(ROOT, "policy", `config.${stack}.json`), "utf8"));
}

async function capture(stack: string, preview = false): Promise<CapturedResource[]> {
    const { config } = readStackFile(path.join(ROOT, "stacks"), stack);
    pulumi.runtime.setAllConfig(config);
    const { runProgram } = await import("../stacks/program");
    return (await captureProgram(stack, () => runProgram(), "azureml-firewall", preview)).resources;
}

type Rule = Record<string, unknown>;
type Collection = { rules?: Rule[] } & Record<string, unknown>;

/** The stack with `keep` applied to the rules of every rule collection group, inputs and outputs alike. */
function withRules(resources: CapturedResource[], keep: (rule: Rule) => boolean): CapturedResource[] {
    const filter = (values: Record<string, unknown>) => {
        const copy = JSON.parse(JSON.stringify(values));
        for (const field of ["ruleCollections", "networkRuleCollections", "applicationRuleCollections"]) {
            for (const collection of (copy[field] ?? []) as Collection[]) {
                collection.rules = (collection.rules ?? []).filter(keep);
            }
        }
        return copy;
    };
    return resources.map((r) =>
        /RuleCollectionGroup$/.test(r.type) ? { ...r, inputs: filter(r.inputs), props: filter(r.props) } : r,
    );
}

/** The stack with one more (allow) rule in the first collection of every native rule collection group. */
function withExtraRule(resources: CapturedResource[], rule: Rule): CapturedResource[] {
    const add = (values: Record<string, unknown>) => {
        const copy = JSON.parse(JSON.stringify(values));
        const collections = copy.ruleCollections as Collection[] | undefined;
        collections?.find((c) => (c.rules ?? []).some((r) => r.ruleType === rule.ruleType))?.rules?.push(rule);
        return copy;
    };
    return resources.map((r) =>
        /RuleCollectionGroup$/.test(r.type) ? { ...r, inputs: add(r.inputs), props: add(r.props) } : r,
    );
}

const hasPort = (port: string) => (rule: Rule) =>
    !((rule.destinationPorts as string[] | undefined) ?? []).includes(port);

function mandatory(diagnostics: Diagnostic[]): Diagnostic[] {
    return diagnostics.filter((d) => d.enforcementLevel === "mandatory");
}

describe("the policy pack, packed, installed alone and run by the real policy server", function () {
    this.timeout(240000);
    let pack: string;
    let remove: (() => void) | undefined;
    let server: PolicyServer;

    before(async () => {
        const installed = installPack();
        pack = installed.pack;
        remove = installed.remove;
        server = await PolicyServer.start(pack, pack);
    });

    after(() => {
        server?.close();
        remove?.();
    });

    it("ships JavaScript only, and needs nothing outside its folder", () => {
        const files = execFileSync("find", [".", "-path", "./node_modules", "-prune", "-o", "-type", "f", "-print"], {
            cwd: pack,
            encoding: "utf8",
        })
            .trim()
            .split("\n")
            .sort();
        assert.deepStrictEqual(
            files.filter((f) => f.endsWith(".ts")),
            [],
        );
        assert.ok(files.includes("./bin/policy/index.js") && files.includes("./PulumiPolicy.yaml"));
        const main = require(path.join(pack, "package.json")).main;
        assert.strictEqual(main, "bin/policy/index.js");
        for (const file of files.filter((f) => f.endsWith(".js"))) {
            for (const [, target] of fs
                .readFileSync(path.join(pack, file), "utf8")
                .matchAll(/require\("(\.[^"]+)"\)/g)) {
                const resolved = path.resolve(pack, path.dirname(file), target);
                assert.ok(resolved.startsWith(pack + path.sep), `${file} requires ${target}, outside the pack`);
            }
        }
    });

    it("also starts from a clone's policy/ folder after npm ci and npm ci --prefix policy", async () => {
        const folder = path.join(ROOT, "policy");
        execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: folder, stdio: "ignore" });
        const fromClone = await PolicyServer.start(folder, folder);
        try {
            const info = await fromClone.info();
            assert.deepStrictEqual([info.name, info.policies.length], ["azureml-firewall", policies.length]);
            await fromClone.configure(packConfig("dev"));
            assert.deepStrictEqual((await fromClone.analyzeAll(await capture("dev"))).diagnostics, []);
        } finally {
            fromClone.close();
        }
    });

    it("answers GetAnalyzerInfo and GetPluginInfo", async () => {
        const info = await server.info();
        assert.strictEqual(info.name, "azureml-firewall");
        assert.strictEqual(info.version, "0.1.0");
        assert.strictEqual(info.supportsConfig, true);
        assert.deepStrictEqual(
            info.policies.map((p) => `${p.name}:${p.enforcementLevel}`),
            policies.map((p) => `${p.name}:${p.enforcementLevel}`),
        );
        // The server reports @pulumi/policy's version without the "v" its package.json has.
        assert.strictEqual(
            await server.pluginVersion(),
            require("@pulumi/policy/package.json").version.replace(/^v/, ""),
        );
    });

    for (const stack of STACKS) {
        describe(`stack ${stack}`, () => {
            it("passes with its planned rules: no diagnostics at all", async () => {
                await server.configure(packConfig(stack));
                assert.deepStrictEqual((await server.analyzeAll(await capture(stack))).diagnostics, []);
            });

            it("gets a mandatory violation naming UDP 5831 when the 5831 rules are removed", async () => {
                await server.configure(packConfig(stack));
                const { diagnostics } = await server.analyzeAll(withRules(await capture(stack), hasPort("5831")));
                const violations = mandatory(diagnostics);
                assert.deepStrictEqual(
                    violations.map((d) => d.policy),
                    ["azureml-egress-coverage"],
                );
                assert.match(violations[0].message, /^ {2}missing .* UDP 5831$/m);
                assert.doesNotMatch(violations[0].message, /^ {2}missing .* (TCP|UDP) (?!5831)\d+$/m);
            });

            it("gets a mandatory violation naming SMB 445 when the 445 rules are removed", async () => {
                await server.configure(packConfig(stack));
                const { diagnostics } = await server.analyzeAll(withRules(await capture(stack), hasPort("445")));
                const violations = mandatory(diagnostics);
                assert.strictEqual(violations.length, 1);
                assert.match(violations[0].message, /^ {2}missing \S+\.file\.core\.\S+ TCP 445$/m);
            });

            it("in a preview (unknown IDs and generated names), raises no false mandatory violation", async () => {
                await server.configure(packConfig(stack));
                const { diagnostics } = await server.analyzeAll(await capture(stack, true));
                assert.deepStrictEqual(mandatory(diagnostics), []);
                for (const d of diagnostics) {
                    assert.match(d.message, /^can't run policy '.*' during preview/);
                }
            });
        });
    }

    describe("a coverage config that would not take effect", () => {
        it("scenarios without workspaces, on a policy the components serve, is a mandatory config error", async () => {
            await server.configure({
                ...packConfig("dev"),
                "azureml-egress-coverage": { enforcementLevel: "mandatory", scenarios: ["rstudio"] },
            });
            const violations = mandatory((await server.analyzeAll(await capture("dev"))).diagnostics);
            assert.deepStrictEqual(
                violations.map((d) => [d.policy, d.message.split("\n").pop()]),
                [
                    [
                        "azureml-egress-coverage",
                        'Firewall policy aml-dev-policy cannot be evaluated: scenarios: ["rstudio"] is not valid; ' +
                            "without workspaces in the config, the requirements come from the AmlFirewallPolicy " +
                            "components' requirements output, which this setting cannot change; list the workspaces " +
                            "(name, storageAccountName, region) in the config, or give the scenarios to the component",
                    ],
                ],
            );
        });

        it("with the workspaces named, the scenarios apply: RStudio hosts missing from the dev rules", async () => {
            await server.configure({
                ...packConfig("dev"),
                "azureml-egress-coverage": {
                    enforcementLevel: "mandatory",
                    scenarios: ["rstudio"],
                    workspaces: [{ name: "mlw-dev", storageAccountName: "stamldev001", region: "westeurope" }],
                },
            });
            const violations = mandatory((await server.analyzeAll(await capture("dev"))).diagnostics);
            assert.deepStrictEqual(
                violations.map((d) => d.policy),
                ["azureml-egress-coverage"],
            );
            assert.match(violations[0].message, /^ {2}missing ghcr\.io TCP 443$/m);
        });
    });

    describe("several groups on one policy", () => {
        const ORDER = "azureml-groups-ordered-on-policy";
        const attach = (priority: number) => ({
            workspaceName: "mlw-dev",
            storageAccountName: "amlstore",
            region: "westeurope",
            resourceGroupName: "rg-hub",
            sourceAddresses: ["10.0.1.0/24"],
            existingFirewallPolicyName: "fwp-hub",
            existingPolicyDnsProxyEnabled: true,
            priority,
        });
        const ordering = async (program: () => unknown) => {
            pulumi.runtime.setAllConfig({}); // the stacks above leave their config (and cloud) behind
            await server.configure(packConfig("dev"));
            const { resources } = await captureProgram("several", program);
            return (await server.analyzeAll(resources)).diagnostics.filter((d) => d.policy === ORDER);
        };

        it("two components chain themselves; equal priorities are flagged (advisory)", async () => {
            const { AmlFirewallPolicy } = await import("../components/amlFirewallPolicy");
            const diagnostics = await ordering(() => [
                new AmlFirewallPolicy("team-a", attach(1000)).ruleCount,
                new AmlFirewallPolicy("team-b", attach(1000)).ruleCount,
            ]);
            assert.deepStrictEqual(
                diagnostics.map((d) => [d.enforcementLevel, d.message.split("\n").pop()]),
                [
                    [
                        "advisory",
                        "Rule collection groups team-a-rcg, team-b-rcg on firewall policy fwp-hub share priority " +
                            "1000; Azure does not document their order, so a Deny rule in one may shadow Allow rules " +
                            "in another. Give each group its own priority.",
                    ],
                ],
            );
        });

        it("a group of the user's own on the same policy that nothing orders is flagged", async () => {
            const { AmlFirewallPolicy } = await import("../components/amlFirewallPolicy");
            const { FirewallPolicyRuleCollectionGroup } =
                await import("@pulumi/azure-native/network/firewallPolicyRuleCollectionGroup");
            const diagnostics = await ordering(() => [
                new AmlFirewallPolicy("team-a", attach(1000)).ruleCount,
                new FirewallPolicyRuleCollectionGroup("deny-all", {
                    resourceGroupName: "rg-hub",
                    firewallPolicyName: "fwp-hub",
                    ruleCollectionGroupName: "deny-all",
                    priority: 60000,
                    ruleCollections: [],
                }).id,
            ]);
            assert.deepStrictEqual(
                diagnostics.map((d) => d.message.split("\n").pop()),
                [
                    "Rule collection groups team-a-rcg and deny-all both write firewall policy fwp-hub, and no " +
                        "dependency orders them: Azure takes one write per policy at a time, so `pulumi up` may fail " +
                        "with AnotherOperationInProgress. Make one depend on the other (dependsOn).",
                ],
            );
        });

        it("distinct priorities, chained by the components: nothing to say", async () => {
            const { AmlFirewallPolicy } = await import("../components/amlFirewallPolicy");
            const diagnostics = await ordering(() => [
                new AmlFirewallPolicy("team-a", attach(1000)).ruleCount,
                new AmlFirewallPolicy("team-b", attach(1100)).ruleCount,
            ]);
            assert.deepStrictEqual(diagnostics, []);
        });
    });

    describe("prod attaches to a hub policy outside the stack", () => {
        it("finds the group's policy from its ARM id: naming it in firewallPolicies passes", async () => {
            const config = packConfig("prod");
            const coverage = config["azureml-egress-coverage"] as Record<string, unknown>;
            await server.configure({
                ...config,
                "azureml-egress-coverage": { ...coverage, firewallPolicies: ["fwp-hub-prod"] },
            });
            assert.deepStrictEqual((await server.analyzeAll(await capture("prod"))).diagnostics, []);
        });

        it("fails mandatory when the hub policy is said to have DNS proxy off", async () => {
            const config = packConfig("prod");
            const coverage = config["azureml-egress-coverage"] as Record<string, unknown>;
            await server.configure({
                ...config,
                "azureml-egress-coverage": { ...coverage, externalPolicyDnsProxy: { "fwp-hub-prod": false } },
            });
            const violations = mandatory((await server.analyzeAll(await capture("prod"))).diagnostics);
            assert.deepStrictEqual(
                violations.map((d) => d.policy),
                ["azureml-egress-coverage"],
            );
            assert.match(violations[0].message, /^ {2}missing stamlprod001\.file\.core\.windows\.net TCP 445$/m);
            assert.match(violations[0].message, /DNS proxy is off on the policy/);
        });
    });

    describe("DNS proxy off on the policy", () => {
        const proxyOff = (resources: CapturedResource[]) =>
            resources.map((r) =>
                /:FirewallPolicy$/.test(r.type)
                    ? { ...r, props: { ...r.props, dnsSettings: { enableProxy: false } } }
                    : r,
            );

        it("dev (full): the Storage tag still carries SMB 445, and the network FQDN rules are flagged", async () => {
            await server.configure(packConfig("dev"));
            const { diagnostics } = await server.analyzeAll(proxyOff(await capture("dev")));
            assert.deepStrictEqual(
                diagnostics.map((d) => `${d.policy}:${d.enforcementLevel}`),
                ["azureml-network-fqdn-needs-dns-proxy:advisory"],
            );
            assert.match(
                diagnostics[0].message,
                /uses FQDNs in network rules \(aml-network\/fqdns-tcp-445, aml-network\/fqdns-udp-5831\)/,
            );
        });

        it("dev (least privilege): SMB 445 and the exact tundra host are missing, mandatory", async () => {
            const config = packConfig("dev");
            await server.configure({
                ...config,
                // The stack config makes the components least-privilege; the pack checks what they resolved.
                "azureml-egress-coverage": { enforcementLevel: "mandatory" },
            });
            const { config: stackConfig } = readStackFile(path.join(ROOT, "stacks"), "dev");
            pulumi.runtime.setAllConfig({ ...stackConfig, "azureml-firewall:configuration": "leastPrivilege" });
            const { runProgram } = await import("../stacks/program");
            const resources = (await captureProgram("dev", () => runProgram())).resources;
            const violations = mandatory((await server.analyzeAll(proxyOff(resources))).diagnostics);
            assert.deepStrictEqual(
                violations.map((d) => d.policy),
                ["azureml-egress-coverage"],
            );
            assert.match(violations[0].message, /^ {2}missing stamldev001\.file\.core\.windows\.net TCP 445$/m);
        });
    });

    it("dev with an allow-everything application rule: the broad-allow policy flags it", async () => {
        await server.configure(packConfig("dev"));
        const broad = {
            ruleType: "ApplicationRule",
            name: "everything",
            protocols: [{ protocolType: "Https", port: 443 }],
            sourceAddresses: ["10.20.1.0/24"],
            targetFqdns: ["*"],
        };
        const { diagnostics } = await server.analyzeAll(withExtraRule(await capture("dev"), broad));
        assert.deepStrictEqual(
            diagnostics.map((d) => `${d.policy}:${d.enforcementLevel}: ${d.message}`),
            [
                "azureml-no-broad-allow:advisory: " +
                    `${policies.find((p) => p.name === "azureml-no-broad-allow")!.description}\n` +
                    "Application rule aml-application/everything allows every FQDN ('*').",
            ],
        );
    });

    it("refuses a config its schemas reject, as the engine does", async () => {
        await assert.rejects(
            server.configure({ "azureml-egress-coverage": { configuration: "leastprivilege" } }),
            (e: unknown) =>
                e instanceof PolicyConfigError &&
                e.message ===
                    "invalid configuration for policy azureml-egress-coverage: " +
                        "configuration: must be equal to one of the allowed values",
        );
        await assert.rejects(
            server.configure({ "azureml-egres-coverage": "mandatory" }),
            /names no policy of the pack: azureml-egres-coverage/,
        );
        await assert.rejects(
            runPack(policies, [], { "azureml-egress-coverage": { configuration: "leastprivilege" } }),
            PolicyConfigError,
        );
    });

    it("the in-process runner gives the server's verdicts on the same inputs", async () => {
        const cases: [string, (r: CapturedResource[]) => CapturedResource[]][] = [
            ["as planned", (r) => r],
            ["without 5831", (r) => withRules(r, hasPort("5831"))],
            ["without 445", (r) => withRules(r, hasPort("445"))],
        ];
        for (const stack of STACKS) {
            for (const [label, mutate] of cases) {
                const resources = mutate(await capture(stack));
                await server.configure(packConfig(stack));
                const fromServer = (await server.analyzeAll(resources)).diagnostics
                    .map((d) => `${d.policy}|${d.enforcementLevel}|${d.message}`)
                    .sort();
                const inProcess = (await runPack(policies, resources, packConfig(stack)))
                    .flatMap((run) => run.violations)
                    .map((v) => `${v.policy}|${v.enforcementLevel}|${v.reported}`)
                    .sort();
                assert.deepStrictEqual(inProcess, fromServer, `${stack} ${label}`);
            }
        }
    });
});
