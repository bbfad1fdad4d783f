/**
 * Stack policy `azureml-egress-coverage`: every firewall policy that serves Azure ML must allow every
 * required destination. One violation per policy, listing each missing or denied check.
 */
import type { StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { CoverageResult, allAllowed, evaluateCoverage } from "../../components/coverage/evaluate";
import { InputError } from "../../components/errors";
import {
    FirewallTarget,
    componentOutputs,
    StackNode,
    findTargets,
    parentTarget,
    stackWorkspaces,
    targetGroups,
    targetSettings,
} from "../../components/firewall";
import { Requirement, resolveRequirements } from "../../components/requirements";
import { COVERAGE_CONFIG_SCHEMA, CoverageConfig, WorkspaceConfig, readCoverageConfig } from "./config";

export const EGRESS_COVERAGE = "azureml-egress-coverage";

function resolveForWorkspaces(workspaces: WorkspaceConfig[], config: CoverageConfig): Requirement[] {
    const byCloud = new Map<string, WorkspaceConfig[]>();
    for (const ws of workspaces) {
        const cloud = ws.cloud ?? config.cloud;
        byCloud.set(cloud, [...(byCloud.get(cloud) ?? []), ws]);
    }
    return [...byCloud.entries()].flatMap(
        ([cloud, list]) =>
            resolveRequirements({
                cloud,
                scenarios: config.scenarios,
                configuration: config.configuration,
                workspaces: list.map(({ cloud: _cloud, ...ws }) => ws),
            }).requirements,
    );
}

/**
 * Without `workspaces`, a policy served by AmlFirewallPolicy components is checked against what the
 * components resolved (their `requirements` output): `scenarios` and `configuration` in the config would
 * change nothing there, so they are a config error rather than a check that silently does not happen.
 */
function refuseIneffective(config: CoverageConfig): void {
    const given = config.scenarios.length ? "scenarios" : config.configuration !== "full" ? "configuration" : undefined;
    if (given) {
        throw new InputError(
            given,
            config[given],
            "without workspaces in the config, the requirements come from the AmlFirewallPolicy components' " +
                "requirements output, which this setting cannot change; list the workspaces (name, " +
                "storageAccountName, region) in the config, or give the scenarios to the component",
        );
    }
}

/**
 * Requirements of a target: from the config's workspaces, else the components' outputs, else the stack's workspaces.
 */
function requirementsFor(target: FirewallTarget, config: CoverageConfig, fromStack: WorkspaceConfig[]): Requirement[] {
    let requirements: Requirement[];
    if (config.workspaces.length) {
        requirements = resolveForWorkspaces(config.workspaces, config);
    } else if (target.components.length) {
        refuseIneffective(config);
        requirements = componentOutputs(target).requirements;
    } else {
        requirements = resolveForWorkspaces(fromStack, config);
    }
    return [...requirements, ...config.extraRequirements];
}

/** Workload sources of a target: from the config, else those the components recorded. */
function sourcesFor(target: FirewallTarget, config: CoverageConfig): { addresses: string[]; ipGroups: string[] } {
    if (config.sourceAddresses.length || config.sourceIpGroups.length) {
        return { addresses: config.sourceAddresses, ipGroups: config.sourceIpGroups };
    }
    return componentOutputs(target).sources;
}

/** Formats one policy's failures as a readable message; `label` names it ("Firewall policy X"). */
export function formatCoverage(label: string, result: CoverageResult): string {
    const failing = result.results.filter((r) => r.status !== "allowed");
    const lines = [`${label} does not allow ${failing.length} of ${result.summary.checks} checks Azure ML needs:`];
    for (const r of failing) {
        const by = r.decidedBy
            ? ` (by ${r.decidedBy.ruleCollectionGroup}/${r.decidedBy.ruleCollection}/${r.decidedBy.rule})`
            : "";
        const tie = r.tiedWith
            ? ` (or by ${r.tiedWith.ruleCollectionGroup}/${r.tiedWith.ruleCollection}/${r.tiedWith.rule}: equal ` +
              `group priority, order undocumented)`
            : "";
        lines.push(`  ${r.status.padEnd(7)} ${r.destination} ${r.protocol} ${r.port}${by}${tie}`);
    }
    if (result.problems.length) {
        lines.push("Problems:");
        result.problems.forEach((p) => lines.push(`  - ${p}`));
    }
    return lines.join("\n");
}

/** Whether a target is one of the named policies (Azure name or Pulumi name, case-insensitive). */
function named(target: FirewallTarget, names: string[]): boolean {
    return names.some((n) => {
        const wanted = n.toLowerCase();
        return (
            wanted === target.name.toLowerCase() ||
            (target.policy !== undefined && wanted === target.policy.name.toLowerCase())
        );
    });
}

/** The targets to check: those named in config, else those that serve Azure ML; never the exempt ones. */
function servedTargets(
    targets: FirewallTarget[],
    config: CoverageConfig,
    stackHasWorkspaces: boolean,
): FirewallTarget[] {
    const served = config.firewallPolicies.length
        ? targets.filter((t) => named(t, config.firewallPolicies))
        : targets.filter((t) => t.components.length > 0 || stackHasWorkspaces || config.workspaces.length > 0);
    return served.filter((t) => !named(t, config.exemptFirewallPolicies));
}

interface Context {
    config: CoverageConfig;
    targets: FirewallTarget[];
    fromStack: WorkspaceConfig[];
}

/** Evaluates one target; undefined (after reporting) when it has no requirements. */
function evaluateTarget(
    target: FirewallTarget,
    context: Context,
    report: (message: string) => void,
): CoverageResult | undefined {
    const requirements = requirementsFor(target, context.config, context.fromStack);
    if (requirements.length === 0) {
        report(
            `Firewall policy ${target.name}: no Azure ML requirements are known for it; set workspaces in the ` +
                `${EGRESS_COVERAGE} config.`,
        );
        return undefined;
    }
    const parent = parentTarget(target, context.targets);
    return evaluateCoverage({
        ...targetGroups(target),
        parentGroups: parent ? targetGroups(parent).groups : undefined,
        policy: targetSettings(target, context.config.externalPolicyDnsProxy),
        requirements,
        sources: sourcesFor(target, context.config),
    });
}

function checkTarget(target: FirewallTarget, context: Context, report: (message: string, urn?: string) => void): void {
    let result: CoverageResult | undefined;
    try {
        result = evaluateTarget(target, context, (message) => report(message, target.urn));
    } catch (error) {
        if (error instanceof InputError) {
            report(`Firewall policy ${target.name} cannot be evaluated: ${error.message}`, target.urn);
            return;
        }
        throw error;
    }
    if (result && !allAllowed(result)) {
        const label = target.legacy
            ? `Firewall ${target.name} (its own rule collections)`
            : `Firewall policy ${target.name}`;
        report(formatCoverage(label, result), target.urn);
    }
}

export const egressCoverage: StackValidationPolicy = {
    name: EGRESS_COVERAGE,
    description:
        "Firewall policies that serve Azure Machine Learning must allow every host, service tag and port the Azure " +
        "ML network doc requires.",
    enforcementLevel: "mandatory",
    configSchema: COVERAGE_CONFIG_SCHEMA,
    validateStack: (args: StackValidationArgs, reportViolation) => {
        const config = readCoverageConfig(args.getConfig<Partial<CoverageConfig>>());
        const nodes: StackNode[] = args.resources;
        const context: Context = { config, targets: findTargets(nodes), fromStack: stackWorkspaces(nodes) };
        for (const name of config.firewallPolicies.filter((n) => !context.targets.some((t) => named(t, [n])))) {
            reportViolation(
                `Firewall policy ${name} is named in the ${EGRESS_COVERAGE} config but is not in this stack.`,
            );
        }
        const served = servedTargets(context.targets, config, context.fromStack.length > 0);
        if (served.length === 0) {
            args.notApplicable("No firewall policy in this stack serves Azure Machine Learning.");
        }
        served.forEach((target) => checkTarget(target, context, reportViolation));
    },
};
