/**
 * `diagnose --print-query` and `diagnose --log-analytics-workspace`: the diagnose query (components/diagnose/kql.ts)
 * printed, or run through the az CLI (`az monitor log-analytics query`) when it is installed and logged in.
 * az is started without a shell, its arguments an array; the query carries flag values only as validated,
 * quoted literals. Without az, the message says what to run instead.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { QueryOptionError, diagnoseQuery } from "../components/diagnose/kql";
import { GUID } from "../components/requirements";
import { UsageError } from "./errors";

export interface QueryFlags {
    since?: string;
    firewall?: string[];
    source?: string[];
}

/** The query for the flags (default: the last 7 days, every firewall, every source). */
export function queryFor(flags: QueryFlags): string {
    try {
        return diagnoseQuery({ since: flags.since ?? "7d", firewalls: flags.firewall, sources: flags.source });
    } catch (error) {
        throw error instanceof QueryOptionError ? new UsageError(error.message) : error;
    }
}

/** The az command that runs the query in a workspace, as an argument array (no shell). */
export function azQueryArgs(workspaceId: string, query: string): string[] {
    return [
        "monitor",
        "log-analytics",
        "query",
        "--workspace",
        workspaceId,
        "--analytics-query",
        query,
        "--output",
        "json",
    ];
}

/**
 * Runs the query with az; gives the file its result was written to (a JSON array, the shape `diagnose`
 * reads) and the command, as it would be typed, for the output to name.
 */
export function runQuery(workspaceId: string, flags: QueryFlags, az = "az"): { file: string; command: string } {
    if (!GUID.test(workspaceId)) {
        throw new UsageError(
            `--log-analytics-workspace: ${JSON.stringify(workspaceId)} is not valid; the Log Analytics ` +
                "workspace's ID (a GUID, its customerId: az monitor log-analytics workspace show --query customerId)",
        );
    }
    const query = queryFor(flags);
    const shown =
        `az monitor log-analytics query --workspace ${workspaceId} --analytics-query @query.kql ` + "--output json";
    const run = spawnSync(az, azQueryArgs(workspaceId, query), {
        encoding: "utf8",
        maxBuffer: 1 << 28,
        shell: false,
    });
    if (run.error && (run.error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new UsageError(
            "--log-analytics-workspace needs the az CLI (not found). Without it: azureml-firewall diagnose " +
                "--print-query " +
                `> query.kql, then ${shown} > result.json, then azureml-firewall diagnose --logs result.json`,
        );
    }
    if (run.status !== 0) {
        const why = (run.stderr || String(run.error ?? "")).trim().split("\n").slice(-1)[0];
        throw new UsageError(`${shown} failed (exit ${run.status}): ${why}; az login, and check the workspace ID`);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "azureml-firewall-query-"));
    const file = path.join(dir, "result.json");
    fs.writeFileSync(file, run.stdout);
    return { file, command: shown };
}
