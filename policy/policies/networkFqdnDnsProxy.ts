/**
 * Stack policy: network rules with FQDNs need DNS proxy on the policy, and a policy with DNS proxy
 * cannot be Basic. Reads the stack through the firewall model, so a policy outside the stack gets the
 * same DNS-proxy answer here as in the coverage policy (its config's externalPolicyDnsProxy, else what
 * the AmlFirewallPolicy components were told).
 */
import type { StackValidationPolicy } from "@pulumi/policy";
import {
    FirewallTarget,
    PolicySettings,
    findTargets,
    isBasic,
    rcgGroup,
    readGroup,
    rulesOf,
    targetSettings,
} from "../../components/firewall";

const CONFIG_SCHEMA = {
    properties: {
        externalPolicyDnsProxy: {
            type: "object",
            additionalProperties: { type: "boolean" },
            default: {},
            description: "DNS proxy of policies outside the stack, by name.",
        },
    },
} as const;

/** Why network FQDN rules of a target cannot work, or undefined when they can. */
function whyNot(target: FirewallTarget, settings: PolicySettings): string | undefined {
    if (target.policy) {
        if (isBasic(settings)) {
            return `its policy ${target.name} is on the Basic SKU, which has no DNS proxy`;
        }
        return settings.dnsProxy === true
            ? undefined
            : `its policy ${target.name} does not enable DNS proxy (dnsSettings.enableProxy / dns.proxyEnabled)`;
    }
    if (settings.dnsProxy === true) {
        return undefined;
    }
    return settings.dnsProxy === false
        ? `policy ${target.name} has DNS proxy off`
        : `DNS proxy of policy ${target.name} (outside this stack) is not known; set externalPolicyDnsProxy`;
}

export const networkFqdnDnsProxy: StackValidationPolicy = {
    name: "azureml-network-fqdn-needs-dns-proxy",
    description:
        "Network rules that use FQDNs need DNS proxy on their firewall policy, which the Basic SKU does not have.",
    enforcementLevel: "advisory",
    configSchema: CONFIG_SCHEMA,
    validateStack: (args, reportViolation) => {
        const external =
            args.getConfig<{ externalPolicyDnsProxy?: Record<string, boolean> }>().externalPolicyDnsProxy ?? {};
        for (const target of findTargets(args.resources).filter((t) => !t.legacy)) {
            const settings = targetSettings(target, external);
            if (target.policy && settings.dnsProxy === true && isBasic(settings)) {
                reportViolation(
                    `Firewall policy ${target.name} enables DNS proxy on the Basic SKU, which does not support it.`,
                    target.policy.urn,
                );
            }
            for (const rcg of target.rcgs) {
                const group = readGroup(rcgGroup(rcg), 0);
                const rules = rulesOf(group)
                    .rules.filter(({ rule }) => rule.stage === "network" && rule.destinationFqdns.length)
                    .map(({ collection, rule }) => `${collection.name}/${rule.name}`);
                const why = rules.length ? whyNot(target, settings) : undefined;
                if (why) {
                    reportViolation(
                        `Rule collection group ${rcg.name} uses FQDNs in network rules (${rules.join(", ")}), but ` +
                            `${why}; those rules allow nothing.`,
                        rcg.urn,
                    );
                }
            }
        }
    },
};
