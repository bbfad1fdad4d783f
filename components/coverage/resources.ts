/**
 * Pulumi type tokens of the firewall resources, and the policy settings that matter for coverage read
 * from a policy's properties. Shared by the policy pack (stack resources) and the CLI (stack exports).
 */
import type { PolicySettings } from "./evaluate";

export const TYPES = {
    nativePolicy: "azure-native:network:FirewallPolicy",
    nativeRcg: "azure-native:network:FirewallPolicyRuleCollectionGroup",
    classicPolicy: "azure:network/firewallPolicy:FirewallPolicy",
    classicRcg: "azure:network/firewallPolicyRuleCollectionGroup:FirewallPolicyRuleCollectionGroup",
    component: "azureml-firewall:index:AmlFirewallPolicy",
    componentClassic: "azureml-firewall:index:AmlFirewallPolicyClassic",
    nativeWorkspace: "azure-native:machinelearningservices:Workspace",
    nativeFirewall: "azure-native:network:AzureFirewall",
    classicFirewall: "azure:network/firewall:Firewall",
    classicAppCollection: "azure:network/firewallApplicationRuleCollection:FirewallApplicationRuleCollection",
    classicNetworkCollection: "azure:network/firewallNetworkRuleCollection:FirewallNetworkRuleCollection",
    classicWorkspace: "azure:machinelearning/workspace:Workspace",
} as const;

/** Matches a token and its versioned aliases (`azure-native:network/v20240501:FirewallPolicy`). */
function tokenMatcher(token: string): (type: string) => boolean {
    const [pkg, mod, name] = token.split(":");
    const pattern = new RegExp(`^${pkg}:${mod.replace(/\//g, "\\/")}(/v\\d+[a-z0-9]*)?:${name}$`);
    return (type: string) => pattern.test(type);
}

export const isNativePolicy = tokenMatcher(TYPES.nativePolicy);
export const isNativeRcg = tokenMatcher(TYPES.nativeRcg);
export const isNativeWorkspace = tokenMatcher(TYPES.nativeWorkspace);
export const isNativeFirewall = tokenMatcher(TYPES.nativeFirewall);
export const isClassicPolicy = (type: string) => type === TYPES.classicPolicy;
export const isClassicRcg = (type: string) => type === TYPES.classicRcg;
export const isClassicWorkspace = (type: string) => type === TYPES.classicWorkspace;
export const isClassicFirewall = (type: string) => type === TYPES.classicFirewall;
export const isLegacyCollection = (type: string) => type === TYPES.classicAppCollection || type === TYPES.classicNetworkCollection;
export const isPolicy = (type: string) => isNativePolicy(type) || isClassicPolicy(type);
export const isRcg = (type: string) => isNativeRcg(type) || isClassicRcg(type);
export const isComponent = (type: string) => type === TYPES.component || type === TYPES.componentClassic;
export const isWorkspace = (type: string) => isNativeWorkspace(type) || isClassicWorkspace(type);

function record(value: unknown): Record<string, unknown> | undefined {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}

/**
 * SKU and DNS proxy of a firewall policy from its properties. azure-native / ARM: `sku.tier`,
 * `dnsSettings.enableProxy` (on only when `true`; no setting at all is unknown). Classic: `sku`
 * (azurerm's default is Standard), `dns.proxyEnabled` (azurerm's default is off).
 */
export function policySettingsOf(classic: boolean, props: Record<string, unknown>): Pick<PolicySettings, "skuTier" | "dnsProxy"> {
    if (classic) {
        return {
            skuTier: typeof props.sku === "string" ? props.sku : "Standard",
            dnsProxy: record(props.dns)?.proxyEnabled === true,
        };
    }
    const tier = record(props.sku)?.tier;
    const dns = record(props.dnsSettings);
    return {
        skuTier: typeof tier === "string" ? tier : undefined,
        dnsProxy: dns?.enableProxy === true ? true : dns && dns.enableProxy !== undefined ? false : undefined,
    };
}
