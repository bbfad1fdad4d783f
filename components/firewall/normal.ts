/**
 * The parsed half of the rule model (the raw half is `./model`): the evaluator's rule tables, the rules in
 * processing order per stage, with the parsed forms the checks need (sources, ports, protocols, targets)
 * built only for the rules a check looks at, and cached.
 */
import { InputError } from "../errors";
import {
    FirewallCollection,
    FirewallGroup,
    PRIORITY_RANGE,
    PortRange,
    RawGroup,
    Stage,
    appProtocolsOf,
    isValidPriority,
    otherDestinationFields,
    portRange,
    rawIpProtocols,
    rawTargets,
    readGroup,
    ruleNameOf,
    ruleStage,
    strings,
    untypedRuleProblem,
} from "./model";
import { Ipv4Interval, isAnyAddress, parseIpv4 } from "../net";

export type { PortRange, RawGroup, Stage };

/** The string the Pulumi engine uses for values unknown during preview. */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface NormalRule {
    stage: Stage;
    name: string;
    group: string;
    collection: string;
    action: "allow" | "deny";
    /** Processing position: lower runs first within the stage. */
    seq: number;
    sourceAny: boolean;
    sourceRanges: Ipv4Interval[];
    sourceIpGroups: Set<string>;
    // Network rules.
    protocols: Set<string>;
    ports: PortRange[];
    destAny: boolean;
    destTags: string[];
    /** Network rules: destinationFqdns as given (normalise with `fqdnsOf`). */
    rawFqdns: unknown[];
    // Application rules.
    appProtocols: { type: string; port: number }[];
    /** Application rules: targetFqdns (or classic destinationFqdns) as given (normalise with `targetsOf`). */
    rawTargets: unknown[];
    /** Normalised forms, computed on first use. */
    normalFqdns?: string[];
    normalTargets?: string[];
}

/** Trailing dots are ignored and names compare case-insensitively. */
export function normaliseName(name: string): string {
    let value = name;
    const first = value.charCodeAt(0);
    const lastCode = value.charCodeAt(value.length - 1);
    if (first <= 32 || lastCode <= 32) {
        value = value.trim();
    }
    value = value.toLowerCase();
    let end = value.length;
    while (end > 0 && value.charCodeAt(end - 1) === 46) {
        end--;
    }
    return end === value.length ? value : value.slice(0, end);
}

function hasUnknown(value: unknown): boolean {
    if (typeof value === "string") {
        return value.length === UNKNOWN_SENTINEL.length && value === UNKNOWN_SENTINEL;
    }
    if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
            if (hasUnknown(value[i])) {
                return true;
            }
        }
        return false;
    }
    if (value !== null && typeof value === "object") {
        for (const key in value) {
            if (hasUnknown((value as Record<string, unknown>)[key])) {
                return true;
            }
        }
    }
    return false;
}

/** A cache key for a list of strings; a one-element list is keyed by its string (no allocation). */
function listKey(values: unknown): string {
    if (!Array.isArray(values)) {
        return "\u0001";
    }
    return values.length === 1 && typeof values[0] === "string" ? values[0] : values.join("\u0000");
}

const RULE_STRING_LISTS = [
    "sourceAddresses",
    "sourceIpGroups",
    "destinationAddresses",
    "destinationFqdns",
    "destinationIpGroups",
    "destinationPorts",
    "targetFqdns",
    "fqdnTags",
    "ipProtocols",
    "protocols",
];

/**
 * Whether a rule holds a value unknown during preview, looking where rule values live (its strings and
 * string lists, and the protocol objects of application rules) rather than walking every object.
 */
function ruleHasUnknown(rule: Record<string, unknown>): boolean {
    if (rule.name === UNKNOWN_SENTINEL || rule.ruleType === UNKNOWN_SENTINEL) {
        return true;
    }
    for (const field of RULE_STRING_LISTS) {
        const list = rule[field];
        if (list === UNKNOWN_SENTINEL) {
            return true;
        }
        if (Array.isArray(list)) {
            for (let i = 0; i < list.length; i++) {
                const value = list[i];
                if (
                    typeof value === "string"
                        ? value === UNKNOWN_SENTINEL
                        : value !== null && typeof value === "object" && hasUnknown(value)
                ) {
                    return true;
                }
            }
        }
    }
    return false;
}

/** A group of the model, placed for processing. */
export interface NormalGroup extends Omit<FirewallGroup, "priority" | "collections"> {
    /** Checked: a whole number 100-65000 (0 for a firewall's own collections, which have no group). */
    priority: number;
    collections: NormalCollection[];
    fromParent: boolean;
    /** Position among the inputs, to keep input order for equal priorities. */
    order: number;
}

export type NormalCollection = FirewallCollection & { priority: number };

function checkedPriority(value: unknown, what: string): number {
    if (!isValidPriority(value)) {
        throw new InputError(`${what}.priority`, value, `a priority is ${PRIORITY_RANGE}.`);
    }
    return value;
}

/**
 * Reads one rule collection group (or, with `legacyFirewall`, a firewall's own collections) through the
 * firewall model and checks its priorities. Problems found on the way are appended to `problems`.
 */
export function normaliseGroup(
    raw: RawGroup,
    order: number,
    fromParent: boolean,
    problems: string[],
    legacyFirewall = false,
): NormalGroup {
    const group = readGroup(raw, order);
    problems.push(...group.problems);
    const priority = legacyFirewall ? 0 : checkedPriority(group.priority, `ruleCollectionGroup ${group.name}`);
    for (const c of group.collections) {
        checkedPriority(c.priority, `ruleCollection ${group.name}/${c.name}`);
    }
    return { ...group, priority, fromParent, order, collections: group.collections as NormalCollection[] };
}

/** Shared, parsed forms of the strings and lists that rules repeat (sources, ports, protocols). */
interface SourceInfo {
    sourceAny: boolean;
    sourceRanges: Ipv4Interval[];
    /** Entries that are not IPv4 addresses, CIDRs or ranges. */
    invalid: string[];
}

const NO_IP_GROUPS: ReadonlySet<string> = new Set();

/**
 * Reads raw rules into normal rules. Parsing of repeated values (source lists, port lists, protocol
 * lists) is cached, so a large policy that repeats them costs one parse each.
 */
export class RuleReader {
    private readonly sourceCache = new Map<string, SourceInfo>();
    private readonly portCache = new Map<string, { ranges: PortRange[]; invalid: string[] }>();
    private readonly protocolCache = new Map<string, Set<string>>();
    private readonly appProtocolCache = new Map<string, { type: string; port: number }[]>();

    constructor(private readonly problems: string[]) {}

    private sources(values: unknown): SourceInfo {
        const key = listKey(values);
        let info = this.sourceCache.get(key);
        if (!info) {
            info = { sourceAny: false, sourceRanges: [], invalid: [] };
            for (const address of strings(values)) {
                if (isAnyAddress(address)) {
                    info.sourceAny = true;
                    continue;
                }
                const parsed = parseIpv4(address);
                if (parsed) {
                    info.sourceRanges.push(parsed.interval);
                } else {
                    info.invalid.push(address);
                }
            }
            this.sourceCache.set(key, info);
        }
        return info;
    }

    private portInfo(values: unknown): { ranges: PortRange[]; invalid: string[] } {
        const key = listKey(values);
        let info = this.portCache.get(key);
        if (!info) {
            info = { ranges: [], invalid: [] };
            for (const value of Array.isArray(values) ? values : []) {
                const range = portRange(value);
                if (range) {
                    info.ranges.push(range);
                } else {
                    info.invalid.push(JSON.stringify(value));
                }
            }
            this.portCache.set(key, info);
        }
        return info;
    }

    private protocols(values: unknown): Set<string> {
        const key = listKey(values);
        let set = this.protocolCache.get(key);
        if (!set) {
            set = new Set(strings(values).map((p) => p.toUpperCase()));
            this.protocolCache.set(key, set);
        }
        return set;
    }

    private appProtocols(values: unknown): { type: string; port: number }[] {
        if (!Array.isArray(values)) {
            return NO_APP_PROTOCOLS;
        }
        let key = "";
        for (const p of values) {
            const entry = (p ?? {}) as Record<string, unknown>;
            key += `${entry.protocolType ?? entry.type}:${entry.port},`;
        }
        let result = this.appProtocolCache.get(key);
        if (!result) {
            result = appProtocolsOf(values).map((p) => ({ type: p.type.toLowerCase(), port: p.port }));
            this.appProtocolCache.set(key, result);
        }
        return result;
    }

    /**
     * Checks the raw rules of a collection (reporting problems) and appends them to the stage tables,
     * with increasing `seq` per stage. No per-rule objects are built here: `normal` builds them when a
     * rule is looked at.
     */
    read(group: NormalGroup, collection: NormalCollection, tables: Record<Stage, RuleTable>): void {
        const rawRules = collection.rules;
        for (let index = 0; index < rawRules.length; index++) {
            const rule = rawRules[index];
            const name = ruleNameOf(rule, index);
            if (ruleHasUnknown(rule)) {
                this.problems.push(
                    `Rule ${group.name}/${collection.name}/${name} has values that are unknown until the update ` +
                        `runs; it was not evaluated.`,
                );
                continue;
            }
            const stage = ruleStage(rule, collection.stageHint);
            if (stage === "nat") {
                continue;
            }
            if (stage === undefined) {
                this.problems.push(untypedRuleProblem(`${group.name}/${collection.name}/${name}`));
                continue;
            }
            const source = this.sources(rule.sourceAddresses);
            for (const address of source.invalid) {
                this.problems.push(
                    `Rule ${group.name}/${collection.name}/${name} has source ${JSON.stringify(address)}, which is ` +
                        `not an IPv4 address, CIDR or range; it matches nothing.`,
                );
            }
            if (stage === "network") {
                for (const value of this.portInfo(rule.destinationPorts).invalid) {
                    this.problems.push(
                        `Rule ${group.name}/${collection.name}/${name} has port ${value}, which is not *, N or ` +
                            `A-B; it matches nothing.`,
                    );
                }
            } else {
                const targets = rawTargets(rule);
                if (!(Array.isArray(targets) && targets.length)) {
                    const others = otherDestinationFields(rule);
                    if (others.length) {
                        this.problems.push(
                            `Rule ${group.name}/${collection.name}/${name} allows only by ${others.join(", ")}, ` +
                                `which this evaluator does not check.`,
                        );
                    }
                }
            }
            const table = tables[stage];
            if (table.slotOf !== collection) {
                table.slotOf = collection;
                table.slots.push({ group, collection });
            }
            if (typeof rule.name !== "string") {
                table.unnamed.set(table.raw.length, name);
            }
            table.raw.push(rule);
            table.slot.push(table.slots.length - 1);
        }
    }

    /** The normal form of rule `seq` of a table, built on first use. */
    normal(table: RuleTable, seq: number): NormalRule {
        const cached = table.normal[seq];
        if (cached) {
            return cached;
        }
        const rule = table.raw[seq];
        const stage = table.stage;
        const source = this.sources(rule.sourceAddresses);
        const groups =
            Array.isArray(rule.sourceIpGroups) && rule.sourceIpGroups.length
                ? new Set(strings(rule.sourceIpGroups).map((g) => g.trim().toLowerCase()))
                : NO_IP_GROUPS;
        const normal: NormalRule = {
            stage,
            name: ruleName(table, seq),
            group: slotAt(table, seq).group.name,
            collection: slotAt(table, seq).collection.name,
            action: slotAt(table, seq).collection.action,
            seq,
            sourceAny: source.sourceAny,
            sourceRanges: source.sourceRanges,
            sourceIpGroups: groups as Set<string>,
            protocols: NO_PROTOCOLS,
            ports: NO_PORTS,
            destAny: false,
            destTags: NO_STRINGS,
            rawFqdns: NO_STRINGS,
            appProtocols: NO_APP_PROTOCOLS,
            rawTargets: NO_STRINGS,
        };
        if (stage === "network") {
            normal.protocols = this.protocols(rawIpProtocols(rule));
            normal.ports = this.portInfo(rule.destinationPorts).ranges;
            const destinations = destinationsOf(rule);
            normal.destAny = destinations.any;
            normal.destTags = destinations.tags;
            normal.rawFqdns = Array.isArray(rule.destinationFqdns) ? rule.destinationFqdns : NO_STRINGS;
        } else {
            normal.appProtocols = this.appProtocols(rule.protocols);
            const targets = rawTargets(rule);
            normal.rawTargets = Array.isArray(targets) ? targets : NO_STRINGS;
        }
        table.normal[seq] = normal;
        return normal;
    }
}

/**
 * The rules of one stage, in processing order, as references to the raw rules (see `RuleReader.normal`),
 * with the group and collection of each kept once per collection.
 */
export interface RuleTable {
    stage: Stage;
    raw: Record<string, unknown>[];
    /** Per rule: index into `slots`. */
    slot: number[];
    slots: { group: NormalGroup; collection: NormalCollection }[];
    /** The collection of the last slot, to start a new slot when it changes. */
    slotOf?: NormalCollection;
    /** Names given to rules that have none (`(rule N)`), by seq. */
    unnamed: Map<number, string>;
    normal: (NormalRule | undefined)[];
}

export function newRuleTable(stage: Stage): RuleTable {
    return { stage, raw: [], slot: [], slots: [], unnamed: new Map(), normal: [] };
}

/** The group and collection of rule `seq`. */
export function slotAt(table: RuleTable, seq: number): { group: NormalGroup; collection: NormalCollection } {
    return table.slots[table.slot[seq]];
}

export function ruleName(table: RuleTable, seq: number): string {
    const name = table.raw[seq].name;
    return typeof name === "string" ? name : (table.unnamed.get(seq) ?? `(rule ${seq + 1})`);
}

/** `group/collection/rule` of rule `seq`, for messages. */
export function ruleWhere(table: RuleTable, seq: number): string {
    const { group, collection } = slotAt(table, seq);
    return `${group.name}/${collection.name}/${ruleName(table, seq)}`;
}

/** A network rule's destination addresses: whether any is `*` / `0.0.0.0/0`, and the service tags (lower case). */
export function destinationsOf(rule: Record<string, unknown>): { any: boolean; tags: string[] } {
    const addresses = rule.destinationAddresses;
    if (!Array.isArray(addresses) || addresses.length === 0) {
        return { any: false, tags: NO_STRINGS };
    }
    let any = false;
    let tags: string[] = NO_STRINGS;
    for (const address of addresses) {
        if (typeof address !== "string") {
            continue;
        }
        if (isAnyAddress(address)) {
            any = true;
        } else if (!isAddressLike(address)) {
            if (tags === NO_STRINGS) {
                tags = [];
            }
            tags.push(address.trim().toLowerCase());
        }
    }
    return { any, tags };
}

const NO_PROTOCOLS: Set<string> = new Set();
const NO_PORTS: PortRange[] = [];
const NO_STRINGS: string[] = [];
const NO_APP_PROTOCOLS: { type: string; port: number }[] = [];

/** The rule's network FQDNs, normalised. */
export function fqdnsOf(rule: NormalRule): string[] {
    return (rule.normalFqdns ??= names(rule.rawFqdns));
}

/** The rule's application targets, normalised. */
export function targetsOf(rule: NormalRule): string[] {
    return (rule.normalTargets ??= names(rule.rawTargets));
}

/**
 * A cheap fingerprint of a name's normalised form (lower case, no trailing dots): a hash of its last
 * 12 characters. Equal names have equal fingerprints, so a name whose fingerprint is not among the
 * fingerprints of the names looked up can be skipped without normalising or hashing it whole.
 */
export function fingerprint(name: string): number {
    let end = name.length;
    while (end > 0 && (name.charCodeAt(end - 1) === 46 || name.charCodeAt(end - 1) <= 32)) {
        end--;
    }
    const start = Math.max(0, end - 12);
    let hash = 0;
    for (let i = start; i < end; i++) {
        let c = name.charCodeAt(i);
        if (c >= 65 && c <= 90) {
            c += 32;
        }
        hash = (Math.imul(hash, 31) + c) | 0;
    }
    return hash;
}

/** Normalised names of an FQDN list; strings only. */
function names(values: unknown): string[] {
    if (!Array.isArray(values) || values.length === 0) {
        return NO_STRINGS;
    }
    const result: string[] = [];
    for (const value of values) {
        if (typeof value === "string") {
            result.push(normaliseName(value));
        }
    }
    return result;
}

/** True for `*`, an IP, a CIDR or an IP range: anything in destinationAddresses that is not a service tag. */
function isAddressLike(value: string): boolean {
    const first = value.charCodeAt(0);
    if (first >= 48 && first <= 57) {
        return true; // IPv4 forms start with a digit; service tags never do.
    }
    return isAnyAddress(value) || (value.includes(":") && /^[0-9a-f:]+(\/\d+)?$/i.test(value));
}
