/**
 * The one normal form of Azure Firewall rules. Every shape the project meets (azure-native and ARM
 * `ruleCollections`, classic `applicationRuleCollections` / `networkRuleCollections` /
 * `natRuleCollections`, the legacy rule collections of a firewall) is read here into groups of
 * collections of rules; the evaluator, the policies, the CLI and `plan` all read through it, so a
 * question such as "what stage is a rule without `ruleType`?" is answered once.
 */

export type Stage = "network" | "application";
export type Action = "allow" | "deny";

/** A rule collection group (or a firewall's own collections), in any provider's shape. */
export type RawGroup = Record<string, unknown>;
export type RawRule = Record<string, unknown>;

export interface FirewallCollection {
    name: string;
    /** As given; see `isValidPriority`. */
    priority: unknown;
    action: Action;
    /** The stage of every rule, when the shape says it (classic and legacy collections). */
    stageHint?: Stage;
    /** The rules as given; `readRule` gives the normal form of one. */
    rules: RawRule[];
}

export interface FirewallGroup {
    name: string;
    /** As given; undefined for a firewall's own (legacy) collections, which have no group. */
    priority: unknown;
    /** Filter collections with an Allow or Deny action; NAT collections are left out. */
    collections: FirewallCollection[];
    /** Every collection as given (NAT and ignored ones too), for checks of names and priorities. */
    allCollections: { name: string; priority: unknown; ruleCount: number }[];
    /** Collections that were ignored, and why. */
    problems: string[];
}

/** One rule in normal form. Strings as given (not lower-cased), lists never undefined. */
export interface FirewallRule {
    stage: Stage;
    name: string;
    sourceAddresses: string[];
    sourceIpGroups: string[];
    /** Network rules: TCP, UDP, ICMP, Any as given. */
    ipProtocols: string[];
    /** Network rules: `*`, `N` or `A-B` as given. */
    destinationPorts: string[];
    destinationAddresses: string[];
    destinationFqdns: string[];
    destinationIpGroups: string[];
    /** Application rules: protocol type (Http, Https, Mssql) and port. */
    appProtocols: { type: string; port: number }[];
    /** Application rules: the FQDN patterns (`targetFqdns`; classic `destinationFqdns`). */
    targetFqdns: string[];
    /** Application rules: FQDN tags, web categories and URLs, which are destinations the evaluator does not check. */
    otherDestinations: string[];
}

export const PRIORITY_MIN = 100;
export const PRIORITY_MAX = 65000;
/** What a valid priority is, in the words every message uses. */
export const PRIORITY_RANGE = `a whole number from ${PRIORITY_MIN} to ${PRIORITY_MAX}`;

/** Azure takes group and collection priorities that are whole numbers from 100 to 65000. */
export function isValidPriority(value: unknown): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= PRIORITY_MIN && value <= PRIORITY_MAX;
}

export function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

export function strings(value: unknown): string[] {
    return list(value).filter((v): v is string => typeof v === "string");
}

export function record(value: unknown): Record<string, unknown> | undefined {
    return value !== null && typeof value === "object" && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
}

function lower(value: unknown): string {
    return typeof value === "string" ? value.toLowerCase() : "";
}

/** Unwraps an ARM resource (`properties`), keeping its name (the last segment of `a/b/c`). */
export function groupBody(raw: RawGroup): RawGroup {
    const props = record(raw.properties);
    const name = typeof raw.name === "string" ? raw.name.split("/").pop() : raw.name;
    return props ? { ...props, name } : { ...raw, name };
}

function actionOf(collection: Record<string, unknown>): Action | undefined {
    const text = lower(record(collection.action)?.type ?? collection.action);
    return text === "allow" || text === "deny" ? text : undefined;
}

type CollectionType = "filter" | "nat" | "unknown";

function typeOf(collection: Record<string, unknown>): CollectionType {
    const type = lower(collection.ruleCollectionType);
    return type.includes("filter") ? "filter" : type.includes("nat") ? "nat" : "unknown";
}

/** Fields that hold collections, with the stage of their rules (or NAT). */
const TYPED_COLLECTION_FIELDS = [
    ["applicationRuleCollections", "application"],
    ["networkRuleCollections", "network"],
    ["natRuleCollections", "nat"],
] as const;

/**
 * Reads a rule collection group, in any shape, into the normal form. `index` names a group that has
 * no name; NAT collections are dropped (they never allow outbound traffic); collections of another
 * type, or whose action is neither Allow nor Deny, are dropped and named in `problems`.
 */
export function readGroup(raw: RawGroup, index: number): FirewallGroup {
    const body = groupBody(raw);
    const name = typeof body.name === "string" && body.name ? body.name : `(group ${index + 1})`;
    const group: FirewallGroup = { name, priority: body.priority, collections: [], allCollections: [], problems: [] };
    const add = (value: unknown, type: CollectionType, stageHint?: Stage): void => {
        const c = record(value) ?? {};
        const cname = typeof c.name === "string" ? c.name : `(collection ${group.allCollections.length + 1})`;
        const action = actionOf(c);
        group.allCollections.push({ name: cname, priority: c.priority, ruleCount: list(c.rules).length });
        if (type === "nat") {
            return;
        }
        if (type === "unknown") {
            group.problems.push(
                `Rule collection ${name}/${cname} has type ${JSON.stringify(c.ruleCollectionType)}, which is ` +
                    `neither filter nor NAT; ignored.`,
            );
        } else if (!action) {
            group.problems.push(
                `Rule collection ${name}/${cname} has action ${JSON.stringify(c.action)}, which is neither Allow ` +
                    `nor Deny; ignored.`,
            );
        } else {
            const rules = list(c.rules).map((r) => record(r) ?? {});
            group.collections.push({ name: cname, priority: c.priority, action, stageHint, rules });
        }
    };
    list(body.ruleCollections).forEach((c) => add(c, typeOf(record(c) ?? {})));
    for (const [field, stage] of TYPED_COLLECTION_FIELDS) {
        list(body[field]).forEach((c) => (stage === "nat" ? add(c, "nat") : add(c, "filter", stage)));
    }
    return group;
}

/** Whether a group holds collections in a shape this model reads. */
export function looksLikeGroup(raw: RawGroup): boolean {
    const body = groupBody(raw);
    return Array.isArray(body.ruleCollections) || TYPED_COLLECTION_FIELDS.some(([field]) => Array.isArray(body[field]));
}

/**
 * The stage of a rule: its `ruleType`, else its collection's, else its fields (`ipProtocols` /
 * `destinationPorts`: network; `protocols` / `targetFqdns` / `fqdnTags`: application). `nat` for NAT
 * rules; undefined when nothing tells.
 */
export function ruleStage(rule: RawRule, hint: Stage | undefined): Stage | "nat" | undefined {
    const ruleType = lower(rule.ruleType);
    if (ruleType === "networkrule") {
        return "network";
    }
    if (ruleType === "applicationrule") {
        return "application";
    }
    if (ruleType === "natrule") {
        return "nat";
    }
    if (hint) {
        return hint;
    }
    if ("ipProtocols" in rule || "destinationPorts" in rule) {
        return "network";
    }
    if ("protocols" in rule || "targetFqdns" in rule || "fqdnTags" in rule) {
        return "application";
    }
    return undefined;
}

/** The name of rule `index` of a collection: its own, or its position. */
export function ruleNameOf(rule: RawRule, index: number): string {
    return typeof rule.name === "string" ? rule.name : `(rule ${index + 1})`;
}

/** An application rule's FQDN patterns, as given (`targetFqdns`; classic and legacy `destinationFqdns`). */
export function rawTargets(rule: RawRule): unknown {
    return rule.targetFqdns ?? rule.destinationFqdns;
}

/** A network rule's destination addresses and tags, as given. */
export function rawDestinationAddresses(rule: RawRule): unknown {
    return rule.destinationAddresses;
}

/** A network rule's destination FQDNs, as given. */
export function rawDestinationFqdns(rule: RawRule): unknown {
    return rule.destinationFqdns;
}

/** A network rule's protocols, as given (`ipProtocols`; classic and legacy `protocols`). */
export function rawIpProtocols(rule: RawRule): unknown {
    return rule.ipProtocols ?? rule.protocols;
}

/** A destination port range; `*` is every port. */
export interface PortRange {
    from: number;
    to: number;
}

/** Reads one destination port entry (`*`, `N` or `N-M`, 0-65535); undefined when it is none of these. */
export function portRange(value: unknown): PortRange | undefined {
    const text = String(value).trim();
    if (text === "*") {
        return { from: 0, to: 65535 };
    }
    const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
    const from = match ? Number(match[1]) : NaN;
    const to = match ? Number(match[2] ?? match[1]) : NaN;
    return match && from <= to && to <= 65535 ? { from, to } : undefined;
}

/** Whether destination port entries include `port`. */
export function portsInclude(values: unknown[], port: number): boolean {
    return values.some((value) => {
        const range = portRange(value);
        return range !== undefined && range.from <= port && port <= range.to;
    });
}

/** An application rule's protocols: `{protocolType|type, port}` entries. */
export function appProtocolsOf(value: unknown): { type: string; port: number }[] {
    return list(value).map((p) => {
        const entry = record(p) ?? {};
        return { type: String(entry.protocolType ?? entry.type ?? ""), port: Number(entry.port) };
    });
}

const OTHER_APP_DESTINATIONS = [
    "fqdnTags",
    "destinationFqdnTags",
    "targetUrls",
    "destinationUrls",
    "webCategories",
] as const;

/** Which of an application rule's destination fields the evaluator does not check are set. */
export function otherDestinationFields(rule: RawRule): string[] {
    return OTHER_APP_DESTINATIONS.filter((field) => list(rule[field]).length > 0);
}

/** The normal form of one rule of a collection; undefined for NAT rules and rules whose stage nothing tells. */
export function readRule(rule: RawRule, collection: FirewallCollection, index: number): FirewallRule | undefined {
    const stage = ruleStage(rule, collection.stageHint);
    if (stage === undefined || stage === "nat") {
        return undefined;
    }
    const network = stage === "network";
    return {
        stage,
        name: ruleNameOf(rule, index),
        sourceAddresses: strings(rule.sourceAddresses),
        sourceIpGroups: strings(rule.sourceIpGroups),
        ipProtocols: network ? strings(rawIpProtocols(rule)) : [],
        destinationPorts: network ? list(rule.destinationPorts).map(String) : [],
        destinationAddresses: network ? strings(rule.destinationAddresses) : [],
        destinationFqdns: network ? strings(rule.destinationFqdns) : [],
        destinationIpGroups: network ? strings(rule.destinationIpGroups) : [],
        appProtocols: network ? [] : appProtocolsOf(rule.protocols),
        targetFqdns: network ? [] : strings(rawTargets(rule)),
        otherDestinations: network ? [] : OTHER_APP_DESTINATIONS.flatMap((field) => strings(rule[field])),
    };
}

/** The message for a rule whose stage nothing tells; the evaluator and the policies report it alike. */
export function untypedRuleProblem(where: string): string {
    return `Rule ${where} has no ruleType and no fields that tell its type; ignored.`;
}

export interface GroupRules {
    rules: { collection: FirewallCollection; rule: FirewallRule }[];
    /** `untypedRuleProblem` for each rule whose stage nothing tells. */
    problems: string[];
}

/** Every filter rule of a group in normal form, with its collection. */
export function rulesOf(group: FirewallGroup): GroupRules {
    const result: GroupRules = { rules: [], problems: [] };
    for (const collection of group.collections) {
        collection.rules.forEach((raw, index) => {
            const rule = readRule(raw, collection, index);
            if (rule) {
                result.rules.push({ collection, rule });
            } else if (ruleStage(raw, collection.stageHint) === undefined) {
                result.problems.push(untypedRuleProblem(`${group.name}/${collection.name}/${ruleNameOf(raw, index)}`));
            }
        });
    }
    return result;
}
