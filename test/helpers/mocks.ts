/**
 * In-process Pulumi mocks: every registered resource is recorded with its resolved inputs; custom
 * resources get ARM-shaped IDs so that outputs derived from IDs can be checked.
 */
import * as pulumi from "@pulumi/pulumi";

export interface RecordedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    custom: boolean;
}

export const recorded: RecordedResource[] = [];

export const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

function armId(type: string, name: string, inputs: Record<string, any>): string {
    const rg = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${inputs.resourceGroupName ?? "rg"}`;
    switch (type) {
        case "azure-native:network:FirewallPolicy":
            return `${rg}/providers/Microsoft.Network/firewallPolicies/${inputs.firewallPolicyName ?? name}`;
        case "azure-native:network:FirewallPolicyRuleCollectionGroup":
            return `${rg}/providers/Microsoft.Network/firewallPolicies/${inputs.firewallPolicyName}/ruleCollectionGroups/${inputs.ruleCollectionGroupName ?? name}`;
        default:
            return `${rg}/providers/mock/${type.replace(/[:/]/g, ".")}/${name}`;
    }
}

/** Installs the mocks (once per process is enough; calling again resets the monitor). */
export function installMocks(stack = "test"): void {
    pulumi.runtime.setMocks({
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
            recorded.push({ type: args.type, name: args.name, inputs: args.inputs, custom: args.custom ?? true });
            if (args.custom === false) {
                return { id: undefined, state: {} };
            }
            const id = armId(args.type, args.name, args.inputs);
            const name = args.inputs.firewallPolicyName && args.type === "azure-native:network:FirewallPolicy"
                ? args.inputs.firewallPolicyName
                : args.inputs.ruleCollectionGroupName ?? args.inputs.name ?? `${args.name}-generated`;
            return { id, state: { ...args.inputs, name } };
        },
        call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
            return args.inputs;
        },
    }, "azureml-firewall", stack, false);
}

export function resetRecorded(): void {
    recorded.length = 0;
}

/** Resolves an Output to a Promise (rejects if the Output fails). */
export function unwrap<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve, reject) => {
        (output as any).promise().then(resolve, reject);
    });
}

export function byType(type: string): RecordedResource[] {
    return recorded.filter((r) => r.type === type);
}
