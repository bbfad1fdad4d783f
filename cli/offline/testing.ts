/**
 * `azureml-firewall/testing`: check a Pulumi program with this package's policy pack in a unit test, offline.
 * The program runs under Pulumi's mocks (the resources record what each provider really returns), and the
 * compiled pack is started as Pulumi starts a pack and asked for its verdict over gRPC, as `pulumi preview
 * --policy-pack` would: the same server `azureml-firewall plan` uses.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { CapturedResource, captureProgram } from "./mocks";
import { Diagnostic, PackConfig, PolicyServer } from "./policyServer";

export type { CapturedResource, Diagnostic, PackConfig };

export interface PackVerdict {
    /** How many policies the pack has. */
    policies: number;
    /** Violations, in the order the server reports them. */
    violations: Diagnostic[];
    /** Policies that could not run (their "can't run" messages). */
    cannotRun: string[];
    /** Whether a mandatory violation would fail `pulumi preview`/`up`. */
    mandatory: boolean;
}

/**
 * This package's root (where `dist/policy/index.js`, `stacks/` and `policy/` are), from this module in
 * `cli/offline` or `dist/cli/offline`.
 */
export function packageRoot(): string {
    const here = path.resolve(__dirname, "..", "..");
    return path.basename(here) === "dist" ? path.resolve(here, "..") : here;
}

/** The pack's verdict on captured resources: each resource analysed (inputs), then the stack (outputs). */
export async function packVerdict(resources: CapturedResource[], config: PackConfig = {}): Promise<PackVerdict> {
    const root = packageRoot();
    const server = await PolicyServer.start(path.join(root, "dist", "policy", "index.js"), root);
    try {
        await server.configure(config);
        const { diagnostics } = await server.analyzeAll(resources);
        const cannot = (d: Diagnostic) => d.message.startsWith("can't run ");
        const violations = diagnostics.filter((d) => !cannot(d));
        return {
            policies: (await server.info()).policies.length,
            violations,
            cannotRun: diagnostics.filter(cannot).map((d) => d.message),
            mandatory: violations.some((v) => v.enforcementLevel === "mandatory"),
        };
    } finally {
        server.close();
    }
}

export interface CheckOptions {
    /** Stack name (default `test`). */
    stack?: string;
    /** Project name (default `test`). */
    project?: string;
    /** Config as Pulumi hands it to a program: `namespace:key` to text (structured values as JSON). */
    config?: Record<string, string>;
    /** The policy pack config, as for `pulumi preview --policy-pack-config`. */
    policyConfig?: PackConfig;
}

/**
 * Runs `program` (your stack's code) under mocks and gives the resources it registered and the pack's
 * verdict. Config is set for the run; the mocks stay installed afterwards (one program per call).
 */
export async function checkProgram(
    program: () => unknown,
    options: CheckOptions = {},
): Promise<{ resources: CapturedResource[]; outputs: Record<string, unknown> } & PackVerdict> {
    pulumi.runtime.setAllConfig(options.config ?? {});
    const { resources, outputs } = await captureProgram(options.stack ?? "test", program, options.project ?? "test");
    return { resources, outputs, ...(await packVerdict(resources, options.policyConfig)) };
}
