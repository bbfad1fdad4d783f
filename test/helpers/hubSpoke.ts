/** What examples/hub-spoke registers, as `type::name`, sorted; `stack` is the stack resource's name. */
export function hubSpokeResources(stack: string): string[] {
    return [
        "azure-native:network:AzureFirewall::aml-firewall",
        "azure-native:network:FirewallPolicy::aml-egress-policy",
        "azure-native:network:FirewallPolicyRuleCollectionGroup::aml-egress-rcg",
        "azure-native:network:PublicIPAddress::aml-firewall-pip",
        "azure-native:network:RouteTable::aml-compute-routes",
        "azure-native:network:Subnet::aml-compute-subnet",
        "azure-native:network:Subnet::aml-hub-firewall-subnet",
        "azure-native:network:VirtualNetwork::aml-hub",
        "azure-native:network:VirtualNetwork::aml-spoke",
        "azure-native:network:VirtualNetworkPeering::aml-hub-to-spoke",
        "azure-native:network:VirtualNetworkPeering::aml-spoke-to-hub",
        "azure-native:resources:ResourceGroup::aml-rg",
        "azureml-firewall:index:AmlFirewallPolicy::aml-egress",
        `pulumi:pulumi:Stack::${stack}`,
    ];
}
