/**
 * The settings of a firewall policy (or of a firewall with its own rule collections) that decide
 * coverage: SKU, DNS proxy and base policy, read from every shape that carries them.
 */
import { record } from "./model";

/** The policy settings that matter for coverage. */
export interface PolicySettings {
    name?: string;
    /** `Basic`, `Standard` or `Premium`; unknown is treated as not Basic. */
    skuTier?: string;
    /** DNS proxy counts as on only when `true`; undefined is unknown. */
    dnsProxy?: boolean;
    /** Resource ID (or, in a stack, URN) of the base (parent) policy, if any. */
    basePolicyId?: string;
    /**
     * True when these settings were read from the policy itself, so that no `basePolicyId` means the
     * policy has no base (and parent groups given for it are an input error). Otherwise unknown.
     */
    basePolicyKnown?: boolean;
}

function text(value: unknown): string | undefined {
    return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * azure-native, ARM and `az network firewall policy show`: `sku.tier`, `dnsSettings.enableProxy` (on
 * only when `true`; a `dnsSettings` without it, or none at all, is unknown), `basePolicy.id`.
 */
export function nativePolicySettings(props: Record<string, unknown>): PolicySettings {
    const dns = record(props.dnsSettings);
    const proxy = dns?.enableProxy;
    return {
        name: text(props.firewallPolicyName) ?? text(props.name),
        skuTier: text(record(props.sku)?.tier),
        dnsProxy: proxy === true ? true : proxy === undefined || proxy === null ? undefined : false,
        basePolicyId: text(record(props.basePolicy)?.id),
        basePolicyKnown: true,
    };
}

/** Classic (azurerm): `sku` (default Standard), `dns.proxyEnabled` (default off), `basePolicyId`. */
export function classicPolicySettings(props: Record<string, unknown>): PolicySettings {
    return {
        name: text(props.name),
        skuTier: text(props.sku) ?? "Standard",
        dnsProxy: record(props.dns)?.proxyEnabled === true,
        basePolicyId: text(props.basePolicyId),
        basePolicyKnown: true,
    };
}

/**
 * A firewall with its own rule collections: azure-native keeps DNS proxy in
 * `additionalProperties["Network.DNS.EnableProxy"]`, classic in `dnsProxyEnabled`.
 */
export function firewallSettings(classic: boolean, name: string, props: Record<string, unknown>): PolicySettings {
    if (classic) {
        return { name, dnsProxy: props.dnsProxyEnabled === true, skuTier: text(props.skuTier) };
    }
    const extra = record(props.additionalProperties);
    const proxy = String(extra?.["Network.DNS.EnableProxy"] ?? "").toLowerCase() === "true";
    return { name, dnsProxy: proxy, skuTier: text(record(props.sku)?.tier) };
}

export function isBasic(settings: PolicySettings | undefined): boolean {
    return (settings?.skuTier ?? "").toLowerCase() === "basic";
}

/**
 * DNS proxy of a policy outside the stack: what the configuration says of it by name (case-insensitive)
 * wins; else what the components that attach to it were told: on only if all of them say so, off if
 * any says off, unknown if none says.
 */
export function externalDnsProxy(
    name: string,
    configured: Readonly<Record<string, boolean>>,
    told: unknown[],
): boolean | undefined {
    const wanted = name.toLowerCase();
    const match = Object.entries(configured).find(([key]) => key.toLowerCase() === wanted);
    if (match) {
        return match[1];
    }
    const answers = told.filter((v): v is boolean => typeof v === "boolean");
    return answers.length === 0 ? undefined : answers.every((v) => v);
}
