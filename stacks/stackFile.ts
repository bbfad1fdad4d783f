/**
 * Reads `stacks/Pulumi.<stack>.yaml` the way Pulumi hands config to a program: every value a string,
 * lists and mappings as JSON text. Used by the CLI `plan` and by the tests.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

export class StackFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackFileError";
    }
}

/** Names of the stacks that have a `Pulumi.<name>.yaml` in `dir`. */
export function listStacks(dir: string): string[] {
    return fs
        .readdirSync(dir)
        .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
        .filter((name): name is string => name !== undefined)
        .sort();
}

/** Pulumi's key for a config key: a key without a namespace belongs to the project. */
export function configKey(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

/** A config value as Pulumi hands it to a program: text, structured values as JSON. */
export function configText(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** How to read a settings file: the project whose namespace bare keys take, and what to do with secrets. */
export interface SettingsOptions {
    /** Keys without a namespace belong to this project (as Pulumi reads them); without it they stay as written. */
    project?: string;
    /** `refuse` (default): a secret is an error; `standIn`: the value is the text `[secret]`, and it is listed. */
    secrets?: "refuse" | "standIn";
}

/**
 * Parses a stack settings file into Pulumi's flat config map (`namespace:key` -> string), and the keys
 * whose values are secrets that stand in as `[secret]`.
 */
export function parseStackSettings(
    text: string,
    file: string,
    options: SettingsOptions = {},
): { config: Record<string, string>; secrets: string[] } {
    let document: unknown;
    try {
        document = yaml.load(text);
    } catch (error) {
        throw new StackFileError(`${file}: not valid YAML: ${(error as Error).message.split("\n")[0]}`);
    }
    if (document === null || document === undefined) {
        return { config: {}, secrets: [] };
    }
    if (typeof document !== "object" || Array.isArray(document)) {
        throw new StackFileError(`${file}: expected a mapping with a config key.`);
    }
    const config = (document as { config?: unknown }).config ?? {};
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
        throw new StackFileError(`${file}: config must be a mapping of namespace:key to values.`);
    }
    const result: Record<string, string> = {};
    const secrets: string[] = [];
    for (const [given, value] of Object.entries(config as Record<string, unknown>)) {
        const key = options.project ? configKey(options.project, given) : given;
        if (value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
            if (options.secrets !== "standIn") {
                throw new StackFileError(`${file}: ${key} is a secret; offline planning cannot decrypt it.`);
            }
            result[key] = "[secret]";
            secrets.push(key);
            continue;
        }
        result[key] = configText(value);
    }
    return { config: result, secrets };
}

/** Parses a stack settings file of this project (secrets refused). */
export function parseStackFile(text: string, file: string): Record<string, string> {
    return parseStackSettings(text, file).config;
}

/** Reads a stack settings file at any path (`plan --stack-file`). */
export function readStackFileAt(file: string): Record<string, string> {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new StackFileError(code === "ENOENT" ? `${file}: file not found` : `${file}: cannot read (${code})`);
    }
    return parseStackFile(text, file);
}

/** Reads a stack's settings file from `dir`, naming the stacks that exist when it is missing. */
export function readStackFile(dir: string, stack: string): { file: string; config: Record<string, string> } {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    const shown = `${path.basename(dir)}/Pulumi.${stack}.yaml`;
    if (!fs.existsSync(file)) {
        const stacks = listStacks(dir);
        throw new StackFileError(
            `unknown stack "${stack}": no ${shown}; stacks are: ${stacks.join(", ") || "(none)"}.`,
        );
    }
    return { file, config: parseStackFile(fs.readFileSync(file, "utf8"), shown) };
}
