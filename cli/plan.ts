/**
 * `plan --stack NAME`: runs the project's Pulumi program for `stacks/Pulumi.NAME.yaml` in-process under
 * mocks, prints what it would register and the firewall rules with the planner's explanations, then the
 * policy pack's verdict. Needs a clone of the project (it loads stacks/ and policy/ from source).
 */
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "./errors";
import { OutputOptions, paint, table } from "./format";

export interface PlanOptions {
    stack: string;
    format: string;
}

/** The project root: where Pulumi.yaml and stacks/ are (dist/cli/.. /..). */
export function projectRoot(): string {
    return path.resolve(__dirname, "..", "..");
}

interface Captured {
    type: string;
    name: string;
    urn: string;
    parent?: string;
    inputs: Record<string, any>;
    props: Record<string, any>;
}

function describeRule(rule: any, application: boolean): string[] {
    if (application) {
        return ["application", (rule.protocols ?? []).map((p: any) => `${p.protocolType ?? p.type}:${p.port}`).join(", "), (rule.targetFqdns ?? rule.destinationFqdns ?? []).join("\n")];
    }
    const destinations = [...(rule.destinationAddresses ?? []), ...(rule.destinationFqdns ?? [])];
    return ["network", `${(rule.ipProtocols ?? rule.protocols ?? []).join("+")} ${(rule.destinationPorts ?? []).join(", ")}`, destinations.join("\n")];
}

/** Rules of a group in either provider's shape, with whether each is an application rule. */
function rulesOf(inputs: Record<string, any>): { collection: any; rule: any; application: boolean }[] {
    if (Array.isArray(inputs.ruleCollections)) {
        return inputs.ruleCollections.flatMap((c: any) => (c.rules ?? []).map((rule: any) => ({ collection: c, rule, application: rule.ruleType === "ApplicationRule" })));
    }
    return [
        ...(inputs.networkRuleCollections ?? []).flatMap((c: any) => (c.rules ?? []).map((rule: any) => ({ collection: c, rule, application: false }))),
        ...(inputs.applicationRuleCollections ?? []).flatMap((c: any) => (c.rules ?? []).map((rule: any) => ({ collection: c, rule, application: true }))),
    ];
}

export async function runPlan(options: PlanOptions, out: OutputOptions): Promise<number> {
    if (!["table", "json"].includes(options.format)) {
        throw new UsageError(`--format: "${options.format}" is not valid; use table or json`);
    }
    const root = projectRoot();
    const stacksDir = path.join(root, "stacks");
    if (!fs.existsSync(path.join(stacksDir, "program.ts"))) {
        throw new UsageError(`plan needs a clone of the azureml-firewall project: ${stacksDir}/program.ts not found`);
    }
    // The program, the mocks and the policies are TypeScript sources of the project.
    require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
    const pulumi = require("@pulumi/pulumi");
    const { readStackFile, StackFileError } = require(path.join(stacksDir, "stackFile"));
    const { StackConfigError } = require(path.join(stacksDir, "config"));
    let file: { config: Record<string, string> };
    try {
        file = readStackFile(stacksDir, options.stack);
    } catch (error) {
        if (error instanceof StackFileError) {
            throw new UsageError((error as Error).message);
        }
        throw error;
    }
    pulumi.runtime.setAllConfig(file.config);
    const { captureProgram } = require(path.join(stacksDir, "mocks"));
    const { runProgram } = require(path.join(stacksDir, "program"));
    let resources: Captured[];
    // A program that throws leaves Pulumi's internal promises rejected too; the first error is reported
    // below as one line, so the echoes are not printed again as unhandled rejections.
    process.on("unhandledRejection", () => undefined);
    try {
        resources = (await captureProgram(options.stack, () => runProgram())).resources;
    } catch (error) {
        if (error instanceof StackConfigError || error instanceof pulumi.ResourceError || (error as Error)?.name === "InputError") {
            throw new UsageError((error as Error).message);
        }
        throw error;
    }
    const { policies } = require(path.join(root, "policy", "policies"));
    const { runPack } = require(path.join(root, "policy", "harness"));
    const configFile = path.join(root, "policy", `config.${options.stack}.json`);
    const packConfig = fs.existsSync(configFile) ? JSON.parse(fs.readFileSync(configFile, "utf8")) : {};
    const runs: { policy: string; violations: { policy: string; enforcementLevel: string; message: string; urn?: string }[]; cannotRun: string[] }[] =
        await runPack(policies, resources, packConfig);
    const violations = runs.flatMap((r) => r.violations);
    const cannotRun = runs.flatMap((r) => r.cannotRun);
    const mandatory = violations.some((v) => v.enforcementLevel === "mandatory");
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const components = resources.filter((r) => r.type.startsWith("azureml-firewall:"));
    const explanations: string[] = components.flatMap((c) => c.props.explanations ?? []);
    const notes: string[] = components.flatMap((c) => c.props.notes ?? []);

    if (options.format === "json") {
        const json = {
            stack: options.stack,
            resources: resources.map((r) => ({ type: r.type, name: r.name, parent: r.parent ? byUrn.get(r.parent)?.name ?? null : null, inputs: r.inputs })),
            explanations,
            notes,
            policy: { violations: violations.map((v) => ({ policy: v.policy, enforcementLevel: v.enforcementLevel, message: v.message, urn: v.urn ?? null })), cannotRun },
        };
        process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
        return mandatory ? 1 : 0;
    }
    const lines: string[] = [];
    lines.push(paint(out, "bold", `Stack ${options.stack}: ${resources.length} resources`));
    lines.push(table(["Type", "Name", "Parent"], resources.map((r) => [r.type, r.name, r.parent ? byUrn.get(r.parent)?.name ?? "" : ""]), out));
    for (const rcg of resources.filter((r) => /FirewallPolicyRuleCollectionGroup$/.test(r.type))) {
        lines.push("", paint(out, "bold", `Rules of ${rcg.name} (group ${rcg.inputs.ruleCollectionGroupName ?? rcg.inputs.name}, priority ${rcg.inputs.priority}, policy ${rcg.inputs.firewallPolicyName ?? rcg.inputs.firewallPolicyId})`));
        const rows = rulesOf(rcg.inputs).map(({ collection, rule, application }) => [
            `${collection.name} (${collection.priority}, ${collection.action?.type ?? collection.action})`, rule.name, ...describeRule(rule, application),
            [...(rule.sourceAddresses ?? []), ...(rule.sourceIpGroups ?? [])].join("\n")]);
        lines.push(table(["Collection", "Rule", "Type", "Protocols / ports", "Destinations", "Sources"], rows, out));
    }
    if (explanations.length) {
        lines.push("", paint(out, "bold", "How each requirement is realised"));
        explanations.forEach((e) => lines.push(`  - ${e}`));
    }
    if (notes.length) {
        lines.push("", paint(out, "bold", "Notes"));
        notes.forEach((n) => lines.push(`  - ${n}`));
    }
    lines.push("", paint(out, "bold", "Policy pack"));
    if (violations.length === 0 && cannotRun.length === 0) {
        lines.push(paint(out, "green", `  no violations (${runs.length} policies)`));
    }
    for (const v of violations) {
        const level = paint(out, v.enforcementLevel === "mandatory" ? "red" : "yellow", v.enforcementLevel);
        lines.push(`  [${level}] ${v.policy}: ${v.message.split("\n").join("\n    ")}`);
    }
    cannotRun.forEach((c) => lines.push(`  [advisory] ${c}`));
    process.stdout.write(`${lines.join("\n")}\n`);
    return mandatory ? 1 : 0;
}
