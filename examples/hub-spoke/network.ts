/**
 * Hub-and-spoke network with Azure ML egress through Azure Firewall:
 * - hub VNet with AzureFirewallSubnet, a Standard public IP and a Standard Azure Firewall using the policy
 *   that `AmlFirewallPolicy` creates (DNS proxy on);
 * - spoke VNet with the Azure ML compute subnet, peered both ways with the hub, whose DNS servers are the
 *   firewall's private IP (so network FQDN rules resolve through the DNS proxy);
 * - a route table sending 0.0.0.0/0 from the compute subnet to the firewall's private IP.
 */
import * as pulumi from "@pulumi/pulumi";
import { ResourceGroup } from "@pulumi/azure-native/resources/resourceGroup";
import { VirtualNetwork } from "@pulumi/azure-native/network/virtualNetwork";
import { Subnet } from "@pulumi/azure-native/network/subnet";
import { PublicIPAddress } from "@pulumi/azure-native/network/publicIPAddress";
import { AzureFirewall } from "@pulumi/azure-native/network/azureFirewall";
import { RouteTable } from "@pulumi/azure-native/network/routeTable";
import { VirtualNetworkPeering } from "@pulumi/azure-native/network/virtualNetworkPeering";
import { AmlFirewallPolicy } from "../../components/amlFirewallPolicy";
import type { Scenario } from "../../components/catalog/types";

export interface HubSpokeArgs {
    prefix: string;
    location: string;
    hubAddressSpace: string;
    firewallSubnetPrefix: string;
    spokeAddressSpace: string;
    computeSubnetPrefix: string;
    workspaceName: string;
    storageAccountName: string;
    scenarios?: Scenario[];
}

export const DEFAULTS: HubSpokeArgs = {
    prefix: "aml",
    location: "westeurope",
    hubAddressSpace: "10.0.0.0/16",
    firewallSubnetPrefix: "10.0.0.0/26",
    spokeAddressSpace: "10.1.0.0/16",
    computeSubnetPrefix: "10.1.0.0/24",
    workspaceName: "mlw-hubspoke",
    storageAccountName: "stamlhubspoke01",
    scenarios: ["python"],
};

export function createHubSpoke(args: HubSpokeArgs) {
    const p = args.prefix;
    const rg = new ResourceGroup(`${p}-rg`, { location: args.location });

    const hub = new VirtualNetwork(`${p}-hub`, {
        resourceGroupName: rg.name,
        location: args.location,
        addressSpace: { addressPrefixes: [args.hubAddressSpace] },
    });
    const firewallSubnet = new Subnet(`${p}-hub-firewall-subnet`, {
        resourceGroupName: rg.name,
        virtualNetworkName: hub.name,
        subnetName: "AzureFirewallSubnet",
        addressPrefix: args.firewallSubnetPrefix,
    });
    const publicIp = new PublicIPAddress(`${p}-firewall-pip`, {
        resourceGroupName: rg.name,
        location: args.location,
        sku: { name: "Standard" },
        publicIPAllocationMethod: "Static",
    });

    // The compute subnet's prefix is the only source the egress rules allow.
    const egress = new AmlFirewallPolicy(`${p}-egress`, {
        workspaceName: args.workspaceName,
        storageAccountName: args.storageAccountName,
        region: args.location,
        resourceGroupName: rg.name,
        sourceAddresses: [args.computeSubnetPrefix],
        scenarios: args.scenarios,
    });

    const firewall = new AzureFirewall(
        `${p}-firewall`,
        {
            resourceGroupName: rg.name,
            location: args.location,
            sku: { name: "AZFW_VNet", tier: "Standard" },
            firewallPolicy: { id: egress.firewallPolicyId },
            ipConfigurations: [
                { name: "firewall-ipconfig", subnet: { id: firewallSubnet.id }, publicIPAddress: { id: publicIp.id } },
            ],
        },
        { customTimeouts: { create: "60m", update: "60m", delete: "60m" }, dependsOn: [egress] },
    );
    const firewallPrivateIp = firewall.ipConfigurations.apply((configs) => configs?.[0]?.privateIPAddress as string);

    const spoke = new VirtualNetwork(`${p}-spoke`, {
        resourceGroupName: rg.name,
        location: args.location,
        addressSpace: { addressPrefixes: [args.spokeAddressSpace] },
        // DNS through the firewall's DNS proxy, so network rules on FQDNs see the same answers as the VMs.
        dhcpOptions: { dnsServers: [firewallPrivateIp] },
    });
    const routeTable = new RouteTable(`${p}-compute-routes`, {
        resourceGroupName: rg.name,
        location: args.location,
        routes: [
            {
                name: "default-via-firewall",
                addressPrefix: "0.0.0.0/0",
                nextHopType: "VirtualAppliance",
                nextHopIpAddress: firewallPrivateIp,
            },
        ],
    });
    const computeSubnet = new Subnet(`${p}-compute-subnet`, {
        resourceGroupName: rg.name,
        virtualNetworkName: spoke.name,
        subnetName: "aml-compute",
        addressPrefix: args.computeSubnetPrefix,
        routeTable: { id: routeTable.id },
    });
    const hubToSpoke = new VirtualNetworkPeering(`${p}-hub-to-spoke`, {
        resourceGroupName: rg.name,
        virtualNetworkName: hub.name,
        remoteVirtualNetwork: { id: spoke.id },
        allowVirtualNetworkAccess: true,
        allowForwardedTraffic: true,
    });
    const spokeToHub = new VirtualNetworkPeering(`${p}-spoke-to-hub`, {
        resourceGroupName: rg.name,
        virtualNetworkName: spoke.name,
        remoteVirtualNetwork: { id: hub.id },
        allowVirtualNetworkAccess: true,
        allowForwardedTraffic: true,
    });
    return {
        rg,
        hub,
        firewallSubnet,
        publicIp,
        egress,
        firewall,
        firewallPrivateIp,
        spoke,
        routeTable,
        computeSubnet,
        hubToSpoke,
        spokeToHub,
    };
}

/** Reads the example's config (namespace `hub-spoke`), defaults from `DEFAULTS`. */
export function argsFromConfig(config: pulumi.Config): HubSpokeArgs {
    return {
        prefix: config.get("prefix") ?? DEFAULTS.prefix,
        location: config.get("location") ?? DEFAULTS.location,
        hubAddressSpace: config.get("hubAddressSpace") ?? DEFAULTS.hubAddressSpace,
        firewallSubnetPrefix: config.get("firewallSubnetPrefix") ?? DEFAULTS.firewallSubnetPrefix,
        spokeAddressSpace: config.get("spokeAddressSpace") ?? DEFAULTS.spokeAddressSpace,
        computeSubnetPrefix: config.get("computeSubnetPrefix") ?? DEFAULTS.computeSubnetPrefix,
        workspaceName: config.get("workspaceName") ?? DEFAULTS.workspaceName,
        storageAccountName: config.require("storageAccountName"),
        scenarios: config.getObject<Scenario[]>("scenarios") ?? DEFAULTS.scenarios,
    };
}
