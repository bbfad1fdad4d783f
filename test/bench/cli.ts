/** CLI start-up and audit benchmarks (filled in with the CLI). */
export function cliBenchmarks(): { name: string; value: number; limit: number }[] {
    return [];
}
