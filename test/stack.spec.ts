import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { byType, installMocks, recorded, resetRecorded, unwrap } from "./helpers/mocks";
import { readStackFile, parseStackFile, listStacks, StackFileError } from "../stacks/stackFile";
import { readStackConfig, StackConfigError } from "../stacks/config";
import { captureProgram } from "./helpers/mocks";
import { runProgram } from "../stacks/program";
import { policies } from "../policy/policies";
import { PackConfig, runPack } from "../cli/offline/policyRunner";
import * as fs from "fs";

const STACKS = path.join(__dirname, "..", "stacks");

/** Runs the stack program for a stack file under mocks and returns what it registered. */
export async function runStack(stack: string) {
    const { config } = readStackFile(STACKS, stack);
    installMocks(stack);
    pulumi.runtime.setAllConfig(config);
    resetRecorded();
    const { runProgram } = await import("../stacks/program");
    const outputs = runProgram();
    const values = await unwrap(pulumi.output({ ...outputs }));
    return { values, resources: [...recorded] };
}

describe("stack program", () => {
    it("lists the environment stacks", () => {
        assert.deepStrictEqual(listStacks(STACKS), ["china", "dev", "gov", "prod"]);
    });

    for (const stack of ["dev", "prod", "gov", "china"]) {
        it(`${stack}: the program passes the policy pack with policy/config.${stack}.json`, async () => {
            const { config } = readStackFile(STACKS, stack);
            pulumi.runtime.setAllConfig(config);
            const { runProgram } = await import("../stacks/program");
            const { resources } = await captureProgram(stack, () => runProgram());
            const packConfig = JSON.parse(
                fs.readFileSync(path.join(__dirname, "..", "policy", `config.${stack}.json`), "utf8"),
            ) as PackConfig;
            const runs = await runPack(policies, resources, packConfig);
            assert.deepStrictEqual(
                runs.flatMap((r) => [...r.violations.map((v) => v.message), ...r.cannotRun]),
                [],
            );
            assert.deepStrictEqual(runs[0].notApplicable, []);
            const types = resources.map((r) => r.type);
            const flavour = stack === "gov" ? "azure:network/firewallPolicy" : "azure-native:network:FirewallPolicy";
            assert.strictEqual(
                types.filter((t) => t.startsWith(flavour) && t.endsWith("RuleCollectionGroup")).length,
                1,
            );
            assert.strictEqual(
                types.includes(
                    stack === "gov"
                        ? "azure:network/firewallPolicy:FirewallPolicy"
                        : "azure-native:network:FirewallPolicy",
                ),
                stack !== "prod",
            );
            assert.strictEqual(
                types.some((t) => t.startsWith(stack === "gov" ? "azure-native:" : "azure:")),
                false,
            );
        });
    }

    it("prod attaches to the hub policy with least-privilege rules for two workspaces", async () => {
        const { config } = readStackFile(STACKS, "prod");
        pulumi.runtime.setAllConfig(config);
        const { runProgram } = await import("../stacks/program");
        const { resources } = await captureProgram("prod", () => runProgram());
        const rcg = resources.find((r) => r.type === "azure-native:network:FirewallPolicyRuleCollectionGroup")!;
        assert.strictEqual(rcg.inputs.firewallPolicyName, "fwp-hub-prod");
        assert.strictEqual(rcg.inputs.priority, 1200);
        const network = rcg.inputs.ruleCollections[0].rules.map((r: any) => [
            r.name,
            r.destinationAddresses.length ? r.destinationAddresses : r.destinationFqdns,
        ]);
        assert.deepStrictEqual(network, [
            ["fqdns-tcp-445", ["stamlprod001.file.core.windows.net", "stamlprod002.file.core.windows.net"]],
            ["fqdns-udp-5831", ["westeurope.tundra.azureml.ms"]],
            ["tags-tcp-8787-18881", ["AzureMachineLearning"]],
            ["tags-udp-443", ["BatchNodeManagement.WestEurope"]],
            ["tags-udp-5831", ["AzureMachineLearning"]],
        ]);
        assert.deepStrictEqual(rcg.inputs.ruleCollections[1].rules[0].sourceAddresses, [
            "10.30.1.0/24",
            "10.30.2.0/24",
        ]);
    });

    it("gov and china plan their own cloud's hosts", async () => {
        for (const [stack, host, absent] of [
            ["gov", "login.microsoftonline.us", "login.microsoftonline.com"],
            ["china", "login.chinacloudapi.cn", "AzureFrontDoor.Frontend"],
        ]) {
            const { config } = readStackFile(STACKS, stack);
            pulumi.runtime.setAllConfig(config);
            const { runProgram } = await import("../stacks/program");
            const { resources } = await captureProgram(stack, () => runProgram());
            const text = JSON.stringify(resources.find((r) => r.type.endsWith("RuleCollectionGroup"))!.inputs);
            assert.ok(text.includes(host), `${stack}: ${host}`);
            assert.ok(!text.includes(absent), `${stack}: ${absent}`);
        }
    });

    it("builds the dev stack: one component, a created policy and one rule collection group", async () => {
        const { values, resources } = await runStack("dev");
        assert.deepStrictEqual(
            resources.map((r) => [r.type, r.name]),
            [
                ["azureml-firewall:index:AmlFirewallPolicy", "aml-dev"],
                ["azure-native:network:FirewallPolicy", "aml-dev-policy"],
                ["azure-native:network:FirewallPolicyRuleCollectionGroup", "aml-dev-rcg"],
            ],
        );
        const rcg = byType("azure-native:network:FirewallPolicyRuleCollectionGroup")[0].inputs;
        assert.strictEqual(rcg.resourceGroupName, "rg-aml-network-dev");
        assert.deepStrictEqual(rcg.ruleCollections[1].rules.find((r: any) => r.name === "https-443").sourceAddresses, [
            "10.20.1.0/24",
        ]);
        assert.ok(
            rcg.ruleCollections[1].rules.find((r: any) => r.name === "https-443").targetFqdns.includes("pypi.org"),
        );
        assert.strictEqual(values.ruleCollectionGroupName, "aml-dev");
        assert.ok(values.ruleCount > 5);
    });

    it("is precompiled for `pulumi up`: Pulumi.yaml runs dist/stacks/index.js, local file backend", async () => {
        const yaml = require("js-yaml");
        const project = yaml.load(fs.readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8"));
        assert.deepStrictEqual(project.runtime, { name: "nodejs", options: { typescript: false } });
        assert.strictEqual(project.main, "dist/stacks/index.js");
        assert.strictEqual(project.stackConfigDir, "stacks");
        assert.deepStrictEqual(project.backend, { url: "file://." });
        // The compiled program (as `pulumi up` runs it) builds the same stack.
        const { config } = readStackFile(STACKS, "dev");
        pulumi.runtime.setAllConfig(config);
        const compiled = require(path.join(__dirname, "..", "dist", "stacks", "program.js"));
        const { resources } = await captureProgram("dev", () => compiled.runProgram());
        assert.deepStrictEqual(
            resources.map((r) => r.type),
            [
                "pulumi:pulumi:Stack",
                "azureml-firewall:index:AmlFirewallPolicy",
                "azure-native:network:FirewallPolicy",
                "azure-native:network:FirewallPolicyRuleCollectionGroup",
            ],
        );
    });

    it("names the file and the key for missing or bad config", () => {
        assert.throws(
            () => readStackConfig({ resourceGroupName: "rg" }, "stacks/Pulumi.x.yaml"),
            (e: unknown) =>
                e instanceof StackConfigError &&
                /^stacks\/Pulumi\.x\.yaml: azureml-firewall:region: missing; /.test((e as Error).message),
        );
        assert.throws(
            () => readStackConfig({ region: "westeurope", resourceGroupName: "rg", priority: "high" }, "f.yaml"),
            /^StackConfigError: f\.yaml: azureml-firewall:priority: "high" is not a number\.$/,
        );
        assert.throws(
            () =>
                readStackConfig(
                    { region: "westeurope", resourceGroupName: "rg", sourceAddresses: "10.0.0.0/24" },
                    "f.yaml",
                ),
            /f\.yaml: azureml-firewall:sourceAddresses: expected a YAML list, got "10\.0\.0\.0\/24"\./,
        );
        assert.throws(
            () => readStackConfig({ region: "westeurope", resourceGroupName: "rg", regoin: "x" }, "f.yaml"),
            /f\.yaml: azureml-firewall:regoin: unknown key; known keys are provider, workspaceName, storageAccountName, workspaces, region, /,
        );
        assert.throws(
            () => readStackConfig({ region: "westeurope", resourceGroupName: "rg", provider: "terraform" }, "f.yaml"),
            /f\.yaml: azureml-firewall:provider: "terraform" is not valid; use native or classic\./,
        );
        assert.throws(
            () =>
                readStackConfig(
                    {
                        region: "westeurope",
                        resourceGroupName: "rg",
                        provider: "classic",
                        existingFirewallPolicyName: "hub",
                    },
                    "f.yaml",
                ),
            /f\.yaml: azureml-firewall:existingFirewallPolicyName: does not apply to provider classic; use azureml-firewall:existingFirewallPolicyId\./,
        );
        assert.throws(
            () =>
                readStackConfig(
                    { region: "westeurope", resourceGroupName: "rg", existingPolicyDnsProxyEnabled: "yes" },
                    "f.yaml",
                ),
            /azureml-firewall:existingPolicyDnsProxyEnabled: "yes" is not true or false\./,
        );
    });

    it("fails the program on a misspelt key instead of ignoring it", async () => {
        const { config } = readStackFile(STACKS, "dev");
        pulumi.runtime.setAllConfig({ ...config, "azureml-firewall:senarios": '["python"]' });
        await assert.rejects(
            captureProgram("dev", () => runProgram()),
            (e: unknown) =>
                e instanceof StackConfigError &&
                /^stacks\/Pulumi\.dev\.yaml: azureml-firewall:senarios: unknown key; /.test((e as Error).message),
        );
    });

    it("reads every argument of the components from stack config, the ones added since too", () => {
        const settings = readStackConfig(
            {
                region: "westeurope",
                resourceGroupName: "rg",
                allowAnySource: "true",
                location: "northeurope",
                threatIntelMode: "Deny",
                tags: '{"CostCenter":"aml"}',
            },
            "f.yaml",
        );
        assert.deepStrictEqual(settings, {
            provider: "native",
            args: {
                region: "westeurope",
                resourceGroupName: "rg",
                allowAnySource: true,
                location: "northeurope",
                threatIntelMode: "Deny",
                tags: { CostCenter: "aml" },
            },
        });
        assert.throws(
            () =>
                readStackConfig({ region: "westeurope", resourceGroupName: "rg", allowIpv6Sources: "false" }, "f.yaml"),
            /^StackConfigError: f\.yaml: azureml-firewall:allowIpv6Sources: removed: Azure Firewall does not support IPv6 \(azure-docs articles\/firewall\/firewall-known-issues\.md/,
        );
        assert.throws(
            () => readStackConfig({ region: "westeurope", resourceGroupName: "rg", tags: "[1]" }, "f.yaml"),
            /^StackConfigError: f\.yaml: azureml-firewall:tags: expected a YAML mapping of tag names to values, got "\[1\]"\.$/,
        );
    });

    it("reads stack files the way Pulumi passes config, and refuses what it cannot use", () => {
        assert.deepStrictEqual(parseStackFile("config:\n  a:b: x\n  a:list:\n    - 1\n    - two\n", "f"), {
            "a:b": "x",
            "a:list": '[1,"two"]',
        });
        assert.throws(
            () => parseStackFile("config:\n  a:b:\n    secure: AAAA\n", "f"),
            /f: a:b is a secret; offline planning cannot decrypt it\./,
        );
        assert.throws(
            () => readStackFile(STACKS, "nope"),
            (e: unknown) =>
                e instanceof StackFileError && /unknown stack "nope": .*stacks are: .*dev/.test((e as Error).message),
        );
    });
});
