import * as assert from "assert";
import { captureProgram } from "./helpers/mocks";
import { policies } from "../policy/policies";
import { runPack } from "../cli/offline/policyRunner";
import type { CapturedResource } from "../cli/offline/mocks";
import { hubSpokeResources } from "./helpers/hubSpoke";

const GENERATED_RG = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/aml-rg-generated";

describe("examples/hub-spoke (under mocks)", () => {
    let resources: CapturedResource[];
    const one = (type: string, name?: string) => {
        const found = resources.filter((r) => r.type === type && (!name || r.name === name));
        assert.strictEqual(found.length, 1, `${type} ${name ?? ""}`);
        return found[0];
    };

    before(async () => {
        const { createHubSpoke, DEFAULTS } = await import("../examples/hub-spoke/network");
        resources = (
            await captureProgram("hubspoke", () => {
                const n = createHubSpoke(DEFAULTS);
                return {
                    ip: n.firewallPrivateIp,
                    subnet: n.computeSubnet.id,
                    rcg: n.egress.ruleCollectionGroupId,
                    peer: n.spokeToHub.id,
                    peer2: n.hubToSpoke.id,
                };
            })
        ).resources;
    });

    it("creates the hub, the spoke and the egress component", () => {
        assert.deepStrictEqual(
            resources.map((r) => `${r.type}::${r.name}`).sort(),
            hubSpokeResources("azureml-firewall-hubspoke"),
        );
    });

    it(
        "puts the firewall in AzureFirewallSubnet with the public IP, using the component's policy, after the rules " +
            "exist",
        () => {
            const firewall = one("azure-native:network:AzureFirewall");
            const policy = one("azure-native:network:FirewallPolicy");
            const subnet = one("azure-native:network:Subnet", "aml-hub-firewall-subnet");
            assert.strictEqual(subnet.inputs.subnetName, "AzureFirewallSubnet");
            assert.strictEqual(subnet.inputs.addressPrefix, "10.0.0.0/26");
            assert.deepStrictEqual(firewall.inputs.firewallPolicy, {
                id: `${GENERATED_RG}/providers/Microsoft.Network/firewallPolicies/${policy.name}`,
            });
            assert.deepStrictEqual(firewall.propertyDependencies.firewallPolicy, [policy.urn]);
            assert.deepStrictEqual(firewall.inputs.sku, { name: "AZFW_VNet", tier: "Standard" });
            assert.deepStrictEqual(firewall.inputs.ipConfigurations[0].subnet, {
                id: `${GENERATED_RG}/providers/mock/azure-native.network.Subnet/aml-hub-firewall-subnet`,
            });
            assert.match(firewall.inputs.ipConfigurations[0].publicIPAddress.id, /aml-firewall-pip$/);
            // dependsOn the component: the SDK tells the engine the resources inside it, the rules among them.
            assert.ok(
                firewall.dependencies.includes(one("azure-native:network:FirewallPolicyRuleCollectionGroup").urn),
                firewall.dependencies.join("\n"),
            );
            assert.deepStrictEqual(one("azure-native:network:FirewallPolicy").inputs.dnsSettings, {
                enableProxy: true,
            });
        },
    );

    it("routes 0.0.0.0/0 from the compute subnet to the firewall's private IP", () => {
        const routes = one("azure-native:network:RouteTable");
        assert.deepStrictEqual(routes.inputs.routes, [
            {
                name: "default-via-firewall",
                addressPrefix: "0.0.0.0/0",
                nextHopType: "VirtualAppliance",
                nextHopIpAddress: "10.0.0.4",
            },
        ]);
        const compute = one("azure-native:network:Subnet", "aml-compute-subnet");
        assert.match(compute.inputs.routeTable.id, /aml-compute-routes$/);
        assert.strictEqual(compute.inputs.addressPrefix, "10.1.0.0/24");
    });

    it("points the spoke's DNS at the firewall (DNS proxy) and peers the spoke and hub both ways", () => {
        assert.deepStrictEqual(one("azure-native:network:VirtualNetwork", "aml-spoke").inputs.dhcpOptions, {
            dnsServers: ["10.0.0.4"],
        });
        assert.match(
            one("azure-native:network:VirtualNetworkPeering", "aml-hub-to-spoke").inputs.remoteVirtualNetwork.id,
            /aml-spoke$/,
        );
        assert.strictEqual(
            one("azure-native:network:VirtualNetworkPeering", "aml-hub-to-spoke").inputs.virtualNetworkName,
            "aml-hub-generated",
        );
        assert.match(
            one("azure-native:network:VirtualNetworkPeering", "aml-spoke-to-hub").inputs.remoteVirtualNetwork.id,
            /aml-hub$/,
        );
    });

    it("allows egress from the compute subnet's prefix only", () => {
        assert.deepStrictEqual(one("azureml-firewall:index:AmlFirewallPolicy").props.sources, {
            addresses: ["10.1.0.0/24"],
            ipGroups: [],
        });
        const rules = one("azure-native:network:FirewallPolicyRuleCollectionGroup").inputs.ruleCollections.flatMap(
            (c: any) => c.rules,
        );
        assert.deepStrictEqual(
            [...new Set(rules.map((r: any) => JSON.stringify(r.sourceAddresses)))],
            ['["10.1.0.0/24"]'],
        );
    });

    it("passes the policy pack", async () => {
        const runs = await runPack(policies, resources);
        assert.deepStrictEqual(
            runs.flatMap((r) => [...r.violations.map((v) => v.message), ...r.cannotRun]),
            [],
        );
        assert.deepStrictEqual(runs[0].notApplicable, []);
    });
});
