/**
 * Coverage evaluator (pure): does a firewall policy allow what the requirements need?
 * Implements the project's coverage semantics: network rules before application rules, parent
 * groups before the child's, groups then collections by priority, first match decides.
 *
 * Rules are normalised and indexed once (by tag, exact FQDN, FQDN suffix, `*`), so each check only
 * looks at the rules that could match it.
 */
import { REGION_PATTERN, isKnownRegion } from "../catalog/regions";
import { InputError } from "../errors";
import { Ipv4Interval, contains, intersects } from "../net";
import { PolicySettings, isBasic } from "../firewall/settings";
import { Requirement } from "../requirements";
import { sourceIntervals } from "../sources";
import { rawDestinationAddresses, rawDestinationFqdns, rawTargets } from "../firewall/model";
import {
    NormalGroup,
    NormalRule,
    RawGroup,
    RuleReader,
    RuleTable,
    destinationsOf,
    fingerprint,
    fqdnsOf,
    newRuleTable,
    normaliseGroup,
    normaliseName,
    ruleWhere,
    slotAt,
    targetsOf,
} from "../firewall/normal";

export type { PolicySettings };

/**
 * `indeterminate`: the first matching rule's group shares its priority with another group whose matching
 * rule has the other action; Azure does not document the order of equal priorities (§2).
 */
export type CheckStatus = "allowed" | "denied" | "missing" | "indeterminate";

export interface DecidingRule {
    ruleCollectionGroup: string;
    ruleCollection: string;
    rule: string;
}

export interface CheckResult {
    destination: string;
    kind: Requirement["kind"];
    protocol: "TCP" | "UDP";
    port: number;
    status: CheckStatus;
    decidedBy: DecidingRule | null;
    /** For `indeterminate`: the rule of a group of equal priority that would decide the other way. */
    tiedWith?: DecidingRule;
}

export interface CoverageSummary {
    checks: number;
    allowed: number;
    denied: number;
    missing: number;
    indeterminate: number;
}

/** Whether every check is allowed (none denied, missing or indeterminate). */
export function allAllowed(result: CoverageResult): boolean {
    return result.summary.allowed === result.summary.checks;
}

export interface CoverageResult {
    results: CheckResult[];
    summary: CoverageSummary;
    problems: string[];
}

export interface CoverageInput {
    /** The policy's rule collection groups, in input order (either provider's shape, or ARM resources). */
    groups: RawGroup[];
    /** The base policy's groups, processed before the policy's own. */
    parentGroups?: RawGroup[];
    /** Legacy rule collections set directly on firewalls (no policy). */
    legacyFirewalls?: RawGroup[];
    /** Policy settings; when absent, DNS proxy is unknown and the base policy is unknown. */
    policy?: PolicySettings;
    requirements: Requirement[];
    /** The workload: CIDRs and/or IP group IDs. Without any, sources are not checked. */
    sources?: { addresses?: string[]; ipGroups?: string[] };
}

type Pattern = { kind: "exact"; name: string } | { kind: "any" } | { kind: "suffix"; suffix: string };

/** Reads an FQDN pattern: exact, `*`, or `*` followed by a suffix. Anything else is unsupported. */
export function parsePattern(text: string): Pattern | undefined {
    const value = normaliseName(text);
    if (value === "*") {
        return { kind: "any" };
    }
    const stars = value.split("*").length - 1;
    if (stars === 0) {
        return { kind: "exact", name: value };
    }
    if (stars === 1 && value.startsWith("*")) {
        return { kind: "suffix", suffix: value.slice(1) };
    }
    return undefined;
}

/** Does `pattern` cover every name the requirement stands for? (docs/coverage-semantics.md §4) */
export function covers(pattern: Pattern, requirement: Pattern): boolean {
    if (pattern.kind === "any") {
        return true;
    }
    if (requirement.kind === "any") {
        return false;
    }
    if (pattern.kind === "exact") {
        return requirement.kind === "exact" && requirement.name === pattern.name;
    }
    return requirement.kind === "exact"
        ? requirement.name.endsWith(pattern.suffix)
        : requirement.suffix.endsWith(pattern.suffix);
}

/** Does `pattern` match some but not all of the requirement's names? */
function overlapsPartly(pattern: Pattern, requirement: Pattern): boolean {
    if (covers(pattern, requirement) || requirement.kind !== "suffix") {
        return false;
    }
    if (pattern.kind === "exact") {
        return pattern.name.endsWith(requirement.suffix);
    }
    return pattern.kind === "suffix" && pattern.suffix.endsWith(requirement.suffix);
}

/** A tag and its global form (the tag minus a trailing `.<region>`), lower-cased. */
export function tagForms(tag: string): string[] {
    const value = tag.trim().toLowerCase();
    const dot = value.lastIndexOf(".");
    if (dot > 0) {
        const region = value.slice(dot + 1);
        if (REGION_PATTERN.test(region) && isKnownRegion(region)) {
            return [value, value.slice(0, dot)];
        }
    }
    return [value];
}

/** Index entry holding one seq as a number and several as an array (most keys have one rule). */
function pushCompact(map: Map<string, number | number[]>, key: string, seq: number): void {
    const entry = map.get(key);
    if (entry === undefined) {
        map.set(key, seq);
    } else if (typeof entry === "number") {
        if (entry !== seq) {
            map.set(key, [entry, seq]);
        }
    } else if (entry[entry.length - 1] !== seq) {
        entry.push(seq);
    }
}

function compact(entry: number | number[] | undefined): number[] {
    return entry === undefined ? [] : typeof entry === "number" ? [entry] : entry;
}

/** The supported patterns of an application rule's targets (computed only for rules that are candidates). */
function patternsOf(rule: NormalRule): Pattern[] {
    const result: Pattern[] = [];
    for (const target of targetsOf(rule)) {
        const pattern = parsePattern(target);
        if (pattern) {
            result.push(pattern);
        }
    }
    return result;
}

function push<K>(map: Map<K, number[]>, key: K, seq: number): void {
    const entry = map.get(key);
    if (entry) {
        if (entry[entry.length - 1] !== seq) {
            entry.push(seq);
        }
    } else {
        map.set(key, [seq]);
    }
}

/** Merges sorted seq lists into one sorted, unique list. */
function mergeSorted(lists: number[][]): number[] {
    const nonEmpty = lists.filter((l) => l.length);
    if (nonEmpty.length === 0) {
        return [];
    }
    if (nonEmpty.length === 1) {
        return nonEmpty[0];
    }
    const all = ([] as number[]).concat(...nonEmpty).sort((a, b) => a - b);
    return all.filter((v, i) => i === 0 || all[i - 1] !== v);
}

interface Workload {
    check: boolean;
    cidrs: Ipv4Interval[];
    groups: string[];
}

function readWorkload(sources: CoverageInput["sources"], problems: string[]): Workload {
    const addresses = sources?.addresses ?? [];
    const groups = (sources?.ipGroups ?? []).map((g) => g.trim().toLowerCase());
    const cidrs = sourceIntervals(addresses, "sources", problems);
    return { check: cidrs.length > 0 || groups.length > 0, cidrs, groups };
}

function sourceMatches(rule: NormalRule, workload: Workload): boolean {
    if (!workload.check) {
        return true;
    }
    if (workload.groups.some((g) => rule.sourceIpGroups.has(g))) {
        return true;
    }
    if (workload.cidrs.length) {
        return workload.cidrs.every((c) => rule.sourceAny || rule.sourceRanges.some((r) => contains(r, c)));
    }
    return rule.sourceAny;
}

function sourceOverlapsPartly(rule: NormalRule, workload: Workload): boolean {
    return (
        !sourceMatches(rule, workload) &&
        !rule.sourceAny &&
        workload.cidrs.some((c) => rule.sourceRanges.some((r) => intersects(r, c)))
    );
}

function portMatches(rule: NormalRule, port: number): boolean {
    return rule.ports.some((r) => r.from <= port && port <= r.to);
}

function protocolMatches(rule: NormalRule, protocol: string): boolean {
    return rule.protocols.has(protocol) || rule.protocols.has("ANY");
}

/** A check's deciding rule, and a rule of an equally ranked group that decides it the other way. */
interface Decision {
    rule?: NormalRule;
    tie?: NormalRule;
}

/** Two groups Azure ranks equally: same priority, same level (parent or child); a firewall's own have none. */
function tiedGroups(a: NormalGroup, b: NormalGroup): boolean {
    return a.priority > 0 && a.priority === b.priority && a.fromParent === b.fromParent;
}

function describeRule(rule: NormalRule): DecidingRule {
    return { ruleCollectionGroup: rule.group, ruleCollection: rule.collection, rule: rule.name };
}

/** Checks how the policy relates to the parent groups given (spec: "Base policy"). */
function checkBase(input: CoverageInput, problems: string[]): void {
    const policy = input.policy ?? {};
    const parents = input.parentGroups ?? [];
    if (parents.length && policy.basePolicyKnown && !policy.basePolicyId) {
        throw new InputError(
            "parentGroups",
            `${parents.length} group(s)`,
            `the policy${policy.name ? ` ${policy.name}` : ""} names no base policy, so parent rule collection ` +
                `groups do not apply to it.`,
        );
    }
    if (policy.basePolicyId && parents.length === 0) {
        problems.push(
            `The policy has base policy ${policy.basePolicyId}, whose rule collection groups were not given; only ` +
                `the policy's own rules were evaluated.`,
        );
    }
}

/** Reads every group and puts them in processing order: parent groups first, then by priority, then input order. */
function orderedGroups(input: CoverageInput, problems: string[]): NormalGroup[] {
    const parents = input.parentGroups ?? [];
    const groups: NormalGroup[] = [
        ...parents.map((g, i) => normaliseGroup(g, i, true, problems)),
        ...input.groups.map((g, i) => normaliseGroup(g, parents.length + i, false, problems)),
        ...(input.legacyFirewalls ?? []).map((g, i) =>
            normaliseGroup(g, parents.length + input.groups.length + i, false, problems, true),
        ),
    ];
    return groups.sort(
        (a, b) => Number(b.fromParent) - Number(a.fromParent) || a.priority - b.priority || a.order - b.order,
    );
}

/** A requirement's destination as a pattern; an FQDN that is not an exact name or `*suffix` is an input error. */
function requirementPattern(req: Requirement, index: number): Pattern | undefined {
    if (req.kind !== "fqdn") {
        return undefined;
    }
    const pattern = parsePattern(req.destination);
    if (!pattern || pattern.kind === "any") {
        throw new InputError(
            `requirements[${index}].destination`,
            req.destination,
            "a requirement is an exact FQDN or '*' followed by a suffix (*.example.com), or a service tag.",
        );
    }
    return pattern;
}

/** The names the checks will look up: exact FQDNs, and `*suffix` keys for every suffix of each name. */
class LookupKeys {
    readonly exact = new Set<string>();
    readonly app = new Set<string>();
    readonly exactPrints: Set<number>;
    readonly appPrints: Set<number>;

    constructor(patterns: (Pattern | undefined)[]) {
        for (const pattern of patterns) {
            if (!pattern || pattern.kind === "any") {
                continue;
            }
            const text = pattern.kind === "exact" ? pattern.name : pattern.suffix;
            if (pattern.kind === "exact") {
                this.exact.add(text);
                this.app.add(text);
            }
            for (let i = 0; i < text.length; i++) {
                this.app.add(`*${text.slice(i)}`);
            }
        }
        this.exactPrints = new Set([...this.exact].map(fingerprint));
        this.appPrints = new Set([...this.app].map(fingerprint));
    }
}

/**
 * The rules of both stages in processing order, indexed by what a check looks up (tag, exact FQDN,
 * FQDN pattern, `*`). Only names some check will look up are indexed.
 */
class RuleIndex {
    readonly net = newRuleTable("network");
    readonly app = newRuleTable("application");
    private readonly netAny: number[] = [];
    private readonly netTag = new Map<string, number[]>();
    private readonly netFqdn = new Map<string, number | number[]>();
    private readonly appAny: number[] = [];
    private readonly appPattern = new Map<string, number | number[]>();

    constructor(
        readonly reader: RuleReader,
        private readonly keys: LookupKeys,
        private readonly fqdnsUsable: boolean,
        private readonly fqdnsUnusableWhy: string | undefined,
        private readonly problems: string[],
    ) {}

    /** Reads each collection and indexes its rules right away, while they are still in the CPU caches. */
    addGroups(groups: NormalGroup[]): void {
        for (const group of groups) {
            const collections = group.collections
                .map((c, i) => ({ c, i }))
                .sort((a, b) => a.c.priority - b.c.priority || a.i - b.i);
            for (const { c } of collections) {
                const firstNetwork = this.net.raw.length;
                const firstApplication = this.app.raw.length;
                this.reader.read(group, c, { network: this.net, application: this.app });
                for (let seq = firstNetwork; seq < this.net.raw.length; seq++) {
                    this.indexNetwork(seq);
                }
                for (let seq = firstApplication; seq < this.app.raw.length; seq++) {
                    this.indexApplication(seq);
                }
            }
        }
    }

    private indexNetwork(seq: number): void {
        const rule = this.net.raw[seq];
        const addresses = rawDestinationAddresses(rule);
        if (Array.isArray(addresses) && addresses.length) {
            const destinations = destinationsOf(rule);
            if (destinations.any) {
                this.netAny.push(seq);
            }
            destinations.tags.forEach((tag) => push(this.netTag, tag, seq));
        }
        const raw = rawDestinationFqdns(rule);
        if (Array.isArray(raw) && raw.length) {
            this.indexNetworkFqdns(seq, raw);
        }
    }

    private indexNetworkFqdns(seq: number, raw: unknown[]): void {
        let wildcard = false;
        for (const fqdn of raw) {
            if (typeof fqdn !== "string") {
                continue;
            }
            if (fqdn.includes("*")) {
                wildcard = true;
            } else if (this.fqdnsUsable && this.keys.exactPrints.has(fingerprint(fqdn))) {
                const name = normaliseName(fqdn);
                if (this.keys.exact.has(name)) {
                    pushCompact(this.netFqdn, name, seq);
                }
            }
        }
        if (wildcard) {
            const wildcards = fqdnsOf(this.reader.normal(this.net, seq)).filter((f) => f.includes("*"));
            this.problems.push(
                `Rule ${ruleWhere(this.net, seq)} has wildcard FQDNs in a network rule (${wildcards.join(", ")}); ` +
                    `Azure Firewall does not support them there, so they match nothing.`,
            );
        }
        if (this.fqdnsUnusableWhy) {
            this.problems.push(
                `Rule ${ruleWhere(this.net, seq)} uses FQDNs in a network rule, but ${this.fqdnsUnusableWhy}; ` +
                    `those FQDNs match nothing.`,
            );
        }
    }

    private indexApplication(seq: number): void {
        const targets = rawTargets(this.app.raw[seq]);
        if (!Array.isArray(targets)) {
            return;
        }
        for (const target of targets) {
            if (typeof target !== "string") {
                continue;
            }
            if (target.indexOf("*", 1) !== -1) {
                this.problems.push(
                    `Rule ${ruleWhere(this.app, seq)} has target ${JSON.stringify(normaliseName(target))}: '*' is ` +
                        `supported only as the first character, once; it covers nothing.`,
                );
            } else if (target.length <= 3 && normaliseName(target) === "*") {
                if (this.appAny[this.appAny.length - 1] !== seq) {
                    this.appAny.push(seq);
                }
            } else if (this.keys.appPrints.has(fingerprint(target))) {
                const name = normaliseName(target);
                if (this.keys.app.has(name)) {
                    pushCompact(this.appPattern, name, seq);
                }
            }
        }
    }

    /** Network rules that could match a requirement with these tag keys / exact name, in order. */
    networkCandidates(tagKeys: string[], exactName: string | undefined): number[] {
        return mergeSorted([
            this.netAny,
            ...tagKeys.map((t) => this.netTag.get(t) ?? []),
            exactName ? compact(this.netFqdn.get(exactName)) : [],
        ]);
    }

    /** Application rules that could cover a requirement's pattern, in order. */
    applicationCandidates(pattern: Pattern): number[] {
        const lists: number[][] = [this.appAny];
        const text = pattern.kind === "exact" ? pattern.name : pattern.kind === "suffix" ? pattern.suffix : "";
        if (pattern.kind === "exact") {
            lists.push(compact(this.appPattern.get(pattern.name)));
        }
        for (let i = 0; i < text.length; i++) {
            const hit = this.appPattern.get(`*${text.slice(i)}`);
            if (hit !== undefined) {
                lists.push(compact(hit));
            }
        }
        return mergeSorted(lists);
    }

    /** Every Deny rule of a table, in normal form. */
    denies(table: RuleTable): NormalRule[] {
        const result: NormalRule[] = [];
        for (let seq = 0; seq < table.raw.length; seq++) {
            if (slotAt(table, seq).collection.action === "deny") {
                result.push(this.reader.normal(table, seq));
            }
        }
        return result;
    }
}

/** Why network-rule FQDNs cannot match on this policy, or undefined when they can. */
function fqdnsUnusable(policy: PolicySettings): string | undefined {
    if (isBasic(policy)) {
        return "the policy is on the Basic SKU, which has no DNS proxy";
    }
    if (policy.dnsProxy !== true) {
        return policy.dnsProxy === false
            ? "DNS proxy is off on the policy"
            : "DNS proxy is not known to be on for the policy";
    }
    return undefined;
}

/** One requirement, prepared for its checks. */
interface PreparedRequirement {
    req: Requirement;
    index: number;
    pattern: Pattern | undefined;
    tagKeys: string[];
    netCandidates: number[];
    appCandidates?: number[];
}

/**
 * Evaluates each check of the requirements against the index: first matching rule decides (docs/coverage-semantics.md
 * §2-§4).
 */
class CoverageRun {
    private readonly results: (CheckResult & { index: number })[] = [];
    private readonly overlaps: OverlapReporter;

    constructor(
        private readonly index: RuleIndex,
        private readonly workload: Workload,
        fqdnsUsable: boolean,
        problems: string[],
    ) {
        this.overlaps = new OverlapReporter(index, workload, fqdnsUsable, problems);
    }

    check(req: Requirement, index: number, pattern: Pattern | undefined): void {
        const tagKeys =
            req.kind === "serviceTag" ? tagForms(req.destination) : (req.serviceTags ?? []).flatMap(tagForms);
        const exactName = pattern?.kind === "exact" ? pattern.name : undefined;
        const prepared: PreparedRequirement = {
            req,
            index,
            pattern,
            tagKeys,
            netCandidates: this.index.networkCandidates(tagKeys, exactName),
        };
        const protocols: ("TCP" | "UDP")[] = req.protocol === "Any" ? ["TCP", "UDP"] : [req.protocol];
        for (const protocol of protocols) {
            for (const port of req.ports) {
                const network = this.decideNetwork(prepared, protocol, port);
                const { rule: decided, tie } = network.rule
                    ? network
                    : this.decideApplication(prepared, protocol, port);
                const status: CheckStatus = tie
                    ? "indeterminate"
                    : decided
                      ? decided.action === "allow"
                          ? "allowed"
                          : "denied"
                      : "missing";
                this.results.push({
                    index,
                    destination: req.destination,
                    kind: req.kind,
                    protocol,
                    port,
                    status,
                    decidedBy: decided ? describeRule(decided) : null,
                    ...(tie ? { tiedWith: describeRule(tie) } : {}),
                });
                this.overlaps.report(prepared, protocol, port, decided);
            }
        }
    }

    private decideNetwork(p: PreparedRequirement, protocol: string, port: number): Decision {
        return this.firstMatch(
            this.index.net,
            p.netCandidates,
            (rule) => protocolMatches(rule, protocol) && portMatches(rule, port) && sourceMatches(rule, this.workload),
        );
    }

    private decideApplication(p: PreparedRequirement, protocol: string, port: number): Decision {
        if (protocol !== "TCP" || !p.req.appProtocol || !p.pattern) {
            return {};
        }
        const wanted = p.req.appProtocol.toLowerCase();
        p.appCandidates ??= this.index.applicationCandidates(p.pattern);
        return this.firstMatch(
            this.index.app,
            p.appCandidates,
            (rule) =>
                rule.appProtocols.some((a) => a.type === wanted && a.port === port) &&
                sourceMatches(rule, this.workload) &&
                patternsOf(rule).some((a) => covers(a, p.pattern!)),
        );
    }

    /**
     * The first candidate that matches decides (§2); when a group of the same priority (and level) as the
     * deciding rule's has a matching rule with the other action, the order Azure applies is undocumented,
     * and that rule is returned as the tie.
     */
    private firstMatch(table: RuleTable, candidates: number[], matches: (rule: NormalRule) => boolean): Decision {
        let decided: { rule: NormalRule; group: NormalGroup } | undefined;
        for (const seq of candidates) {
            const { group } = slotAt(table, seq);
            if (decided && !tiedGroups(decided.group, group)) {
                break;
            }
            const rule = this.index.reader.normal(table, seq);
            if (!matches(rule)) {
                continue;
            }
            if (!decided) {
                decided = { rule, group };
            } else if (group !== decided.group && rule.action !== decided.rule.action) {
                return { rule: decided.rule, tie: rule };
            }
        }
        return decided ? { rule: decided.rule } : {};
    }

    /** Results sorted by (destination lower-cased, protocol, port), then input order; and their summary. */
    finish(problems: string[]): CoverageResult {
        const results = this.results.sort((a, b) => {
            const da = a.destination.toLowerCase();
            const db = b.destination.toLowerCase();
            return (
                (da < db ? -1 : da > db ? 1 : 0) ||
                (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0) ||
                a.port - b.port ||
                a.index - b.index
            );
        });
        const summary: CoverageSummary = {
            checks: results.length,
            allowed: 0,
            denied: 0,
            missing: 0,
            indeterminate: 0,
        };
        results.forEach((r) => summary[r.status]++);
        return { results: results.map(({ index: _index, ...r }) => r), summary, problems };
    }
}

/**
 * Reports Deny rules reached before the deciding rule that cover a check only in part (docs/coverage-semantics.md
 * §6).
 */
class OverlapReporter {
    private readonly seen = new Set<string>();
    private readonly denies: Record<"network" | "application", NormalRule[]>;

    constructor(
        index: RuleIndex,
        private readonly workload: Workload,
        private readonly fqdnsUsable: boolean,
        private readonly problems: string[],
    ) {
        this.denies = { network: index.denies(index.net), application: index.denies(index.app) };
    }

    report(p: PreparedRequirement, protocol: "TCP" | "UDP", port: number, decided: NormalRule | undefined): void {
        const reached = (rule: NormalRule) =>
            !decided ||
            (decided.stage === "application"
                ? rule.stage === "network" || rule.seq < decided.seq
                : rule.stage === "network" && rule.seq < decided.seq);
        for (const rule of this.denies.network) {
            if (reached(rule) && protocolMatches(rule, protocol) && portMatches(rule, port)) {
                this.note(p.req, protocol, port, rule, ...this.networkOverlap(p, rule));
            }
        }
        if (protocol !== "TCP" || !p.req.appProtocol || !p.pattern) {
            return;
        }
        const wanted = p.req.appProtocol.toLowerCase();
        for (const rule of this.denies.application) {
            if (reached(rule) && rule.appProtocols.some((a) => a.type === wanted && a.port === port)) {
                const patterns = patternsOf(rule);
                const full = patterns.some((a) => covers(a, p.pattern!));
                this.note(
                    p.req,
                    protocol,
                    port,
                    rule,
                    full,
                    !full && patterns.some((a) => overlapsPartly(a, p.pattern!)),
                );
            }
        }
    }

    /** Whether a network Deny rule's destination covers the requirement fully, or only in part. */
    private networkOverlap(p: PreparedRequirement, rule: NormalRule): [boolean, boolean] {
        const full =
            rule.destAny ||
            p.tagKeys.some((t) => rule.destTags.includes(t)) ||
            (p.pattern?.kind === "exact" && this.fqdnsUsable && fqdnsOf(rule).includes(p.pattern.name));
        const partial =
            !full &&
            ((p.req.kind === "serviceTag" &&
                rule.destTags.some((t) => t !== p.tagKeys[0] && tagForms(t)[1] === p.tagKeys[0])) ||
                (p.pattern?.kind === "suffix" &&
                    fqdnsOf(rule).some(
                        (f) => !f.includes("*") && f.endsWith((p.pattern as { suffix: string }).suffix),
                    )));
        return [full, partial];
    }

    private note(
        req: Requirement,
        protocol: string,
        port: number,
        rule: NormalRule,
        destFull: boolean,
        destPartial: boolean,
    ): void {
        let why: string | undefined;
        if (destPartial && (sourceMatches(rule, this.workload) || sourceOverlapsPartly(rule, this.workload))) {
            why = "covers only part of the destination";
        } else if (destFull && sourceOverlapsPartly(rule, this.workload)) {
            why = "applies to only part of the workload's sources";
        }
        if (why) {
            const text =
                `Deny rule ${rule.group}/${rule.collection}/${rule.name} ${why} for ${req.destination} ` +
                `${protocol} ${port}; it does not decide the check, but part of that traffic is denied.`;
            if (!this.seen.has(text)) {
                this.seen.add(text);
                this.problems.push(text);
            }
        }
    }
}

/** Evaluates coverage (see docs/coverage-semantics.md). Throws `InputError` for malformed input. */
export function evaluateCoverage(input: CoverageInput): CoverageResult {
    const problems: string[] = [];
    checkBase(input, problems);
    const policy = input.policy ?? {};
    const workload = readWorkload(input.sources, problems);
    const groups = orderedGroups(input, problems);
    const patterns = input.requirements.map(requirementPattern);
    const why = fqdnsUnusable(policy);
    const index = new RuleIndex(new RuleReader(problems), new LookupKeys(patterns), why === undefined, why, problems);
    index.addGroups(groups);
    const run = new CoverageRun(index, workload, why === undefined, problems);
    input.requirements.forEach((req, i) => run.check(req, i, patterns[i]));
    return run.finish(problems);
}
