/**
 * The stack program: one `AmlFirewallPolicy` (or `AmlFirewallPolicyClassic` with
 * `azureml-firewall:provider: classic`) built from the stack's `azureml-firewall:*` config.
 * `index.ts` runs it; tests and the CLI `plan` call `runProgram` under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { AmlFirewallPolicy } from "../components/amlFirewallPolicy";
import { CONFIG_NAMESPACE, STACK_CONFIG_KEYS, readStackConfig } from "./config";

export interface ProgramOutputs {
    provider: string;
    firewallPolicyId: pulumi.Output<string>;
    ruleCollectionGroupName: pulumi.Output<string>;
    ruleCollectionGroupId: pulumi.Output<string>;
    ruleCount: pulumi.Output<number>;
    notes: pulumi.Output<string[]>;
}

export function runProgram(): ProgramOutputs {
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    const raw: Record<string, string | undefined> = {};
    for (const key of Object.keys(STACK_CONFIG_KEYS)) {
        raw[key] = config.get(key);
    }
    const settings = readStackConfig(raw, `stacks/Pulumi.${pulumi.getStack()}.yaml`);
    const name = `aml-${pulumi.getStack()}`;
    // The classic component is loaded only when asked for, so native stacks never load @pulumi/azure.
    const component = settings.provider === "classic"
        ? new (require("../components/classic") as typeof import("../components/classic")).AmlFirewallPolicyClassic(name, settings.args)
        : new AmlFirewallPolicy(name, settings.args);
    return {
        provider: settings.provider,
        firewallPolicyId: component.firewallPolicyId,
        ruleCollectionGroupName: component.ruleCollectionGroupName,
        ruleCollectionGroupId: component.ruleCollectionGroupId,
        ruleCount: component.ruleCount,
        notes: component.notes,
    };
}
