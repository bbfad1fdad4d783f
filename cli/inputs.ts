/**
 * Reading `audit`'s input files: rule collection groups in the shapes the contract lists, the policy as
 * `az network firewall policy show` prints it, and requirement lists. Every problem is a `UsageError`
 * naming the file and what was expected.
 */
import * as fs from "fs";
import type { PolicySettings } from "../components/coverage/evaluate";
import { isClassicPolicy, isClassicRcg, isNativePolicy, isNativeRcg, policySettingsOf } from "../components/coverage/resources";
import type { Requirement } from "../components/requirements";
import { UsageError } from "./errors";

type Json = Record<string, unknown>;

const RCG_ARM_TYPE = "microsoft.network/firewallpolicies/rulecollectiongroups";

/** Reads and parses a JSON file, with one-line errors for a missing file or bad JSON. */
export function readJson(file: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new UsageError(code === "ENOENT" ? `${file}: file not found` : `${file}: cannot read (${code ?? (error as Error).message})`);
    }
    try {
        return JSON.parse(text);
    } catch (error) {
        throw new UsageError(`${file}: not valid JSON (${(error as Error).message.split("\n")[0]})`);
    }
}

function isObject(value: unknown): value is Json {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

const SHAPES = "expected the output of `az network firewall policy rule-collection-group list` (or one group), ARM resources or an ARM template of ruleCollectionGroups, or a `pulumi stack export`";

function lastSegment(name: unknown): unknown {
    return typeof name === "string" ? name.split("/").pop() : name;
}

/** Checks one group and returns it in the evaluator's input shape. */
function group(file: string, raw: Json, index: number): Json {
    const props = isObject(raw.properties) && ("ruleCollections" in raw.properties || "priority" in raw.properties) ? raw.properties : raw;
    const name = lastSegment(raw.name) ?? `(group ${index + 1})`;
    const classic = "applicationRuleCollections" in props || "networkRuleCollections" in props || "natRuleCollections" in props;
    if (!classic && !Array.isArray(props.ruleCollections)) {
        throw new UsageError(`${file}: rule collection group ${JSON.stringify(name)} has no ruleCollections array`);
    }
    return { ...props, name };
}

export interface ReadRules {
    groups: Json[];
    /** Policy settings found in the file (a stack export holding one firewall policy). */
    policy?: PolicySettings;
}

/** Reads one `--rules` / `--parent-rules` file in any of the supported shapes. */
export function readRules(file: string): ReadRules {
    const data = readJson(file);
    if (isObject(data) && isObject(data.deployment) && Array.isArray((data.deployment as Json).resources)) {
        return fromStackExport(file, (data.deployment as Json).resources as Json[]);
    }
    if (isObject(data) && Array.isArray(data.resources) && ("$schema" in data || "contentVersion" in data)) {
        const groups = (data.resources as Json[]).filter((r) => isObject(r) && String(r.type).toLowerCase() === RCG_ARM_TYPE);
        if (groups.length === 0) {
            throw new UsageError(`${file}: the ARM template has no Microsoft.Network/firewallPolicies/ruleCollectionGroups resources`);
        }
        return { groups: groups.map((g, i) => group(file, g, i)) };
    }
    const items = Array.isArray(data) ? data : [data];
    if (items.length === 0) {
        return { groups: [] };
    }
    const groups = items.map((item, i) => {
        if (!isObject(item)) {
            throw new UsageError(`${file}: JSON of an unknown shape; ${SHAPES}`);
        }
        const looksLikeGroup = "ruleCollections" in item || "priority" in item || isObject(item.properties)
            || String(item.type ?? "").toLowerCase() === RCG_ARM_TYPE || "applicationRuleCollections" in item || "networkRuleCollections" in item;
        if (!looksLikeGroup) {
            throw new UsageError(`${file}: JSON of an unknown shape; ${SHAPES}`);
        }
        return group(file, item, i);
    });
    return { groups };
}

function fromStackExport(file: string, resources: Json[]): ReadRules {
    const groups: Json[] = [];
    const policies: Json[] = [];
    for (const resource of resources) {
        const type = String(resource.type ?? "");
        const values = (isObject(resource.outputs) ? resource.outputs : resource.inputs ?? {}) as Json;
        if (isNativeRcg(type)) {
            groups.push(group(file, { ...values, name: values.ruleCollectionGroupName ?? values.name ?? String(resource.urn).split("::").pop() }, groups.length));
        } else if (isClassicRcg(type)) {
            groups.push(group(file, { ...values, name: values.name ?? String(resource.urn).split("::").pop() }, groups.length));
        } else if (isNativePolicy(type) || isClassicPolicy(type)) {
            policies.push({ ...values, __classic: isClassicPolicy(type) });
        }
    }
    if (groups.length === 0) {
        throw new UsageError(`${file}: the stack export has no firewall policy rule collection groups (azure-native or azure classic)`);
    }
    if (policies.length === 1) {
        const p = policies[0];
        return { groups, policy: settings(p, p.__classic === true) };
    }
    return { groups };
}

/** Settings of a policy read from a file: SKU, DNS proxy, name and base policy. */
function settings(p: Json, classic: boolean): PolicySettings {
    const base = classic ? p.basePolicyId : isObject(p.basePolicy) ? p.basePolicy.id : undefined;
    return {
        name: typeof p.name === "string" ? p.name : undefined,
        ...policySettingsOf(classic, p),
        basePolicyId: typeof base === "string" ? base : undefined,
    };
}

/** Reads `--policy`: `az network firewall policy show` output (or its ARM resource form). */
export function readPolicy(file: string): PolicySettings {
    const data = readJson(file);
    if (!isObject(data)) {
        throw new UsageError(`${file}: JSON of an unknown shape; expected the object printed by \`az network firewall policy show\``);
    }
    const p = isObject(data.properties) ? { ...data.properties, name: data.name } : data;
    if (!("sku" in p) && !("dnsSettings" in p) && !("basePolicy" in p) && !("ruleCollectionGroups" in p)) {
        throw new UsageError(`${file}: JSON of an unknown shape; expected the object printed by \`az network firewall policy show\` (sku, dnsSettings, basePolicy)`);
    }
    return settings(p, false);
}

const PROTOCOLS = ["TCP", "UDP", "Any"];

/** Reads `--requirements`: a JSON array of requirements (coverage-semantics.md §1). */
export function readRequirements(file: string): Requirement[] {
    const data = readJson(file);
    if (!Array.isArray(data)) {
        throw new UsageError(`${file}: expected a JSON array of requirements ({destination, kind, protocol, ports, appProtocol?, serviceTags?})`);
    }
    return data.map((item, i) => {
        const at = `${file}: requirement ${i + 1}`;
        if (!isObject(item)) {
            throw new UsageError(`${at} is not an object`);
        }
        if (typeof item.destination !== "string" || item.destination.trim() === "") {
            throw new UsageError(`${at}: destination ${JSON.stringify(item.destination)} is not valid; give an FQDN, *.suffix or a service tag`);
        }
        if (item.kind !== "fqdn" && item.kind !== "serviceTag") {
            throw new UsageError(`${at}: kind ${JSON.stringify(item.kind)} is not valid; use fqdn or serviceTag`);
        }
        if (typeof item.protocol !== "string" || !PROTOCOLS.includes(item.protocol)) {
            throw new UsageError(`${at}: protocol ${JSON.stringify(item.protocol)} is not valid; use TCP, UDP or Any`);
        }
        if (!Array.isArray(item.ports) || item.ports.length === 0 || !item.ports.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535)) {
            throw new UsageError(`${at}: ports ${JSON.stringify(item.ports)} is not valid; give a non-empty list of ports 1-65535`);
        }
        if (item.appProtocol !== undefined && item.appProtocol !== "Http" && item.appProtocol !== "Https") {
            throw new UsageError(`${at}: appProtocol ${JSON.stringify(item.appProtocol)} is not valid; use Http or Https, or leave it out`);
        }
        if (item.serviceTags !== undefined && (!Array.isArray(item.serviceTags) || !item.serviceTags.every((t) => typeof t === "string"))) {
            throw new UsageError(`${at}: serviceTags must be a list of strings`);
        }
        return item as unknown as Requirement;
    });
}
