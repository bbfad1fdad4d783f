import * as assert from "assert";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { networkFqdnWildcard } from "../../policy/policies";
import { app, coll, messages, net, rcg } from "./resources";

describe("policy azureml-network-fqdn-no-wildcard", () => {
    describe("resource checks", () => {
        it("flags wildcard FQDNs in network rules", async () => {
            assert.deepStrictEqual(
                await messages(
                    networkFqdnWildcard as ResourceValidationPolicy,
                    rcg([
                        coll([
                            net({
                                destinationFqdns: ["*.instances.azureml.ms", "ok.example.com"],
                                destinationPorts: ["8787"],
                            }),
                        ]),
                    ]),
                ),
                [
                    "Network rule c/n has wildcard FQDNs *.instances.azureml.ms; use an application rule (HTTP/S) " +
                        "or the service tag that carries the hosts.",
                ],
            );
            assert.deepStrictEqual(
                await messages(networkFqdnWildcard as ResourceValidationPolicy, rcg([coll([app(["*.azureml.ms"])])])),
                [],
            );
        });
    });
});
