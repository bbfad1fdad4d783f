/**
 * Rule planner (pure): requirements + workload sources -> Azure Firewall filter rule collections in the
 * azure-native / ARM shape, with an explanation of how each requirement is realised.
 *
 * Placement:
 * - HTTP(S) traffic to FQDNs on 80/443 -> application rules (`Http:80`, `Https:443`);
 * - service tags -> network rules on `destinationAddresses`;
 * - exact FQDNs on other ports or over UDP -> network rules on `destinationFqdns` (needs DNS proxy);
 * - wildcard FQDNs on other ports or over UDP, or any non-HTTP FQDN when DNS proxy is off -> the
 *   first service tag that carries the host, and the explanation says so.
 *
 * Destinations with the same protocol/port set share one rule. Output is sorted and named
 * deterministically, so the same input always gives byte-identical rules.
 */
import { shortHash, validateResourceName } from "./names";
import { Requirement, cmp } from "./requirements";
import { ValidatedSources } from "./sources";

export type IpProtocol = "TCP" | "UDP";

export interface PlannedNetworkRule {
    ruleType: "NetworkRule";
    name: string;
    ipProtocols: IpProtocol[];
    sourceAddresses?: string[];
    sourceIpGroups?: string[];
    destinationAddresses?: string[];
    destinationFqdns?: string[];
    destinationPorts: string[];
}

export interface PlannedApplicationRule {
    ruleType: "ApplicationRule";
    name: string;
    protocols: { protocolType: "Http" | "Https"; port: number }[];
    sourceAddresses?: string[];
    sourceIpGroups?: string[];
    targetFqdns: string[];
}

export type PlannedRule = PlannedNetworkRule | PlannedApplicationRule;

export interface PlannedRuleCollection {
    ruleCollectionType: "FirewallPolicyFilterRuleCollection";
    name: string;
    priority: number;
    action: { type: "Allow" };
    rules: PlannedRule[];
}

export type RealisationKind = "application" | "networkFqdn" | "serviceTag" | "fallbackServiceTag";

export interface Realisation {
    protocol: IpProtocol;
    ports: number[];
    kind: RealisationKind;
    collection: string;
    rule: string;
    /** For `application`: the application protocol of the rule. */
    appProtocol?: "Http" | "Https";
    /** For `fallbackServiceTag`: the tag used and why the host itself could not be a rule. */
    detail?: string;
}

export interface Explanation {
    requirement: Requirement;
    realisations: Realisation[];
    /** Set when no rule can express (part of) the requirement. */
    unrealised?: string;
    /** One line for people: how the requirement is realised. */
    text: string;
}

export interface RulePlan {
    ruleCollections: PlannedRuleCollection[];
    explanations: Explanation[];
    notes: string[];
    ruleCount: number;
    /** True when some rule uses `destinationFqdns` in a network rule, which needs DNS proxy. */
    needsDnsProxy: boolean;
}

export interface PlanOptions {
    /** The workload's sources, as `validateSources` returns them. */
    sources: ValidatedSources;
    /** Whether the policy has DNS proxy on; without it no network rule may use `destinationFqdns`. */
    dnsProxy: boolean;
    /** Name of the network rule collection. Default `aml-network`. */
    networkCollectionName?: string;
    /** Name of the application rule collection. Default `aml-application`. */
    applicationCollectionName?: string;
    /** Priority of the network collection inside its group. Default 100. */
    networkCollectionPriority?: number;
    /** Priority of the application collection inside its group. Default 200. */
    applicationCollectionPriority?: number;
}

export function isWildcard(destination: string): boolean {
    return destination.includes("*");
}

type Field = "destinationAddresses" | "destinationFqdns";

interface Assignment {
    requirement: number;
    protocol: IpProtocol;
    port: number;
    kind: RealisationKind;
    field?: Field;
    destination: string;
    appProtocol?: "Http" | "Https";
    detail?: string;
}

function protocolsOf(requirement: Requirement): IpProtocol[] {
    return requirement.protocol === "Any" ? ["TCP", "UDP"] : [requirement.protocol];
}

/** Decides where each (protocol, port) of each requirement goes. */
function assign(
    requirements: Requirement[],
    dnsProxy: boolean,
): { assignments: Assignment[]; unrealised: Map<number, string> } {
    const assignments: Assignment[] = [];
    const unrealised = new Map<number, string>();
    requirements.forEach((req, index) => {
        for (const protocol of protocolsOf(req)) {
            for (const port of req.ports) {
                const base = { requirement: index, protocol, port };
                if (req.kind === "serviceTag") {
                    assignments.push({
                        ...base,
                        kind: "serviceTag",
                        field: "destinationAddresses",
                        destination: req.destination,
                    });
                } else if (protocol === "TCP" && req.appProtocol) {
                    assignments.push({
                        ...base,
                        kind: "application",
                        destination: req.destination,
                        appProtocol: req.appProtocol,
                    });
                } else if (!isWildcard(req.destination) && dnsProxy) {
                    assignments.push({
                        ...base,
                        kind: "networkFqdn",
                        field: "destinationFqdns",
                        destination: req.destination,
                    });
                } else {
                    const why = isWildcard(req.destination)
                        ? "Azure Firewall cannot match a wildcard FQDN outside HTTP(S) (network rules take exact " +
                          "names only)"
                        : "the policy has no DNS proxy, so network rules cannot use FQDNs";
                    const tag = req.serviceTags?.[0];
                    if (tag) {
                        assignments.push({
                            ...base,
                            kind: "fallbackServiceTag",
                            field: "destinationAddresses",
                            destination: tag,
                            detail: `${why}; allowed through service tag ${tag} instead`,
                        });
                    } else {
                        unrealised.set(index, `${why}, and no service tag is known to carry ${req.destination}`);
                    }
                }
            }
        }
    });
    return { assignments, unrealised };
}

function protocolSetKey(protocols: Set<IpProtocol>): IpProtocol[] {
    return (["TCP", "UDP"] as IpProtocol[]).filter((p) => protocols.has(p));
}

function ruleName(parts: string[]): string {
    const name = parts
        .join("-")
        .toLowerCase()
        .replace(/[^a-z0-9_.-]/g, "-");
    if (name.length <= 80) {
        return name;
    }
    return `${name.slice(0, 71)}-${shortHash(name)}`;
}

function sourceFields(sources: ValidatedSources): { sourceAddresses?: string[]; sourceIpGroups?: string[] } {
    const fields: { sourceAddresses?: string[]; sourceIpGroups?: string[] } = {};
    if (sources.addresses.length) {
        fields.sourceAddresses = [...sources.addresses];
    }
    if (sources.ipGroups.length) {
        fields.sourceIpGroups = [...sources.ipGroups];
    }
    return fields;
}

function sortDestinations(values: Iterable<string>): string[] {
    const byLower = new Map<string, string>();
    for (const value of values) {
        if (!byLower.has(value.toLowerCase())) {
            byLower.set(value.toLowerCase(), value);
        }
    }
    return [...byLower.keys()].sort().map((key) => byLower.get(key) as string);
}

type NetworkRules = Map<string, { field: Field; protocols: IpProtocol[]; ports: number[]; destinations: string[] }>;
type ApplicationRules = Map<string, { pairs: string[]; destinations: string[] }>;

/** Network rules: per destination, ports grouped by the protocols they need; one rule per (field, protocols, ports). */
function planNetworkRules(assignments: Assignment[]): { rules: NetworkRules; ruleOf: Map<string, string> } {
    const network = new Map<string, { field: Field; destination: string; ports: Map<number, Set<IpProtocol>> }>();
    for (const a of assignments.filter((x) => x.field)) {
        const key = `${a.field}|${a.destination.toLowerCase()}`;
        const entry = network.get(key) ?? { field: a.field!, destination: a.destination, ports: new Map() };
        network.set(key, entry);
        entry.ports.set(a.port, (entry.ports.get(a.port) ?? new Set<IpProtocol>()).add(a.protocol));
    }
    const rules: NetworkRules = new Map();
    const ruleOf = new Map<string, string>(); // field|dest|protocol|port -> rule name
    for (const entry of network.values()) {
        const byProtocols = new Map<string, number[]>();
        for (const [port, protocols] of entry.ports) {
            const key = protocolSetKey(protocols).join(",");
            byProtocols.set(key, [...(byProtocols.get(key) ?? []), port]);
        }
        for (const [protocolKey, ports] of byProtocols) {
            ports.sort((a, b) => a - b);
            const protocols = protocolKey.split(",") as IpProtocol[];
            const name = ruleName([
                entry.field === "destinationFqdns" ? "fqdns" : "tags",
                ...protocols,
                ...ports.map(String),
            ]);
            const rule = rules.get(name) ?? { field: entry.field, protocols, ports, destinations: [] };
            rule.destinations.push(entry.destination);
            rules.set(name, rule);
            protocols.forEach((protocol) =>
                ports.forEach((port) =>
                    ruleOf.set(`${entry.field}|${entry.destination.toLowerCase()}|${protocol}|${port}`, name),
                ),
            );
        }
    }
    return { rules, ruleOf };
}

/** Application rules: per destination, the set of protocol:port pairs; one rule per set. */
function planApplicationRules(assignments: Assignment[]): { rules: ApplicationRules; ruleOf: Map<string, string> } {
    const application = new Map<string, { destination: string; pairs: Set<string> }>();
    for (const a of assignments.filter((x) => x.kind === "application")) {
        const key = a.destination.toLowerCase();
        const entry = application.get(key) ?? { destination: a.destination, pairs: new Set() };
        application.set(key, entry);
        entry.pairs.add(`${a.appProtocol}:${a.port}`);
    }
    const rules: ApplicationRules = new Map();
    const ruleOf = new Map<string, string>(); // dest|pair -> rule name
    for (const entry of application.values()) {
        const pairs = [...entry.pairs].sort((a, b) => Number(a.split(":")[1]) - Number(b.split(":")[1]) || cmp(a, b));
        const name = ruleName(pairs.flatMap((pair) => pair.split(":")));
        const rule = rules.get(name) ?? { pairs, destinations: [] };
        rule.destinations.push(entry.destination);
        rules.set(name, rule);
        pairs.forEach((pair) => ruleOf.set(`${entry.destination.toLowerCase()}|${pair}`, name));
    }
    return { rules, ruleOf };
}

function filterCollection(name: string, priority: number, rules: PlannedRule[]): PlannedRuleCollection {
    return {
        ruleCollectionType: "FirewallPolicyFilterRuleCollection",
        name,
        priority,
        action: { type: "Allow" },
        rules,
    };
}

/** The collections, rules sorted by name and destinations sorted, so the same input gives byte-identical output. */
function buildCollections(
    network: NetworkRules,
    application: ApplicationRules,
    options: PlanOptions,
    names: CollectionNames,
): PlannedRuleCollection[] {
    const sources = sourceFields(options.sources);
    const collections: PlannedRuleCollection[] = [];
    if (network.size) {
        collections.push(
            filterCollection(
                names.network,
                options.networkCollectionPriority ?? 100,
                [...network.keys()].sort().map((name): PlannedNetworkRule => {
                    const rule = network.get(name)!;
                    return {
                        ruleType: "NetworkRule",
                        name,
                        ipProtocols: rule.protocols,
                        ...sources,
                        [rule.field]: sortDestinations(rule.destinations),
                        destinationPorts: rule.ports.map(String),
                    };
                }),
            ),
        );
    }
    if (application.size) {
        collections.push(
            filterCollection(
                names.application,
                options.applicationCollectionPriority ?? 200,
                [...application.keys()].sort().map((name): PlannedApplicationRule => {
                    const rule = application.get(name)!;
                    return {
                        ruleType: "ApplicationRule",
                        name,
                        protocols: rule.pairs.map((pair) => {
                            const [protocolType, port] = pair.split(":");
                            return { protocolType: protocolType as "Http" | "Https", port: Number(port) };
                        }),
                        ...sources,
                        targetFqdns: sortDestinations(rule.destinations),
                    };
                }),
            ),
        );
    }
    return collections;
}

interface CollectionNames {
    network: string;
    application: string;
}

/**
 * How one requirement is realised: its assignments grouped by rule, with the reason for any part no rule can express.
 */
function explain(
    requirement: Requirement,
    mine: Assignment[],
    reason: string | undefined,
    names: CollectionNames,
    ruleOf: { network: Map<string, string>; application: Map<string, string> },
): Explanation {
    const grouped = new Map<string, Realisation>();
    for (const a of mine) {
        const collection = a.kind === "application" ? names.application : names.network;
        const rule =
            a.kind === "application"
                ? ruleOf.application.get(`${a.destination.toLowerCase()}|${a.appProtocol}:${a.port}`)!
                : ruleOf.network.get(`${a.field}|${a.destination.toLowerCase()}|${a.protocol}|${a.port}`)!;
        const key = [a.kind, a.protocol, rule, a.detail ?? ""].join("|");
        const existing = grouped.get(key);
        if (existing) {
            existing.ports.push(a.port);
        } else {
            grouped.set(key, {
                protocol: a.protocol,
                ports: [a.port],
                kind: a.kind,
                collection,
                rule,
                ...(a.appProtocol ? { appProtocol: a.appProtocol } : {}),
                ...(a.detail ? { detail: a.detail } : {}),
            });
        }
    }
    const realisations = [...grouped.values()];
    const text = [...realisations.map(describeRealisation), ...(reason ? [`NOT REALISED: ${reason}`] : [])].join("; ");
    return { requirement, realisations, ...(reason ? { unrealised: reason } : {}), text };
}

/** Plans the rule collections for a set of requirements. Pure and deterministic. */
export function planRules(requirements: Requirement[], options: PlanOptions): RulePlan {
    const names: CollectionNames = {
        network: validateResourceName(options.networkCollectionName ?? "aml-network", "networkCollectionName"),
        application: validateResourceName(
            options.applicationCollectionName ?? "aml-application",
            "applicationCollectionName",
        ),
    };
    const { assignments, unrealised } = assign(requirements, options.dnsProxy);
    const network = planNetworkRules(assignments);
    const application = planApplicationRules(assignments);
    const collections = buildCollections(network.rules, application.rules, options, names);
    const ruleOf = { network: network.ruleOf, application: application.ruleOf };
    const explanations = requirements.map((requirement, index) =>
        explain(
            requirement,
            assignments.filter((a) => a.requirement === index),
            unrealised.get(index),
            names,
            ruleOf,
        ),
    );
    const notes = explanations
        .filter((e) => e.realisations.some((r) => r.kind === "fallbackServiceTag") || e.unrealised)
        .map(
            (e) => `${e.requirement.destination} ${e.requirement.protocol} ${e.requirement.ports.join(",")}: ${e.text}`,
        );
    return {
        ruleCollections: collections,
        explanations,
        notes,
        ruleCount: collections.reduce((n, c) => n + c.rules.length, 0),
        needsDnsProxy: [...network.rules.values()].some((r) => r.field === "destinationFqdns"),
    };
}

function describeRealisation(r: Realisation): string {
    const where = `${r.collection}/${r.rule}`;
    const ports = r.ports.join(",");
    switch (r.kind) {
        case "application":
            return `application rule ${where} (${r.ports.map((p) => `${r.appProtocol}:${p}`).join(", ")})`;
        case "networkFqdn":
            return `network rule ${where} on the FQDN, ${r.protocol} ${ports} (needs DNS proxy)`;
        case "serviceTag":
            return `network rule ${where} on the service tag, ${r.protocol} ${ports}`;
        case "fallbackServiceTag":
            return `network rule ${where}, ${r.protocol} ${ports}: ${r.detail}`;
    }
}
