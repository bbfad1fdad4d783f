import * as assert from "assert";
import { FlowEvent } from "../components/diagnose/records";
import { earlier, isoTime, timeMs } from "../components/diagnose/times";
import { Diagnoser } from "../components/diagnose/verdict";

describe("log times", () => {
    it("reads the portal's month-first times in 12- and 24-hour form", () => {
        const read = (times: string[]) => times.map(isoTime);
        assert.deepStrictEqual(
            read([
                "7/18/2025, 12:26:46.737 PM",
                "7/18/2025, 12:26:46 AM",
                "1/2/2026 11:00:00.5 pm",
                "1/2/2026, 23:59:59",
            ]),
            ["2025-07-18T12:26:46.737Z", "2025-07-18T00:26:46Z", "2026-01-02T23:00:00.5Z", "2026-01-02T23:59:59Z"],
        );
    });

    it("reads every time shape in Elastic's Azure Firewall corner cases as the same instant", () => {
        // elastic/test-time-formats-corner-cases.log (test/fixtures/logs/public/SOURCES.md), worked out by hand.
        const times = [
            ["01/09/2007 09:41:00", "2007-01-09T09:41:00Z"],
            ["1/9/2007 09:41:00", "2007-01-09T09:41:00Z"],
            ["01/09/2007 09:41:00 AM", "2007-01-09T09:41:00Z"],
            ["1/9/2007 9:41:00 AM", "2007-01-09T09:41:00Z"],
            ["1/9/2007 10:41:00 AM +01:00", "2007-01-09T09:41:00.000Z"],
            ["2007-01-09T09:41:00", "2007-01-09T09:41:00Z"],
            ["2007-01-09T09:41:00.22Z", "2007-01-09T09:41:00.22Z"],
            ["2007-01-09T09:41:00.6816663Z", "2007-01-09T09:41:00.6816663Z"],
            ["2007-01-09T09:41:00.535404056Z", "2007-01-09T09:41:00.535404056Z"],
            ["2007-01-09T09:41:00.992099+00:00", "2007-01-09T09:41:00.992099Z"],
            ["2007-01-09T11:41:00+02:00", "2007-01-09T09:41:00.000Z"],
        ];
        assert.deepStrictEqual(
            times.map(([raw]) => isoTime(raw)),
            times.map(([, iso]) => iso),
        );
    });

    it("reads no time from a month, day or hour out of range, or another shape", () => {
        const unread = [
            "13/1/2026, 1:00:00 AM",
            "1/32/2026, 1:00:00 AM",
            "1/2/2026, 13:00:00 PM",
            "1/2/2026, 24:00:00",
        ];
        assert.deepStrictEqual(
            [...unread, "yesterday", " 2026-01-02 "].map(isoTime),
            [...unread, "yesterday", "2026-01-02"].map(() => undefined),
        );
    });

    it("writes ISO times with a space, a zone or padding as UTC, fractions kept", () => {
        assert.deepStrictEqual(
            [" 2025-11-21 20:11:29.3195690 ", "2025-11-21T21:11:29.5+01:00", "2025-11-21T20:11:29-00:00"].map(isoTime),
            ["2025-11-21T20:11:29.3195690Z", "2025-11-21T20:11:29.500Z", "2025-11-21T20:11:29Z"],
        );
    });

    it("compares instants, not texts, across fraction widths and shapes", () => {
        assert.strictEqual(earlier("2025-11-21T20:11:29.5Z", "2025-11-21T20:11:29.25Z"), false);
        assert.strictEqual(earlier("2025-11-21T20:11:29Z", "2025-11-21T20:11:29.0000001Z"), true);
        assert.strictEqual(earlier("2025-11-21T20:11:30.000Z", "2025-11-21 20:11:29.999"), false);
        assert.strictEqual(timeMs("2025-11-21 20:11:29.250"), Date.UTC(2025, 10, 21, 20, 11, 29, 250));
    });

    it("gives a group the first and last seen of its rows that have a time, whichever row comes first", () => {
        const diagnoser = new Diagnoser({ required: [] });
        const flow = (time: string): FlowEvent => ({
            type: "flow",
            time,
            destination: "ml.azure.com",
            kind: "fqdn",
            protocol: "HTTPS",
            port: 443,
            action: "Deny",
        });
        ["", "2026-11-20T10:00:02Z", "", "2026-11-20T10:00:01Z", "2026-11-20T10:00:03.5Z"].forEach((time) =>
            diagnoser.add(flow(time)),
        );
        const [group] = diagnoser.result().flows;
        assert.deepStrictEqual(
            [group.count, group.firstSeen, group.lastSeen],
            [5, "2026-11-20T10:00:01Z", "2026-11-20T10:00:03.5Z"],
        );
    });
});
