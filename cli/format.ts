/** Output helpers: colours (only on a TTY, never with --no-color or NO_COLOR), tables, CSV, Markdown. */
import Table = require("cli-table3");

export interface OutputOptions {
    color: boolean;
}

export function useColor(flag: boolean | undefined): boolean {
    return flag !== false && process.stdout.isTTY === true && !process.env.NO_COLOR;
}

const CODES: Record<string, string> = { red: "31", green: "32", yellow: "33", magenta: "35", dim: "2", bold: "1" };

export function paint(options: OutputOptions, color: keyof typeof CODES, text: string): string {
    return options.color ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
}

export function table(head: string[], rows: string[][], options: OutputOptions): string {
    const t = new Table({
        head,
        style: { head: options.color ? ["bold"] : [], border: options.color ? ["grey"] : [] },
        wordWrap: true,
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
