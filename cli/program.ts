/**
 * A user's Pulumi program, run as the Node language host runs it (`plan --program DIR`): the project file
 * (`Pulumi.yaml`: name, runtime, main, config defaults), the entry point (`main`, else package.json `exports`
 * / `main`, else the folder's index), the stack's settings file (`Pulumi.<stack>.yaml` in DIR), TypeScript
 * through ts-node as the host registers it (the project's ts-node and typescript, else the ones Pulumi vendors;
 * the project's tsconfig compiler options over the host's defaults), the working directory set to DIR, and a
 * function export called. Only the type check is left out (transpile only: `tsc` or `pulumi preview` does it).
 */
import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";
import * as yaml from "js-yaml";
import { StackFileError, configKey, configText, listStacks, parseStackSettings } from "../stacks/stackFile";
import { UsageError, asUsageError } from "./errors";

export interface UserProject {
    dir: string;
    name: string;
    typescript: boolean;
    /** The entry point: a file, or a folder Node resolves. */
    entry: string;
    /** ES module (`"type": "module"` in package.json). */
    esm: boolean;
}

export interface UserStack {
    name: string;
    /** The settings file, as shown in messages (absent when DIR has none). */
    file?: string;
    config: Record<string, string>;
    /** What the run had to stand in for (secrets), shown with the plan. */
    notes: string[];
}

function readYaml(file: string): Record<string, unknown> {
    let document: unknown;
    try {
        document = yaml.load(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new UsageError(`${file}: cannot read (${(error as Error).message.split("\n")[0]})`);
    }
    if (document === null || document === undefined) {
        return {};
    }
    if (typeof document !== "object" || Array.isArray(document)) {
        throw new UsageError(`${file}: expected a YAML mapping`);
    }
    return document as Record<string, unknown>;
}

function readPackage(dir: string): Record<string, unknown> {
    const file = path.join(dir, "package.json");
    if (!fs.existsSync(file)) {
        return {};
    }
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch (error) {
        throw new UsageError(`${file}: not JSON (${(error as Error).message})`);
    }
}

/** The entry as the Node host picks it: Pulumi.yaml `main`, then package.json `exports` / `main`, then DIR. */
function entryOf(dir: string, main: unknown, pkg: Record<string, unknown>): string {
    if (main !== undefined) {
        if (typeof main !== "string") {
            throw new UsageError(`${path.join(dir, "Pulumi.yaml")}: main must be a path, not ${JSON.stringify(main)}`);
        }
        const entry = path.resolve(dir, main);
        if (!fs.existsSync(entry)) {
            throw new UsageError(`${path.join(dir, "Pulumi.yaml")}: main ${main}: no such file or folder in ${dir}`);
        }
        return entry;
    }
    const exported = pkg.exports as unknown;
    const dot =
        typeof exported === "object" && exported !== null ? (exported as Record<string, unknown>)["."] : undefined;
    const named =
        typeof exported === "string"
            ? exported
            : typeof dot === "string"
              ? dot
              : typeof dot === "object" && dot !== null
                ? ((dot as Record<string, string>).default ?? (dot as Record<string, string>).require)
                : pkg.main;
    if (typeof named === "string" && fs.existsSync(path.resolve(dir, named))) {
        return path.resolve(dir, named);
    }
    return `${dir}${path.sep}`;
}

/** Reads DIR's `Pulumi.yaml`: a Node.js program, its name and entry. */
export function readProject(dirGiven: string): UserProject & { defaults: Record<string, string> } {
    const dir = path.resolve(dirGiven);
    const file = path.join(dir, "Pulumi.yaml");
    if (!fs.existsSync(file)) {
        throw new UsageError(`--program ${dirGiven}: no Pulumi.yaml there; give the folder of a Pulumi project`);
    }
    const project = readYaml(file);
    const runtime = project.runtime as unknown;
    const runtimeName = typeof runtime === "string" ? runtime : (runtime as { name?: unknown } | undefined)?.name;
    if (runtimeName !== "nodejs") {
        throw new UsageError(
            `--program ${dirGiven}: runtime ${JSON.stringify(runtimeName ?? null)}; plan --program runs Node.js ` +
                "programs (TypeScript or JavaScript). For another language, run pulumi preview " +
                "--policy-pack with this package's pack (docs/policy-pack.md).",
        );
    }
    if (typeof project.name !== "string" || !project.name) {
        throw new UsageError(`${file}: no project name`);
    }
    const options =
        (typeof runtime === "object" ? (runtime as { options?: Record<string, unknown> }).options : {}) ?? {};
    const pkg = readPackage(dir);
    return {
        dir,
        name: project.name,
        typescript: options.typescript !== false,
        entry: entryOf(dir, project.main, pkg),
        esm: pkg.type === "module",
        defaults: projectDefaults(project.name, project.config, file),
    };
}

/** The `config:` block of Pulumi.yaml: `key: value`, or `key: {default: value}` (a type alone sets no value). */
function projectDefaults(project: string, config: unknown, file: string): Record<string, string> {
    if (config === undefined || config === null) {
        return {};
    }
    if (typeof config !== "object" || Array.isArray(config)) {
        throw new UsageError(`${file}: config must be a mapping`);
    }
    const result: Record<string, string> = {};
    for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
        const declared = value !== null && typeof value === "object" && !Array.isArray(value);
        const given = declared
            ? ((value as { default?: unknown; value?: unknown }).value ?? (value as { default?: unknown }).default)
            : value;
        if (given !== undefined) {
            result[configKey(project, key)] = configText(given);
        }
    }
    return result;
}

/** The stack to run: `--stack NAME`, or the one settings file DIR has (a default `dev` if it has none). */
export function readUserStack(
    project: UserProject & { defaults: Record<string, string> },
    stack: string | undefined,
): UserStack {
    const files = listStacks(project.dir);
    if (stack === undefined && files.length > 1) {
        throw new UsageError(
            `--program ${project.dir}: it has the stacks ${files.join(", ")}; choose one with --stack NAME`,
        );
    }
    const name = stack ?? files[0] ?? "dev";
    const file = path.join(project.dir, `Pulumi.${name}.yaml`);
    if (!fs.existsSync(file)) {
        if (stack === undefined) {
            return {
                name,
                config: { ...project.defaults },
                notes: [`no Pulumi.<stack>.yaml in ${project.dir}: ran stack dev with the project's config defaults`],
            };
        }
        throw new UsageError(
            `--stack ${stack}: no Pulumi.${stack}.yaml in ${project.dir}; ` +
                `stacks there: ${files.join(", ") || "(none)"}`,
        );
    }
    // Offline, a secret cannot be decrypted: the program sees a stand-in, and the plan says so.
    const shown = `${path.basename(project.dir)}/Pulumi.${name}.yaml`;
    const { config, secrets } = asUsageError(
        () =>
            parseStackSettings(fs.readFileSync(file, "utf8"), shown, {
                project: project.name,
                secrets: "standIn",
            }),
        StackFileError,
    );
    const notes = secrets.length
        ? [`secret config ${secrets.join(", ")}: not decrypted offline; the program saw the text [secret]`]
        : [];
    return { name, file: shown, config: { ...project.defaults, ...config }, notes };
}

/**
 * The program must load the `@pulumi/pulumi` this CLI runs on: a second copy would not see the mocks (and
 * Pulumi itself refuses two). Install this package in the program's project to share one.
 */
export function checkOneSdk(project: UserProject): void {
    let theirs: string;
    try {
        theirs = require.resolve("@pulumi/pulumi", { paths: [project.dir] });
    } catch {
        throw new UsageError(
            `--program ${project.dir}: @pulumi/pulumi is not installed there; run npm install in it first`,
        );
    }
    const ours = require.resolve("@pulumi/pulumi");
    if (fs.realpathSync(theirs) !== fs.realpathSync(ours)) {
        throw new UsageError(
            `--program ${project.dir} loads @pulumi/pulumi from ${path.dirname(theirs)}, this CLI from ` +
                `${path.dirname(ours)}: install azureml-firewall in that project (README, Install) and run its ` +
                "npx azureml-firewall, so that both share one",
        );
    }
}

/** `import()` kept as is in this CommonJS build (tsc would turn it into `require`), as Pulumi's host does. */
const dynamicImport = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<unknown>;

let registered = false;

/** Registers ts-node as Pulumi's Node host does, once per process; transpile only. */
function registerTypeScript(project: UserProject): void {
    if (registered) {
        return;
    }
    const tsutils = require("@pulumi/pulumi/tsutils") as {
        typeScriptRequireStrings(): { tsnodeRequire: string; typescriptRequire: string };
        loadTypeScriptCompilerOptions(file: string): Record<string, unknown>;
    };
    const tsconfig = path.join(project.dir, "tsconfig.json");
    const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
    const ts = require(typescriptRequire) as { version: string };
    const [major, minor] = ts.version.split(".").map(Number);
    const nodeNext = major > 4 || (major === 4 && minor >= 7);
    (require(tsnodeRequire) as { register(options: object): void }).register({
        compiler: typescriptRequire,
        transpileOnly: true,
        project: tsconfig,
        skipProject: !fs.existsSync(tsconfig),
        compilerOptions: {
            target: "ES2020",
            module: nodeNext ? "nodenext" : "commonjs",
            moduleResolution: nodeNext ? "nodenext" : "node",
            sourceMap: "true",
            ...tsutils.loadTypeScriptCompilerOptions(tsconfig),
        },
    });
    registered = true;
}

/** Runs the program's entry in DIR (as the working directory) and gives back what it exports (the outputs). */
export async function runUserProgram(project: UserProject): Promise<unknown> {
    if (project.typescript && project.esm) {
        throw new UsageError(
            `--program ${project.dir}: a TypeScript ES module program ("type": "module") is not supported by ` +
                "plan --program; compile it and point Pulumi.yaml main at the JavaScript, or use pulumi preview",
        );
    }
    if (project.typescript) {
        registerTypeScript(project);
    }
    const cwd = process.cwd();
    process.chdir(project.dir);
    try {
        let exported: unknown;
        if (project.esm) {
            const loaded = (await dynamicImport(pathToFileURL(project.entry).href)) as Record<string, unknown>;
            exported = Object.getOwnPropertyDescriptor(loaded, "default") ? loaded.default : loaded;
        } else {
            exported = require(project.entry);
        }
        return await (typeof exported === "function" ? (exported as () => unknown)() : exported);
    } finally {
        process.chdir(cwd);
    }
}
