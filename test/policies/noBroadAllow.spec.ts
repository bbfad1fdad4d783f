import * as assert from "assert";
import { runResourcePolicy } from "../../cli/offline/policyRunner";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { networkFqdnWildcard, noBroadAllow } from "../../policy/policies";
import { CLASSIC_RCG, app, coll, messages, net, rcg } from "./resources";

describe("policy azureml-no-broad-allow", () => {
    describe("resource checks", () => {
        it("flags allow rules broader than Azure ML needs, not the doc's own wildcards or Deny rules", async () => {
            assert.deepStrictEqual(
                await messages(
                    noBroadAllow as ResourceValidationPolicy,
                    rcg([
                        coll([
                            app(["*"]),
                            {
                                ...app([
                                    "*.core.windows.net",
                                    "*.azure.com",
                                    "*.blob.core.windows.net",
                                    "*.westeurope.batch.azure.com",
                                    "*.example.org",
                                ]),
                                name: "b",
                            },
                            net({ destinationAddresses: ["*"], destinationPorts: ["1-1024"] }),
                            { ...net({ destinationAddresses: ["0.0.0.0/0"], destinationPorts: ["22"] }), name: "m" },
                            {
                                ...net({ destinationAddresses: ["AzureMachineLearning"], sourceAddresses: ["*"] }),
                                name: "s",
                            },
                        ]),
                        { ...coll([app(["*"])], "Deny"), name: "deny" },
                    ]),
                ),
                [
                    "Application rule c/a allows every FQDN ('*').",
                    "Application rule c/b allows *.core.windows.net, *.azure.com, wider than any wildcard the " +
                        "Azure ML doc lists; allow the doc's hosts instead.",
                    "Network rule c/n allows any destination on HTTP/HTTPS ports; network rules run before " +
                        "application rules, so it bypasses every application rule.",
                    "Network rule c/m allows any destination ('*' or 0.0.0.0/0).",
                    "Allow rule c/s has source '*' or 0.0.0.0/0; name the workload's subnets or IP groups.",
                ],
            );
        });

        it("reads the classic provider's shape too", async () => {
            const classic = {
                type: CLASSIC_RCG,
                name: "r",
                props: {
                    priority: 500,
                    applicationRuleCollections: [
                        {
                            name: "c",
                            priority: 100,
                            action: "Allow",
                            rules: [
                                {
                                    name: "a",
                                    protocols: [{ type: "Https", port: 443 }],
                                    sourceAddresses: ["*"],
                                    destinationFqdns: ["*.windows.net"],
                                },
                            ],
                        },
                    ],
                    networkRuleCollections: [
                        {
                            name: "n",
                            priority: 200,
                            action: "Allow",
                            rules: [
                                {
                                    name: "w",
                                    protocols: ["UDP"],
                                    sourceAddresses: ["10.0.0.0/8"],
                                    destinationFqdns: ["*.tundra.azureml.ms"],
                                    destinationPorts: ["5831"],
                                },
                            ],
                        },
                    ],
                },
            };
            assert.deepStrictEqual(await messages(noBroadAllow as ResourceValidationPolicy, classic), [
                "Allow rule c/a has source '*' or 0.0.0.0/0; name the workload's subnets or IP groups.",
                "Application rule c/a allows *.windows.net, wider than any wildcard the Azure ML doc lists; allow " +
                    "the doc's hosts instead.",
            ]);
            assert.deepStrictEqual(await messages(networkFqdnWildcard as ResourceValidationPolicy, classic), [
                "Network rule n/w has wildcard FQDNs *.tundra.azureml.ms; use an application rule (HTTP/S) or the " +
                    "service tag that carries the hosts.",
            ]);
        });

        it("is not applicable to other resources", async () => {
            const run = await runResourcePolicy(noBroadAllow as ResourceValidationPolicy, {
                type: "azure-native:storage:StorageAccount",
                name: "s",
                props: {},
            });
            assert.deepStrictEqual(
                [run.violations, run.notApplicable],
                [[], ["Policy only applies to Azure Firewall policy rule collection groups."]],
            );
        });
    });
});
