/** What the resource policies share: the rule collection group under check, read through the firewall model. */
import type { ResourceValidationArgs } from "@pulumi/policy";
import { FirewallGroup, GroupRules, isRcg, rcgGroup, readGroup, rulesOf } from "../../components/firewall";

/** For resource policies: skip resources that are not rule collection groups. */
export function requireRcg(args: ResourceValidationArgs): void {
    if (!isRcg(args.type)) {
        args.notApplicable("Policy only applies to Azure Firewall policy rule collection groups.");
    }
}

/** The rule collection group under check (either provider), in the firewall model's normal form. */
export function checkedGroup(args: ResourceValidationArgs): { group: FirewallGroup } & GroupRules {
    requireRcg(args);
    const group = readGroup(rcgGroup(args), 0);
    return { group, ...rulesOf(group) };
}
