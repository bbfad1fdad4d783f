/**
 * Plugin start-up, whole processes, medians: from launching the Pulumi plugin (as the Node language host
 * does) to its answer to GetSchema, which every `pulumi preview` and `up` of a program using the package
 * waits for. The host type-checks the sources and the analyzer builds a TypeScript program, so the
 * baseline is one `tsc --noEmit` over the same tsconfig.json: the plugin stays within 2x of it.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { performance } from "perf_hooks";
import { getSchema, startPlugin } from "../helpers/pluginHost";
import { median } from "./median";

const REPO = path.resolve(__dirname, "..", "..");

async function timeToSchema(): Promise<number> {
    const start = performance.now();
    const plugin = await startPlugin(REPO, "127.0.0.1:1");
    try {
        await getSchema(plugin);
        return performance.now() - start;
    } finally {
        plugin.stop();
    }
}

function timeTypecheck(): number {
    const tsc = require.resolve("typescript/bin/tsc", { paths: [REPO] });
    const start = performance.now();
    const result = spawnSync(process.execPath, [tsc, "--noEmit", "-p", "tsconfig.json"], {
        cwd: REPO,
        stdio: "ignore",
    });
    if (result.status !== 0) {
        throw new Error("tsc --noEmit failed");
    }
    return performance.now() - start;
}

export async function pluginBenchmarks(runs = 3): Promise<{ name: string; value: number; limit: number }[]> {
    const schema: number[] = [];
    const typecheck: number[] = [];
    for (let i = 0; i < runs; i++) {
        schema.push(await timeToSchema());
        typecheck.push(timeTypecheck());
    }
    const [toSchema, checked] = [median(schema), median(typecheck)];
    console.log(
        `tsc --noEmit: ${checked.toFixed(0)} ms; plugin launch to schema: ${toSchema.toFixed(0)} ms; ` +
            `ratio ${(toSchema / checked).toFixed(2)}`,
    );
    return [{ name: "plugin launch to GetSchema / tsc --noEmit", value: toSchema / checked, limit: 2 }];
}
