/** `catalog check`: is the catalog in step with Microsoft's article (and its include files)? */
import { DocFormatError, Difference, compareWithDocs, parseDoc } from "../components/catalog/drift";
import { UsageError, asUsageError } from "./errors";
import { OutputOptions, paint, table } from "./format";
import { readText } from "./inputs";

export interface CatalogCheckOptions {
    doc?: string[];
    format: "table" | "json";
}

export function catalogCheck(options: CatalogCheckOptions): { differences: Difference[]; rows: number } {
    if (!options.doc?.length) {
        throw new UsageError("missing --doc FILE: give the article (and its include files) as markdown");
    }
    const docs = options.doc.map((file) => asUsageError(() => parseDoc(readText(file), file), DocFormatError));
    return {
        differences: asUsageError(() => compareWithDocs(docs), DocFormatError),
        rows: docs.reduce((n, d) => n + d.rows.length, 0),
    };
}

export function runCatalogCheck(options: CatalogCheckOptions, out: OutputOptions): number {
    const { differences, rows } = catalogCheck(options);
    const count = (change: string) => differences.filter((d) => d.change === change).length;
    const summary = {
        docRows: rows,
        differences: differences.length,
        added: count("added"),
        removed: count("removed"),
        changed: count("changed"),
    };
    if (options.format === "json") {
        process.stdout.write(`${JSON.stringify({ differences, summary }, null, 2)}\n`);
    } else if (differences.length === 0) {
        process.stdout.write(
            `${paint(out, "green", "In step")}: ${rows} doc rows, every one in the catalog or explained by a note.\n`,
        );
    } else {
        const words = { added: "added upstream", removed: "removed upstream", changed: "changed" } as const;
        const body = differences.map((d) => [
            words[d.change],
            d.destination,
            d.cloud,
            d.section,
            d.doc ?? "",
            d.catalog ?? "",
        ]);
        process.stdout.write(`${table(["Change", "Destination", "Cloud", "Section", "Doc", "Catalog"], body, out)}\n`);
        process.stdout.write(
            `${differences.length} differences: ${summary.added} added, ${summary.removed} removed, ` +
                `${summary.changed} changed\n`,
        );
    }
    return differences.length ? 1 : 0;
}
