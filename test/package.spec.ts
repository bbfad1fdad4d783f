import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { USER_PACK_CONFIG, USER_PROGRAM, USER_VARIANTS } from "./helpers/userProgram";

const ROOT = path.join(__dirname, "..");

/** Packs this package (already built) into `dir`; returns the tarball's file name. */
function packInto(dir: string): string {
    return execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", dir], {
        cwd: ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
    })
        .trim()
        .split("\n")
        .pop()!;
}

/**
 * The user's own TypeScript program beside the installed tarball (no typescript or ts-node installed: the
 * ones Pulumi vendors), checked with `npx azureml-firewall plan --program .` for each variant: the verdicts
 * of the real policy server, and the exit code.
 */
function checkUserProgram(app: string): void {
    fs.writeFileSync(path.join(app, "index.ts"), USER_PROGRAM);
    fs.writeFileSync(path.join(app, "Pulumi.yaml"), "name: network-stack\nruntime: nodejs\n");
    fs.writeFileSync(path.join(app, "policy-config.json"), JSON.stringify(USER_PACK_CONFIG));
    const verdicts: Record<string, unknown> = {};
    for (const variant of USER_VARIANTS) {
        fs.writeFileSync(path.join(app, `Pulumi.${variant}.yaml`), `config:\n  network-stack:variant: ${variant}\n`);
        const run = spawnSync(
            "npx",
            [
                "azureml-firewall",
                "plan",
                "--program",
                ".",
                "--stack",
                variant,
                "--policy-config",
                "policy-config.json",
            ].concat(["--format", "json"]),
            { cwd: app, encoding: "utf8" },
        );
        const json = JSON.parse(run.stdout || "{}");
        verdicts[variant] = {
            exit: run.status,
            resources: json.resources?.length,
            violations: json.policy?.violations.map(
                (v: { policy: string; enforcementLevel: string; message: string }) => [
                    v.policy,
                    v.enforcementLevel,
                    v.message.split("\n")[1],
                ],
            ),
            stderr: run.stderr,
        };
    }
    assert.deepStrictEqual(verdicts, {
        clean: { exit: 0, resources: 10, violations: [], stderr: "" },
        missing: {
            exit: 1,
            resources: 8,
            violations: [
                [
                    "azureml-egress-coverage",
                    "mandatory",
                    "Firewall policy fwp-hub does not allow 44 of 44 checks Azure ML needs:",
                ],
            ],
            stderr: "",
        },
        broad: {
            exit: 1,
            resources: 10,
            violations: [
                [
                    "azureml-no-broad-allow",
                    "mandatory",
                    "Network rule platform-network/anything-https allows any destination on HTTP/HTTPS ports; " +
                        "network " +
                        "rules run before application rules, so it bypasses every application rule.",
                ],
            ],
            stderr: "",
        },
        dnsOff: {
            exit: 0,
            resources: 10,
            violations: [
                [
                    "azureml-network-fqdn-needs-dns-proxy",
                    "advisory",
                    "Rule collection group aml-egress-rcg uses FQDNs in network rules (aml-network/fqdns-tcp-445, " +
                        "aml-network/fqdns-udp-5831), but its policy fwp-hub does not enable DNS proxy " +
                        "(dnsSettings.enableProxy / dns.proxyEnabled); those rules allow nothing.",
                ],
            ],
            stderr: "",
        },
    });
}

describe("npm package", function () {
    this.timeout(120000);

    it("ships compiled JavaScript and declarations, with Pulumi SDKs as peer dependencies", () => {
        const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
            cwd: ROOT,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
        });
        const [info] = JSON.parse(out);
        const files: string[] = info.files.map((f: { path: string }) => f.path);
        for (const file of [
            "dist/components/index.js",
            "dist/components/index.d.ts",
            "dist/components/amlFirewallPolicy.js",
            "dist/components/amlFirewallPolicy.d.ts",
            "dist/components/catalog/data.js",
            "bin/azureml-firewall",
            "package.json",
            "README.md",
            "docs/cli.md",
            "docs/components.md",
            "LICENSE",
            "dist/components/catalog/serviceTags.json",
        ]) {
            assert.ok(files.includes(file), `package lacks ${file}`);
        }
        assert.strictEqual(
            files.some((f) => f.startsWith("test/") || (f.endsWith(".ts") && !f.endsWith(".d.ts"))),
            false,
        );
        const pkg = require(path.join(ROOT, "package.json"));
        assert.deepStrictEqual(Object.keys(pkg.peerDependencies).sort(), [
            "@pulumi/azure",
            "@pulumi/azure-native",
            "@pulumi/policy",
            "@pulumi/pulumi",
        ]);
        assert.deepStrictEqual(pkg.peerDependenciesMeta, {
            "@pulumi/azure": { optional: true },
            "@pulumi/policy": { optional: true },
        });
        for (const file of [
            "dist/cli/plan.js",
            "dist/cli/offline/mocks.js",
            "dist/cli/offline/policyRunner.js",
            "dist/stacks/program.js",
            "dist/policy/policies/index.js",
        ]) {
            assert.ok(files.includes(file), `package lacks ${file}, which plan runs`);
        }
        assert.ok(files.includes("dist/components/classic.js") && files.includes("dist/components/classic.d.ts"));
        for (const name of Object.keys(pkg.peerDependencies)) {
            assert.strictEqual(pkg.dependencies[name], undefined, `${name} must not also be a dependency`);
        }
        assert.match(pkg.devDependencies.typescript, /^[~^]?5\./);
        // Installing the tarball runs nothing: no install-time script to approve, dist/ is already built.
        for (const script of ["preinstall", "install", "postinstall", "prepare"]) {
            assert.strictEqual(pkg.scripts[script], undefined, `package.json has an install-time "${script}" script`);
        }
        // No "main": npm users resolve through "exports"; a folder (the Pulumi plugin) resolves to index.ts.
        assert.strictEqual(pkg.main, undefined);
        assert.strictEqual(pkg.exports["."].default, "./dist/components/index.js");
    });

    it(
        "serves the classic component from the azureml-firewall/classic sub-path, and the root never loads " +
            "@pulumi/azure",
        () => {
            const script = [
                "const root = require('azureml-firewall');",
                "const loaded = () => Object.keys(require.cache).some((k) => " +
                    "k.includes('/node_modules/@pulumi/azure/'));",
                "const before = loaded();",
                "const classic = require('azureml-firewall/classic');",
                "console.log(JSON.stringify({ root: typeof root.AmlFirewallPolicy, classic: typeof " +
                    "classic.AmlFirewallPolicyClassic, before, after: loaded() }));",
            ].join("\n");
            const out = execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
            assert.deepStrictEqual(JSON.parse(out), {
                root: "function",
                classic: "function",
                before: false,
                after: true,
            });
        },
    );

    it("installs as a package whose CLI runs with npx for hosts and audit, without the Pulumi SDKs", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-pack-"));
        try {
            const packed = packInto(dir);
            const app = path.join(dir, "app");
            fs.mkdirSync(app);
            fs.writeFileSync(
                path.join(app, "package.json"),
                JSON.stringify({ name: "consumer", version: "1.0.0", private: true }),
            );
            execFileSync(
                "npm",
                ["install", path.join(dir, packed), "--omit=peer", "--prefer-offline", "--no-audit", "--no-fund"],
                { cwd: app, stdio: "ignore" },
            );
            assert.strictEqual(
                fs.existsSync(path.join(app, "node_modules", "@pulumi")),
                false,
                "no Pulumi SDK installed",
            );
            const hosts = JSON.parse(
                execFileSync(
                    "npx",
                    [
                        "--no-install",
                        "azureml-firewall",
                        "hosts",
                        "--cloud",
                        "public",
                        "--storage",
                        "amlstore",
                        "--region",
                        "westeurope",
                        "--format",
                        "json",
                    ],
                    { cwd: app, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
                ),
            );
            assert.ok(hosts.some((h: { destination: string }) => h.destination === "westeurope.tundra.azureml.ms"));
            const audit = JSON.parse(
                execFileSync(
                    "npx",
                    [
                        "--no-install",
                        "azureml-firewall",
                        "audit",
                        "--rules",
                        path.join(__dirname, "fixtures", "az-rcg-list.complete.json"),
                        "--policy",
                        path.join(__dirname, "fixtures", "az-policy.json"),
                        "--cloud",
                        "public",
                        "--storage",
                        "amlstore",
                        "--region",
                        "westeurope",
                        "--format",
                        "json",
                    ],
                    { cwd: app, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
                ),
            );
            assert.deepStrictEqual(audit.summary, { checks: 44, allowed: 44, denied: 0, missing: 0, indeterminate: 0 });
            const stackFile = path.join(dir, "Pulumi.edge.yaml");
            fs.copyFileSync(path.join(ROOT, "stacks", "Pulumi.dev.yaml"), stackFile);
            const noSdk = spawnSync("npx", ["--no-install", "azureml-firewall", "plan", "--stack-file", stackFile], {
                cwd: app,
                encoding: "utf8",
            });
            assert.strictEqual(noSdk.status, 2);
            assert.match(
                noSdk.stderr,
                /^azureml-firewall: plan needs @pulumi\/pulumi: install @pulumi\/pulumi, @pulumi\/azure-native and @pulumi\/policy beside azureml-firewall \(npm install @pulumi\/pulumi @pulumi\/azure-native @pulumi\/policy\)$/m,
            );
            // With @pulumi/pulumi but not @pulumi/azure, the classic sub-path names the package to install.
            const scoped = path.join(app, "node_modules", "@pulumi");
            fs.mkdirSync(scoped);
            fs.symlinkSync(path.join(ROOT, "node_modules", "@pulumi", "pulumi"), path.join(scoped, "pulumi"));
            const classic = spawnSync(process.execPath, ["-e", "require('azureml-firewall/classic')"], {
                cwd: app,
                encoding: "utf8",
            });
            assert.strictEqual(classic.status, 1);
            assert.match(
                classic.stderr,
                /Error: azureml-firewall\/classic needs @pulumi\/azure \(the classic component uses the @pulumi\/azure provider\), which is not installed: npm install @pulumi\/azure@"\^6\.0\.0"/,
            );
            // With @pulumi/pulumi and @pulumi/azure-native but not @pulumi/policy (which the pack runs in a
            // process of its own), plan names it in one line instead of the policy server's trace.
            fs.symlinkSync(
                path.join(ROOT, "node_modules", "@pulumi", "azure-native"),
                path.join(scoped, "azure-native"),
            );
            const noPolicy = spawnSync("npx", ["--no-install", "azureml-firewall", "plan", "--stack-file", stackFile], {
                cwd: app,
                encoding: "utf8",
            });
            assert.deepStrictEqual(
                [noPolicy.status, noPolicy.stderr.trim()],
                [
                    2,
                    "azureml-firewall: plan needs @pulumi/policy: install @pulumi/pulumi, @pulumi/azure-native and " +
                        "@pulumi/policy beside azureml-firewall (npm install @pulumi/pulumi @pulumi/azure-native " +
                        "@pulumi/policy)",
                ],
            );
            fs.rmSync(scoped, { recursive: true });
            // With the peer SDKs beside it (linked from this checkout), plan runs the compiled program and pack: no
            // ts-node there.
            fs.symlinkSync(path.join(ROOT, "node_modules", "@pulumi"), path.join(app, "node_modules", "@pulumi"));
            assert.strictEqual(fs.existsSync(path.join(app, "node_modules", "ts-node")), false);
            const plan = spawnSync(
                "npx",
                ["--no-install", "azureml-firewall", "plan", "--stack-file", stackFile, "--format", "json"],
                { cwd: app, encoding: "utf8" },
            );
            assert.strictEqual(plan.status, 0, plan.stderr);
            const out = JSON.parse(plan.stdout);
            assert.strictEqual(out.stack, "edge");
            assert.deepStrictEqual(
                out.resources.map((r: { type: string; name: string }) => `${r.type} ${r.name}`),
                [
                    "pulumi:pulumi:Stack azureml-firewall-edge",
                    "azureml-firewall:index:AmlFirewallPolicy aml-edge",
                    "azure-native:network:FirewallPolicy aml-edge-policy",
                    "azure-native:network:FirewallPolicyRuleCollectionGroup aml-edge-rcg",
                ],
            );
            assert.deepStrictEqual(out.policy.violations, []);
            // --stack names a stack of a clone; the installed package has none and says what to give instead.
            const byName = spawnSync("npx", ["--no-install", "azureml-firewall", "plan", "--stack", "dev"], {
                cwd: app,
                encoding: "utf8",
            });
            assert.deepStrictEqual(
                [byName.status, byName.stderr.trim()],
                [
                    2,
                    "azureml-firewall: --stack dev names a stack of a clone of this project, and this is an " +
                        "installed package; give your program's folder with --program DIR, or a stack file of " +
                        "this project's format with --stack-file PATH",
                ],
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("installs the tarball with peers: one @pulumi/pulumi; user mocks test, pack test, plan --program", function () {
        this.timeout(600000);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-peers-"));
        try {
            const packed = packInto(dir);
            const version = (name: string) => require(path.join(ROOT, "node_modules", name, "package.json")).version;
            const app = path.join(dir, "network-stack");
            fs.mkdirSync(app);
            // The README's Install section, as a user runs it: the tarball and the peers at the versions tested.
            fs.writeFileSync(
                path.join(app, "package.json"),
                JSON.stringify({ name: "network-stack", version: "1.0.0", private: true }),
            );
            execFileSync(
                "npm",
                [
                    "install",
                    path.join(dir, packed),
                    `@pulumi/pulumi@${version("@pulumi/pulumi")}`,
                    `@pulumi/azure-native@${version("@pulumi/azure-native")}`,
                    `@pulumi/policy@${version("@pulumi/policy")}`,
                    "--prefer-offline",
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                ],
                { cwd: app, stdio: "ignore" },
            );
            const copies = execFileSync("npm", ["ls", "@pulumi/pulumi", "--all", "--parseable"], {
                cwd: app,
                encoding: "utf8",
            })
                .trim()
                .split("\n")
                .filter(Boolean);
            assert.deepStrictEqual(copies, [path.join(app, "node_modules", "@pulumi", "pulumi")]);
            // A user's own unit test of the component under Pulumi's mocks, in plain JavaScript.
            fs.writeFileSync(
                path.join(app, "egress.test.js"),
                [
                    'const pulumi = require("@pulumi/pulumi");',
                    "const made = [];",
                    "pulumi.runtime.setMocks({",
                    "    newResource: (a) => { made.push(a.type); return { id: `${a.name}-id`, state: a.inputs }; },",
                    "    call: (a) => a.inputs,",
                    "});",
                    'const { AmlFirewallPolicy } = require("azureml-firewall");',
                    'const egress = new AmlFirewallPolicy("aml-egress", {',
                    '    workspaceName: "mlw-prod", storageAccountName: "stmlprod001", region: "westeurope",',
                    '    resourceGroupName: "rg-network", sourceAddresses: ["10.20.1.0/24"],',
                    "});",
                    "pulumi.all([egress.ruleCount, egress.ruleCollectionGroupId, egress.firewallPolicyId])",
                    "    .apply(([count, group, policy]) => {",
                    "        console.log(JSON.stringify({ count, group, policy, made: [...new Set(made)].sort() }));",
                    "    });",
                ].join("\n"),
            );
            const out = execFileSync(process.execPath, ["egress.test.js"], { cwd: app, encoding: "utf8" });
            const result = JSON.parse(out.trim().split("\n").pop()!);
            assert.ok(result.count > 5, out);
            assert.deepStrictEqual([result.group, result.policy], ["aml-egress-rcg-id", "aml-egress-policy-id"]);
            assert.deepStrictEqual(result.made, [
                "azure-native:network:FirewallPolicy",
                "azure-native:network:FirewallPolicyRuleCollectionGroup",
                "azureml-firewall:index:AmlFirewallPolicy",
            ]);
            // The same user's test of its program with the pack, through azureml-firewall/testing.
            fs.writeFileSync(
                path.join(app, "policy.test.js"),
                [
                    'const network = require("@pulumi/azure-native/network");',
                    'const { AmlFirewallPolicy } = require("azureml-firewall");',
                    'const { checkProgram } = require("azureml-firewall/testing");',
                    "checkProgram(() => {",
                    '    const egress = new AmlFirewallPolicy("aml", { workspaceName: "mlw-prod",',
                    '        storageAccountName: "stmlprod001", region: "westeurope", resourceGroupName: "rg-network",',
                    '        sourceAddresses: ["10.20.1.0/24"] });',
                    '    new network.FirewallPolicyRuleCollectionGroup("anything", { resourceGroupName: "rg-network",',
                    '        firewallPolicyName: "aml-policy", priority: 3000, ruleCollections: [{',
                    '            ruleCollectionType: "FirewallPolicyFilterRuleCollection",',
                    '            name: "any", priority: 3100,',
                    '            action: { type: "Allow" }, rules: [{ ruleType: "NetworkRule", name: "any-443",',
                    '                ipProtocols: ["TCP"], sourceAddresses: ["10.20.1.0/24"],',
                    '                destinationAddresses: ["*"],',
                    '                destinationPorts: ["443"] }] }] }, { dependsOn: [egress] });',
                    '}, { policyConfig: { "azureml-no-broad-allow": "mandatory" } }).then((v) => console.log(',
                    "    JSON.stringify({ mandatory: v.mandatory,",
                    "        violations: v.violations.map((x) => [x.policy, x.enforcementLevel]) })));",
                ].join("\n"),
            );
            const checked = execFileSync(process.execPath, ["policy.test.js"], { cwd: app, encoding: "utf8" });
            assert.deepStrictEqual(JSON.parse(checked.trim().split("\n").pop()!), {
                mandatory: true,
                violations: [["azureml-no-broad-allow", "mandatory"]],
            });
            checkUserProgram(app);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("exports the component and the pure functions from the package root", () => {
        const root = require(path.join(ROOT, "dist", "components", "index.js"));
        for (const name of [
            "AmlFirewallPolicy",
            "resolveRequirements",
            "planRules",
            "planPolicy",
            "parseCloud",
            "CATALOG",
            "validateSources",
        ]) {
            assert.ok(root[name] !== undefined, `root export lacks ${name}`);
        }
        for (const name of [
            "cmp",
            "shortHash",
            "isPlain",
            "UNKNOWN_SENTINEL",
            "stripUndefined",
            "preparePlan",
            "normaliseName",
            "AZURE_NAME",
        ]) {
            assert.strictEqual(root[name], undefined, `root exports the internal ${name}`);
        }
    });
});
