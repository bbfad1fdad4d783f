/**
 * Requirements resolver (pure): catalog rows for a cloud, a set of workspaces and scenarios become the
 * concrete destinations the workload must reach, in the shape of docs/coverage-semantics.md §1.
 */
import { CATALOG, CATALOG_NOTES } from "./catalog/data";
import { REGIONS, REGION_PATTERN } from "./catalog/regions";
import { CatalogRow, CloudName, DestinationKind, Protocol, RowScenario, ScenarioName } from "./catalog/types";
import { parseCloud } from "./clouds";
import { InputError } from "./errors";

export type AppProtocol = "Http" | "Https";

/** One destination the workload must reach (docs/coverage-semantics.md §1), plus where it came from. */
export interface Requirement {
    destination: string;
    kind: DestinationKind;
    protocol: Protocol;
    ports: number[];
    appProtocol?: AppProtocol;
    serviceTags?: string[];
    /** `core`, or the scenario that needs it. */
    scenario?: RowScenario;
    /** Doc section(s) the requirement traces to. */
    source?: string;
    /** Workspaces that need it (when resolved for named workspaces). */
    workspaces?: string[];
}

/**
 * `full`: the doc's configuration, service-tag rules and host rules both.
 * `leastPrivilege`: a service tag only where the doc's host rows cannot express the row.
 */
export type Configuration = "full" | "leastPrivilege";
export const CONFIGURATIONS: readonly Configuration[] = ["full", "leastPrivilege"];

export const SCENARIO_NAMES: readonly ScenarioName[] = [
    "automl",
    "hbi",
    "monitoring",
    "python",
    "r",
    "rstudio",
    "vscode",
    "huggingface",
    "kubernetes",
];

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
    cloud: CloudName;
    configuration: Configuration;
    requirements: Requirement[];
    /** Corrections of the doc, rows not applicable in Azure Firewall, rows left out, and why. */
    notes: string[];
}

const WORKSPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,32}$/;
const STORAGE_NAME = /^[a-z0-9]{3,24}$/;
const REGISTRY_NAME = /^[a-zA-Z0-9]{5,50}$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Scenarios the doc offers in a cloud: those that have at least one row there. */
export function scenariosOffered(cloud: CloudName): ScenarioName[] {
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

export function validateRegion(cloud: CloudName, value: unknown, argument: string, allowUnlisted = false): string {
    const region = typeof value === "string" ? value.trim().toLowerCase() : undefined;
    if (region === undefined || !REGION_PATTERN.test(region)) {
        throw new InputError(
            argument,
            value,
            "a region is its ARM name: lower-case letters and digits, such as westeurope or usgovvirginia.",
        );
    }
    if (!REGIONS[cloud].includes(region) && !allowUnlisted) {
        throw new InputError(
            argument,
            value,
            `${cloud} regions are: ${REGIONS[cloud].join(", ")} (set allowUnlistedRegion to accept a newer region).`,
        );
    }
    return region;
}

export function validateScenarios(cloud: CloudName, values: unknown, argument: string): ScenarioName[] {
    if (values === undefined) {
        return [];
    }
    if (!Array.isArray(values)) {
        throw new InputError(argument, values, "a list of scenario names.");
    }
    const offered = scenariosOffered(cloud);
    const result: ScenarioName[] = [];
    values.forEach((value, index) => {
        const name = typeof value === "string" ? value.trim().toLowerCase() : undefined;
        if (name === undefined || !(SCENARIO_NAMES as readonly string[]).includes(name)) {
            throw new InputError(`${argument}[${index}]`, value, `scenarios are: ${SCENARIO_NAMES.join(", ")}.`);
        }
        if (!(offered as string[]).includes(name)) {
            throw new InputError(
                `${argument}[${index}]`,
                value,
                `the doc does not offer this scenario in ${cloud}; available there: ${offered.join(", ")}.`,
            );
        }
        if (!result.includes(name as ScenarioName)) {
            result.push(name as ScenarioName);
        }
    });
    return result;
}

interface ValidWorkspace {
    name: string;
    storage: string;
    region: string;
    scenarios: Set<ScenarioName>;
    acr?: string;
    workspaceId?: string;
}

function validateWorkspaces(cloud: CloudName, options: ResolveOptions): ValidWorkspace[] {
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
    return text
        .replace(/<storage>/g, ws.storage)
        .replace(/<region>/g, ws.region)
        .replace(/<acr>/g, ws.acr ?? "")
        .replace(/<workspaceId>/g, ws.workspaceId ?? "");
}

function protocolsOf(protocol: Protocol): ("TCP" | "UDP")[] {
    return protocol === "Any" ? ["TCP", "UDP"] : [protocol];
}

/** True when the active FQDN rows of the doc express every (protocol, port) of a service-tag row. */
function hostsExpressTag(tagRow: CatalogRow, active: CatalogRow[]): boolean {
    return protocolsOf(tagRow.protocol).every((protocol) =>
        tagRow.ports.every((port) =>
            active.some(
                (row) =>
                    row.kind === "fqdn" &&
                    !row.notApplicable &&
                    (row.serviceTags ?? []).includes(tagRow.destination) &&
                    protocolsOf(row.protocol).includes(protocol) &&
                    row.ports.includes(port),
            ),
        ),
    );
}

function appProtocolFor(port: number): AppProtocol | undefined {
    return port === 443 ? "Https" : port === 80 ? "Http" : undefined;
}

/** Splits an FQDN row's ports into HTTP, HTTPS and other traffic; a service-tag row stays whole. */
function split(row: CatalogRow): { ports: number[]; appProtocol?: AppProtocol }[] {
    if (row.kind === "serviceTag") {
        return [{ ports: [...row.ports] }];
    }
    const groups = new Map<AppProtocol | "", number[]>();
    for (const port of row.ports) {
        const key = appProtocolFor(port) ?? "";
        groups.set(key, [...(groups.get(key) ?? []), port]);
    }
    return [...groups.entries()].map(([key, ports]) => (key ? { ports, appProtocol: key } : { ports }));
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

type MergedRequirement = Requirement & { sections: Set<string>; wsSet: Set<string>; scenarios: Set<RowScenario> };

/** What a resolution collects: merged requirements by key, and notes (a set: one line per distinct note). */
interface Resolving {
    merged: Map<string, MergedRequirement>;
    notes: Set<string>;
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
    if (configuration === "leastPrivilege" && row.kind === "serviceTag" && hostsExpressTag(row, active)) {
        into.notes.add(
            `Least privilege: service tag ${row.destination} ${row.protocol} ${row.ports.join(",")} is left out; ` +
                `the doc's host rows express it.`,
        );
        return;
    }
    const destination = substitute(row.destination, ws);
    if (destination === undefined) {
        const missing = row.destination.includes("<acr>") ? "containerRegistryName" : "workspaceId";
        into.notes.add(
            `Left out for workspace ${ws.name}: ${row.destination} (${row.scenario}) needs ${missing}; give it to ` +
                `include this row.`,
        );
        return;
    }
    const serviceTags = row.serviceTags?.map((t) => substitute(t, ws) as string);
    for (const part of split(row)) {
        const key = [destination.toLowerCase(), row.kind, row.protocol, part.appProtocol ?? ""].join("|");
        let entry = into.merged.get(key);
        if (!entry) {
            entry = {
                destination,
                kind: row.kind,
                protocol: row.protocol,
                ports: [],
                sections: new Set(),
                wsSet: new Set(),
                scenarios: new Set(),
            };
            into.merged.set(key, entry);
        }
        entry.ports = [...new Set([...entry.ports, ...part.ports])].sort((a, b) => a - b);
        if (part.appProtocol) {
            entry.appProtocol = part.appProtocol;
        }
        if (serviceTags?.length) {
            entry.serviceTags = [...new Set([...(entry.serviceTags ?? []), ...serviceTags])];
        }
        entry.sections.add(row.section);
        entry.wsSet.add(ws.name);
        entry.scenarios.add(row.scenario);
    }
}

/** The doc's notes that are not rules, for a workspace's scenarios in a cloud. */
function addCatalogNotes(cloud: CloudName, ws: ValidWorkspace, into: Resolving): void {
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
    requirement.scenario = entry.scenarios.has("core") ? "core" : [...entry.scenarios].sort()[0];
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
    const resolving: Resolving = { merged: new Map(), notes: new Set() };
    for (const ws of validateWorkspaces(cloud, options)) {
        const active = CATALOG[cloud].filter((row) => row.scenario === "core" || ws.scenarios.has(row.scenario));
        active.forEach((row) => addRow(row, ws, active, configuration, resolving));
        addCatalogNotes(cloud, ws, resolving);
    }
    const requirements = [...resolving.merged.values()].map(finished).sort(compareRequirements);
    return { cloud, configuration, requirements, notes: [...resolving.notes] };
}
