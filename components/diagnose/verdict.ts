/**
 * Diagnosis (pure): denied flows from firewall logs, grouped per (destination, protocol, port) and
 * judged against what Azure ML needs. `required`: the chosen catalog needs it (a rule is missing);
 * `scenario`: only a scenario that was not chosen needs it; `unrelated`: not an Azure ML destination.
 * Names match as in the coverage semantics (wildcards, case, trailing dots); an IP matches a service
 * tag requirement when the Service Tags file puts it in that tag. Where DNS proxy rows are given, the
 * IP of a network-rule flow is named by the last name the same client queried at most 2 s before: such
 * flows are judged once every row is read (DNS rows may come after the flows they name), in one pass.
 */
import { covers, parsePattern } from "../coverage/evaluate";
import { Ipv4Interval, contains, parseIpv4 } from "../net";
import type { Requirement } from "../requirements";
import { sourceIntervals } from "../sources";
import { ApartEvent, FlowEvent, LogEvent, NO_SNI } from "./records";
import { earlier, isCanonical, timeMs } from "./times";

export type Verdict = "required" | "scenario" | "unrelated";

export interface DiagnosedFlow {
    destination: string;
    kind: "fqdn" | "ip";
    protocol: string;
    port: number;
    count: number;
    firstSeen: string;
    lastSeen: string;
    serviceTag?: string;
    /** Set when the name came from DNS correlation: the IP the flow went to. */
    resolvedFrom?: { ip: string; by: "dns-correlation" };
    verdict: Verdict;
    /**
     * The requirement the flow falls under, the scenarios that need it (all of them, `core` first), why,
     * and the kind of rule that allows it.
     */
    requirement?: { destination: string; scenario: string; scenarios: string[]; purpose?: string; rule: string };
}

export interface DiagnosisSummary {
    rows: number;
    denied: number;
    outsideSources: number;
    flows: number;
    required: number;
    scenario: number;
    unrelated: number;
    apart: number;
    /** DNS proxy rows (used to name IPs, not judged). */
    dns: number;
    /** Firewall rows of categories this tool does not judge. */
    skipped: number;
    /** Rows that could not be read (counted by the reader). */
    unreadable: number;
}

export interface ApartGroup {
    reason: string;
    message: string;
    count: number;
    /** The sources, where the rows name them (TLS without SNI). */
    sources?: string[];
}

export interface Diagnosis {
    flows: DiagnosedFlow[];
    apart: ApartGroup[];
    summary: DiagnosisSummary;
}

/** One service tag and its IPv4 prefixes. */
export interface ServiceTagRanges {
    name: string;
    ranges: Ipv4Interval[];
}

export interface DiagnoseInput {
    /** What the chosen catalog needs. */
    required: Requirement[];
    /** What any scenario of the cloud needs (a superset of `required`); without it, no `scenario` verdict. */
    offered?: Requirement[];
    /** Workload sources (CIDRs); flows from elsewhere are counted and left out. */
    sources?: string[];
    /** Microsoft's service tags, to name IP destinations. */
    serviceTags?: ServiceTagRanges[];
}

/** Reads Microsoft's Service Tags JSON (`values[].name`, `values[].properties.addressPrefixes`), IPv4 only. */
export function serviceTagRanges(document: unknown): ServiceTagRanges[] {
    const values = (document as { values?: unknown })?.values;
    if (!Array.isArray(values)) {
        throw new Error("not a Service Tags file (no `values` array)");
    }
    return values.map((value: { name?: unknown; properties?: { addressPrefixes?: unknown } }) => ({
        name: String(value.name),
        ranges: (Array.isArray(value.properties?.addressPrefixes) ? value.properties!.addressPrefixes : [])
            .map((prefix: unknown) => parseIpv4(String(prefix))?.interval)
            .filter((range): range is Ipv4Interval => range !== undefined),
    }));
}

function size(range: Ipv4Interval): number {
    return range.end - range.start;
}

function protocolMatches(requirement: Requirement, flow: FlowEvent): boolean {
    if (flow.protocol !== "TCP" && flow.protocol !== "UDP") {
        return requirement.protocol !== "UDP"; // an application rule's HTTP/HTTPS/MSSQL flow runs on TCP
    }
    return requirement.protocol === "Any" || requirement.protocol === flow.protocol;
}

/**
 * Widens a group's first/last seen to `time`. Instants: the shapes write times differently (0-7 decimals),
 * so `earlier` compares them as instants; times of one canonical width (what one export writes) compare as
 * strings, with one check of the new time per row.
 */
function seen(group: DiagnosedFlow, time: string): void {
    const { firstSeen, lastSeen } = group;
    if (time.length === firstSeen.length && time.length === lastSeen.length && isCanonical(time)) {
        if (isCanonical(firstSeen) && isCanonical(lastSeen)) {
            if (time < firstSeen) {
                group.firstSeen = time;
            } else if (time > lastSeen) {
                group.lastSeen = time;
            }
            return;
        }
    }
    // A row without a time ("") neither widens a group nor keeps a time of another row from doing so.
    if (time && (!firstSeen || earlier(time, firstSeen))) {
        group.firstSeen = time;
    }
    if (time && (!lastSeen || earlier(lastSeen, time))) {
        group.lastSeen = time;
    }
}

/** How far back a DNS query may be to name the flow that follows it. */
export const DNS_WINDOW_MS = 2000;

/** DNS queries per client, sorted by time, to name IP flows. */
export class DnsIndex {
    private readonly byClient = new Map<string, { at: number; name: string }[]>();
    private sorted = true;

    add(sourceIp: string, time: string, name: string): void {
        const at = timeMs(time);
        if (Number.isNaN(at)) {
            return;
        }
        const list = this.byClient.get(sourceIp) ?? [];
        list.push({ at, name });
        this.byClient.set(sourceIp, list);
        this.sorted = false;
    }

    get size(): number {
        return this.byClient.size;
    }

    /**
     * The name `client` queried last at or before `time` (to the millisecond), at most `DNS_WINDOW_MS` earlier;
     * of queries in the same millisecond, the greatest name (so the answer does not hang on the rows' order).
     */
    nameFor(client: string | undefined, time: string): string | undefined {
        if (!this.sorted) {
            // By time, then name: of queries in one millisecond the greatest name is last, whatever the rows' order.
            this.byClient.forEach((list) =>
                list.sort((a, b) => a.at - b.at || (a.name < b.name ? -1 : +(a.name > b.name))),
            );
            this.sorted = true;
        }
        const list = client ? this.byClient.get(client) : undefined;
        if (!list) {
            return undefined;
        }
        const at = timeMs(time);
        if (Number.isNaN(at)) {
            return undefined;
        }
        let low = 0;
        let high = list.length;
        while (low < high) {
            const middle = (low + high) >> 1;
            if (list[middle].at <= at) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        const last = list[low - 1];
        return last && at - last.at <= DNS_WINDOW_MS ? last.name : undefined;
    }
}

/** What to allow: an application rule (`Https:443`) where the catalog gives an application protocol. */
function requirementOf(requirement: Requirement, port: number): NonNullable<DiagnosedFlow["requirement"]> {
    const rule =
        requirement.appProtocol && requirement.kind === "fqdn"
            ? `application rule ${requirement.appProtocol}:${port}`
            : `network rule ${requirement.protocol}/${port}`;
    const scenarios = requirement.scenarios ?? [requirement.scenario ?? "core"];
    return {
        destination: requirement.destination,
        scenario: scenarios[0],
        scenarios,
        ...(requirement.purpose ? { purpose: requirement.purpose } : {}),
        rule,
    };
}

/** The group of a destination's groups with the flow's kind, protocol and port (a loop: this runs per row). */
function sameFlow(groups: DiagnosedFlow[], flow: FlowEvent): DiagnosedFlow | undefined {
    for (const group of groups) {
        if (group.port === flow.port && group.protocol === flow.protocol && group.kind === flow.kind) {
            return group;
        }
    }
    return undefined;
}

/** Accumulates log events; `result()` gives the diagnosis. */
export class Diagnoser {
    /** Groups by destination, then (kind, protocol, port): no key string built per row. */
    private readonly groups = new Map<string, DiagnosedFlow[]>();
    /** DNS proxy queries, to name IP destinations. */
    private readonly dns = new DnsIndex();
    /** Denied IP flows from the workload, judged in `result()` once every DNS row is known. */
    private readonly pendingIps: FlowEvent[] = [];
    private readonly apartGroups = new Map<string, ApartGroup & { sourceSet?: Set<string> }>();
    private readonly summary: DiagnosisSummary = {
        rows: 0,
        denied: 0,
        outsideSources: 0,
        flows: 0,
        required: 0,
        scenario: 0,
        unrelated: 0,
        apart: 0,
        dns: 0,
        skipped: 0,
        unreadable: 0,
    };
    private readonly sources: Ipv4Interval[];
    /** What reading the sources had to say (a CIDR with host bits, read as its network). */
    readonly sourceNotes: string[] = [];
    private readonly knownTags: Set<string>;
    private readonly tagCache = new Map<string, { containing: Set<string>; named?: string }>();

    constructor(private readonly input: DiagnoseInput) {
        this.sources = sourceIntervals(input.sources ?? [], "sources", this.sourceNotes);
        this.knownTags = new Set(
            [...input.required, ...(input.offered ?? [])]
                .filter((r) => r.kind === "serviceTag")
                .map((r) => r.destination.toLowerCase()),
        );
    }

    add(event: LogEvent): void {
        this.summary.rows += 1;
        if (event.type === "dns") {
            this.summary.dns += 1;
            this.dns.add(event.sourceIp, event.time, event.name);
        } else if (event.type === "skipped") {
            this.summary.skipped += 1;
        } else if (event.type === "apart") {
            this.addApart(event);
        } else if (event.action === "Deny" || event.action.toLowerCase() === "deny") {
            this.addDenied(event);
        }
    }

    private addApart(event: ApartEvent): void {
        this.summary.apart += 1;
        const key = `${event.reason}\u0000${event.message}`;
        const group = this.apartGroups.get(key) ?? { reason: event.reason, message: event.message, count: 0 };
        group.count += 1;
        if (event.message === NO_SNI && event.sourceIp) {
            (group.sourceSet ??= new Set()).add(event.sourceIp);
        }
        this.apartGroups.set(key, group);
    }

    private fromWorkload(flow: FlowEvent): boolean {
        if (!this.sources.length) {
            return true;
        }
        const source = flow.sourceIp ? parseIpv4(flow.sourceIp)?.interval : undefined;
        return source !== undefined && this.sources.some((range) => contains(range, source));
    }

    private addDenied(denied: FlowEvent): void {
        const flows = denied.count ?? 1;
        this.summary.denied += flows;
        if (!this.fromWorkload(denied)) {
            this.summary.outsideSources += flows;
            return;
        }
        if (denied.namedIp) {
            // Named already (the diagnose query's DNS correlation).
            this.group({ ...denied, ip: denied.namedIp }, flows);
            return;
        }
        if (denied.kind === "ip") {
            // Held until every DNS row is read.
            this.pendingIps.push(denied);
            return;
        }
        this.group(denied, flows);
    }

    /** Names a denied IP flow by the DNS query before it, where there is one, and groups it. */
    private groupIp(denied: FlowEvent): void {
        const name = this.dns.size ? this.dns.nameFor(denied.sourceIp, denied.time) : undefined;
        const flow: FlowEvent & { ip?: string } = name
            ? { ...denied, destination: name, kind: "fqdn", ip: denied.destination }
            : denied;
        this.group(flow, denied.count ?? 1);
    }

    private group(flow: FlowEvent & { ip?: string }, flows: number): void {
        let same = this.groups.get(flow.destination);
        if (!same) {
            same = [];
            this.groups.set(flow.destination, same);
        }
        const group = sameFlow(same, flow);
        if (!group) {
            same.push({ ...this.judge(flow), count: flows });
            return;
        }
        group.count += flows;
        seen(group, flow.time);
        if (flow.lastTime) {
            seen(group, flow.lastTime);
        }
    }

    /** The tags that contain an IP, and the one to show: catalog-known first, then the narrowest. */
    private tagsOf(ip: string): { containing: Set<string>; named?: string } {
        const cached = this.tagCache.get(ip);
        if (cached) {
            return cached;
        }
        const address = parseIpv4(ip)?.interval;
        const hits: { name: string; size: number }[] = [];
        for (const tag of address ? (this.input.serviceTags ?? []) : []) {
            const range = tag.ranges.filter((r) => contains(r, address!)).sort((a, b) => size(a) - size(b))[0];
            if (range) {
                hits.push({ name: tag.name, size: size(range) });
            }
        }
        const known = (name: string) => (this.knownTags.has(name.toLowerCase()) ? 0 : 1);
        hits.sort((a, b) => known(a.name) - known(b.name) || a.size - b.size || a.name.localeCompare(b.name));
        const result = { containing: new Set(hits.map((h) => h.name.toLowerCase())), named: hits[0]?.name };
        this.tagCache.set(ip, result);
        return result;
    }

    /** The narrowest requirement the flow falls under: an exact name before a wildcard, a longer suffix first. */
    private matching(requirements: Requirement[], flow: FlowEvent, tags: Set<string>): Requirement | undefined {
        const name = flow.kind === "fqdn" ? parsePattern(flow.destination) : undefined;
        const hits = requirements.filter((r) => {
            if (!r.ports.includes(flow.port) || !protocolMatches(r, flow)) {
                return false;
            }
            if (r.kind === "serviceTag") {
                return flow.kind === "ip" && tags.has(r.destination.toLowerCase());
            }
            const pattern = parsePattern(r.destination);
            return name !== undefined && pattern !== undefined && covers(pattern, name);
        });
        const specificity = (r: Requirement) => (r.destination.includes("*") ? 0 : 1000) + r.destination.length;
        return hits.sort((a, b) => specificity(b) - specificity(a))[0];
    }

    private judge(flow: FlowEvent & { ip?: string }): DiagnosedFlow {
        const tags = flow.kind === "ip" ? this.tagsOf(flow.destination) : { containing: new Set<string>() };
        const required = this.matching(this.input.required, flow, tags.containing);
        const offered = required ?? this.matching(this.input.offered ?? [], flow, tags.containing);
        const verdict: Verdict = required ? "required" : offered ? "scenario" : "unrelated";
        return {
            destination: flow.destination,
            kind: flow.kind,
            protocol: flow.protocol,
            port: flow.port,
            count: 1,
            firstSeen: flow.time,
            lastSeen: flow.lastTime ?? flow.time,
            ...(tags.named ? { serviceTag: tags.named } : {}),
            ...(flow.ip ? { resolvedFrom: { ip: flow.ip, by: "dns-correlation" as const } } : {}),
            verdict,
            ...(offered ? { requirement: requirementOf(offered, flow.port) } : {}),
        };
    }

    result(): Diagnosis {
        for (const flow of this.pendingIps.splice(0)) {
            this.groupIp(flow);
        }
        const order: Record<Verdict, number> = { required: 0, scenario: 1, unrelated: 2 };
        const flows = [...this.groups.values()]
            .flat()
            .sort(
                (a, b) =>
                    order[a.verdict] - order[b.verdict] ||
                    a.destination.localeCompare(b.destination) ||
                    a.protocol.localeCompare(b.protocol) ||
                    a.port - b.port,
            );
        const summary = { ...this.summary, flows: flows.length };
        for (const flow of flows) {
            summary[flow.verdict] += 1;
        }
        const apart = [...this.apartGroups.values()]
            .map(({ sourceSet, ...group }) => (sourceSet ? { ...group, sources: [...sourceSet].sort() } : group))
            .sort((a, b) => a.reason.localeCompare(b.reason) || a.message.localeCompare(b.message));
        return { flows, apart, summary };
    }
}
