/**
 * `diagnose` on a 1,000,000-row diagnostic-setting archive (JSON lines: application, network and DNS
 * rows), whole processes:
 * - at most 2x a node process that streams the same lines and only JSON.parses each;
 * - the same rows as a CSV export (the resource-specific columns, one header), plain and with every cell
 *   quoted: each at most 2.5x a node process that streams the same file's lines and only splits each at
 *   its commas;
 * - peak RSS of the diagnose process under 300 MB (the file is several hundred MB: it is streamed), and
 *   the same for the same rows as one JSON array (the shape `az monitor log-analytics query` prints).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";

const BIN = path.join(__dirname, "..", "..", "bin", "azureml-firewall");
const ROWS = 1_000_000;
const RESOURCE =
    "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/RG-NET/PROVIDERS/" +
    "MICROSOFT.NETWORK/AZUREFIREWALLS/FW-HUB";
const HOSTS = ["stamlbench.blob.core.windows.net", "login.microsoftonline.com", "pypi.org", "www.example.com"];

function line(i: number): string {
    const time = new Date(Date.UTC(2026, 10, 20) + i * 10).toISOString();
    const client = `10.30.${(i >> 8) & 3}.${i & 255}`;
    if (i % 20 === 0) {
        const properties = { SourceIp: client, QueryName: `${HOSTS[i % 4]}.`, QueryType: "A", ResponseCode: "NOERROR" };
        return JSON.stringify({ time, resourceId: RESOURCE, category: "AZFWDnsQuery", properties });
    }
    if (i % 3 === 0) {
        const properties = {
            Protocol: i % 2 ? "UDP" : "TCP",
            SourceIp: client,
            SourcePort: 40000 + (i % 1000),
            DestinationIp: `20.60.${i % 7}.${i % 200}`,
            DestinationPort: i % 2 ? 5831 : 445,
            Action: "Deny",
            ActionReason: "Default Action",
        };
        return JSON.stringify({ time, resourceId: RESOURCE, category: "AZFWNetworkRule", properties });
    }
    const properties = {
        Protocol: "HTTPS",
        SourceIp: client,
        SourcePort: 50000 + (i % 1000),
        DestinationPort: 443,
        Fqdn: `n${i % 500}.${HOSTS[i % 4]}`,
        Action: i % 5 ? "Deny" : "Allow",
        ActionReason: "Default Action",
    };
    return JSON.stringify({ time, resourceId: RESOURCE, category: "AZFWApplicationRule", properties });
}

/** The CSV columns of the rows: the resource-specific tables' fields, `Type` naming the table. */
const CSV_COLUMNS = [
    "TimeGenerated",
    "Type",
    "Protocol",
    "SourceIp",
    "SourcePort",
    "DestinationIp",
    "DestinationPort",
    "Fqdn",
    "Action",
    "ActionReason",
    "QueryName",
    "QueryType",
    "ResponseCode",
];

/**
 * The same rows as a CSV export: cells as Log Analytics writes them, or every cell quoted (`quoted`), as
 * Sentinel's sample exports and Azure Data Explorer write them.
 */
export function writeCsv(file: string, quoted = false): void {
    const cell = quoted ? (text: string) => `"${text.replace(/"/g, '""')}"` : (text: string) => text;
    const out = fs.openSync(file, "w");
    fs.writeSync(out, `${CSV_COLUMNS.map(cell).join(",")}\n`);
    let chunk: string[] = [];
    for (let i = 0; i < ROWS; i++) {
        const { time, category, properties } = JSON.parse(line(i));
        const row: Record<string, unknown> = { ...properties, TimeGenerated: time, Type: category };
        chunk.push(CSV_COLUMNS.map((c) => cell(row[c] === undefined ? "" : String(row[c]))).join(","));
        if (chunk.length === 10000) {
            fs.writeSync(out, `${chunk.join("\n")}\n`);
            chunk = [];
        }
    }
    fs.closeSync(out);
}

export function writeArchive(file: string): void {
    const out = fs.openSync(file, "w");
    let chunk: string[] = [];
    for (let i = 0; i < ROWS; i++) {
        chunk.push(line(i));
        if (chunk.length === 10000) {
            fs.writeSync(out, `${chunk.join("\n")}\n`);
            chunk = [];
        }
    }
    fs.closeSync(out);
}

/** Runs a node process; returns its wall time and the peak RSS it reports on exit. */
function run(args: string[], probe: string): { ms: number; rssMb: number } {
    const start = performance.now();
    const result = spawnSync(process.execPath, ["-r", probe, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
    const ms = performance.now() - start;
    if (result.status !== 0 && result.status !== 1) {
        throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}`);
    }
    const rss = /maxrss=(\d+)/.exec(result.stderr);
    return { ms, rssMb: rss ? Number(rss[1]) / 1024 : NaN };
}

/** A node script that streams `file`'s lines with readline and only does `work` (an expression of `l`) on each. */
function baseline(dir: string, name: string, file: string, work: string): string {
    const script = path.join(dir, name);
    fs.writeFileSync(
        script,
        `const input = require("fs").createReadStream(${JSON.stringify(file)}, { encoding: "utf8" });\n` +
            `const rl = require("readline").createInterface({ input, crlfDelay: Infinity });\n` +
            `(async () => { let n = 0; for await (const l of rl) { if (l) { ${work}; n++; } } })();\n`,
    );
    return script;
}

/** The fastest of three runs of each command, run in turn (each round runs every command once). */
function fastest(commands: Record<string, string[]>, probe: string): Record<string, { ms: number; rssMb: number }> {
    const best: Record<string, { ms: number; rssMb: number }> = {};
    for (let round = 0; round < 3; round++) {
        for (const [name, args] of Object.entries(commands)) {
            const { ms, rssMb } = run(args, probe);
            best[name] = {
                ms: Math.min(ms, best[name]?.ms ?? Infinity),
                rssMb: Math.max(rssMb, best[name]?.rssMb ?? 0),
            };
        }
    }
    return best;
}

export function diagnoseBenchmarks(): { name: string; value: number; limit: number }[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-bench-diagnose-"));
    const probe = path.join(dir, "probe.js");
    fs.writeFileSync(
        probe,
        'process.on("exit", () => require("fs").writeSync(2, `maxrss=${process.resourceUsage().maxRSS}\\n`));\n',
    );
    const files = { lines: "archive.jsonl", csv: "rows.csv", quoted: "quoted.csv" };
    const [lines, csv, quoted] = Object.values(files).map((name) => path.join(dir, name));
    writeArchive(lines);
    writeCsv(csv);
    writeCsv(quoted, true);
    const flags = ["--cloud", "public", "--storage", "stamlbench", "--region", "westeurope", "--format", "json"];
    const diagnose = (file: string) => [BIN, "diagnose", "--logs", file, ...flags];
    const t = fastest(
        {
            parse: [baseline(dir, "parse.js", lines, "JSON.parse(l)")],
            lines: diagnose(lines),
            split: [baseline(dir, "split.js", csv, 'l.split(",")')],
            csv: diagnose(csv),
            splitQuoted: [baseline(dir, "split-quoted.js", quoted, 'l.split(",")')],
            quoted: diagnose(quoted),
        },
        probe,
    );
    const array = path.join(dir, "rows.json");
    fs.writeFileSync(array, `[\n${fs.readFileSync(lines, "utf8").trimEnd().split("\n").join(",\n")}\n]\n`);
    const arrayRss = run(diagnose(array), probe).rssMb;
    fs.rmSync(dir, { recursive: true, force: true });
    const against = (label: string, base: string, baseMs: number, ms: number) =>
        `${label}: ${base} ${baseMs.toFixed(0)} ms, diagnose ${ms.toFixed(0)} ms (${(ms / baseMs).toFixed(2)}x)`;
    console.log(
        [
            `${ROWS} rows, diagnose peak RSS ${t.lines.rssMb.toFixed(0)} MB (JSON lines)`,
            against("JSON lines", "stream+JSON.parse", t.parse.ms, t.lines.ms),
            against("CSV", "stream+split", t.split.ms, t.csv.ms),
            against("CSV, every cell quoted", "stream+split", t.splitQuoted.ms, t.quoted.ms),
        ].join("; "),
    );
    return [
        {
            name: "diagnose process (1M JSON lines) / stream+JSON.parse process",
            value: t.lines.ms / t.parse.ms,
            limit: 2,
        },
        { name: "diagnose process (1M CSV rows) / stream+split process", value: t.csv.ms / t.split.ms, limit: 2.5 },
        {
            name: "diagnose process (1M CSV rows, every cell quoted) / stream+split process",
            value: t.quoted.ms / t.splitQuoted.ms,
            limit: 2.5,
        },
        { name: "diagnose process (1M JSON lines) peak RSS, MB", value: t.lines.rssMb, limit: 300 },
        { name: "diagnose process (1M rows, one JSON array) peak RSS, MB", value: arrayRss, limit: 300 },
    ];
}
