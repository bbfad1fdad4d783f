import * as assert from "assert";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { priorityRange } from "../../policy/policies";
import { coll, messages, rcg } from "./resources";

describe("policy azureml-priority-range", () => {
    describe("resource checks", () => {
        it("flags priorities outside 100-65000", async () => {
            assert.deepStrictEqual(
                await messages(
                    priorityRange as ResourceValidationPolicy,
                    rcg([coll([], "Allow", 70000), { ...coll([]), name: "d", priority: 100.5 }], 50),
                ),
                [
                    "Rule collection group priority 50 is not a whole number from 100 to 65000.",
                    "Rule collection c priority 70000 is not a whole number from 100 to 65000.",
                    "Rule collection d priority 100.5 is not a whole number from 100 to 65000.",
                ],
            );
            assert.deepStrictEqual(await messages(priorityRange as ResourceValidationPolicy, rcg([coll([])], 100)), []);
        });
    });
});
