/**
 * The impact of a change on Azure ML (pure): two states of the same firewall policies (base and head),
 * each with its rules and what Azure ML needs there, compared check by check with the coverage evaluator.
 * Every check either side requires is evaluated on both sides, against the head's workload sources:
 * - broken: the head requires it, the base allowed it, the head does not (exit 1), with the base rule that
 *   allowed it and whether the head removed or changed that rule, or a rule now decides it otherwise;
 * - newly required and not allowed: the head requires it (a scenario added), no side allows it (exit 1);
 * - fixed: the head requires it and allows it, the base did not;
 * - no longer allowed: only the base required it (a scenario or workspace removed) and the head stops
 *   allowing it (what a removed scenario takes away);
 * plus scenarios and workspaces added and removed, Allow rules newly broader than Azure ML needs, and the rule changes
 * (added, removed, changed by name; or only renamed or reordered: no impact).
 */
import type { Requirement } from "../requirements";
import { FirewallRule, RawGroup, readGroup, rulesOf } from "../firewall";
import type { PolicySettings } from "../firewall";
import { broadness } from "./broad";
import { CheckResult, DecidingRule, evaluateCoverage } from "./evaluate";

/** One firewall policy in one state. */
export interface PolicyState {
    /** The policy's name: base and head are paired by it. */
    name: string;
    groups: RawGroup[];
    legacyFirewalls?: RawGroup[];
    parentGroups?: RawGroup[];
    settings?: PolicySettings;
    /** What Azure ML needs there (from the catalog flags, or the components that serve the policy). */
    requirements: Requirement[];
    sources: { addresses: string[]; ipGroups: string[] };
}

export interface CheckRef {
    destination: string;
    protocol: string;
    port: number;
    /** The scenarios that need it (`core` first). */
    scenarios: string[];
    /** The workspaces that need it (where the requirements name them). */
    workspaces: string[];
}

export interface BrokenCheck extends CheckRef {
    /** Why: `removed` (the rule that allowed it is gone), `changed` (it is there, changed), `overridden` (it is
     * there unchanged and another rule decides first), `newly required` (nothing allowed it before). */
    cause: "removed" | "changed" | "overridden" | "newly required";
    /** The base rule that allowed it (`group/collection/rule`). */
    was?: string;
    /** What decides it in the head: a rule, or no rule (default deny). */
    now: string;
    status: CheckResult["status"];
}

export interface RuleChanges {
    added: string[];
    removed: string[];
    changed: string[];
    /** The same rules (content, priorities, actions) under other names or in another order: no impact. */
    renamedOrReordered: boolean;
}

export interface PolicyImpact {
    policy: string;
    /** The workload sources the checks were made from (the head's). */
    sources: string[];
    change: "added" | "removed" | "changed" | "unchanged";
    broken: BrokenCheck[];
    fixed: CheckRef[];
    noLongerAllowed: CheckRef[];
    /** Checks the head requires that neither side allows (not this change's doing). */
    stillNotAllowed: number;
    scenariosAdded: string[];
    scenariosRemoved: string[];
    /** Workspaces the policy serves after the change and not before, and the other way round. */
    workspacesAdded: string[];
    workspacesRemoved: string[];
    broadAdded: string[];
    broadRemoved: string[];
    rules: RuleChanges;
    problems: string[];
}

export interface Impact {
    policies: PolicyImpact[];
    /** Whether anything the head requires breaks. */
    breaks: boolean;
}

const EMPTY: Omit<PolicyState, "name"> = { groups: [], requirements: [], sources: { addresses: [], ipGroups: [] } };

function checkKey(c: { destination: string; protocol: string; port: number }): string {
    return `${c.destination.toLowerCase()}|${c.protocol}|${c.port}`;
}

function requirementKey(r: Requirement): string {
    return JSON.stringify([r.destination.toLowerCase(), r.kind, r.protocol, [...r.ports].sort((a, b) => a - b)]);
}

/** The scenarios of a requirement list (without `core`), sorted. */
function scenariosOf(requirements: Requirement[]): Set<string> {
    return new Set(requirements.flatMap((r) => r.scenarios ?? [r.scenario ?? "core"]).filter((s) => s !== "core"));
}

/** The workspaces a requirement list names. */
function workspacesOf(requirements: Requirement[]): Set<string> {
    return new Set(requirements.flatMap((r) => r.workspaces ?? []));
}

/** Who needs a check: the scenarios and the workspaces. */
interface Needs {
    scenarios: string[];
    workspaces: string[];
}

/** The checks of requirements (destination, protocol, port; `Any` is TCP and UDP), and who needs each. */
function scenarioIndex(requirements: Requirement[]): Map<string, Needs> {
    const index = new Map<string, Needs>();
    for (const r of requirements) {
        const scenarios = r.scenarios ?? [r.scenario ?? "core"];
        for (const protocol of r.protocol === "Any" ? ["TCP", "UDP"] : [r.protocol]) {
            for (const port of r.ports) {
                const key = checkKey({ destination: r.destination, protocol, port });
                const known = index.get(key) ?? { scenarios: [], workspaces: [] };
                index.set(key, {
                    scenarios: [...new Set([...known.scenarios, ...scenarios])],
                    workspaces: [...new Set([...known.workspaces, ...(r.workspaces ?? [])])].sort(),
                });
            }
        }
    }
    return index;
}

/** What is in `a` and not in `b`, sorted. */
function minus(a: Set<string>, b: Set<string>): string[] {
    return [...a].filter((x) => !b.has(x)).sort();
}

function ruleName(by: DecidingRule | null | undefined): string | undefined {
    return by ? `${by.ruleCollectionGroup}/${by.ruleCollection}/${by.rule}` : undefined;
}

/** Every rule of a state: its path (`group/collection/rule`) and its content without names. */
function rulesByPath(state: PolicyState): Map<string, string> {
    const rules = new Map<string, string>();
    const add = (raw: RawGroup, index: number) => {
        const group = readGroup(raw, index);
        for (const { collection, rule } of rulesOf(group).rules) {
            const { name: _name, ...content } = rule as FirewallRule & { name: string };
            const where = { group: group.priority, collection: collection.priority, action: collection.action };
            rules.set(`${group.name}/${collection.name}/${rule.name}`, JSON.stringify({ ...where, ...content }));
        }
    };
    [...state.groups, ...(state.legacyFirewalls ?? [])].forEach(add);
    return rules;
}

function ruleChanges(base: PolicyState, head: PolicyState): RuleChanges {
    const before = rulesByPath(base);
    const after = rulesByPath(head);
    const added = [...after.keys()].filter((k) => !before.has(k)).sort();
    const removed = [...before.keys()].filter((k) => !after.has(k)).sort();
    const changed = [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k)).sort();
    const contents = (rules: Map<string, string>) => JSON.stringify([...rules.values()].sort());
    const namesOrOrder =
        added.length + removed.length + changed.length > 0 ||
        JSON.stringify([...before.keys()]) !== JSON.stringify([...after.keys()]);
    return { added, removed, changed, renamedOrReordered: namesOrOrder && contents(before) === contents(after) };
}

/** Broad Allow rules of a state, one message each (as the pack's azureml-no-broad-allow words them). */
function broadOf(state: PolicyState): string[] {
    return [...state.groups, ...(state.legacyFirewalls ?? [])].flatMap((raw, index) => {
        const group = readGroup(raw, index);
        return rulesOf(group)
            .rules.filter(({ collection }) => collection.action === "allow")
            .flatMap(({ collection, rule }) => broadness(`${group.name}/${collection.name}/${rule.name}`, rule));
    });
}

function evaluate(state: PolicyState, requirements: Requirement[], sources: PolicyState["sources"]) {
    return evaluateCoverage({
        groups: state.groups,
        legacyFirewalls: state.legacyFirewalls,
        parentGroups: state.parentGroups,
        policy: state.settings,
        requirements,
        sources,
    });
}

/** Why the head no longer allows a check the base allowed. */
function causeOf(was: DecidingRule | null, now: CheckResult, rules: RuleChanges): BrokenCheck["cause"] {
    const path = ruleName(was);
    if (path && rules.removed.includes(path)) {
        return "removed";
    }
    if (path && rules.changed.includes(path)) {
        return "changed";
    }
    return now.decidedBy ? "overridden" : "removed";
}

/** Compares one policy's two states. */
export function policyImpact(base: PolicyState, head: PolicyState, change: PolicyImpact["change"]): PolicyImpact {
    const union = new Map<string, Requirement>();
    [...base.requirements, ...head.requirements].forEach((r) => union.set(requirementKey(r), r));
    const requirements = [...union.values()];
    const sources = head.sources.addresses.length || head.sources.ipGroups.length ? head.sources : base.sources;
    const before = requirements.length ? evaluate(base, requirements, sources) : undefined;
    const after = requirements.length ? evaluate(head, requirements, sources) : undefined;
    const headIndex = scenarioIndex(head.requirements);
    const baseIndex = scenarioIndex(base.requirements);
    const rules = ruleChanges(base, head);
    const impact: PolicyImpact = {
        policy: head.name || base.name,
        sources: [...sources.addresses, ...sources.ipGroups],
        change,
        broken: [],
        fixed: [],
        noLongerAllowed: [],
        stillNotAllowed: 0,
        scenariosAdded: minus(scenariosOf(head.requirements), scenariosOf(base.requirements)),
        scenariosRemoved: minus(scenariosOf(base.requirements), scenariosOf(head.requirements)),
        workspacesAdded: minus(workspacesOf(head.requirements), workspacesOf(base.requirements)),
        workspacesRemoved: minus(workspacesOf(base.requirements), workspacesOf(head.requirements)),
        broadAdded: broadOf(head).filter((b) => !broadOf(base).includes(b)),
        broadRemoved: broadOf(base).filter((b) => !broadOf(head).includes(b)),
        rules,
        problems: [...new Set([...(before?.problems ?? []), ...(after?.problems ?? [])])],
    };
    const wasAllowed = new Map((before?.results ?? []).map((r) => [checkKey(r), r]));
    const requiredByHead = (c: CheckResult) => headIndex.has(checkKey(c));
    for (const now of after?.results ?? []) {
        const was = wasAllowed.get(checkKey(now))!;
        const ref = (index: Map<string, Needs>): CheckRef => ({
            destination: now.destination,
            protocol: now.protocol,
            port: now.port,
            scenarios: index.get(checkKey(now))?.scenarios ?? [],
            workspaces: index.get(checkKey(now))?.workspaces ?? [],
        });
        const allowedBefore = was.status === "allowed";
        const allowedNow = now.status === "allowed";
        if (requiredByHead(now)) {
            const newlyRequired = !baseIndex.has(checkKey(now));
            if (allowedBefore && !allowedNow) {
                impact.broken.push({
                    ...ref(headIndex),
                    cause: causeOf(was.decidedBy, now, rules),
                    was: ruleName(was.decidedBy),
                    now: ruleName(now.decidedBy) ?? "no rule (default deny)",
                    status: now.status,
                });
            } else if (!allowedBefore && !allowedNow && newlyRequired) {
                impact.broken.push({
                    ...ref(headIndex),
                    cause: "newly required",
                    now: ruleName(now.decidedBy) ?? "no rule (default deny)",
                    status: now.status,
                });
            } else if (!allowedBefore && allowedNow) {
                impact.fixed.push(ref(headIndex));
            } else if (!allowedNow) {
                impact.stillNotAllowed += 1;
            }
        } else if (allowedBefore && !allowedNow) {
            impact.noLongerAllowed.push(ref(baseIndex));
        }
    }
    return impact;
}

/**
 * Compares every policy of two states, paired by name (case-insensitive), in name order. With `required`
 * (the catalog flags), every policy of both states is checked against it, whatever serves it.
 */
export function changeImpact(base: PolicyState[], head: PolicyState[], required?: Requirement[]): Impact {
    const names = new Map<string, string>();
    [...base, ...head].forEach((p) => names.set(p.name.toLowerCase(), names.get(p.name.toLowerCase()) ?? p.name));
    const find = (states: PolicyState[], key: string) => states.find((p) => p.name.toLowerCase() === key);
    const policies = [...names.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, name]) => {
            const before = find(base, key);
            const after = find(head, key);
            const state = (found: PolicyState | undefined): PolicyState => {
                const known = found ?? { ...EMPTY, name };
                return required ? { ...known, requirements: required } : known;
            };
            const impact = policyImpact(state(before), state(after), "changed");
            const unchanged =
                before !== undefined &&
                after !== undefined &&
                !impact.rules.added.length &&
                !impact.rules.removed.length &&
                !impact.rules.changed.length &&
                !impact.rules.renamedOrReordered &&
                !impact.scenariosAdded.length &&
                !impact.scenariosRemoved.length &&
                !impact.workspacesAdded.length &&
                !impact.workspacesRemoved.length;
            return { ...impact, change: !before ? "added" : !after ? "removed" : unchanged ? "unchanged" : "changed" };
        }) as PolicyImpact[];
    return { policies, breaks: policies.some((p) => p.broken.length > 0) };
}
