/**
 * `export --format az|arm|terraform`, checked against the tools' own definitions rather than our
 * expectations: the ARM template's resource against Microsoft's ARM schema (test/fixtures/arm), every az
 * command against the azure-firewall extension's parameter definitions and replayed as its functions build
 * the group (test/fixtures/azure-cli), the HCL parsed by HashiCorp's HCL parser (hcl2json) and checked with
 * azurerm's validators (test/helpers/providerChecks.ts). For all three clouds, every scenario, with and
 * without DNS proxy; and the same rules as the components write for the same input.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import Ajv from "ajv-draft-04";
import { Cloud } from "../components/catalog/types";
import { scenariosOffered } from "../components/requirements";
import { ExportOptions, exportPlan, exportText } from "../cli/export";
import { azurermGroupErrors } from "./helpers/providerChecks";
import { captureProgram } from "./helpers/mocks";

const ROOT = path.join(__dirname, "..");
const ARM_SCHEMA = require("./fixtures/arm/firewallPolicies_ruleCollectionGroups.schema.json");
const AZ = require("./fixtures/azure-cli/firewall-policy-rule-collection-group.params.json");
const HUB = { resourceGroup: "rg-hub", firewallPolicyName: "fwp-hub" };
const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const HUB_ID =
    `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-hub/providers/Microsoft.Network/firewallPolicies/` + "fwp-hub";

/** One workspace and its compute subnet, as flags. */
const WORKSPACE = [
    "--cloud",
    "public",
    "--storage",
    "stamlprod001",
    "--region",
    "westeurope",
    "--source",
    "10.30.1.0/24",
];

function bin(...args: string[]) {
    return spawnSync(process.execPath, [path.join(ROOT, "bin", "azureml-firewall"), ...args], { encoding: "utf8" });
}

const CLOUDS: { cloud: Cloud; region: string }[] = [
    { cloud: "AzurePublic", region: "westeurope" },
    { cloud: "AzureUSGovernment", region: "usgovvirginia" },
    { cloud: "AzureChinaCloud", region: "chinaeast2" },
];

/** Every case: each cloud, no scenario, each scenario alone, all of them; DNS proxy on and off. */
function cases(): { name: string; options: Omit<ExportOptions, "format"> }[] {
    return CLOUDS.flatMap(({ cloud, region }) => {
        const sets: string[][] = [[], ...scenariosOffered(cloud).map((s) => [s]), scenariosOffered(cloud)];
        return sets.flatMap((scenario) =>
            ["true", "false"].map((dnsProxy) => ({
                name: `${cloud} [${scenario.join(",")}] dns proxy ${dnsProxy}`,
                options: {
                    cloud,
                    region,
                    storage: "stamlprod001",
                    scenario,
                    containerRegistry: "acrmlprod001",
                    workspaceId: "11111111-2222-3333-4444-555555555555",
                    source: ["10.30.1.0/24", "10.30.2.0/24"],
                    dnsProxy,
                    ...HUB,
                },
            })),
        );
    });
}

/**
 * The export of a case, or undefined where the planner refuses it as the components do: a host no rule can
 * express without DNS proxy (the kubernetes scenario's regional arc host) only when DNS proxy is off.
 */
function attempt(name: string, options: ExportOptions): string | undefined {
    try {
        return exportText(options, "test");
    } catch (error) {
        assert.strictEqual(options.dnsProxy, "false", `${name}: ${(error as Error).message}`);
        assert.match(
            (error as Error).message,
            /no Azure Firewall rule can express these: .*the policy has no DNS proxy/,
        );
        return undefined;
    }
}

/** The ARM schema, strict: ajv draft-04, and the ARM resources' expression alternative kept. */
const validateArm = new Ajv({ allErrors: true, strict: false }).compile({
    ...ARM_SCHEMA.resourceDefinitions.firewallPolicies_ruleCollectionGroups,
    definitions: ARM_SCHEMA.definitions,
    commonDefinitions: ARM_SCHEMA.commonDefinitions,
});

/** Keys the schema does not define for a rule or a collection (the schemas allow any extra property). */
function unknownKeys(resource: any): string[] {
    const defs = ARM_SCHEMA.definitions;
    const variantKeys = (def: any, discriminator: string, value: string) => [
        ...Object.keys(def.properties),
        ...Object.keys(def.oneOf.find((v: any) => v.properties[discriminator].enum.includes(value))?.properties ?? {}),
    ];
    return resource.properties.ruleCollections.flatMap((c: any) => [
        ...Object.keys(c)
            .filter(
                (k) =>
                    !variantKeys(
                        defs.FirewallPolicyRuleCollection,
                        "ruleCollectionType",
                        c.ruleCollectionType,
                    ).includes(k),
            )
            .map((k) => `${c.name}.${k}`),
        ...c.rules.flatMap((r: any) =>
            Object.keys(r)
                .filter((k) => !variantKeys(defs.FirewallPolicyRule, "ruleType", r.ruleType).includes(k))
                .map((k) => `${c.name}/${r.name}.${k}`),
        ),
    ]);
}

/** Shell words of one line: '...' and "..." quoting, $VAR from the script's assignments. */
function words(line: string, vars: Record<string, string>): string[] {
    const out: string[] = [];
    const re = /'((?:[^']|'\\'')*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g;
    for (let m = re.exec(line); m; m = re.exec(line)) {
        const text = m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : (m[2] ?? m[3]);
        out.push(m[1] !== undefined ? text : text.replace(/\$([A-Z_]+)/g, (_, v: string) => vars[v] ?? `$${v}`));
    }
    return out;
}

/** Checks every az command against the extension's definitions; replays them into the group they build. */
function replayAz(script: string): { group: any; errors: string[] } {
    const vars: Record<string, string> = {};
    const errors: string[] = [];
    let group: any;
    for (const line of script.split("\n")) {
        const assignment = /^([A-Z_]+)=(.*)$/.exec(line);
        if (assignment) {
            vars[assignment[1]] = words(assignment[2], vars)[0];
            continue;
        }
        if (!line.startsWith("az ")) {
            continue;
        }
        const all = words(line, vars).slice(1);
        const at = all.findIndex((w) => w.startsWith("-"));
        const name = all.slice(0, at).join(" ");
        const spec = AZ.commands[name];
        if (!spec) {
            errors.push(`unknown command az ${name}`);
            continue;
        }
        const args: Record<string, string[]> = {};
        let current = "";
        for (const w of all.slice(at)) {
            if (w.startsWith("-")) {
                current = Object.keys(spec).find((o) => o === w || spec[o].aliases?.includes(w)) ?? w;
                if (!spec[current]) {
                    errors.push(`${name}: unknown option ${w}`);
                }
                args[current] = [];
            } else {
                args[current].push(w);
            }
        }
        for (const [option, values] of Object.entries(args)) {
            const def = spec[option] ?? {};
            if (!def.nargs && values.length !== 1 && option !== "--enable-tls-inspection") {
                errors.push(`${name} ${option}: takes one value, got ${values.length}`);
            }
            for (const v of values) {
                if (def.choices && !def.choices.includes(v)) {
                    errors.push(`${name} ${option}: ${v} is not one of ${def.choices.join(", ")}`);
                }
                if (
                    def.integer &&
                    !(Number.isInteger(Number(v)) && Number(v) >= def.integer[0] && Number(v) <= def.integer[1])
                ) {
                    errors.push(`${name} ${option}: ${v} is not an integer in ${def.integer.join("-")}`);
                }
                if (def.pattern && !new RegExp(def.pattern).test(v)) {
                    errors.push(`${name} ${option}: ${v} does not match ${def.pattern}`);
                }
            }
        }
        Object.entries(spec)
            .filter(([option, def]: [string, any]) => def.required && !args[option])
            .forEach(([option]) => errors.push(`${name}: missing ${option}`));
        const list = (o: string) => args[o];
        const rule = (ruleName: string) =>
            args["--rule-type"][0] === "NetworkRule"
                ? {
                      ruleType: "NetworkRule",
                      name: ruleName,
                      ipProtocols: list("--ip-protocols"),
                      sourceAddresses: list("--source-addresses"),
                      sourceIpGroups: list("--source-ip-groups"),
                      destinationAddresses: list("--destination-addresses"),
                      destinationIpGroups: list("--destination-ip-groups"),
                      destinationFqdns: list("--destination-fqdns"),
                      destinationPorts: list("--destination-ports"),
                  }
                : {
                      ruleType: "ApplicationRule",
                      name: ruleName,
                      protocols: list("--protocols").map((p) => {
                          const [protocolType, port] = p.split("=");
                          return { protocolType, port: Number(port) };
                      }),
                      sourceAddresses: list("--source-addresses"),
                      sourceIpGroups: list("--source-ip-groups"),
                      targetFqdns: list("--target-fqdns"),
                  };
        if (name.endsWith("rule-collection-group create")) {
            group = { name: args["--name"][0], priority: Number(args["--priority"][0]), ruleCollections: [] };
        } else if (name.endsWith("add-filter-collection")) {
            group.ruleCollections.push({
                name: args["--name"][0],
                priority: Number(args["--collection-priority"][0]),
                action: { type: args["--action"][0] },
                rules: [rule(args["--rule-name"][0])],
            });
        } else {
            group.ruleCollections
                .find((c: any) => c.name === args["--collection-name"][0])
                .rules.push(rule(args["--name"][0]));
        }
    }
    return { group, errors };
}

/** Drops undefined fields and the collection type, to compare rules by their content. */
function plain(collections: any[]): any[] {
    return JSON.parse(JSON.stringify(collections.map(({ ruleCollectionType: _t, ...c }) => c)));
}

/** The HCL's group as the classic component's inputs (camelCase), with the policy's data source resolved. */
async function readHcl(text: string): Promise<any> {
    const { parse } = require("@cdktf/hcl2json");
    const parsed = await parse("export.tf", text);
    const [label] = Object.keys(parsed.resource.azurerm_firewall_policy_rule_collection_group);
    const block = parsed.resource.azurerm_firewall_policy_rule_collection_group[label][0];
    const data = parsed.data.azurerm_firewall_policy.target[0];
    const camel = (value: any): any =>
        Array.isArray(value)
            ? value.map(camel)
            : value && typeof value === "object"
              ? Object.fromEntries(
                    Object.entries(value).map(([k, v]) => [k.replace(/_(\w)/g, (_, c) => c.toUpperCase()), camel(v)]),
                )
              : value;
    const collections = (kind: string) =>
        (block[`${kind}_rule_collection`] ?? []).map((c: any) => ({
            ...camel(c),
            rules: camel(c.rule),
            rule: undefined,
        }));
    return {
        data,
        inputs: {
            name: block.name,
            priority: block.priority,
            firewallPolicyId: block.firewall_policy_id,
            networkRuleCollections: JSON.parse(JSON.stringify(collections("network"))),
            applicationRuleCollections: JSON.parse(JSON.stringify(collections("application"))),
        },
    };
}

describe("export for the network team", function () {
    this.timeout(120000);

    it("writes an ARM template whose resource Microsoft's ARM schema accepts, with only fields it defines", () => {
        for (const { name, options } of cases()) {
            const text = attempt(name, { ...options, format: "arm" });
            if (text === undefined) {
                continue;
            }
            const template = JSON.parse(text);
            assert.strictEqual(
                template.$schema,
                "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            );
            assert.strictEqual(template.contentVersion, "1.0.0.0");
            const [resource] = template.resources;
            assert.ok(validateArm(resource), `${name}: ${JSON.stringify(validateArm.errors?.slice(0, 3))}`);
            assert.deepStrictEqual(unknownKeys(resource), [], name);
        }
        // The schema is live: a wrong enum is refused.
        const bad = JSON.parse(exportText({ ...cases()[0].options, format: "arm" }, "test")).resources[0];
        bad.properties.ruleCollections[0].rules[0].ipProtocols = ["SCTP"];
        assert.strictEqual(validateArm(bad), false);
    });

    it("writes az commands the azure-firewall extension defines, which build the components' group", () => {
        for (const { name, options } of cases()) {
            const text = attempt(name, { ...options, format: "az" });
            if (text === undefined) {
                continue;
            }
            const { group, errors } = replayAz(text);
            assert.deepStrictEqual(errors, [], name);
            const plan = exportPlan({ ...options, format: "az" });
            assert.deepStrictEqual(
                [group.name, group.priority, plain(group.ruleCollections)],
                [plan.ruleCollectionGroupName, plan.priority, plain(plan.plan.ruleCollections)],
                name,
            );
        }
        const { errors } = replayAz("az network firewall policy rule-collection-group create --name x --priority 99");
        assert.deepStrictEqual(errors, [
            "network firewall policy rule-collection-group create --priority: 99 is not an integer in 100-65000",
            "network firewall policy rule-collection-group create: missing --resource-group",
            "network firewall policy rule-collection-group create: missing --policy-name",
        ]);
    });

    it("writes Terraform that HCL parses and azurerm's validators accept", async () => {
        for (const { name, options } of cases()) {
            const text = attempt(name, { ...options, format: "terraform" });
            if (text === undefined) {
                continue;
            }
            const { data, inputs } = await readHcl(text);
            assert.deepStrictEqual(data, { name: "fwp-hub", resource_group_name: "rg-hub" }, name);
            assert.strictEqual(inputs.firewallPolicyId, "${data.azurerm_firewall_policy.target.id}");
            assert.deepStrictEqual(azurermGroupErrors({ ...inputs, firewallPolicyId: HUB_ID }), [], name);
        }
    });

    it("gives the rules the components write for the same input, in every cloud", async () => {
        const { AmlFirewallPolicy } = require("../components/amlFirewallPolicy");
        const { AmlFirewallPolicyClassic } = require("../components/classic");
        for (const { cloud, region } of CLOUDS) {
            const options: ExportOptions = {
                cloud,
                region,
                storage: "stamlprod001",
                scenario: scenariosOffered(cloud),
                source: ["10.30.1.0/24"],
                format: "arm",
                ...HUB,
            };
            const args = {
                workspaces: [{ name: "workspace", storageAccountName: "stamlprod001", region }],
                region,
                cloud,
                scenarios: scenariosOffered(cloud),
                sourceAddresses: ["10.30.1.0/24"],
                resourceGroupName: "rg-hub",
                ruleCollectionGroupName: "azureml-egress",
                existingPolicyDnsProxyEnabled: true,
            };
            const { resources } = await captureProgram("export", () => {
                new AmlFirewallPolicy("native", { ...args, existingFirewallPolicyName: "fwp-hub" });
                new AmlFirewallPolicyClassic("classic", {
                    ...args,
                    ruleCollectionGroupName: "azureml-egress-classic",
                    existingFirewallPolicyId: HUB_ID,
                });
            });
            const native = resources.find((r) => r.type === "azure-native:network:FirewallPolicyRuleCollectionGroup")!;
            const arm = JSON.parse(exportText(options, "test")).resources[0];
            assert.deepStrictEqual(
                arm.properties,
                { priority: native.inputs.priority, ruleCollections: native.inputs.ruleCollections },
                cloud,
            );
            const classic = resources.find(
                (r) => r.type === "azure:network/firewallPolicyRuleCollectionGroup:FirewallPolicyRuleCollectionGroup",
            )!;
            const { inputs } = await readHcl(exportText({ ...options, format: "terraform" }, "test"));
            assert.deepStrictEqual(
                [inputs.networkRuleCollections, inputs.applicationRuleCollections],
                [classic.inputs.networkRuleCollections, classic.inputs.applicationRuleCollections],
                cloud,
            );
        }
    });

    it("puts the sources and the same rules, as az commands, into the Markdown change request of hosts", () => {
        const run = bin("hosts", ...WORKSPACE, "--scenario", "python", "--format", "markdown");
        assert.strictEqual(run.status, 0, run.stderr);
        assert.match(run.stdout, /^Sources \(every rule\): 10\.30\.1\.0\/24\.$/m);
        const block = /<summary>az network firewall policy[^\n]*\n\n```bash\n([^]*?)```/.exec(run.stdout)![1];
        const { group, errors } = replayAz(block.replace(/"\$(RESOURCE_GROUP|POLICY|GROUP)"/g, "x"));
        assert.deepStrictEqual(errors, []);
        const plan = exportPlan({
            cloud: "public",
            storage: "stamlprod001",
            region: "westeurope",
            scenario: ["python"],
            source: ["10.30.1.0/24"],
            format: "az",
            ...HUB,
        });
        assert.deepStrictEqual(plain(group.ruleCollections), plain(plan.plan.ruleCollections));
        const table = bin("hosts", ...WORKSPACE);
        assert.strictEqual(table.status, 2);
        assert.match(
            table.stderr,
            /^azureml-firewall: --source: only the Markdown change request uses it; give --format markdown/,
        );
    });

    it("runs from the binary, and refuses missing or wrong flags in one line (exit 2)", () => {
        const cli = (...args: string[]) => bin("export", ...args);
        const base = WORKSPACE;
        const ok = cli("--format", "az", ...base, "--resource-group", "rg-hub", "--firewall-policy-name", "fwp-hub");
        assert.strictEqual(ok.status, 0, ok.stderr);
        assert.match(ok.stdout, /^#!\/usr\/bin\/env bash\n/);
        const cases: [string[], RegExp][] = [
            [
                ["--format", "az", ...base],
                /^azureml-firewall: missing --resource-group: export needs --cloud, --resource-group and --firewall-policy-name$/,
            ],
            [
                ["--format", "bicep", ...base, "--resource-group", "r", "--firewall-policy-name", "p"],
                /--format: "bicep" is not valid; use az, arm, terraform/,
            ],
            [
                ["--format", "arm", ...base.slice(0, -2), "--resource-group", "r", "--firewall-policy-name", "p"],
                /^azureml-firewall: --source: .*/,
            ],
            [
                [
                    "--format",
                    "arm",
                    ...base,
                    "--resource-group",
                    "r",
                    "--firewall-policy-name",
                    "p",
                    "--priority",
                    "99",
                ],
                /--priority: 99 is not valid/,
            ],
        ];
        for (const [args, message] of cases) {
            const run = cli(...args);
            assert.strictEqual(run.status, 2, `${args.join(" ")}: ${run.stdout.slice(0, 200)}`);
            assert.match(run.stderr.trim(), message);
        }
    });
});
