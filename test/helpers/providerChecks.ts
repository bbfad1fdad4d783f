/**
 * What the real tools check and return, written here independently of the components (facts from their
 * sources, not their code), so that the components are tested against them rather than against
 * themselves:
 *
 * - azurerm's schema for `azurerm_firewall_policy` and `azurerm_firewall_policy_rule_collection_group`
 *   (hashicorp/terraform-provider-azurerm, `internal/services/firewall/`): what `@pulumi/azure` runs at
 *   `pulumi preview`;
 * - pulumi-azure's auto-naming (`provider/resources.go`: `<name>` + 7 random characters, 24 at most);
 * - the REST spec (azure-rest-api-specs, Microsoft.Network `firewallPolicy.json`): priorities 100-65000,
 *   application protocol ports 0-64000;
 * - what Azure returns when a group is read back, and how each provider reads it.
 */

/** azurerm `validate.FirewallPolicyName` and `FirewallPolicyRuleCollectionGroupName` (Go `\w` is ASCII). */
const AZURERM_NAME = /^[^\W_][\w\-.]*[\w]$/;
/** Azure's naming rules for firewall policies and rule collection groups: 1-80 characters. */
const AZURE_NAME_MAX = 80;
/** azurerm parses `firewall_policy_id` case-sensitively (go-azure-sdk `ParseFirewallPolicyID`). */
const AZURERM_POLICY_ID =
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/firewallPolicies\/[^/]+$/;
/** pulumi-azure's auto-name: the resource name, a dash-less 7-character random suffix, 24 characters at most. */
export const CLASSIC_AUTONAME_MAX = 24;
export const CLASSIC_AUTONAME_RANDOM = 7;

const between = (value: unknown, min: number, max: number) =>
    typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
const nonEmpty = (value: unknown) => typeof value === "string" && value.length > 0;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const isSourceAddress = (v: string) => {
    if (v === "*") {
        return true;
    }
    const range = v.split("-");
    if (range.length === 2) {
        return range.every((a) => IPV4.test(a));
    }
    const [address, prefix] = v.split("/");
    return IPV4.test(address) && (prefix === undefined || (/^\d{1,2}$/.test(prefix) && Number(prefix) <= 32));
};
const isPortOrRange = (v: string, min: number, max: number) => {
    if (v === "*") {
        return true;
    }
    const m = /^(\d+)(-(\d+))?$/.exec(v);
    if (!m) {
        return false;
    }
    const [a, b] = [Number(m[1]), m[3] === undefined ? undefined : Number(m[3])];
    return b === undefined ? a >= min && a <= max : a < b && a >= min && b <= max;
};

/** Errors azurerm (and the REST spec) raise for a classic rule collection group's inputs. */
export function azurermGroupErrors(inputs: Record<string, any>): string[] {
    const errors: string[] = [];
    const check = (ok: boolean, what: string) => ok || errors.push(what);
    check(typeof inputs.name === "string" && AZURERM_NAME.test(inputs.name), `name ${inputs.name}`);
    check(typeof inputs.name === "string" && inputs.name.length <= AZURE_NAME_MAX, `name length ${inputs.name}`);
    check(AZURERM_POLICY_ID.test(inputs.firewallPolicyId ?? ""), `firewall_policy_id ${inputs.firewallPolicyId}`);
    check(between(inputs.priority, 100, 65000), `priority ${inputs.priority}`);
    const collections = [...(inputs.applicationRuleCollections ?? []), ...(inputs.networkRuleCollections ?? [])];
    for (const c of collections) {
        check(nonEmpty(c.name), `collection name ${c.name}`);
        check(between(c.priority, 100, 65000), `collection priority ${c.priority}`);
        check(["Allow", "Deny"].includes(c.action), `collection action ${c.action}`);
        check(Array.isArray(c.rules) && c.rules.length >= 1, `collection ${c.name} has no rule (MinItems 1)`);
    }
    for (const c of inputs.applicationRuleCollections ?? []) {
        for (const r of c.rules) {
            check(nonEmpty(r.name), `rule name ${r.name}`);
            for (const p of r.protocols ?? []) {
                check(["Http", "Https", "Mssql"].includes(p.type), `protocol ${p.type}`);
                check(between(p.port, 0, 64000), `port ${p.port}`);
            }
            (r.sourceAddresses ?? []).forEach((a: string) => check(isSourceAddress(a), `source ${a}`));
            (r.destinationFqdns ?? []).forEach((f: string) => check(nonEmpty(f), "empty fqdn"));
        }
    }
    for (const c of inputs.networkRuleCollections ?? []) {
        for (const r of c.rules) {
            check(nonEmpty(r.name), `rule name ${r.name}`);
            check(Array.isArray(r.protocols), `protocols of ${r.name} (required)`);
            (r.protocols ?? []).forEach((p: string) => check(["Any", "TCP", "UDP", "ICMP"].includes(p), `proto ${p}`));
            check(Array.isArray(r.destinationPorts), `destination_ports of ${r.name} (required)`);
            (r.destinationPorts ?? []).forEach((p: string) => check(isPortOrRange(p, 1, 65535), `port ${p}`));
            (r.sourceAddresses ?? []).forEach((a: string) => check(isSourceAddress(a), `source ${a}`));
            (r.destinationAddresses ?? []).forEach((a: string) => check(nonEmpty(a), "empty destination"));
        }
    }
    return errors;
}

/** Errors azurerm raises for a classic firewall policy's inputs, and the 24-character auto-name trap. */
export function azurermPolicyErrors(resourceName: string, inputs: Record<string, any>): string[] {
    const errors: string[] = [];
    if (inputs.name === undefined) {
        if (resourceName.length + CLASSIC_AUTONAME_RANDOM > CLASSIC_AUTONAME_MAX) {
            errors.push(`auto-name ${resourceName} plus 7 random chars is longer than maximum length 24`);
        }
    } else if (!AZURERM_NAME.test(inputs.name) || inputs.name.length > AZURE_NAME_MAX) {
        errors.push(`name ${inputs.name}`);
    }
    if (inputs.sku !== undefined && !["Standard", "Premium", "Basic"].includes(inputs.sku)) {
        errors.push(`sku ${inputs.sku}`);
    }
    if (inputs.sku === "Basic" && inputs.dns !== undefined) {
        errors.push("dns on Basic (FirewallPolicyHigherTierOnlyProperties)");
    }
    if (inputs.sku === "Basic" && ![undefined, "Alert"].includes(inputs.threatIntelligenceMode)) {
        errors.push("threat intel other than Alert on Basic");
    }
    return errors;
}

/** Errors of an azure-native rule collection group's or policy's names, against Azure's and the REST spec's rules. */
export function nativeErrors(policyInputs: Record<string, any> | undefined, rcgInputs: Record<string, any>): string[] {
    const errors: string[] = [];
    for (const name of [
        policyInputs?.firewallPolicyName,
        rcgInputs.firewallPolicyName,
        rcgInputs.ruleCollectionGroupName,
    ]) {
        if (name !== undefined && (!AZURERM_NAME.test(name) || name.length > AZURE_NAME_MAX)) {
            errors.push(`name ${name}`);
        }
    }
    if (policyInputs && policyInputs.firewallPolicyName === undefined) {
        errors.push("policy name left to the provider's auto-naming");
    }
    if (policyInputs?.sku?.tier === "Basic" && policyInputs.dnsSettings !== undefined) {
        errors.push("dnsSettings on Basic (FirewallPolicyHigherTierOnlyProperties)");
    }
    if (!between(rcgInputs.priority, 100, 65000)) {
        errors.push(`priority ${rcgInputs.priority}`);
    }
    for (const c of rcgInputs.ruleCollections ?? []) {
        if (!between(c.priority, 100, 65000)) {
            errors.push(`collection priority ${c.priority}`);
        }
        for (const r of c.rules ?? []) {
            for (const p of r.protocols ?? []) {
                if (!between(p.port, 0, 64000)) {
                    errors.push(`port ${p.port}`);
                }
            }
        }
    }
    return errors;
}

/**
 * Azure Firewall's documented limits (azure-docs `includes/firewall-limits.md`), at the stricter value
 * where they differ by policy age: a rule collection group's rules total at most 1 MB (policies created
 * before July 2022; 2 MB after), and a policy's network rules at most 20,000 unique source-destination
 * combinations, each rule counting protocols × sources × destinations × ⌈ports ÷ 14⌉ (a service tag or
 * an FQDN counted as one destination here; Azure may count a tag's prefixes).
 */
export function azureLimitErrors(ruleCollections: Record<string, any>[]): string[] {
    const errors: string[] = [];
    const bytes = Buffer.byteLength(JSON.stringify(ruleCollections));
    if (bytes > 1024 * 1024) {
        errors.push(`rules total ${bytes} bytes, over 1 MB`);
    }
    let combinations = 0;
    for (const c of ruleCollections) {
        for (const r of c.rules ?? []) {
            if (r.ruleType !== "NetworkRule") {
                continue;
            }
            const sources = (r.sourceAddresses?.length ?? 0) + (r.sourceIpGroups?.length ?? 0);
            const destinations =
                (r.destinationAddresses?.length ?? 0) +
                (r.destinationFqdns?.length ?? 0) +
                (r.destinationIpGroups?.length ?? 0);
            combinations +=
                r.ipProtocols.length * sources * destinations * Math.ceil((r.destinationPorts?.length ?? 0) / 14);
        }
    }
    if (combinations > 20000) {
        errors.push(`${combinations} unique source-destination combinations in network rules, over 20,000`);
    }
    return errors;
}

/**
 * What Azure returns for a rule it was written, as recorded in responses others captured: the az CLI
 * firewall extension's recordings (`test/fixtures/azure/rcg-network-rules.response.json`: every list
 * field of a network rule comes back, `[]` when not given) and portal "Export template" files of
 * api-version 2024-07-01 and 2025-07-01 (application rules come back with `fqdnTags`, `webCategories`,
 * `targetUrls`, `destinationAddresses`, `sourceIpGroups`, `httpHeadersToInsert` as `[]` and
 * `terminateTLS: false`). A `description` comes back only when one was written.
 */
export function azureReturnsRule(rule: Record<string, any>, networkListFields: string[]): Record<string, any> {
    const lists =
        rule.ruleType === "NetworkRule"
            ? networkListFields
            : ["sourceAddresses", "sourceIpGroups", "destinationAddresses", "fqdnTags", "webCategories", "targetUrls"];
    const returned: Record<string, any> = { ...rule };
    for (const field of lists) {
        returned[field] = rule[field] ?? [];
    }
    if (rule.ruleType === "ApplicationRule") {
        returned.httpHeadersToInsert = rule.httpHeadersToInsert ?? [];
        returned.terminateTLS = rule.terminateTLS ?? false;
    }
    if (rule.description === undefined || rule.description === "") {
        delete returned.description;
    }
    return returned;
}

/**
 * azurerm's expand (`expandFirewallPolicyRuleCollectionApplication`/`...Network`): the ARM body it
 * writes from the classic inputs, application collections first, every optional list sent (nil when
 * not set), `terminateTLS` and `description` always sent.
 */
export function azurermExpand(inputs: Record<string, any>): Record<string, any>[] {
    const app = (inputs.applicationRuleCollections ?? []).map((c: any) => ({
        ruleCollectionType: "FirewallPolicyFilterRuleCollection",
        name: c.name,
        priority: c.priority,
        action: { type: c.action },
        rules: c.rules.map((r: any) => ({
            ruleType: "ApplicationRule",
            name: r.name,
            description: r.description ?? "",
            protocols: (r.protocols ?? []).map((p: any) => ({ protocolType: p.type, port: p.port })),
            sourceAddresses: r.sourceAddresses,
            sourceIpGroups: r.sourceIpGroups,
            destinationAddresses: r.destinationAddresses,
            targetFqdns: r.destinationFqdns,
            targetUrls: r.destinationUrls,
            fqdnTags: r.destinationFqdnTags,
            terminateTLS: r.terminateTls ?? false,
            webCategories: r.webCategories,
            httpHeadersToInsert: [],
        })),
    }));
    const net = (inputs.networkRuleCollections ?? []).map((c: any) => ({
        ruleCollectionType: "FirewallPolicyFilterRuleCollection",
        name: c.name,
        priority: c.priority,
        action: { type: c.action },
        rules: c.rules.map((r: any) => ({
            ruleType: "NetworkRule",
            name: r.name,
            description: r.description ?? "",
            ipProtocols: r.protocols,
            sourceAddresses: r.sourceAddresses,
            sourceIpGroups: r.sourceIpGroups,
            destinationAddresses: r.destinationAddresses,
            destinationIpGroups: r.destinationIpGroups,
            destinationFqdns: r.destinationFqdns,
            destinationPorts: r.destinationPorts,
        })),
    }));
    return [...app, ...net];
}

/**
 * azurerm's read (`flattenFirewallPolicyRuleCollection`): collections with no rules are dropped, each
 * collection goes to the application or network list by its first rule's type, and every attribute is
 * set (lists `[]`, strings `""`, booleans `false` when Azure returns none).
 */
export function azurermFlatten(collections: Record<string, any>[]): {
    applicationRuleCollections: any[];
    networkRuleCollections: any[];
} {
    const application: any[] = [];
    const network: any[] = [];
    for (const c of collections) {
        if (!c.rules?.length) {
            continue;
        }
        const base = { name: c.name ?? "", priority: c.priority ?? 0, action: c.action?.type ?? "" };
        if (c.rules[0].ruleType === "ApplicationRule") {
            application.push({
                ...base,
                rules: c.rules.map((r: any) => ({
                    name: r.name ?? "",
                    description: r.description ?? "",
                    protocols: (r.protocols ?? []).map((p: any) => ({ type: p.protocolType ?? "", port: p.port ?? 0 })),
                    httpHeaders: (r.httpHeadersToInsert ?? []).map((h: any) => ({
                        name: h.headerName,
                        value: h.headerValue,
                    })),
                    sourceAddresses: r.sourceAddresses ?? [],
                    sourceIpGroups: r.sourceIpGroups ?? [],
                    destinationAddresses: r.destinationAddresses ?? [],
                    destinationUrls: r.targetUrls ?? [],
                    destinationFqdns: r.targetFqdns ?? [],
                    destinationFqdnTags: r.fqdnTags ?? [],
                    terminateTls: r.terminateTLS ?? false,
                    webCategories: r.webCategories ?? [],
                })),
            });
        } else {
            network.push({
                ...base,
                rules: c.rules.map((r: any) => ({
                    name: r.name ?? "",
                    description: r.description ?? "",
                    protocols: r.ipProtocols ?? [],
                    sourceAddresses: r.sourceAddresses ?? [],
                    sourceIpGroups: r.sourceIpGroups ?? [],
                    destinationAddresses: r.destinationAddresses ?? [],
                    destinationIpGroups: r.destinationIpGroups ?? [],
                    destinationFqdns: r.destinationFqdns ?? [],
                    destinationPorts: r.destinationPorts ?? [],
                })),
            });
        }
    }
    return { applicationRuleCollections: application, networkRuleCollections: network };
}

/**
 * Terraform's plan for a block list: an optional attribute left out of the config equals its zero value
 * in state (`[]`, `""`, `false`, `0`), so only values that differ from the state count. Returns the
 * paths that would change.
 */
export function terraformChanges(config: unknown, state: unknown, at = ""): string[] {
    const zero = (v: unknown) =>
        v === undefined || v === null || v === "" || v === false || v === 0 || (Array.isArray(v) && v.length === 0);
    if (zero(config) && zero(state)) {
        return [];
    }
    if (Array.isArray(config) || Array.isArray(state)) {
        const [a, b] = [(config ?? []) as unknown[], (state ?? []) as unknown[]];
        if (a.length !== b.length) {
            return [at];
        }
        return a.flatMap((v, i) => terraformChanges(v, b[i], `${at}[${i}]`));
    }
    if (config !== null && typeof config === "object" && state !== null && typeof state === "object") {
        const keys = new Set([...Object.keys(config), ...Object.keys(state)]);
        return [...keys].flatMap((k) => terraformChanges((config as any)[k], (state as any)[k], at ? `${at}.${k}` : k));
    }
    return config === state ? [] : [at];
}

/**
 * azure-native's refresh: the inputs become what Azure returned (every returned body property), so the
 * next preview compares the program's inputs with them exactly: a property Azure returns that the
 * program leaves out, or writes differently, is a change. Returns the paths that would change.
 */
export function nativeRefreshChanges(written: unknown, returned: unknown, at = ""): string[] {
    if (Array.isArray(written) && Array.isArray(returned)) {
        if (written.length !== returned.length) {
            return [at];
        }
        return written.flatMap((v, i) => nativeRefreshChanges(v, returned[i], `${at}[${i}]`));
    }
    if (written !== null && typeof written === "object" && returned !== null && typeof returned === "object") {
        const keys = new Set([...Object.keys(written), ...Object.keys(returned)]);
        return [...keys].flatMap((k) =>
            nativeRefreshChanges((written as any)[k], (returned as any)[k], at ? `${at}.${k}` : k),
        );
    }
    return written === returned ? [] : [at];
}
