/** `hosts`: the resolved catalog for a cloud, storage account, region and scenarios. */
import { CATALOG_SOURCES } from "../components/catalog/data";
import { InputError } from "../components/errors";
import { Requirement, resolveRequirements, scenariosOffered } from "../components/requirements";
import { parseCloud } from "../components/clouds";
import { UsageError } from "./errors";
import { OutputOptions, csv, markdownTable, table } from "./format";

export interface HostsOptions {
    cloud: string;
    storage: string;
    region: string;
    scenario: string[];
    allScenarios?: boolean;
    configuration?: string;
    allowUnlistedRegion?: boolean;
    format: string;
}

type HostEntry = Omit<Requirement, "workspaces">;

/** Resolves the catalog for the flags; input errors become usage errors naming the flag. */
export function resolveHosts(options: HostsOptions): { entries: HostEntry[]; notes: string[]; cloud: string } {
    try {
        const cloud = parseCloud(options.cloud, "--cloud");
        const scenarios = options.allScenarios ? scenariosOffered(cloud) : options.scenario;
        const resolution = resolveRequirements({
            cloud,
            scenarios,
            configuration: options.configuration,
            allowUnlistedRegion: options.allowUnlistedRegion,
            workspaces: [{ name: "workspace", storageAccountName: options.storage, region: options.region }],
        });
        const entries = resolution.requirements.map(({ workspaces: _w, ...rest }) => rest);
        return { entries, notes: resolution.notes, cloud };
    } catch (error) {
        if (error instanceof InputError) {
            const flag = error.argument
                .replace(/^workspaces\[0\]\.storageAccountName$/, "--storage")
                .replace(/^workspaces\[0\]\.region$/, "--region")
                .replace(/^scenarios(\[\d+\])?$/, "--scenario")
                .replace(/^configuration$/, "--configuration");
            throw new UsageError(error.as(flag));
        }
        throw error;
    }
}

const HEAD = ["Destination", "Kind", "Protocol", "Ports", "App protocol", "Service tags", "Scenario", "Doc section"];

function rows(entries: HostEntry[]): string[][] {
    return entries.map((e) => [
        e.destination,
        e.kind,
        e.protocol,
        e.ports.join(", "),
        e.appProtocol ?? "",
        (e.serviceTags ?? []).join(", "),
        e.scenario ?? "",
        e.source ?? "",
    ]);
}

export function runHosts(options: HostsOptions, out: OutputOptions): number {
    const { entries, notes, cloud } = resolveHosts(options);
    const source = CATALOG_SOURCES[0];
    switch (options.format) {
        case "json":
            process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
            notes.forEach((n) => process.stderr.write(`note: ${n}\n`));
            break;
        case "csv":
            process.stdout.write(`${csv(HEAD, rows(entries))}\n`);
            notes.forEach((n) => process.stderr.write(`note: ${n}\n`));
            break;
        case "markdown": {
            const scenarios = options.allScenarios
                ? "all offered"
                : options.scenario.length
                  ? options.scenario.join(", ")
                  : "none (required rows only)";
            process.stdout.write(
                [
                    `## Azure Machine Learning egress: ${cloud}, region ${options.region.toLowerCase()}, storage ` +
                        `account ${options.storage}`,
                    "",
                    `Scenarios: ${scenarios}. Allow outbound from the Azure ML compute subnets to:`,
                    "",
                    markdownTable(HEAD, rows(entries)),
                    "",
                    "Notes:",
                    "",
                    ...notes.map((n) => `- ${n}`),
                    "",
                    `Source: ${source.repository} \`${source.path}\` (commit ${source.commit.slice(0, 8)}, ` +
                        `${source.msDate}).`,
                    "",
                ].join("\n"),
            );
            break;
        }
        default:
            process.stdout.write(
                `${table(
                    HEAD.slice(0, 7),
                    rows(entries).map((r) => r.slice(0, 7)),
                    out,
                )}\n`,
            );
            if (notes.length) {
                process.stdout.write(`\nNotes:\n${notes.map((n) => `  - ${n}`).join("\n")}\n`);
            }
    }
    return 0;
}
