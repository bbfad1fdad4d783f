/**
 * azureml-firewall CLI: `hosts`, `audit`, `plan`. Offline: no Pulumi CLI, credentials or network.
 * Commands load their modules lazily so that `hosts` and `audit` never load the Pulumi SDK.
 * Exit codes: 0 ok, 1 something found (missing/denied, mandatory violation), 2 usage or input error.
 */
import { Command, CommanderError, Option } from "commander";
import { SCENARIO_NAMES } from "../components/requirements";
import { UsageError } from "./errors";

function collect(value: string, previous: string[]): string[] {
    return [...previous, value];
}

const SCENARIOS = SCENARIO_NAMES.join(", ");

function fail(message: string): number {
    process.stderr.write(`azureml-firewall: ${message}\n`);
    return 2;
}

export function buildProgram(setExit: (code: number) => void): Command {
    const program = new Command("azureml-firewall")
        .description("Let Azure Machine Learning out through an Azure Firewall, and nothing else: print the required hosts, audit a policy, plan a stack.")
        .option("--no-color", "never colour the output (colours are used only on a terminal)")
        .showHelpAfterError(false)
        .exitOverride()
        .configureOutput({ writeErr: () => undefined });

    const catalogOptions = (cmd: Command, required: boolean): Command => {
        const flag = (f: string, d: string) => (required ? cmd.requiredOption(f, d) : cmd.option(f, d));
        flag("--cloud <cloud>", "AzurePublic, AzureUSGovernment or AzureChinaCloud (also public, usgovernment, china, AzureCloud)");
        flag("--storage <name>", "the workspace's default storage account (3-24 lower-case letters and digits)");
        flag("--region <region>", "the workspace's region, e.g. westeurope");
        return cmd
            .option("--scenario <name>", `add an optional scenario (repeatable): ${SCENARIOS}`, collect, [])
            .option("--all-scenarios", "every scenario the cloud offers")
            .addOption(new Option("--configuration <mode>", "full (service tags and hosts) or leastPrivilege").default("full"))
            .option("--allow-unlisted-region", "accept a region newer than the built-in list");
    };

    catalogOptions(program.command("hosts").description("Print the hosts, service tags and ports Azure ML needs, resolved for a workspace."), true)
        .addOption(new Option("--format <format>", "table, json, csv or markdown").default("table"))
        .addHelpText("after", "\nExamples:\n  azureml-firewall hosts --cloud public --storage stamldev001 --region westeurope\n  azureml-firewall hosts --cloud AzureUSGovernment --storage stamlgov001 --region usgovvirginia --scenario hbi --format markdown\n")
        .action(async (opts, cmd: Command) => {
            const { runHosts } = await import("./hosts");
            const { useColor } = await import("./format");
            setExit(runHosts(opts, { color: useColor(cmd.optsWithGlobals().color) }));
        });

    catalogOptions(program.command("audit").description("Check exported firewall rules against what Azure ML needs (exit 1 if anything is missing or denied)."), false)
        .option("--rules <file>", "rule collection groups: az ... rule-collection-group list output, ARM resources/template, or pulumi stack export (repeatable)", collect, [])
        .option("--parent-rules <file>", "rule collection groups of the base (parent) policy (repeatable)", collect, [])
        .option("--policy <file>", "the policy, as printed by az network firewall policy show (SKU, DNS proxy, base policy)")
        .option("--requirements <file>", "a JSON array of requirements to check instead of the catalog")
        .option("--source <cidr>", "a workload source CIDR (repeatable)", collect, [])
        .option("--source-ip-group <id>", "a workload source IP group resource ID (repeatable)", collect, [])
        .option("--dns-proxy <on|off>", "override whether the policy has DNS proxy on")
        .addOption(new Option("--format <format>", "table or json").default("table"))
        .addHelpText("after", [
            "",
            "Inputs come from the Azure CLI:",
            "  az network firewall policy rule-collection-group list -g RG --policy-name POLICY > rules.json",
            "  az network firewall policy show -g RG -n POLICY > policy.json",
            "",
            "Example:",
            "  azureml-firewall audit --rules rules.json --policy policy.json --cloud public --storage stamlprod001 --region westeurope --source 10.30.1.0/24",
            "",
        ].join("\n"))
        .action(async (opts, cmd: Command) => {
            const { runAudit } = await import("./audit");
            const { useColor } = await import("./format");
            setExit(runAudit(opts, { color: useColor(cmd.optsWithGlobals().color) }));
        });

    program.command("plan")
        .description("Run the project's Pulumi program for stacks/Pulumi.<stack>.yaml under mocks: resources, rules, explanations, policy verdict.")
        .requiredOption("--stack <name>", "the stack, e.g. dev")
        .addOption(new Option("--format <format>", "table or json").default("table"))
        .addHelpText("after", "\nExample:\n  azureml-firewall plan --stack dev\n")
        .action(async (opts, cmd: Command) => {
            const { runPlan } = await import("./plan");
            const { useColor } = await import("./format");
            setExit(await runPlan(opts, { color: useColor(cmd.optsWithGlobals().color) }));
        });
    return program;
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
    const program = buildProgram((c) => { code = c; });
    try {
        if (argv.length === 0) {
            process.stdout.write(program.helpInformation());
            process.exitCode = 2;
            return;
        }
        await program.parseAsync(argv, { from: "user" });
    } catch (error) {
        if (error instanceof CommanderError) {
            if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") {
                code = 0;
            } else {
                code = fail(error.message.replace(/^error: /, ""));
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
