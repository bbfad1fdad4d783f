/**
 * Stack policy: network rules with FQDNs need DNS proxy on the policy, and a policy with DNS proxy
 * cannot be Basic. Checks in-stack policies by graph edges, and policies outside the stack through the
 * coverage config's externalPolicyDnsProxy or what the AmlFirewallPolicy component was told.
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import { ancestors, collectionsOf, externalPolicyName, isComponent, isPolicy, isRcg, policyDisplayName, policyOfRcg, policySettings } from "./common";

export const networkFqdnDnsProxy: StackValidationPolicy = {
    name: "azureml-network-fqdn-needs-dns-proxy",
    description: "Network rules that use FQDNs need DNS proxy on their firewall policy, which the Basic SKU does not have.",
    enforcementLevel: "advisory",
    configSchema: {
        properties: {
            externalPolicyDnsProxy: { type: "object", additionalProperties: { type: "boolean" }, default: {}, description: "DNS proxy of policies outside the stack, by name." },
        },
    },
    validateStack: (args, reportViolation) => {
        const external = (args.getConfig<{ externalPolicyDnsProxy?: Record<string, boolean> }>().externalPolicyDnsProxy) ?? {};
        for (const policy of args.resources.filter((r) => isPolicy(r.type))) {
            const settings = policySettings(policy);
            if (settings.dnsProxy === true && (settings.skuTier ?? "").toLowerCase() === "basic") {
                reportViolation(`Firewall policy ${policyDisplayName(policy)} enables DNS proxy on the Basic SKU, which does not support it.`, policy.urn);
            }
        }
        for (const rcg of args.resources.filter((r) => isRcg(r.type))) {
            const rules = collectionsOf(rcg.type, rcg.props).flatMap((c) => c.rules.filter((r) => r.stage === "network" && r.fqdns.length).map((r) => `${c.name}/${r.name}`));
            if (rules.length === 0) {
                continue;
            }
            const policy = policyOfRcg(rcg);
            let why: string | undefined;
            if (policy) {
                const settings = policySettings(policy);
                if ((settings.skuTier ?? "").toLowerCase() === "basic") {
                    why = `its policy ${policyDisplayName(policy)} is on the Basic SKU, which has no DNS proxy`;
                } else if (settings.dnsProxy !== true) {
                    why = `its policy ${policyDisplayName(policy)} does not enable DNS proxy (dnsSettings.enableProxy / dns.proxyEnabled)`;
                }
            } else {
                const name = externalPolicyName(rcg) ?? "(unknown)";
                const configured = Object.entries(external).find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
                const told = ancestors(rcg).filter((a) => isComponent(a.type)).map((c) => c.props.dnsProxyEnabled).find((v) => typeof v === "boolean");
                const known = configured ?? told;
                if (known !== true) {
                    why = known === false ? `policy ${name} has DNS proxy off` : `DNS proxy of policy ${name} (outside this stack) is not known; set externalPolicyDnsProxy`;
                }
            }
            if (why) {
                reportViolation(`Rule collection group ${rcg.name} uses FQDNs in network rules (${rules.join(", ")}), but ${why}; those rules allow nothing.`, rcg.urn);
            }
        }
    },
};
