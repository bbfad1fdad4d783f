/** `diagnose`: firewall logs in every supported shape, through the real binary, and the record reader. */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { JsonArraySplitter } from "../cli/jsonArray";
import { Row, eachLine, readLogFile } from "../cli/logFiles";
import { FlowEvent, ROW_FIELDS, RowError, eventOf, legacyMessage } from "../components/diagnose/records";
import { Diagnoser } from "../components/diagnose/verdict";

const BIN = path.join(__dirname, "..", "bin", "azureml-firewall");
const LOGS = path.join(__dirname, "fixtures", "logs");
const WS = ["--cloud", "public", "--storage", "stamlprod001", "--region", "westeurope"];
const TAGS = ["--service-tags", path.join(LOGS, "ServiceTags_Public.sample.json")];

function cli(...args: string[]) {
    const result = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function diagnose(file: string, ...args: string[]) {
    const run = cli("diagnose", "--logs", path.join(LOGS, file), ...WS, "--format", "json", ...args);
    assert.strictEqual(run.stderr, "", run.stderr);
    return { code: run.code, result: JSON.parse(run.stdout) };
}

function row(flow: any): string {
    const requirement = flow.requirement ? ` <- ${flow.requirement.destination} (${flow.requirement.scenario})` : "";
    const tag = flow.serviceTag ? ` [${flow.serviceTag}]` : "";
    return `${flow.verdict} ${flow.destination} ${flow.protocol}/${flow.port} x${flow.count}${tag}${requirement}`;
}

describe("diagnose", () => {
    it("judges resource-specific rows as az prints them, with sources, service tags and wildcards", () => {
        const { code, result } = diagnose("azfw.az.json", "--source", "10.30.1.0/24", ...TAGS);
        assert.strictEqual(code, 1);
        assert.deepStrictEqual(result.notes, [
            "1 IP destination(s) could not be named, so they count as unrelated: they are in no tag of the " +
                "Service Tags file given.",
        ]);
        assert.deepStrictEqual(result.flows.map(row), [
            "required 20.1.2.3 UDP/5831 x1 [AzureMachineLearning] <- AzureMachineLearning (core)",
            "required 20.60.40.7 TCP/445 x1 [Storage.WestEurope] <- Storage.WestEurope (core)",
            "required node1.westeurope.instances.azureml.ms HTTPS/443 x1 <- *.instances.azureml.ms (core)",
            "required stamlprod001.blob.core.windows.net HTTPS/443 x2 <- stamlprod001.blob.core.windows.net (core)",
            "scenario files.pythonhosted.org HTTPS/443 x1 <- *.pythonhosted.org (python)",
            "unrelated 203.0.113.9 TCP/22 x1",
            "unrelated www.example.com HTTPS/443 x1",
        ]);
        const blob = result.flows.find((f: any) => f.destination === "stamlprod001.blob.core.windows.net");
        assert.strictEqual(blob.firstSeen, "2026-11-20T10:00:01.2000000Z");
        assert.strictEqual(blob.lastSeen, "2026-11-20T10:00:05.1000000Z");
        assert.strictEqual(blob.kind, "fqdn");
        assert.deepStrictEqual(result.summary, {
            rows: 11,
            denied: 9,
            outsideSources: 1,
            flows: 7,
            required: 4,
            scenario: 1,
            unrelated: 2,
            dns: 1,
            unreadable: 0,
            apart: 0,
            skipped: 0,
        });
    });

    it("counts flows from every source when --source is not given", () => {
        const { result } = diagnose("azfw.az.json", ...TAGS);
        const blob = result.flows.find((f: any) => f.destination === "stamlprod001.blob.core.windows.net");
        assert.strictEqual(blob.count, 3);
        assert.strictEqual(result.summary.outsideSources, 0);
    });

    it("without a Service Tags file an IP is not named and cannot be judged required", () => {
        const { result } = diagnose("azfw.az.json", "--source", "10.30.1.0/24");
        const ip = result.flows.filter((f: any) => f.kind === "ip").map(row);
        assert.deepStrictEqual(result.notes, [
            "3 IP destination(s) could not be named, so they count as unrelated: give --service-tags " +
                "ServiceTags_*.json (and send DNS proxy logs) to judge them.",
        ]);
        assert.deepStrictEqual(ip, [
            "unrelated 20.1.2.3 UDP/5831 x1",
            "unrelated 20.60.40.7 TCP/445 x1",
            "unrelated 203.0.113.9 TCP/22 x1",
        ]);
    });

    it("reads the portal's CSV export (TimeGenerated [UTC])", () => {
        const { code, result } = diagnose("azfw-application.portal.csv", "--source", "10.30.1.0/24");
        assert.strictEqual(code, 1);
        assert.deepStrictEqual(result.flows.map(row), [
            "required node1.westeurope.instances.azureml.ms HTTPS/443 x1 <- *.instances.azureml.ms (core)",
            "required stamlprod001.blob.core.windows.net HTTPS/443 x2 <- stamlprod001.blob.core.windows.net (core)",
            "scenario files.pythonhosted.org HTTPS/443 x1 <- *.pythonhosted.org (python)",
            "unrelated www.example.com HTTPS/443 x1",
        ]);
        assert.strictEqual(result.flows[1].lastSeen, "2026-11-20T10:00:05.100Z");
    });

    it("orders first and last seen by instant across shapes that write times differently", () => {
        const { result } = diagnose(
            "azfw-application.portal.csv",
            "--logs",
            path.join(LOGS, "azure-diagnostics.az.json"),
            "--source",
            "10.30.1.0/24",
        );
        const blob = result.flows.find((f: any) => f.destination === "stamlprod001.blob.core.windows.net");
        assert.deepStrictEqual(
            [blob.count, blob.firstSeen, blob.lastSeen],
            [4, "2026-11-20T10:00:01Z", "2026-11-20T10:00:09Z"],
        );
        const missing = cli("diagnose", "--logs", path.join(LOGS, "absent.json"), ...WS);
        assert.deepStrictEqual(
            [missing.code, missing.stderr],
            [2, `azureml-firewall: ${path.join(LOGS, "absent.json")}: file not found\n`],
        );
    });

    it("reads legacy AzureDiagnostics msg_s rows and reports DNAT and threat-intel lines apart", () => {
        const { code, result } = diagnose("azure-diagnostics.az.json", ...TAGS);
        assert.strictEqual(code, 1);
        assert.deepStrictEqual(result.flows.map(row), [
            "required 20.1.2.3 UDP/5831 x1 [AzureMachineLearning] <- AzureMachineLearning (core)",
            "required stamlprod001.blob.core.windows.net HTTPS/443 x2 <- stamlprod001.blob.core.windows.net (core)",
        ]);
        assert.deepStrictEqual(
            result.apart.map((a: any) => `${a.reason} x${a.count}`),
            ["DNAT x1", "threat intelligence x1"],
        );
        assert.strictEqual(result.summary.denied, 3);
    });

    it("reads diagnostic-setting JSON lines in both structured and legacy categories", () => {
        const { code, result } = diagnose("archive.jsonl", ...TAGS);
        assert.strictEqual(code, 1);
        assert.deepStrictEqual(result.flows.map(row), [
            "required 20.60.40.7 TCP/445 x1 [Storage.WestEurope] <- Storage.WestEurope (core)",
            "required login.microsoftonline.com HTTPS/443 x2 <- login.microsoftonline.com (core)",
        ]);
        // The DNS proxy row names IPs; it is counted as such, not as skipped.
        assert.deepStrictEqual([result.summary.dns, result.summary.skipped], [1, 0]);
    });

    it("names an IP by the DNS query the same client made at most 2 s before (rows in any order)", () => {
        const { code, result } = diagnose("dns-correlation.az.json", ...TAGS);
        assert.strictEqual(code, 1);
        assert.deepStrictEqual(result.flows.map(row), [
            "required 20.1.2.3 UDP/5831 x1 [AzureMachineLearning] <- AzureMachineLearning (core)",
            "required ml.azure.com TCP/443 x1 <- ml.azure.com (core)",
            "required stamlprod001.file.core.windows.net TCP/445 x1 <- stamlprod001.file.core.windows.net (core)",
            "unrelated 198.51.100.20 TCP/8080 x1",
        ]);
        const named = result.flows.filter((f: any) => f.resolvedFrom);
        assert.deepStrictEqual(
            named.map((f: any) => [f.destination, f.kind, f.resolvedFrom, f.requirement.rule]),
            [
                ["ml.azure.com", "fqdn", { ip: "13.107.246.1", by: "dns-correlation" }, "application rule Https:443"],
                [
                    "stamlprod001.file.core.windows.net",
                    "fqdn",
                    { ip: "20.60.40.9", by: "dns-correlation" },
                    "network rule TCP/445",
                ],
            ],
        );
        const table = cli("diagnose", "--logs", path.join(LOGS, "dns-correlation.az.json"), ...WS);
        assert.match(
            table.stdout,
            /add network rule: stamlprod001\.file\.core\.windows\.net TCP\/445 \(name from DNS correlation; IP 20\.60\.40\.9\)/,
        );
    });

    it("of DNS queries in the same millisecond takes the greatest name, whatever the rows' order", () => {
        const name = (times: string[]) => {
            const diagnoser = new Diagnoser({ required: [] });
            const queries = times.map((time, i) => ({
                type: "dns" as const,
                time,
                sourceIp: "10.0.0.4",
                name: `n${i}`,
            }));
            [...queries].reverse().forEach((q) => diagnoser.add(q));
            diagnoser.add({
                type: "flow",
                time: "2026-11-20T10:00:01.0000000Z",
                sourceIp: "10.0.0.4",
                destination: "20.60.1.2",
                kind: "ip",
                protocol: "TCP",
                port: 445,
                action: "Deny",
            });
            return diagnoser.result().flows.map((f) => f.destination);
        };
        const sameMs = ["2026-11-20T10:00:00.5000001Z", "2026-11-20T10:00:00.5009999Z"];
        assert.deepStrictEqual(name(sameMs), ["n1"]);
        assert.deepStrictEqual(name([...sameMs].reverse()), ["n1"]);
        // A later millisecond wins over a greater name; a query after the flow or over 2 s before names nothing.
        assert.deepStrictEqual(name(["2026-11-20T10:00:00.501Z", "2026-11-20T10:00:00.500Z"]), ["n0"]);
        assert.deepStrictEqual(name(["2026-11-20T10:00:01.001Z", "2026-11-20T09:59:58.999Z"]), ["20.60.1.2"]);
    });

    it("exits 0 when no required flow is denied, and the table says what to add", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "diagnose-"));
        const file = path.join(dir, "ok.json");
        const rows = JSON.parse(fs.readFileSync(path.join(LOGS, "azfw.az.json"), "utf8"));
        fs.writeFileSync(file, JSON.stringify(rows.filter((r: any) => /pythonhosted|example/.test(r.Fqdn ?? ""))));
        const json = cli("diagnose", "--logs", file, ...WS, "--format", "json");
        assert.strictEqual(json.code, 0);
        const table = cli("diagnose", "--logs", file, ...WS);
        assert.strictEqual(table.code, 0);
        assert.match(
            table.stdout,
            /add application rule: \*\.pythonhosted\.org Https:443 \(if you use scenario python\)/,
        );
        assert.match(
            table.stdout,
            /2 rows read: 2 used, 0 not understood; 2 denied \(0 from other sources\): 0 required, 1 scenario, 1 unrelated/,
        );
        fs.rmSync(dir, { recursive: true });
    });

    it("names every scenario that needs a denied host, and says which selected scenario requires it", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "diagnose-"));
        const file = path.join(dir, "pypi.json");
        fs.writeFileSync(
            file,
            JSON.stringify([
                {
                    TimeGenerated: "2026-11-20T10:00:00Z",
                    Type: "AZFWApplicationRule",
                    SourceIp: "10.30.1.4",
                    Fqdn: "pypi.org",
                    DestinationPort: "443",
                    Protocol: "HTTPS",
                    Action: "Deny",
                },
            ]),
        );
        const unselected = cli("diagnose", "--logs", file, ...WS);
        assert.strictEqual(unselected.code, 0);
        assert.match(
            unselected.stdout,
            /add application rule: pypi\.org Https:443 \(if you use scenario python or kubernetes\)/,
        );
        const selected = cli("diagnose", "--logs", file, ...WS, "--scenario", "python");
        assert.strictEqual(selected.code, 1);
        assert.match(
            selected.stdout,
            /add application rule: pypi\.org Https:443 \(required by scenario python, which you use\)/,
        );
        fs.rmSync(dir, { recursive: true });
    });

    it("skips and counts an unreadable row, naming its file and line; --strict makes it exit 2", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "diagnose-"));
        const file = path.join(dir, "bad.jsonl");
        const good = fs.readFileSync(path.join(LOGS, "archive.jsonl"), "utf8").split("\n")[0];
        fs.writeFileSync(
            file,
            `${good}\n${JSON.stringify({
                time: "2026-11-20T10:00:00Z",
                category: "AZFWNetworkRule",
                properties: { DestinationIp: "1.2.3.4", DestinationPort: "99999" },
            })}\n`,
        );
        const run = cli("diagnose", "--logs", file, ...WS, "--format", "json");
        assert.deepStrictEqual([run.code, run.stderr], [1, ""]);
        const out = JSON.parse(run.stdout);
        assert.deepStrictEqual(out.unreadable, [
            {
                reason: "a port that is not a whole number from 0 to 65535",
                count: 1,
                first: [`${file}:2: DestinationPort "99999"`],
            },
        ]);
        assert.deepStrictEqual([out.summary.rows, out.summary.unreadable], [1, 1]);
        const table = cli("diagnose", "--logs", file, ...WS);
        assert.match(table.stdout, /Rows not understood \(skipped\):\n {2}- a port that is not a whole number/);
        assert.match(table.stdout, /2 rows read: 1 used, 1 not understood;/);
        const strict = cli("diagnose", "--logs", file, ...WS, "--strict");
        assert.strictEqual(strict.code, 2);
        assert.strictEqual(
            strict.stderr,
            "azureml-firewall: --strict: 1 row(s) could not be read " +
                "(a port that is not a whole number from 0 to 65535)\n",
        );
        const missing = cli("diagnose", ...WS);
        assert.strictEqual(missing.code, 2);
        assert.match(missing.stderr, /missing --logs FILE/);
        fs.rmSync(dir, { recursive: true });
    });

    it("reads UTF-16LE exports, JSON lines and JSON arrays (Windows PowerShell 5.1 redirection)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "diagnose-"));
        for (const [fixture, required] of [
            ["archive.jsonl", 2],
            ["azfw.az.json", 4],
        ] as const) {
            const file = path.join(dir, `utf16-${fixture}`);
            const text = fs.readFileSync(path.join(LOGS, fixture), "utf8");
            fs.writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
            const run = cli("diagnose", "--logs", file, ...WS, ...TAGS, "--format", "json");
            assert.strictEqual(run.code, 1, run.stderr);
            assert.strictEqual(JSON.parse(run.stdout).summary.required, required, fixture);
        }
        fs.rmSync(dir, { recursive: true });
    });
});

describe("diagnose records", () => {
    it("reads legacy application and network messages", () => {
        assert.deepStrictEqual(
            legacyMessage(
                "HTTP request from 10.0.0.4:5000 to Archive.Ubuntu.com.:80. Action: Deny. No rule matched.",
                "t",
            ),
            {
                type: "flow",
                time: "t",
                sourceIp: "10.0.0.4",
                destination: "archive.ubuntu.com",
                kind: "fqdn",
                protocol: "HTTP",
                port: 80,
                action: "Deny",
            },
        );
        assert.deepStrictEqual(legacyMessage("not a flow", "t"), undefined);
    });

    it("sets IDPS alerts apart and reads the URL form of application messages", () => {
        const idps =
            "TCP request from 10.30.1.4:40000 to 203.0.113.5:443. Action: Alert. Signature: 2008581. " +
            "IDS: ET P2P BitTorrent DHT ping request. Priority: 1. " +
            "Classification: Potential Corporate Privacy Violation";
        assert.deepStrictEqual(legacyMessage(idps, "t"), {
            type: "apart",
            time: "t",
            reason: "IDPS",
            message: idps,
            sourceIp: "10.30.1.4",
        });
        const url = legacyMessage(
            "HTTP request from 10.30.1.4:40000 to cloud.r-project.org:80. Url: cloud.r-project.org/src. Action: Deny.",
            "t",
        );
        assert.deepStrictEqual(
            [url?.type, (url as any).destination, (url as any).action],
            ["flow", "cloud.r-project.org", "Deny"],
        );
        assert.deepStrictEqual(
            eventOf({
                Category: "AzureFirewallDnsProxy",
                msg_s:
                    "DNS Request: 10.30.1.4:5350 - 10407 AAAA IN ML.Azure.com. " +
                    "udp 40 false 1232 NOERROR qr,rd,ra 56 0.0003s",
                TimeGenerated: "2026-11-20 10:00:00.1234567",
            }),
            { type: "dns", time: "2026-11-20T10:00:00.1234567Z", sourceIp: "10.30.1.4", name: "ml.azure.com" },
        );
    });

    it("refuses a row whose time is in no shape it reads, and takes a row without a time", () => {
        const row = { Type: "AZFWApplicationRule", Fqdn: "ml.azure.com", DestinationPort: 443, Action: "Deny" };
        assert.throws(
            () => eventOf({ ...row, TimeGenerated: "20.11.2026 10:00" }),
            (error: RowError) =>
                error.reason === "a time in no shape this tool reads (ISO-8601, Log Analytics', the portal's)" &&
                error.detail === '"20.11.2026 10:00"',
        );
        assert.strictEqual((eventOf(row) as FlowEvent).time, "");
    });

    it("reads a network rule row for ICMP without a port as port 0; any other row without one is unreadable", () => {
        const row = { Type: "AZFWNetworkRule", DestinationIp: "20.60.1.2", Action: "Deny", SourceIp: "10.30.1.4" };
        assert.deepStrictEqual(eventOf({ ...row, Protocol: "icmp" }), {
            type: "flow",
            time: "",
            sourceIp: "10.30.1.4",
            destination: "20.60.1.2",
            kind: "ip",
            protocol: "ICMP",
            port: 0,
            action: "Deny",
        });
        assert.throws(() => eventOf({ ...row, Protocol: "TCP" }), /a port that is not a whole number/);
    });

    it("reads empty legacy ports as ICMP's port 0 and as an unreadable port for any other protocol", () => {
        const icmp = legacyMessage("ICMP request from 10.0.0.4: to 20.60.1.2:. Action: Deny.", "t");
        assert.deepStrictEqual(
            [icmp?.type, (icmp as FlowEvent).protocol, (icmp as FlowEvent).port, (icmp as FlowEvent).action],
            ["flow", "ICMP", 0, "Deny"],
        );
        assert.throws(
            () => legacyMessage("TCP request from 10.0.0.4: to 20.60.1.2:. Action: Deny.", "t"),
            (error: RowError) => error.detail === 'msg ""',
        );
    });

    it("refuses a row that is not a firewall log row, saying why", () => {
        assert.throws(() => eventOf({ foo: "bar" }), /not an Azure Firewall log row/);
        assert.throws(() => eventOf({ msg_s: "hello" }), /a message that is not a firewall flow: "hello"/);
    });
});

describe("log lines and CSV records", () => {
    async function lines(chunks: string[]): Promise<string[]> {
        const out: string[] = [];
        await eachLine(
            (async function* () {
                yield* chunks;
            })(),
            (line) => out.push(line),
        );
        return out;
    }

    it("splits LF and CRLF lines across chunk boundaries, keeps empty lines, reads an unended last line", async () => {
        const text = "a,b\r\n\r\nc\nd\r\ne";
        for (const size of [1, 2, 3, text.length]) {
            const chunks: string[] = [];
            for (let i = 0; i < text.length; i += size) {
                chunks.push(text.slice(i, i + size));
            }
            assert.deepStrictEqual(await lines(chunks), ["a,b", "", "c", "d", "e"], `chunks of ${size}`);
        }
        assert.deepStrictEqual(await lines(["x\r\n"]), ["x"]);
        assert.deepStrictEqual(await lines([]), []);
    });

    it("gives each CSV record only its own cells: a cell empty here, filled on the row before, is absent", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "diagnose-csv-"));
        const file = path.join(dir, "rows.csv");
        fs.writeFileSync(file, 'Fqdn,DestinationIp,DestinationPort\r\na.example,,443\r\n,"10.0.0.1",445\r\n,,\r\n');
        const rows: Row[] = [];
        const shape = await readLogFile(file, {
            row: (row) => rows.push(Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined))),
            bad: (reason) => assert.fail(reason),
        });
        assert.deepStrictEqual(rows, [
            { Fqdn: "a.example", DestinationPort: "443" },
            { DestinationIp: "10.0.0.1", DestinationPort: "445" },
            {},
        ]);
        assert.deepStrictEqual(shape, {
            container: "csv",
            fields: ["Fqdn", "DestinationIp", "DestinationPort"],
            rows: 3,
        });
        fs.rmSync(dir, { recursive: true, force: true });
    });
});

describe("CSV records read for speed", () => {
    async function read(text: string, fields?: { has(column: string): boolean }) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "diagnose-csv-"));
        const file = path.join(dir, "rows.csv");
        fs.writeFileSync(file, text);
        const rows: Row[] = [];
        const bad: string[] = [];
        await readLogFile(
            file,
            {
                row: (row) => rows.push(Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined))),
                bad: (reason, at, detail) => bad.push(`${path.basename(at)} ${reason}: ${detail}`),
            },
            fields,
        );
        fs.rmSync(dir, { recursive: true, force: true });
        return { rows, bad };
    }

    it("keeps only the columns asked for, in records with and without quotes", async () => {
        const text = 'Fqdn,SourcePort,DestinationPort\na.example,50001,443\n"b.example","50002",445\n';
        const { rows, bad } = await read(text, { has: (column) => column !== "SourcePort" });
        assert.deepStrictEqual(rows, [
            { Fqdn: "a.example", DestinationPort: "443" },
            { Fqdn: "b.example", DestinationPort: "445" },
        ]);
        assert.deepStrictEqual(bad, []);
    });

    it("reads quoted cells as RFC 4180 does: commas and doubled quotes inside, empty quoted cells", async () => {
        const text = [
            "Fqdn,Action,DestinationPort",
            '"a.example","Deny","443"',
            '"b,example","say ""no""",""',
            '"","Allow",445',
            'c.example,"Deny",80',
            '"d.example",Deny,"8080"',
        ].join("\r\n");
        const { rows, bad } = await read(text);
        assert.deepStrictEqual(rows, [
            { Fqdn: "a.example", Action: "Deny", DestinationPort: "443" },
            { Fqdn: "b,example", Action: 'say "no"' },
            { Action: "Allow", DestinationPort: "445" },
            { Fqdn: "c.example", Action: "Deny", DestinationPort: "80" },
            { Fqdn: "d.example", Action: "Deny", DestinationPort: "8080" },
        ]);
        assert.deepStrictEqual(bad, []);
    });

    it("reads malformed quoting character by character, and an unclosed quote is an unreadable row", async () => {
        const text = ["Fqdn,Action", 'a"b"c,Deny', '"a"b,Deny', '"a.example,Deny', 'x"y,Deny'].join("\n");
        const { rows, bad } = await read(text);
        // A quote opens quoting wherever it stands; text after a closing quote joins the cell.
        assert.deepStrictEqual(rows, [
            { Fqdn: "abc", Action: "Deny" },
            { Fqdn: "ab", Action: "Deny" },
        ]);
        assert.deepStrictEqual(bad, [
            "rows.csv:4 not a CSV record: a quoted field is not closed on this line",
            "rows.csv:5 not a CSV record: a quoted field is not closed on this line",
        ]);
    });

    it("takes the separator from the header: semicolons (Excel in many locales), tabs (edge cells kept)", async () => {
        const header = "Fqdn;Action;DestinationPort\r\n";
        const semicolons = await read(`${header}"a;b.example";Deny;443\r\nc.example;;80\r\n`);
        assert.deepStrictEqual(semicolons, {
            rows: [
                { Fqdn: "a;b.example", Action: "Deny", DestinationPort: "443" },
                { Fqdn: "c.example", DestinationPort: "80" },
            ],
            bad: [],
        });
        const tabs = await read("Fqdn\tAction\tDestinationPort\n\tDeny\t443\nd.example\tAllow\t\n");
        assert.deepStrictEqual(tabs, {
            rows: [
                { Action: "Deny", DestinationPort: "443" },
                { Fqdn: "d.example", Action: "Allow" },
            ],
            bad: [],
        });
        // A comma in the header makes it comma-separated, whatever else it holds.
        const commas = await read("Fqdn,Action;x\na.example,Deny;y\n");
        assert.deepStrictEqual(commas.rows, [{ Fqdn: "a.example", "Action;x": "Deny;y" }]);
    });

    it("counts a record with fewer or more cells than the header as unreadable, and reads the next", async () => {
        const text = 'Fqdn,SourcePort,DestinationPort\na.example\nb.example,1,443,x\n"c.example",1,443,""\nd,,\n';
        const { rows, bad } = await read(text, { has: (column) => column !== "SourcePort" });
        assert.deepStrictEqual(rows, [{ Fqdn: "d" }]);
        assert.deepStrictEqual(bad, [
            "rows.csv:2 a CSV record whose cells do not match the header: 1 cell; the header has 3",
            "rows.csv:3 a CSV record whose cells do not match the header: 4 cells; the header has 3",
            "rows.csv:4 a CSV record whose cells do not match the header: 4 cells; the header has 3",
        ]);
    });
});

describe("JSON array streaming", () => {
    function split(text: string, size: number): string[] {
        const splitter = new JsonArraySplitter();
        const out: string[] = [];
        for (let i = 0; i < text.length; i += size) {
            splitter.feed(text.slice(i, i + size), (element) => out.push(element));
        }
        splitter.end();
        return out;
    }

    it("hands over each element whole, whatever the chunk boundaries, braces and quotes in strings", () => {
        const rows = [{ a: 'x}\\"]{', b: [1, { c: "]" }] }, { Fqdn: "h.example" }, {}];
        const text = JSON.stringify(rows, null, 2);
        for (const size of [1, 2, 3, 7, 64, text.length]) {
            assert.deepStrictEqual(
                split(text, size).map((t) => JSON.parse(t)),
                rows,
                `chunks of ${size}`,
            );
        }
        assert.deepStrictEqual(split("[]", 1), []);
    });

    it("refuses what is not an array of objects, naming the row", () => {
        assert.throws(() => split('{"a":1}', 4), /expected a JSON array of objects; found "\{" before the array/);
        assert.throws(() => split('[{"a":1}, 2]', 4), /found "2" at row 2/);
        assert.throws(() => split('[{"a":1}] x', 4), /found "x" after the array/);
        assert.throws(() => split('[{"a":1}, {"b":', 4), /the JSON array is not closed \(the file ends inside row 2\)/);
    });

    it("names the row of a bad element in a JSON array file and goes on; a file with no firewall row exits 2", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "diagnose-"));
        const file = path.join(dir, "bad.json");
        fs.writeFileSync(file, JSON.stringify([{ Fqdn: "a.example", DestinationPort: "443" }, { foo: 1 }]));
        const run = cli("diagnose", "--logs", file, ...WS, "--format", "json");
        assert.strictEqual(run.code, 0, run.stderr);
        assert.deepStrictEqual(JSON.parse(run.stdout).unreadable, [
            {
                reason: "not an Azure Firewall log row (no Fqdn, DestinationIp, msg_s, category or DvcAction)",
                count: 1,
                first: [`${file}:row 2: keys foo`],
            },
        ]);
        const none = path.join(dir, "none.json");
        fs.writeFileSync(none, JSON.stringify([{ foo: 1, bar: 2 }]));
        const nothing = cli("diagnose", "--logs", none, ...WS);
        assert.strictEqual(nothing.code, 2);
        assert.match(
            nothing.stderr,
            new RegExp(
                `^azureml-firewall: ${none.replace(/[.]/g, "\\.")}: none of its 1 rows is an Azure Firewall log row; ` +
                    "it is json-array with keys foo, bar; supported: ",
            ),
        );
        const empty = path.join(dir, "empty.csv");
        fs.writeFileSync(empty, "");
        const emptyRun = cli("diagnose", "--logs", empty, ...WS);
        assert.strictEqual(emptyRun.code, 2);
        assert.match(emptyRun.stderr, /empty\.csv: no rows \(empty\); supported: /);
        const headerOnly = path.join(dir, "header.csv");
        fs.writeFileSync(headerOnly, "TimeGenerated,Fqdn,Action\n");
        assert.match(cli("diagnose", "--logs", headerOnly, ...WS).stderr, /header\.csv: no rows \(a header only\)/);
        fs.rmSync(dir, { recursive: true });
    });
});

describe("the fields the record reader reads", () => {
    it("are all in ROW_FIELDS, for every row of every log fixture (so a CSV reader may keep only those)", async () => {
        const read = new Set<string>();
        const dir = path.join(__dirname, "fixtures", "logs");
        const files = (fs.readdirSync(dir, { recursive: true }) as string[])
            .map((f) => path.join(dir, f))
            .filter((f) => fs.statSync(f).isFile() && !/\.md$|ServiceTags/.test(f));
        assert.ok(files.some((f) => f.includes(`${path.sep}elastic${path.sep}`)));
        const watch = (row: Row): Row =>
            new Proxy(row, {
                get(target, key) {
                    if (typeof key === "string") {
                        read.add(key);
                    }
                    const value = target[key as string];
                    return value !== null && typeof value === "object" && !Array.isArray(value)
                        ? watch(value as Row)
                        : value;
                },
            });
        for (const file of files) {
            await readLogFile(file, {
                row: (row) => {
                    try {
                        eventOf(watch(row));
                    } catch {
                        // a row it cannot read still shows what it reads
                    }
                },
                bad: () => undefined,
            });
        }
        assert.ok(read.size > 20, [...read].join(", "));
        assert.deepStrictEqual(
            [...read].filter((k) => !ROW_FIELDS.has(k)),
            [],
        );
    });
});
