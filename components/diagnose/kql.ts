/**
 * The question `diagnose` asks, as one KQL query for the firewall's Log Analytics workspace (pure): denied
 * flows of the resource-specific tables (`AZFWApplicationRule`, `AZFWNetworkRule`) and of the legacy
 * `AzureDiagnostics` rows (their `msg_s` parsed in KQL), the IP of a network flow named by the last DNS
 * proxy query of the same client at most 2 s before it (`AZFWDnsQuery`, legacy `AzureFirewallDnsProxy`
 * rows), aggregated by destination, protocol and port with the count and first and last seen. The result
 * is one row per destination whatever the log volume, and `diagnose` reads it as a log shape of its own
 * (`AGGREGATE_MARKER`). Tables a workspace lacks are skipped (`union isfuzzy=true`).
 *
 * Left out on purpose, as they are no allow rule's denial: TLS without SNI, DNAT, threat intelligence and
 * IDPS decisions. Values from flags reach the query only as validated, quoted literals.
 */
import { parseIpv4 } from "../net";
import { AGGREGATE_MARKER, URL_HOST } from "./records";
import { DNS_WINDOW_MS } from "./verdict";

export interface QueryOptions {
    /** How far back: a whole number of days, hours or minutes (`7d`, `24h`, `90m`). */
    since: string;
    /** Firewall names (the last segment of the firewall's resource ID); none: every firewall. */
    firewalls?: string[];
    /** Workload CIDRs (IPv4); none: every source. */
    sources?: string[];
}

export class QueryOptionError extends Error {
    constructor(
        readonly flag: string,
        message: string,
    ) {
        super(`${flag}: ${message}`);
        this.name = "QueryOptionError";
    }
}

/** A KQL string literal: double-quoted, backslash and quote escaped, no control characters. */
export function kqlString(value: string): string {
    if ([...value].some((c) => c.charCodeAt(0) < 32)) {
        throw new QueryOptionError("value", `${JSON.stringify(value)} holds a control character`);
    }
    return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function sinceOf(text: string): string {
    const m = /^(\d{1,4})([dhm])$/.exec(text.trim());
    if (!m || Number(m[1]) === 0) {
        throw new QueryOptionError(
            "--since",
            `${JSON.stringify(text)} is not valid; a whole number of days, hours or minutes, such as 7d, 24h or 90m`,
        );
    }
    return `${Number(m[1])}${m[2]}`;
}

/** Azure resource names: letters, digits, `-`, `_`, `.`; the firewall's name, not its ID. */
function firewallOf(name: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/.test(name)) {
        throw new QueryOptionError(
            "--firewall",
            `${JSON.stringify(name)} is not valid; a firewall's name (letters, digits, -, _ and .)`,
        );
    }
    return name.toLowerCase();
}

function sourceOf(cidr: string): string {
    const parsed = parseIpv4(cidr);
    if (!parsed || parsed.canonical.includes("-")) {
        throw new QueryOptionError(
            "--source",
            `${JSON.stringify(cidr)} is not valid; an IPv4 address or CIDR such as 10.30.1.0/24`,
        );
    }
    return parsed.canonical;
}

function list(values: string[]): string {
    return `dynamic([${values.map(kqlString).join(", ")}])`;
}

/** The query: every line commented where it is not plain. */
export function diagnoseQuery(options: QueryOptions): string {
    const since = sinceOf(options.since);
    const firewalls = [...new Set((options.firewalls ?? []).map(firewallOf))];
    const sources = [...new Set((options.sources ?? []).map(sourceOf))];
    const byFirewall = firewalls.length
        ? '\n    | where tolower(tostring(split(_ResourceId, "/")[-1])) in (firewalls)'
        : "";
    const legacyFirewall = firewalls.length ? "\n    | where tolower(Resource) in (firewalls)" : "";
    const bySource = sources.length ? "\n    | where ipv4_is_in_any_range(SourceIp, sources)" : "";
    const window = `${DNS_WINDOW_MS / 1000}s`;
    return [
        `// azureml-firewall diagnose: denied flows of the last ${since}, by destination, protocol and port.`,
        "// Run it in the firewall's Log Analytics workspace; give the result to azureml-firewall diagnose --logs.",
        `let since = ago(${since});`,
        ...(firewalls.length ? [`let firewalls = ${list(firewalls)};`] : []),
        ...(sources.length ? [`let sources = ${list(sources)};`] : []),
        "let legacy = union isfuzzy=true AzureDiagnostics",
        `    | where TimeGenerated >= since - ${window}`,
        '        and Category in ("AzureFirewallApplicationRule", "AzureFirewallNetworkRule",',
        `            "AzureFirewallDnsProxy")${legacyFirewall};`,
        "// DNS proxy queries: which name a client asked for, and when.",
        "let dns = union isfuzzy=true",
        "    (AZFWDnsQuery",
        `    | where TimeGenerated >= since - ${window}${byFirewall}`,
        "    | project DnsTime = TimeGenerated, SourceIp, Name = QueryName),",
        "    (legacy",
        '    | where Category == "AzureFirewallDnsProxy"',
        '    | extend SourceIp = extract(@"^DNS Request: ([^\\s:]+):\\d+ - ", 1, msg_s),',
        '        Name = extract(@"^DNS Request: \\S+ - \\S+ \\S+ \\S+ (\\S+)", 1, msg_s)',
        "    | project DnsTime = TimeGenerated, SourceIp, Name)",
        "    | where isnotempty(SourceIp) and isnotempty(Name)",
        '    | extend Name = replace_regex(tolower(Name), @"\\.$", "");',
        "// Denied flows, one row each: application rules by name, network rules by IP, legacy messages either.",
        "let flows = union isfuzzy=true",
        "    (AZFWApplicationRule",
        `    | where TimeGenerated >= since and Action =~ "Deny"${byFirewall}`,
        "    // The host: Fqdn, or (HTTP without one) TargetUrl's; rows with neither are TLS without SNI.",
        `    | extend Host = iff(isnotempty(Fqdn), Fqdn, extract(@"${URL_HOST}", 1, TargetUrl))`,
        "    | where isnotempty(Host)",
        '    | project TimeGenerated, SourceIp, Kind = "fqdn",',
        '        Destination = replace_regex(tolower(Host), @"\\.$", ""),',
        "        Protocol = toupper(Protocol), Port = toint(DestinationPort)),",
        "    (AZFWNetworkRule",
        `    | where TimeGenerated >= since and Action =~ "Deny" and isnotempty(DestinationIp)${byFirewall}`,
        '    | project TimeGenerated, SourceIp, Kind = "ip", Destination = DestinationIp,',
        "        Protocol = toupper(Protocol),",
        "        // ICMP has no ports: port 0, as in legacy messages (an int, as the other branches' Port).",
        '        Port = iff(isnull(DestinationPort) and Protocol =~ "ICMP", int(0), toint(DestinationPort))),',
        "    (legacy",
        '    | where TimeGenerated >= since and Category != "AzureFirewallDnsProxy"',
        '    | extend Action = extract(@"Action: (\\w+)", 1, msg_s)',
        "    // DNAT, threat intelligence and IDPS decisions are not an allow rule's denial.",
        '    | where Action =~ "Deny" and msg_s !has "DNAT\'ed" and msg_s !has "ThreatIntel"',
        '        and msg_s !contains ". Signature: "',
        '    | extend Protocol = toupper(extract(@"^(\\w+)\\s+(?:Type=\\d+\\s+)?request from ", 1, msg_s)),',
        '        SourceIp = extract(@"request from ([^\\s:]+)", 1, msg_s),',
        '        Destination = extract(@" to ([^\\s:]+):\\d*", 1, msg_s),',
        '        Port = toint(extract(@" to [^\\s:]+:(\\d+)", 1, msg_s))',
        "    // ICMP has no ports (port 0): `ICMP Type=8 request from a to b. Action: Deny.`, `from a: to b:.`",
        "    | extend Icmp = extract(",
        '        @"^ICMP\\s+Type=\\d+\\s+request from \\S+? to ([^\\s:]+?)(?::\\d*)?\\.?\\s+Action:", 1, msg_s)',
        "    | extend Destination = iff(isnotempty(Icmp), Icmp, Destination),",
        '        Port = iff(isnotempty(Icmp) or (Protocol == "ICMP" and isnull(Port)), int(0), Port)',
        "    | where isnotempty(Destination) and isnotnull(Port)",
        '    | extend Kind = iff(Destination matches regex @"^\\d+\\.\\d+\\.\\d+\\.\\d+$", "ip", "fqdn")',
        '    | extend Destination = iff(Kind == "fqdn", replace_regex(tolower(Destination), @"\\.$", ""), Destination)',
        `    | project TimeGenerated, SourceIp, Kind, Destination, Protocol, Port)${bySource}`,
        "    | serialize Row = row_number();",
        `// An IP flow takes the name of the last DNS query of the same client at most ${window} before it, to the`,
        "// millisecond; of queries in the same millisecond, the greatest name (the answer of diagnose on raw rows).",
        "let named = flows",
        '    | where Kind == "ip"',
        "    | join kind=inner dns on SourceIp",
        "    | extend DnsMs = bin(DnsTime, 1ms), FlowMs = bin(TimeGenerated, 1ms)",
        `    | where DnsMs <= FlowMs and DnsMs >= FlowMs - ${window}`,
        '    | summarize Key = max(strcat(format_datetime(DnsMs, "yyyy-MM-dd HH:mm:ss.fff"), " ", Name))',
        "        by Row, TimeGenerated, Destination, Protocol, Port",
        "    | extend Name = substring(Key, 24);",
        "union",
        '    (named | project TimeGenerated, Kind = "fqdn", Destination = Name, Ip = Destination, Protocol, Port),',
        "    (flows | join kind=leftanti named on Row",
        '        | project TimeGenerated, Kind, Destination, Ip = "", Protocol, Port)',
        "| summarize Count = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated), Ip = max(Ip)",
        "    by Kind, Destination, Protocol, Port",
        `| extend Table = ${kqlString(AGGREGATE_MARKER)}`,
        "| order by Count desc, Destination asc",
        "",
    ].join("\n");
}
