/**
 * Streams the objects of a top-level JSON array (what `az monitor log-analytics query` prints) one at a
 * time, so that an export of any size is read in constant memory. Each element's text is handed over
 * for `JSON.parse`; anything other than an array of objects is refused with the row it happened at.
 */
const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;

function isSpace(c: number): boolean {
    return c === 32 || c === 9 || c === 10 || c === 13;
}

export class JsonArraySplitter {
    private depth = 0;
    private inString = false;
    private escaped = false;
    private pending = "";
    private rows = 0;
    private closed = false;

    /** Feeds the next piece of text; `emit` receives each complete element's text. */
    feed(chunk: string, emit: (text: string, row: number) => void): void {
        let from = this.depth >= 2 ? 0 : -1;
        for (let i = 0; i < chunk.length; i++) {
            const c = chunk.charCodeAt(i);
            if (this.inString) {
                if (this.escaped) {
                    this.escaped = false;
                } else if (c === BACKSLASH) {
                    this.escaped = true;
                } else if (c === QUOTE) {
                    this.inString = false;
                }
            } else if (this.depth >= 2) {
                if (c === QUOTE) {
                    this.inString = true;
                } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
                    this.depth++;
                } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
                    this.depth--;
                    if (this.depth === 1) {
                        this.rows++;
                        emit(this.pending + chunk.slice(from, i + 1), this.rows);
                        this.pending = "";
                        from = -1;
                    }
                }
            } else {
                from = this.outside(c, i, from);
            }
        }
        if (this.depth >= 2) {
            this.pending += chunk.slice(from);
        }
    }

    /** A character outside any element: only `[`, `,`, `{` (an element starts), `]` and spaces. */
    private outside(c: number, i: number, from: number): number {
        if (isSpace(c)) {
            return from;
        }
        if (this.depth === 0 && c === OPEN_BRACKET && !this.closed) {
            this.depth = 1;
            return from;
        }
        if (this.depth === 1 && c === OPEN_BRACE) {
            this.depth = 2;
            return i;
        }
        if (this.depth === 1 && c === COMMA) {
            return from;
        }
        if (this.depth === 1 && c === CLOSE_BRACKET) {
            this.depth = 0;
            this.closed = true;
            return from;
        }
        const where =
            this.depth === 0 ? (this.closed ? "after the array" : "before the array") : `at row ${this.rows + 1}`;
        throw new Error(`expected a JSON array of objects; found ${JSON.stringify(String.fromCharCode(c))} ${where}`);
    }

    /** Call at the end of the text: refuses a truncated array. */
    end(): void {
        if (!this.closed) {
            throw new Error(`the JSON array is not closed (the file ends inside row ${this.rows + 1})`);
        }
    }
}
