/**
 * `diagnose` on Azure Firewall rows others wrote (test/fixtures/logs/public, sources in SOURCES.md), through
 * the real binary. Every verdict, count, first/last seen and exit code here was worked out by hand: the
 * workspace's storage is `testblobprod003` in eastus, and Microsoft's firewall article makes
 * `login.microsoftonline.com` and `<storage>.blob.core.windows.net` on HTTPS 443 core rows.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { splitCsv } from "../cli/logFiles";
import { eventOf } from "../components/diagnose/records";
import { isoTime } from "../components/diagnose/times";

const BIN = path.join(__dirname, "..", "bin", "azureml-firewall");
const PUBLIC = path.join(__dirname, "fixtures", "logs", "public");
const WS = ["--cloud", "public", "--storage", "testblobprod003", "--region", "eastus"];

interface Flow {
    verdict: string;
    destination: string;
    protocol: string;
    port: number;
    count: number;
    firstSeen: string;
    lastSeen: string;
    requirement?: { scenario: string };
}

function diagnose(file: string) {
    const run = spawnSync(
        process.execPath,
        [BIN, "diagnose", "--logs", path.resolve(PUBLIC, file), ...WS, "--format", "json"],
        {
            encoding: "utf8",
        },
    );
    assert.strictEqual(run.stderr, "", run.stderr);
    const out = JSON.parse(run.stdout);
    return {
        code: run.status,
        out,
        flows: (out.flows as Flow[]).map(
            (f) =>
                `${f.verdict} ${f.destination} ${f.protocol}/${f.port} x${f.count} ${f.firstSeen}..${f.lastSeen}` +
                (f.requirement ? ` (${f.requirement.scenario})` : ""),
        ),
    };
}

const BLOB =
    "testblobprod003.blob.core.windows.net HTTPS/443 x2 2025-11-21T20:12:33.2644700Z..2025-11-21T20:12:39.5117340Z";
const LOGIN = "login.microsoftonline.com HTTPS/443 x1 2025-11-21T20:12:33.5600520Z..2025-11-21T20:12:33.5600520Z";

describe("diagnose on public Azure Firewall samples", () => {
    it("AZFWApplicationRule as found (Sentinel sample data): 5 rows read and used, no denial, exit 0", () => {
        const { code, out } = diagnose("sentinel-AZFWApplicationRule.csv");
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(
            [out.summary.rows, out.summary.unreadable, out.summary.denied, out.flows],
            [5, 0, 0, []],
        );
    });

    it("two Azure ML hosts denied: both required, counted, first/last seen by instant (exit 1)", () => {
        const { code, flows, out } = diagnose("sentinel-AZFWApplicationRule.denied.csv");
        assert.strictEqual(code, 1);
        assert.deepStrictEqual(flows, [`required ${LOGIN} (core)`, `required ${BLOB} (core)`]);
        assert.deepStrictEqual([out.summary.denied, out.summary.required], [3, 2]);
    });

    it("the same rows saved with semicolons (Excel in many locales) give the same verdicts", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "diagnose-semicolons-"));
        const file = path.join(dir, "denied.csv");
        const lines = fs.readFileSync(path.join(PUBLIC, "sentinel-AZFWApplicationRule.denied.csv"), "utf8").split("\n");
        const quote = (cell: string) => `"${cell.replace(/"/g, '""')}"`;
        fs.writeFileSync(file, lines.map((l) => (l ? splitCsv(l.trimEnd()).map(quote).join(";") : l)).join("\n"));
        const { code, flows } = diagnose(file);
        fs.rmSync(dir, { recursive: true, force: true });
        assert.strictEqual(code, 1);
        assert.deepStrictEqual(flows, [`required ${LOGIN} (core)`, `required ${BLOB} (core)`]);
    });

    it("the same rows as an Event Hubs message give the same verdicts", () => {
        const { code, flows } = diagnose("eventhubs-AZFWApplicationRule.denied.json");
        assert.strictEqual(code, 1);
        assert.deepStrictEqual(flows, [`required ${LOGIN} (core)`, `required ${BLOB} (core)`]);
    });

    it("AZFWNetworkRule as found: three default denials, none to Azure ML (exit 0)", () => {
        const { code, flows } = diagnose("sentinel-AZFWNetworkRule.csv");
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(flows, [
            "unrelated 10.2.253.244 TCP/9090 x1 2025-11-21T20:12:25.3632550Z..2025-11-21T20:12:25.3632550Z",
            "unrelated 10.3.122.184 TCP/179 x1 2025-11-21T20:15:39.8269850Z..2025-11-21T20:15:39.8269850Z",
            "unrelated 203.0.113.36 UDP/53 x1 2025-11-21T20:12:44.4557270Z..2025-11-21T20:12:44.4557270Z",
        ]);
    });

    it("AZFWIdpsSignature as found: alerts set apart (its Category column is IDPS's own, not the table)", () => {
        const { code, out } = diagnose("sentinel-AZFWIdpsSignature.csv");
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(
            out.apart.map((a: { reason: string; count: number }) => `${a.reason} x${a.count}`),
            ["IDPS x1", "IDPS x1", "IDPS x1"],
        );
        assert.deepStrictEqual([out.summary.rows, out.summary.denied, out.summary.unreadable], [3, 0, 0]);
    });

    it("a Sentinel normalized (ASIM) NetworkSession export is read by its own columns, portal times as UTC", () => {
        const { code, flows, out } = diagnose("sentinel-asim-NetworkSession.csv");
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(flows, [
            "unrelated 13.89.231.38 TCP/443 x2 2025-07-18T08:44:14.962Z..2025-07-18T08:44:15.975Z",
            "unrelated 168.61.215.74 UDP/123 x1 2025-07-18T12:26:46.737Z..2025-07-18T12:26:46.737Z",
        ]);
        assert.strictEqual(out.summary.denied, 3);
    });

    it("legacy messages: padded protocols with Url, ICMP without ports, TLS without SNI in both forms", () => {
        const at = (second: number) => `2025-11-21T20:00:0${second}.0000000Z`;
        const { code, flows, out } = diagnose("legacy-messages.az.json");
        assert.strictEqual(code, 1);
        assert.deepStrictEqual(flows, [
            `required login.microsoftonline.com HTTPS/443 x1 ${at(8)}..${at(8)} (core)`,
            `unrelated 89.160.20.156 ICMP/0 x1 ${at(6)}..${at(6)}`,
            `unrelated au.download.windowsupdate.com HTTP/80 x1 ${at(2)}..${at(2)}`,
            `unrelated checkip.dyndns.org HTTP/80 x1 ${at(7)}..${at(7)}`,
            `unrelated md-zz400hv4xnwl.z32.blob.storage.azure.net HTTPS/443 x1 ${at(3)}..${at(3)}`,
        ]);
        assert.deepStrictEqual(out.apart, [
            {
                reason: "TLS without SNI",
                message: "no host name (TLS without SNI)",
                count: 2,
                sources: ["10.0.1.4", "10.0.1.5"],
            },
        ]);
        // Eight rows: one allowed, five denied flows, two without SNI; none unreadable.
        assert.deepStrictEqual([out.summary.rows, out.summary.denied, out.summary.unreadable], [8, 5, 0]);
    });
});

describe("diagnose on an open-source SIEM integration's Azure Firewall test records (Elastic)", () => {
    const apart = (out: { apart: { reason: string; count: number; message: string }[] }) =>
        out.apart.map((a) => `${a.reason} x${a.count}: ${a.message}`);

    it("legacy network lines: ICMP without ports, DNAT, IDPS drop/alert (an ICMP one with empty ports), TI", () => {
        const { code, flows, out } = diagnose("elastic/test-networkrules-raw.log");
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(flows, [
            "unrelated 89.160.20.156 ICMP/0 x2 2022-06-08T16:54:58.8492560Z..2026-05-07T15:45:12.3456789Z",
            "unrelated 89.160.20.156 TCP/1688 x1 2022-06-08T16:51:27.8692050Z..2022-06-08T16:51:27.8692050Z",
        ]);
        const from = "TCP request from 192.168.0.2";
        assert.deepStrictEqual(apart(out), [
            `DNAT x1: ${from}:50306 to 89.160.20.156:3388 was DNAT'ed to 10.0.0.2:3388. ` +
                "Rule Collection: DNAT. Rule: rule",
            `DNAT x1: ${from}:50306 to 89.160.20.156:3389 was DNAT'ed to 10.0.0.2:3389`,
            `DNAT x1: ${from}:50306 to 89.160.20.156:3389 was DNAT'ed to 10.0.0.2:3389. Policy: policy-01. ` +
                "Rule Collection Group: DefaultDnatRuleCollectionGroup. Rule Collection: DNAT. Rule: rule",
            "IDPS x1: ICMP request from 192.168.0.2: to 175.16.199.1:. Action: alert. Signature: 2100366. " +
                "IDS: ICMP_INFO PING *NIX. Priority: 3. Classification: Misc activity",
            `IDPS x1: ${from}:51890 to 175.16.199.1:443. Action: drop. Signature: 2028816. ` +
                "IDS: JA3 Hash - [Abuse.ch] Possible Tofsee. Priority: 3. Classification: Unknown Traffic",
            `IDPS x1: ${from}:54854 to 175.16.199.1:1521. Action: alert. Signature: 2102649. ` +
                "IDS: SQL service_name buffer overflow attempt. Priority: 1. " +
                "Classification: Attempted User Privilege Gain",
            "threat intelligence x1: HTTP request from 192.168.0.2:54314 to ocsp.sca1b.amazontrust.com:80. " +
                "Url: ocsp.sca1b.amazontrust.com. Action: Deny. ThreatIntel: Bot Networks",
        ]);
        // Twelve rows: two allowed, three denied flows, seven set apart; none unreadable.
        assert.deepStrictEqual([out.summary.rows, out.summary.denied, out.summary.unreadable], [12, 3, 0]);
    });

    it("legacy application lines: default denials read, SNI-less set apart, allowed ones counted", () => {
        const { code, flows, out } = diagnose("elastic/test-applicationrules-raw.log");
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(flows, [
            "unrelated instance01.westeurope.datafactory.azure.net HTTPS/443 x1 " +
                "2022-06-08T20:40:44.3716770Z..2022-06-08T20:40:44.3716770Z",
            "unrelated md-qp4jv5snxgk5.z13.blob.storage.azure.net HTTPS/443 x1 " +
                "2022-06-08T20:40:23.2140990Z..2022-06-08T20:40:23.2140990Z",
        ]);
        assert.deepStrictEqual(apart(out), ["TLS without SNI x1: no host name (TLS without SNI)"]);
        assert.deepStrictEqual([out.summary.rows, out.summary.denied, out.summary.unreadable], [6, 2, 0]);
    });

    it("DNS proxy rows (legacy and AZFWDnsQuery), NAT, threat intelligence and allowed rows: nothing to fix", () => {
        const files = {
            "test-dnsproxyrules-raw.log": { rows: 3, dns: 3, apart: [] },
            "test-dnsproxy-structured-raw.log": { rows: 2, dns: 2, apart: [] },
            "test-natrule-structured-raw.log": { rows: 2, dns: 0, apart: ["DNAT x1", "DNAT x1"] },
            "test-threatintel-raw.log": { rows: 1, dns: 0, apart: ["threat intelligence x1"] },
            "test-networkrule-structured-raw.log": { rows: 2, dns: 0, apart: [] },
            "test-applicationrules-structured-raw.log": { rows: 2, dns: 0, apart: [] },
        };
        for (const [file, expected] of Object.entries(files)) {
            const { code, out } = diagnose(`elastic/${file}`);
            const reasons = out.apart.map((a: { reason: string; count: number }) => `${a.reason} x${a.count}`);
            assert.deepStrictEqual(
                [code, out.summary.rows, out.summary.dns, out.summary.denied, out.summary.unreadable, reasons],
                [0, expected.rows, expected.dns, 0, 0, expected.apart],
                file,
            );
        }
    });

    it("rows of every time shape Azure has written are read (no time left unread)", () => {
        const { code, out } = diagnose("elastic/test-time-formats-corner-cases.log");
        // Records without properties: firewall rows of a known category with nothing to judge.
        assert.deepStrictEqual([code, out.summary.rows, out.summary.skipped, out.summary.unreadable], [0, 11, 11, 0]);
    });

    it("derived denials: an HTTP row named by its TargetUrl, a legacy deny of the workspace storage (exit 1)", () => {
        const { code, flows } = diagnose("elastic/derived-denials.log");
        assert.strictEqual(code, 1);
        assert.deepStrictEqual(flows, [
            "required testblobprod003.blob.core.windows.net HTTPS/443 x1 " +
                "2024-01-01T12:00:00.000Z..2024-01-01T12:00:00.000Z (core)",
            "unrelated www.microsoft.com HTTP/123 x1 2024-03-20T23:39:59.8494370Z..2024-03-20T23:39:59.8494370Z",
        ]);
    });
});

describe("diagnose on the messages an open-source firewall monitor quotes (azure-firewall-mon)", () => {
    it("the newer ICMP line with port 0 names the IP, not `13.107.4.50:0`; DNAT apart; DNS error skipped", () => {
        const { code, flows, out } = diagnose("firewall-mon-messages.jsonl");
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(flows, [
            "unrelated 13.107.4.50 ICMP/0 x1 2025-06-26T16:00:01.0000000Z..2025-06-26T16:00:01.0000000Z",
        ]);
        assert.deepStrictEqual(out.flows[0].kind, "ip");
        assert.deepStrictEqual(
            out.apart.map((a: { reason: string; count: number }) => `${a.reason} x${a.count}`),
            ["DNAT x1"],
        );
        const { rows, denied, dns, skipped, unreadable } = out.summary;
        assert.deepStrictEqual(
            { rows, denied, dns, skipped, unreadable },
            {
                rows: 5,
                denied: 1,
                dns: 1,
                skipped: 1,
                unreadable: 0,
            },
        );
    });
});

describe("Markdown for a ticket or a pull-request comment", () => {
    it("diagnose: what breaks Azure ML first, with the rule to add; unrelated denials folded", () => {
        const run = spawnSync(
            process.execPath,
            [BIN, "diagnose", "--logs", path.join(PUBLIC, "legacy-messages.az.json"), ...WS, "--format", "markdown"],
            { encoding: "utf8" },
        );
        assert.strictEqual(run.status, 1);
        const lines = run.stdout.split("\n");
        const breaks = lines.indexOf("### Breaks Azure ML: add these rules (1)");
        const unrelated = lines.indexOf("<details><summary>Unrelated denials (4)</summary>");
        assert.ok(breaks > 0 && unrelated > breaks, run.stdout);
        assert.strictEqual(
            lines[breaks + 4],
            "| login.microsoftonline.com | HTTPS | 443 | 1 | 2025-11-21T20:00:08.0000000Z | " +
                "2025-11-21T20:00:08.0000000Z | add application rule: login.microsoftonline.com Https:443 |",
        );
        assert.ok(lines.includes("- TLS without SNI (2x): no host name (TLS without SNI) from 10.0.1.4, 10.0.1.5"));
        assert.strictEqual(
            lines[2],
            "8 rows read (0 not understood), 5 denied (0 from other sources): **1 break Azure ML**, 0 matter only " +
                "for scenarios not chosen, 4 unrelated.",
        );
    });

    it("audit: the checks Azure ML lacks first, the allowed ones folded", () => {
        const fixtures = path.join(__dirname, "fixtures");
        const run = spawnSync(
            process.execPath,
            [
                BIN,
                "audit",
                "--rules",
                path.join(fixtures, "az-rcg-list.missing-445.json"),
                "--policy",
                path.join(fixtures, "az-policy.json"),
                ...["--cloud", "public", "--storage", "amlstore", "--region", "westeurope", "--source", "10.0.1.0/24"],
                "--format",
                "markdown",
            ],
            { encoding: "utf8" },
        );
        assert.strictEqual(run.status, 1);
        const lines = run.stdout.split("\n");
        const lacks = lines.indexOf("### Not allowed: what Azure ML lacks");
        assert.deepStrictEqual(lines.slice(lacks + 4, lacks + 6), [
            "| missing | amlstore.file.core.windows.net | TCP | 445 | no rule: default deny |",
            "| missing | Storage.WestEurope | TCP | 445 | no rule: default deny |",
        ]);
        assert.ok(lines.indexOf("<details><summary>Allowed (42)</summary>") > lacks);
    });
});

describe("log shapes from the Azure Monitor table reference", () => {
    it("reads an aggregation row as the number of flows it stands for", () => {
        // AZFWApplicationRuleAggregation columns: Action, ApplicationRuleCount, DestinationPort, Fqdn, Protocol,
        // SourceIp, TimeGenerated, Type (azure-reference-other, azure-monitor-ref/tables).
        assert.deepStrictEqual(
            eventOf({
                TimeGenerated: "2025-11-21T20:00:00Z",
                Type: "AZFWApplicationRuleAggregation",
                Action: "Deny",
                ApplicationRuleCount: "12",
                DestinationPort: "443",
                Fqdn: "login.microsoftonline.com",
                Protocol: "HTTPS",
                SourceIp: "10.0.1.4",
            }),
            {
                type: "flow",
                time: "2025-11-21T20:00:00Z",
                sourceIp: "10.0.1.4",
                destination: "login.microsoftonline.com",
                kind: "fqdn",
                protocol: "HTTPS",
                port: 443,
                action: "Deny",
                count: 12,
            },
        );
    });

    it("sets NAT, threat-intelligence and FQDN-resolution rows apart", () => {
        for (const [Type, reason] of [
            ["AZFWNatRule", "DNAT"],
            ["AZFWThreatIntel", "threat intelligence"],
            ["AZFWInternalFqdnResolutionFailure", "FQDN resolution failure"],
        ]) {
            const event = eventOf({ TimeGenerated: "2025-11-21 20:00:00", Type, SourceIp: "10.0.1.4" });
            assert.deepStrictEqual([event.type, (event as { reason: string }).reason], ["apart", reason], Type);
        }
    });

    it("writes every time shape as ISO-8601 UTC", () => {
        assert.deepStrictEqual(
            [
                "2025-11-21 20:11:29.3195690",
                "2025-11-21T20:11:29.3195690Z",
                "11/19/2026, 8:00:01.250 AM",
                "11/19/2026, 12:05:01.250 AM",
                "7/18/2025, 12:26:46.737 PM",
                "2025-11-21T21:11:29+01:00",
            ].map(isoTime),
            [
                "2025-11-21T20:11:29.3195690Z",
                "2025-11-21T20:11:29.3195690Z",
                "2026-11-19T08:00:01.250Z",
                "2026-11-19T00:05:01.250Z",
                "2025-07-18T12:26:46.737Z",
                "2025-11-21T20:11:29.000Z",
            ],
        );
    });
});
