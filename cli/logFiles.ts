/**
 * Log-file containers: the rows of a firewall log export, whatever holds them, one at a time. Shapes:
 * a JSON array (streamed element by element), JSON lines, CSV with a header line (RFC 4180 quoting, a
 * record on one line; separated by commas, or by semicolons or tabs as the header shows), an Event Hubs
 * message (`{"records":[...]}`, on one line or across many, one message or many lines of them), and UTF-16
 * files (read whole, up to the size limit). A row that cannot be read is handed to `bad` with why and where,
 * and reading goes on: rows fail, files do not.
 */
import * as fs from "fs";
import { readText, unreadable } from "./inputs";
import { JsonArraySplitter } from "./jsonArray";

export type Row = Record<string, unknown>;

/**
 * Where a row is in its file: a line number, or `row N` in a JSON array (`record N` added for an Event Hubs
 * message's records). Formatted as `file:place` only when a row is reported, not for every row.
 */
export type Place = number | string;

export function located(file: string, place: Place): string {
    return `${file}:${place}`;
}

export interface RowSink {
    /**
     * One row, and where it is. The row is valid during this call only (CSV records are read into one object):
     * keep what is read from it, not the row.
     */
    row(row: Row, file: string, place: Place): void;
    /** A row that is no row: why (grouping reason), where, and the detail. */
    bad(reason: string, at: string, detail: string): void;
}

/** What a file looked like, to say what it is when none of its rows could be used. */
export interface FileShape {
    container: "json-array" | "json-lines" | "json-document" | "csv" | "empty";
    /** The CSV header's columns, or the first row's keys. */
    fields: string[];
    rows: number;
}

/** The separators a CSV export may use: a comma, or a semicolon (Excel in many locales) or a tab. */
export type Separator = "," | ";" | "\t";

/** The separator of a CSV file, from its header line: a comma where it has one, else a tab, else a semicolon. */
function separatorOf(header: string): Separator {
    return header.includes(",") ? "," : header.includes("\t") ? "\t" : header.includes(";") ? ";" : ",";
}

/** Splits one CSV record (RFC 4180 quoting; a record on one line). */
export function splitCsv(line: string, separator: Separator = ","): string[] {
    const fields: string[] = [];
    let field = "";
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (quoted) {
            if (c === '"' && line[i + 1] === '"') {
                field += '"';
                i++;
            } else if (c === '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c === '"') {
            quoted = true;
        } else if (c === separator) {
            fields.push(field);
            field = "";
        } else {
            field += c;
        }
    }
    if (quoted) {
        throw new Error("a quoted field is not closed on this line");
    }
    fields.push(field);
    return fields;
}

function isObject(value: unknown): value is Row {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Hands a parsed JSON value's rows to the sink: an object, or an Event Hubs message's `records`. */
function emitValue(value: unknown, file: string, place: Place, sink: RowSink, shape: FileShape): void {
    if (isObject(value) && Array.isArray(value.records)) {
        value.records.forEach((record: unknown, i: number) =>
            emitValue(record, file, `${place} record ${i + 1}`, sink, shape),
        );
        return;
    }
    if (!isObject(value)) {
        sink.bad("not a JSON object", located(file, place), JSON.stringify(value)?.slice(0, 80) ?? String(value));
        return;
    }
    if (shape.rows === 0) {
        shape.fields = Object.keys(value);
    }
    shape.rows += 1;
    sink.row(value, file, place);
}

/** Where the quoted cell that opens at `open` closes: the next quote that is not doubled (`""`); -1: none. */
function closingQuote(line: string, open: number): number {
    let close = line.indexOf('"', open + 1);
    while (close !== -1 && line.charCodeAt(close + 1) === 34) {
        close = line.indexOf('"', close + 2);
    }
    return close;
}

/** Reads lines one at a time: JSON lines (`{` first), CSV with a header, or one JSON document across lines. */
class LineReader {
    private header?: string[];
    /** The row every CSV record is read into, with the kept columns of the header. */
    private record?: Row;
    /** Per column of the header: 1 when the column is kept in `record` (a row reader reads it). */
    private kept = new Uint8Array(0);
    /** Which columns of `record` hold a value now. */
    private filled = new Uint8Array(0);
    /** A JSON document that spans lines (a pretty-printed Event Hubs message), gathered whole. */
    private document?: string[];
    /** The CSV separator, from the header line. */
    private separator: Separator = ",";

    constructor(
        private readonly file: string,
        private readonly sink: RowSink,
        readonly shape: FileShape,
        /** The columns of a CSV record worth keeping (all when not given). */
        private readonly fields: { has(column: string): boolean } = { has: () => true },
    ) {}

    line(raw: string, number: number): void {
        const line = raw.trim();
        if (this.document) {
            this.document.push(raw);
            return;
        }
        if (!line) {
            return;
        }
        if (this.shape.container === "empty") {
            this.shape.container = line.startsWith("{") ? "json-lines" : "csv";
        }
        if (this.shape.container === "json-lines") {
            this.jsonLine(line, raw, number);
        } else if (!this.header) {
            this.separator = separatorOf(line);
            this.header = splitCsv(line, this.separator);
            this.kept = Uint8Array.from(this.header, (column) => (this.fields.has(column) ? 1 : 0));
            this.record = Object.fromEntries(this.header.filter((_, i) => this.kept[i]).map((c) => [c, undefined]));
            this.filled = new Uint8Array(this.header.length);
            this.shape.fields = this.header;
        } else {
            // A tab-separated record keeps its edge tabs (empty first or last cells).
            this.csvLine(this.separator === "\t" ? raw : line, number);
        }
    }

    private jsonLine(line: string, raw: string, number: number): void {
        let value: unknown;
        try {
            value = JSON.parse(line);
        } catch (error) {
            if (this.shape.rows === 0 && line === "{") {
                // Not JSON lines: one document written across lines.
                this.shape.container = "json-document";
                this.document = [raw];
                return;
            }
            this.sink.bad("not JSON", located(this.file, number), (error as Error).message);
            return;
        }
        emitValue(value, this.file, number, this.sink, this.shape);
    }

    private csvLine(line: string, number: number): void {
        let cells = this.cells(line);
        if (cells === -1) {
            let values: string[];
            try {
                values = splitCsv(line, this.separator);
            } catch (error) {
                this.sink.bad("not a CSV record", located(this.file, number), (error as Error).message);
                return;
            }
            this.header!.forEach((_, i) => this.cell(i, values[i]));
            cells = values.length;
        }
        if (cells !== this.header!.length) {
            const detail = `${cells} cell${cells === 1 ? "" : "s"}; the header has ${this.header!.length}`;
            this.sink.bad("a CSV record whose cells do not match the header", located(this.file, number), detail);
            return;
        }
        this.shape.rows += 1;
        this.sink.row(this.record!, this.file, number);
    }

    /**
     * Cuts the kept cells of a record out of its line, quoted or not, without reading it character by
     * character or making an array of every cell; the columns a short record lacks are emptied. Returns how
     * many cells the record has, or -1 for a line only `splitCsv` reads (a quote inside an unquoted cell,
     * text after a closing quote, a quote not closed).
     */
    private cells(line: string): number {
        const columns = this.kept.length;
        let start = 0;
        let column = 0;
        let quote = line.indexOf('"');
        let separatorAt = 0;
        while (separatorAt !== -1) {
            let value: string | undefined;
            if (quote === start) {
                const close = closingQuote(line, start);
                separatorAt = close + 1 < line.length ? close + 1 : -1;
                if (close === -1 || (separatorAt !== -1 && line[separatorAt] !== this.separator)) {
                    return -1;
                }
                if (this.kept[column]) {
                    const text = line.slice(start + 1, close);
                    value = text.includes('"') ? text.replace(/""/g, '"') : text;
                }
                quote = line.indexOf('"', close + 1);
            } else {
                separatorAt = line.indexOf(this.separator, start);
                const end = separatorAt === -1 ? line.length : separatorAt;
                if (quote !== -1 && quote < end) {
                    return -1;
                }
                value = this.kept[column] && end > start ? line.slice(start, end) : undefined;
            }
            this.cell(column, value);
            column += 1;
            start = separatorAt + 1;
        }
        for (let rest = column; rest < columns; rest++) {
            this.cell(rest, undefined);
        }
        return column;
    }

    /**
     * Sets one cell of the one row object per file, refilled for each record (see `RowSink.row`): one object
     * shape and no allocation per record. An empty cell is `undefined`, which the row readers treat as absent;
     * only the columns a row reader reads are kept (`kept`, from the record reader's list of fields).
     */
    private cell(column: number, value: string | undefined): void {
        if (!this.kept[column]) {
            return;
        }
        if (value) {
            this.record![this.header![column]] = value;
            this.filled[column] = 1;
        } else if (this.filled[column]) {
            this.record![this.header![column]] = undefined;
            this.filled[column] = 0;
        }
    }

    end(): void {
        if (!this.document) {
            return;
        }
        const text = this.document.join("\n");
        let value: unknown;
        try {
            value = JSON.parse(text);
        } catch (error) {
            this.sink.bad("not JSON", `${this.file}:1`, (error as Error).message);
            return;
        }
        emitValue(value, this.file, 1, this.sink, this.shape);
    }
}

function headOf(file: string): Buffer {
    try {
        const fd = fs.openSync(file, "r");
        const buffer = Buffer.alloc(4096);
        const read = fs.readSync(fd, buffer, 0, buffer.length, 0);
        fs.closeSync(fd);
        return buffer.subarray(0, read);
    } catch (error) {
        throw unreadable(file, error);
    }
}

/** Feeds the rows of one log file to `sink` and says what the file looked like. */
export async function readLogFile(
    file: string,
    sink: RowSink,
    fields?: { has(column: string): boolean },
): Promise<FileShape> {
    const head = headOf(file);
    const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
    // UTF-16 (what Windows PowerShell 5.1 `>` writes) is decoded whole, up to the size limit.
    const text = utf16 ? readText(file) : undefined;
    const start = text ?? head.toString("utf8").replace(/^\uFEFF/, "");
    const shape: FileShape = { container: "empty", fields: [], rows: 0 };
    if (start.trimStart().startsWith("[")) {
        shape.container = "json-array";
        await readArray(
            file,
            text !== undefined ? [text] : fs.createReadStream(file, { encoding: "utf8" }),
            sink,
            shape,
        );
        return shape;
    }
    const reader = new LineReader(file, sink, shape, fields);
    let number = 0;
    const line = (text: string) => {
        number += 1;
        reader.line(number === 1 ? text.replace(/^\uFEFF/, "") : text, number);
    };
    if (text !== undefined) {
        text.split(/\r?\n/).forEach(line);
    } else {
        await eachLine(fs.createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 }), line);
    }
    reader.end();
    return shape;
}

/**
 * Calls `line` for each line of a text stream (`\n` or `\r\n`), synchronously within each chunk: no
 * promise and no regular expression per line, as readline has.
 */
export async function eachLine(chunks: AsyncIterable<string>, line: (text: string) => void): Promise<void> {
    let rest = "";
    for await (const chunk of chunks) {
        const text = rest ? rest + chunk : chunk;
        let start = 0;
        let end = text.indexOf("\n");
        while (end !== -1) {
            line(text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end));
            start = end + 1;
            end = text.indexOf("\n", start);
        }
        rest = text.slice(start);
    }
    if (rest) {
        line(rest.endsWith("\r") ? rest.slice(0, -1) : rest);
    }
}

/** A JSON array of rows, element by element, from the pieces of its text. */
async function readArray(
    file: string,
    pieces: AsyncIterable<string | Buffer> | Iterable<string>,
    sink: RowSink,
    shape: FileShape,
): Promise<void> {
    const splitter = new JsonArraySplitter();
    let first = true;
    let row = 0;
    try {
        for await (const piece of pieces) {
            const chunk = first ? String(piece).replace(/^\uFEFF/, "") : String(piece);
            first = false;
            splitter.feed(chunk, (text, index) => {
                row = index;
                let value: unknown;
                try {
                    value = JSON.parse(text);
                } catch (error) {
                    sink.bad("not JSON", `${file}:row ${index}`, (error as Error).message);
                    return;
                }
                emitValue(value, file, `row ${index}`, sink, shape);
            });
        }
        splitter.end();
    } catch (error) {
        // The array itself is broken (not one row): nothing after this point can be read.
        sink.bad("not a JSON array of rows", `${file}${row ? `:row ${row}` : ""}`, (error as Error).message);
    }
}
