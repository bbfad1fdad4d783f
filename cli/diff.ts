/**
 * `diff`: what a change does to Azure ML. Two rule sources (`--base`, `--head`), or one `pulumi preview
 * --json` document (`--preview`, whose steps carry each resource's old and new state), read into the same
 * firewall-policy states and compared with the coverage evaluator (`components/coverage/impact`).
 * Sources: a Pulumi program folder (run with `plan --program`), a stack file of this project (`plan
 * --stack-file`), `plan --format json` output, `pulumi stack export`, and every document `audit` reads
 * (az list/show output, ARM resources and templates, the REST list).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CheckRef, Impact, PolicyImpact, PolicyState, changeImpact } from "../components/coverage/impact";
import {
    RawGroup,
    RulesDocument,
    ExportedResource,
    StackNode,
    componentOutputs,
    findTargets,
    nodesFromExport,
    parentTarget,
    readRulesDocument,
    record,
    targetGroups,
    targetSettings,
} from "../components/firewall";
import type { PolicySettings } from "../components/firewall";
import { CatalogFlags, requirementsFor } from "./catalogFlags";
import { UsageError } from "./errors";
import { OutputOptions, markdownTable, paint } from "./format";
import { readJson, readPolicy } from "./inputs";

export interface DiffOptions extends CatalogFlags {
    base?: string;
    head?: string;
    preview?: string;
    stack?: string;
    policy?: string;
    source?: string[];
    sourceIpGroup?: string[];
    dnsProxy?: string;
    format: "table" | "json" | "markdown";
}

/** One side of the comparison: its policies and what reading it had to say. */
interface Side {
    shown: string;
    states: PolicyState[];
    notes: string[];
}

/**
 * What `diff` reads of a state's resource: a custom resource's inputs over its outputs (what the program
 * wrote; a preview's new outputs may be unknown), a component's outputs over its inputs.
 */
function stateProps(r: ExportedResource): Record<string, unknown> {
    const [inputs, outputs] = [record(r.inputs) ?? {}, record(r.outputs) ?? {}];
    return r.custom === false ? { ...inputs, ...outputs } : { ...outputs, ...inputs };
}

/** The stack nodes of a state's resources (stack export, preview step states, plan JSON). */
function nodesOf(resources: ExportedResource[]): StackNode[] {
    return nodesFromExport(resources, stateProps);
}

/**
 * `plan --format json` resources as exported resources: URNs, parents and dependencies as the engine would
 * have them; a plan of an older version (type, name, parent name only) by `type::name` and the parent's name.
 */
function fromPlan(resources: Record<string, unknown>[]): ExportedResource[] {
    const urnOf = (r: Record<string, unknown>) => (typeof r.urn === "string" ? r.urn : `${r.type}::${r.name}`);
    const byName = (name: unknown) => resources.find((p) => p.name === name);
    return resources.map((r) => {
        const parentByName = r.parent ? byName(r.parent) : undefined;
        return {
            type: r.type,
            urn: urnOf(r),
            custom:
                typeof r.custom === "boolean"
                    ? r.custom
                    : !/^(pulumi:pulumi:Stack|azureml-firewall:)/.test(String(r.type)),
            inputs: r.inputs,
            outputs: r.outputs,
            parent: typeof r.parentUrn === "string" ? r.parentUrn : parentByName ? urnOf(parentByName) : undefined,
            dependencies: r.dependencies,
        };
    });
}

/** The policies of a Pulumi state: rules, settings, and what the components there say Azure ML needs. */
function statesOfNodes(nodes: StackNode[]): PolicyState[] {
    const targets = findTargets(nodes);
    return targets.map((target) => {
        const parent = parentTarget(target, targets);
        const { requirements, sources } = componentOutputs(target);
        return {
            name: target.name,
            ...targetGroups(target),
            parentGroups: parent ? targetGroups(parent).groups : undefined,
            settings: targetSettings(target, {}),
            requirements,
            sources,
        };
    });
}

/** The policy a group belongs to, from its ARM id (`.../firewallPolicies/NAME/ruleCollectionGroups/...`). */
function policyNameOf(group: RawGroup): string | undefined {
    return /\/firewallPolicies\/([^/]+)\/ruleCollectionGroups\//i.exec(String(group.id ?? ""))?.[1];
}

/** An exported document's groups, by the policy their IDs name (one unnamed policy when they name none). */
function statesOfDocument(document: RulesDocument): PolicyState[] {
    const byPolicy = new Map<string, RawGroup[]>();
    for (const group of document.groups) {
        const name = policyNameOf(group) ?? "(rules)";
        byPolicy.set(name, [...(byPolicy.get(name) ?? []), group]);
    }
    const states = [...byPolicy.entries()].map(([name, groups]) => ({
        name,
        groups,
        settings: document.policy,
        requirements: [],
        sources: { addresses: [], ipGroups: [] },
    }));
    return document.legacyFirewalls.length
        ? [...states, { ...states[0], name: "(firewall)", groups: [], legacyFirewalls: document.legacyFirewalls }]
        : states;
}

/** Runs `plan` on a program folder or a stack file in a process of its own; gives its JSON. */
function planJson(args: string[], shown: string): Record<string, unknown>[] {
    const bin = path.join(__dirname, "..", "..", "bin", "azureml-firewall");
    const run = spawnSync(process.execPath, [bin, "plan", ...args, "--format", "json"], {
        encoding: "utf8",
        maxBuffer: 1 << 28,
    });
    if (run.status !== 0 && run.status !== 1) {
        throw new UsageError(
            `${shown}: ${run.stderr.trim().replace(/^azureml-firewall: /, "") || `exit ${run.status}`}`,
        );
    }
    return (JSON.parse(run.stdout) as { resources: Record<string, unknown>[] }).resources;
}

function isPlanJson(data: Record<string, unknown>): boolean {
    return Array.isArray(data.resources) && typeof data.stack === "string" && record(data.policy) !== undefined;
}

function isFolder(source: string): boolean {
    return fs.existsSync(source) && fs.statSync(source).isDirectory();
}

/** Reads one rule source into a side. */
function readSide(source: string, options: DiffOptions): Side {
    if (!fs.existsSync(source)) {
        throw new UsageError(`${source}: no such file or folder`);
    }
    if (isFolder(source)) {
        const args = ["--program", source, ...(options.stack ? ["--stack", options.stack] : [])];
        return { shown: source, states: statesOfNodes(nodesOf(fromPlan(planJson(args, source)))), notes: [] };
    }
    if (/^Pulumi\..+\.ya?ml$/.test(path.basename(source))) {
        const resources = planJson(["--stack-file", source], source);
        return { shown: source, states: statesOfNodes(nodesOf(fromPlan(resources))), notes: [] };
    }
    const data = readJson(source);
    const object = record(data);
    if (object && Array.isArray(object.steps)) {
        throw new UsageError(
            `${source} is a pulumi preview --json document, which holds both states: give it alone with --preview`,
        );
    }
    if (object && isPlanJson(object)) {
        const resources = object.resources as Record<string, unknown>[];
        return { shown: source, states: statesOfNodes(nodesOf(fromPlan(resources))), notes: [] };
    }
    const deployment = record(object?.deployment);
    if (deployment && Array.isArray(deployment.resources)) {
        const resources = deployment.resources.map((r) => record(r) ?? {});
        return { shown: source, states: statesOfNodes(nodesOf(resources)), notes: [] };
    }
    let document: RulesDocument;
    try {
        document = readRulesDocument(data, source);
    } catch (error) {
        throw new UsageError((error as Error).message);
    }
    return { shown: source, states: statesOfDocument(document), notes: document.notes ?? [] };
}

/** Steps that leave no resource behind (their old state only is in the base). */
const GONE = new Set(["delete", "delete-replaced", "discard", "discard-replaced", "remove-pending-replace"]);

/**
 * Both sides from one `pulumi preview --json` (Pulumi's PreviewDigest: `steps[]` with `op`, `urn`, `oldState`,
 * `newState`). The base is every old state (a `same` step's state too), the head every state not deleted.
 */
function readPreview(file: string): { base: Side; head: Side } {
    const digest = record(readJson(file));
    if (!digest || !Array.isArray(digest.steps)) {
        throw new UsageError(`${file}: not a pulumi preview --json document (no steps array)`);
    }
    const steps = digest.steps.map((s) => record(s) ?? {});
    const before = new Map<string, ExportedResource>();
    const after = new Map<string, ExportedResource>();
    for (const step of steps) {
        const op = String(step.op ?? "");
        const old = record(step.oldState) ?? (op === "same" ? record(step.newState) : undefined);
        const now = GONE.has(op) ? undefined : (record(step.newState) ?? (op === "same" ? old : undefined));
        if (old && op !== "create" && op !== "create-replacement") {
            before.set(String(step.urn), old);
        }
        if (now) {
            after.set(String(step.urn), now);
        }
    }
    const notes = steps.some((s) => s.op === "same")
        ? []
        : [
              `${file} has no unchanged resources (pulumi preview --json without --show-sames): rule collection ` +
                  "groups the change leaves alone are not in it, so they count on neither side; run pulumi preview " +
                  "--json --show-sames for the whole policy",
          ];
    const side = (states: Map<string, ExportedResource>, which: string): Side => ({
        shown: `${file} (${which})`,
        states: statesOfNodes(nodesOf([...states.values()])),
        notes,
    });
    return { base: side(before, "before"), head: side(after, "after") };
}

/**
 * Policy settings from --policy / --dns-proxy, for the states whose source has none (az and ARM documents);
 * a state read from Pulumi state keeps its own. Flags that would change no state are an error.
 */
function withSettings(states: PolicyState[], options: DiffOptions): PolicyState[] {
    let given: PolicySettings | undefined = options.policy ? readPolicy(options.policy) : undefined;
    if (options.dnsProxy !== undefined) {
        given = { ...(given ?? {}), dnsProxy: options.dnsProxy === "on" };
    }
    if (!given) {
        return states;
    }
    if (states.every((s) => s.settings)) {
        throw new UsageError(
            `${options.policy ? "--policy" : "--dns-proxy"}: every policy of both sources has settings of its ` +
                "own (read from Pulumi state), so it would change nothing; give it only for az or ARM documents",
        );
    }
    return states.map((s) => (s.settings ? s : { ...s, settings: given }));
}

function hasCatalogFlags(options: DiffOptions): boolean {
    return Boolean(options.requirements || options.cloud || options.storage || options.region || options.workspaces);
}

export interface DiffResult extends Impact {
    base: string;
    head: string;
    notes: string[];
}

export function diff(options: DiffOptions): DiffResult {
    if (options.preview !== undefined && (options.base !== undefined || options.head !== undefined)) {
        throw new UsageError("give --preview FILE alone, or --base and --head, not both");
    }
    if (options.preview === undefined && (options.base === undefined || options.head === undefined)) {
        throw new UsageError("give --base and --head (two rule sources), or --preview FILE (pulumi preview --json)");
    }
    const folders = [options.base, options.head].filter((s) => s !== undefined && isFolder(s));
    if (options.stack !== undefined && folders.length === 0) {
        throw new UsageError("--stack chooses the stack of a program folder; neither --base nor --head is one");
    }
    const { base, head } = options.preview
        ? readPreview(options.preview)
        : { base: readSide(options.base!, options), head: readSide(options.head!, options) };
    const required = hasCatalogFlags(options) ? requirementsFor(options) : undefined;
    const sources = { addresses: options.source ?? [], ipGroups: options.sourceIpGroup ?? [] };
    const given = sources.addresses.length || sources.ipGroups.length;
    // Settings are given once for both sides (a flag that would change neither is refused).
    const all = withSettings([...base.states, ...head.states], options).map((s) => (given ? { ...s, sources } : s));
    const baseStates = all.slice(0, base.states.length);
    const headStates = all.slice(base.states.length);
    if (!required && ![...baseStates, ...headStates].some((s) => s.requirements.length)) {
        throw new UsageError(
            "neither side says what Azure ML needs (no AmlFirewallPolicy component in it): give --cloud, " +
                "--storage and --region (or --requirements FILE)",
        );
    }
    const impact = changeImpact(baseStates, headStates, required);
    return { base: base.shown, head: head.shown, ...impact, notes: [...new Set([...base.notes, ...head.notes])] };
}

function checkText(c: CheckRef): string {
    const scenarios = c.scenarios.filter((s) => s !== "core");
    const needs = [...scenarios, ...(c.workspaces.length ? [`workspace ${c.workspaces.join(", ")}`] : [])];
    return `${c.destination} ${c.protocol} ${c.port}${needs.length ? ` (${needs.join("; ")})` : ""}`;
}

function brokenText(b: PolicyImpact["broken"][number]): string {
    const why =
        b.cause === "newly required"
            ? "newly required, and no rule allows it"
            : b.cause === "overridden"
              ? `was allowed by ${b.was}; now ${b.now} decides first`
              : `was allowed by ${b.was}, which the change ${b.cause === "removed" ? "removes" : "changes"}`;
    return `${checkText(b)}: ${why}; now ${b.status}`;
}

/** The lines of one policy's impact, most important first. */
function impactLines(p: PolicyImpact): { impact: string[]; details: string[] } {
    const from = p.sources.length ? ` from ${p.sources.join(", ")}` : "";
    const impact = [
        ...p.broken.map((b) => `BREAKS ${brokenText(b)}`),
        ...p.scenariosRemoved.map((s) => `scenario ${s} removed`),
        ...p.scenariosAdded.map((s) => `scenario ${s} added`),
        ...p.workspacesRemoved.map((w) => `workspace ${w} no longer served`),
        ...p.workspacesAdded.map((w) => `workspace ${w} now served`),
        ...p.noLongerAllowed.map((c) => `no longer allowed${from} (no longer required): ${checkText(c)}`),
        ...p.broadAdded.map((b) => `broader than Azure ML needs: ${b}`),
        ...p.fixed.map((c) => `now allowed: ${checkText(c)}`),
    ];
    const r = p.rules;
    const details = [
        ...r.added.map((x) => `rule added: ${x}`),
        ...r.removed.map((x) => `rule removed: ${x}`),
        ...r.changed.map((x) => `rule changed: ${x}`),
        ...(r.renamedOrReordered ? ["rules only renamed or reordered: no impact"] : []),
        ...p.broadRemoved.map((b) => `no longer broader than needed: ${b}`),
        ...(p.stillNotAllowed ? [`${p.stillNotAllowed} required check(s) not allowed before or after`] : []),
        ...p.problems.map((x) => `problem: ${x}`),
    ];
    return { impact, details };
}

function summaryLine(result: DiffResult): string {
    const broken = result.policies.reduce((n, p) => n + p.broken.length, 0);
    return broken
        ? `${broken} required check(s) break`
        : "no required check breaks" +
              (result.policies.some((p) => impactLines(p).impact.length) ? "" : "; no impact on Azure ML");
}

function printTable(result: DiffResult, out: OutputOptions): void {
    const lines = [paint(out, "bold", `Impact on Azure ML: ${result.base} -> ${result.head}`)];
    for (const p of result.policies) {
        const { impact, details } = impactLines(p);
        lines.push("", paint(out, "bold", `Firewall policy ${p.policy} (${p.change})`));
        impact.forEach((l) => lines.push(`  ${l.startsWith("BREAKS") ? paint(out, "red", l) : l}`));
        details.forEach((l) => lines.push(`  ${l}`));
        if (!impact.length && !details.length) {
            lines.push("  no change");
        }
    }
    result.notes.forEach((n) => lines.push("", `Note: ${n}`));
    lines.push("", summaryLine(result));
    process.stdout.write(`${lines.join("\n")}\n`);
}

/** A pull-request comment: the verdict and the impact first, the rule changes folded. */
export function diffMarkdown(result: DiffResult): string {
    const lines = ["## Azure ML impact of this change", "", `**${summaryLine(result)}.**`, ""];
    for (const p of result.policies) {
        const { impact, details } = impactLines(p);
        lines.push(`### Firewall policy ${p.policy} (${p.change})`, "");
        if (p.broken.length) {
            lines.push(
                markdownTable(
                    ["Breaks", "Scenarios", "Was allowed by", "Now"],
                    p.broken.map((b) => [
                        `${b.destination} ${b.protocol} ${b.port}`,
                        b.scenarios.join(", "),
                        b.was ? `${b.was} (${b.cause})` : b.cause,
                        `${b.status}: ${b.now}`,
                    ]),
                ),
                "",
            );
        }
        impact.filter((l) => !l.startsWith("BREAKS")).forEach((l) => lines.push(`- ${l}`));
        if (!impact.length) {
            lines.push("No impact on Azure ML.");
        }
        lines.push("");
        if (details.length) {
            lines.push(`<details><summary>Rule changes (${details.length})</summary>`, "");
            details.forEach((l) => lines.push(`- ${l}`));
            lines.push("", "</details>", "");
        }
    }
    result.notes.forEach((n) => lines.push(`> Note: ${n}`, ""));
    return `${lines.join("\n")}\n`;
}

export function runDiff(options: DiffOptions, out: OutputOptions): number {
    const result = diff(options);
    if (options.format === "json") {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else if (options.format === "markdown") {
        process.stdout.write(diffMarkdown(result));
    } else {
        printTable(result, out);
    }
    return result.breaks ? 1 : 0;
}
