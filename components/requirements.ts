/**
 * Requirements resolver (pure): catalog rows for a cloud, a set of workspaces and scenarios become the
 * concrete destinations the workload must reach, in the shape of docs/coverage-semantics.md §1.
 */
import { CATALOG, CATALOG_NOTES } from "./catalog/data";
import { REGIONS, REGION_PATTERN, serviceTagSource, tagSpelling } from "./catalog/regions";
import { CatalogRow, Cloud, DestinationKind, Protocol, RequirementScenario, Scenario } from "./catalog/types";
import { parseCloud } from "./clouds";
import { didYouMean } from "./suggest";
import { InputError } from "./errors";
import { WORKSPACE_NAME } from "./names";

/** Application protocol of an HTTP(S) host requirement. */
export const AppProtocol = {
    /** Plain HTTP. */
    Http: "Http",
    /** HTTP over TLS. */
    Https: "Https",
} as const;
export type AppProtocol = (typeof AppProtocol)[keyof typeof AppProtocol];

/** One destination the workload must reach (docs/coverage-semantics.md §1), and where it came from. */
export interface Requirement {
    /** Host name (placeholders resolved) or service tag. */
    destination: string;
    /** Whether `destination` is a host name or a service tag. */
    kind: DestinationKind;
    /** Transport protocol; `Any` is TCP and UDP. */
    protocol: Protocol;
    /** Destination ports. */
    ports: number[];
    /** For hosts reached over HTTP(S): the application protocol, so an application rule can carry it. */
    appProtocol?: AppProtocol;
    /** For hosts: service tags whose network rules also carry this host (resolved names). */
    serviceTags?: string[];
    /**
     * `core`, or the first (in `Scenario` order) of the scenarios that need it; `scenarios` lists them all.
     */
    scenario?: RequirementScenario;
    /** Every scenario whose rows need it (`core` first), e.g. `python` and `kubernetes` for `pypi.org`. */
    scenarios?: RequirementScenario[];
    /** Why it is needed: the purpose of each catalog row it comes from, in our words. */
    purpose?: string;
    /** Doc section(s) the requirement traces to. */
    source?: string;
    /** Workspaces that need it (when resolved for named workspaces). */
    workspaces?: string[];
}

/** How much of the doc's configuration the rules realise. */
export const Configuration = {
    /** The doc's configuration: service-tag rules and host rules both (the default). */
    Full: "full",
    /** Host rules, with a service tag only where no host rule can express a row. */
    LeastPrivilege: "leastPrivilege",
} as const;
export type Configuration = (typeof Configuration)[keyof typeof Configuration];
export const CONFIGURATIONS: readonly Configuration[] = Object.values(Configuration);

export const SCENARIO_NAMES: readonly Scenario[] = Object.values(Scenario);

export interface WorkspaceSpec {
    /** Azure ML workspace name: 3-33 characters, letters, digits, `-` and `_`, starting with a letter or digit. */
    name: string;
    /** The workspace's default storage account (`<storage>`): 3-24 lower-case letters and digits. */
    storageAccountName: string;
    /** The workspace's region (`<region>`), ARM form such as `westeurope`. */
    region: string;
    /** Scenarios for this workspace, added to the shared ones. */
    scenarios?: string[];
    /** The workspace's container registry name (`<acr>`), used by the kubernetes scenario. */
    containerRegistryName?: string;
    /** The workspace ID (`<workspaceId>`, a GUID), used by the kubernetes scenario. */
    workspaceId?: string;
}

export interface ResolveOptions {
    cloud: string;
    workspaces: WorkspaceSpec[];
    /** Scenarios for every workspace. */
    scenarios?: string[];
    configuration?: string;
    /** Accept a well-formed region that is not in the built-in list (a region newer than this release). */
    allowUnlistedRegion?: boolean;
    /**
     * The one workspace came from the component's single-workspace arguments: errors name
     * `workspaceName`, `storageAccountName` and `region` instead of `workspaces[0].…`.
     */
    singleWorkspace?: boolean;
}

const SINGLE_WORKSPACE_ARGUMENTS: Readonly<Record<string, string>> = {
    name: "workspaceName",
    storageAccountName: "storageAccountName",
    region: "region",
};

export interface Resolution {
    cloud: Cloud;
    configuration: Configuration;
    requirements: Requirement[];
    /** Corrections of the doc, rows not applicable in Azure Firewall, rows left out, and why. */
    notes: string[];
}

const STORAGE_NAME = /^[a-z0-9]{3,24}$/;
/** The fields of a workspace (`WorkspaceSpec`); any other is an error, not silently ignored. */
const WORKSPACE_KEYS: readonly string[] = [
    "name",
    "storageAccountName",
    "region",
    "scenarios",
    "containerRegistryName",
    "workspaceId",
];
const REGISTRY_NAME = /^[a-zA-Z0-9]{5,50}$/;
export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Scenarios the doc offers in a cloud: those that have at least one row there. */
export function scenariosOffered(cloud: Cloud): Scenario[] {
    const present = new Set(CATALOG[cloud].map((row) => row.scenario));
    return SCENARIO_NAMES.filter((name) => present.has(name));
}

export function parseConfiguration(value: unknown, argument = "configuration"): Configuration {
    if (value === undefined) {
        return "full";
    }
    const match = CONFIGURATIONS.find((c) => typeof value === "string" && c.toLowerCase() === value.toLowerCase());
    if (!match) {
        throw new InputError(argument, value, "use full or leastPrivilege.");
    }
    return match;
}

export function validateWorkspaceName(value: unknown, argument: string): string {
    if (typeof value !== "string" || !WORKSPACE_NAME.test(value)) {
        throw new InputError(
            argument,
            value,
            "a workspace name is 3-33 characters: letters, digits, '-' and '_', starting with a letter or digit.",
        );
    }
    return value;
}

export function validateStorageAccountName(value: unknown, argument: string): string {
    if (typeof value !== "string" || !STORAGE_NAME.test(value)) {
        throw new InputError(argument, value, "a storage account name is 3-24 lower-case letters and digits.");
    }
    return value;
}

export function validateRegion(cloud: Cloud, value: unknown, argument: string, allowUnlisted = false): string {
    const region = typeof value === "string" ? value.trim().toLowerCase() : undefined;
    if (region === undefined || !REGION_PATTERN.test(region)) {
        throw new InputError(
            argument,
            value,
            "a region is its ARM name: lower-case letters and digits, such as westeurope or usgovvirginia.",
        );
    }
    if (!REGIONS[cloud].includes(region) && !allowUnlisted) {
        const home = (Object.keys(REGIONS) as Cloud[]).find((other) => REGIONS[other].includes(region));
        if (home) {
            throw new InputError(
                argument,
                value,
                `it is a region of ${home}, not of ${cloud}; set \`cloud\` to ${home} for a workspace there.`,
            );
        }
        const hint = didYouMean(region, REGIONS[cloud]);
        throw new InputError(
            argument,
            value,
            hint
                ? `it is not a region of ${cloud}.${hint} (Set allowUnlistedRegion to accept a region newer than ` +
                      `the built-in list.)`
                : `${cloud} regions are: ${REGIONS[cloud].join(", ")} (set allowUnlistedRegion to accept a newer ` +
                      `region).`,
        );
    }
    return region;
}

export function validateScenarios(cloud: Cloud, values: unknown, argument: string): Scenario[] {
    if (values === undefined) {
        return [];
    }
    if (!Array.isArray(values)) {
        throw new InputError(argument, values, "a list of scenario names.");
    }
    const offered = scenariosOffered(cloud);
    const result: Scenario[] = [];
    values.forEach((value, index) => {
        const name = typeof value === "string" ? value.trim().toLowerCase() : undefined;
        if (name === undefined || !(SCENARIO_NAMES as readonly string[]).includes(name)) {
            throw new InputError(
                `${argument}[${index}]`,
                value,
                `scenarios are: ${SCENARIO_NAMES.join(", ")}.${didYouMean(name, SCENARIO_NAMES)}`,
            );
        }
        if (!(offered as string[]).includes(name)) {
            const why = CATALOG_NOTES.find((n) => n.scenario === name && n.clouds?.includes(cloud));
            throw new InputError(
                `${argument}[${index}]`,
                value,
                `${why ? why.text.replace(/\.$/, ";") : `the doc does not offer this scenario in ${cloud};`} ` +
                    `available in ${cloud}: ${offered.join(", ")}.`,
            );
        }
        if (!result.includes(name as Scenario)) {
            result.push(name as Scenario);
        }
    });
    return result;
}

interface ValidWorkspace {
    name: string;
    storage: string;
    region: string;
    scenarios: Set<Scenario>;
    acr?: string;
    workspaceId?: string;
}

function validateWorkspaces(cloud: Cloud, options: ResolveOptions): ValidWorkspace[] {
    if (!Array.isArray(options.workspaces) || options.workspaces.length === 0) {
        throw new InputError(
            "workspaces",
            options.workspaces,
            "give at least one workspace (name, storage account, region).",
        );
    }
    const shared = validateScenarios(cloud, options.scenarios, "scenarios");
    const seen = new Set<string>();
    return options.workspaces.map((ws, index) => {
        const at = `workspaces[${index}]`;
        const arg = (field: string): string =>
            (options.singleWorkspace && SINGLE_WORKSPACE_ARGUMENTS[field]) || `${at}.${field}`;
        if (typeof ws !== "object" || ws === null) {
            throw new InputError(at, ws, "a workspace is an object with name, storageAccountName and region.");
        }
        const unknown = Object.keys(ws).filter((key) => !WORKSPACE_KEYS.includes(key));
        if (unknown.length) {
            throw new InputError(
                `${at}.${unknown[0]}`,
                (ws as unknown as Record<string, unknown>)[unknown[0]],
                `not a workspace field; the fields are ${WORKSPACE_KEYS.join(", ")}.` +
                    didYouMean(unknown[0], WORKSPACE_KEYS),
            );
        }
        const name = validateWorkspaceName(ws.name, arg("name"));
        if (seen.has(name.toLowerCase())) {
            throw new InputError(`${at}.name`, ws.name, "each workspace may appear once; this name is already listed.");
        }
        seen.add(name.toLowerCase());
        const storage = validateStorageAccountName(ws.storageAccountName, arg("storageAccountName"));
        const region = validateRegion(cloud, ws.region, arg("region"), options.allowUnlistedRegion === true);
        const scenarios = new Set([...shared, ...validateScenarios(cloud, ws.scenarios, `${at}.scenarios`)]);
        if (
            ws.containerRegistryName !== undefined &&
            (typeof ws.containerRegistryName !== "string" || !REGISTRY_NAME.test(ws.containerRegistryName))
        ) {
            throw new InputError(
                `${at}.containerRegistryName`,
                ws.containerRegistryName,
                "a registry name is 5-50 letters and digits.",
            );
        }
        if (ws.workspaceId !== undefined && (typeof ws.workspaceId !== "string" || !GUID.test(ws.workspaceId))) {
            throw new InputError(`${at}.workspaceId`, ws.workspaceId, "the workspace ID is a GUID.");
        }
        return {
            name,
            storage,
            region,
            scenarios,
            acr: ws.containerRegistryName?.toLowerCase(),
            workspaceId: ws.workspaceId?.toLowerCase(),
        };
    });
}

function substitute(text: string, ws: ValidWorkspace): string | undefined {
    if ((text.includes("<acr>") && !ws.acr) || (text.includes("<workspaceId>") && !ws.workspaceId)) {
        return undefined;
    }
    return fillKnown(text, ws);
}

/** Fills the placeholders the workspace has values for; the others stay as written. */
function fillKnown(text: string, ws: ValidWorkspace): string {
    const values: [RegExp, string | undefined][] = [
        [/<storage>/g, ws.storage],
        [/<region>/g, ws.region],
        [/<acr>/g, ws.acr],
        [/<workspaceId>/g, ws.workspaceId],
    ];
    return values.reduce((filled, [placeholder, value]) => (value ? filled.replace(placeholder, value) : filled), text);
}

function protocolsOf(protocol: Protocol): ("TCP" | "UDP")[] {
    return protocol === "Any" ? ["TCP", "UDP"] : [protocol];
}

/**
 * Whether a host row can be a rule of its own for (protocol, port): exact names always (an application
 * rule, or a network rule on the FQDN); wildcards only over HTTP(S), in application rules.
 */
function hostExpressible(row: CatalogRow, protocol: "TCP" | "UDP", port: number): boolean {
    return !row.destination.includes("*") || (protocol === "TCP" && (port === 80 || port === 443));
}

/**
 * The parts of a service-tag row that least privilege keeps: the (protocol, ports) at which some active
 * host row carried by the tag cannot be a rule of its own (or no host row is carried at all). Empty when
 * the doc's host rows express the whole tag.
 */
function tagPartsNeeded(tagRow: CatalogRow, active: CatalogRow[]): { protocol: Protocol; ports: number[] }[] {
    const needed = (protocol: "TCP" | "UDP", port: number): boolean => {
        const carried = active.filter(
            (row) =>
                row.kind === "fqdn" &&
                !row.notApplicable &&
                (row.serviceTags ?? []).includes(tagRow.destination) &&
                protocolsOf(row.protocol).includes(protocol) &&
                row.ports.includes(port),
        );
        return carried.length === 0 || carried.some((row) => !hostExpressible(row, protocol, port));
    };
    const parts = protocolsOf(tagRow.protocol)
        .map((protocol) => ({ protocol, ports: tagRow.ports.filter((port) => needed(protocol, port)) }))
        .filter((part) => part.ports.length > 0);
    const [tcp, udp] = [parts.find((p) => p.protocol === "TCP"), parts.find((p) => p.protocol === "UDP")];
    if (tcp && udp && tcp.ports.join() === udp.ports.join()) {
        return [{ protocol: "Any", ports: tcp.ports }];
    }
    return parts;
}

/** The least-privilege note for a tag row kept in part, or left out. */
function leastPrivilegeNote(tag: string, row: CatalogRow, parts: { protocol: Protocol; ports: number[] }[]): string {
    const whole = `service tag ${tag} ${row.protocol} ${row.ports.join(",")}`;
    if (parts.length === 0) {
        return `Least privilege: ${whole} is left out; the doc's host rows express it.`;
    }
    const kept = parts.map((p) => `${p.protocol} ${p.ports.join(",")}`).join(" and ");
    return (
        `Least privilege: ${whole} is kept only for ${kept}, where host rows it carries are wildcards outside ` +
        "HTTP(S), which no rule but the tag can express; the rest the doc's host rows express."
    );
}

function appProtocolFor(port: number): AppProtocol | undefined {
    return port === 443 ? "Https" : port === 80 ? "Http" : undefined;
}

/** Splits an FQDN row's ports into HTTP, HTTPS and other traffic; a service-tag row stays whole. */
function split(row: CatalogRow): { protocol: Protocol; ports: number[]; appProtocol?: AppProtocol }[] {
    if (row.kind === "serviceTag") {
        return [{ protocol: row.protocol, ports: [...row.ports] }];
    }
    const groups = new Map<AppProtocol | "", number[]>();
    for (const port of row.ports) {
        const key = appProtocolFor(port) ?? "";
        groups.set(key, [...(groups.get(key) ?? []), port]);
    }
    return [...groups.entries()].map(([key, ports]) =>
        key ? { protocol: row.protocol, ports, appProtocol: key } : { protocol: row.protocol, ports },
    );
}

function compareRequirements(a: Requirement, b: Requirement): number {
    return (
        cmp(a.destination.toLowerCase(), b.destination.toLowerCase()) ||
        cmp(a.kind, b.kind) ||
        cmp(a.protocol, b.protocol) ||
        a.ports[0] - b.ports[0] ||
        cmp(a.appProtocol ?? "", b.appProtocol ?? "")
    );
}

export function cmp(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

type MergedRequirement = Omit<Requirement, "scenarios"> & {
    sections: Set<string>;
    wsSet: Set<string>;
    scenarioSet: Set<RequirementScenario>;
    /** Each row's purpose, with the scenario of its row (to order them as the scenarios). */
    purposes: Map<string, RequirementScenario>;
};

/** What a resolution collects: merged requirements by key, and notes (a set: one line per distinct note). */
interface Resolving {
    cloud: Cloud;
    /** Several workspaces: notes name the workspace they are about. */
    multiple: boolean;
    merged: Map<string, MergedRequirement>;
    notes: Set<string>;
}

const REGIONAL = ".<region>";

/**
 * A catalog tag as the cloud's Service Tags file spells it (`Storage.<region>` -> `Storage.WestEurope`).
 * A regional tag the file lacks for the region falls back to its global tag; a tag the file lacks
 * altogether is left out. Notes say which.
 */
function resolveTag(template: string, ws: ValidWorkspace, into: Resolving): string | undefined {
    const tag = substitute(template, ws) as string;
    const spelled = tagSpelling(into.cloud, tag);
    if (spelled) {
        return spelled;
    }
    const source = serviceTagSource(into.cloud);
    const global = template.endsWith(REGIONAL)
        ? tagSpelling(into.cloud, template.slice(0, -REGIONAL.length))
        : undefined;
    if (global) {
        into.notes.add(
            `Service tag ${tag} does not exist in ${into.cloud} (${source}); the global tag ${global} is used ` +
                `instead, ` +
                "which covers every region.",
        );
        return global;
    }
    into.notes.add(`Service tag ${tag} does not exist in ${into.cloud} (${source}); left out.`);
    return undefined;
}

/**
 * One catalog row for one workspace: a note where it is not a rule (not applicable, left out by least
 * privilege, a missing input), else its destination resolved, merged into `into` once per HTTP(S) /
 * other part of its ports.
 */
function addRow(
    row: CatalogRow,
    ws: ValidWorkspace,
    active: CatalogRow[],
    configuration: Configuration,
    into: Resolving,
): void {
    if (row.notApplicable) {
        into.notes.add(`Not applicable: ${row.destination} (${row.section}): ${row.notApplicable}`);
        return;
    }
    if (row.correction) {
        into.notes.add(`Doc corrected: ${row.asWritten} -> ${row.destination}: ${row.correction}`);
    }
    const destination =
        row.kind === "serviceTag" ? resolveTag(row.destination, ws, into) : substitute(row.destination, ws);
    if (destination === undefined) {
        if (row.kind === "fqdn") {
            const missing = row.destination.includes("<acr>") ? "containerRegistryName" : "workspaceId";
            into.notes.add(
                `Left out${into.multiple ? ` for workspace ${ws.name}` : ""}: ${fillKnown(row.destination, ws)} ` +
                    `(${row.scenario}) ` +
                    `needs the workspace's ${missing}; give it to include this row.`,
            );
        }
        return;
    }
    let parts = split(row);
    if (configuration === "leastPrivilege" && row.kind === "serviceTag") {
        const needed = tagPartsNeeded(row, active);
        const narrowed =
            needed.length !== 1 || needed[0].protocol !== row.protocol || needed[0].ports.length !== row.ports.length;
        if (narrowed) {
            into.notes.add(leastPrivilegeNote(destination, row, needed));
        }
        parts = needed;
    }
    const serviceTags = row.serviceTags
        ?.map((t) => resolveTag(t, ws, into))
        .filter((t): t is string => t !== undefined);
    parts.forEach((part) => merge(into, { ...part, destination, serviceTags }, row, ws));
}

interface Part {
    destination: string;
    protocol: Protocol;
    ports: number[];
    appProtocol?: AppProtocol;
    serviceTags?: string[];
}

/** Adds one part of a row to the requirements, merging with an equal destination/kind/protocol/app protocol. */
function merge(into: Resolving, part: Part, row: CatalogRow, ws: ValidWorkspace): void {
    const key = [part.destination.toLowerCase(), row.kind, part.protocol, part.appProtocol ?? ""].join("|");
    let entry = into.merged.get(key);
    if (!entry) {
        entry = {
            destination: part.destination,
            kind: row.kind,
            protocol: part.protocol,
            ports: [],
            sections: new Set(),
            wsSet: new Set(),
            scenarioSet: new Set(),
            purposes: new Map(),
        };
        into.merged.set(key, entry);
    }
    entry.ports = [...new Set([...entry.ports, ...part.ports])].sort((a, b) => a - b);
    if (part.appProtocol) {
        entry.appProtocol = part.appProtocol;
    }
    if (part.serviceTags?.length) {
        entry.serviceTags = [...new Set([...(entry.serviceTags ?? []), ...part.serviceTags])];
    }
    entry.sections.add(row.section);
    entry.wsSet.add(ws.name);
    entry.scenarioSet.add(row.scenario);
    if (!entry.purposes.has(row.purpose)) {
        entry.purposes.set(row.purpose, row.scenario);
    }
}

/** Scenarios in the catalog's order: `core`, then `Scenario`'s declaration order. */
const SCENARIO_ORDER: readonly string[] = ["core", ...Object.values(Scenario)];

/** The doc's notes that are not rules, for a workspace's scenarios in a cloud. */
function addCatalogNotes(cloud: Cloud, ws: ValidWorkspace, into: Resolving): void {
    for (const note of CATALOG_NOTES) {
        if (
            (note.scenario === "core" || ws.scenarios.has(note.scenario)) &&
            (!note.clouds || note.clouds.includes(cloud))
        ) {
            into.notes.add(`Not a rule: ${note.text} (${note.section})`);
        }
    }
}

/** A merged requirement in the public shape: `core` if any row is core, sections and workspaces sorted. */
function finished(entry: MergedRequirement): Requirement {
    const requirement: Requirement = {
        destination: entry.destination,
        kind: entry.kind,
        protocol: entry.protocol,
        ports: entry.ports,
    };
    if (entry.appProtocol) {
        requirement.appProtocol = entry.appProtocol;
    }
    if (entry.serviceTags) {
        requirement.serviceTags = entry.serviceTags;
    }
    const scenarios = [...entry.scenarioSet].sort((a, b) => SCENARIO_ORDER.indexOf(a) - SCENARIO_ORDER.indexOf(b));
    requirement.scenario = scenarios[0];
    requirement.scenarios = scenarios;
    const rank = (scenario: string) => SCENARIO_ORDER.indexOf(scenario);
    requirement.purpose = [...entry.purposes]
        .sort(([, a], [, b]) => rank(a) - rank(b))
        .map(([purpose]) => purpose)
        .join(" ");
    requirement.source = [...entry.sections].sort().join("; ");
    requirement.workspaces = [...entry.wsSet].sort();
    return requirement;
}

/**
 * Resolves the catalog for a cloud, workspaces and scenarios into concrete, merged, sorted
 * requirements. Throws `InputError` for any bad input.
 */
export function resolveRequirements(options: ResolveOptions): Resolution {
    const cloud = parseCloud(options.cloud);
    const configuration = parseConfiguration(options.configuration);
    const workspaces = validateWorkspaces(cloud, options);
    const resolving: Resolving = { cloud, multiple: workspaces.length > 1, merged: new Map(), notes: new Set() };
    for (const ws of workspaces) {
        const active = CATALOG[cloud].filter((row) => row.scenario === "core" || ws.scenarios.has(row.scenario));
        active.forEach((row) => addRow(row, ws, active, configuration, resolving));
        addCatalogNotes(cloud, ws, resolving);
    }
    const requirements = [...resolving.merged.values()].map(finished).sort(compareRequirements);
    return { cloud, configuration, requirements, notes: [...resolving.notes] };
}
