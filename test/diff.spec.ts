/**
 * `diff`: the impact of a change on Azure ML, through the real binary. Base and head are the audit fixtures
 * (az-shaped exports of one policy) with one edit each, two copies of examples/hub-spoke with different
 * stack config, and a `pulumi preview --json` document in Pulumi's PreviewDigest shape
 * (sdk/go/common/display/json.go: steps with op, urn, oldState, newState) built from the stack export fixture.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const FIXTURES = path.join(__dirname, "fixtures");
const WS = ["--cloud", "public", "--storage", "amlstore", "--region", "westeurope", "--source", "10.0.1.0/24"];

type Groups = any[];

function diff(...args: string[]): { code: number | null; json: any; stdout: string; stderr: string } {
    const run = spawnSync(process.execPath, [path.join(ROOT, "bin", "azureml-firewall"), "diff", ...args], {
        cwd: ROOT,
        encoding: "utf8",
    });
    let json: any;
    try {
        json = JSON.parse(run.stdout);
    } catch {
        json = undefined;
    }
    return { code: run.status, json, stdout: run.stdout, stderr: run.stderr };
}

function complete(): Groups {
    return JSON.parse(fs.readFileSync(path.join(FIXTURES, "az-rcg-list.complete.json"), "utf8"));
}

/** The Azure ML group's application rule `https-443`. */
function https443(groups: Groups): any {
    return groups[0].ruleCollections[1].rules.find((r: any) => r.name === "https-443");
}

/** A team's own group, before the Azure ML group (priority 500), with one Allow collection. */
function platform(rule: any, kind: "application" | "network"): any {
    return {
        id:
            "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-hub/providers/" +
            "Microsoft.Network/firewallPolicies/fwp-hub/ruleCollectionGroups/platform",
        name: "platform",
        priority: 500,
        ruleCollections: [
            {
                ruleCollectionType: "FirewallPolicyFilterRuleCollection",
                name: `platform-${kind}`,
                priority: 100,
                action: { type: "Allow" },
                rules: [rule],
            },
        ],
    };
}

describe("diff", function () {
    this.timeout(120000);
    let dir: string;
    const write = (name: string, value: unknown) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, JSON.stringify(value, null, 2));
        return file;
    };

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-diff-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("names a required host broken by removing a rule in an unrelated group that covered it (exit 1)", () => {
        // The Azure ML group lacks graph.microsoft.com (no service tag carries it); a team's own group allowed it.
        const base = complete();
        const rule = https443(base);
        rule.targetFqdns = rule.targetFqdns.filter((f: string) => f !== "graph.microsoft.com");
        const shared = {
            ruleType: "ApplicationRule",
            name: "graph",
            protocols: [{ protocolType: "Https", port: 443 }],
            sourceAddresses: ["10.0.0.0/16"],
            targetFqdns: ["graph.microsoft.com"],
        };
        base.push(platform(shared, "application"));
        const head = base.slice(0, -1);
        const run = diff(
            "--base",
            write("base.json", base),
            "--head",
            write("head.json", head),
            ...WS,
            "--format",
            "json",
        );
        assert.strictEqual(run.code, 1, run.stderr);
        assert.strictEqual(run.json.breaks, true);
        assert.strictEqual(run.json.policies.length, 1);
        const policy = run.json.policies[0];
        assert.strictEqual(policy.policy, "fwp-hub");
        assert.deepStrictEqual(policy.broken, [
            {
                destination: "graph.microsoft.com",
                protocol: "TCP",
                port: 443,
                scenarios: ["core"],
                workspaces: [],
                cause: "removed",
                was: "platform/platform-application/graph",
                now: "no rule (default deny)",
                status: "missing",
            },
        ]);
        assert.deepStrictEqual(policy.rules, {
            added: [],
            removed: ["platform/platform-application/graph"],
            changed: [],
            renamedOrReordered: false,
        });
        assert.strictEqual(policy.stillNotAllowed, 0);
        const markdown = diff("--base", path.join(dir, "base.json"), "--head", path.join(dir, "head.json"), ...WS);
        assert.match(
            markdown.stdout,
            /BREAKS graph\.microsoft\.com TCP 443: was allowed by platform\/platform-application\/graph, which the change removes; now missing/,
        );
    });

    it("reports a broad allow the change adds, and nothing breaking (exit 0)", () => {
        const head = complete();
        head.push(
            platform(
                {
                    ruleType: "NetworkRule",
                    name: "anything-https",
                    ipProtocols: ["TCP"],
                    sourceAddresses: ["10.0.1.0/24"],
                    destinationAddresses: ["*"],
                    destinationPorts: ["443"],
                },
                "network",
            ),
        );
        const base = write("complete.json", complete());
        const run = diff("--base", base, "--head", write("broad.json", head), ...WS, "--format", "json");
        assert.strictEqual(run.code, 0, run.stderr);
        const policy = run.json.policies[0];
        assert.deepStrictEqual(policy.broken, []);
        assert.deepStrictEqual(policy.broadAdded, [
            "Network rule platform/platform-network/anything-https allows any destination on HTTP/HTTPS ports; " +
                "network rules run before application rules, so it bypasses every application rule.",
        ]);
        assert.deepStrictEqual(policy.rules.added, ["platform/platform-network/anything-https"]);
    });

    it("calls renamed and reordered rules no impact (exit 0)", () => {
        const head = complete();
        for (const collection of head[0].ruleCollections) {
            collection.rules.reverse();
            collection.rules.forEach((r: any) => (r.name = `renamed-${r.name}`));
        }
        const run = diff("--base", write("complete.json", complete()), "--head", write("renamed.json", head), ...WS);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.match(run.stdout, /^ {2}rules only renamed or reordered: no impact$/m);
        assert.match(run.stdout, /^no required check breaks; no impact on Azure ML$/m);
        const json = diff("--base", path.join(dir, "complete.json"), "--head", path.join(dir, "renamed.json"), ...WS);
        assert.strictEqual(json.code, 0);
    });

    it("reads a pulumi preview --json document: an update that drops the Storage tag rule breaks it (exit 1)", () => {
        const exported = JSON.parse(fs.readFileSync(path.join(FIXTURES, "pulumi-stack-export.json"), "utf8"));
        const steps = exported.deployment.resources.map((state: any) => {
            if (!state.type.endsWith("FirewallPolicyRuleCollectionGroup")) {
                return { op: "same", urn: state.urn, oldState: state, newState: state, detailedDiff: null };
            }
            const updated = JSON.parse(JSON.stringify(state));
            for (const props of [updated.inputs, updated.outputs].filter(Boolean)) {
                for (const c of props.ruleCollections ?? []) {
                    c.rules = c.rules.filter((r: any) => r.name !== "tags-tcp-443-445");
                }
            }
            return {
                op: "update",
                urn: state.urn,
                oldState: state,
                newState: updated,
                diffReasons: ["ruleCollections"],
                detailedDiff: { "ruleCollections[0].rules[0]": { kind: "delete", inputDiff: true } },
            };
        });
        const preview = write("preview.json", { steps, changeSummary: { same: steps.length - 1, update: 1 } });
        const run = diff("--preview", preview, ...WS, "--format", "json");
        assert.strictEqual(run.code, 1, run.stderr);
        assert.deepStrictEqual(
            run.json.policies.flatMap((p: any) => p.broken.map((b: any) => [p.policy, b.destination, b.port, b.cause])),
            [
                ["fwp-hub", "Storage.WestEurope", 443, "removed"],
                ["fwp-hub", "Storage.WestEurope", 445, "removed"],
            ],
        );
        assert.deepStrictEqual(run.json.notes, []);
        // Without --show-sames the unchanged resources are not in the document: the output says so.
        const changedOnly = write("preview-changes.json", { steps: steps.filter((s: any) => s.op !== "same") });
        const partial = diff("--preview", changedOnly, ...WS, "--format", "json");
        assert.match(
            partial.json.notes[0],
            /has no unchanged resources \(pulumi preview --json without --show-sames\)/,
        );
    });

    it("shows a removed scenario of a program, with the hosts it no longer allows and from where", () => {
        const copies = ["base", "head"].map((side) => {
            const copy = path.join(ROOT, "examples", `.diff-${side}-${process.pid}`);
            fs.cpSync(path.join(ROOT, "examples", "hub-spoke"), copy, { recursive: true });
            return copy;
        });
        try {
            fs.appendFileSync(path.join(copies[1], "Pulumi.dev.yaml"), "");
            const settings = fs.readFileSync(path.join(copies[1], "Pulumi.dev.yaml"), "utf8");
            fs.writeFileSync(
                path.join(copies[1], "Pulumi.dev.yaml"),
                settings.replace(/ {2}hub-spoke:scenarios:\n {4}- python\n/, "  hub-spoke:scenarios: []\n"),
            );
            const run = diff("--base", copies[0], "--head", copies[1], "--format", "json");
            assert.strictEqual(run.code, 0, run.stderr);
            const policy = run.json.policies[0];
            assert.deepStrictEqual(
                [policy.policy, policy.change, policy.scenariosRemoved],
                ["aml-egress-policy", "changed", ["python"]],
            );
            assert.deepStrictEqual(policy.sources, ["10.1.0.0/24"]);
            assert.ok(
                policy.noLongerAllowed.some((c: any) => c.destination === "pypi.org" && c.port === 443),
                JSON.stringify(policy.noLongerAllowed),
            );
            assert.deepStrictEqual(policy.broken, []);
            const markdown = diff("--base", copies[0], "--head", copies[1], "--format", "markdown");
            assert.match(
                markdown.stdout,
                /^- no longer allowed from 10\.1\.0\.0\/24 \(no longer required\): pypi\.org TCP 443 \(python; workspace mlw-hubspoke\)$/m,
            );
        } finally {
            copies.forEach((copy) => fs.rmSync(copy, { recursive: true, force: true }));
        }
    });

    it("reads plan JSON of this version and of one before it (no urn, custom, parentUrn) alike", () => {
        const plan = spawnSync(
            process.execPath,
            [path.join(ROOT, "bin", "azureml-firewall"), "plan", "--stack", "dev", "--format", "json"],
            { cwd: ROOT, encoding: "utf8" },
        );
        assert.strictEqual(plan.status, 0, plan.stderr);
        const head = JSON.parse(plan.stdout);
        const old = {
            ...head,
            resources: head.resources.map((r: any) => ({
                type: r.type,
                name: r.name,
                parent: r.parent,
                inputs: r.inputs,
                outputs: r.outputs,
            })),
        };
        const run = diff("--base", write("old-plan.json", old), "--head", write("plan.json", head), "--format", "json");
        assert.strictEqual(run.code, 0, run.stderr);
        const policy = run.json.policies[0];
        assert.deepStrictEqual(
            [policy.policy, policy.change, policy.scenariosAdded, policy.scenariosRemoved, policy.problems],
            ["aml-dev-policy", "unchanged", [], [], []],
        );
    });

    it("names the workspaces a change stops or starts serving, and who needs each check", () => {
        const { changeImpact } = require("../components/coverage/impact");
        const { resolveRequirements } = require("../components/requirements");
        const needs = (names: string[]) =>
            resolveRequirements({
                cloud: "AzurePublic",
                workspaces: names.map((name, i) => ({
                    name,
                    storageAccountName: `stml${i}0001`,
                    region: "westeurope",
                })),
            }).requirements;
        const state = (names: string[]) => ({
            name: "fwp-hub",
            groups: complete(),
            requirements: needs(names),
            sources: { addresses: ["10.0.1.0/24"], ipGroups: [] },
        });
        const impact = changeImpact([state(["mlw-a", "mlw-b"])], [state(["mlw-a"])]);
        const policy = impact.policies[0];
        assert.deepStrictEqual(
            [policy.workspacesRemoved, policy.workspacesAdded, policy.change],
            [["mlw-b"], [], "changed"],
        );
        assert.ok(
            policy.noLongerAllowed.every((c: any) => c.workspaces.includes("mlw-b")),
            JSON.stringify(policy.noLongerAllowed.slice(0, 2)),
        );
    });

    it("refuses what it cannot compare, in one line (exit 2)", () => {
        const base = write("complete.json", complete());
        const preview = write("p.json", { steps: [] });
        const exported = path.join(FIXTURES, "pulumi-stack-export.json");
        const cases: [string[], RegExp][] = [
            [["--base", base], /give --base and --head \(two rule sources\), or --preview FILE/],
            [["--preview", preview, "--base", base], /give --preview FILE alone, or --base and --head, not both/],
            [
                ["--base", preview, "--head", base, ...WS],
                /is a pulumi preview --json document, which holds both states/,
            ],
            [
                ["--base", base, "--head", base],
                /neither side says what Azure ML needs .* give --cloud, --storage and --region/,
            ],
            [["--base", path.join(dir, "nope.json"), "--head", base, ...WS], /nope\.json: no such file or folder/],
            [
                ["--base", base, "--head", base, "--stack", "prod", ...WS],
                /--stack chooses the stack of a program folder; neither --base nor --head is one/,
            ],
            [
                ["--base", exported, "--head", exported, "--dns-proxy", "off", ...WS],
                /--dns-proxy: every policy of both sources has settings of its own .* so it would change nothing/,
            ],
        ];
        for (const [args, message] of cases) {
            const run = diff(...args);
            assert.strictEqual(run.code, 2, `${args.join(" ")}: ${run.stdout}${run.stderr}`);
            assert.match(run.stderr, message);
        }
    });
});
