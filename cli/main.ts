/**
 * azureml-firewall CLI: `hosts`, `export`, `audit`, `diagnose`, `diff`, `plan`, `catalog check`. Offline: no
 * Pulumi CLI, credentials or network (but `diagnose --log-analytics-workspace`, which runs the az CLI).
 * Commands load their modules lazily so that `hosts` and `audit` never load the Pulumi SDK.
 * Exit codes: 0 ok, 1 something found (missing/denied, mandatory violation), 2 usage or input error.
 */
import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { SCENARIO_NAMES } from "../components/requirements";
import { UsageError, missingPeer } from "./errors";

/** A repeatable flag: each use adds its value. */
function collect(value: string, previous: string[] | undefined): string[] {
    return [...(previous ?? []), value];
}

/** A repeatable flag that also takes comma-separated values (`--scenario python,vscode`). */
function collectList(value: string, previous: string[] | undefined): string[] {
    return [
        ...(previous ?? []),
        ...value
            .split(",")
            .map((v) => v.trim())
            .filter(Boolean),
    ];
}

const SCENARIOS = SCENARIO_NAMES.join(", ");
/** This package's version: its package.json is the first one above this module (dist/cli or cli). */
function packageVersion(): string {
    for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            return JSON.parse(fs.readFileSync(file, "utf8")).version;
        }
    }
    return "unknown";
}

const VERSION = packageVersion();

/** A parser for an option that takes one of `values` (case-insensitive), giving the canonical spelling. */
function oneOf(flag: string, values: readonly string[]): (value: string) => string {
    const list = values.length === 2 ? values.join(" or ") : values.join(", ");
    return (value: string) => {
        const match = values.find((v) => v.toLowerCase() === value.trim().toLowerCase());
        if (match === undefined) {
            throw new InvalidArgumentError(`${flag}: ${JSON.stringify(value)} is not valid; use ${list}`);
        }
        return match;
    };
}

function formatOption(values: readonly string[]): Option {
    return new Option("--format <format>", values.join(", ")).default("table").argParser(oneOf("--format", values));
}

/** The flags of the commands that check rules (audit, diff): requirements, workload sources, DNS proxy, format. */
function ruleCheckOptions(cmd: Command, dnsProxy: string): Command {
    return cmd
        .option("--requirements <file>", "a JSON array of requirements to check instead of the catalog")
        .option("--source <cidr>", "a workload source CIDR (repeatable) (or comma-separated)", collectList)
        .option("--source-ip-group <id>", "a workload source IP group resource ID (repeatable)", collect)
        .addOption(new Option("--dns-proxy <on|off>", dnsProxy).argParser(oneOf("--dns-proxy", ["on", "off"])))
        .addOption(formatOption(["table", "json", "markdown"]));
}

/** Required flags of each command (each a flag and the flags that stand in for it), checked after unknown ones. */
const REQUIRED = new WeakMap<Command, string[][]>();

function repeatable(option: Option): boolean {
    const parse = (option as unknown as { parseArg?: unknown }).parseArg;
    return parse === collect || parse === collectList;
}

/**
 * Input is never dropped: a flag that takes one value, given twice, is an error naming it (commander
 * would keep the last silently); then the required flags.
 */
function checkFlags(command: Command, rawArgs: readonly string[]): void {
    for (const option of command.options as Option[]) {
        if (!option.long || !option.required || repeatable(option)) {
            continue;
        }
        const uses = rawArgs.filter((arg) => arg === option.long || arg.startsWith(`${option.long}=`));
        if (uses.length > 1) {
            throw new UsageError(
                `${option.long} is given ${uses.length} times (${uses.length} values); ` +
                    "it takes one value: give it once",
            );
        }
    }
    const values = command.opts();
    const given = (flag: string) =>
        values[flag.replace(/^--/, "").replace(/-(\w)/g, (_, c: string) => c.toUpperCase())] !== undefined;
    for (const [flag, ...instead] of REQUIRED.get(command) ?? []) {
        if (!given(flag) && !instead.some(given)) {
            const or = instead.length ? ` (or give ${instead.map((f) => `${f} FILE`).join(", ")})` : "";
            throw new UsageError(`required option '${flag}' not specified${or}`);
        }
    }
}

function fail(message: string): number {
    process.stderr.write(`azureml-firewall: ${message}\n`);
    return 2;
}

export function buildProgram(setExit: (code: number) => void): Command {
    const program = new Command("azureml-firewall")
        .version(VERSION, "--version", "print the version")
        .description(
            "Let Azure Machine Learning out through an Azure Firewall, and nothing else: print and export the " +
                "required hosts, audit a policy, diagnose firewall logs, plan a program, diff a change.",
        )
        .option("--no-color", "never colour the output (colours are used only on a terminal)")
        .showHelpAfterError(false)
        .exitOverride()
        .configureOutput({ writeErr: () => undefined })
        .hook("preAction", (root, action) => checkFlags(action, (root as unknown as { rawArgs: string[] }).rawArgs));

    const catalogOptions = (cmd: Command, required: boolean): Command => {
        // Required flags are checked in the preAction hook, after commander has reported unknown flags: a
        // misspelt flag (`--stroage`) is named as unknown, not as the required one it left out.
        // `--storage` and `--region` are required unless `--workspaces FILE` names the workspaces.
        const flag = (f: string, d: string, unless?: string) => {
            cmd.option(f, required ? `${d} (required${unless ? ` unless ${unless}` : ""})` : d);
            if (required) {
                REQUIRED.set(cmd, [...(REQUIRED.get(cmd) ?? []), [f.split(" ")[0], ...(unless ? [unless] : [])]]);
            }
            return cmd;
        };
        flag(
            "--cloud <cloud>",
            "AzurePublic, AzureUSGovernment or AzureChinaCloud (also public, usgovernment, china, AzureCloud)",
        );
        flag(
            "--storage <name>",
            "the workspace's default storage account (3-24 lower-case letters and digits)",
            "--workspaces",
        );
        flag(
            "--region <region>",
            "the workspace's region, e.g. westeurope (with --workspaces: the default)",
            "--workspaces",
        );
        return cmd
            .option(
                "--workspaces <file>",
                "several workspaces: a YAML or JSON list of {name, storageAccountName, region, scenarios?, " +
                    "containerRegistryName?, workspaceId?}, as the components' workspaces argument",
            )
            .option(
                "--scenario <name>",
                `add an optional scenario (repeatable, or comma-separated): ${SCENARIOS}`,
                collectList,
            )
            .option("--all-scenarios", "every scenario the cloud offers")
            .addOption(
                new Option("--configuration <mode>", "full (service tags and hosts) or leastPrivilege").default("full"),
            )
            .option("--allow-unlisted-region", "accept a region newer than the built-in list")
            .option(
                "--container-registry <name>",
                "the workspace's container registry (for the kubernetes scenario's <acr> hosts)",
            )
            .option("--workspace-id <guid>", "the workspace's ID (for the kubernetes scenario's <workspaceId> host)");
    };

    catalogOptions(
        program
            .command("hosts")
            .description("Print the hosts, service tags and ports Azure ML needs, resolved for a workspace."),
        true,
    )
        .option(
            "--source <cidr>",
            "with --format markdown: the compute subnets the rules allow from (repeatable) (or comma-separated)",
            collectList,
        )
        .addOption(formatOption(["table", "json", "csv", "markdown"]))
        .addHelpText(
            "after",
            "\nExamples:\n  azureml-firewall hosts --cloud public --storage stamldev001 --region westeurope\n  " +
                "azureml-firewall hosts --cloud AzureUSGovernment --storage stamlgov001 --region usgovvirginia " +
                "--scenario hbi --format markdown\n",
        )
        .action(async (opts, cmd: Command) => {
            const { runHosts } = await import("./hosts");
            const { outputFor } = await import("./format");
            setExit(runHosts(opts, outputFor(cmd.optsWithGlobals().color)));
        });

    ruleCheckOptions(
        catalogOptions(
            program
                .command("audit")
                .description(
                    "Check exported firewall rules against what Azure ML needs (exit 1 if anything is missing or " +
                        "denied).",
                ),
            false,
        )
            .option(
                "--rules <file>",
                "rule collection groups: az ... rule-collection-group list output, ARM resources/template, or pulumi " +
                    "stack export (repeatable)",
                collect,
            )
            .option("--parent-rules <file>", "rule collection groups of the base (parent) policy (repeatable)", collect)
            .option(
                "--policy <file>",
                "the policy, as printed by az network firewall policy show (SKU, DNS proxy, base policy)",
            ),
        "override whether the policy has DNS proxy on",
    )
        .addHelpText(
            "after",
            [
                "",
                "Inputs come from the Azure CLI:",
                "  az network firewall policy rule-collection-group list -g RG --policy-name POLICY > rules.json",
                "  az network firewall policy show -g RG -n POLICY > policy.json",
                "",
                "Example:",
                "  azureml-firewall audit --rules rules.json --policy policy.json --cloud public --storage " +
                    "stamlprod001 --region westeurope --source 10.30.1.0/24",
                "",
            ].join("\n"),
        )
        .action(async (opts, cmd: Command) => {
            const { runAudit } = await import("./audit");
            const { outputFor } = await import("./format");
            setExit(runAudit(opts, outputFor(cmd.optsWithGlobals().color)));
        });

    catalogOptions(
        program
            .command("diagnose")
            .description(
                "Read Azure Firewall logs and say which denials break Azure ML (exit 1 if a required flow is denied).",
            ),
        false,
    )
        .option(
            "--logs <file>",
            "firewall logs: az monitor log-analytics query output (JSON), the portal's CSV export, " +
                "diagnostic-setting JSON lines, Event Hubs messages, or Sentinel's normalized exports " +
                "(repeatable) (required)",
            collect,
        )
        .option("--requirements <file>", "a JSON array of requirements to check instead of the catalog")
        .option("--source <cidr>", "only flows from this workload CIDR (repeatable) (or comma-separated)", collectList)
        .option("--service-tags <file>", "Microsoft's ServiceTags_*.json, to name IP destinations")
        .option("--strict", "exit 2 when any row cannot be read (by default such rows are counted and skipped)")
        .option("--print-query", "print the KQL query that aggregates denied flows in Log Analytics, and stop")
        .option(
            "--log-analytics-workspace <guid>",
            "run that query in this Log Analytics workspace (its ID) with the az CLI, then diagnose its result",
        )
        .option("--since <span>", "for the query: how far back, e.g. 7d, 24h, 90m (default 7d)")
        .option("--firewall <name>", "for the query: only this firewall (repeatable)", collect)
        .addOption(formatOption(["table", "json", "markdown"]))
        .addHelpText(
            "after",
            [
                "",
                "Example:",
                "  azureml-firewall diagnose --logs fw-logs.json --cloud public --storage stamlprod001 " +
                    "--region westeurope --source 10.30.1.0/24",
                "  azureml-firewall diagnose --print-query --since 30d --firewall fw-hub > query.kql",
                "  azureml-firewall diagnose --log-analytics-workspace <guid> --since 7d --cloud public " +
                    "--storage stamlprod001 --region westeurope",
                "",
            ].join("\n"),
        )
        .action(async (opts, cmd: Command) => {
            if (opts.printQuery) {
                const { printQuery } = await import("./diagnose");
                setExit(printQuery(opts));
                return;
            }
            const { runDiagnose } = await import("./diagnose");
            const { outputFor } = await import("./format");
            setExit(await runDiagnose(opts, outputFor(cmd.optsWithGlobals().color)));
        });

    const catalog = program.command("catalog").description("Work with the host catalog.");
    // A command group alone is a usage error: its help goes where errors go.
    catalog.action(() => {
        process.stderr.write(catalog.helpInformation());
        setExit(2);
    });
    catalog
        .command("check")
        .description("Compare Microsoft's markdown article (and its include files) with the catalog; exit 1 on drift.")
        .option("--doc <file>", "the article or an include file, as markdown (repeatable)", collect)
        .addOption(formatOption(["table", "json"]))
        .addHelpText(
            "after",
            "\nExample:\n  azureml-firewall catalog check --doc how-to-access-azureml-behind-firewall.md " +
                "--doc includes/recommended-network-outbound.md\n",
        )
        .action(async (opts, cmd: Command) => {
            const { runCatalogCheck } = await import("./catalogCheck");
            const { outputFor } = await import("./format");
            setExit(runCatalogCheck(opts, outputFor(cmd.optsWithGlobals().color)));
        });

    ruleCheckOptions(
        catalogOptions(
            program
                .command("diff")
                .description(
                    "What a change does to Azure ML: required destinations it breaks, scenarios it adds or removes, " +
                        "broad allows it opens (exit 1 if a required check breaks).",
                ),
            false,
        )
            .option(
                "--base <source>",
                "the rules before: a program folder, a stack file, plan JSON, stack export, az/ARM",
            )
            .option("--head <source>", "the rules after, of the same kinds as --base")
            .option("--preview <file>", "instead of --base/--head: one pulumi preview --json output (both states)")
            .option("--stack <name>", "for program folders: the stack to run (Pulumi.<name>.yaml there)")
            .option("--policy <file>", "policy settings (az network firewall policy show) for sources without them"),
        "whether the policy has DNS proxy on, for sources without it",
    )
        .addHelpText(
            "after",
            "\nExamples:\n  azureml-firewall diff --base ../main --head . --stack prod --format markdown\n" +
                "  azureml-firewall diff --preview preview.json\n" +
                "  azureml-firewall diff --base before.json --head after.json --cloud public --storage stamlprod001 " +
                "--region westeurope --source 10.30.1.0/24\n",
        )
        .action(async (opts, cmd: Command) => {
            const { runDiff } = await import("./diff");
            const { outputFor } = await import("./format");
            setExit(runDiff(opts, outputFor(cmd.optsWithGlobals().color)));
        });

    catalogOptions(
        program
            .command("export")
            .description(
                "Write the rule collection group the components would create, for the az CLI, ARM/Bicep or " +
                    "Terraform (on an existing firewall policy).",
            ),
        false,
    )
        .requiredOption("--format <format>", "az (a bash script), arm (a template) or terraform (azurerm HCL)")
        .option("--source <cidr>", "a workload source CIDR (repeatable) (or comma-separated)", collectList)
        .option("--source-ip-group <id>", "a workload source IP group resource ID (repeatable)", collect)
        .option("--resource-group <name>", "the firewall policy's resource group (required)")
        .option("--firewall-policy-name <name>", "the existing firewall policy (required)")
        .option("--rule-collection-group-name <name>", "the group's name (default: azureml-egress)")
        .option("--priority <n>", "the group's priority, 100-65000 (default: 1000)")
        .addOption(
            new Option("--dns-proxy <true|false>", "whether the policy has DNS proxy on (default: true)").argParser(
                oneOf("--dns-proxy", ["true", "false"]),
            ),
        )
        .addHelpText(
            "after",
            "\nExamples:\n  azureml-firewall export --format az --cloud public --storage stamlprod001 " +
                "--region westeurope --source 10.30.1.0/24 --resource-group rg-hub --firewall-policy-name fwp-hub " +
                "> aml-egress.sh\n" +
                "  azureml-firewall export --format terraform --cloud public --workspaces workspaces.yaml " +
                "--region westeurope --source 10.30.1.0/24 --resource-group rg-hub --firewall-policy-name fwp-hub\n",
        )
        .action(async (opts) => {
            const { runExport } = await import("./export");
            setExit(
                runExport({ ...opts, format: oneOf("--format", ["az", "arm", "terraform"])(opts.format) }, VERSION),
            );
        });

    program
        .command("plan")
        .description(
            "Run a Pulumi program under mocks, offline: your own (--program) or this project's stack program; " +
                "resources, rules, explanations, the policy pack's verdict.",
        )
        .option("--program <dir>", "your Pulumi project's folder (Node.js: TypeScript or JavaScript)")
        .option(
            "--stack <name>",
            "with --program: one of its stacks (Pulumi.<name>.yaml there); alone: a stack of this clone " +
                "(stacks/Pulumi.<name>.yaml, with policy/config.<name>.json)",
        )
        .option("--stack-file <path>", "a stack file in this project's config format, anywhere (Pulumi.<name>.yaml)")
        .option("--policy-config <file>", "the policy pack config (default with --stack: policy/config.<name>.json)")
        .addOption(formatOption(["table", "json", "markdown"]))
        .addHelpText(
            "after",
            "\nExamples:\n  azureml-firewall plan --program . --stack prod --policy-config ./policy-config.json\n" +
                "  azureml-firewall plan --stack dev\n  azureml-firewall plan --stack-file ./Pulumi.prod.yaml\n",
        )
        .action(async (opts, cmd: Command) => {
            const { runPlan } = await loadPlan();
            const { outputFor } = await import("./format");
            setExit(await runPlan(opts, outputFor(cmd.optsWithGlobals().color)));
        });
    return program;
}

/** `plan` runs Pulumi in-process: it needs the SDKs the package declares as peer dependencies. */
async function loadPlan(): Promise<typeof import("./plan")> {
    try {
        return await import("./plan");
    } catch (error) {
        const missing = /Cannot find module '(@pulumi\/[a-z-]+)/.exec((error as Error).message)?.[1];
        if ((error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" && missing) {
            throw missingPeer(missing);
        }
        throw error;
    }
}

export async function main(argv: string[]): Promise<void> {
    // A reader that stops early (`| head`) is not an error.
    process.stdout.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "EPIPE") {
            process.exit(process.exitCode ?? 0);
        }
        throw error;
    });
    let code = 0;
    const program = buildProgram((c) => {
        code = c;
    });
    try {
        if (argv.length === 0) {
            // No command is a usage error: the help goes where errors go.
            process.stderr.write(program.helpInformation());
            process.exitCode = 2;
            return;
        }
        await program.parseAsync(argv, { from: "user" });
    } catch (error) {
        if (error instanceof CommanderError) {
            if (
                error.code === "commander.helpDisplayed" ||
                error.code === "commander.version" ||
                error.code === "commander.help"
            ) {
                code = 0;
            } else {
                // A value refused by an option's parser: its own message, without commander's preamble.
                code = fail(/ is invalid\. (.*)$/s.exec(error.message)?.[1] ?? error.message.replace(/^error: /, ""));
            }
        } else if (error instanceof UsageError) {
            code = fail(error.message);
        } else {
            code = fail(`internal error: ${(error as Error)?.message ?? String(error)}`);
            if (process.env.AZUREML_FIREWALL_DEBUG) {
                process.stderr.write(`${(error as Error)?.stack}\n`);
            }
        }
    }
    process.exitCode = code;
}
