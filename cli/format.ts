/** Output helpers: colours (only on a TTY, never with --no-color or NO_COLOR), tables, CSV, Markdown. */
import Table = require("cli-table3");

export interface OutputOptions {
    color: boolean;
    /**
     * The terminal's width when stdout is a terminal: tables are boxed and fitted to it. Without it (a pipe or
     * a file), tables are plain text: one line per row, columns aligned, nothing wrapped or cut.
     */
    width?: number;
}

export function useColor(flag: boolean | undefined): boolean {
    return flag !== false && process.stdout.isTTY === true && !process.env.NO_COLOR;
}

/** How to write for this process's stdout: colours per `--no-color`, tables per the terminal. */
export function outputFor(colorFlag: boolean | undefined): OutputOptions {
    const width = process.stdout.isTTY ? process.stdout.columns || 80 : undefined;
    return { color: useColor(colorFlag), ...(width ? { width } : {}) };
}

const CODES: Record<string, string> = { red: "31", green: "32", yellow: "33", magenta: "35", dim: "2", bold: "1" };

export function paint(options: OutputOptions, color: keyof typeof CODES, text: string): string {
    return options.color ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
}

/** The widest line of each column's cells (a cell may hold several lines). */
function naturalWidths(head: string[], rows: string[][]): number[] {
    return head.map((h, i) =>
        Math.max(...[h, ...rows.map((r) => r[i] ?? "")].flatMap((cell) => cell.split("\n").map((l) => l.length))),
    );
}

/**
 * Column widths (content plus padding) whose sum fits `total`: narrow columns keep their width, the wide
 * ones share what is left equally (at least 8 each), and wrap.
 */
export function fittedWidths(natural: number[], total: number): number[] {
    const padded = natural.map((n) => n + 2);
    let available = total - (padded.length + 1); // the borders
    if (padded.reduce((a, b) => a + b, 0) <= available) {
        return padded;
    }
    const widths = new Array<number>(padded.length);
    const order = padded.map((w, i) => ({ w, i })).sort((a, b) => a.w - b.w);
    order.forEach(({ w, i }, k) => {
        const share = Math.floor(available / (order.length - k));
        widths[i] = w <= share ? w : Math.max(8, share);
        available -= widths[i];
    });
    return widths;
}

/** Plain text: a header line and one line per row, columns aligned; a cell's lines joined with ", ". */
function plainTable(head: string[], rows: string[][]): string {
    const flat = rows.map((r) => head.map((_, i) => (r[i] ?? "").split("\n").join(", ")));
    const widths = naturalWidths(head, flat);
    const line = (cells: string[]) =>
        cells
            .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
            .join("  ")
            .trimEnd();
    return [line(head), ...flat.map(line)].join("\n");
}

export function table(head: string[], rows: string[][], options: OutputOptions): string {
    if (options.width === undefined) {
        return plainTable(head, rows);
    }
    const t = new Table({
        head,
        style: { head: options.color ? ["bold"] : [], border: options.color ? ["grey"] : [] },
        colWidths: fittedWidths(naturalWidths(head, rows), options.width),
        wordWrap: true,
        wrapOnWordBoundary: false,
        chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    });
    t.push(...rows);
    return t.toString();
}

function csvCell(value: string): string {
    return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csv(head: string[], rows: string[][]): string {
    return [head, ...rows].map((row) => row.map(csvCell).join(",")).join("\n");
}

function mdCell(value: string): string {
    return value.replace(/\|/g, "\\|").replace(/\n/g, "<br>");
}

export function markdownTable(head: string[], rows: string[][]): string {
    return [
        `| ${head.map(mdCell).join(" | ")} |`,
        `| ${head.map(() => "---").join(" | ")} |`,
        ...rows.map((row) => `| ${row.map(mdCell).join(" | ")} |`),
    ].join("\n");
}
