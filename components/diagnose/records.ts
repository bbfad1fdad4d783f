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
 * - diagnostic-setting archives (`time`, `category`, `properties`), in either of the two forms above;
 * - the aggregation tables (`AZFWApplicationRuleAggregation`, `AZFWNetworkRuleAggregation`,
 *   `AZFWNatRuleAggregation`), each row standing for `ApplicationRuleCount` / `NetworkRuleCount` /
 *   `NatRuleCount` flows;
 * - decisions no allow rule changes, kept apart: `AZFWNatRule`, `AZFWThreatIntel`, `AZFWIdpsSignature`,
 *   `AZFWInternalFqdnResolutionFailure`, and their legacy messages (DNAT, ThreatIntel, IDPS `Signature:`);
 *   TLS without SNI (an empty `Fqdn`, or the legacy "Reason: SNI TLS extension was missing"), which no
 *   application rule can allow, is kept apart too, with its sources;
 * - legacy messages as Azure writes them: the protocol padded to five characters (`HTTP  request`),
 *   `Url:` parts, ICMP without ports (`ICMP Type=8 request from a to b.`);
 * - Sentinel's normalized (ASIM) NetworkSession and WebSession exports, by their own columns
 *   (`SrcIpAddr`, `DstIpAddr`, `DstFqdn`, `Url`, `DstPortNumber`, `NetworkProtocol`, `DvcAction`).
 * DNS proxy rows (`AZFWDnsQuery` with `QueryName`, legacy `AzureFirewallDnsProxy` messages) give the
 * name a client asked for, used to name the IP of a network-rule flow that follows it.
 * Every time is given back as ISO-8601 UTC (`isoTime`).
 */
import { isoTime } from "./times";

/**
 * Every field `eventOf` reads from a row, of any shape. A reader of wide rows (CSV) may keep only these;
 * a test records every field `eventOf` reads from every fixture row and checks it is listed here.
 */
export const ROW_FIELDS: ReadonlySet<string> = new Set([
    "Action",
    "ApplicationRuleCount",
    "Category",
    "Count",
    "Description",
    "Destination",
    "DestinationIp",
    "DestinationPort",
    "DstFqdn",
    "DstHostname",
    "DstIpAddr",
    "DstPortNumber",
    "DvcAction",
    "Error",
    "EventCount",
    "FirstSeen",
    "FirstSeen [UTC]",
    "Fqdn",
    "Ip",
    "Kind",
    "LastSeen",
    "LastSeen [UTC]",
    "NatRuleCount",
    "NetworkApplicationProtocol",
    "NetworkProtocol",
    "NetworkRuleCount",
    "Port",
    "Protocol",
    "QueryName",
    "SourceIp",
    "SrcIpAddr",
    "Table",
    "TargetUrl",
    "ThreatDescription",
    "TimeGenerated",
    "TimeGenerated [UTC]",
    "Type",
    "Url",
    "category",
    "msg",
    "msg_s",
    "properties",
    "time",
    "timeGenerated",
]);

/** The `Table` value of the diagnose query's rows (see `kql.ts`, which writes it). */
export const AGGREGATE_MARKER = "azureml-firewall:denied-flows:v1";

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
    /** How many flows the row stands for (aggregation tables, the diagnose query's rows); 1 otherwise. */
    count?: number;
    /** A row that stands for several flows at several times: the last of them (`time` is the first). */
    lastTime?: string;
    /** The IP of a flow already named (by the diagnose query's DNS correlation). */
    namedIp?: string;
}

/** A firewall decision no allow rule changes (DNAT, threat intelligence, IDPS): reported apart. */
export interface ApartEvent {
    type: "apart";
    time: string;
    reason: string;
    message: string;
    sourceIp?: string;
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

/** A row that cannot be read: `reason` groups such rows, `detail` is this row's. */
export class RowError extends Error {
    constructor(
        readonly reason: string,
        readonly detail = "",
    ) {
        super(detail ? `${reason}: ${detail}` : reason);
        this.name = "RowError";
    }
}

/** What a category (table) holds, and how its rows are read. */
type Holds = "application" | "network" | "dns" | "apart" | "other";

/** The categories read as flows or DNS queries (lower case). */
const TABLES: Record<string, Holds> = {
    azfwapplicationrule: "application",
    azurefirewallapplicationrule: "application",
    azfwapplicationruleaggregation: "application",
    azfwnetworkrule: "network",
    azurefirewallnetworkrule: "network",
    azfwnetworkruleaggregation: "network",
    azfwdnsquery: "dns",
    azurefirewalldnsproxy: "dns",
};
/** Tables of decisions no allow rule changes, and how they are reported. */
const APART: Record<string, string> = {
    azfwnatrule: "DNAT",
    azfwnatruleaggregation: "DNAT",
    azfwthreatintel: "threat intelligence",
    azfwidpssignature: "IDPS",
    azfwinternalfqdnresolutionfailure: "FQDN resolution failure",
};
export const NO_SNI = "no host name (TLS without SNI)";

/** A row's category, read once per spelling: its name in lower case, what it holds, its apart reason. */
interface Category {
    /** As the row writes it. */
    spelling: string;
    name: string;
    holds: Holds;
    apart?: string;
    /** A resource-specific table (`AZFW...`). */
    resourceSpecific: boolean;
}

/**
 * Categories by spelling (a log holds a handful of them, on every row): looked up by comparing, which for a
 * handful is cheaper than hashing each row's copy of the spelling; at most `CATEGORIES` are kept.
 */
const categories: Category[] = [];
const CATEGORIES = 32;

function categoryNamed(spelling: string): Category {
    for (const category of categories) {
        if (category.spelling === spelling) {
            return category;
        }
    }
    const name = spelling.toLowerCase();
    const apart = Object.hasOwn(APART, name) ? APART[name] : undefined;
    const holds = apart ? "apart" : Object.hasOwn(TABLES, name) ? TABLES[name] : "other";
    const category = { spelling, name, holds, ...(apart ? { apart } : {}), resourceSpecific: name.startsWith("azfw") };
    if (categories.length < CATEGORIES) {
        categories.push(category);
    }
    return category;
}

/** A host name as rules compare it: lower case, without a trailing dot. */
function hostName(name: string): string {
    const lower = name.toLowerCase();
    return lower.charCodeAt(lower.length - 1) === 46 ? lower.slice(0, -1) : lower;
}

/**
 * A field's value as a string; absent, `null` and empty are `undefined`. Fields are read by name at each place
 * (`row.Fqdn`), not through a shared function that takes the name: each place then sees one or a few row
 * shapes, which is what makes reading a million rows cheap.
 */
function text(value: unknown): string | undefined {
    if (value === undefined || value === null || value === "") {
        return undefined;
    }
    return typeof value === "string" ? value : String(value);
}

function portOf(value: string | undefined, what: string): number {
    const port = value ? Number(value) : NaN; // Number("") would be 0
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new RowError("a port that is not a whole number from 0 to 65535", `${what} ${JSON.stringify(value)}`);
    }
    return port;
}

/**
 * A row's time as ISO-8601 UTC (`isoTime`), or `""` for a row without one; a time in no shape `isoTime` reads
 * makes the row unreadable (its first and last seen would be guesses).
 */
function rowTime(raw: string | undefined): string {
    if (raw === undefined) {
        return "";
    }
    const time = isoTime(raw);
    if (time === undefined) {
        throw new RowError(
            "a time in no shape this tool reads (ISO-8601, Log Analytics', the portal's)",
            JSON.stringify(raw),
        );
    }
    return time;
}

function timeOf(row: Row): string {
    return rowTime(
        text(row.TimeGenerated) ?? text(row["TimeGenerated [UTC]"]) ?? text(row.time) ?? text(row.timeGenerated),
    );
}

/**
 * The category of a row: the resource-specific table (`Type`, which IDPS rows carry beside a `Category`
 * column of their own), the legacy `Category`, or the archive's `category`.
 */
function categoryOf(row: Row): Category | undefined {
    const type = text(row.Type);
    if (type && type.length > 4 && (type.charCodeAt(0) | 32) === 97) {
        const category = categoryNamed(type);
        if (category.resourceSpecific) {
            return category;
        }
    }
    const spelling = text(row.Category) ?? text(row.category) ?? text(row.Type);
    return spelling === undefined ? undefined : categoryNamed(spelling);
}

function countOf(row: Row): number | undefined {
    const raw = text(row.ApplicationRuleCount) ?? text(row.NetworkRuleCount) ?? text(row.NatRuleCount);
    if (raw === undefined) {
        return undefined;
    }
    const count = Number(raw);
    if (!Number.isInteger(count) || count < 1) {
        throw new RowError("a count that is not a whole number of at least 1", JSON.stringify(raw));
    }
    return count;
}

function structured(row: Row, holds: Holds | undefined, time: string): FlowEvent | ApartEvent {
    const application =
        holds === "application" || (holds !== "network" && row.Fqdn !== undefined && row.DestinationIp === undefined);
    // An application row names its host in Fqdn, or (HTTP without a host name there) in TargetUrl.
    const destination = application ? (text(row.Fqdn) ?? urlHost(text(row.TargetUrl))) : text(row.DestinationIp);
    if (!destination) {
        if (application) {
            return { type: "apart", time, reason: "TLS without SNI", message: NO_SNI, sourceIp: text(row.SourceIp) };
        }
        throw new RowError("a network rule row without DestinationIp");
    }
    const protocol = (text(row.Protocol) ?? "").toUpperCase();
    const port = text(row.DestinationPort);
    const event: FlowEvent = {
        type: "flow",
        time,
        sourceIp: text(row.SourceIp),
        destination: application ? hostName(destination) : destination,
        kind: application ? "fqdn" : "ip",
        protocol,
        // ICMP has no ports: port 0, as the legacy ICMP message is read.
        port: port === undefined && protocol === "ICMP" ? 0 : portOf(port, "DestinationPort"),
        action: text(row.Action) ?? "",
    };
    const count = countOf(row);
    if (count !== undefined) {
        event.count = count;
    }
    return event;
}

/** A decision of a table no allow rule changes, in words. */
function apartRow(row: Row, reason: string, time: string): ApartEvent {
    const what = [
        text(row.SourceIp) && `from ${text(row.SourceIp)}`,
        (text(row.DestinationIp) ?? text(row.Fqdn)) &&
            `to ${text(row.Fqdn) ?? text(row.DestinationIp)}:${text(row.DestinationPort) ?? ""}`,
        text(row.Action) && `action ${text(row.Action)}`,
        text(row.Description) ?? text(row.ThreatDescription) ?? text(row.Error),
    ].filter(Boolean);
    return { type: "apart", time, reason, message: what.join(", "), sourceIp: text(row.SourceIp) };
}

/**
 * The host of a URL with or without a scheme (`https://host:443/path`, `host/path`), as a regular expression's
 * source: the diagnose query (`kql.ts`) extracts it with the same pattern.
 */
export const URL_HOST = "^(?:\\w+://)?([^/:?#]+)";
const URL_HOST_PATTERN = new RegExp(URL_HOST);

function urlHost(url: string | undefined): string | undefined {
    return url ? URL_HOST_PATTERN.exec(url)?.[1] : undefined;
}

/** Sentinel's normalized (ASIM) NetworkSession / WebSession rows, by their own columns. */
function normalized(row: Row, time: string): FlowEvent {
    const host = text(row.DstFqdn) ?? text(row.DstHostname) ?? urlHost(text(row.Url));
    const ip = text(row.DstIpAddr);
    const destination = host ?? ip;
    if (!destination) {
        throw new RowError("a normalized (ASIM) row without DstFqdn, Url or DstIpAddr");
    }
    const count = row.EventCount === undefined ? undefined : Number(text(row.EventCount));
    return {
        type: "flow",
        time,
        sourceIp: text(row.SrcIpAddr),
        destination: host ? hostName(host) : destination,
        kind: host ? "fqdn" : "ip",
        protocol: (text(row.NetworkApplicationProtocol) ?? text(row.NetworkProtocol) ?? "").toUpperCase(),
        port: portOf(text(row.DstPortNumber), "DstPortNumber"),
        action: text(row.DvcAction) ?? "",
        ...(count !== undefined && Number.isInteger(count) && count > 1 ? { count } : {}),
    };
}

/**
 * `HTTPS request from a:p to host:443. ...`; the protocol is padded to five characters (`HTTP  request`); an
 * ICMP IDPS line has empty ports (`ICMP request from a: to b:. Action: alert. Signature: ...`).
 */
const LEGACY = /^(\w+)\s+request from ([^\s:]+):(\d*) to ([^\s:]+):(\d*)(.*)$/;
/**
 * ICMP has no ports: `ICMP Type=8 request from 192.168.0.2 to 89.160.20.156. Action: Deny.`; newer firewalls
 * write port 0 (`ICMP Type=8 request from 10.13.2.4:0 to 13.107.4.50:0. Action: Deny..`).
 */
const LEGACY_ICMP = /^ICMP\s+Type=(\d+)\s+request from ([^\s:]+?)(?::\d*)? to ([^\s:]+?)(?::\d*)?\.?\s+Action: (\w+)/i;
/** TLS without SNI: `HTTPS request from a:p. Action: Deny. Reason: SNI ...`, or `... was denied. Reason: SNI ...`. */
const LEGACY_NO_SNI =
    /^(\w+)\s+request from ([^\s:]+):(\d+)(?:\.\s+Action: \w+\.| was \w+\.)\s+Reason: SNI TLS extension was missing/i;

/** Reads a legacy `msg_s` message; DNAT, threat-intelligence, IDPS and SNI-less lines become `ApartEvent`s. */
export function legacyMessage(raw: string, time: string): FlowEvent | ApartEvent | undefined {
    const message = raw.trim();
    const noSni = LEGACY_NO_SNI.exec(message);
    if (noSni) {
        return { type: "apart", time, reason: "TLS without SNI", message: NO_SNI, sourceIp: noSni[2] };
    }
    const icmp = LEGACY_ICMP.exec(message);
    if (icmp) {
        const ip = /^\d+\.\d+\.\d+\.\d+$/.test(icmp[3]);
        return {
            type: "flow",
            time,
            sourceIp: icmp[2],
            destination: ip ? icmp[3] : icmp[3].toLowerCase(),
            kind: ip ? "ip" : "fqdn",
            protocol: "ICMP",
            port: 0,
            action: icmp[4],
        };
    }
    const match = LEGACY.exec(message);
    if (!match) {
        return undefined;
    }
    const rest = match[6];
    const action = /Action: (\w+)/.exec(rest)?.[1] ?? "";
    const reason = /was DNAT'ed/i.test(rest)
        ? "DNAT"
        : /ThreatIntel/i.test(rest)
          ? "threat intelligence"
          : /\. Signature: |\. IDS: /.test(rest) || /^alert$/i.test(action)
            ? "IDPS"
            : undefined;
    if (reason) {
        return { type: "apart", time, reason, message, sourceIp: match[2] };
    }
    const ip = /^\d+\.\d+\.\d+\.\d+$/.test(match[4]);
    const protocol = match[1].toUpperCase();
    return {
        type: "flow",
        time,
        sourceIp: match[2],
        destination: ip ? match[4] : hostName(match[4]),
        kind: ip ? "ip" : "fqdn",
        protocol,
        port: match[5] === "" && protocol === "ICMP" ? 0 : portOf(match[5], "msg"),
        action,
    };
}

const LEGACY_DNS = /^DNS Request: ([^\s:]+):\d+ - \S+ \S+ \S+ (\S+)/;

function dnsOf(row: Row, message: string | undefined, time: string): DnsEvent | undefined {
    const legacy = message !== undefined ? LEGACY_DNS.exec(message.trim()) : undefined;
    const sourceIp = legacy?.[1] ?? text(row.SourceIp);
    const name = legacy?.[2] ?? text(row.QueryName);
    return sourceIp && name ? { type: "dns", time, sourceIp, name: hostName(name) } : undefined;
}

/** A row of the diagnose query's result (`diagnoseQuery`): denied flows already aggregated and named. */
function aggregated(row: Row): FlowEvent {
    const kind = text(row.Kind);
    const destination = text(row.Destination);
    if ((kind !== "fqdn" && kind !== "ip") || !destination) {
        throw new RowError("a diagnose-query row without Kind (fqdn or ip) and Destination");
    }
    const count = Number(text(row.Count));
    if (!Number.isInteger(count) || count < 1) {
        throw new RowError("a count that is not a whole number of at least 1", JSON.stringify(text(row.Count)));
    }
    const ip = text(row.Ip);
    return {
        type: "flow",
        time: rowTime(text(row.FirstSeen) ?? text(row["FirstSeen [UTC]"])),
        lastTime: rowTime(text(row.LastSeen) ?? text(row["LastSeen [UTC]"])),
        destination: kind === "fqdn" ? hostName(destination) : destination,
        kind,
        protocol: (text(row.Protocol) ?? "").toUpperCase(),
        port: portOf(text(row.Port), "Port"),
        action: "Deny",
        count,
        ...(kind === "fqdn" && ip ? { namedIp: ip } : {}),
    };
}

/** One row of any supported shape as a `LogEvent`; throws with a reason for a row it cannot read. */
export function eventOf(input: Row): LogEvent {
    if (input.Table === AGGREGATE_MARKER) {
        return aggregated(input);
    }
    // A diagnostic-setting archive row holds the record in `properties` (read in place: no copy per row).
    const properties = input.properties;
    const archived = properties !== null && typeof properties === "object" && !Array.isArray(properties);
    const row = archived ? (properties as Row) : input;
    const raw = archived ? text(input.category) : undefined;
    const category = archived ? (raw === undefined ? undefined : categoryNamed(raw)) : categoryOf(input);
    const time = archived ? rowTime(text(input.time)) : timeOf(input);
    const message = text(row.msg_s) ?? text(row.msg);
    if (category?.holds === "dns") {
        return dnsOf(row, message, time) ?? { type: "skipped", category: category.name };
    }
    if (category?.apart) {
        return apartRow(row, category.apart, time);
    }
    if (
        row.DvcAction !== undefined &&
        (row.DstIpAddr !== undefined || row.DstFqdn !== undefined || row.Url !== undefined)
    ) {
        return normalized(row, time);
    }
    if (message !== undefined) {
        const event = legacyMessage(message, time);
        if (!event) {
            throw new RowError("a message that is not a firewall flow", JSON.stringify(message.slice(0, 120)));
        }
        return event;
    }
    if (row.Fqdn !== undefined || row.DestinationIp !== undefined) {
        return structured(row, category?.holds, time);
    }
    if (category) {
        return { type: "skipped", category: category.name };
    }
    throw new RowError(
        "not an Azure Firewall log row (no Fqdn, DestinationIp, msg_s, category or DvcAction)",
        `keys ${
            Object.keys(input)
                .filter((key) => input[key] !== undefined)
                .slice(0, 8)
                .join(", ") || "(none this tool reads)"
        }`,
    );
}
