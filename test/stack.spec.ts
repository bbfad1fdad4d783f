import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { byType, installMocks, recorded, resetRecorded, unwrap } from "./helpers/mocks";
import { readStackFile, parseStackFile, listStacks, StackFileError } from "../stacks/stackFile";
import { readStackConfig, StackConfigError } from "../stacks/config";

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
        assert.deepStrictEqual(listStacks(STACKS).includes("dev"), true);
    });

    it("builds the dev stack: one component, a created policy and one rule collection group", async () => {
        const { values, resources } = await runStack("dev");
        assert.deepStrictEqual(resources.map((r) => [r.type, r.name]), [
            ["azureml-firewall:index:AmlFirewallPolicy", "aml-dev"],
            ["azure-native:network:FirewallPolicy", "aml-dev-policy"],
            ["azure-native:network:FirewallPolicyRuleCollectionGroup", "aml-dev-rcg"],
        ]);
        const rcg = byType("azure-native:network:FirewallPolicyRuleCollectionGroup")[0].inputs;
        assert.strictEqual(rcg.resourceGroupName, "rg-aml-network-dev");
        assert.deepStrictEqual(rcg.ruleCollections[1].rules.find((r: any) => r.name === "https-443").sourceAddresses, ["10.20.1.0/24"]);
        assert.ok(rcg.ruleCollections[1].rules.find((r: any) => r.name === "https-443").targetFqdns.includes("pypi.org"));
        assert.strictEqual(values.ruleCollectionGroupName, "aml-dev");
        assert.ok(values.ruleCount > 5);
    });

    it("names the file and the key for missing or bad config", () => {
        assert.throws(() => readStackConfig({ resourceGroupName: "rg" }, "stacks/Pulumi.x.yaml"),
            (e: unknown) => e instanceof StackConfigError && /^stacks\/Pulumi\.x\.yaml: azureml-firewall:region: missing; /.test((e as Error).message));
        assert.throws(() => readStackConfig({ region: "westeurope", resourceGroupName: "rg", priority: "high" }, "f.yaml"),
            /^StackConfigError: f\.yaml: azureml-firewall:priority: "high" is not a number\.$/);
        assert.throws(() => readStackConfig({ region: "westeurope", resourceGroupName: "rg", sourceAddresses: "10.0.0.0/24" }, "f.yaml"),
            /f\.yaml: azureml-firewall:sourceAddresses: expected a YAML list, got "10\.0\.0\.0\/24"\./);
        assert.throws(() => readStackConfig({ region: "westeurope", resourceGroupName: "rg", regoin: "x" }, "f.yaml"),
            /f\.yaml: azureml-firewall:regoin: unknown key; known keys are provider, cloud, region/);
        assert.throws(() => readStackConfig({ region: "westeurope", resourceGroupName: "rg", provider: "terraform" }, "f.yaml"),
            /f\.yaml: azureml-firewall:provider: "terraform" is not valid; use native or classic\./);
        assert.throws(() => readStackConfig({ region: "westeurope", resourceGroupName: "rg", existingPolicyDnsProxyEnabled: "yes" }, "f.yaml"),
            /azureml-firewall:existingPolicyDnsProxyEnabled: "yes" is not true or false\./);
    });

    it("reads stack files the way Pulumi passes config, and refuses what it cannot use", () => {
        assert.deepStrictEqual(parseStackFile("config:\n  a:b: x\n  a:list:\n    - 1\n    - two\n", "f"), { "a:b": "x", "a:list": '[1,"two"]' });
        assert.throws(() => parseStackFile("config:\n  a:b:\n    secure: AAAA\n", "f"), /f: a:b is a secret; offline planning cannot decrypt it\./);
        assert.throws(() => readStackFile(STACKS, "nope"), (e: unknown) => e instanceof StackFileError && /unknown stack "nope": .*stacks are: .*dev/.test((e as Error).message));
    });
});
