/**
 * `--workspaces FILE`: several workspaces on the CLI, in the components' `workspaces` format, for `hosts`,
 * `audit`, `diagnose` and `diff`; the same requirements the component resolves for the same workspaces.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { AmlWorkspace } from "../components/args";
import type { Scenario } from "../components/catalog/types";
import { captureProgram } from "./helpers/mocks";

const ROOT = path.join(__dirname, "..");
const FIXTURES = path.join(__dirname, "fixtures");

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
    const run = spawnSync(process.execPath, [path.join(ROOT, "bin", "azureml-firewall"), ...args], {
        encoding: "utf8",
    });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const WORKSPACES: AmlWorkspace[] = [
    { name: "mlw-a", storageAccountName: "amlstore", region: "westeurope", scenarios: ["python" as Scenario] },
    { name: "mlw-b", storageAccountName: "stamlb001" },
];

describe("--workspaces FILE", function () {
    this.timeout(60000);
    let dir: string;
    let file: string;

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-workspaces-"));
        file = path.join(dir, "workspaces.yaml");
        fs.writeFileSync(
            file,
            [
                "# the components' workspaces argument, as YAML",
                "- name: mlw-a",
                "  storageAccountName: amlstore",
                "  region: westeurope",
                "  scenarios: [python]",
                "- name: mlw-b",
                "  storageAccountName: stamlb001",
                "",
            ].join("\n"),
        );
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const catalog = () => ["--cloud", "public", "--workspaces", file, "--region", "westeurope"];

    it("hosts gives exactly the requirements AmlFirewallPolicy resolves for the same workspaces", async () => {
        const run = cli("hosts", ...catalog(), "--format", "json");
        assert.strictEqual(run.code, 0, run.stderr);
        const { AmlFirewallPolicy } = await import("../components/amlFirewallPolicy");
        const { resources } = await captureProgram("workspaces", () => {
            new AmlFirewallPolicy("aml", {
                workspaces: WORKSPACES,
                region: "westeurope",
                resourceGroupName: "rg-hub",
                sourceAddresses: ["10.0.1.0/24"],
            });
        });
        const component = resources.find((r) => r.type === "azureml-firewall:index:AmlFirewallPolicy")!;
        assert.deepStrictEqual(JSON.parse(run.stdout), component.props.requirements);
        const storage = JSON.parse(run.stdout).filter((r: { destination: string }) =>
            /^stamlb001\./.test(r.destination),
        );
        assert.deepStrictEqual(
            storage.map((r: { destination: string; workspaces: string[] }) => [r.destination, r.workspaces]),
            [
                ["stamlb001.blob.core.windows.net", ["mlw-b"]],
                ["stamlb001.dfs.core.windows.net", ["mlw-b"]],
                ["stamlb001.file.core.windows.net", ["mlw-b"]],
                ["stamlb001.file.core.windows.net", ["mlw-b"]],
            ],
        );
    });

    it("audit checks every workspace: the second's storage and the first's python hosts are missing (exit 1)", () => {
        const run = cli(
            "audit",
            "--rules",
            path.join(FIXTURES, "az-rcg-list.least-privilege.json"),
            "--policy",
            path.join(FIXTURES, "az-policy.json"),
            ...catalog(),
            "--configuration",
            "leastPrivilege",
            "--source",
            "10.0.1.0/24",
            "--format",
            "json",
        );
        assert.strictEqual(run.code, 1, run.stderr);
        const failing = JSON.parse(run.stdout).results.filter((r: { status: string }) => r.status !== "allowed");
        assert.deepStrictEqual(
            failing.map((r: { destination: string; port: number; status: string }) => `${r.destination}:${r.port}`),
            [
                "*.anaconda.com:443",
                "*.anaconda.org:443",
                "*.pythonhosted.org:443",
                "*.pytorch.org:443",
                "*.tensorflow.org:443",
                "anaconda.com:443",
                "pypi.org:443",
                "pytorch.org:443",
                "stamlb001.dfs.core.windows.net:443",
                "stamlb001.file.core.windows.net:443",
                "stamlb001.file.core.windows.net:445",
            ],
        );
    });

    it("refuses a flag beside the file, a field the format lacks, a missing file, in one line (exit 2)", () => {
        const typo = path.join(dir, "typo.json");
        fs.writeFileSync(
            typo,
            JSON.stringify([{ name: "mlw-a", storageAcountName: "amlstore", region: "westeurope" }]),
        );
        const cases: [string[], RegExp][] = [
            [
                ["hosts", "--cloud", "public", "--workspaces", file, "--storage", "amlstore"],
                /^azureml-firewall: --storage: give it per workspace in the --workspaces file/,
            ],
            [
                ["hosts", "--cloud", "public", "--workspaces", typo],
                /^azureml-firewall: --workspaces .*typo\.json: workspaces\[0\]\.storageAcountName: "amlstore" is not valid; not a workspace field; the fields are name, storageAccountName, region, scenarios, containerRegistryName, workspaceId\. Did you mean storageAccountName\?$/,
            ],
            [
                ["hosts", "--cloud", "public", "--workspaces", path.join(dir, "none.yaml")],
                /^azureml-firewall: --workspaces .*none\.yaml: file not found$/,
            ],
            [
                ["hosts", "--cloud", "public"],
                /^azureml-firewall: required option '--storage' not specified \(or give --workspaces FILE\)$/,
            ],
        ];
        for (const [args, message] of cases) {
            const run = cli(...args);
            assert.strictEqual(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
            assert.match(run.stderr.trim(), message);
        }
    });
});
