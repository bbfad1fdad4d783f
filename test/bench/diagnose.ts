/**
 * `diagnose` on a 1,000,000-row diagnostic-setting archive (JSON lines: application, network and DNS
 * rows), whole processes:
 * - at most 2x a node process that streams the same lines and only JSON.parses each;
 * - the same rows as a CSV export (the resource-specific columns, one header): at most 2.5x a node process
 *   that streams the lines and only splits each at its commas;
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

/** The same rows as a Log Analytics CSV export. */
export function writeCsv(file: string): void {
    const out = fs.openSync(file, "w");
    fs.writeSync(out, `${CSV_COLUMNS.join(",")}\n`);
    let chunk: string[] = [];
    for (let i = 0; i < ROWS; i++) {
        const { time, category, properties } = JSON.parse(line(i));
        const row: Record<string, unknown> = { ...properties, TimeGenerated: time, Type: category };
        chunk.push(CSV_COLUMNS.map((c) => (row[c] === undefined ? "" : String(row[c]))).join(","));
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

export function diagnoseBenchmarks(): { name: string; value: number; limit: number }[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-bench-diagnose-"));
    const file = path.join(dir, "archive.jsonl");
    writeArchive(file);
    const probe = path.join(dir, "probe.js");
    fs.writeFileSync(
        probe,
        'process.on("exit", () => require("fs").writeSync(2, `maxrss=${process.resourceUsage().maxRSS}\\n`));\n',
    );
    const parser = path.join(dir, "parse.js");
    fs.writeFileSync(
        parser,
        `const input = require("fs").createReadStream(${JSON.stringify(file)}, { encoding: "utf8" });\n` +
            `const rl = require("readline").createInterface({ input, crlfDelay: Infinity });\n` +
            `(async () => { let n = 0; for await (const l of rl) { if (l) { JSON.parse(l); n++; } } })();\n`,
    );
    const csvFile = path.join(dir, "rows.csv");
    writeCsv(csvFile);
    const splitter = path.join(dir, "split.js");
    fs.writeFileSync(
        splitter,
        `const input = require("fs").createReadStream(${JSON.stringify(csvFile)}, { encoding: "utf8" });\n` +
            `const rl = require("readline").createInterface({ input, crlfDelay: Infinity });\n` +
            `(async () => { let n = 0; for await (const l of rl) { if (l) { l.split(","); n++; } } })();\n`,
    );
    const diagnose = [BIN, "diagnose", "--logs", file, "--cloud", "public", "--storage", "stamlbench"];
    const diagnoseCsv = [BIN, "diagnose", "--logs", csvFile, ...diagnose.slice(4)];
    const samples = {
        parse: [] as number[],
        diagnose: [] as number[],
        rss: [] as number[],
        split: [] as number[],
        csv: [] as number[],
    };
    for (let i = 0; i < 3; i++) {
        samples.parse.push(run([parser], probe).ms);
        const measured = run([...diagnose, "--region", "westeurope", "--format", "json"], probe);
        samples.diagnose.push(measured.ms);
        samples.rss.push(measured.rssMb);
        samples.split.push(run([splitter], probe).ms);
        samples.csv.push(run([...diagnoseCsv, "--region", "westeurope", "--format", "json"], probe).ms);
    }
    const array = path.join(dir, "rows.json");
    fs.writeFileSync(array, `[\n${fs.readFileSync(file, "utf8").trimEnd().split("\n").join(",\n")}\n]\n`);
    const arrayRss = run(
        [BIN, "diagnose", "--logs", array, ...diagnose.slice(4), "--region", "westeurope"],
        probe,
    ).rssMb;
    fs.rmSync(dir, { recursive: true, force: true });
    const parse = Math.min(...samples.parse);
    const took = Math.min(...samples.diagnose);
    const split = Math.min(...samples.split);
    const csvTook = Math.min(...samples.csv);
    const rss = Math.max(...samples.rss);
    console.log(
        `${ROWS} JSON lines: stream+JSON.parse ${parse.toFixed(0)} ms; diagnose ${took.toFixed(0)} ms; ` +
            `ratio ${(took / parse).toFixed(2)}; diagnose peak RSS ${rss.toFixed(0)} MB; CSV: stream+split ` +
            `${split.toFixed(0)} ms, diagnose ${csvTook.toFixed(0)} ms, ratio ${(csvTook / split).toFixed(2)}`,
    );
    return [
        { name: "diagnose process (1M JSON lines) / stream+JSON.parse process", value: took / parse, limit: 2 },
        { name: "diagnose process (1M CSV rows) / stream+split process", value: csvTook / split, limit: 2.5 },
        { name: "diagnose process (1M JSON lines) peak RSS, MB", value: rss, limit: 300 },
        { name: "diagnose process (1M rows, one JSON array) peak RSS, MB", value: arrayRss, limit: 300 },
    ];
}
