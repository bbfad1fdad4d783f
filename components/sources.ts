/** Validation of workload sources: the addresses and IP groups that Azure ML compute sends from. */
import { InputError } from "./errors";
import { Ipv4Interval, isAnyAddress, isIpv6, parseIpv4 } from "./net";
import { parseArmId } from "./names";

export interface WorkloadSources {
    /** IPv4 CIDRs, addresses or `a.b.c.d-e.f.g.h` ranges. */
    addresses?: string[];
    /** Resource IDs of `Microsoft.Network/ipGroups`. */
    ipGroups?: string[];
}

export interface SourceOptions {
    /** Accept `*` or `0.0.0.0/0` as a source. Off by default: it lets every subnet out. */
    allowAnySource?: boolean;
}

/** The sources the rules allow from, as the components output them. */
export interface RuleSources {
    /** IPv4 CIDRs, addresses or ranges, canonical and sorted. */
    addresses: string[];
    /** Resource IDs of IP groups, in the REST spec's casing, sorted. */
    ipGroups: string[];
}

declare const validated: unique symbol;

/** Sources that passed `validateSources`: canonical, sorted, and at least one. Only `validateSources` makes them. */
export type ValidatedSources = Required<WorkloadSources> & { readonly [validated]: true };

/**
 * Checks and canonicalises sources: CIDRs in network form, duplicates removed, sorted. Throws
 * `InputError` naming the bad entry.
 */
export function validateSources(
    sources: WorkloadSources,
    options: SourceOptions = {},
    argument = "sourceAddresses",
    ipGroupArgument = "sourceIpGroups",
): ValidatedSources {
    const addresses = sources.addresses ?? [];
    const ipGroups = sources.ipGroups ?? [];
    if (!Array.isArray(addresses)) {
        throw new InputError(argument, addresses, "a list of IPv4 CIDRs.");
    }
    if (!Array.isArray(ipGroups)) {
        throw new InputError(ipGroupArgument, ipGroups, "a list of IP group resource IDs.");
    }
    if (addresses.length === 0 && ipGroups.length === 0) {
        throw new InputError(
            argument,
            addresses,
            `give the workload's source CIDRs (e.g. the compute subnet, 10.0.1.0/24) or IP groups in ` +
                `${ipGroupArgument}.`,
        );
    }
    const canonical = addresses.map((value, index) => {
        const at = `${argument}[${index}]`;
        if (typeof value !== "string") {
            throw new InputError(at, value, "an IPv4 CIDR such as 10.0.1.0/24.");
        }
        if (isAnyAddress(value)) {
            if (!options.allowAnySource) {
                throw new InputError(
                    at,
                    value,
                    "'*' and '0.0.0.0/0' let every address out; name the compute subnet's CIDR, or set " +
                        "allowAnySource to accept it.",
                );
            }
            return value.trim();
        }
        if (isIpv6(value) || /^[0-9a-f:]*:[0-9a-f:]*(%|\/|$)/i.test(value.trim())) {
            throw new InputError(
                at,
                value,
                "Azure Firewall does not support IPv6 (azure-docs articles/firewall/firewall-known-issues.md); " +
                    "give the compute subnets' IPv4 CIDRs.",
            );
        }
        const parsed = parseIpv4(value);
        if (!parsed) {
            throw new InputError(at, value, "an IPv4 address, CIDR (10.0.1.0/24) or range (10.0.1.4-10.0.1.20).");
        }
        if (parsed.hostBits) {
            throw new InputError(at, value, `the CIDR has host bits set; its network is ${parsed.canonical}.`);
        }
        return parsed.canonical;
    });
    const groups = ipGroups.map((value, index) => parseArmId(value, "ipGroups", `${ipGroupArgument}[${index}]`).id);
    return { addresses: sortUnique(canonical), ipGroups: sortUnique(groups) } as ValidatedSources;
}

/**
 * Workload CIDRs to check against (audit, diagnose) as intervals: IPv4 addresses, CIDRs and ranges only. A
 * CIDR with host bits set is read as its network, as the coverage semantics say, and `notes` gets a line
 * saying so (never silently).
 */
export function sourceIntervals(addresses: readonly string[], argument: string, notes: string[]): Ipv4Interval[] {
    return addresses.map((value, index) => {
        const parsed = typeof value === "string" ? parseIpv4(value) : undefined;
        if (!parsed) {
            throw new InputError(
                `${argument}[${index}]`,
                value,
                "a workload source is an IPv4 address, CIDR or range.",
            );
        }
        if (parsed.hostBits) {
            notes.push(`Workload source ${value} has host bits set; it is read as its network ${parsed.canonical}.`);
        }
        return parsed.interval;
    });
}

function sortUnique(values: string[]): string[] {
    return [...new Set(values)].sort();
}
