/**
 * Reading `audit`'s input files: rule collection groups in the shapes the contract lists, the policy as
 * `az network firewall policy show` prints it, and requirement lists. Every problem is a `UsageError`
 * naming the file and what was expected.
 */
import * as fs from "fs";
import {
    DocumentError,
    PolicySettings,
    RulesDocument,
    readPolicyDocument,
    readRulesDocument,
} from "../components/firewall";
import type { Requirement } from "../components/requirements";
import { UsageError, asUsageError } from "./errors";

type Json = Record<string, unknown>;

/** Reads and parses a JSON file, with one-line errors for a missing file or bad JSON. */
/** The largest input file read (a JSON text must fit in one string). */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/** Text of a file's bytes: UTF-8 (a byte-order mark is dropped), or UTF-16 when a byte-order mark says so. */
export function decodeText(bytes: Buffer): string {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) {
        return bytes.subarray(2).toString("utf16le"); // what Windows PowerShell 5.1 writes with `>`
    }
    if (bytes[0] === 0xfe && bytes[1] === 0xff) {
        const swapped = Buffer.from(bytes.subarray(2));
        return swapped.swap16().toString("utf16le");
    }
    const text = bytes.toString("utf8");
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The one-line error for a file that cannot be opened or read. */
export function unreadable(file: string, error: unknown): UsageError {
    const code = (error as NodeJS.ErrnoException).code;
    return new UsageError(
        code === "ENOENT" ? `${file}: file not found` : `${file}: cannot read (${code ?? (error as Error).message})`,
    );
}

/** Reads a text file, with one-line errors for a missing, unreadable or too large file. */
export function readText(file: string): string {
    try {
        const size = fs.statSync(file).size;
        if (size > MAX_INPUT_BYTES) {
            throw new UsageError(
                `${file}: file too large (${Math.ceil(size / 1048576)} MiB; the limit is ` +
                    `${MAX_INPUT_BYTES / 1048576} MiB)`,
            );
        }
        return decodeText(fs.readFileSync(file));
    } catch (error) {
        if (error instanceof UsageError) {
            throw error;
        }
        throw unreadable(file, error);
    }
}

export function readJson(file: string): unknown {
    const text = readText(file);
    try {
        return JSON.parse(text);
    } catch (error) {
        throw new UsageError(`${file}: not valid JSON (${(error as Error).message.split("\n")[0]})`);
    }
}

function isObject(value: unknown): value is Json {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Runs a document reader, turning its errors into usage errors. */
function reading<T>(read: () => T): T {
    return asUsageError(read, DocumentError);
}

/** Reads one `--rules` / `--parent-rules` file in any of the supported shapes. */
export function readRules(file: string): RulesDocument {
    const data = readJson(file);
    return reading(() => readRulesDocument(data, file));
}

/** Reads `--policy`: `az network firewall policy show` output (or its ARM resource form). */
export function readPolicy(file: string): PolicySettings {
    const data = readJson(file);
    return reading(() => readPolicyDocument(data, file));
}

/** The canonical spelling of `value` among `values`, compared case-insensitively (docs/coverage-semantics.md §6). */
function canonical<T extends string>(value: unknown, values: readonly T[]): T | undefined {
    return typeof value === "string" ? values.find((v) => v.toLowerCase() === value.trim().toLowerCase()) : undefined;
}

/** One requirement of a `--requirements` file, checked and in canonical spelling. */
function readRequirement(item: unknown, at: string): Requirement {
    if (!isObject(item)) {
        throw new UsageError(`${at} is not an object`);
    }
    const destination = typeof item.destination === "string" ? item.destination.trim() : "";
    if (destination === "" || destination === "*") {
        throw new UsageError(
            `${at}: destination ${JSON.stringify(item.destination)} is not valid; give an FQDN, *.suffix or a ` +
                `service tag`,
        );
    }
    const kind = canonical(item.kind, ["fqdn", "serviceTag"] as const);
    if (!kind) {
        throw new UsageError(`${at}: kind ${JSON.stringify(item.kind)} is not valid; use fqdn or serviceTag`);
    }
    const protocol = canonical(item.protocol, ["TCP", "UDP", "Any"] as const);
    if (!protocol) {
        throw new UsageError(`${at}: protocol ${JSON.stringify(item.protocol)} is not valid; use TCP, UDP or Any`);
    }
    if (
        !Array.isArray(item.ports) ||
        item.ports.length === 0 ||
        !item.ports.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535)
    ) {
        throw new UsageError(
            `${at}: ports ${JSON.stringify(item.ports)} is not valid; give a non-empty list of whole numbers 1-65535`,
        );
    }
    const appProtocol =
        item.appProtocol === undefined ? undefined : canonical(item.appProtocol, ["Http", "Https"] as const);
    if (item.appProtocol !== undefined && !appProtocol) {
        throw new UsageError(
            `${at}: appProtocol ${JSON.stringify(item.appProtocol)} is not valid; use Http or Https, or leave it out`,
        );
    }
    if (
        item.serviceTags !== undefined &&
        (!Array.isArray(item.serviceTags) || !item.serviceTags.every((t) => typeof t === "string"))
    ) {
        throw new UsageError(`${at}: serviceTags must be a list of strings`);
    }
    return {
        ...(item as unknown as Requirement),
        destination: item.destination as string,
        kind,
        protocol,
        ports: item.ports as number[],
        ...(appProtocol ? { appProtocol } : {}),
    };
}

/** Reads `--requirements`: a JSON array of requirements (docs/coverage-semantics.md §1). */
export function readRequirements(file: string): Requirement[] {
    const data = readJson(file);
    if (!Array.isArray(data)) {
        throw new UsageError(
            `${file}: expected a JSON array of requirements ({destination, kind, protocol, ports, appProtocol?, ` +
                `serviceTags?})`,
        );
    }
    if (data.length === 0) {
        throw new UsageError(`${file}: the requirements list is empty; nothing would be checked`);
    }
    return data.map((item, i) => readRequirement(item, `${file}: requirement ${i + 1}`));
}
