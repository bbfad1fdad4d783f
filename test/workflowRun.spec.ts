/**
 * The pull-request workflow, run: every `run:` step of .github/workflows/policy.yml, in job order, in a fresh
 * clone of this repository, as GitHub runs them for a pull request from a fork (the jobs whose `if:` holds;
 * no secrets). `uses:` steps get stand-ins (checkout: the clone is there; setup-node: this Node; upload-
 * artifact: the files are copied aside and checked). A step that does not depend on the matrix runs once per
 * job, a step that does runs for every matrix value; a command already run in the clone with the same
 * environment (npm ci, npm run build of another job) is not run again, its effect being there. `npm test` is
 * the one step not run: it is the suite that runs this test. The base of the pull request is the clone's
 * previous commit.
 */
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as yaml from "js-yaml";

const ROOT = path.join(__dirname, "..");

interface Step {
    name?: string;
    if?: string;
    run?: string;
    uses?: string;
    env?: Record<string, string>;
    with?: Record<string, unknown>;
}
interface Job {
    if?: string;
    needs?: string | string[];
    strategy?: { matrix: Record<string, unknown[]> };
    env?: Record<string, string>;
    steps?: Step[];
    uses?: string;
}

/** Steps not run, and why. */
const NOT_RUN: Record<string, string> = { "npm test": "the suite that runs this test" };

/** A GitHub expression context: dotted paths to values. */
type Context = Record<string, string | number | boolean>;

function lookup(context: Context, name: string): string | number | boolean {
    if (!(name in context)) {
        throw new Error(`no value for \${{ ${name} }} in this run`);
    }
    return context[name];
}

/** Evaluates the `if:` expressions the workflow uses: ==, !=, &&, ||, always(), context paths, 'strings'. */
function condition(expression: string, context: Context): boolean {
    const text = expression.replace(/^\$\{\{\s*|\s*\}\}$/g, "").trim();
    if (text.includes("||")) {
        return text.split("||").some((part) => condition(part, context));
    }
    if (text.includes("&&")) {
        return text.split("&&").every((part) => condition(part, context));
    }
    if (text === "always()") {
        return true;
    }
    const value = (side: string) => {
        const s = side.trim();
        return /^'.*'$/.test(s) ? s.slice(1, -1) : lookup(context, s);
    };
    const [left, op, right] = text.split(/\s*(==|!=)\s*/);
    if (op === undefined) {
        return Boolean(value(left));
    }
    return op === "==" ? value(left) === value(right) : value(left) !== value(right);
}

function substitute(text: string, context: Context): string {
    return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, name: string) => String(lookup(context, name)));
}

describe("the pull-request workflow, run step by step in a fresh clone", function () {
    this.timeout(900000);
    const workflow = yaml.load(fs.readFileSync(path.join(ROOT, ".github", "workflows", "policy.yml"), "utf8")) as {
        jobs: Record<string, Job>;
    };
    let work: string;
    let clone: string;
    const ran: string[] = [];
    /** Commands run in the clone, with their environment. */
    const done = new Set<string>();
    const artifacts: Record<string, string> = {};

    before(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-workflow-"));
        clone = path.join(work, "repo");
        execFileSync("git", ["clone", "--quiet", ROOT, clone]);
    });
    after(() => fs.rmSync(work, { recursive: true, force: true }));

    function git(...args: string[]): string {
        return execFileSync("git", args, { cwd: clone, encoding: "utf8" }).trim();
    }

    function context(matrix: Record<string, unknown>): Context {
        const head = git("rev-parse", "HEAD");
        const base = spawnSync("git", ["rev-parse", "--verify", "--quiet", "HEAD~1"], { cwd: clone, encoding: "utf8" });
        const entries: Context = {
            "github.event_name": "pull_request",
            "github.ref": "refs/pull/7/merge",
            "github.repository": "platform/azureml-firewall",
            "github.event.pull_request.head.repo.full_name": "contributor/azureml-firewall",
            "github.event.pull_request.base.sha": base.status === 0 ? base.stdout.trim() : head,
            "github.event.pull_request.number": 7,
        };
        for (const [key, value] of Object.entries(matrix)) {
            entries[`matrix.${key}`] = String(value);
        }
        return entries;
    }

    /** The matrix combinations of a job (one, empty, without a matrix). */
    function combinations(job: Job): Record<string, unknown>[] {
        const matrix = job.strategy?.matrix ?? {};
        return Object.entries(matrix).reduce<Record<string, unknown>[]>(
            (all, [key, values]) => all.flatMap((c) => values.map((v) => ({ ...c, [key]: v }))),
            [{}],
        );
    }

    function standIn(step: Step, ctx: Context): void {
        const action = step.uses!.split("@")[0];
        if (action === "actions/checkout" || action === "actions/setup-node") {
            return; // the clone is there; this process's Node (22) runs the steps
        }
        if (action === "actions/upload-artifact") {
            const from = path.join(clone, substitute(String(step.with!.path), ctx));
            assert.ok(fs.existsSync(from), `${step.with!.path} exists to upload`);
            const to = path.join(work, "artifacts", String(step.with!.name));
            fs.cpSync(from, to, { recursive: true });
            artifacts[String(step.with!.name)] = to;
            return;
        }
        assert.fail(`no stand-in for ${step.uses}`);
    }

    function runStep(step: Step, job: Job, ctx: Context, label: string): void {
        const command = step.run!;
        if (NOT_RUN[command.trim()]) {
            ran.push(`${label}: not run (${NOT_RUN[command.trim()]}): ${command.trim()}`);
            return;
        }
        const env: Record<string, string> = { ...(process.env as Record<string, string>), CI: "true" };
        for (const [key, value] of Object.entries({ ...job.env, ...step.env })) {
            env[key] = substitute(String(value), ctx);
        }
        env.GITHUB_OUTPUT = path.join(work, "github-output");
        const key = JSON.stringify([substitute(command, ctx), step.env ?? {}, job.env ?? {}]);
        if (done.has(key)) {
            ran.push(`${label}: already run in this clone: ${command.trim().split("\n")[0]}`);
            return;
        }
        done.add(key);
        const result = spawnSync("bash", ["-e", "-c", substitute(command, ctx)], {
            cwd: clone,
            env,
            encoding: "utf8",
            maxBuffer: 1 << 28,
        });
        assert.strictEqual(
            result.status,
            0,
            `${label}: ${command}\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`,
        );
        ran.push(`${label}: ${command.trim().split("\n")[0]}`);
    }

    function runJob(name: string): void {
        const job = workflow.jobs[name];
        const all = combinations(job);
        for (const [index, matrix] of all.entries()) {
            const ctx = context(matrix);
            for (const step of job.steps ?? []) {
                const dependsOnMatrix = /\$\{\{\s*matrix\./.test(JSON.stringify(step));
                if (index > 0 && !dependsOnMatrix) {
                    continue;
                }
                if (step.if !== undefined && !condition(step.if, ctx)) {
                    continue;
                }
                const label = `${name}${Object.keys(matrix).length ? ` (${Object.values(matrix).join(", ")})` : ""}`;
                if (step.uses) {
                    standIn(step, ctx);
                } else {
                    runStep(step, job, ctx, label);
                }
            }
        }
    }

    it("runs the jobs a fork's pull request runs, in order; skips preview and the deployments", () => {
        const ctx = context({});
        // A job runs when its `if:` holds and every job it needs ran (a skipped need skips it).
        const runs: [string, Job][] = [];
        for (const [name, job] of Object.entries(workflow.jobs)) {
            const needs = job.needs === undefined ? [] : ([] as string[]).concat(job.needs);
            if ((job.if === undefined || condition(job.if, ctx)) && needs.every((n) => runs.some(([r]) => r === n))) {
                runs.push([name, job]);
            }
        }
        assert.deepStrictEqual(
            runs.map(([name]) => name),
            ["test", "plan", "impact"],
        );
        for (const [name] of runs) {
            runJob(name);
        }
        assert.ok(ran.includes("test (22): not run (the suite that runs this test): npm test"), ran.join("\n"));
        assert.deepStrictEqual(
            ran.filter((r) => r.includes("azureml-firewall plan --stack")),
            ["dev", "prod", "gov", "china"].map(
                (s) => `plan (${s}): ./bin/azureml-firewall plan --stack "\${{ matrix.stack }}"`,
            ),
        );
    });

    it("leaves the impact comment and the pull request's number for impact-comment.yml", () => {
        const impact = artifacts.impact;
        assert.ok(impact, "the impact artifact was uploaded");
        assert.strictEqual(fs.readFileSync(path.join(impact, "pr-number"), "utf8"), "7\n");
        const comment = fs.readFileSync(path.join(impact, "comment.md"), "utf8");
        assert.ok(comment.startsWith("<!-- azureml-firewall-impact -->\n"), comment.slice(0, 200));
        for (const stack of ["china", "dev", "gov", "prod"]) {
            assert.match(comment, new RegExp(`^## Stack ${stack}: Azure ML impact of this change$`, "m"));
        }
        assert.doesNotMatch(comment, /\*\*\d+ required check\(s\) break\.\*\*/);
    });
});
