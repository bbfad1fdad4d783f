import * as assert from "assert";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { noEmptyRules } from "../../policy/policies";
import { app, coll, messages, net, rcg } from "./resources";

describe("policy azureml-no-empty-rules", () => {
    describe("resource checks", () => {
        it("flags empty collections and rules without destinations, ports, protocols or sources", async () => {
            assert.deepStrictEqual(
                await messages(
                    noEmptyRules as ResourceValidationPolicy,
                    rcg([
                        coll([]),
                        {
                            ...coll([
                                net({
                                    destinationAddresses: [],
                                    destinationPorts: [],
                                    ipProtocols: [],
                                    sourceAddresses: [],
                                }),
                                app([], { protocols: [] }),
                            ]),
                            name: "d",
                        },
                    ]),
                ),
                [
                    "Rule collection c has no rules.",
                    "Network rule d/n has no destination (addresses, FQDNs or IP groups).",
                    "Network rule d/n has no destination ports.",
                    "Network rule d/n has no protocols.",
                    "Rule d/n has no source addresses or IP groups.",
                    "Application rule d/a has no destination (FQDNs, FQDN tags, web categories or URLs).",
                    "Application rule d/a has no protocols.",
                ],
            );
        });
    });
});
