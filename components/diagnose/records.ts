/**
 * Azure Firewall log records (pure): one row of any supported log shape becomes one `LogEvent`.
 *
 * Shapes read (column names from the Azure Monitor table reference and the Azure Firewall monitoring
 * reference):
 * - resource-specific rows of `AZFWApplicationRule` (`Fqdn`, no IP) and `AZFWNetworkRule`
 *   (`DestinationIp`, no name), as `az monitor log-analytics query` prints them (every value a string)
 *   or as the portal's CSV export (time column `TimeGenerated [UTC]`);
 * - legacy `AzureDiagnostics` rows (`Category` `AzureFirewallApplicationRule` /
 *   `AzureFirewallNetworkRule`, the flow written out in `msg_s`);
 * - diagnostic-setting archives (`time`, `category`, `properties`), in either of the two forms above.
 * DNS proxy rows (`AZFWDnsQuery` with `QueryName`, legacy `AzureFirewallDnsProxy` messages) give the
 * name a client asked for, used to name the IP of a network-rule flow that follows it.
 */

/** One firewall decision about one flow. */
export interface FlowEvent {
    type: "flow";
    time: string;
    sourceIp?: string;
    destination: string;
    kind: "fqdn" | "ip";
    /** `TCP`/`UDP` for network rules; for application rules the application protocol (`HTTPS`, `HTTP`). */
    protocol: string;
    port: number;
    action: string;
}

/** A firewall decision no allow rule changes (DNAT, threat intelligence, IDPS): reported apart. */
export interface ApartEvent {
    type: "apart";
    time: string;
    reason: string;
    message: string;
}

/** A DNS proxy query: which name a client asked for, and when. */
export interface DnsEvent {
    type: "dns";
    time: string;
    sourceIp: string;
    name: string;
}

/** A row that is a log record but not a flow (a category this tool does not read). */
export interface SkippedEvent {
    type: "skipped";
    category: string;
}

export type LogEvent = FlowEvent | ApartEvent | DnsEvent | SkippedEvent;

type Row = Record<string, unknown>;

const APPLICATION = ["azfwapplicationrule", "azurefirewallapplicationrule"];
const NETWORK = ["azfwnetworkrule", "azurefirewallnetworkrule"];
const DNS = ["azfwdnsquery", "azurefirewalldnsproxy"];

function text(row: Row, ...names: string[]): string | undefined {
    for (const name of names) {
        const value = row[name];
        if (value !== undefined && value !== null && value !== "") {
            return String(value);
        }
    }
    return undefined;
}

function portOf(value: string | undefined, what: string): number {
    const port = Number(value);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`${what}: port ${JSON.stringify(value)} is not a whole number from 0 to 65535`);
    }
    return port;
}

function timeOf(row: Row): string {
    return text(row, "TimeGenerated", "TimeGenerated [UTC]", "time", "timeGenerated") ?? "";
}

/** The category of a row: the table (`Type`), the legacy `Category`, or the archive's `category`. */
function categoryOf(row: Row): string | undefined {
    return text(row, "Category", "category", "Type")?.toLowerCase();
}

function structured(row: Row, category: string, time: string): FlowEvent {
    const application =
        APPLICATION.includes(category) ||
        (!NETWORK.includes(category) && row.Fqdn !== undefined && row.DestinationIp === undefined);
    const destination = application ? text(row, "Fqdn") : text(row, "DestinationIp");
    if (!destination) {
        throw new Error(`${application ? "Fqdn" : "DestinationIp"} is missing`);
    }
    return {
        type: "flow",
        time,
        sourceIp: text(row, "SourceIp"),
        destination: application ? destination.toLowerCase().replace(/\.$/, "") : destination,
        kind: application ? "fqdn" : "ip",
        protocol: (text(row, "Protocol") ?? "").toUpperCase(),
        port: portOf(text(row, "DestinationPort"), "DestinationPort"),
        action: text(row, "Action") ?? "",
    };
}

const LEGACY = /^(\w+) request from ([^\s:]+):(\d+) to ([^\s:]+):(\d+)(.*)$/;

/** Reads a legacy `msg_s` message; DNAT, threat-intelligence and IDPS lines become `ApartEvent`s. */
export function legacyMessage(message: string, time: string): FlowEvent | ApartEvent | undefined {
    const match = LEGACY.exec(message.trim());
    if (!match) {
        return undefined;
    }
    const rest = match[6];
    const action = /Action: (\w+)/.exec(rest)?.[1] ?? "";
    const reason = /was DNAT'ed/i.test(rest)
        ? "DNAT"
        : /ThreatIntel/i.test(rest)
          ? "threat intelligence"
          : /\. Signature: |\. IDS: /.test(rest) || action === "Alert"
            ? "IDPS"
            : undefined;
    if (reason) {
        return { type: "apart", time, reason, message: message.trim() };
    }
    const ip = /^\d+\.\d+\.\d+\.\d+$/.test(match[4]);
    return {
        type: "flow",
        time,
        sourceIp: match[2],
        destination: ip ? match[4] : match[4].toLowerCase().replace(/\.$/, ""),
        kind: ip ? "ip" : "fqdn",
        protocol: match[1].toUpperCase(),
        port: portOf(match[5], "msg"),
        action,
    };
}

const LEGACY_DNS = /^DNS Request: ([^\s:]+):\d+ - \S+ \S+ \S+ (\S+)/;

function dnsOf(row: Row, message: string | undefined, time: string): DnsEvent | undefined {
    const legacy = message !== undefined ? LEGACY_DNS.exec(message.trim()) : undefined;
    const sourceIp = legacy?.[1] ?? text(row, "SourceIp");
    const name = legacy?.[2] ?? text(row, "QueryName");
    return sourceIp && name ? { type: "dns", time, sourceIp, name: name.toLowerCase().replace(/\.$/, "") } : undefined;
}

/** One row of any supported shape as a `LogEvent`; throws with a reason for a row it cannot read. */
export function eventOf(input: Row): LogEvent {
    // A diagnostic-setting archive row holds the record in `properties` (read in place: no copy per row).
    const properties = input.properties;
    const archived = properties !== null && typeof properties === "object" && !Array.isArray(properties);
    const row = archived ? (properties as Row) : input;
    const category = archived ? text(input, "category")?.toLowerCase() : categoryOf(input);
    const time = archived ? (text(input, "time") ?? "") : timeOf(input);
    const message = text(row, "msg_s", "msg");
    if (category && DNS.includes(category)) {
        return dnsOf(row, message, time) ?? { type: "skipped", category };
    }
    if (message !== undefined) {
        const event = legacyMessage(message, time);
        if (!event) {
            throw new Error(`the message ${JSON.stringify(message.slice(0, 120))} is not a firewall flow`);
        }
        return event;
    }
    if (row.Fqdn !== undefined || row.DestinationIp !== undefined) {
        return structured(row, category ?? "", time);
    }
    if (category) {
        return { type: "skipped", category };
    }
    throw new Error("not an Azure Firewall log row (no Fqdn, DestinationIp, msg_s or category)");
}
