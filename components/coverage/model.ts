/**
 * Normalised firewall rules: both providers' shapes (azure-native / ARM `ruleCollections`, classic
 * `applicationRuleCollections` / `networkRuleCollections`, and the legacy rule collections of a
 * firewall) are read once into this model, which the evaluator indexes.
 */
import { InputError } from "../errors";
import { Ipv4Interval, isAnyAddress, parseIpv4 } from "../net";

/** The string the Pulumi engine uses for values unknown during preview. */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Stage = "network" | "application";

export interface PortRange {
    from: number;
    to: number;
}

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
    /** True when the rule has no source entries at all. */
    sourceEmpty: boolean;
    // Network rules.
    protocols: Set<string>;
    ports: PortRange[];
    destAny: boolean;
    destTags: string[];
    destFqdns: string[];
    // Application rules.
    appProtocols: { type: string; port: number }[];
    targets: string[];
}

export interface NormalGroup {
    name: string;
    priority: number;
    fromParent: boolean;
    /** Position among the inputs, to keep input order for equal priorities. */
    order: number;
    collections: NormalCollection[];
}

export interface NormalCollection {
    name: string;
    priority: number;
    action: "allow" | "deny";
    stageHint?: Stage;
    rawRules: unknown[];
}

/** Rule collection group input: either provider's RCG shape, an ARM resource, or legacy firewall collections. */
export type RawGroup = Record<string, unknown>;

function lower(value: unknown): string {
    return typeof value === "string" ? value.toLowerCase() : "";
}

function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

function strings(value: unknown): string[] {
    return list(value).filter((v): v is string => typeof v === "string");
}

/** Trailing dots are ignored and names compare case-insensitively. */
export function normaliseName(name: string): string {
    return name.trim().toLowerCase().replace(/\.+$/, "");
}

function priorityOf(value: unknown, what: string): number {
    if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new InputError(`${what}.priority`, value, "every rule collection group and rule collection needs a numeric priority.");
    }
    return value;
}

function hasUnknown(value: unknown): boolean {
    if (value === UNKNOWN_SENTINEL) {
        return true;
    }
    if (Array.isArray(value)) {
        return value.some(hasUnknown);
    }
    if (value !== null && typeof value === "object") {
        return Object.values(value).some(hasUnknown);
    }
    return false;
}

/** Unwraps ARM resources (`properties`) while keeping the resource's name. */
function body(raw: RawGroup): RawGroup {
    const props = raw.properties;
    if (props && typeof props === "object" && !Array.isArray(props)) {
        return { name: raw.name, ...(props as RawGroup) };
    }
    return raw;
}

/**
 * Reads one rule collection group (or a firewall's legacy collections, with `legacyFirewall`) into the
 * normal form. Problems found on the way are appended to `problems`.
 */
export function normaliseGroup(raw: RawGroup, order: number, fromParent: boolean, problems: string[], legacyFirewall = false): NormalGroup {
    const group = body(raw);
    const name = typeof group.name === "string" ? group.name : `(group ${order + 1})`;
    const priority = legacyFirewall ? 0 : priorityOf(group.priority, `ruleCollectionGroup ${name}`);
    const collections: NormalCollection[] = [];
    const readCollection = (c: Record<string, unknown>, stageHint: Stage | undefined, kind: "filter" | "nat" | "unknown") => {
        const cname = typeof c.name === "string" ? c.name : `(collection ${collections.length + 1})`;
        if (kind === "nat") {
            return; // NAT collections never allow outbound traffic.
        }
        if (kind === "unknown") {
            problems.push(`Rule collection ${name}/${cname} has type ${JSON.stringify(c.ruleCollectionType)}, which is neither filter nor NAT; ignored.`);
            return;
        }
        const cpriority = priorityOf(c.priority, `ruleCollection ${name}/${cname}`);
        const actionText = lower(typeof c.action === "object" && c.action !== null ? (c.action as Record<string, unknown>).type : c.action);
        if (actionText !== "allow" && actionText !== "deny") {
            problems.push(`Rule collection ${name}/${cname} has action ${JSON.stringify(c.action)}, which is neither Allow nor Deny; ignored.`);
            return;
        }
        collections.push({ name: cname, priority: cpriority, action: actionText, stageHint, rawRules: list(c.rules) });
    };
    if (Array.isArray(group.ruleCollections)) {
        for (const c of group.ruleCollections as Record<string, unknown>[]) {
            const type = lower(c?.ruleCollectionType);
            readCollection(c ?? {}, undefined, type.includes("filter") ? "filter" : type.includes("nat") ? "nat" : "unknown");
        }
    }
    for (const [field, stage] of [["applicationRuleCollections", "application"], ["networkRuleCollections", "network"]] as const) {
        for (const c of list(group[field]) as Record<string, unknown>[]) {
            readCollection(c ?? {}, stage, "filter");
        }
    }
    return { name, priority, fromParent, order, collections };
}

function parsePorts(values: unknown, where: string, problems: string[]): PortRange[] {
    const result: PortRange[] = [];
    for (const value of list(values)) {
        const text = String(value).trim();
        if (text === "*") {
            result.push({ from: 0, to: 65535 });
            continue;
        }
        const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
        const from = match ? Number(match[1]) : NaN;
        const to = match ? Number(match[2] ?? match[1]) : NaN;
        if (!match || from > to || to > 65535) {
            problems.push(`Rule ${where} has port ${JSON.stringify(value)}, which is not *, N or A-B; it matches nothing.`);
            continue;
        }
        result.push({ from, to });
    }
    return result;
}

function readSources(rule: Record<string, unknown>, where: string, problems: string[]) {
    const addresses = strings(rule.sourceAddresses);
    const ipGroups = new Set(strings(rule.sourceIpGroups).map((g) => g.trim().toLowerCase()));
    let sourceAny = false;
    const sourceRanges: Ipv4Interval[] = [];
    for (const address of addresses) {
        if (isAnyAddress(address)) {
            sourceAny = true;
            continue;
        }
        const parsed = parseIpv4(address);
        if (parsed) {
            sourceRanges.push(parsed.interval);
        } else {
            problems.push(`Rule ${where} has source ${JSON.stringify(address)}, which is not an IPv4 address, CIDR or range; it matches nothing.`);
        }
    }
    return { sourceAny, sourceRanges, sourceIpGroups: ipGroups, sourceEmpty: addresses.length === 0 && ipGroups.size === 0 };
}

/** True for `*`, an IP, a CIDR or an IP range: anything in destinationAddresses that is not a service tag. */
function isAddressLike(value: string): boolean {
    return isAnyAddress(value) || parseIpv4(value) !== undefined || /^[0-9a-f:]+(\/\d+)?$/i.test(value) && value.includes(":");
}

/** Turns the raw rules of a collection into normal rules (without `seq`). Unknown values skip the rule. */
export function normaliseRules(group: NormalGroup, collection: NormalCollection, problems: string[]): Omit<NormalRule, "seq">[] {
    const result: Omit<NormalRule, "seq">[] = [];
    collection.rawRules.forEach((rawRule, index) => {
        const rule = (rawRule ?? {}) as Record<string, unknown>;
        const name = typeof rule.name === "string" ? rule.name : `(rule ${index + 1})`;
        const where = `${group.name}/${collection.name}/${name}`;
        if (hasUnknown(rule)) {
            problems.push(`Rule ${where} has values that are unknown until the update runs; it was not evaluated.`);
            return;
        }
        const ruleType = lower(rule.ruleType);
        let stage: Stage | undefined;
        if (ruleType === "networkrule") {
            stage = "network";
        } else if (ruleType === "applicationrule") {
            stage = "application";
        } else if (ruleType === "natrule") {
            return;
        } else if (collection.stageHint) {
            stage = collection.stageHint;
        } else if ("ipProtocols" in rule || "destinationPorts" in rule) {
            stage = "network";
        } else if ("protocols" in rule || "targetFqdns" in rule || "fqdnTags" in rule) {
            stage = "application";
        } else {
            problems.push(`Rule ${where} has no ruleType and no fields that tell its type; ignored.`);
            return;
        }
        const base = { stage, name, group: group.name, collection: collection.name, action: collection.action, ...readSources(rule, where, problems) };
        if (stage === "network") {
            const protocols = new Set(strings(rule.ipProtocols ?? rule.protocols).map((p) => p.toUpperCase()));
            const destTags: string[] = [];
            let destAny = false;
            for (const address of strings(rule.destinationAddresses)) {
                if (isAnyAddress(address)) {
                    destAny = true;
                } else if (!isAddressLike(address)) {
                    destTags.push(address.trim().toLowerCase());
                }
            }
            const destFqdns = strings(rule.destinationFqdns).map(normaliseName);
            result.push({ ...base, protocols, ports: parsePorts(rule.destinationPorts, where, problems), destAny, destTags, destFqdns,
                appProtocols: [], targets: [] });
        } else {
            const appProtocols = list(rule.protocols).map((p) => {
                const entry = (p ?? {}) as Record<string, unknown>;
                return { type: lower(entry.protocolType ?? entry.type), port: Number(entry.port) };
            });
            const targets = strings(rule.targetFqdns ?? rule.destinationFqdns).map(normaliseName);
            const others = ["fqdnTags", "destinationFqdnTags", "targetUrls", "destinationUrls", "webCategories"]
                .filter((field) => strings(rule[field]).length > 0);
            if (targets.length === 0 && others.length) {
                problems.push(`Rule ${where} allows only by ${others.join(", ")}, which this evaluator does not check.`);
            }
            result.push({ ...base, protocols: new Set(), ports: [], destAny: false, destTags: [], destFqdns: [], appProtocols, targets });
        }
    });
    return result;
}
