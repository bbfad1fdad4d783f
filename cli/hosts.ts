/** `hosts`: the resolved catalog for a cloud, storage account, region and scenarios. */
import { CATALOG_SOURCES, sectionSources } from "../components/catalog/data";
import { DocSource } from "../components/catalog/types";
import { UsageError } from "./errors";
import { CatalogFlags, HostEntry, readWorkspaces, resolveHosts } from "./catalogFlags";
import { OutputOptions, csv, markdownTable, table } from "./format";
import { PlannedApplicationRule, PlannedNetworkRule, planRules } from "../components/planner";
import { validateSources } from "../components/sources";
import { azCommands } from "../components/firewall";
import { DEFAULT_PRIORITY } from "../components/policyPlan";

export interface HostsOptions extends CatalogFlags {
    cloud: string;
    /** Workload sources for the change request's rules. */
    source?: string[];
    format: string;
}

const HEAD = [
    "Destination",
    "Kind",
    "Protocol",
    "Ports",
    "App protocol",
    "Service tags",
    "Scenarios",
    "Why",
    "Doc section",
];
/** The table shows all but the service tags and the doc section (in CSV, JSON and Markdown). */
const TABLE_COLUMNS = [0, 1, 2, 3, 4, 6, 7];

function rows(entries: HostEntry[]): string[][] {
    return entries.map((e) => [
        e.destination,
        e.kind,
        e.protocol,
        e.ports.join(", "),
        e.appProtocol ?? "",
        (e.serviceTags ?? []).join(", "),
        (e.scenarios ?? [e.scenario ?? ""]).join(", "),
        e.purpose ?? "",
        e.source ?? "",
    ]);
}

export function runHosts(options: HostsOptions, out: OutputOptions): number {
    if (options.source?.length && options.format !== "markdown") {
        throw new UsageError(
            "--source: only the Markdown change request uses it; give --format markdown, or leave it out",
        );
    }
    const { entries, notes, cloud } = resolveHosts(options);
    switch (options.format) {
        case "json":
            process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
            notes.forEach((n) => process.stderr.write(`note: ${n}\n`));
            break;
        case "csv":
            process.stdout.write(`${csv(HEAD, rows(entries))}\n`);
            notes.forEach((n) => process.stderr.write(`note: ${n}\n`));
            break;
        case "markdown":
            process.stdout.write(changeRequest(options, cloud, entries, notes));
            break;
        default:
            process.stdout.write(
                `${table(
                    TABLE_COLUMNS.map((i) => HEAD[i]),
                    rows(entries).map((r) => TABLE_COLUMNS.map((i) => r[i])),
                    out,
                )}\n`,
            );
            if (notes.length) {
                process.stdout.write(`\nNotes:\n${notes.map((n) => `  - ${n}`).join("\n")}\n`);
            }
    }
    return 0;
}

const PROTOCOL_WORDS: Record<string, string> = { TCP: "TCP", UDP: "UDP", Any: "TCP and UDP" };

/** A network rule's destination in plain words: a service tag, or a host name that needs DNS proxy. */
function networkDestination(rule: PlannedNetworkRule): string[] {
    return [
        ...(rule.destinationAddresses ?? []).map((tag) => `${tag} (service tag)`),
        ...(rule.destinationFqdns ?? []).map((host) => `${host} (host name: needs DNS proxy on the policy)`),
    ];
}

/** The Microsoft docs the entries come from, in `CATALOG_SOURCES` order. */
function citedSources(entries: HostEntry[]): DocSource[] {
    const sections = entries.flatMap((e) => (e.source ?? "").split("; "));
    const cited = new Set(sections.flatMap(sectionSources));
    return CATALOG_SOURCES.filter((s) => cited.has(s));
}

/**
 * The Markdown a network team gets in a change request: the application rules (HTTP/HTTPS, by host
 * name) and the network rules (service tags, and host names that need DNS proxy) apart, protocols in
 * words, then how each requirement is realised and the notes.
 */
/** The workspace(s) of a change request, in words. */
function workspacesText(options: HostsOptions): string {
    if (options.workspaces === undefined) {
        return `region ${options.region!.toLowerCase()}, storage account ${options.storage}`;
    }
    const list = readWorkspaces(options.workspaces).map((ws) => {
        const region = (ws.region ?? options.region)!.toLowerCase();
        return `${ws.name} (storage account ${ws.storageAccountName}, region ${region})`;
    });
    return `workspaces ${list.join(", ")}`;
}

function changeRequest(options: HostsOptions, cloud: string, entries: HostEntry[], notes: string[]): string {
    const scenarios = options.allScenarios
        ? "all offered"
        : options.scenario?.length
          ? options.scenario.join(", ")
          : "none (required rows only)";
    // The rules as the planner writes them, from the sources given (a documentation range stands in without).
    const given = options.source ?? [];
    const sources = validateSources({ addresses: given.length ? given : ["192.0.2.0/24"] });
    const plan = planRules(entries, { sources, dnsProxy: true });
    const rules = plan.ruleCollections.flatMap((c) => c.rules);
    const application = rules.filter((r): r is PlannedApplicationRule => r.ruleType === "ApplicationRule");
    const network = rules.filter((r): r is PlannedNetworkRule => r.ruleType === "NetworkRule");
    return [
        `## Azure Machine Learning egress: ${cloud}, ${workspacesText(options)}`,
        "",
        `Scenarios: ${scenarios}. Allow outbound traffic from the Azure ML compute subnets, and nothing else:`,
        "",
        given.length
            ? `Sources (every rule): ${given.join(", ")}.`
            : "Sources: the Azure ML compute subnets (give them with --source; the commands below use 192.0.2.0/24 " +
              "in their place).",
        "",
        "### Application rules (HTTP/HTTPS, matched by host name)",
        "",
        markdownTable(
            ["Rule", "Protocol and port", "Host names"],
            application.map((r) => [
                r.name,
                r.protocols.map((p) => `${p.protocolType.toUpperCase()} ${p.port}`).join(", "),
                r.targetFqdns.join("\n"),
            ]),
        ),
        "",
        "### Network rules",
        "",
        markdownTable(
            ["Rule", "Protocol", "Ports", "Destinations"],
            network.map((r) => [
                r.name,
                r.ipProtocols.length === 2 ? PROTOCOL_WORDS.Any : PROTOCOL_WORDS[r.ipProtocols[0]],
                r.destinationPorts.join(", "),
                networkDestination(r).join("\n"),
            ]),
        ),
        "",
        plan.needsDnsProxy
            ? "Host names in network rules match only when the firewall policy has DNS proxy turned on and the " +
              "compute subnets use the firewall as their DNS server."
            : "No network rule uses host names, so DNS proxy is not required.",
        "",
        "### Why each host is needed",
        "",
        ...entries.map(
            (e) =>
                `- ${e.destination} (${PROTOCOL_WORDS[e.protocol]} ${e.ports.join(", ")}; ` +
                `${(e.scenarios ?? [e.scenario]).join(", ")}): ${e.purpose ?? ""} Doc: ${e.source ?? ""}.`,
        ),
        "",
        "### The same rules as az commands",
        "",
        "<details><summary>az network firewall policy rule-collection-group commands (set RESOURCE_GROUP, " +
            "POLICY and GROUP first)</summary>",
        "",
        "```bash",
        ...azCommands({
            resourceGroupName: "",
            firewallPolicyName: "",
            ruleCollectionGroupName: "",
            priority: DEFAULT_PRIORITY,
            collections: plan.ruleCollections,
            header: [],
        }),
        "```",
        "",
        "</details>",
        "",
        "### Why each rule is there",
        "",
        ...plan.explanations.map(
            (e) =>
                `- ${e.requirement.destination} (${PROTOCOL_WORDS[e.requirement.protocol]} ` +
                `${e.requirement.ports.join(", ")}): ${e.text}`,
        ),
        "",
        "### Notes",
        "",
        ...notes.map((n) => `- ${n}`),
        "",
        "### Sources",
        "",
        ...citedSources(entries).map(
            (s) => `- ${s.repository} \`${s.path}\` (commit ${s.commit.slice(0, 8)}, ms.date ${s.msDate})`,
        ),
        "",
    ].join("\n");
}
