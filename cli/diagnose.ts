/** `diagnose`: which denials in Azure Firewall logs break Azure ML? */
import * as fs from "fs";
import * as readline from "readline";
import { LogEvent, eventOf } from "../components/diagnose/records";
import {
    Diagnoser,
    Diagnosis,
    DiagnosedFlow,
    DnsIndex,
    ServiceTagRanges,
    serviceTagRanges,
} from "../components/diagnose/verdict";
import type { Requirement } from "../components/requirements";
import { CatalogFlags, requirementsFor } from "./audit";
import { UsageError } from "./errors";
import { OutputOptions, paint, table } from "./format";
import { HostsOptions, resolveHosts } from "./hosts";
import { readJson, readText, unreadable } from "./inputs";
import { JsonArraySplitter } from "./jsonArray";

export interface DiagnoseOptions extends CatalogFlags {
    logs?: string[];
    source?: string[];
    serviceTags?: string;
    format: string;
}

/** Splits one CSV record (RFC 4180 quoting; a record on one line). */
export function splitCsv(line: string): string[] {
    const fields: string[] = [];
    let field = "";
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (quoted) {
            if (c === '"' && line[i + 1] === '"') {
                field += '"';
                i++;
            } else if (c === '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c === '"') {
            quoted = true;
        } else if (c === ",") {
            fields.push(field);
            field = "";
        } else {
            field += c;
        }
    }
    if (quoted) {
        throw new Error("a quoted field is not closed on this line");
    }
    fields.push(field);
    return fields;
}

/** Reads lines one at a time: JSON lines (`{` first) or CSV with a header. */
class LineReader {
    private header?: string[];
    private mode?: "jsonl" | "csv";

    constructor(
        private readonly emit: (event: LogEvent) => void,
        private readonly wanted: (line: string) => boolean = () => true,
    ) {}

    line(raw: string): void {
        const line = raw.trim();
        if (!line) {
            return;
        }
        this.mode = this.mode ?? (line.startsWith("{") ? "jsonl" : "csv");
        if ((this.mode === "jsonl" || this.header) && !this.wanted(line)) {
            return;
        }
        if (this.mode === "jsonl") {
            this.emit(eventOf(JSON.parse(line)));
        } else if (!this.header) {
            this.header = splitCsv(line);
        } else {
            const values = splitCsv(line);
            this.emit(eventOf(Object.fromEntries(this.header.map((name, i) => [name, values[i] ?? ""]))));
        }
    }
}

function where(file: string, line: number | undefined, error: unknown): UsageError {
    const at = line === undefined ? file : `${file}:${line}`;
    return new UsageError(`${at}: ${(error as Error).message}`);
}

function headOf(file: string): Buffer {
    try {
        const fd = fs.openSync(file, "r");
        const buffer = Buffer.alloc(4096);
        const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
        fs.closeSync(fd);
        return buffer.subarray(0, read);
    } catch (error) {
        throw unreadable(file, error);
    }
}

/** Feeds lines (a stream's, or a decoded text's) to `reader`, naming the file and line of a bad one. */
async function readLines(file: string, lines: AsyncIterable<string> | Iterable<string>, reader: LineReader) {
    let number = 0;
    for await (const line of lines) {
        number += 1;
        try {
            reader.line(number === 1 ? line.replace(/^\uFEFF/, "") : line);
        } catch (error) {
            throw where(file, number, error);
        }
    }
}

/**
 * Feeds the rows of one log file to `emit`; JSON arrays, JSON lines and CSV are streamed (UTF-16 files are
 * read whole). `wanted` is a cheap test on a row's text: rows it refuses are not parsed.
 */
export async function readLogFile(
    file: string,
    emit: (event: LogEvent) => void,
    wanted?: (line: string) => boolean,
): Promise<void> {
    const head = headOf(file);
    const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
    // UTF-16 (what Windows PowerShell 5.1 `>` writes) is decoded whole, up to the size limit.
    const text = utf16 ? readText(file) : undefined;
    const start = text ?? head.toString("utf8").replace(/^\uFEFF/, "");
    if (start.trimStart().startsWith("[")) {
        await readArray(
            file,
            text !== undefined ? [text] : fs.createReadStream(file, { encoding: "utf8" }),
            emit,
            wanted,
        );
    } else {
        const lines =
            text?.split(/\r?\n/) ??
            readline.createInterface({ input: fs.createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
        await readLines(file, lines, new LineReader(emit, wanted));
    }
}

/** A JSON array of rows, element by element, from the pieces of its text. */
async function readArray(
    file: string,
    pieces: AsyncIterable<string | Buffer> | Iterable<string>,
    emit: (event: LogEvent) => void,
    wanted?: (line: string) => boolean,
): Promise<void> {
    const splitter = new JsonArraySplitter();
    let first = true;
    let row = 0;
    try {
        for await (const piece of pieces) {
            const chunk = first ? String(piece).replace(/^\uFEFF/, "") : String(piece);
            first = false;
            splitter.feed(chunk, (text, index) => {
                row = index;
                if (!wanted || wanted(text)) {
                    emit(eventOf(JSON.parse(text)));
                }
            });
        }
        splitter.end();
    } catch (error) {
        throw new UsageError(`${file}: ${row ? `row ${row}: ` : ""}${(error as Error).message}`);
    }
}

/** What the chosen catalog needs and, to name scenarios, what every scenario of the cloud needs. */
function catalogs(options: DiagnoseOptions): { required: Requirement[]; offered?: Requirement[] } {
    const required = requirementsFor(options); // refuses an empty --requirements list
    if (options.requirements) {
        return { required };
    }
    // The catalog flags were checked by requirementsFor; the same flags with every scenario.
    const offered = resolveHosts({ ...(options as HostsOptions), allScenarios: true, format: "json" }).entries;
    return { required, offered };
}

function readServiceTags(file: string): ServiceTagRanges[] {
    try {
        return serviceTagRanges(readJson(file));
    } catch (error) {
        throw error instanceof UsageError ? error : where(file, undefined, error);
    }
}

/** First pass: the DNS proxy queries in the logs (only rows that can be DNS rows are parsed). */
async function dnsQueries(files: string[]): Promise<DnsIndex | undefined> {
    const index = new DnsIndex();
    const maybeDns = (line: string) => /QueryName|DNS Request/.test(line);
    for (const file of files) {
        await readLogFile(
            file,
            (event) => event.type === "dns" && index.add(event.sourceIp, event.time, event.name),
            maybeDns,
        );
    }
    return index.size ? index : undefined;
}

export async function diagnose(options: DiagnoseOptions): Promise<Diagnosis> {
    if (!options.logs?.length) {
        throw new UsageError("missing --logs FILE: give the firewall log export(s) to read");
    }
    const serviceTags = options.serviceTags ? readServiceTags(options.serviceTags) : undefined;
    const dns = await dnsQueries(options.logs);
    let diagnoser: Diagnoser;
    try {
        diagnoser = new Diagnoser({ ...catalogs(options), sources: options.source, serviceTags, dns });
    } catch (error) {
        throw error instanceof UsageError ? error : new UsageError((error as Error).message);
    }
    for (const file of options.logs) {
        await readLogFile(file, (event) => diagnoser.add(event));
    }
    return diagnoser.result();
}

function advice(flow: DiagnosedFlow): string {
    const dns = flow.resolvedFrom ? ` (name from DNS correlation; IP ${flow.resolvedFrom.ip})` : "";
    if (!flow.requirement) {
        return flow.serviceTag ? `in service tag ${flow.serviceTag}` : dns.trim();
    }
    const scenario = flow.verdict === "scenario" ? ` (if you use scenario ${flow.requirement.scenario})` : "";
    const [kind, rule, protocol] = flow.requirement.rule.split(" ");
    return `add ${kind} ${rule}: ${flow.requirement.destination} ${protocol}${scenario}${dns}`;
}

/** Why some verdicts may be too weak: IPs nothing could name. */
function notesOf(options: DiagnoseOptions, result: Diagnosis): string[] {
    const unnamed = result.flows.filter((f) => f.kind === "ip" && !f.serviceTag).length;
    if (!unnamed) {
        return [];
    }
    const how = options.serviceTags
        ? "they are in no tag of the Service Tags file given"
        : "give --service-tags ServiceTags_*.json (and send DNS proxy logs) to judge them";
    return [`${unnamed} IP destination(s) could not be named, so they count as unrelated: ${how}.`];
}

export async function runDiagnose(options: DiagnoseOptions, out: OutputOptions): Promise<number> {
    const diagnosis = await diagnose(options);
    const result = { ...diagnosis, notes: notesOf(options, diagnosis) };
    if (options.format === "json") {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
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
            const lines = result.apart.map((a) => `  - ${a.reason} (${a.count}x): ${a.message}`);
            process.stdout.write(`\nNot fixed by an allow rule:\n${lines.join("\n")}\n`);
        }
        if (result.notes.length) {
            process.stdout.write(`\nNotes:\n${result.notes.map((n) => `  - ${n}`).join("\n")}\n`);
        }
        const s = result.summary;
        process.stdout.write(
            `\n${s.rows} rows, ${s.denied} denied (${s.outsideSources} from other sources): ` +
                `${s.required} required, ${s.scenario} scenario, ${s.unrelated} unrelated\n`,
        );
    }
    return result.summary.required ? 1 : 0;
}
