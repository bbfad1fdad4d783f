/**
 * Catalog drift: reads Microsoft's markdown article (and its include files) the way it is written —
 * headings, bold table captions, cloud tabs (`# [Azure public](#tab/public)` ... `---`), and tables of
 * hosts or service tags with protocols and ports — and compares every table row with the catalog.
 *
 * A doc row is in step when the catalog has the destination (or the doc's own spelling of it, for a
 * documented correction) for that cloud with the doc's protocol and ports, or a catalog note explains
 * why it is not a rule there. A catalog row citing a section of a given doc that has tables must be in
 * them. Prose (sentences and bullet lists) and code blocks are not read: rows from prose are not checked.
 */
import { CATALOG, CATALOG_NOTES, CATALOG_SOURCES, citedFiles } from "./data";
import { CatalogRow, Cloud } from "./types";

const CLOUDS: Cloud[] = ["AzurePublic", "AzureUSGovernment", "AzureChinaCloud"];
const TABS: Record<string, Cloud> = { public: "AzurePublic", gov: "AzureUSGovernment", china: "AzureChinaCloud" };

/** One (destination, protocol, port) set of a doc table, for the clouds it applies to. */
export interface DocRow {
    destination: string;
    protocol: "TCP" | "UDP" | "Any";
    ports: number[];
    clouds: Cloud[];
    section: string;
    doc: string;
}

export interface ParsedDoc {
    file: string;
    /** `article`, or `include` for an include file (its rows belong to the section that includes it). */
    kind: "article" | "include";
    rows: DocRow[];
    /** Sections (heading paths) that hold at least one table of hosts or service tags. */
    tableSections: string[];
}

export class DocFormatError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "DocFormatError";
    }
}

const PLACEHOLDERS: [RegExp, string][] = [
    [/<your acr name>/gi, "<acr>"],
    [/<your storage account name>/gi, "<storage>"],
    [/<your storage account>/gi, "<storage>"],
    [/<your workspace id>/gi, "<workspaceId>"],
];

/** A destination as the catalog writes it: the doc's placeholders renamed, escapes dropped, lower case. */
export function normaliseDestination(text: string): string {
    let value = text.replace(/\\\*/g, "*").replace(/`/g, "").trim();
    for (const [pattern, placeholder] of PLACEHOLDERS) {
        value = value.replace(pattern, placeholder);
    }
    return value.toLowerCase();
}

function plain(text: string): string {
    return text
        .replace(/`/g, "")
        .replace(/__|\*\*/g, "")
        .trim();
}

function cells(line: string): string[] {
    return line
        .trim()
        .replace(/^\|/, "")
        .replace(/\|$/, "")
        .split("|")
        .map((c) => c.trim());
}

const HOSTLIKE = /^[*A-Za-z0-9<][\w.*<>\- ]*[\w>]$/;

/** The destinations of a cell: backticked names, or bare names, one per `<br>` part. */
function destinations(cell: string): string[] {
    const result: string[] = [];
    for (const part of cell.split(/<\/?br\s*\/?>/i)) {
        const quoted = [...part.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
        const names = quoted.length ? quoted : [part.replace(/\\\*/g, "*").trim()];
        for (const name of names.flatMap((n) => n.split(/\s+and\s+/))) {
            const value = name.trim();
            if (value.startsWith("https://") || (HOSTLIKE.test(value) && !/\s/.test(value.replace(/<[^>]+>/g, "x")))) {
                result.push(value);
            }
        }
    }
    return result;
}

/** Host names named in a prose cell (a purpose that says "also allow `*.pythonhosted.org`"). */
function namedHosts(cell: string): string[] {
    return [...cell.matchAll(/`([*a-z0-9][a-z0-9.*-]*\.[a-z]{2,})`/gi)].map((m) => m[1]);
}

/** `443, 8787<br>UDP: 5831` with the row's protocol -> (protocol, ports) parts. */
function portParts(
    cell: string | undefined,
    protocol: string | undefined,
): { protocol: DocRow["protocol"]; ports: number[] }[] {
    const base =
        (protocol ?? "TCP").toUpperCase() === "ANY" ? "Any" : ((protocol ?? "TCP").toUpperCase() as "TCP" | "UDP");
    if (cell === undefined) {
        return [{ protocol: base, ports: [443] }];
    }
    const parts: { protocol: DocRow["protocol"]; ports: number[] }[] = [];
    for (const part of cell.split(/<\/?br\s*\/?>/i)) {
        const prefix = /^\s*(TCP|UDP)\s*:/i.exec(part);
        const ports = [...part.matchAll(/\b(\d{1,5})\b/g)].map((m) => Number(m[1]));
        if (ports.length) {
            parts.push({ protocol: prefix ? (prefix[1].toUpperCase() as "TCP" | "UDP") : base, ports });
        }
    }
    return parts;
}

interface TableContext {
    section: string;
    clouds: Cloud[];
    file: string;
}

function readTable(header: string[], body: string[][], context: TableContext): DocRow[] {
    if (/^source$/i.test(plain(header[0] ?? ""))) {
        return []; // inbound traffic
    }
    const find = (pattern: RegExp) => header.findIndex((h) => pattern.test(plain(h)));
    const dest = find(/host|service tag|outbound endpoint/i);
    if (dest < 0) {
        return [];
    }
    const portCol = find(/^ports?$/i);
    const protoCol = find(/^protocol$/i);
    const rows: DocRow[] = [];
    for (const row of body) {
        const cell = row[dest] ?? "";
        const clouds = /not needed in .*21vianet/i.test(cell)
            ? context.clouds.filter((c) => c !== "AzureChinaCloud")
            : context.clouds;
        const names = [...destinations(cell), ...row.filter((_, i) => i !== dest && i !== portCol).flatMap(namedHosts)];
        for (const part of portParts(
            portCol >= 0 ? row[portCol] : undefined,
            protoCol >= 0 ? row[protoCol] : undefined,
        )) {
            for (const name of names) {
                rows.push({ destination: name, ...part, clouds, section: context.section, doc: context.file });
            }
        }
    }
    return rows;
}

/** The code fence open after `line`, "" outside one; a fence closes on a line of its own marker (or longer) alone. */
function fenceAfter(open: string, line: string): string {
    const marker = /^\s*(`{3,}|~{3,})(.*)$/.exec(line);
    if (!open) {
        return marker?.[1] ?? "";
    }
    return marker && marker[1].startsWith(open) && marker[2].trim() === "" ? "" : open;
}

/** Parses one markdown article or include file. Throws `DocFormatError` when it is not one. */
export function parseDoc(text: string, file: string): ParsedDoc {
    const lines = text.replace(/\r\n?/g, "\n").split("\n");
    if (lines[0]?.trim() !== "---") {
        throw new DocFormatError(
            `${file}: not a Microsoft Learn article or include: it has no front matter (--- with ms.topic, ms.date)`,
        );
    }
    const end = lines.indexOf("---", 1);
    if (end < 0) {
        throw new DocFormatError(`${file}: the front matter (---) is not closed`);
    }
    const frontMatter = lines.slice(1, end).map((l) => l.trim());
    if (!frontMatter.some((l) => /^ms\.topic:/.test(l))) {
        throw new DocFormatError(`${file}: not a Microsoft Learn article or include: its front matter has no ms.topic`);
    }
    const kind: ParsedDoc["kind"] = frontMatter.some((l) => /^ms\.topic:\s*include\s*$/.test(l))
        ? "include"
        : "article";
    const start = end + 1;
    const base = file.split(/[\\/]/).pop() ?? file;
    const headings: string[] = [];
    let caption = "";
    let clouds = CLOUDS;
    const rows: DocRow[] = [];
    const tableSections = new Set<string>();
    const sectionNow = () =>
        kind === "include"
            ? `includes/${base}`
            : [...headings.filter(Boolean), ...(caption ? [caption] : [])].join(" > ");
    let sawTitle = kind === "include";
    let fence = "";
    for (let i = start; i < lines.length; i++) {
        const line = lines[i];
        // Code blocks are not read: a `#` comment or a `|` there is neither a heading nor a table.
        const next = fenceAfter(fence, line);
        if (fence || next) {
            fence = next;
            continue;
        }
        const heading = /^(#{1,6})\s+(?!\[)(.+?)\s*$/.exec(line);
        const tab = /^#\s+\[[^\]]+\]\(#tab\/([a-z0-9-]+)\)/i.exec(line);
        if (tab) {
            clouds = TABS[tab[1].toLowerCase()] ? [TABS[tab[1].toLowerCase()]] : CLOUDS;
        } else if (heading) {
            const level = heading[1].length;
            sawTitle ||= level === 1;
            headings.length = Math.max(level - 1, 0);
            headings[level - 2] = plain(heading[2]);
            caption = "";
        } else if (/^---\s*$/.test(line)) {
            clouds = CLOUDS;
        } else if (/^__[^_].*__\s*$/.test(line.trim())) {
            caption = plain(line);
        } else if (line.trim().startsWith("|") && lines[i + 1]?.trim().match(/^\|?\s*:?-{3,}/)) {
            const header = cells(line);
            const body: string[][] = [];
            for (i += 2; i < lines.length && lines[i].trim().startsWith("|"); i++) {
                body.push(cells(lines[i]));
            }
            i--;
            const found = readTable(header, body, { section: sectionNow(), clouds, file: base });
            if (found.length) {
                tableSections.add(sectionNow());
                rows.push(...found);
            }
        }
    }
    if (!sawTitle || rows.length === 0) {
        throw new DocFormatError(
            `${file}: not an article of the kind expected: no title or no tables of hosts or service tags`,
        );
    }
    return { file: base, kind, rows, tableSections: [...tableSections] };
}

export type ChangeKind = "added" | "removed" | "changed";

export interface Difference {
    /** `added` upstream (in the doc, not the catalog), `removed` upstream, or protocol/ports `changed`. */
    change: ChangeKind;
    destination: string;
    cloud: Cloud;
    section: string;
    /** What the doc says (`TCP 443, 445`), or null. */
    doc: string | null;
    /** What the catalog says, or null. */
    catalog: string | null;
}

type Checks = Set<string>;

function expand(protocol: DocRow["protocol"], ports: number[]): string[] {
    const protocols = protocol === "Any" ? ["TCP", "UDP"] : [protocol];
    return protocols.flatMap((p) => ports.map((port) => `${p} ${port}`));
}

function describe(checks: Checks): string {
    const byProtocol = new Map<string, number[]>();
    for (const check of checks) {
        const [protocol, port] = check.split(" ");
        byProtocol.set(protocol, [...(byProtocol.get(protocol) ?? []), Number(port)]);
    }
    return [...byProtocol.entries()]
        .sort()
        .map(([p, ports]) => `${p} ${ports.sort((a, b) => a - b).join(", ")}`)
        .join("; ");
}

/** The doc a catalog row comes from: an include (named in its section), another article, or the main one (""). */
function rowDoc(row: CatalogRow): string {
    const { article, include } = citedFiles(row.section);
    return include ?? article ?? "";
}

function sectionMatches(docSection: string, rowSection: string): boolean {
    const row = rowSection.replace(/^[\w-]+\.md > /, "").toLowerCase();
    const doc = docSection.toLowerCase();
    return doc === row || doc.endsWith(` > ${row}`);
}

/** Catalog notes that explain doc rows: a scenario not offered in a cloud, or destinations not turned into rules. */
function explained(cloud: Cloud, row: DocRow, destination: string): boolean {
    return CATALOG_NOTES.some(
        (note) =>
            (!note.clouds || note.clouds.includes(cloud)) &&
            ((note.explainsSections ?? []).some((s) => sectionMatches(row.section, s)) ||
                (note.destinations ?? []).some((d) => normaliseDestination(d) === destination)),
    );
}

function docChecks(docs: ParsedDoc[], cloud: Cloud): Map<string, { checks: Checks; section: string; rows: DocRow[] }> {
    const result = new Map<string, { checks: Checks; section: string; rows: DocRow[] }>();
    for (const row of docs.flatMap((d) => d.rows).filter((r) => r.clouds.includes(cloud))) {
        const key = normaliseDestination(row.destination);
        const entry = result.get(key) ?? { checks: new Set<string>(), section: row.section, rows: [] };
        expand(row.protocol, row.ports).forEach((c) => entry.checks.add(c));
        entry.rows.push(row);
        result.set(key, entry);
    }
    return result;
}

/**
 * An article given must be the firewall article: one of its tables must stand in a section the catalog's
 * rows come from. Another article with a hosts table would otherwise read as rows "added upstream".
 */
function checkIsTheArticle(docs: ParsedDoc[]): void {
    const sections = CLOUDS.flatMap((cloud) =>
        CATALOG[cloud].filter((row) => rowDoc(row) === "").map((r) => r.section),
    );
    for (const doc of docs.filter((d) => d.kind === "article")) {
        if (!doc.tableSections.some((t) => sections.some((s) => sectionMatches(t, s)))) {
            throw new DocFormatError(
                `${doc.file}: not the firewall article (${MAIN_ARTICLE}): none of its tables is in a section the ` +
                    `catalog comes from, such as "${sections[0]}"`,
            );
        }
    }
}

/** Compares the catalog with the docs given: every difference, per cloud, sorted. */
export function compareWithDocs(docs: ParsedDoc[]): Difference[] {
    checkIsTheArticle(docs);
    const differences: Difference[] = [];
    const isGiven = (row: CatalogRow) => {
        const doc = rowDoc(row);
        return docs.some((d) => (doc === "" ? d.kind === "article" && d.file === MAIN_ARTICLE : d.file === doc));
    };
    for (const cloud of CLOUDS) {
        const inDoc = docChecks(docs, cloud);
        const catalog = new Map<string, { checks: Checks; rows: CatalogRow[] }>();
        for (const row of CATALOG[cloud]) {
            for (const name of [row.destination, ...(row.asWritten ? [row.asWritten] : [])]) {
                const key = normaliseDestination(name.replace(/\s*\(.*\)$/, ""));
                const entry = catalog.get(key) ?? { checks: new Set<string>(), rows: [] };
                expand(row.protocol, row.ports).forEach((c) => entry.checks.add(c));
                entry.rows.push(row);
                catalog.set(key, entry);
            }
        }
        for (const [destination, doc] of inDoc) {
            const mine = catalog.get(destination);
            if (!mine) {
                if (!doc.rows.every((r) => explained(cloud, r, destination))) {
                    differences.push({
                        change: "added",
                        destination: doc.rows[0].destination,
                        cloud,
                        section: doc.section,
                        doc: describe(doc.checks),
                        catalog: null,
                    });
                }
                continue;
            }
            const missing = [...doc.checks].filter((c) => !mine.checks.has(c));
            const corrected = mine.rows.some((r) => r.correction);
            if (missing.length && !corrected) {
                differences.push({
                    change: "changed",
                    destination: doc.rows[0].destination,
                    cloud,
                    section: doc.section,
                    doc: describe(doc.checks),
                    catalog: describe(mine.checks),
                });
            }
        }
        const tableSections = docs.flatMap((d) => d.tableSections);
        const checked = (row: CatalogRow) =>
            isGiven(row) && (rowDoc(row) !== "" || tableSections.some((s) => sectionMatches(s, row.section)));
        for (const row of CATALOG[cloud].filter(checked)) {
            const names = [row.destination, ...(row.asWritten ? [row.asWritten] : [])].map((n) =>
                normaliseDestination(n.replace(/\s*\(.*\)$/, "")),
            );
            if (names.some((n) => inDoc.has(n))) {
                continue;
            }
            const own = new Set(expand(row.protocol, row.ports));
            differences.push({
                change: "removed",
                destination: row.destination,
                cloud,
                section: row.section,
                doc: null,
                catalog: describe(own),
            });
        }
        // A catalog row in a checked section whose ports the doc no longer gives.
        for (const row of CATALOG[cloud].filter(checked)) {
            const key = normaliseDestination(row.destination);
            const doc = inDoc.get(key);
            if (!doc || row.correction || row.notApplicable) {
                continue;
            }
            const extra = expand(row.protocol, row.ports).filter((c) => !doc.checks.has(c));
            const known = differences.some((d) => d.cloud === cloud && normaliseDestination(d.destination) === key);
            if (extra.length && !known) {
                differences.push({
                    change: "changed",
                    destination: row.destination,
                    cloud,
                    section: row.section,
                    doc: describe(doc.checks),
                    catalog: describe(new Set(expand(row.protocol, row.ports))),
                });
            }
        }
    }
    return differences.sort(
        (a, b) =>
            a.cloud.localeCompare(b.cloud) ||
            a.destination.toLowerCase().localeCompare(b.destination.toLowerCase()) ||
            a.change.localeCompare(b.change),
    );
}

/** The article the catalog is built from (its first source); rows whose section names no other file come from it. */
const MAIN_ARTICLE = CATALOG_SOURCES[0].path.split("/").pop();
