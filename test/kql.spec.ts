/**
 * `diagnose --print-query`: the KQL query is checked by Microsoft's own Kusto language service (it parses,
 * and it is semantically valid against the tables' schemas from the Azure Monitor table reference), for
 * every option combination; and the query's result, as `diagnose` reads it, gives the verdicts, counts and
 * first/last seen that the raw rows give. The aggregation is evaluated in TypeScript over the raw fixtures
 * (the query's steps: denied flows, the sources, DNS naming within 2 s, grouping), written as `az monitor
 * log-analytics query` prints a result (every value a string) and as the portal's CSV export.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { diagnoseQuery } from "../components/diagnose/kql";
import { AGGREGATE_MARKER, FlowEvent, LogEvent, eventOf } from "../components/diagnose/records";
import { DNS_WINDOW_MS } from "../components/diagnose/verdict";
import { timeMs } from "../components/diagnose/times";
import { contains, parseIpv4 } from "../components/net";
import { readLogFile } from "../cli/logFiles";

const ROOT = path.join(__dirname, "..");
const LOGS = path.join(__dirname, "fixtures", "logs");
const TABLES = require("./fixtures/kql/tables.json").tables as Record<string, [string, string][]>;

/** The Kusto language service with a database of the four tables. */
function kustoCode(query: string) {
    require("@kusto/language-service-next/bridge.min.js");
    require("@kusto/language-service-next/Kusto.Language.Bridge.min.js");
    const K = (globalThis as any).Kusto.Language;
    const S = K.Symbols;
    const type = (t: string) =>
        ({
            string: S.ScalarTypes.String,
            int: S.ScalarTypes.Int,
            datetime: S.ScalarTypes.DateTime,
            bool: S.ScalarTypes.Bool,
            real: S.ScalarTypes.Real,
        })[t];
    const tables = Object.entries(TABLES).map(
        ([name, columns]) =>
            new S.TableSymbol.$ctor4(
                name,
                columns.map(([c, t]) => new S.ColumnSymbol(c, type(t))),
            ),
    );
    const globals = K.GlobalState.Default.WithDatabase(new S.DatabaseSymbol.$ctor2("firewall-logs", null, tables));
    return K.KustoCode.ParseAndAnalyze(query, globals);
}

function kustoDiagnostics(query: string): { severity: string; message: string }[] {
    const diagnostics = kustoCode(query).GetDiagnostics();
    const out: { severity: string; message: string }[] = [];
    for (let i = 0; i < diagnostics.Count; i++) {
        const d = diagnostics.getItem(i);
        out.push({ severity: d.Severity, message: d.Message });
    }
    return out;
}

/** The catalog flags of the workspace the fixtures are about. */
const WORKSPACE = ["--cloud", "public", "--storage", "amlstore", "--region", "westeurope"];

const COMBINATIONS = [
    { since: "7d" },
    { since: "24h", firewalls: ["fw-hub"] },
    { since: "90m", sources: ["10.30.1.0/24", "10.30.2.5"] },
    { since: "30d", firewalls: ["fw-hub", "FW-Spoke.1"], sources: ["10.0.0.0/8"] },
];

/** Raw events of a fixture, in file order. */
async function eventsOf(file: string): Promise<LogEvent[]> {
    const events: LogEvent[] = [];
    await readLogFile(file, {
        row: (row) => {
            try {
                events.push(eventOf(row));
            } catch {
                // unreadable rows are not in the query either
            }
        },
        bad: () => undefined,
    });
    return events;
}

/** The query's aggregation, in TypeScript, over raw events: its result rows as `az` prints them. */
function aggregate(events: LogEvent[], sources: string[]): Record<string, string>[] {
    const ranges = sources.map((s) => parseIpv4(s)!.interval);
    const dns = events.filter((e): e is Extract<LogEvent, { type: "dns" }> => e.type === "dns");
    const flows = events.filter(
        (e): e is FlowEvent => e.type === "flow" && e.action.toLowerCase() === "deny" && (e.count ?? 1) === 1,
    );
    const groups = new Map<string, { row: Record<string, string>; first: string; last: string; count: number }>();
    for (const flow of flows) {
        const source = flow.sourceIp ? parseIpv4(flow.sourceIp)?.interval : undefined;
        if (ranges.length && !(source && ranges.some((r) => contains(r, source)))) {
            continue;
        }
        let kind = flow.kind;
        let destination = flow.destination;
        let ip = "";
        if (kind === "ip") {
            const at = timeMs(flow.time);
            const queries = dns.filter(
                (d) => d.sourceIp === flow.sourceIp && timeMs(d.time) <= at && at - timeMs(d.time) <= DNS_WINDOW_MS,
            );
            // The query's key: the millisecond, then the name (the greatest of one millisecond).
            const key = (d: (typeof queries)[number]) => `${new Date(timeMs(d.time)).toISOString()} ${d.name}`;
            const last = queries.reduce<(typeof queries)[number] | undefined>(
                (best, d) => (!best || key(d) > key(best) ? d : best),
                undefined,
            );
            if (last) {
                [kind, destination, ip] = ["fqdn", last.name, flow.destination];
            }
        }
        const key = [kind, destination, flow.protocol, flow.port].join("|");
        const group = groups.get(key) ?? {
            row: { Kind: kind, Destination: destination, Protocol: flow.protocol, Port: String(flow.port) },
            first: flow.time,
            last: flow.time,
            count: 0,
        };
        group.count += 1;
        group.first = timeMs(flow.time) < timeMs(group.first) ? flow.time : group.first;
        group.last = timeMs(flow.time) > timeMs(group.last) ? flow.time : group.last;
        group.row.Ip = ip > (group.row.Ip ?? "") ? ip : (group.row.Ip ?? "");
        groups.set(key, group);
    }
    return [...groups.values()].map((g) => ({
        ...g.row,
        Count: String(g.count),
        FirstSeen: new Date(timeMs(g.first)).toISOString(),
        LastSeen: new Date(timeMs(g.last)).toISOString(),
        Table: AGGREGATE_MARKER,
        TableName: "PrimaryResult",
    }));
}

function diagnoseJson(...args: string[]): any {
    const run = spawnSync(process.execPath, [path.join(ROOT, "bin", "azureml-firewall"), "diagnose", ...args], {
        encoding: "utf8",
    });
    assert.ok(run.status === 0 || run.status === 1, run.stderr);
    return JSON.parse(run.stdout);
}

/** What must agree: each flow's verdict, count, first and last seen (as instants), and the requirement. */
function verdicts(result: any): unknown[] {
    return result.flows.map((f: any) => [
        f.verdict,
        f.kind,
        f.destination,
        f.protocol,
        f.port,
        f.count,
        timeMs(f.firstSeen),
        timeMs(f.lastSeen),
        f.requirement?.destination ?? null,
        Boolean(f.resolvedFrom),
    ]);
}

/**
 * The query's `extract(@"...", 1, msg_s)` patterns by the column they set, from the text after `after`: run with
 * JavaScript's regular expressions, which read these patterns (classes, lazy and non-capturing groups) as RE2 does.
 */
function extracts(query: string, after: string): Record<string, RegExp> {
    const found: Record<string, RegExp> = {};
    for (const m of query.slice(query.indexOf(after)).matchAll(/(\w+) = [\w(]*?extract\(\s*@"([^"]*)", 1, msg_s\)/g)) {
        found[m[1]] ??= new RegExp(m[2]);
    }
    return found;
}

/** What the query's legacy legs make of one message: a denied flow, a DNS query, or nothing. */
function legacyByQuery(query: string, category: string, message: string) {
    const take = (re: RegExp | undefined) => (re ? (re.exec(message)?.[1] ?? "") : "");
    if (category.toLowerCase() === "azurefirewalldnsproxy") {
        const dns = extracts(query, "let dns");
        const sourceIp = take(dns.SourceIp);
        const name = take(dns.Name).toLowerCase().replace(/\.$/, "");
        return sourceIp && name ? { type: "dns", sourceIp, name } : undefined;
    }
    const leg = extracts(query, "let flows");
    const kept =
        /^deny$/i.test(take(leg.Action)) &&
        !/DNAT'ed/i.test(message) &&
        !/ThreatIntel/i.test(message) &&
        !message.includes(". Signature: ");
    const protocol = take(leg.Protocol).toUpperCase();
    const icmp = take(leg.Icmp);
    const portText = take(leg.Port);
    const port = icmp || (protocol === "ICMP" && !portText) ? 0 : portText ? Number(portText) : undefined;
    const destination = icmp || take(leg.Destination);
    if (!kept || !destination || port === undefined) {
        return undefined;
    }
    const ip = /^\d+\.\d+\.\d+\.\d+$/.test(destination);
    return {
        type: "flow",
        sourceIp: take(leg.SourceIp),
        destination: ip ? destination : destination.toLowerCase().replace(/\.$/, ""),
        kind: ip ? "ip" : "fqdn",
        protocol,
        port,
    };
}

describe("diagnose at tenant scale: the KQL query", function () {
    this.timeout(120000);

    it("parses and passes Kusto's semantic analysis against the tables' schemas, for every option combination", () => {
        for (const options of COMBINATIONS) {
            const query = diagnoseQuery(options);
            assert.deepStrictEqual(
                kustoDiagnostics(query).filter((d) => d.severity === "Error"),
                [],
                JSON.stringify(options),
            );
        }
        // The checker is live: a column the tables lack is an error.
        const broken = diagnoseQuery(COMBINATIONS[0]).replace("isnotempty(Fqdn)", "isnotempty(Fqdnn)");
        assert.match(kustoDiagnostics(broken).find((d) => d.severity === "Error")!.message, /Fqdnn/);
    });

    it("returns the columns diagnose reads, each of one type (a union leg of another type would split one)", () => {
        const columns = (query: string) => {
            const list = kustoCode(query).ResultType.Columns;
            return Array.from({ length: list.Count }, (_, i) => `${list.getItem(i).Name}:${list.getItem(i).Type.Name}`);
        };
        const expected = [
            "Kind:string",
            "Destination:string",
            "Protocol:string",
            "Port:int",
            "Count:long",
            "FirstSeen:datetime",
            "LastSeen:datetime",
            "Ip:string",
            "Table:string",
        ];
        for (const options of COMBINATIONS) {
            assert.deepStrictEqual(columns(diagnoseQuery(options)), expected, JSON.stringify(options));
        }
        // Live: a long 0 in the network rule leg makes Port's type unknown.
        const long = diagnoseQuery(COMBINATIONS[0]).replace(
            "int(0), toint(DestinationPort)",
            "0, toint(DestinationPort)",
        );
        assert.strictEqual(columns(long)[3], "Port:unknown");
    });

    it("reads every legacy message of the public samples as diagnose does (its patterns, run on them)", async () => {
        const query = diagnoseQuery(COMBINATIONS[0]);
        const dir = path.join(LOGS, "public");
        const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) =>
            /\.(json|jsonl|log)$/.test(f),
        );
        let messages = 0;
        for (const file of files) {
            await readLogFile(path.join(dir, file), {
                row: (row) => {
                    const properties = (row.properties ?? {}) as Record<string, unknown>;
                    const message = (row.msg_s ?? properties.msg) as string | undefined;
                    const category = String(row.Category ?? row.category ?? "");
                    if (typeof message !== "string") {
                        return;
                    }
                    messages += 1;
                    let event: LogEvent | undefined;
                    try {
                        event = eventOf(row);
                    } catch {
                        event = undefined;
                    }
                    const expected =
                        event?.type === "dns"
                            ? { type: "dns", sourceIp: event.sourceIp, name: event.name }
                            : event?.type === "flow" && /^deny$/i.test(event.action)
                              ? (({ type, sourceIp, destination, kind, protocol, port }) => ({
                                    type,
                                    sourceIp,
                                    destination,
                                    kind,
                                    protocol,
                                    port,
                                }))(event)
                              : undefined;
                    assert.deepStrictEqual(legacyByQuery(query, category, message), expected, `${file}: ${message}`);
                },
                bad: () => undefined,
            });
        }
        assert.ok(messages >= 25, `${messages} legacy messages read`);
    });

    it("takes flag values only as validated, quoted literals: nothing can inject query text", () => {
        assert.throws(() => diagnoseQuery({ since: "7d) | take 1 //" }), /--since: .* is not valid/);
        assert.throws(
            () => diagnoseQuery({ since: "7d", firewalls: ['fw" | take 1 //'] }),
            /--firewall: .* is not valid; a firewall's name/,
        );
        assert.throws(
            () => diagnoseQuery({ since: "7d", sources: ['10.0.0.0/8") or true'] }),
            /--source: .* is not valid/,
        );
        assert.match(
            diagnoseQuery({ since: "7d", firewalls: ["FW-Hub"] }),
            /^let firewalls = dynamic\(\["fw-hub"\]\);$/m,
        );
    });

    it("gives on the query's result the verdicts, counts and first/last seen of the raw rows", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-kql-"));
        const flags = [...WORKSPACE, "--format", "json"];
        const tags = ["--service-tags", path.join(LOGS, "ServiceTags_Public.sample.json")];
        try {
            const fixtures = [
                ...fs
                    .readdirSync(LOGS)
                    .filter((f) => !f.startsWith("ServiceTags"))
                    .map((f) => path.join(LOGS, f)),
                ...fs
                    .readdirSync(path.join(LOGS, "public"))
                    .filter((f) => !f.endsWith(".md"))
                    .map((f) => path.join(LOGS, "public", f)),
            ].filter((f) => fs.statSync(f).isFile());
            let compared = 0;
            for (const file of fixtures) {
                for (const sources of [[], ["10.0.0.0/8"]]) {
                    const rows = aggregate(await eventsOf(file), sources);
                    if (rows.length === 0) {
                        continue;
                    }
                    const asAz = path.join(dir, "result.json");
                    fs.writeFileSync(asAz, JSON.stringify(rows, null, 2));
                    const sourceFlags = sources.flatMap((s) => ["--source", s]);
                    const raw = diagnoseJson("--logs", file, ...flags, ...tags, ...sourceFlags);
                    const fromQuery = diagnoseJson("--logs", asAz, ...flags, ...tags);
                    assert.deepStrictEqual(verdicts(fromQuery), verdicts(raw), `${path.basename(file)} ${sources}`);
                    // The portal's CSV export of the same result: datetime columns as "<name> [UTC]" in its format.
                    const csv = path.join(dir, "result.csv");
                    const portal = (iso: string) => {
                        const d = new Date(iso);
                        const two = (n: number) => String(n).padStart(2, "0");
                        const hour = d.getUTCHours() % 12 || 12;
                        const clock = `${hour}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
                        const ms = String(d.getUTCMilliseconds()).padStart(3, "0");
                        const day = `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`;
                        return `${day}, ${clock}.${ms} ${d.getUTCHours() < 12 ? "AM" : "PM"}`;
                    };
                    const header = [
                        "Kind",
                        "Destination",
                        "Protocol",
                        "Port",
                        "Count",
                        "FirstSeen [UTC]",
                        "LastSeen [UTC]",
                        "Ip",
                        "Table",
                    ];
                    fs.writeFileSync(
                        csv,
                        [
                            header.join(","),
                            ...rows.map((r) =>
                                [
                                    r.Kind,
                                    r.Destination,
                                    r.Protocol,
                                    r.Port,
                                    r.Count,
                                    `"${portal(r.FirstSeen)}"`,
                                    `"${portal(r.LastSeen)}"`,
                                    r.Ip,
                                    r.Table,
                                ].join(","),
                            ),
                        ].join("\n"),
                    );
                    assert.deepStrictEqual(
                        verdicts(diagnoseJson("--logs", csv, ...flags, ...tags)),
                        verdicts(raw),
                        `${path.basename(file)} csv`,
                    );
                    compared += 1;
                }
            }
            assert.ok(compared >= 8, `compared ${compared} fixture runs`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("prints the query from the CLI, and runs it with az (no shell; the query one argument), then diagnoses", () => {
        const bin = path.join(ROOT, "bin", "azureml-firewall");
        const printed = spawnSync(process.execPath, [bin, "diagnose", "--print-query", "--since", "30d"], {
            encoding: "utf8",
        });
        assert.strictEqual(printed.status, 0, printed.stderr);
        assert.strictEqual(printed.stdout, diagnoseQuery({ since: "30d" }));
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-az-"));
        try {
            // A stand-in az: records its arguments, one per line, and prints a query result.
            const result = [
                {
                    Kind: "fqdn",
                    Destination: "amlstore.file.core.windows.net",
                    Protocol: "TCP",
                    Port: "445",
                    Count: "12",
                    FirstSeen: "2026-11-30T08:00:00.1234567Z",
                    LastSeen: "2026-12-01T09:30:00Z",
                    Ip: "20.60.1.5",
                    Table: AGGREGATE_MARKER,
                    TableName: "PrimaryResult",
                },
            ];
            fs.writeFileSync(path.join(dir, "result.json"), JSON.stringify(result));
            fs.writeFileSync(
                path.join(dir, "az"),
                "#!/usr/bin/env bash\n" +
                    `for a in "$@"; do printf '%s\\0' "$a"; done > ${JSON.stringify(path.join(dir, "args"))}\n` +
                    `cat ${JSON.stringify(path.join(dir, "result.json"))}\n`,
                { mode: 0o755 },
            );
            const workspace = "11111111-2222-3333-4444-555555555555";
            const run = spawnSync(
                process.execPath,
                [
                    bin,
                    "diagnose",
                    "--log-analytics-workspace",
                    workspace,
                    "--since",
                    "7d",
                    "--firewall",
                    "fw-hub",
                    ...WORKSPACE,
                    "--format",
                    "json",
                ],
                { encoding: "utf8", env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } },
            );
            assert.strictEqual(run.status, 1, run.stderr);
            assert.match(
                run.stderr,
                /^ran: az monitor log-analytics query --workspace 11111111-2222-3333-4444-555555555555 /,
            );
            const args = fs.readFileSync(path.join(dir, "args"), "utf8").split("\0").slice(0, -1);
            assert.deepStrictEqual(args, [
                "monitor",
                "log-analytics",
                "query",
                "--workspace",
                workspace,
                "--analytics-query",
                diagnoseQuery({ since: "7d", firewalls: ["fw-hub"] }),
                "--output",
                "json",
            ]);
            const json = JSON.parse(run.stdout);
            assert.deepStrictEqual(
                json.flows.map((f: any) => [
                    f.verdict,
                    f.destination,
                    f.port,
                    f.count,
                    f.firstSeen,
                    f.lastSeen,
                    f.resolvedFrom,
                ]),
                [
                    [
                        "required",
                        "amlstore.file.core.windows.net",
                        445,
                        12,
                        "2026-11-30T08:00:00.1234567Z",
                        "2026-12-01T09:30:00Z",
                        { ip: "20.60.1.5", by: "dns-correlation" },
                    ],
                ],
            );
            const bad = spawnSync(
                process.execPath,
                [bin, "diagnose", "--log-analytics-workspace", "x; rm -rf /", ...WORKSPACE],
                { encoding: "utf8" },
            );
            assert.strictEqual(bad.status, 2);
            assert.match(bad.stderr, /--log-analytics-workspace: "x; rm -rf \/" is not valid/);
            const mixed = spawnSync(process.execPath, [bin, "diagnose", "--print-query", "--logs", "x.json"], {
                encoding: "utf8",
            });
            assert.match(mixed.stderr, /--logs: --print-query only prints the query; give it without --logs/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
