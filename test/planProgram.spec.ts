/**
 * `plan --program DIR`: a user's own Pulumi program run as the Node host runs it, under mocks, with the
 * real policy server's verdict. The program written from scratch against the packed tarball is in
 * package.spec.ts; here the example in this repository and what a project folder can get wrong.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { hubSpokeResources } from "./helpers/hubSpoke";

const ROOT = path.join(__dirname, "..");
const BIN = path.join(ROOT, "bin", "azureml-firewall");

function plan(...args: string[]): { code: number | null; stdout: string; stderr: string } {
    const run = spawnSync(process.execPath, [BIN, "plan", ...args], { cwd: ROOT, encoding: "utf8" });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A project folder inside the repository, so that it resolves the repository's @pulumi/pulumi. */
function project(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(ROOT, "test", ".program-"));
    for (const [name, text] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

/** A JavaScript program with the component and the team's own VNet; `extra` runs at its end. */
const PROGRAM = [
    'const pulumi = require("@pulumi/pulumi");',
    'const network = require("@pulumi/azure-native/network");',
    `const { AmlFirewallPolicy } = require(${JSON.stringify(path.join(ROOT, "dist", "components"))});`,
    "const config = new pulumi.Config();",
    'new network.VirtualNetwork("hub", { resourceGroupName: "rg-hub",',
    '    addressSpace: { addressPrefixes: ["10.0.0.0/16"] } });',
    'const egress = new AmlFirewallPolicy("aml", { workspaceName: config.require("workspace"),',
    '    storageAccountName: "stmlprod001", region: "westeurope", resourceGroupName: "rg-hub",',
    '    sourceAddresses: ["10.1.0.0/24"] });',
    "module.exports = { policy: egress.firewallPolicyId, secret: config.get('apiKey') };",
].join("\n");

describe("plan --program", function () {
    this.timeout(120000);

    it("runs examples/hub-spoke (TypeScript, its Pulumi.dev.yaml) with its own VNets and firewall", () => {
        const run = plan("--program", "examples/hub-spoke", "--format", "json");
        assert.strictEqual(run.code, 0, run.stderr);
        const json = JSON.parse(run.stdout);
        assert.deepStrictEqual([json.project, json.stack], ["hub-spoke", "dev"]);
        assert.deepStrictEqual(
            json.resources.map((r: { type: string; name: string }) => `${r.type}::${r.name}`).sort(),
            hubSpokeResources("hub-spoke-dev"),
        );
        assert.deepStrictEqual(json.policy, { violations: [], cannotRun: [] });
        const rcg = json.resources.find((r: { name: string }) => r.name === "aml-egress-rcg");
        const fqdns = rcg.inputs.ruleCollections.flatMap((c: { rules: { targetFqdns?: string[] }[] }) =>
            c.rules.flatMap((r) => r.targetFqdns ?? []),
        );
        // The stack's config reached the program: its storage account and the python scenario's hosts.
        assert.ok(fqdns.includes("stamlhubspoke01.blob.core.windows.net"), fqdns.join(" "));
        assert.ok(fqdns.includes("pypi.org"), fqdns.join(" "));
    });

    it("reads the project's stack (one there), project-namespaced keys, and stands in for a secret with a note", () => {
        const dir = project({
            "Pulumi.yaml": "name: egress\nruntime: nodejs\nmain: main.js\n",
            "Pulumi.prod.yaml": "config:\n  workspace: mlw-prod\n  egress:apiKey:\n    secure: AAABAE0x\n",
            "main.js": PROGRAM,
        });
        try {
            const run = plan("--program", dir, "--format", "json");
            assert.strictEqual(run.code, 0, run.stderr);
            const json = JSON.parse(run.stdout);
            assert.deepStrictEqual([json.project, json.stack], ["egress", "prod"]);
            assert.strictEqual(json.resources[0].outputs.secret, "[secret]");
            assert.strictEqual(
                json.notes[0],
                "secret config egress:apiKey: not decrypted offline; the program saw the text [secret]",
            );
            const names = json.resources.map((r: { name: string }) => r.name);
            assert.deepStrictEqual(names, ["egress-prod", "hub", "aml", "aml-policy", "aml-rcg"]);
            const markdown = plan("--program", dir, "--format", "markdown");
            assert.strictEqual(markdown.code, 0, markdown.stderr);
            assert.match(
                markdown.stdout,
                /^## azureml-firewall plan: egress \/ prod\n\n\*\*Policy pack:\*\* no violations/,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("finds the entry as the Node host does (package.json main), applies config defaults, runs ESM", () => {
        const commonjs = project({
            "Pulumi.yaml": "name: egress\nruntime: nodejs\nconfig:\n  workspace:\n    default: mlw-dflt\n",
            "package.json": JSON.stringify({ name: "egress", main: "app.js" }),
            "Pulumi.dev.yaml": "config: {}\n",
            "app.js": PROGRAM,
        });
        const esm = project({
            "Pulumi.yaml": "name: egress\nruntime: nodejs\nmain: main.mjs\n",
            "Pulumi.dev.yaml": "config:\n  workspace: mlw-esm\n",
            "main.mjs": [
                'import { createRequire } from "module";',
                "const require = createRequire(import.meta.url);",
                PROGRAM.replace("module.exports = ", "const outputs = "),
                "export default async () => outputs;",
            ].join("\n"),
        });
        try {
            for (const [dir, workspace] of [
                [commonjs, "mlw-dflt"],
                [esm, "mlw-esm"],
            ]) {
                const run = plan("--program", dir, "--format", "json");
                assert.strictEqual(run.code, 0, run.stderr);
                const component = JSON.parse(run.stdout).resources.find((r: { name: string }) => r.name === "aml");
                const workspaces = component.outputs.requirements.flatMap(
                    (r: { workspaces?: string[] }) => r.workspaces,
                );
                assert.ok(workspaces.includes(workspace), `${dir}: ${[...new Set(workspaces)]}`);
            }
        } finally {
            fs.rmSync(commonjs, { recursive: true, force: true });
            fs.rmSync(esm, { recursive: true, force: true });
        }
    });

    it("says what is wrong with the folder, the stack or the program, in one line (exit 2)", () => {
        const dir = project({
            "Pulumi.yaml": "name: egress\nruntime: nodejs\nmain: main.js\n",
            "Pulumi.a.yaml": "config:\n  workspace: mlw-a\n",
            "Pulumi.b.yaml": "config: {}\n",
            "main.js": PROGRAM,
        });
        const python = project({ "Pulumi.yaml": "name: egress\nruntime:\n  name: python\n" });
        try {
            const cases: [string[], RegExp][] = [
                [["--program", dir], /it has the stacks a, b; choose one with --stack NAME$/],
                [["--program", dir, "--stack", "c"], /--stack c: no Pulumi\.c\.yaml in .*; stacks there: a, b$/],
                [
                    ["--program", dir, "--stack", "b"],
                    /Pulumi\.b\.yaml: the program failed: Missing required configuration variable 'egress:workspace'/,
                ],
                [["--program", dir, "--stack-file", "x.yaml"], /give --program DIR .* or --stack-file PATH, not both$/],
                [["--program", python], /runtime "python"; plan --program runs Node\.js programs/],
                [
                    ["--program", path.join(dir, "nowhere")],
                    /no Pulumi\.yaml there; give the folder of a Pulumi project$/,
                ],
            ];
            for (const [args, message] of cases) {
                const run = plan(...args);
                assert.strictEqual(run.code, 2, `${args.join(" ")}: ${run.stdout}${run.stderr}`);
                assert.match(run.stderr.trim(), /^azureml-firewall: /, args.join(" "));
                assert.match(run.stderr.trim(), message, args.join(" "));
                assert.strictEqual(run.stderr.trim().split("\n").length, 1, run.stderr);
            }
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
            fs.rmSync(python, { recursive: true, force: true });
        }
    });
});
