/**
 * Policy pack start-up, whole processes, interleaved runs, medians: the installed pack, launched as the
 * Node language host launches it, prints its port within 2.5x the time `require('@pulumi/policy')`
 * takes in the same folder.
 */
import { spawn, spawnSync } from "child_process";
import * as path from "path";
import { performance } from "perf_hooks";
import { installPack } from "../helpers/installedPack";
import { median } from "./median";

/** Milliseconds from spawning the pack to reading its port on stdout. */
function timeToPort(pack: string): Promise<number> {
    const runner = path.join(pack, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");
    return new Promise((resolve, reject) => {
        const start = performance.now();
        const child = spawn(process.execPath, [runner, "127.0.0.1:1", pack], { cwd: pack });
        child.stdout.on("data", (chunk: Buffer) => {
            if (/^\d+\s*$/m.test(chunk.toString())) {
                resolve(performance.now() - start);
                child.kill();
            }
        });
        child.on("exit", (code) => reject(new Error(`the pack exited (${code}) before printing its port`)));
    });
}

function timeRequire(pack: string): number {
    const start = performance.now();
    const result = spawnSync(process.execPath, ["-e", "require('@pulumi/policy')"], { cwd: pack, stdio: "ignore" });
    if (result.status !== 0) {
        throw new Error("require('@pulumi/policy') failed in the installed pack");
    }
    return performance.now() - start;
}

export async function packBenchmarks(runs = 7): Promise<{ name: string; value: number; limit: number }[]> {
    const { pack, remove } = installPack();
    try {
        await timeToPort(pack); // warm the file cache
        timeRequire(pack);
        const port: number[] = [];
        const load: number[] = [];
        for (let i = 0; i < runs; i++) {
            port.push(await timeToPort(pack));
            load.push(timeRequire(pack));
        }
        const [toPort, required] = [median(port), median(load)];
        console.log(
            `require('@pulumi/policy'): ${required.toFixed(1)} ms; pack launch to port: ${toPort.toFixed(1)} ms; ` +
                `ratio ${(toPort / required).toFixed(2)}`,
        );
        return [
            { name: "policy pack launch to port / require('@pulumi/policy')", value: toPort / required, limit: 2.5 },
        ];
    } finally {
        remove();
    }
}
