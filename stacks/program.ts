/**
 * The stack program: one `AmlFirewallPolicy` (or `AmlFirewallPolicyClassic` with
 * `azureml-firewall:provider: classic`) built from the stack's `azureml-firewall:*` config.
 * `index.ts` runs it; tests and the CLI `plan` call `runProgram` under mocks. Every key of the
 * namespace is read, so a misspelt key fails the program with the file and the key.
 */
import * as pulumi from "@pulumi/pulumi";
import { AmlFirewallPolicy } from "../components/amlFirewallPolicy";
import { namespaceConfig, readStackConfig } from "./config";

export interface ProgramOutputs {
    provider: string;
    firewallPolicyId: pulumi.Output<string>;
    ruleCollectionGroupName: pulumi.Output<string>;
    ruleCollectionGroupId: pulumi.Output<string>;
    ruleCount: pulumi.Output<number>;
    notes: pulumi.Output<string[]>;
}

/** Runs the program; `stackFile` names the stack file in config errors. */
export function runProgram(stackFile = `stacks/Pulumi.${pulumi.getStack()}.yaml`): ProgramOutputs {
    // Every key of the namespace, so that a misspelt one fails instead of being ignored.
    const settings = readStackConfig(namespaceConfig(pulumi.runtime.allConfig()), stackFile);
    const name = `aml-${pulumi.getStack()}`;
    // The classic component is loaded only when asked for, so native stacks never load @pulumi/azure.
    const component =
        settings.provider === "classic"
            ? new (require("../components/classic") as typeof import("../components/classic")).AmlFirewallPolicyClassic(
                  name,
                  settings.args,
              )
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
