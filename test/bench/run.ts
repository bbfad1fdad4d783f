/**
 * `npm run bench`: speed targets, measured in one process (the median of several samples, each long enough
 * to time and starting from a collected heap).
 * - evaluating the 10,000-rule policy for three workspaces with every scenario costs at most 2x its JSON.parse;
 * - the 100,000-rule evaluation costs at most 12x the 10,000-rule evaluation;
 * - the CLI (./cli.ts), diagnose on 1M log rows (./diagnose.ts), the policy pack's start-up (./pack.ts) and the Pulumi
 *   plugin's (./plugin.ts).
 * Exits 1 when a target is missed.
 */
import { performance } from "perf_hooks";
import { median } from "./median";
import { evaluateCoverage } from "../../components/coverage/evaluate";
import { BENCH_SOURCES, benchPlan, syntheticGroups } from "./synthetic";
import { cliBenchmarks } from "./cli";
import { diagnoseBenchmarks } from "./diagnose";
import { packBenchmarks } from "./pack";
import { pluginBenchmarks } from "./plugin";

/** Collects garbage left by earlier runs (with --expose-gc), so each sample measures its own work. */
const collect: () => void = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** How long one sample runs at least: a figure of a few milliseconds is timed over many calls. */
const SAMPLE_MS = 250;

/**
 * Milliseconds per call of `fn`: the median of `samples` samples, each timing as many calls as fill
 * SAMPLE_MS (calibrated on a warm-up call), each from a collected heap. Noise of one short call cannot
 * move it, and a figure's target holds run after run.
 */
function time(samples: number, fn: () => unknown): number {
    const warm = performance.now();
    fn();
    const calls = Math.max(1, Math.ceil(SAMPLE_MS / Math.max(performance.now() - warm, 0.01)));
    const perCall: number[] = [];
    for (let i = 0; i < samples; i++) {
        collect();
        const start = performance.now();
        for (let c = 0; c < calls; c++) {
            fn();
        }
        perCall.push((performance.now() - start) / calls);
    }
    return median(perCall);
}

interface Target {
    name: string;
    value: number;
    limit: number;
}

async function main(): Promise<void> {
    const requirements = benchPlan().requirements;
    const targets: Target[] = [];
    const figures: Record<string, number> = {};
    for (const groups of [50, 500]) {
        const text = JSON.stringify(syntheticGroups(groups));
        const runs = 7;
        const parse = time(runs, () => JSON.parse(text));
        const parsed = JSON.parse(text);
        let checks = 0;
        const evaluate = time(runs, () => {
            const result = evaluateCoverage({
                groups: parsed,
                policy: { dnsProxy: true, skuTier: "Standard" },
                requirements,
                sources: { addresses: BENCH_SOURCES },
            });
            checks = result.summary.checks;
            if (result.summary.allowed !== checks) {
                throw new Error(
                    `benchmark policy should allow every check; ${checks - result.summary.allowed} not allowed`,
                );
            }
        });
        const rules = groups * 200;
        figures[`parse${rules}`] = parse;
        figures[`evaluate${rules}`] = evaluate;
        console.log(
            `${rules} rules (${(text.length / 1e6).toFixed(1)} MB JSON, ${checks} checks): JSON.parse ` +
                `${parse.toFixed(1)} ms, evaluate ${evaluate.toFixed(1)} ms, ratio ${(evaluate / parse).toFixed(2)}`,
        );
    }
    targets.push({
        name: "evaluate(10,000 rules) / JSON.parse",
        value: figures.evaluate10000 / figures.parse10000,
        limit: 2,
    });
    targets.push({
        name: "evaluate(100,000 rules) / evaluate(10,000 rules)",
        value: figures.evaluate100000 / figures.evaluate10000,
        limit: 12,
    });
    targets.push(...cliBenchmarks());
    targets.push(...diagnoseBenchmarks());
    targets.push(...(await packBenchmarks()));
    targets.push(...(await pluginBenchmarks()));
    let failed = 0;
    for (const t of targets) {
        const ok = t.value <= t.limit;
        failed += ok ? 0 : 1;
        console.log(`${ok ? "PASS" : "FAIL"} ${t.name}: ${t.value.toFixed(2)} (target <= ${t.limit})`);
    }
    process.exitCode = failed ? 1 : 0;
}

void main();
