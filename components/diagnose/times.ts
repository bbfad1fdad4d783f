/**
 * Log times (pure): every shape a firewall log export writes, read as ISO-8601 UTC (`isoTime`), and
 * compared as instants (`earlier`, `timeMs`).
 */

/** Whether a time is ISO-8601 UTC as `isoTime` writes it (`YYYY-MM-DDThh:mm:ss[.f]Z`). */
export function isCanonical(time: string): boolean {
    return time.length >= 20 && time.charCodeAt(10) === 84 && time.charCodeAt(time.length - 1) === 90;
}

/** Two-digit texts of 0 to 99. */
const TWO = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, "0"));

/** A zone: `Z`, or an offset (`+01:00`, `-0500`). */
const ZONE = "(Z|[+-]\\d{2}:?\\d{2})";
/**
 * `M/D/YYYY, h:mm:ss[.f] [AM|PM] [zone]`: the portal's `[UTC]` columns, and the times older diagnostic
 * archives write (`1/9/2007 10:41:00 AM +01:00`).
 */
const MONTH_FIRST = new RegExp(
    `^(\\d{1,2})/(\\d{1,2})/(\\d{4}),? (\\d{1,2}):(\\d{2}:\\d{2}(?:\\.\\d+)?) ?([AP]M)? ?${ZONE}?$`,
    "i",
);
/** ISO-8601 with a `T` or a space (Log Analytics' CSV), with or without a zone. */
const ISO = new RegExp(`^(\\d{4}-\\d{2}-\\d{2})[T ](\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?)${ZONE}?$`, "i");

/** A date and a time of day in a zone (none: UTC) as ISO-8601 UTC; fractions beyond milliseconds kept in UTC. */
function utc(date: string, clock: string, zone: string | undefined): string | undefined {
    if (!zone || /^(Z|[+-]00:?00)$/i.test(zone)) {
        return `${date}T${clock}Z`;
    }
    const at = new Date(`${date}T${clock}${zone}`);
    return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/** The portal's time as ISO-8601 UTC; `undefined` for another shape or a month, day or hour out of range. */
function monthFirst(text: string): string | undefined {
    const match = MONTH_FIRST.exec(text);
    if (!match) {
        return undefined;
    }
    const [, month, day, year, h, clock, half, zone] = match;
    const hour = Number(h);
    if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > 31 || hour > (half ? 12 : 23)) {
        return undefined;
    }
    const hour24 = half ? (hour % 12) + (half.toUpperCase() === "PM" ? 12 : 0) : hour;
    return utc(`${year}-${TWO[Number(month)]}-${TWO[Number(day)]}`, `${TWO[hour24]}:${clock}`, zone);
}

/** ISO-8601 as UTC: a time without a zone is UTC; `undefined` for another shape. */
function iso(text: string): string | undefined {
    const match = ISO.exec(text);
    return match ? utc(match[1], match[2], match[3]) : undefined;
}

/**
 * A log time as ISO-8601 UTC. Shapes: ISO with or without a zone (`2025-11-21T20:11:29.3195690Z`), with a
 * space for `T` and no zone (Log Analytics' CSV, UTC), and the portal's `7/18/2025, 12:26:46.737 PM` (its
 * `[UTC]` columns). Fractions beyond milliseconds are kept. `undefined` for a time none of these read.
 */
export function isoTime(raw: string): string | undefined {
    if (isCanonical(raw)) {
        return raw;
    }
    const value = raw.trim();
    return iso(value) ?? monthFirst(value);
}

/** Milliseconds of a log time; a time without a zone (the portal's `TimeGenerated [UTC]`) is UTC. */
export function timeMs(time: string): number {
    return Date.parse(isCanonical(time) || /[zZ]|[+-]\d\d:?\d\d$/.test(time) ? time : `${time}Z`);
}

/**
 * Whether `a` is an earlier instant than `b`. Canonical times of one length compare as strings (fixed-width
 * fields: what one export writes, without parsing a time per row); otherwise without their `Z` (a shorter
 * fraction is a prefix), and times that are not canonical through `Date.parse`.
 */
export function earlier(a: string, b: string): boolean {
    if (a.length === b.length && isCanonical(a) && isCanonical(b)) {
        return a < b;
    }
    if (isCanonical(a) && isCanonical(b)) {
        return a.slice(0, -1) < b.slice(0, -1);
    }
    return timeMs(a) < timeMs(b);
}
