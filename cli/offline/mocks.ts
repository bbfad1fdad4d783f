/**
 * Running a Pulumi program offline: in-process mocks that record every resource with its resolved
 * inputs, ARM-shaped IDs for custom resources, and a capture of the whole stack (types, names, parents,
 * dependencies, property dependencies, outputs) in the shape the policy server gives a pack.
 * Used by the tests and by the CLI `plan`.
 */
// Recorded inputs and outputs are untyped JSON from the program under test; callers index into them freely.
/* eslint-disable @typescript-eslint/no-explicit-any */
import * as pulumi from "@pulumi/pulumi";
import { isUnknown } from "@pulumi/pulumi/output";
import { UNKNOWN, providerOutputs } from "./providerOutputs";
import {
    TYPES,
    isClassicPolicy,
    isClassicRcg,
    isNativeFirewall,
    isNativePolicy,
    isNativeRcg,
} from "../../components/firewall/tokens";

export interface RecordedResource {
    type: string;
    name: string;
    inputs: Record<string, any>;
    custom: boolean;
    state: Record<string, any>;
}

export const recorded: RecordedResource[] = [];

export const MOCK_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

function armId(type: string, name: string, inputs: Record<string, any>): string {
    const rg = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${inputs.resourceGroupName ?? "rg"}`;
    if (isNativePolicy(type)) {
        return `${rg}/providers/Microsoft.Network/firewallPolicies/${inputs.firewallPolicyName ?? name}`;
    }
    if (isNativeRcg(type)) {
        const policy = `${rg}/providers/Microsoft.Network/firewallPolicies/${inputs.firewallPolicyName}`;
        return `${policy}/ruleCollectionGroups/${inputs.ruleCollectionGroupName ?? name}`;
    }
    if (isClassicPolicy(type)) {
        return `${rg}/providers/Microsoft.Network/firewallPolicies/${inputs.name ?? name}`;
    }
    if (isClassicRcg(type)) {
        return `${inputs.firewallPolicyId}/ruleCollectionGroups/${inputs.name ?? name}`;
    }
    return `${rg}/providers/mock/${type.replace(/[:/]/g, ".")}/${name}`;
}

/** Inputs as the engine sends them to analyzers: a value unknown during a preview as Pulumi's unknown sentinel. */
function withUnknowns(value: any): any {
    if (isUnknown(value)) {
        return UNKNOWN;
    }
    if (Array.isArray(value)) {
        return value.map(withUnknowns);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withUnknowns(v)]));
    }
    return value;
}

/** The Azure name a resource gets: the name input of its provider, else one generated from the Pulumi name. */
function nameOf(
    type: string,
    name: string,
    inputs: Record<string, any>,
): { azureName: string; nameGenerated: boolean } {
    const given =
        type === TYPES.nativePolicy ? inputs.firewallPolicyName : (inputs.ruleCollectionGroupName ?? inputs.name);
    return typeof given === "string"
        ? { azureName: given, nameGenerated: false }
        : { azureName: `${name}-generated`, nameGenerated: true };
}

/**
 * What the provider answers when a custom resource is created: its ARM-shaped ID and the outputs the
 * provider really returns (see providerOutputs). Shared by the in-process mocks and any monitor a test runs.
 */
export function mockCreate(
    type: string,
    name: string,
    inputs: Record<string, any>,
    preview: boolean,
): { id: string; state: Record<string, any> } {
    const id = armId(type, name, inputs);
    const state = providerOutputs({ type, id, inputs, preview, ...nameOf(type, name, inputs) });
    if (isNativeFirewall(type) && Array.isArray(inputs.ipConfigurations)) {
        // Azure gives the firewall the first usable address (.4) of its subnet.
        state.ipConfigurations = inputs.ipConfigurations.map((c: Record<string, any>, i: number) => ({
            ...c,
            privateIPAddress: `10.0.0.${4 + i}`,
        }));
    }
    return { id, state };
}

/** Installs mocks that record every resource; `preview` makes what the cloud computes unknown. */
export function installMocks(stack = "test", project = "azureml-firewall", preview = false): void {
    pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
                const inputs = withUnknowns(args.inputs);
                if (args.custom === false) {
                    recorded.push({ type: args.type, name: args.name, inputs, custom: false, state: {} });
                    return { id: undefined, state: {} };
                }
                const { id, state } = mockCreate(args.type, args.name, args.inputs, preview);
                recorded.push({ type: args.type, name: args.name, inputs, custom: true, state });
                return { id: preview ? undefined : id, state };
            },
            call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
                return args.inputs;
            },
        },
        project,
        stack,
        false,
    );
}

export function resetRecorded(): void {
    recorded.length = 0;
}

/** Resolves an Output to a Promise (rejects if the Output fails). */
export function unwrap<T>(output: pulumi.Output<T>): Promise<T> {
    return (output as unknown as { promise(): Promise<T> }).promise();
}

/** A resource as the policy server describes it: outputs, parent and dependencies by URN. */
export interface CapturedResource {
    type: string;
    name: string;
    urn: string;
    custom: boolean;
    inputs: Record<string, any>;
    props: Record<string, any>;
    parent?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
}

async function dependenciesOf(value: unknown, into: Set<pulumi.Resource>): Promise<void> {
    if (pulumi.Output.isInstance(value)) {
        const internal = value as unknown as {
            resources(): Promise<Set<pulumi.Resource>>;
            allResources?: () => Promise<Set<pulumi.Resource>>;
        };
        for (const r of await (internal.allResources ? internal.allResources() : internal.resources())) {
            into.add(r);
        }
        return;
    }
    if (pulumi.Resource.isInstance(value)) {
        return;
    }
    if (Array.isArray(value)) {
        await Promise.all(value.map((v) => dependenciesOf(v, into)));
    } else if (value !== null && typeof value === "object" && !(value instanceof Promise)) {
        await Promise.all(Object.values(value).map((v) => dependenciesOf(v, into)));
    }
}

/**
 * Records, per `type::name`, the dependencies each registration sends the engine (the mock monitor's
 * requests): the SDK expands a component named in `dependsOn` into the resources inside it.
 */
function recordRegistrations(
    into: Map<string, { dependencies: string[]; propertyDependencies: Record<string, string[]> }>,
): void {
    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request: any, callback: any) => {
        const propertyDependencies: Record<string, string[]> = {};
        request.getPropertydependenciesMap().forEach((value: any, key: string) => {
            propertyDependencies[key] = value.getUrnsList();
        });
        into.set(`${request.getType()}::${request.getName()}`, {
            dependencies: request.getDependenciesList(),
            propertyDependencies,
        });
        return register(request, callback);
    };
}

/** A resource's dependencies as the program declared them: the resources its props and dependsOn name. */
async function dependenciesFromProgram(
    props: Record<string, any> | undefined,
    opts: pulumi.ResourceOptions,
    urnOf: Map<pulumi.Resource, string>,
): Promise<{ dependencies: string[]; propertyDependencies: Record<string, string[]> }> {
    const propertyDependencies: Record<string, string[]> = {};
    const dependencies = new Set<string>();
    for (const [key, value] of Object.entries(props ?? {})) {
        const deps = new Set<pulumi.Resource>();
        await dependenciesOf(value, deps);
        const list = [...deps].map((d) => urnOf.get(d)).filter((u): u is string => u !== undefined);
        if (list.length) {
            propertyDependencies[key] = list;
            list.forEach((u) => dependencies.add(u));
        }
    }
    let dependsOn: unknown = opts.dependsOn;
    if (pulumi.Output.isInstance(dependsOn)) {
        dependsOn = await unwrap(dependsOn as pulumi.Output<unknown>);
    }
    for (const d of (Array.isArray(dependsOn) ? dependsOn : dependsOn ? [dependsOn] : []) as pulumi.Resource[]) {
        const u = urnOf.get(d);
        if (u) {
            dependencies.add(u);
        }
    }
    return { dependencies: [...dependencies], propertyDependencies };
}

/**
 * Runs `program` as a Pulumi stack under mocks and returns every resource it registered, including
 * the `pulumi:pulumi:Stack` root, with parents and (property) dependencies; props are what each
 * provider returns (see `providerOutputs`), and with `preview` what the cloud computes is unknown.
 */
export async function captureProgram(
    stack: string,
    program: () => unknown,
    project = "azureml-firewall",
    preview = false,
): Promise<{ resources: CapturedResource[]; outputs: Record<string, any> }> {
    installMocks(stack, project, preview);
    resetRecorded();
    const seen: {
        resource: pulumi.Resource;
        type: string;
        name: string;
        props: Record<string, any>;
        opts: pulumi.ResourceOptions;
    }[] = [];
    const stackModule = require("@pulumi/pulumi/runtime/stack") as {
        runInPulumiStack(init: () => Promise<any>): Promise<any>;
    };
    const sent = new Map<string, { dependencies: string[]; propertyDependencies: Record<string, string[]> }>();
    const outputs = await stackModule.runInPulumiStack(async () => {
        recordRegistrations(sent);
        pulumi.runtime.registerStackTransformation((t) => {
            seen.push({ resource: t.resource, type: t.type, name: t.name, props: t.props, opts: t.opts });
            return undefined;
        });
        return program();
    });
    const urns = await Promise.all(seen.map((s) => unwrap(s.resource.urn)));
    const urnOf = new Map<pulumi.Resource, string>(seen.map((s, i) => [s.resource, urns[i]]));
    const root = recorded.find((r) => r.type === "pulumi:pulumi:Stack");
    const rootUrn = root ? `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}` : undefined;
    const resources: CapturedResource[] = [];
    if (rootUrn) {
        resources.push({
            type: "pulumi:pulumi:Stack",
            name: `${project}-${stack}`,
            urn: rootUrn,
            custom: false,
            inputs: {},
            props: outputs ?? {},
            dependencies: [],
            propertyDependencies: {},
        });
    }
    for (const [i, s] of seen.entries()) {
        const record = recorded.find((r) => r.type === s.type && r.name === s.name);
        const custom = record?.custom ?? true;
        // What the SDK told the engine (a component in dependsOn stands for the resources inside it); a
        // resource whose registration was not seen falls back to its props' and dependsOn's resources.
        const { dependencies, propertyDependencies } =
            sent.get(`${s.type}::${s.name}`) ?? (await dependenciesFromProgram(s.props, s.opts, urnOf));
        let props: Record<string, any> = record?.state ?? {};
        if (!custom) {
            // A component's props, as the engine sees them, are its registered outputs.
            const entries = Object.entries(s.resource).filter(
                ([k, v]) => k !== "urn" && !k.startsWith("__") && pulumi.Output.isInstance(v),
            );
            const values = await Promise.all(entries.map(([, v]) => unwrap(v as pulumi.Output<unknown>)));
            props = Object.fromEntries(entries.map(([k], j) => [k, values[j]]));
        }
        const parent = s.opts.parent ? urnOf.get(s.opts.parent) : rootUrn;
        resources.push({
            type: s.type,
            name: s.name,
            urn: urns[i],
            custom,
            inputs: record?.inputs ?? {},
            props,
            parent,
            dependencies,
            propertyDependencies,
        });
    }
    return { resources, outputs: outputs ?? {} };
}
