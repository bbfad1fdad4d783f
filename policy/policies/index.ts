/** Every policy of the pack, one per module. Importing this never starts the policy server. */
import type { Policies } from "@pulumi/policy";
import { egressCoverage } from "./egressCoverage";
import { groupsOrderedOnPolicy } from "./groupsOrderedOnPolicy";
import { networkFqdnDnsProxy } from "./networkFqdnDnsProxy";
import { networkFqdnWildcard } from "./networkFqdnWildcard";
import { noBroadAllow } from "./noBroadAllow";
import { noEmptyRules } from "./noEmptyRules";
import { priorityRange } from "./priorityRange";

export {
    egressCoverage,
    groupsOrderedOnPolicy,
    networkFqdnDnsProxy,
    networkFqdnWildcard,
    noBroadAllow,
    noEmptyRules,
    priorityRange,
};

export const policies: Policies = [
    egressCoverage,
    networkFqdnDnsProxy,
    networkFqdnWildcard,
    priorityRange,
    noEmptyRules,
    noBroadAllow,
    groupsOrderedOnPolicy,
];

export const PACK_NAME = "azureml-firewall";
