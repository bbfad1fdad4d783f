import * as assert from "assert";
import type { StackValidationPolicy } from "@pulumi/policy";
import { networkFqdnDnsProxy } from "../../policy/policies";
import { StackResourceSpec, makeStack, runStackPolicy } from "../../cli/offline/policyRunner";
import { SCENARIO_NAMES, scenariosOffered } from "../../components/requirements";
import { NATIVE_RCG, coll, net } from "./resources";

describe("policy azureml-network-fqdn-needs-dns-proxy", () => {
    describe("resource checks", () => {
        it("flags network FQDN rules on a policy without DNS proxy or on Basic", async () => {
            const stackUrn = "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev";
            const specs = (policyProps: Record<string, unknown>): StackResourceSpec[] => [
                { type: "pulumi:pulumi:Stack", name: "p-dev", urn: stackUrn, props: {} },
                {
                    type: "azure-native:network:FirewallPolicy",
                    name: "fw",
                    urn: "urn:pulumi:dev::p::azure-native:network:FirewallPolicy::fw",
                    props: { firewallPolicyName: "fw", ...policyProps },
                    parent: stackUrn,
                },
                {
                    type: NATIVE_RCG,
                    name: "r",
                    urn: `urn:pulumi:dev::p::${NATIVE_RCG}::r`,
                    parent: stackUrn,
                    propertyDependencies: {
                        firewallPolicyName: ["urn:pulumi:dev::p::azure-native:network:FirewallPolicy::fw"],
                    },
                    props: {
                        priority: 500,
                        ruleCollections: [
                            coll([net({ destinationFqdns: ["st.file.core.windows.net"], destinationPorts: ["445"] })]),
                        ],
                    },
                },
            ];
            const off = await runStackPolicy(
                networkFqdnDnsProxy as StackValidationPolicy,
                makeStack(specs({ sku: { tier: "Standard" } })),
            );
            assert.deepStrictEqual(
                off.violations.map((v) => v.message),
                [
                    "Rule collection group r uses FQDNs in network rules (c/n), but its policy fw does not enable " +
                        "DNS proxy (dnsSettings.enableProxy / dns.proxyEnabled); those rules allow nothing.",
                ],
            );
            const basic = await runStackPolicy(
                networkFqdnDnsProxy as StackValidationPolicy,
                makeStack(specs({ sku: { tier: "Basic" }, dnsSettings: { enableProxy: true } })),
            );
            assert.deepStrictEqual(
                basic.violations.map((v) => v.message),
                [
                    "Firewall policy fw enables DNS proxy on the Basic SKU, which does not support it.",
                    "Rule collection group r uses FQDNs in network rules (c/n), but its policy fw is on the Basic " +
                        "SKU, which has no DNS proxy; those rules allow nothing.",
                ],
            );
            const on = await runStackPolicy(
                networkFqdnDnsProxy as StackValidationPolicy,
                makeStack(specs({ sku: { tier: "Standard" }, dnsSettings: { enableProxy: true } })),
            );
            assert.deepStrictEqual(on.violations, []);
        });
    });

    it("covers every scenario list used in the round trip", () => {
        assert.deepStrictEqual(scenariosOffered("AzurePublic"), [...SCENARIO_NAMES]);
    });
});
