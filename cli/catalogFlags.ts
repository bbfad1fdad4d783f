/**
 * The catalog flags every command that needs Azure ML's requirements takes (`hosts`, `audit`, `diagnose`,
 * `diff`, `export`): one workspace from `--storage` and `--region`, or several from `--workspaces FILE` (the
 * components' `workspaces` list, YAML or JSON), with `--cloud`, `--scenario`, `--configuration`, ... or a
 * requirements file instead. Their types, their resolution, and the mapping of the resolver's argument
 * names back to the flags, in one place; no command imports another for them.
 */
import * as fs from "fs";
import * as yaml from "js-yaml";
import { parseCloud } from "../components/clouds";
import { InputError } from "../components/errors";
import {
    Requirement,
    WorkspaceSpec,
    resolveRequirements,
    scenariosOffered,
    validateScenarios,
} from "../components/requirements";
import { UsageError } from "./errors";
import { readRequirements } from "./inputs";

export interface CatalogFlags {
    requirements?: string;
    cloud?: string;
    storage?: string;
    region?: string;
    /** A YAML or JSON list of workspaces, as the components' `workspaces` argument. */
    workspaces?: string;
    scenario?: string[];
    allScenarios?: boolean;
    configuration?: string;
    allowUnlistedRegion?: boolean;
    containerRegistry?: string;
    workspaceId?: string;
}

export type HostEntry = Omit<Requirement, "workspaces">;

/** The component arguments a catalog message may mention, as the CLI's flags. */
export const CATALOG_FLAGS: Readonly<Record<string, string>> = {
    allowUnlistedRegion: "--allow-unlisted-region",
    "`cloud`": "--cloud",
    storageAccountName: "--storage",
    containerRegistryName: "--container-registry",
    workspaceId: "--workspace-id",
};

/** Reads `--workspaces FILE`: a list of workspaces (YAML or JSON), or `{workspaces: [...]}`. */
export function readWorkspaces(file: string): WorkspaceSpec[] {
    let document: unknown;
    try {
        document = yaml.load(fs.readFileSync(file, "utf8"));
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new UsageError(
            code === "ENOENT"
                ? `--workspaces ${file}: file not found`
                : `--workspaces ${file}: not YAML or JSON (${(error as Error).message.split("\n")[0]})`,
        );
    }
    const list =
        document !== null && typeof document === "object" && !Array.isArray(document) && "workspaces" in document
            ? (document as { workspaces: unknown }).workspaces
            : document;
    if (!Array.isArray(list) || list.length === 0) {
        throw new UsageError(
            `--workspaces ${file}: expected a list of workspaces, each {name, storageAccountName, region, ` +
                "scenarios?, containerRegistryName?, workspaceId?} (the components' workspaces argument)",
        );
    }
    return list as WorkspaceSpec[];
}

/** The workspaces the flags name: `--workspaces FILE`, or the one of `--storage` and `--region`. */
export function workspacesOf(options: CatalogFlags): WorkspaceSpec[] {
    if (options.workspaces === undefined) {
        return [
            {
                name: "workspace",
                storageAccountName: options.storage!,
                region: options.region!,
                containerRegistryName: options.containerRegistry,
                workspaceId: options.workspaceId,
            },
        ];
    }
    const given = (["storage", "containerRegistry", "workspaceId"] as const).filter((k) => options[k] !== undefined);
    if (given.length) {
        const flag = { storage: "--storage", containerRegistry: "--container-registry", workspaceId: "--workspace-id" };
        throw new UsageError(
            `${flag[given[0]]}: give it per workspace in the --workspaces file (storageAccountName, ` +
                "containerRegistryName, workspaceId), not as a flag beside it",
        );
    }
    // --region is the default region of the workspaces that name none (as the components' region argument).
    return readWorkspaces(options.workspaces).map((ws) =>
        ws && typeof ws === "object" && ws.region === undefined && options.region
            ? { ...ws, region: options.region }
            : ws,
    );
}

/** The resolver's argument names, as the flags (or the --workspaces file's fields) that gave them. */
function flagOf(argument: string, file: string | undefined): string {
    if (file !== undefined) {
        return argument
            .replace(/^workspaces\[/, `--workspaces ${file}: workspaces[`)
            .replace(/^scenarios(\[\d+\])?$/, "--scenario");
    }
    return argument
        .replace(/^workspaces\[0\]\.storageAccountName$/, "--storage")
        .replace(/^workspaces\[0\]\.region$/, "--region")
        .replace(/^workspaces\[0\]\.containerRegistryName$/, "--container-registry")
        .replace(/^workspaces\[0\]\.workspaceId$/, "--workspace-id")
        .replace(/^scenarios(\[\d+\])?$/, "--scenario")
        .replace(/^configuration$/, "--configuration");
}

/** An error of the resolver (or a component's planner) about a catalog argument, as a usage error naming the flag. */
export function catalogUsageError(
    error: InputError,
    options: CatalogFlags,
    more: Record<string, string> = {},
): UsageError {
    const fromFile = options.workspaces !== undefined;
    const rename = fromFile && error.argument.startsWith("workspaces[") ? {} : { ...CATALOG_FLAGS, ...more };
    const argument = error.argument.replace(/\[\d+\]$/, "");
    return new UsageError(error.as(more[argument] ?? flagOf(error.argument, options.workspaces), rename));
}

/** Resolves the catalog for the flags; input errors become usage errors naming the flag. */
export function resolveHosts(options: CatalogFlags & { cloud: string }): {
    entries: HostEntry[];
    notes: string[];
    cloud: string;
} {
    const fromFile = options.workspaces !== undefined;
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
            workspaces: workspacesOf(options),
        });
        const entries = resolution.requirements.map((r) => {
            const { workspaces, ...rest } = r;
            return fromFile ? { ...rest, workspaces } : rest;
        });
        return { entries, notes: resolution.notes, cloud };
    } catch (error) {
        if (error instanceof InputError) {
            // Messages about the file's fields keep the fields' names; the others name the flags.
            throw catalogUsageError(error, options);
        }
        throw error;
    }
}

/** What the flags ask for: a requirements file, or the catalog resolved for the workspace(s). */
export function requirementsFor(options: CatalogFlags): Requirement[] {
    if (options.requirements) {
        if (options.cloud || options.storage || options.region || options.workspaces || options.scenario?.length) {
            throw new UsageError(
                "--requirements: give either --requirements FILE or --cloud with --storage/--region or " +
                    "--workspaces, not both",
            );
        }
        return readRequirements(options.requirements);
    }
    const missing = (options.workspaces ? (["cloud"] as const) : (["cloud", "storage", "region"] as const)).filter(
        (k) => !options[k],
    );
    if (missing.length) {
        throw new UsageError(
            `missing ${missing.map((k) => `--${k}`).join(", ")}: give --cloud, --storage and --region (or ` +
                `--cloud and --workspaces FILE, or --requirements FILE)`,
        );
    }
    return resolveHosts({ ...options, cloud: options.cloud! }).entries;
}
