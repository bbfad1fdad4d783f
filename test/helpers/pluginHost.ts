/**
 * The Pulumi plugin as the engine runs it, for tests: the Node language host's command
 * (`node <@pulumi/pulumi/cmd/run-plugin> <dir> <engine>`, in the plugin's folder, port read from stdout)
 * spoken to over the ResourceProvider gRPC protocol with the stubs `@pulumi/pulumi` ships. Construct
 * calls go against a recording engine: a small gRPC server implementing the Engine and ResourceMonitor
 * calls the SDK makes, answering each custom resource with what its provider returns (`mockCreate`).
 */
import { ChildProcess, spawn } from "child_process";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as structPbTypes from "google-protobuf/google/protobuf/struct_pb";
import type * as emptyPbTypes from "google-protobuf/google/protobuf/empty_pb";
import * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import * as providerGrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as resourcePb from "@pulumi/pulumi/proto/resource_pb";
import * as resourceGrpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as enginePb from "@pulumi/pulumi/proto/engine_pb";
import * as engineGrpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import { deserializeProperties } from "@pulumi/pulumi/runtime/rpc";
import { mockCreate } from "../../cli/offline/mocks";
import { call, pulumiDependency } from "../../cli/offline/policyServer";

const grpc = pulumiDependency<typeof grpcTypes>("@grpc/grpc-js");
const structPb = pulumiDependency<typeof structPbTypes>("google-protobuf/google/protobuf/struct_pb");
const emptyPb = pulumiDependency<typeof emptyPbTypes>("google-protobuf/google/protobuf/empty_pb");

type Callback<T> = (error: grpcTypes.ServiceError | null, response?: T) => void;

/** One RegisterResource call, as the engine saw it. */
export interface Registration {
    urn: string;
    type: string;
    name: string;
    parent: string;
    custom: boolean;
    inputs: Record<string, any>;
}

export interface RecordingEngine {
    address: string;
    registrations: Registration[];
    /** RegisterResourceOutputs calls: URN to outputs. */
    outputs: Map<string, Record<string, any>>;
    logs: { severity: number; message: string }[];
    reset(): void;
    stop(): Promise<void>;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/** A URN as the engine makes it: the parent's type chain, except the stack's, before the type. */
export function urnOf(project: string, stack: string, type: string, name: string, parent: string): string {
    const parentType = parent ? parent.split("::")[2] : STACK_TYPE;
    const chain = parentType === STACK_TYPE ? type : `${parentType}$${type}`;
    return `urn:pulumi:${stack}::${project}::${chain}::${name}`;
}

const FEATURES = [
    resourcePb.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_SECRETS,
    resourcePb.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
    resourcePb.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_OUTPUT_VALUES,
    resourcePb.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_DELETED_WITH,
    resourcePb.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
];

function unimplemented(call: string): grpcTypes.ServiceError {
    return Object.assign(new Error(`${call} is not implemented by the recording engine`), {
        code: grpc.status.UNIMPLEMENTED,
        details: `${call} is not implemented by the recording engine`,
        metadata: new grpc.Metadata(),
    });
}

function monitorService(engine: RecordingEngine, project: string, stack: string): Record<string, unknown> {
    return {
        getDeploymentInfo(_call: unknown, cb: Callback<resourcePb.DeploymentInfo>) {
            const info = new resourcePb.DeploymentInfo();
            info.setSupportedfeaturesList(FEATURES);
            cb(null, info);
        },
        supportsFeature(call: { request: resourcePb.SupportsFeatureRequest }, cb: Callback<unknown>) {
            const response = new resourcePb.SupportsFeatureResponse();
            response.setHassupport(["secrets", "resourceReferences", "outputValues"].includes(call.request.getId()));
            cb(null, response);
        },
        registerResource(call: { request: resourcePb.RegisterResourceRequest }, cb: Callback<unknown>) {
            const req = call.request;
            // Read as the SDK's own mock monitor reads them, so both sides compare like for like.
            const inputs = deserializeProperties(req.getObject() ?? new structPb.Struct());
            const urn = urnOf(project, stack, req.getType(), req.getName(), req.getParent());
            const registration = {
                urn,
                type: req.getType(),
                name: req.getName(),
                parent: req.getParent(),
                custom: req.getCustom(),
                inputs,
            };
            engine.registrations.push(registration);
            const response = new resourcePb.RegisterResourceResponse();
            response.setUrn(urn);
            if (registration.custom) {
                const { id, state } = mockCreate(registration.type, registration.name, inputs, false);
                response.setId(id);
                response.setObject(structPb.Struct.fromJavaScript(JSON.parse(JSON.stringify(state))));
            } else {
                response.setObject(new structPb.Struct());
            }
            cb(null, response);
        },
        registerResourceOutputs(call: { request: resourcePb.RegisterResourceOutputsRequest }, cb: Callback<unknown>) {
            engine.outputs.set(call.request.getUrn(), (call.request.getOutputs()?.toJavaScript() ?? {}) as any);
            cb(null, new emptyPb.Empty());
        },
        invoke: (_c: unknown, cb: Callback<unknown>) => cb(unimplemented("Invoke")),
        call: (_c: unknown, cb: Callback<unknown>) => cb(unimplemented("Call")),
        readResource: (_c: unknown, cb: Callback<unknown>) => cb(unimplemented("ReadResource")),
    };
}

function engineService(engine: RecordingEngine): Record<string, unknown> {
    return {
        log(call: { request: enginePb.LogRequest }, cb: Callback<unknown>) {
            engine.logs.push({ severity: call.request.getSeverity(), message: call.request.getMessage() });
            cb(null, new emptyPb.Empty());
        },
        getRootResource(_call: unknown, cb: Callback<unknown>) {
            cb(null, new enginePb.GetRootResourceResponse());
        },
        setRootResource(_call: unknown, cb: Callback<unknown>) {
            cb(null, new enginePb.SetRootResourceResponse());
        },
    };
}

/** Starts the recording engine: Engine and ResourceMonitor on one local port. */
export async function startRecordingEngine(project: string, stack: string): Promise<RecordingEngine> {
    const server = new grpc.Server();
    const engine: RecordingEngine = {
        address: "",
        registrations: [],
        outputs: new Map(),
        logs: [],
        reset() {
            engine.registrations.length = 0;
            engine.outputs.clear();
            engine.logs.length = 0;
        },
        stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
    };
    server.addService(
        resourceGrpc.ResourceMonitorService as unknown as grpcTypes.ServiceDefinition,
        monitorService(engine, project, stack) as grpcTypes.UntypedServiceImplementation,
    );
    server.addService(
        engineGrpc.EngineService as unknown as grpcTypes.ServiceDefinition,
        engineService(engine) as grpcTypes.UntypedServiceImplementation,
    );
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
            err ? reject(err) : resolve(p),
        ),
    );
    engine.address = `127.0.0.1:${port}`;
    return engine;
}

export interface RunningPlugin {
    client: providerGrpc.ResourceProviderClient;
    /** Milliseconds from launch until the plugin printed its port. */
    startMs: number;
    stderr(): string;
    stop(): void;
}

/** Launches the plugin in `dir` as the Node language host does, connected to `engineAddress`. */
export function startPlugin(dir: string, engineAddress: string): Promise<RunningPlugin> {
    const runPlugin = require.resolve("@pulumi/pulumi/cmd/run-plugin", { paths: [dir] });
    const started = Date.now();
    const child: ChildProcess = spawn(process.execPath, [runPlugin, dir, engineAddress], {
        cwd: dir,
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr?.on("data", (d) => (stderr += d));
    return new Promise((resolve, reject) => {
        child.on("exit", (code) => reject(new Error(`plugin exited with ${code} before its port:\n${stderr}`)));
        child.stdout?.on("data", (d) => {
            stdout += d;
            const port = /^(\d+)\n/.exec(stdout)?.[1];
            if (port) {
                child.removeAllListeners("exit");
                resolve({
                    client: new providerGrpc.ResourceProviderClient(
                        `127.0.0.1:${port}`,
                        grpc.credentials.createInsecure(),
                    ),
                    startMs: Date.now() - started,
                    stderr: () => stderr,
                    stop: () => child.kill(),
                });
            }
        });
    });
}

/** The plugin's package schema, parsed. */
export async function getSchema(plugin: RunningPlugin): Promise<any> {
    const response = await call<providerPb.GetSchemaRequest, providerPb.GetSchemaResponse>(
        plugin.client.getSchema.bind(plugin.client),
        new providerPb.GetSchemaRequest(),
    );
    return JSON.parse(response.getSchema());
}

export interface ConstructOptions {
    project: string;
    stack: string;
    engine: RecordingEngine;
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    config?: Record<string, string>;
}

/** Constructs a component through the plugin, as a program in another language would: URN and state. */
export async function construct(
    plugin: RunningPlugin,
    options: ConstructOptions,
): Promise<{ urn: string; state: Record<string, any> }> {
    const req = new providerPb.ConstructRequest();
    req.setProject(options.project);
    req.setStack(options.stack);
    req.setDryrun(false);
    req.setParallel(1);
    req.setMonitorendpoint(options.engine.address);
    req.setType(options.type);
    req.setName(options.name);
    req.setParent(urnOf(options.project, options.stack, STACK_TYPE, `${options.project}-${options.stack}`, ""));
    req.setInputs(structPb.Struct.fromJavaScript(JSON.parse(JSON.stringify(options.inputs))));
    req.setAcceptsOutputValues(true);
    for (const [key, value] of Object.entries(options.config ?? {})) {
        req.getConfigMap().set(key, value);
    }
    const response = await call<providerPb.ConstructRequest, providerPb.ConstructResponse>(
        plugin.client.construct.bind(plugin.client),
        req,
    );
    return { urn: response.getUrn(), state: (response.getState()?.toJavaScript() ?? {}) as Record<string, any> };
}
