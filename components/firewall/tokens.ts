/**
 * Every Pulumi type token the project meets: the firewall resources of both providers, the Azure ML
 * workspaces, and the project's own components. This is the only file that spells them.
 */
export const TYPES = {
    nativePolicy: "azure-native:network:FirewallPolicy",
    nativeRcg: "azure-native:network:FirewallPolicyRuleCollectionGroup",
    nativeFirewall: "azure-native:network:AzureFirewall",
    nativeWorkspace: "azure-native:machinelearningservices:Workspace",
    classicPolicy: "azure:network/firewallPolicy:FirewallPolicy",
    classicRcg: "azure:network/firewallPolicyRuleCollectionGroup:FirewallPolicyRuleCollectionGroup",
    classicFirewall: "azure:network/firewall:Firewall",
    classicAppCollection: "azure:network/firewallApplicationRuleCollection:FirewallApplicationRuleCollection",
    classicNetworkCollection: "azure:network/firewallNetworkRuleCollection:FirewallNetworkRuleCollection",
    classicNatCollection: "azure:network/firewallNatRuleCollection:FirewallNatRuleCollection",
    classicWorkspace: "azure:machinelearning/workspace:Workspace",
    component: "azureml-firewall:index:AmlFirewallPolicy",
    componentClassic: "azureml-firewall:index:AmlFirewallPolicyClassic",
} as const;

/** The ARM type of a rule collection group, lower-cased (ARM templates, az CLI output). */
export const ARM_RCG_TYPE = "microsoft.network/firewallpolicies/rulecollectiongroups";

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
export const isClassicPolicy = (type: string): boolean => type === TYPES.classicPolicy;
export const isClassicRcg = (type: string): boolean => type === TYPES.classicRcg;
export const isClassicWorkspace = (type: string): boolean => type === TYPES.classicWorkspace;
export const isClassicFirewall = (type: string): boolean => type === TYPES.classicFirewall;
export const isLegacyCollection = (type: string): boolean =>
    type === TYPES.classicAppCollection ||
    type === TYPES.classicNetworkCollection ||
    type === TYPES.classicNatCollection;
export const isPolicy = (type: string): boolean => isNativePolicy(type) || isClassicPolicy(type);
export const isRcg = (type: string): boolean => isNativeRcg(type) || isClassicRcg(type);
export const isComponent = (type: string): boolean => type === TYPES.component || type === TYPES.componentClassic;
export const isWorkspace = (type: string): boolean => isNativeWorkspace(type) || isClassicWorkspace(type);
export const isFirewall = (type: string): boolean => isNativeFirewall(type) || isClassicFirewall(type);
