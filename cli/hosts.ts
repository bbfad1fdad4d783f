/** `hosts`: the resolved catalog for a cloud, storage account, region and scenarios. */
import { CATALOG_SOURCES, sectionSources } from "../components/catalog/data";
import { DocSource } from "../components/catalog/types";
import { InputError } from "../components/errors";
import { Requirement, resolveRequirements, scenariosOffered, validateScenarios } from "../components/requirements";
import { parseCloud } from "../components/clouds";
import { UsageError } from "./errors";
import { OutputOptions, csv, markdownTable, table } from "./format";
import { PlannedApplicationRule, PlannedNetworkRule, planRules } from "../components/planner";
import { validateSources } from "../components/sources";

export interface HostsOptions {
    cloud: string;
    storage: string;
    region: string;
    scenario?: string[];
    allScenarios?: boolean;
    configuration?: string;
    allowUnlistedRegion?: boolean;
    containerRegistry?: string;
    workspaceId?: string;
    format: string;
}

type HostEntry = Omit<Requirement, "workspaces">;

/** Resolves the catalog for the flags; input errors become usage errors naming the flag. */
export function resolveHosts(options: HostsOptions): { entries: HostEntry[]; notes: string[]; cloud: string } {
    try {
        const cloud = parseCloud(options.cloud, "--cloud");
        // Named scenarios are checked even with --all-scenarios, so that a typo is not swallowed.
        const named = validateScenarios(cloud, options.scenario, "scenarios");
        const scenarios = options.allScenarios ? scenariosOffered(cloud) : named;
        const resolution = resolveRequirements({
            cloud,
            scenarios,
            configuration: options.configuration,
            allowUnlistedRegion: options.allowUnlistedRegion,
            workspaces: [
                {
                    name: "workspace",
                    storageAccountName: options.storage,
                    region: options.region,
                    containerRegistryName: options.containerRegistry,
                    workspaceId: options.workspaceId,
                },
            ],
        });
        const entries = resolution.requirements.map(({ workspaces: _w, ...rest }) => rest);
        return { entries, notes: resolution.notes, cloud };
    } catch (error) {
        if (error instanceof InputError) {
            const flag = error.argument
                .replace(/^workspaces\[0\]\.storageAccountName$/, "--storage")
                .replace(/^workspaces\[0\]\.region$/, "--region")
                .replace(/^workspaces\[0\]\.containerRegistryName$/, "--container-registry")
                .replace(/^workspaces\[0\]\.workspaceId$/, "--workspace-id")
                .replace(/^scenarios(\[\d+\])?$/, "--scenario")
                .replace(/^configuration$/, "--configuration");
            throw new UsageError(error.as(flag, CATALOG_FLAGS));
        }
        throw error;
    }
}

/** The component arguments a catalog message may mention, as the CLI's flags. */
export const CATALOG_FLAGS: Readonly<Record<string, string>> = {
    allowUnlistedRegion: "--allow-unlisted-region",
    "`cloud`": "--cloud",
    storageAccountName: "--storage",
    containerRegistryName: "--container-registry",
    workspaceId: "--workspace-id",
};

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
function changeRequest(options: HostsOptions, cloud: string, entries: HostEntry[], notes: string[]): string {
    const scenarios = options.allScenarios
        ? "all offered"
        : options.scenario?.length
          ? options.scenario.join(", ")
          : "none (required rows only)";
    // The rules as the planner would write them; sources do not appear in the change request.
    const plan = planRules(entries, { sources: validateSources({ addresses: ["192.0.2.0/24"] }), dnsProxy: true });
    const rules = plan.ruleCollections.flatMap((c) => c.rules);
    const application = rules.filter((r): r is PlannedApplicationRule => r.ruleType === "ApplicationRule");
    const network = rules.filter((r): r is PlannedNetworkRule => r.ruleType === "NetworkRule");
    return [
        `## Azure Machine Learning egress: ${cloud}, region ${options.region.toLowerCase()}, storage account ` +
            options.storage,
        "",
        `Scenarios: ${scenarios}. Allow outbound traffic from the Azure ML compute subnets, and nothing else:`,
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
