/**
 * The CrossGuard policy server of `@pulumi/policy`, run as Pulumi runs it and driven as the engine
 * drives it. The pack is launched the way the Node language host launches one
 * (`node <@pulumi/pulumi/cmd/run-policy-pack> <engine> <pack>`, in the pack's folder, port read from
 * stdout), and spoken to over the Analyzer gRPC protocol with the stubs `@pulumi/pulumi` ships:
 * GetAnalyzerInfo, GetPluginInfo, Configure (with the config reconciled and validated as the engine
 * does), Analyze per resource (its inputs) and AnalyzeStack (every resource's outputs, parent and
 * dependencies). `plan` reports this server's verdict; the tests use it for the round trips.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import type * as grpcTypes from "@grpc/grpc-js";
import {
    AnalyzedResource,
    EnforcementLevel,
    LEVELS,
    PackConfig,
    PolicyInfo,
    reconcile,
    validatePackConfig,
} from "./packConfig";

export { PolicyConfigError } from "./packConfig";
export type { AnalyzedResource, EnforcementLevel, PackConfig, PolicyInfo };
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import type * as emptyPbTypes from "google-protobuf/google/protobuf/empty_pb";
import type * as structPbTypes from "google-protobuf/google/protobuf/struct_pb";

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
/** A dependency of `@pulumi/pulumi`, as it resolves it, so that its stubs and this client agree. */
export function pulumiDependency<T>(name: string): T {
    return require(require.resolve(name, { paths: [pulumiDir] }));
}
const grpc = pulumiDependency<typeof grpcTypes>("@grpc/grpc-js");
const emptyPb = pulumiDependency<typeof emptyPbTypes>("google-protobuf/google/protobuf/empty_pb");
const structPb = pulumiDependency<typeof structPbTypes>("google-protobuf/google/protobuf/struct_pb");

export interface Diagnostic {
    policy: string;
    enforcementLevel: EnforcementLevel;
    message: string;
    urn?: string;
}

export interface AnalyzerVerdict {
    diagnostics: Diagnostic[];
    notApplicable: { policy: string; reason: string }[];
}

function toStruct(value: Record<string, unknown>): structPbTypes.Struct {
    // A JSON round trip drops undefined values, which Struct cannot hold.
    return structPb.Struct.fromJavaScript(JSON.parse(JSON.stringify(value)));
}

/** One unary gRPC call as a Promise. */
export function call<Req, Res>(
    method: (req: Req, cb: (err: grpcTypes.ServiceError | null, res: Res) => void) => unknown,
    req: Req,
): Promise<Res> {
    return new Promise((resolve, reject) => method(req, (err, res) => (err ? reject(err) : resolve(res))));
}

function verdictOf(response: analyzerPb.AnalyzeResponse): AnalyzerVerdict {
    return {
        diagnostics: response.getDiagnosticsList().map((d) => ({
            policy: d.getPolicyname(),
            enforcementLevel: LEVELS[d.getEnforcementlevel()],
            message: d.getMessage(),
            ...(d.getUrn() ? { urn: d.getUrn() } : {}),
        })),
        notApplicable: response
            .getNotApplicableList()
            .map((n) => ({ policy: n.getPolicyName(), reason: n.getReason() })),
    };
}

function resourceOptions(parent: string | undefined): analyzerPb.AnalyzerResourceOptions {
    const options = new analyzerPb.AnalyzerResourceOptions();
    options.setCustomtimeouts(new analyzerPb.AnalyzerResourceOptions.CustomTimeouts());
    if (parent) {
        options.setParent(parent);
    }
    return options;
}

/** A running policy server. */
export class PolicyServer {
    private constructor(
        private readonly child: ChildProcess,
        private readonly client: analyzerGrpc.AnalyzerClient,
        readonly stderr: () => string,
    ) {}

    /**
     * Starts `program` (a pack folder, or its compiled entry file) as the Node language host does, in
     * `cwd` (which holds the pack's package.json), and connects to the port it prints.
     */
    static async start(program: string, cwd: string, timeoutMs = 30000): Promise<PolicyServer> {
        const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [cwd, pulumiDir] });
        const child = spawn(process.execPath, [runner, "127.0.0.1:1", program], {
            cwd,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stderr = "";
        child.stderr!.on("data", (chunk) => (stderr += chunk));
        const port = await new Promise<number>((resolve, reject) => {
            let stdout = "";
            const timer = setTimeout(
                () => reject(new Error(`the policy pack printed no port within ${timeoutMs} ms: ${stderr}`)),
                timeoutMs,
            );
            child.stdout!.on("data", (chunk) => {
                stdout += chunk;
                const line = /^(\d+)\s*$/m.exec(stdout);
                if (line) {
                    clearTimeout(timer);
                    resolve(Number(line[1]));
                }
            });
            child.on("exit", (code) => {
                clearTimeout(timer);
                reject(new Error(`the policy pack exited (code ${code}) before printing its port: ${stderr.trim()}`));
            });
        });
        const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        return new PolicyServer(child, client, () => stderr);
    }

    async info(): Promise<{ name: string; version: string; supportsConfig: boolean; policies: PolicyInfo[] }> {
        const info = await call<emptyPbTypes.Empty, analyzerPb.AnalyzerInfo>(
            this.client.getAnalyzerInfo.bind(this.client),
            new emptyPb.Empty(),
        );
        return {
            name: info.getName(),
            version: info.getVersion(),
            supportsConfig: info.getSupportsconfig(),
            policies: info.getPoliciesList().map((p) => {
                const schema = p.getConfigschema();
                return {
                    name: p.getName(),
                    enforcementLevel: LEVELS[p.getEnforcementlevel()],
                    ...(schema
                        ? {
                              configSchema: {
                                  properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<
                                      string,
                                      Record<string, unknown>
                                  >,
                                  required: schema.getRequiredList(),
                              },
                          }
                        : {}),
                };
            }),
        };
    }

    async pluginVersion(): Promise<string> {
        const info = await call<emptyPbTypes.Empty, { getVersion(): string }>(
            this.client.getPluginInfo.bind(this.client),
            new emptyPb.Empty(),
        );
        return info.getVersion();
    }

    /** Reconciles and validates `config` as the engine does (throws `PolicyConfigError`), then sends it. */
    async configure(config: PackConfig): Promise<void> {
        const { policies } = await this.info();
        validatePackConfig(policies, config);
        const request = new analyzerPb.ConfigureAnalyzerRequest();
        for (const policy of policies) {
            const { level, props } = reconcile(policy, config);
            const entry = new analyzerPb.PolicyConfig();
            entry.setEnforcementlevel(LEVELS.indexOf(level));
            entry.setProperties(toStruct(props));
            request.getPolicyconfigMap().set(policy.name, entry);
        }
        await call(this.client.configure.bind(this.client), request);
    }

    /** Analyze: one resource's inputs, before it is created or updated. */
    async analyze(resource: AnalyzedResource): Promise<AnalyzerVerdict> {
        const request = new analyzerPb.AnalyzeRequest();
        request.setType(resource.type);
        request.setName(resource.name);
        request.setUrn(resource.urn);
        request.setProperties(toStruct(resource.props));
        request.setOptions(resourceOptions(resource.parent));
        return verdictOf(await call(this.client.analyze.bind(this.client), request));
    }

    /** AnalyzeStack: every resource's outputs, with parents and dependencies. */
    async analyzeStack(resources: AnalyzedResource[]): Promise<AnalyzerVerdict> {
        const request = new analyzerPb.AnalyzeStackRequest();
        request.setResourcesList(
            resources.map((r) => {
                const resource = new analyzerPb.AnalyzerResource();
                resource.setType(r.type);
                resource.setName(r.name);
                resource.setUrn(r.urn);
                resource.setProperties(toStruct(r.props));
                resource.setOptions(resourceOptions(r.parent));
                if (r.parent) {
                    resource.setParent(r.parent);
                }
                resource.setDependenciesList(r.dependencies ?? []);
                for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
                    const deps = new analyzerPb.AnalyzerPropertyDependencies();
                    deps.setUrnsList(urns);
                    resource.getPropertydependenciesMap().set(key, deps);
                }
                return resource;
            }),
        );
        return verdictOf(await call(this.client.analyzeStack.bind(this.client), request));
    }

    /** Analyze for every resource (inputs) and AnalyzeStack (outputs), as one preview or update does. */
    async analyzeAll(resources: (AnalyzedResource & { inputs?: Record<string, unknown> })[]): Promise<AnalyzerVerdict> {
        const verdicts = [];
        for (const resource of resources) {
            verdicts.push(await this.analyze({ ...resource, props: resource.inputs ?? resource.props }));
        }
        verdicts.push(await this.analyzeStack(resources));
        return {
            diagnostics: verdicts.flatMap((v) => v.diagnostics),
            notApplicable: verdicts.flatMap((v) => v.notApplicable),
        };
    }

    close(): void {
        this.client.close();
        this.child.kill();
    }
}
