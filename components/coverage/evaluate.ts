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
import { Ipv4Interval, contains, intersects, parseIpv4 } from "../net";
import { Requirement } from "../requirements";
import {
    NormalGroup, NormalRule, RawGroup, RuleReader, destinationsOf, fingerprint, fqdnsOf, newRuleTable, normaliseGroup, normaliseName, ruleWhere, slotAt, targetsOf,
} from "./model";

export type CheckStatus = "allowed" | "denied" | "missing";

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
}

export interface CoverageSummary {
    checks: number;
    allowed: number;
    denied: number;
    missing: number;
}

export interface CoverageResult {
    results: CheckResult[];
    summary: CoverageSummary;
    problems: string[];
}

/** The policy settings that matter for coverage. */
export interface PolicySettings {
    name?: string;
    /** `Basic`, `Standard` or `Premium`; unknown is treated as not Basic. */
    skuTier?: string;
    /** DNS proxy counts as on only when `true`. */
    dnsProxy?: boolean;
    /** Resource ID of the base (parent) policy, if any. */
    basePolicyId?: string;
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

/** Does `pattern` cover every name the requirement stands for? (§4) */
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
    return requirement.kind === "exact" ? requirement.name.endsWith(pattern.suffix) : requirement.suffix.endsWith(pattern.suffix);
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

function readWorkload(sources: CoverageInput["sources"]): Workload {
    const addresses = sources?.addresses ?? [];
    const groups = (sources?.ipGroups ?? []).map((g) => g.trim().toLowerCase());
    const cidrs = addresses.map((address, index) => {
        const parsed = parseIpv4(address);
        if (!parsed) {
            throw new InputError(`sources[${index}]`, address, "a workload source is an IPv4 address, CIDR or range.");
        }
        return parsed.interval; // a CIDR with host bits is read as its network
    });
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
    return !sourceMatches(rule, workload) && !rule.sourceAny
        && workload.cidrs.some((c) => rule.sourceRanges.some((r) => intersects(r, c)));
}

function portMatches(rule: NormalRule, port: number): boolean {
    return rule.ports.some((r) => r.from <= port && port <= r.to);
}

function describeRule(rule: NormalRule): DecidingRule {
    return { ruleCollectionGroup: rule.group, ruleCollection: rule.collection, rule: rule.name };
}

function where(rule: NormalRule): string {
    return `${rule.group}/${rule.collection}/${rule.name}`;
}

/** Evaluates coverage. Throws `InputError` for malformed input (spec §6 "Input"). */
export function evaluateCoverage(input: CoverageInput): CoverageResult {
    const problems: string[] = [];
    const policy = input.policy ?? {};
    const parentGroups = input.parentGroups ?? [];
    if (parentGroups.length && input.policy && !policy.basePolicyId) {
        throw new InputError("parentGroups", `${parentGroups.length} group(s)`,
            `the policy${policy.name ? ` ${policy.name}` : ""} names no base policy, so parent rule collection groups do not apply to it.`);
    }
    if (policy.basePolicyId && parentGroups.length === 0) {
        problems.push(`The policy has base policy ${policy.basePolicyId}, whose rule collection groups were not given; only the policy's own rules were evaluated.`);
    }
    const workload = readWorkload(input.sources);
    const dnsProxy = policy.dnsProxy === true;
    const basic = (policy.skuTier ?? "").toLowerCase() === "basic";

    // Normalise and order: parent groups first, then groups by priority, collections by priority.
    const groups: NormalGroup[] = [
        ...parentGroups.map((g, i) => normaliseGroup(g, i, true, problems)),
        ...input.groups.map((g, i) => normaliseGroup(g, parentGroups.length + i, false, problems)),
        ...(input.legacyFirewalls ?? []).map((g, i) => normaliseGroup(g, parentGroups.length + input.groups.length + i, false, problems, true)),
    ];
    groups.sort((a, b) => Number(b.fromParent) - Number(a.fromParent) || a.priority - b.priority || a.order - b.order);
    const stages = { network: newRuleTable("network"), application: newRuleTable("application") };
    const reader = new RuleReader(problems);

    // The names the checks will look up: exact FQDNs, and `*suffix` keys for every suffix of each name.
    const exactKeys = new Set<string>();
    const appKeys = new Set<string>();
    for (const req of input.requirements) {
        const pattern = req.kind === "fqdn" ? parsePattern(req.destination) : undefined;
        if (!pattern || pattern.kind === "any") {
            continue;
        }
        const text = pattern.kind === "exact" ? pattern.name : pattern.suffix;
        if (pattern.kind === "exact") {
            exactKeys.add(text);
            appKeys.add(text);
        }
        for (let i = 0; i < text.length; i++) {
            appKeys.add(`*${text.slice(i)}`);
        }
    }
    const exactPrints = new Set([...exactKeys].map(fingerprint));
    const appPrints = new Set([...appKeys].map(fingerprint));

    // Index network rules.
    const netAny: number[] = [];
    const netTag = new Map<string, number[]>();
    const netFqdn = new Map<string, number | number[]>();
    const fqdnUsable = dnsProxy && !basic;
    const net = stages.network;
    const whereAt = ruleWhere;
    const indexNetwork = (seq: number): void => {
        const rule = net.raw[seq];
        const addresses = rule.destinationAddresses;
        if (Array.isArray(addresses) && addresses.length) {
            const destinations = destinationsOf(rule);
            if (destinations.any) {
                netAny.push(seq);
            }
            for (const tag of destinations.tags) {
                push(netTag, tag, seq);
            }
        }
        const raw = rule.destinationFqdns;
        if (Array.isArray(raw) && raw.length) {
            let wildcard = false;
            for (const fqdn of raw) {
                if (typeof fqdn !== "string") {
                    continue;
                }
                if (fqdn.includes("*")) {
                    wildcard = true;
                } else if (fqdnUsable && exactPrints.has(fingerprint(fqdn))) {
                    const name = normaliseName(fqdn);
                    if (exactKeys.has(name)) {
                        pushCompact(netFqdn, name, seq);
                    }
                }
            }
            if (wildcard) {
                const wildcards = fqdnsOf(reader.normal(net, seq)).filter((f) => f.includes("*"));
                problems.push(`Rule ${whereAt(net, seq)} has wildcard FQDNs in a network rule (${wildcards.join(", ")}); Azure Firewall does not support them there, so they match nothing.`);
            }
            if (!fqdnUsable) {
                const why = basic ? "the policy is on the Basic SKU, which has no DNS proxy"
                    : policy.dnsProxy === false ? "DNS proxy is off on the policy" : "DNS proxy is not known to be on for the policy";
                problems.push(`Rule ${whereAt(net, seq)} uses FQDNs in a network rule, but ${why}; those FQDNs match nothing.`);
            }
        }
    };
    // Index application rules: exact names and `*suffix` patterns, keyed by the pattern text itself;
    // only names that some check will look up are indexed.
    const appAny: number[] = [];
    const appPattern = new Map<string, number | number[]>();
    const app = stages.application;
    const indexApplication = (seq: number): void => {
        const rule = app.raw[seq];
        const targets = rule.targetFqdns ?? rule.destinationFqdns;
        if (!Array.isArray(targets)) {
            return;
        }
        for (const target of targets) {
            if (typeof target !== "string") {
                continue;
            }
            if (target.indexOf("*", 1) !== -1) {
                problems.push(`Rule ${whereAt(app, seq)} has target ${JSON.stringify(normaliseName(target))}: '*' is supported only as the first character, once; it covers nothing.`);
                continue;
            }
            if (target.length <= 3 && normaliseName(target) === "*") {
                if (appAny[appAny.length - 1] !== seq) {
                    appAny.push(seq);
                }
                continue;
            }
            if (!appPrints.has(fingerprint(target))) {
                continue;
            }
            const name = normaliseName(target);
            if (appKeys.has(name)) {
                pushCompact(appPattern, name, seq);
            }
        }
    };
    // Read each collection and index its rules right away, while they are still in the CPU caches.
    for (const group of groups) {
        const collections = group.collections.map((c, i) => ({ c, i })).sort((a, b) => a.c.priority - b.c.priority || a.i - b.i);
        for (const { c } of collections) {
            const firstNetwork = net.raw.length;
            const firstApplication = app.raw.length;
            reader.read(group, c, stages);
            for (let seq = firstNetwork; seq < net.raw.length; seq++) {
                indexNetwork(seq);
            }
            for (let seq = firstApplication; seq < app.raw.length; seq++) {
                indexApplication(seq);
            }
        }
    }
    const deniesOf = (table: typeof net): NormalRule[] => {
        const result: NormalRule[] = [];
        for (let seq = 0; seq < table.raw.length; seq++) {
            if (slotAt(table, seq).collection.action === "deny") {
                result.push(reader.normal(table, seq));
            }
        }
        return result;
    };
    const denies = { network: deniesOf(net), application: deniesOf(app) };

    const results: (CheckResult & { index: number })[] = [];
    const overlapSeen = new Set<string>();
    input.requirements.forEach((req, index) => {
        const reqPattern = req.kind === "fqdn" ? parsePattern(req.destination) : undefined;
        if (req.kind === "fqdn" && (!reqPattern || reqPattern.kind === "any")) {
            throw new InputError(`requirements[${index}].destination`, req.destination,
                "a requirement is an exact FQDN or '*' followed by a suffix (*.example.com), or a service tag.");
        }
        const tagKeys = req.kind === "serviceTag" ? tagForms(req.destination) : (req.serviceTags ?? []).flatMap(tagForms);
        const exactName = reqPattern?.kind === "exact" ? reqPattern.name : undefined;
        const protocols: ("TCP" | "UDP")[] = req.protocol === "Any" ? ["TCP", "UDP"] : [req.protocol];
        const netCandidates = mergeSorted([netAny, ...tagKeys.map((t) => netTag.get(t) ?? []), exactName ? compact(netFqdn.get(exactName)) : []]);
        let appCandidates: number[] | undefined;
        const appCandidatesFor = (): number[] => {
            if (appCandidates) {
                return appCandidates;
            }
            const lists: number[][] = [appAny];
            const text = reqPattern!.kind === "exact" ? reqPattern!.name : (reqPattern as { suffix: string }).suffix;
            if (exactName) {
                lists.push(compact(appPattern.get(exactName)));
            }
            for (let i = 0; i < text.length; i++) {
                const hit = appPattern.get(`*${text.slice(i)}`);
                if (hit !== undefined) {
                    lists.push(compact(hit));
                }
            }
            appCandidates = mergeSorted(lists);
            return appCandidates;
        };
        for (const protocol of protocols) {
            for (const port of req.ports) {
                let decided: NormalRule | undefined;
                for (const seq of netCandidates) {
                    const rule = reader.normal(net, seq);
                    if ((rule.protocols.has(protocol) || rule.protocols.has("ANY")) && portMatches(rule, port) && sourceMatches(rule, workload)) {
                        decided = rule;
                        break;
                    }
                }
                if (!decided && protocol === "TCP" && req.appProtocol && reqPattern) {
                    const wanted = req.appProtocol.toLowerCase();
                    for (const seq of appCandidatesFor()) {
                        const rule = reader.normal(app, seq);
                        if (rule.appProtocols.some((p) => p.type === wanted && p.port === port) && sourceMatches(rule, workload)
                            && patternsOf(rule).some((p) => covers(p, reqPattern))) {
                            decided = rule;
                            break;
                        }
                    }
                }
                const status: CheckStatus = decided ? (decided.action === "allow" ? "allowed" : "denied") : "missing";
                results.push({ index, destination: req.destination, kind: req.kind, protocol, port, status, decidedBy: decided ? describeRule(decided) : null });
                reportOverlaps(req, reqPattern, tagKeys, protocol, port, decided);
            }
        }
    });

    function reportOverlaps(req: Requirement, reqPattern: Pattern | undefined, tagKeys: string[], protocol: "TCP" | "UDP", port: number, decided: NormalRule | undefined): void {
        const reached = (rule: NormalRule) => !decided || (decided.stage === "application" ? rule.stage === "network" || rule.seq < decided.seq : rule.stage === "network" && rule.seq < decided.seq);
        for (const rule of denies.network) {
            if (!reached(rule) || !(rule.protocols.has(protocol) || rule.protocols.has("ANY")) || !portMatches(rule, port)) {
                continue;
            }
            const destFull = rule.destAny || tagKeys.some((t) => rule.destTags.includes(t))
                || (reqPattern?.kind === "exact" && dnsProxy && !basic && fqdnsOf(rule).includes(reqPattern.name));
            const destPartial = !destFull && (
                (req.kind === "serviceTag" && rule.destTags.some((t) => t !== tagKeys[0] && tagForms(t)[1] === tagKeys[0]))
                || (reqPattern?.kind === "suffix" && fqdnsOf(rule).some((f) => !f.includes("*") && f.endsWith(reqPattern.suffix))));
            noteOverlap(req, protocol, port, rule, destFull, destPartial);
        }
        if (protocol !== "TCP" || !req.appProtocol || !reqPattern) {
            return;
        }
        const wanted = req.appProtocol.toLowerCase();
        for (const rule of denies.application) {
            if (!reached(rule) || !rule.appProtocols.some((p) => p.type === wanted && p.port === port)) {
                continue;
            }
            const patterns = patternsOf(rule);
            const destFull = patterns.some((p) => covers(p, reqPattern));
            const destPartial = !destFull && patterns.some((p) => overlapsPartly(p, reqPattern));
            noteOverlap(req, protocol, port, rule, destFull, destPartial);
        }
    }

    function noteOverlap(req: Requirement, protocol: string, port: number, rule: NormalRule, destFull: boolean, destPartial: boolean): void {
        let why: string | undefined;
        if (destPartial && (sourceMatches(rule, workload) || sourceOverlapsPartly(rule, workload))) {
            why = "covers only part of the destination";
        } else if (destFull && sourceOverlapsPartly(rule, workload)) {
            why = "applies to only part of the workload's sources";
        }
        if (why) {
            const text = `Deny rule ${where(rule)} ${why} for ${req.destination} ${protocol} ${port}; it does not decide the check, but part of that traffic is denied.`;
            if (!overlapSeen.has(text)) {
                overlapSeen.add(text);
                problems.push(text);
            }
        }
    }

    results.sort((a, b) => {
        const da = a.destination.toLowerCase();
        const db = b.destination.toLowerCase();
        return (da < db ? -1 : da > db ? 1 : 0) || (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0) || a.port - b.port || a.index - b.index;
    });
    const summary: CoverageSummary = { checks: results.length, allowed: 0, denied: 0, missing: 0 };
    for (const r of results) {
        summary[r.status]++;
    }
    return { results: results.map(({ index: _index, ...r }) => r), summary, problems };
}
