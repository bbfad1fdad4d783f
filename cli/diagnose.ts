/** `diagnose`: which denials in Azure Firewall logs break Azure ML? */
import { LogEvent, ROW_FIELDS, RowError, eventOf } from "../components/diagnose/records";
import {
    ApartGroup,
    Diagnoser,
    Diagnosis,
    DiagnosedFlow,
    ServiceTagRanges,
    serviceTagRanges,
} from "../components/diagnose/verdict";
import { InputError } from "../components/errors";
import type { Requirement } from "../components/requirements";
import { CatalogFlags, requirementsFor, resolveHosts } from "./catalogFlags";
import { queryFor, runQuery } from "./logQuery";
import { UsageError } from "./errors";
import { OutputOptions, markdownTable, paint, table } from "./format";
import { readJson } from "./inputs";
import { FileShape, Place, Row, located, readLogFile } from "./logFiles";

export interface DiagnoseOptions extends CatalogFlags {
    logs?: string[];
    /** Print the diagnose query and stop. */
    printQuery?: boolean;
    /** Run the diagnose query in this Log Analytics workspace (az CLI), then read its result. */
    logAnalyticsWorkspace?: string;
    since?: string;
    firewall?: string[];
    source?: string[];
    serviceTags?: string;
    /** Any unreadable row fails the run (exit 2). */
    strict?: boolean;
    format: string;
}

/** How many unreadable rows of a reason to locate in the output. */
const LOCATED = 3;

export interface UnreadableRows {
    reason: string;
    count: number;
    /** The first few, `file:line: detail`. */
    first: string[];
}

/** Counts unreadable rows by reason, with the first few places of each. */
class Unreadable {
    private readonly byReason = new Map<string, UnreadableRows>();

    add(reason: string, at: string, detail: string): void {
        const entry = this.byReason.get(reason) ?? { reason, count: 0, first: [] };
        entry.count += 1;
        if (entry.first.length < LOCATED) {
            entry.first.push(`${at}: ${detail}`);
        }
        this.byReason.set(reason, entry);
    }

    get total(): number {
        return [...this.byReason.values()].reduce((n, e) => n + e.count, 0);
    }

    list(): UnreadableRows[] {
        return [...this.byReason.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
    }
}

const SUPPORTED =
    "supported: Azure Firewall rows of AZFWApplicationRule, AZFWNetworkRule, AZFWDnsQuery, AZFWNatRule, " +
    "AZFWThreatIntel, AZFWIdpsSignature, AZFWInternalFqdnResolutionFailure and the *Aggregation tables (Fqdn / " +
    "DestinationIp, DestinationPort, Action), legacy AzureDiagnostics rows (msg_s), diagnostic-setting archives " +
    "(time, category, properties), Event Hubs messages (records), and Sentinel's normalized NetworkSession / " +
    "WebSession exports (DstIpAddr / DstFqdn / Url, DstPortNumber, DvcAction); as a JSON array, JSON lines or " +
    "CSV with a header (separated by commas, semicolons or tabs)";

/** Exit 2 for a file that gives nothing to judge: empty, or not one row understood. */
function checkUsable(file: string, shape: FileShape, used: number): void {
    if (shape.rows === 0 && used === 0) {
        throw new UsageError(
            `${file}: no rows (${shape.container === "csv" ? "a header only" : "empty"}); ${SUPPORTED}`,
        );
    }
    if (used === 0) {
        const fields = shape.fields.slice(0, 12).join(", ") + (shape.fields.length > 12 ? ", ..." : "");
        throw new UsageError(
            `${file}: none of its ${shape.rows} rows is an Azure Firewall log row; it is ${shape.container} ` +
                `with ${shape.container === "csv" ? "columns" : "keys"} ${fields || "(none)"}; ${SUPPORTED}`,
        );
    }
}

/**
 * Reads one log file into `emit`, row by row: a row that is not a firewall row, or not readable, is
 * counted in `unreadable` and skipped. Returns how many rows were used.
 */
export async function readLogEvents(
    file: string,
    emit: (event: LogEvent) => void,
    unreadable: Unreadable,
): Promise<{ shape: FileShape; used: number }> {
    let used = 0;
    const shape = await readLogFile(
        file,
        {
            row(row: Row, at: string, place: Place) {
                let event: LogEvent;
                try {
                    event = eventOf(row);
                } catch (error) {
                    const { reason, detail } = rowProblem(error);
                    unreadable.add(reason, located(at, place), detail);
                    return;
                }
                used += 1;
                emit(event);
            },
            bad: (reason, at, detail) => unreadable.add(reason, at, detail),
        },
        ROW_FIELDS,
    );
    return { shape, used };
}

/** What the chosen catalog needs and, to name scenarios, what every scenario of the cloud needs. */
function catalogs(options: DiagnoseOptions): { required: Requirement[]; offered?: Requirement[] } {
    const required = requirementsFor(options); // refuses an empty --requirements list
    if (options.requirements) {
        return { required };
    }
    // The catalog flags were checked by requirementsFor; the same flags with every scenario.
    const offered = resolveHosts({ ...options, cloud: options.cloud!, allScenarios: true }).entries;
    return { required, offered };
}

function readServiceTags(file: string): ServiceTagRanges[] {
    try {
        return serviceTagRanges(readJson(file));
    } catch (error) {
        throw error instanceof UsageError ? error : new UsageError(`${file}: ${(error as Error).message}`);
    }
}

/** The reason and detail of a row that could not be read. */
function rowProblem(error: unknown): { reason: string; detail: string } {
    return error instanceof RowError
        ? { reason: error.reason, detail: error.detail }
        : { reason: (error as Error).message, detail: "" };
}

export async function diagnose(
    options: DiagnoseOptions,
): Promise<Diagnosis & { unreadable: UnreadableRows[]; sourceNotes: string[] }> {
    if (!options.logs?.length) {
        throw new UsageError("missing --logs FILE: give the firewall log export(s) to read");
    }
    const serviceTags = options.serviceTags ? readServiceTags(options.serviceTags) : undefined;
    let diagnoser: Diagnoser;
    try {
        diagnoser = new Diagnoser({ ...catalogs(options), sources: options.source, serviceTags });
    } catch (error) {
        if (error instanceof InputError && error.argument.startsWith("sources[")) {
            throw new UsageError(error.as("--source"));
        }
        throw error instanceof UsageError ? error : new UsageError((error as Error).message);
    }
    const unreadable = new Unreadable();
    for (const file of options.logs) {
        const { shape, used } = await readLogEvents(file, (event) => diagnoser.add(event), unreadable);
        checkUsable(file, shape, used);
    }
    const result = diagnoser.result();
    return {
        ...result,
        summary: { ...result.summary, unreadable: unreadable.total },
        unreadable: unreadable.list(),
        sourceNotes: diagnoser.sourceNotes,
    };
}

function advice(flow: DiagnosedFlow): string {
    const dns = flow.resolvedFrom ? ` (name from DNS correlation; IP ${flow.resolvedFrom.ip})` : "";
    if (!flow.requirement) {
        return flow.serviceTag ? `in service tag ${flow.serviceTag}` : dns.trim();
    }
    const scenarios = flow.requirement.scenarios;
    const scenario =
        flow.verdict === "scenario"
            ? ` (if you use scenario ${scenarios.join(" or ")})`
            : scenarios.includes("core")
              ? ""
              : ` (required by scenario ${scenarios.join(" or ")}, which you use)`;
    const [kind, rule, protocol] = flow.requirement.rule.split(" ");
    return `add ${kind} ${rule}: ${flow.requirement.destination} ${protocol}${scenario}${dns}`;
}

/** Why some verdicts may be too weak: IPs nothing could name; and how the sources were read. */
function notesOf(options: DiagnoseOptions, result: Diagnosis & { sourceNotes?: string[] }): string[] {
    const unnamed = result.flows.filter((f) => f.kind === "ip" && !f.serviceTag).length;
    if (!unnamed) {
        return result.sourceNotes ?? [];
    }
    const how = options.serviceTags
        ? "they are in no tag of the Service Tags file given"
        : "give --service-tags ServiceTags_*.json (and send DNS proxy logs) to judge them";
    return [
        ...(result.sourceNotes ?? []),
        `${unnamed} IP destination(s) could not be named, so they count as unrelated: ${how}.`,
    ];
}

/** A group of decisions no allow rule changes, in one line. */
function apartLine(a: ApartGroup): string {
    return `${a.reason} (${a.count}x): ${a.message}${a.sources ? ` from ${a.sources.join(", ")}` : ""}`;
}

/** The diagnosis as Markdown for a ticket or a pull-request comment: what breaks Azure ML first. */
export function diagnosisMarkdown(result: Diagnosis & { unreadable: UnreadableRows[]; notes: string[] }): string {
    const s = result.summary;
    const section = (title: string, verdict: DiagnosedFlow["verdict"], empty: string) => {
        const flows = result.flows.filter((f) => f.verdict === verdict);
        return [
            `### ${title} (${flows.length})`,
            "",
            flows.length
                ? markdownTable(
                      ["Destination", "Protocol", "Port", "Count", "First seen", "Last seen", "What to do"],
                      flows.map((f) => [
                          f.destination,
                          f.protocol,
                          String(f.port),
                          String(f.count),
                          f.firstSeen,
                          f.lastSeen,
                          advice(f),
                      ]),
                  )
                : empty,
            "",
        ];
    };
    return [
        `## Azure Firewall denials and Azure Machine Learning`,
        "",
        `${s.rows + s.unreadable} rows read (${s.unreadable} not understood), ${s.denied} denied ` +
            `(${s.outsideSources} from other sources): **${s.required} break Azure ML**, ${s.scenario} matter only ` +
            `for scenarios not chosen, ${s.unrelated} unrelated.`,
        "",
        ...section("Breaks Azure ML: add these rules", "required", "Nothing the chosen catalog needs was denied."),
        ...section("Needed only by scenarios not chosen", "scenario", "None."),
        "<details><summary>Unrelated denials (" +
            result.flows.filter((f) => f.verdict === "unrelated").length +
            ")</summary>",
        "",
        ...section("Unrelated", "unrelated", "None.").slice(2),
        "</details>",
        "",
        ...(result.apart.length
            ? ["### Not fixed by an allow rule", "", ...result.apart.map((a) => `- ${apartLine(a)}`), ""]
            : []),
        ...(result.unreadable.length
            ? [
                  "### Rows not understood (skipped)",
                  "",
                  ...result.unreadable.map((u) => `- ${u.reason}: ${u.count} row(s), first at ${u.first.join("; ")}`),
                  "",
              ]
            : []),
        ...(result.notes.length ? ["### Notes", "", ...result.notes.map((n) => `- ${n}`), ""] : []),
    ].join("\n");
}

/** `--print-query`: the KQL query; the catalog and log flags have no effect there, so they are refused. */
export function printQuery(options: DiagnoseOptions): number {
    const ignored = (["logs", "workspaceId", "requirements", "serviceTags"] as const).filter(
        (k) => options[k] !== undefined,
    );
    if (ignored.length) {
        const flag = {
            logs: "--logs",
            workspaceId: "--workspace-id",
            requirements: "--requirements",
            serviceTags: "--service-tags",
        };
        throw new UsageError(
            `${flag[ignored[0]]}: --print-query only prints the query; give it without ${flag[ignored[0]]}`,
        );
    }
    process.stdout.write(queryFor(options));
    return 0;
}

export async function runDiagnose(options: DiagnoseOptions, out: OutputOptions): Promise<number> {
    if (options.logAnalyticsWorkspace !== undefined) {
        if (options.logs?.length) {
            throw new UsageError(
                "--log-analytics-workspace: give either it (the query's result is read) or --logs, not both",
            );
        }
        const { file, command } = runQuery(options.logAnalyticsWorkspace, options);
        process.stderr.write(`ran: ${command}\n`);
        options = { ...options, logs: [file] };
    } else if (options.since !== undefined || options.firewall !== undefined) {
        throw new UsageError(
            "--since and --firewall choose what the query reads: give them with --print-query or " +
                "--log-analytics-workspace",
        );
    }
    const diagnosis = await diagnose(options);
    const result = { ...diagnosis, notes: notesOf(options, diagnosis) };
    if (options.format === "json") {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else if (options.format === "markdown") {
        process.stdout.write(diagnosisMarkdown(result));
    } else {
        const colour = { required: "red", scenario: "yellow", unrelated: "green" } as const;
        const rows = result.flows.map((f) => [
            paint(out, colour[f.verdict], f.verdict),
            f.destination,
            f.protocol,
            String(f.port),
            String(f.count),
            f.lastSeen,
            advice(f),
        ]);
        const head = ["Verdict", "Destination", "Protocol", "Port", "Count", "Last seen", "What to do"];
        process.stdout.write(`${table(head, rows, out)}\n`);
        if (result.apart.length) {
            const lines = result.apart.map((a) => `  - ${apartLine(a)}`);
            process.stdout.write(`\nNot fixed by an allow rule:\n${lines.join("\n")}\n`);
        }
        if (result.unreadable.length) {
            const lines = result.unreadable.flatMap((u) => [
                `  - ${u.reason}: ${u.count} row(s)`,
                ...u.first.map((at) => `      ${at}`),
            ]);
            process.stdout.write(`\nRows not understood (skipped):\n${lines.join("\n")}\n`);
        }
        if (result.notes.length) {
            process.stdout.write(`\nNotes:\n${result.notes.map((n) => `  - ${n}`).join("\n")}\n`);
        }
        const s = result.summary;
        process.stdout.write(
            `\n${s.rows + s.unreadable} rows read: ${s.rows} used, ${s.unreadable} not understood; ` +
                `${s.denied} denied (${s.outsideSources} from other sources): ` +
                `${s.required} required, ${s.scenario} scenario, ${s.unrelated} unrelated\n`,
        );
    }
    if (options.strict && result.summary.unreadable) {
        process.stderr.write(
            `azureml-firewall: --strict: ${result.summary.unreadable} row(s) could not be read ` +
                `(${result.unreadable.map((u) => u.reason).join("; ")})\n`,
        );
        return 2;
    }
    return result.summary.required ? 1 : 0;
}
