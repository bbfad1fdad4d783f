/** `audit`: does a firewall policy (exported from Azure) allow what Azure ML needs? */
import {
    CheckResult,
    CoverageResult,
    PolicySettings,
    allAllowed,
    evaluateCoverage,
} from "../components/coverage/evaluate";
import { InputError } from "../components/errors";
import { RawGroup, readGroup, rulesOf } from "../components/firewall";
import { contains, isAnyAddress, parseIpv4 } from "../components/net";
import { UsageError } from "./errors";
import { OutputOptions, markdownTable, paint, table } from "./format";
import { CatalogFlags, requirementsFor } from "./catalogFlags";
import { readPolicy, readRules } from "./inputs";

export interface AuditOptions extends CatalogFlags {
    rules?: string[];
    parentRules?: string[];
    policy?: string;
    source?: string[];
    sourceIpGroup?: string[];
    dnsProxy?: string;
    format: string;
}

export function audit(options: AuditOptions): CoverageResult {
    if (!options.rules?.length) {
        throw new UsageError("missing --rules FILE: give the rule collection groups to audit");
    }
    const requirements = requirementsFor(options);
    const groups: RawGroup[] = [];
    const legacyFirewalls: RawGroup[] = [];
    let policy: PolicySettings | undefined;
    const notes: string[] = [];
    for (const file of options.rules ?? []) {
        const read = readRules(file);
        groups.push(...read.groups);
        legacyFirewalls.push(...read.legacyFirewalls);
        notes.push(...(read.notes ?? []));
        policy = policy ?? read.policy;
    }
    const parentGroups = (options.parentRules ?? []).flatMap((file) => readRules(file).groups);
    if (options.policy) {
        policy = readPolicy(options.policy);
    }
    if (options.dnsProxy !== undefined) {
        policy = { ...(policy ?? {}), dnsProxy: options.dnsProxy === "on" };
    }
    try {
        const result = evaluateCoverage({
            groups,
            legacyFirewalls,
            parentGroups: parentGroups.length ? parentGroups : undefined,
            policy,
            requirements,
            sources: { addresses: options.source ?? [], ipGroups: options.sourceIpGroup ?? [] },
        });
        return { ...result, problems: [...notes, ...result.problems] };
    } catch (error) {
        if (error instanceof InputError) {
            const flag = error.argument.startsWith("sources[")
                ? "--source"
                : error.argument === "parentGroups"
                  ? "--parent-rules"
                  : undefined;
            throw new UsageError(flag ? error.as(flag) : error.message);
        }
        throw error;
    }
}

/**
 * When workload sources are given and no check is allowed, the sources the rules do allow from, so that
 * a wrong `--source` is told apart from a policy that allows nothing.
 */
function sourceHint(options: AuditOptions, result: CoverageResult): string | undefined {
    if (!(options.source ?? []).length || result.summary.allowed > 0 || result.summary.checks === 0) {
        return undefined;
    }
    const seen = new Set<string>();
    for (const file of options.rules ?? []) {
        readRules(file).groups.forEach((g, i) =>
            rulesOf(readGroup(g, i)).rules.forEach(({ rule }) => rule.sourceAddresses.forEach((a) => seen.add(a))),
        );
    }
    const wanted = (options.source ?? []).map((s) => parseIpv4(s)?.interval).filter((i) => i !== undefined);
    const covering = [...seen].some((a) => {
        const range = isAnyAddress(a) ? { start: 0, end: 0xffffffff } : parseIpv4(a)?.interval;
        return range !== undefined && wanted.every((w) => contains(range, w));
    });
    return seen.size && !covering
        ? `No rule allows traffic from ${(options.source ?? []).join(", ")}; the rules allow from: ` +
              `${[...seen].sort().join(", ")}.`
        : undefined;
}

/** Who decided a check, in words. */
function decidedBy(r: CheckResult): string {
    if (!r.decidedBy) {
        return "no rule: default deny";
    }
    const by = `${r.decidedBy.ruleCollectionGroup} / ${r.decidedBy.ruleCollection} / ${r.decidedBy.rule}`;
    return r.tiedWith
        ? `${by}, or ${r.tiedWith.ruleCollectionGroup} / ${r.tiedWith.ruleCollection} / ${r.tiedWith.rule} ` +
              "(equal group priority: order undocumented)"
        : by;
}

/** The audit as Markdown for a ticket or a pull-request comment: what Azure ML lacks first, passes folded. */
export function auditMarkdown(result: CoverageResult): string {
    const s = result.summary;
    const failing = result.results.filter((r) => r.status !== "allowed");
    const row = (r: CheckResult) => [r.status, r.destination, r.protocol, String(r.port), decidedBy(r)];
    const head = ["Status", "Destination", "Protocol", "Port", "Decided by"];
    return [
        "## Azure Machine Learning egress audit",
        "",
        `${s.checks} checks: ${s.allowed} allowed, **${s.checks - s.allowed} not allowed** ` +
            `(${s.denied} denied, ${s.missing} missing, ${s.indeterminate} indeterminate).`,
        "",
        ...(failing.length
            ? ["### Not allowed: what Azure ML lacks", "", markdownTable(head, failing.map(row)), ""]
            : ["Every check is allowed.", ""]),
        ...(result.problems.length ? ["### Problems", "", ...result.problems.map((p) => `- ${p}`), ""] : []),
        `<details><summary>Allowed (${s.allowed})</summary>`,
        "",
        markdownTable(head, result.results.filter((r) => r.status === "allowed").map(row)),
        "",
        "</details>",
        "",
    ].join("\n");
}

export function runAudit(options: AuditOptions, out: OutputOptions): number {
    const audited = audit(options);
    const hint = sourceHint(options, audited);
    const result = hint ? { ...audited, problems: [...audited.problems, hint] } : audited;
    if (options.format === "json") {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else if (options.format === "markdown") {
        process.stdout.write(auditMarkdown(result));
    } else {
        const colour = { allowed: "green", denied: "red", missing: "yellow", indeterminate: "magenta" } as const;
        const rows = result.results.map((r) => [
            paint(out, colour[r.status], r.status),
            r.destination,
            r.protocol,
            String(r.port),
            r.decidedBy ? decidedBy(r) : "(no rule: default deny)",
        ]);
        process.stdout.write(`${table(["Status", "Destination", "Protocol", "Port", "Decided by"], rows, out)}\n`);
        if (result.problems.length) {
            process.stdout.write(`\nProblems:\n${result.problems.map((p) => `  - ${p}`).join("\n")}\n`);
        }
        const s = result.summary;
        const tied = s.indeterminate ? `, ${s.indeterminate} indeterminate` : "";
        process.stdout.write(
            `\n${s.checks} checks: ${s.allowed} allowed, ${s.denied} denied, ${s.missing} missing${tied}\n`,
        );
    }
    return allAllowed(result) ? 0 : 1;
}
