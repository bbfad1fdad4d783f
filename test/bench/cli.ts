/**
 * CLI benchmarks, whole processes, interleaved runs, medians:
 * - `hosts` costs at most 4x a bare `node -e 0`;
 * - `audit` of the synthetic 10,000-rule policy costs at most 3x a node process that only reads and
 *   JSON.parses the same file.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { syntheticGroups } from "./synthetic";
import { median } from "./median";

const BIN = path.join(__dirname, "..", "..", "bin", "azureml-firewall");

function wall(args: string[]): number {
    const start = performance.now();
    const result = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
    const elapsed = performance.now() - start;
    if (result.status !== 0) {
        throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr}`);
    }
    return elapsed;
}

/** Runs the commands in turn, `runs` times each, and returns each one's median wall time. */
function compare(commands: string[][], runs: number): number[] {
    const samples = commands.map(() => [] as number[]);
    commands.forEach((c) => wall(c)); // warm the file cache
    for (let i = 0; i < runs; i++) {
        commands.forEach((c, j) => samples[j].push(wall(c)));
    }
    return samples.map(median);
}

export function cliBenchmarks(): { name: string; value: number; limit: number }[] {
    const [bare, hosts] = compare(
        [
            ["-e", "0"],
            [BIN, "hosts", "--cloud", "public", "--storage", "amlstore", "--region", "westeurope", "--format", "json"],
        ],
        11,
    );
    console.log(`node -e 0: ${bare.toFixed(1)} ms; hosts: ${hosts.toFixed(1)} ms; ratio ${(hosts / bare).toFixed(2)}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-bench-"));
    const file = path.join(dir, "rules.json");
    fs.writeFileSync(file, JSON.stringify(syntheticGroups(50)));
    const [parse, audit] = compare(
        [
            ["-e", `JSON.parse(require("fs").readFileSync(${JSON.stringify(file)}, "utf8"))`],
            [
                BIN,
                "audit",
                "--rules",
                file,
                "--cloud",
                "public",
                "--storage",
                "storea",
                "--region",
                "westeurope",
                "--all-scenarios",
                "--source",
                "10.0.1.0/24",
                "--dns-proxy",
                "on",
                "--format",
                "json",
            ],
        ],
        9,
    );
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(
        `read+parse process: ${parse.toFixed(1)} ms; audit process: ${audit.toFixed(1)} ms; ratio ` +
            `${(audit / parse).toFixed(2)}`,
    );
    return [
        { name: "hosts process / node -e 0", value: hosts / bare, limit: 4 },
        { name: "audit process (10,000 rules) / read+parse process", value: audit / parse, limit: 3 },
    ];
}
