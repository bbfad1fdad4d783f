/** "Did you mean": the candidate closest to a mistyped value, when one is close enough to be meant. */

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
function distance(a: string, b: string): number {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    let row = Array.from({ length: y.length + 1 }, (_, i) => i);
    for (let i = 1; i <= x.length; i++) {
        const next = [i];
        for (let j = 1; j <= y.length; j++) {
            next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
        }
        row = next;
    }
    return row[y.length];
}

/** The closest candidate at most two edits away (one for a two-letter value), if any. */
export function closest(value: string, candidates: readonly string[]): string | undefined {
    const limit = Math.min(2, value.length - 1);
    let best: { candidate: string; score: number } | undefined;
    for (const candidate of candidates) {
        const score = distance(value, candidate);
        if (score <= limit && (!best || score < best.score)) {
            best = { candidate, score };
        }
    }
    return best?.candidate;
}

/** ` Did you mean X?` or nothing, to append to a message. */
export function didYouMean(value: unknown, candidates: readonly string[]): string {
    const match = typeof value === "string" ? closest(value.trim(), candidates) : undefined;
    return match ? ` Did you mean ${match}?` : "";
}
