/**
 * IPv4 address arithmetic for sources: single addresses, CIDR blocks and `a.b.c.d-e.f.g.h` ranges,
 * all read as inclusive numeric intervals so that containment is exact.
 */
import * as ipaddr from "ipaddr.js";

export interface Ipv4Interval {
    start: number;
    end: number;
}

function toNumber(address: string): number | undefined {
    if (!ipaddr.IPv4.isValidFourPartDecimal(address)) {
        return undefined;
    }
    const bytes = ipaddr.IPv4.parse(address).toByteArray();
    return ((bytes[0] << 24) >>> 0) + (bytes[1] << 16) + (bytes[2] << 8) + bytes[3];
}

export interface ParsedIpv4 {
    interval: Ipv4Interval;
    /** For CIDR input: whether bits after the prefix were set (`10.1.2.5/24`). */
    hostBits: boolean;
    /** The canonical text: `a.b.c.d/n` for CIDRs and addresses, `a-b` for ranges. */
    canonical: string;
}

/** Parses an IPv4 address, CIDR or range. Anything else (IPv6, names, `*`) gives `undefined`. */
export function parseIpv4(text: string): ParsedIpv4 | undefined {
    const value = text.trim();
    const dash = value.indexOf("-");
    if (dash >= 0) {
        const start = toNumber(value.slice(0, dash));
        const end = toNumber(value.slice(dash + 1));
        if (start === undefined || end === undefined || start > end) {
            return undefined;
        }
        return {
            interval: { start, end },
            hostBits: false,
            canonical: `${value.slice(0, dash)}-${value.slice(dash + 1)}`,
        };
    }
    const slash = value.indexOf("/");
    const addressText = slash >= 0 ? value.slice(0, slash) : value;
    const address = toNumber(addressText);
    if (address === undefined) {
        return undefined;
    }
    let prefix = 32;
    if (slash >= 0) {
        const prefixText = value.slice(slash + 1);
        if (!/^\d{1,2}$/.test(prefixText) || Number(prefixText) > 32) {
            return undefined;
        }
        prefix = Number(prefixText);
    }
    const size = 2 ** (32 - prefix);
    const start = Math.floor(address / size) * size;
    const network = [start >>> 24, (start >>> 16) & 255, (start >>> 8) & 255, start & 255].join(".");
    return {
        interval: { start, end: start + size - 1 },
        hostBits: start !== address,
        canonical: `${network}/${prefix}`,
    };
}

export function isIpv6(text: string): boolean {
    const value = text.trim();
    const slash = value.indexOf("/");
    return ipaddr.IPv6.isValid(slash >= 0 ? value.slice(0, slash) : value);
}

export function contains(outer: Ipv4Interval, inner: Ipv4Interval): boolean {
    return outer.start <= inner.start && inner.end <= outer.end;
}

export function intersects(a: Ipv4Interval, b: Ipv4Interval): boolean {
    return a.start <= b.end && b.start <= a.end;
}

/** `*` and `0.0.0.0/0` stand for every address. */
export function isAnyAddress(text: string): boolean {
    const value = text.trim();
    return value === "*" || value === "0.0.0.0/0";
}
