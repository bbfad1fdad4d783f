import * as assert from "assert";
import { CATALOG } from "../components/catalog/data";
import { Requirement, SCENARIO_NAMES, resolveRequirements, scenariosOffered } from "../components/requirements";
import { parseCloud } from "../components/clouds";
import { InputError } from "../components/errors";
import { Cloud } from "../components/catalog/types";

const WS = { name: "mlw-dev", storageAccountName: "amlstore", region: "westeurope" };

function find(reqs: Requirement[], destination: string, protocol?: string, appProtocol?: string): Requirement[] {
    return reqs.filter(
        (r) =>
            r.destination === destination &&
            (!protocol || r.protocol === protocol) &&
            (appProtocol === undefined || (r.appProtocol ?? "") === appProtocol),
    );
}

function throwsInput(fn: () => unknown, argument: string, message: RegExp): void {
    assert.throws(fn, (error: unknown) => {
        assert.ok(error instanceof InputError, `expected InputError, got ${error}`);
        assert.strictEqual(error.argument, argument);
        assert.match(error.message, message);
        return true;
    });
}

describe("parseCloud", () => {
    const cases: [string, Cloud][] = [
        ["AzurePublic", "AzurePublic"],
        ["public", "AzurePublic"],
        ["AzureCloud", "AzurePublic"],
        ["AZURECLOUD", "AzurePublic"],
        ["AzureUSGovernment", "AzureUSGovernment"],
        ["usgovernment", "AzureUSGovernment"],
        ["AzureChinaCloud", "AzureChinaCloud"],
        ["China", "AzureChinaCloud"],
    ];
    for (const [input, expected] of cases) {
        it(`reads ${input} as ${expected}`, () => assert.strictEqual(parseCloud(input), expected));
    }
    it("rejects an unknown cloud, naming it and the valid names", () => {
        throwsInput(
            () => parseCloud("AzureGermanCloud"),
            "cloud",
            /^cloud: "AzureGermanCloud" is not valid; use AzurePublic, AzureUSGovernment or AzureChinaCloud \(or public, usgovernment, china, AzureCloud\)\.$/,
        );
    });
});

describe("resolveRequirements", () => {
    it("resolves placeholders for the workspace's storage account and region", () => {
        // Both rows' purposes: the compute hosts section's and the workspace hosts section's.
        const PURPOSE =
            "Workspace file share (notebooks, compute); 445 is SMB. Your storage account's file share, from compute; " +
            "445 is SMB.";
        const { requirements } = resolveRequirements({ cloud: "public", workspaces: [WS] });
        assert.deepStrictEqual(find(requirements, "amlstore.file.core.windows.net"), [
            {
                destination: "amlstore.file.core.windows.net",
                kind: "fqdn",
                protocol: "TCP",
                ports: [443],
                appProtocol: "Https",
                serviceTags: ["Storage.WestEurope"],
                scenario: "core",
                scenarios: ["core"],
                purpose: PURPOSE,
                source:
                    "Microsoft hosts > Azure Machine Learning compute instance and compute cluster hosts; " +
                    "Microsoft hosts > Azure Machine Learning hosts",
                workspaces: ["mlw-dev"],
            },
            {
                destination: "amlstore.file.core.windows.net",
                kind: "fqdn",
                protocol: "TCP",
                ports: [445],
                serviceTags: ["Storage.WestEurope"],
                scenario: "core",
                scenarios: ["core"],
                purpose: PURPOSE,
                source:
                    "Microsoft hosts > Azure Machine Learning compute instance and compute cluster hosts; " +
                    "Microsoft hosts > Azure Machine Learning hosts",
                workspaces: ["mlw-dev"],
            },
        ]);
        assert.deepStrictEqual(
            find(requirements, "westeurope.tundra.azureml.ms").map((r) => [r.protocol, r.ports, r.appProtocol]),
            [["UDP", [5831], undefined]],
        );
        assert.deepStrictEqual(
            find(requirements, "Storage.WestEurope").map((r) => [r.protocol, r.ports]),
            [["TCP", [443, 445]]],
        );
        assert.deepStrictEqual(
            find(requirements, "BatchNodeManagement.WestEurope").map((r) => r.ports),
            [[443]],
        );
        assert.strictEqual(
            requirements.some((r) => r.destination.includes("<")),
            false,
        );
    });

    it("sets appProtocol only for HTTP(S) on 80/443 and splits the other ports off", () => {
        const { requirements } = resolveRequirements({ cloud: "public", workspaces: [WS] });
        assert.deepStrictEqual(
            find(requirements, "login.microsoftonline.com").map((r) => [r.ports, r.appProtocol]),
            [
                [[80], "Http"],
                [[443], "Https"],
            ],
        );
        assert.deepStrictEqual(
            find(requirements, "*.instances.azureml.ms").map((r) => [r.ports, r.appProtocol]),
            [
                [[443], "Https"],
                [[8787, 18881], undefined],
            ],
        );
        for (const r of requirements) {
            if (r.appProtocol) {
                assert.strictEqual(r.kind, "fqdn");
                assert.ok(
                    r.ports.every((p) => (r.appProtocol === "Https" ? p === 443 : p === 80)),
                    r.destination,
                );
            }
            if (r.kind === "serviceTag") {
                assert.strictEqual(r.appProtocol, undefined);
            }
        }
    });

    it("returns requirements sorted by destination (case-insensitive), then protocol and port", () => {
        const { requirements } = resolveRequirements({
            cloud: "public",
            workspaces: [WS],
            scenarios: [...SCENARIO_NAMES],
        });
        const keys = requirements.map((r) => [r.destination.toLowerCase(), r.kind, r.protocol, r.ports[0]]);
        const sorted = [...keys].sort((a, b) =>
            a[0] < b[0]
                ? -1
                : a[0] > b[0]
                  ? 1
                  : a[1] < b[1]
                    ? -1
                    : a[1] > b[1]
                      ? 1
                      : a[2] < b[2]
                        ? -1
                        : a[2] > b[2]
                          ? 1
                          : (a[3] as number) - (b[3] as number),
        );
        assert.deepStrictEqual(keys, sorted);
    });

    it("merges duplicate rows and keeps every doc section they came from", () => {
        const { requirements } = resolveRequirements({
            cloud: "public",
            workspaces: [WS],
            scenarios: ["python", "kubernetes"],
        });
        const pypi = find(requirements, "pypi.org");
        assert.strictEqual(pypi.length, 1);
        // Both the Python include and the Kubernetes section list it: every scenario that needs it, the
        // first in the catalog's order as `scenario`, and both rows' purposes.
        assert.deepStrictEqual([pypi[0].scenario, pypi[0].scenarios], ["python", ["python", "kubernetes"]]);
        assert.strictEqual(pypi[0].purpose, "The Python package index. pip packages for training environments.");
        assert.match(pypi[0].source ?? "", /Python packages.*; Scenario: Use Kubernetes compute/);
        const table = find(requirements, "*.table.core.windows.net");
        assert.strictEqual(table.length, 1);
        assert.strictEqual(table[0].scenario, "core");
    });

    it("leaves out scenario rows unless the scenario is asked for", () => {
        const core = resolveRequirements({ cloud: "public", workspaces: [WS] }).requirements;
        assert.strictEqual(find(core, "pypi.org").length, 0);
        assert.strictEqual(find(core, "AzureMonitor").length, 0);
        assert.strictEqual(find(core, "AzureKeyVault.WestEurope").length, 0);
        const all = resolveRequirements({
            cloud: "public",
            workspaces: [WS],
            scenarios: [...SCENARIO_NAMES],
        }).requirements;
        for (const d of [
            "pypi.org",
            "AzureMonitor",
            "AzureKeyVault.WestEurope",
            "*.vault.azure.net",
            "aka.ms",
            "cdn-lfs.huggingface.co",
            "ghcr.io",
            "cloud.r-project.org",
            "*.vscode.dev",
            "archive.ubuntu.com",
        ]) {
            assert.strictEqual(find(all, d).length, 1, d);
        }
        assert.deepStrictEqual(find(all, "archive.ubuntu.com")[0].appProtocol, "Http");
    });

    it("opens Posit Workbench's licence host only with the posit-workbench scenario, in every cloud", () => {
        for (const [cloud, region] of [
            ["public", "westeurope"],
            ["usgovernment", "usgovvirginia"],
            ["china", "chinaeast2"],
        ]) {
            const workspaces = [{ ...WS, region }];
            const rstudio = resolveRequirements({ cloud, workspaces, scenarios: ["rstudio"] }).requirements;
            assert.strictEqual(find(rstudio, "www.wyday.com").length, 0, cloud);
            const posit = resolveRequirements({ cloud, workspaces, scenarios: ["posit-workbench"] }).requirements;
            const [licence] = find(posit, "www.wyday.com");
            assert.deepStrictEqual(
                [licence.protocol, licence.ports, licence.appProtocol, licence.scenario],
                ["TCP", [443], "Https", "posit-workbench"],
                cloud,
            );
        }
    });

    it("resolves the Kubernetes scenarios the article links to, optional features in their own scenarios", () => {
        const { requirements } = resolveRequirements({
            cloud: "public",
            workspaces: [{ ...WS, containerRegistryName: "crmldev01" }],
            scenarios: ["arc", "aks-extension", "aks-inference"],
        });
        const hosts = requirements.map(
            (r) => `${r.destination} ${r.protocol} ${r.ports.join(",")} ${(r.scenarios ?? []).join("+")}`,
        );
        for (const expected of [
            // The Arc agents' and the AKS extensions' docs both list it: it carries both scenarios.
            "westeurope.dp.kubernetesconfiguration.azure.com TCP 443 arc+aks-extension",
            "*.his.arc.azure.com TCP 443 arc",
            "linuxgeneva-microsoft.azurecr.io TCP 443 arc",
            "*.ingestion.msftcloudes.com TCP 443 aks-extension",
            "crmldev01.azurecr.io TCP 443 aks-inference",
            "ingest-viennawesteurope.kusto.windows.net TCP 443 aks-inference",
        ]) {
            assert.ok(hosts.includes(expected), expected);
        }
        assert.ok(
            !hosts.some((h) => h.includes("servicebus") || h.includes("arcmktplaceprod")),
            "optional rows need their scenarios",
        );
        const optional = resolveRequirements({
            cloud: "public",
            workspaces: [WS],
            scenarios: ["arc-cluster-connect", "aks-extension-marketplace"],
        });
        const obo = find(optional.requirements, "westeurope.obo.arc.azure.com");
        assert.deepStrictEqual([obo[0].protocol, obo[0].ports, obo[0].appProtocol], ["TCP", [8084], undefined]);
        assert.strictEqual(find(optional.requirements, "arcmktplaceprod.westeurope.data.azurecr.io").length, 1);
        assert.ok(CATALOG.AzurePublic.filter((r) => r.scenario === "arc-cluster-connect").every((r) => r.optional));
    });

    it("reports the doc corrections and the rows it cannot turn into rules", () => {
        const { notes, requirements } = resolveRequirements({
            cloud: "public",
            workspaces: [WS],
            scenarios: ["hbi", "vscode"],
        });
        assert.ok(notes.some((n) => n.startsWith("Doc corrected: Frontdoor.FirstParty -> AzureFrontDoor.FirstParty")));
        assert.ok(notes.some((n) => n.startsWith("Doc corrected: Keyvault.<region> -> AzureKeyVault.<region>")));
        assert.ok(notes.some((n) => n.startsWith("Not applicable: VirtualNetwork")));
        assert.ok(notes.some((n) => n.includes("8704-8710")));
        assert.strictEqual(find(requirements, "VirtualNetwork").length, 0);
        assert.strictEqual(find(requirements, "Frontdoor.FirstParty").length, 0);
    });

    it("needs the registry name for the kubernetes registry rows and says so when it is missing", () => {
        const without = resolveRequirements({ cloud: "public", workspaces: [WS], scenarios: ["kubernetes"] });
        assert.strictEqual(
            without.requirements.some((r) => r.destination.includes("azurecr.io")),
            false,
        );
        // The note names the host with the placeholders it can fill already filled (here the region).
        assert.deepStrictEqual(
            without.notes.filter((n) => n.startsWith("Left out")),
            [
                "Left out: <acr>.azurecr.io (kubernetes) needs the workspace's containerRegistryName; give it to " +
                    "include this row.",
                "Left out: <acr>.westeurope.data.azurecr.io (kubernetes) needs the workspace's " +
                    "containerRegistryName; give it to include this row.",
                "Left out: <workspaceId>.workspace.westeurope.api.azureml.ms (kubernetes) needs the workspace's " +
                    "workspaceId; give it to include this row.",
            ],
        );
        const two = resolveRequirements({
            cloud: "public",
            workspaces: [WS, { ...WS, name: "mlw-two", storageAccountName: "secondstore" }],
            scenarios: ["kubernetes"],
        });
        assert.ok(two.notes.some((n) => n.startsWith("Left out for workspace mlw-two: <acr>.azurecr.io (kubernetes)")));
        const withAcr = resolveRequirements({
            cloud: "public",
            workspaces: [
                { ...WS, containerRegistryName: "crmldev01", workspaceId: "0f0e0d0c-1111-2222-3333-444455556666" },
            ],
            scenarios: ["kubernetes"],
        });
        assert.strictEqual(find(withAcr.requirements, "crmldev01.azurecr.io").length, 1);
        assert.strictEqual(find(withAcr.requirements, "crmldev01.westeurope.data.azurecr.io").length, 1);
        assert.strictEqual(
            find(withAcr.requirements, "0f0e0d0c-1111-2222-3333-444455556666.workspace.westeurope.api.azureml.ms")
                .length,
            1,
        );
    });

    it("shares hosts between workspaces and adds each workspace's storage and regional tags", () => {
        const { requirements } = resolveRequirements({
            cloud: "public",
            workspaces: [WS, { name: "mlw-two", storageAccountName: "secondstore", region: "northeurope" }],
        });
        assert.deepStrictEqual(find(requirements, "*.azureml.ms")[0].workspaces, ["mlw-dev", "mlw-two"]);
        assert.deepStrictEqual(find(requirements, "secondstore.blob.core.windows.net")[0].workspaces, ["mlw-two"]);
        assert.deepStrictEqual(find(requirements, "secondstore.blob.core.windows.net")[0].serviceTags, [
            "Storage.NorthEurope",
        ]);
        assert.strictEqual(find(requirements, "Storage.NorthEurope").length, 1);
        assert.strictEqual(find(requirements, "Storage.WestEurope").length, 1);
        assert.deepStrictEqual(find(requirements, "*.blob.core.windows.net")[0].serviceTags, [
            "Storage.WestEurope",
            "Storage.NorthEurope",
        ]);
    });

    it("in leastPrivilege keeps a tag only where a host it carries cannot be a rule of its own", () => {
        const full = resolveRequirements({ cloud: "public", workspaces: [WS] });
        const least = resolveRequirements({ cloud: "public", workspaces: [WS], configuration: "leastPrivilege" });
        const tags = (r: typeof least) =>
            r.requirements
                .filter((q) => q.kind === "serviceTag")
                .map((q) => `${q.destination} ${q.protocol} ${q.ports.join(",")}`);
        assert.strictEqual(least.configuration, "leastPrivilege");
        // *.instances.azureml.ms on 8787/18881, *.tundra.<region>.api.azureml.ms on UDP 5831 and the Batch
        // wildcards on UDP 443 are wildcards outside HTTP(S): only their tags can carry them.
        assert.deepStrictEqual(tags(least), [
            "AzureMachineLearning TCP 8787,18881",
            "AzureMachineLearning UDP 5831",
            "BatchNodeManagement.WestEurope UDP 443",
        ]);
        assert.deepStrictEqual(
            least.requirements.filter((r) => r.kind === "fqdn"),
            full.requirements.filter((r) => r.kind === "fqdn"),
        );
        assert.ok(
            least.notes.includes(
                "Least privilege: service tag AzureMachineLearning TCP 443,8787,18881 is kept only for TCP " +
                    "8787,18881, where host rows it carries are wildcards outside HTTP(S), which no rule but the " +
                    "tag can express; the rest the doc's host rows express.",
            ),
        );
        assert.ok(
            least.notes.includes(
                "Least privilege: service tag Storage.WestEurope TCP 445 is left out; the doc's host rows express it.",
            ),
        );
        assert.ok(!least.notes.some((n) => n.includes("<region>") && n.startsWith("Least privilege")));
        // In US Government the doc lists no Batch host and no host known to sit behind AzureFrontDoor.Frontend,
        // so those two tags stay whole; AzureMachineLearning stays for the compute-instance wildcard.
        const gov = resolveRequirements({
            cloud: "usgovernment",
            workspaces: [{ ...WS, region: "usgovvirginia" }],
            configuration: "leastPrivilege",
        });
        assert.deepStrictEqual(tags(gov), [
            "AzureFrontDoor.Frontend TCP 443",
            "AzureMachineLearning TCP 8787,18881",
            "BatchNodeManagement.USGovVirginia Any 443",
        ]);
    });

    for (const cloud of ["AzureUSGovernment", "AzureChinaCloud"]) {
        it(`refuses automl and kubernetes in ${cloud}`, () => {
            const region = cloud === "AzureChinaCloud" ? "chinaeast2" : "usgovvirginia";
            throwsInput(
                () => resolveRequirements({ cloud, workspaces: [{ ...WS, region }], scenarios: ["automl"] }),
                "scenarios[0]",
                new RegExp(
                    "AutoML NLP and vision are supported in Azure public regions only, so the automl scenario is not " +
                        `offered in this cloud; available in ${cloud}: ` +
                        `${scenariosOffered(cloud as Cloud).join(", ")}\\.$`,
                ),
            );
            throwsInput(
                () =>
                    resolveRequirements({
                        cloud,
                        workspaces: [{ ...WS, region }],
                        scenarios: ["python", "kubernetes"],
                    }),
                "scenarios[1]",
                /Kubernetes compute is not available in this cloud \(the cloud-parity article marks it NO\)/,
            );
        });
    }

    describe("bad input", () => {
        const cases: [string, () => unknown, string, RegExp][] = [
            [
                "no workspaces",
                () => resolveRequirements({ cloud: "public", workspaces: [] }),
                "workspaces",
                /give at least one workspace/,
            ],
            [
                "bad workspace name",
                () => resolveRequirements({ cloud: "public", workspaces: [{ ...WS, name: "-x" }] }),
                "workspaces[0].name",
                /3-33 characters/,
            ],
            [
                "empty workspace name",
                () => resolveRequirements({ cloud: "public", workspaces: [{ ...WS, name: "" }] }),
                "workspaces[0].name",
                /^workspaces\[0\]\.name: "" is not valid/,
            ],
            [
                "duplicate workspace",
                () => resolveRequirements({ cloud: "public", workspaces: [WS, { ...WS, name: "MLW-DEV" }] }),
                "workspaces[1].name",
                /already listed/,
            ],
            [
                "upper-case storage",
                () => resolveRequirements({ cloud: "public", workspaces: [{ ...WS, storageAccountName: "AmlStore" }] }),
                "workspaces[0].storageAccountName",
                /3-24 lower-case letters and digits/,
            ],
            [
                "short storage",
                () => resolveRequirements({ cloud: "public", workspaces: [{ ...WS, storageAccountName: "ab" }] }),
                "workspaces[0].storageAccountName",
                /3-24/,
            ],
            [
                "unknown region",
                () => resolveRequirements({ cloud: "public", workspaces: [{ ...WS, region: "marsnorth" }] }),
                "workspaces[0].region",
                /AzurePublic regions are: australiacentral, .*westus3 \(set allowUnlistedRegion/,
            ],
            [
                "region of another cloud",
                () => resolveRequirements({ cloud: "china", workspaces: [WS] }),
                "workspaces[0].region",
                /^workspaces\[0\]\.region: "westeurope" is not valid; it is a region of AzurePublic, not of AzureChinaCloud; set `cloud` to AzurePublic for a workspace there\.$/,
            ],
            [
                "malformed region",
                () => resolveRequirements({ cloud: "public", workspaces: [{ ...WS, region: "West Europe" }] }),
                "workspaces[0].region",
                /ARM name/,
            ],
            [
                "unknown scenario",
                () => resolveRequirements({ cloud: "public", workspaces: [WS], scenarios: ["jupyter"] }),
                "scenarios[0]",
                /scenarios are: automl, hbi, monitoring, python, r, rstudio, posit-workbench, vscode, huggingface, kubernetes, arc, arc-cluster-connect, aks-extension, aks-extension-marketplace, aks-inference\.$/,
            ],
            [
                "bad configuration",
                () => resolveRequirements({ cloud: "public", workspaces: [WS], configuration: "minimal" }),
                "configuration",
                /use full or leastPrivilege/,
            ],
            [
                "bad registry",
                () => resolveRequirements({ cloud: "public", workspaces: [{ ...WS, containerRegistryName: "a-b" }] }),
                "workspaces[0].containerRegistryName",
                /5-50 letters and digits/,
            ],
        ];
        for (const [title, fn, argument, message] of cases) {
            it(`rejects ${title}`, () => throwsInput(fn, argument, message));
        }

        it("accepts an unlisted region only when told to, with the global tag where no regional tag exists", () => {
            const { requirements, notes } = resolveRequirements({
                cloud: "public",
                workspaces: [{ ...WS, region: "newregion1" }],
                allowUnlistedRegion: true,
            });
            assert.strictEqual(find(requirements, "Storage.newregion1").length, 0);
            assert.deepStrictEqual(find(requirements, "Storage")[0].ports, [443, 445]);
            assert.ok(
                notes.includes(
                    "Service tag Storage.newregion1 does not exist in AzurePublic (ServiceTags_Public_20251028.json, " +
                        "change 375); the global tag Storage is used instead, which covers every region.",
                ),
            );
            assert.ok(find(requirements, "newregion1.tundra.azureml.ms").length === 1);
        });
    });
});
