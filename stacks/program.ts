/**
 * The stack program: one `AmlFirewallPolicy` built from the stack's `azureml-firewall:*` config.
 * `index.ts` runs it; tests and the CLI `plan` call `runProgram` under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { AmlFirewallPolicy } from "../components/amlFirewallPolicy";
import { CONFIG_NAMESPACE, STACK_CONFIG_KEYS, readStackConfig } from "./config";

export interface ProgramOutputs {
    firewallPolicyId: pulumi.Output<string>;
    firewallPolicyName: pulumi.Output<string>;
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
    const file = `stacks/Pulumi.${pulumi.getStack()}.yaml`;
    const settings = readStackConfig(raw, file);
    if (settings.provider === "classic") {
        throw new Error(`${file}: ${CONFIG_NAMESPACE}:provider: classic is not available in this release; use native.`);
    }
    const component = new AmlFirewallPolicy(`aml-${pulumi.getStack()}`, settings.args);
    return {
        firewallPolicyId: component.firewallPolicyId,
        firewallPolicyName: component.firewallPolicyName,
        ruleCollectionGroupName: component.ruleCollectionGroupName,
        ruleCollectionGroupId: component.ruleCollectionGroupId,
        ruleCount: component.ruleCount,
        notes: component.notes,
    };
}
