/**
 * `plan (--stack NAME | --stack-file PATH)`: runs the stack program for a stack file in-process under
 * mocks, prints what it would register and the firewall rules with the planner's explanations, then
 * the verdict of the policy pack's real server. Runs compiled code only (no TypeScript at run time), so
 * it works from the installed package as from a clone.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { InputError } from "../components/errors";
import { FirewallRule, isComponent, isRcg, rcgGroup, readGroup, rulesOf } from "../components/firewall";
import { StackConfigError } from "../stacks/config";
import { runProgram } from "../stacks/program";
import { checkOneSdk, readProject, readUserStack, runUserProgram } from "./program";
import { StackFileError, readStackFile, readStackFileAt } from "../stacks/stackFile";
import { UsageError, asUsageError, missingPeer } from "./errors";
import { OutputOptions, markdownTable, paint, table } from "./format";
import { CapturedResource, captureProgram } from "./offline/mocks";
import { PackConfig, PolicyConfigError } from "./offline/policyServer";
import { PackVerdict, packVerdict, packageRoot } from "./offline/testing";

export interface PlanOptions {
    stack?: string;
    stackFile?: string;
    /** A Pulumi project folder: run the user's own program (`--stack` then names one of its stacks). */
    program?: string;
    policyConfig?: string;
    format: "table" | "json" | "markdown";
}

/** A clone has its stack files beside the code; the npm package ships only compiled code. */
function isClone(root: string): boolean {
    return fs.existsSync(path.join(root, "stacks", "program.ts"));
}

interface StackInput {
    name: string;
    /** The Pulumi project name (URNs, the stack resource's name). */
    project: string;
    /** The stack file as shown in messages. */
    shown: string;
    config: Record<string, string>;
    /** The policy pack config file, if any. */
    packConfigFile?: string;
    /** Runs the program; gives its outputs. */
    run: () => unknown;
    /** What the run stood in for (secrets), shown with the plan. */
    notes: string[];
}

function fileReading<T>(read: () => T): T {
    return asUsageError(read, StackFileError);
}

/**
 * The compiled pack loads `@pulumi/policy` in a process of its own, where a missing peer would surface as
 * a trace from the policy server; say it in one line before starting it.
 */
function requirePeer(name: string, root: string): void {
    try {
        require.resolve(`${name}/package.json`, { paths: [root] });
    } catch {
        throw missingPeer(name);
    }
}

/** The user's own program in a Pulumi project folder (`--program DIR`), with one of its stacks. */
function locateProgram(options: PlanOptions): StackInput {
    if (options.stackFile !== undefined) {
        throw new UsageError("give --program DIR (with --stack NAME of that project) or --stack-file PATH, not both");
    }
    const project = readProject(options.program!);
    checkOneSdk(project);
    const stack = readUserStack(project, options.stack);
    return {
        name: stack.name,
        project: project.name,
        shown: stack.file ?? project.dir,
        config: stack.config,
        packConfigFile: options.policyConfig,
        run: () => runUserProgram(project),
        notes: stack.notes,
    };
}

/** Finds the stack file and the pack config: a stack of the clone (`--stack`), or any file (`--stack-file`). */
function locateStack(options: PlanOptions): StackInput {
    if (options.program !== undefined) {
        return locateProgram(options);
    }
    if ((options.stack === undefined) === (options.stackFile === undefined)) {
        throw new UsageError(
            "give --program DIR (your own Pulumi program), --stack NAME (a stack of this clone) or --stack-file " +
                "PATH (a Pulumi.<name>.yaml of this project's stack program, anywhere)",
        );
    }
    let input: StackInput;
    const ours = { project: "azureml-firewall", notes: [] as string[] };
    if (options.stackFile !== undefined) {
        const file = options.stackFile;
        const name = /^Pulumi\.(.+)\.yaml$/.exec(path.basename(file))?.[1] ?? path.basename(file, path.extname(file));
        const config = fileReading(() => readStackFileAt(file));
        input = { ...ours, name, shown: file, config, run: () => runProgram(file) };
    } else {
        const root = packageRoot();
        if (!fs.existsSync(path.join(root, "stacks", `Pulumi.${options.stack}.yaml`)) && !isClone(root)) {
            throw new UsageError(
                `--stack ${options.stack} names a stack of a clone of this project, and this is an installed ` +
                    `package; give your program's folder with --program DIR, or a stack file of this project's ` +
                    `format with --stack-file PATH`,
            );
        }
        const read = fileReading(() => readStackFile(path.join(root, "stacks"), options.stack!));
        const packConfig = path.join(root, "policy", `config.${options.stack}.json`);
        const shown = `stacks/Pulumi.${options.stack}.yaml`;
        input = {
            ...ours,
            name: options.stack!,
            shown,
            config: read.config,
            packConfigFile: fs.existsSync(packConfig) ? packConfig : undefined,
            run: () => runProgram(shown),
        };
    }
    return options.policyConfig === undefined ? input : { ...input, packConfigFile: options.policyConfig };
}

function readPackConfig(file: string | undefined): PackConfig {
    if (file === undefined) {
        return {};
    }
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as PackConfig;
    } catch (error) {
        throw new UsageError(
            `${file}: cannot read the policy pack config (${(error as Error).message.split("\n")[0]})`,
        );
    }
}

/** Runs the program under mocks; a bad config or argument, or a failing user program, is one line naming it. */
async function captureStack(stack: StackInput): Promise<CapturedResource[]> {
    pulumi.runtime.setAllConfig(stack.config);
    // A program that throws leaves Pulumi's internal promises rejected too; the first error is reported
    // as one line, so the echoes are not printed again as unhandled rejections.
    process.on("unhandledRejection", () => undefined);
    try {
        return (await captureProgram(stack.name, stack.run, stack.project)).resources;
    } catch (error) {
        if (error instanceof StackConfigError || error instanceof pulumi.ResourceError || error instanceof InputError) {
            throw new UsageError(error.message);
        }
        if (error instanceof UsageError || stack.project === "azureml-firewall" || !(error instanceof Error)) {
            throw error;
        }
        throw new UsageError(`${stack.shown}: the program failed: ${error.message.split("\n")[0]}`);
    }
}

type Verdict = PackVerdict;

async function verdictOf(resources: CapturedResource[], config: PackConfig): Promise<Verdict> {
    try {
        return await packVerdict(resources, config);
    } catch (error) {
        if (error instanceof PolicyConfigError) {
            throw new UsageError(`policy pack config: ${error.message}`);
        }
        throw error;
    }
}

function componentLines(resources: CapturedResource[], output: "explanations" | "notes"): string[] {
    return resources.filter((r) => isComponent(r.type)).flatMap((c) => c.props[output] ?? []);
}

function parentName(resources: CapturedResource[], resource: CapturedResource): string | null {
    return resource.parent ? (resources.find((r) => r.urn === resource.parent)?.name ?? null) : null;
}

function printJson(stack: StackInput, resources: CapturedResource[], verdict: Verdict): void {
    const json = {
        project: stack.project,
        stack: stack.name,
        resources: resources.map((r) => ({
            type: r.type,
            name: r.name,
            urn: r.urn,
            custom: r.custom,
            parent: parentName(resources, r),
            parentUrn: r.parent ?? null,
            dependencies: r.dependencies,
            inputs: r.inputs,
            outputs: r.props,
        })),
        explanations: componentLines(resources, "explanations"),
        notes: [...stack.notes, ...componentLines(resources, "notes")],
        policy: {
            violations: verdict.violations.map((v) => ({
                policy: v.policy,
                enforcementLevel: v.enforcementLevel,
                message: v.message,
                urn: v.urn ?? null,
            })),
            cannotRun: verdict.cannotRun,
        },
    };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
}

/** A rule as table cells: type, protocols / ports, destinations, sources. */
function ruleCells(rule: FirewallRule): string[] {
    const sources = [...rule.sourceAddresses, ...rule.sourceIpGroups].join("\n");
    if (rule.stage === "application") {
        return [
            "application",
            rule.appProtocols.map((p) => `${p.type}:${p.port}`).join(", "),
            rule.targetFqdns.join("\n"),
            sources,
        ];
    }
    const destinations = [...rule.destinationAddresses, ...rule.destinationFqdns, ...rule.destinationIpGroups].join(
        "\n",
    );
    return ["network", `${rule.ipProtocols.join("+")} ${rule.destinationPorts.join(", ")}`, destinations, sources];
}

function rulesTable(rcg: CapturedResource, out: OutputOptions): string[] {
    const group = readGroup(rcgGroup({ type: rcg.type, name: rcg.name, props: rcg.inputs }), 0);
    const policy = rcg.inputs.firewallPolicyName ?? rcg.inputs.firewallPolicyId;
    const rows = rulesOf(group).rules.map(({ collection, rule }) => [
        `${collection.name} (${collection.priority}, ${collection.action === "allow" ? "Allow" : "Deny"})`,
        rule.name,
        ...ruleCells(rule),
    ]);
    return [
        "",
        paint(out, "bold", `Rules of ${rcg.name} (group ${group.name}, priority ${group.priority}, policy ${policy})`),
        table(["Collection", "Rule", "Type", "Protocols / ports", "Destinations", "Sources"], rows, out),
    ];
}

function section(out: OutputOptions, title: string, lines: string[]): string[] {
    return lines.length ? ["", paint(out, "bold", title), ...lines.map((l) => `  - ${l}`)] : [];
}

function verdictLines(verdict: Verdict, out: OutputOptions): string[] {
    const lines = ["", paint(out, "bold", "Policy pack")];
    if (verdict.violations.length === 0 && verdict.cannotRun.length === 0) {
        lines.push(paint(out, "green", `  no violations (${verdict.policies} policies)`));
    }
    for (const v of verdict.violations) {
        const level = paint(out, v.enforcementLevel === "mandatory" ? "red" : "yellow", v.enforcementLevel);
        lines.push(`  [${level}] ${v.policy}: ${v.message.split("\n").join("\n    ")}`);
    }
    verdict.cannotRun.forEach((c) => lines.push(`  [advisory] ${c}`));
    return lines;
}

function printTable(stack: StackInput, resources: CapturedResource[], verdict: Verdict, out: OutputOptions): void {
    const lines = [
        paint(out, "bold", `Project ${stack.project}, stack ${stack.name}: ${resources.length} resources`),
        table(
            ["Type", "Name", "Parent"],
            resources.map((r) => [r.type, r.name, parentName(resources, r) ?? ""]),
            out,
        ),
        ...resources.filter((r) => isRcg(r.type)).flatMap((rcg) => rulesTable(rcg, out)),
        ...section(out, "How each requirement is realised", componentLines(resources, "explanations")),
        ...section(out, "Notes", [...stack.notes, ...componentLines(resources, "notes")]),
        ...verdictLines(verdict, out),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
}

/** The verdict as Markdown for a pull-request comment: violations first, the resources folded. */
function printMarkdown(stack: StackInput, resources: CapturedResource[], verdict: Verdict): void {
    const mandatory = verdict.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const status = verdict.violations.length
        ? `${verdict.violations.length} violation(s), ${mandatory} mandatory`
        : `no violations (${verdict.policies} policies)`;
    const notes = [...stack.notes, ...componentLines(resources, "notes"), ...verdict.cannotRun];
    const lines = [
        `## azureml-firewall plan: ${stack.project} / ${stack.name}`,
        "",
        `**Policy pack:** ${status}.`,
        "",
        ...(verdict.violations.length
            ? [
                  markdownTable(
                      ["Level", "Policy", "Resource", "Message"],
                      verdict.violations.map((v) => [
                          v.enforcementLevel,
                          v.policy,
                          v.urn?.split("::").pop() ?? "(stack)",
                          v.message.split("\n").join(" "),
                      ]),
                  ),
                  "",
              ]
            : []),
        ...(notes.length ? ["### Notes", "", ...notes.map((n) => `- ${n}`), ""] : []),
        `<details><summary>${resources.length} resources</summary>`,
        "",
        markdownTable(
            ["Type", "Name", "Parent"],
            resources.map((r) => [r.type, r.name, parentName(resources, r) ?? ""]),
        ),
        "",
        "</details>",
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
}

export async function runPlan(options: PlanOptions, out: OutputOptions): Promise<number> {
    requirePeer("@pulumi/policy", packageRoot());
    const stack = locateStack(options);
    const packConfig = readPackConfig(stack.packConfigFile);
    const resources = await captureStack(stack);
    const verdict = await verdictOf(resources, packConfig);
    if (options.format === "json") {
        printJson(stack, resources, verdict);
    } else if (options.format === "markdown") {
        printMarkdown(stack, resources, verdict);
    } else {
        printTable(stack, resources, verdict, out);
    }
    return verdict.mandatory ? 1 : 0;
}
