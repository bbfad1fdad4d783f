/** Tables: fitted to the terminal on a terminal (boxed, wrapped), plain aligned text in a pipe or a file. */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { fittedWidths, table } from "../cli/format";

const HEAD = ["Status", "Destination", "Protocol", "Port", "Decided by"];
const ROWS = [
    ["allowed", "*.westeurope.service.batch.azure.com", "TCP", "443", "aml / aml-application / https-443"],
    ["missing", "stamlprod001.file.core.windows.net", "TCP", "445", "(no rule: default deny)"],
    ["allowed", "login.microsoftonline.com", "TCP", "80", "aml / aml-application / http-80-https-443\nsecond line"],
];

/** The cells of a boxed table, each column's wrapped pieces joined back. */
function cellsOf(boxed: string): string[][] {
    const lines = boxed.split("\n").filter((l) => l.startsWith("│"));
    const rows: string[][] = [];
    for (const line of lines) {
        const cells = line
            .split("│")
            .slice(1, -1)
            .map((c) => c.trim());
        const continuation = cells[0] === "" && rows.length > 0;
        if (continuation) {
            cells.forEach((c, i) => (rows[rows.length - 1][i] += c ? (rows[rows.length - 1][i] ? "\n" : "") + c : ""));
        } else {
            rows.push(cells);
        }
    }
    return rows;
}

describe("tables", () => {
    it("fits each line of a boxed table in the width, wrapping without losing a character (but spaces)", () => {
        for (const width of [60, 80, 100, 200]) {
            const boxed = table(HEAD, ROWS, { color: false, width });
            for (const line of boxed.split("\n")) {
                assert.ok(line.length <= width, `${width}: ${line.length} > ${width}: ${line}`);
            }
            const back = cellsOf(boxed).slice(1);
            ROWS.forEach((row, r) =>
                row.forEach((cell, c) =>
                    assert.strictEqual(
                        back[r][c].replace(/\s/g, ""),
                        cell.replace(/\s/g, ""),
                        `width ${width}, row ${r}, column ${c}`,
                    ),
                ),
            );
        }
    });

    it("keeps narrow columns whole and shares the rest among the wide ones", () => {
        assert.deepStrictEqual(fittedWidths([7, 36, 8, 4, 40], 200), [9, 38, 10, 6, 42]);
        assert.deepStrictEqual(fittedWidths([7, 36, 8, 4, 40], 80), [9, 24, 10, 6, 25]);
    });

    it("writes plain aligned text without a terminal: one line per row, a cell's lines joined", () => {
        const plain = table(HEAD, ROWS, { color: false });
        assert.deepStrictEqual(plain.split("\n"), [
            "Status   Destination                           Protocol  Port  Decided by",
            "allowed  *.westeurope.service.batch.azure.com  TCP       443   aml / aml-application / https-443",
            "missing  stamlprod001.file.core.windows.net    TCP       445   (no rule: default deny)",
            "allowed  login.microsoftonline.com             TCP       80    " +
                "aml / aml-application / http-80-https-443, second line",
        ]);
    });

    it("boxes and fits the CLI's table on a terminal of 70 columns", function () {
        if (spawnSync("script", ["--version"]).status !== 0) {
            this.skip();
        }
        const bin = path.join(__dirname, "..", "bin", "azureml-firewall");
        const fixtures = path.join(__dirname, "fixtures");
        const command =
            `stty cols 70; "${process.execPath}" "${bin}" --no-color audit ` +
            `--rules ${fixtures}/az-rcg-list.missing-445.json --policy ${fixtures}/az-policy.json ` +
            "--cloud public --storage amlstore --region westeurope";
        const out = spawnSync("script", ["-qc", command, "/dev/null"], { encoding: "utf8" }).stdout;
        const lines = out.split(/\r?\n/).filter((l) => l.startsWith("│") || l.startsWith("┌"));
        assert.ok(lines.length > 40, out.slice(0, 400));
        assert.ok(
            lines.every((l) => l.length <= 70),
            lines.find((l) => l.length > 70),
        );
    });
});
