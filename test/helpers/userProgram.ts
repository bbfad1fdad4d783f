/**
 * A user's network stack, written as a platform team would, in TypeScript: a hub VNet and firewall, the
 * team's own firewall policy and rule collection group, and AmlFirewallPolicy attached to that policy. The
 * config key `network-stack:variant` makes it clean, or leaves the component out (missing), or adds a network
 * Allow to any destination on 443 (broad), or leaves the policy without DNS proxy while the component is told
 * it has one (dnsOff). Installed against the packed tarball in package.spec.ts and checked with
 * `plan --program`.
 */
export const USER_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import * as network from "@pulumi/azure-native/network";
import { AmlFirewallPolicy } from "azureml-firewall";

const config = new pulumi.Config();
const variant = config.require("variant");
const location = "westeurope";
const rg = new resources.ResourceGroup("rg-hub", { resourceGroupName: "rg-hub", location });
const hub = new network.VirtualNetwork("hub", {
    resourceGroupName: rg.name,
    location,
    addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
});
const firewallSubnet = new network.Subnet("firewall-subnet", {
    resourceGroupName: rg.name,
    virtualNetworkName: hub.name,
    subnetName: "AzureFirewallSubnet",
    addressPrefix: "10.0.0.0/26",
});
const policy = new network.FirewallPolicy("hub-policy", {
    resourceGroupName: rg.name,
    firewallPolicyName: "fwp-hub",
    location,
    sku: { tier: "Standard" },
    ...(variant === "dnsOff" ? {} : { dnsSettings: { enableProxy: true } }),
});
const egress =
    variant === "missing"
        ? undefined
        : new AmlFirewallPolicy("aml-egress", {
        workspaceName: "mlw-prod",
        storageAccountName: "stmlprod001",
        region: location,
        resourceGroupName: "rg-hub",
        sourceAddresses: ["10.1.0.0/24"],
        existingFirewallPolicyName: policy.name,
        // What the team believes of the hub policy; in variant dnsOff the policy above has no DNS proxy.
        existingPolicyDnsProxyEnabled: true,
        priority: 1000,
    });
// The team's own rules on the same policy.
new network.FirewallPolicyRuleCollectionGroup("platform-rules", {
    resourceGroupName: rg.name,
    firewallPolicyName: policy.name,
    ruleCollectionGroupName: "platform",
    priority: 2000,
    ruleCollections: [
        {
            ruleCollectionType: "FirewallPolicyFilterRuleCollection",
            name: "platform-network",
            priority: 2100,
            action: { type: "Allow" },
            rules: [
                {
                    ruleType: "NetworkRule",
                    name: variant === "broad" ? "anything-https" : "ntp",
                    ipProtocols: variant === "broad" ? ["TCP"] : ["UDP"],
                    sourceAddresses: ["10.1.0.0/24"],
                    destinationAddresses: variant === "broad" ? ["*"] : ["162.159.200.1"],
                    destinationPorts: variant === "broad" ? ["443"] : ["123"],
                },
            ],
        },
    ],
}, { dependsOn: egress ? [egress] : [] });
const pip = new network.PublicIPAddress("fw-pip", {
    resourceGroupName: rg.name,
    location,
    sku: { name: "Standard" },
    publicIPAllocationMethod: "Static",
});
const firewall = new network.AzureFirewall("hub-fw", {
    resourceGroupName: rg.name,
    location,
    sku: { name: "AZFW_VNet", tier: "Standard" },
    firewallPolicy: { id: policy.id },
    ipConfigurations: [{ name: "ipconfig", subnet: { id: firewallSubnet.id }, publicIPAddress: { id: pip.id } }],
});
export const firewallName = firewall.name;
`;

export const USER_VARIANTS = ["clean", "missing", "broad", "dnsOff"] as const;

/** The pack config the team keeps beside it: the workspace and its sources, broad allows mandatory. */
export const USER_PACK_CONFIG = {
    "azureml-egress-coverage": {
        enforcementLevel: "mandatory",
        workspaces: [{ name: "mlw-prod", storageAccountName: "stmlprod001", region: "westeurope" }],
        sourceAddresses: ["10.1.0.0/24"],
    },
    "azureml-no-broad-allow": "mandatory",
};
