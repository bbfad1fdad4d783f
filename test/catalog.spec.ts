import * as assert from "assert";
import { CATALOG, CATALOG_SOURCES, DOC_SECTIONS, citedFiles, sectionSources } from "../components/catalog/data";
import { CatalogRow, Cloud } from "../components/catalog/types";
import { REGIONS, SERVICE_TAGS } from "../components/catalog/regions";
import { readServiceTagsFile } from "../components/catalog/serviceTagsImport";
import { CLOUD_NAMES } from "../components/clouds";
import { PlannedNetworkRule, planRules } from "../components/planner";
import { resolveRequirements, scenariosOffered } from "../components/requirements";
import { validateSources } from "../components/sources";

function rows(cloud: Cloud, destination: string): CatalogRow[] {
    return CATALOG[cloud].filter((r) => r.destination === destination);
}

function row(cloud: Cloud, destination: string, protocol = "TCP"): CatalogRow {
    const found = rows(cloud, destination).filter((r) => r.protocol === protocol);
    assert.strictEqual(found.length >= 1, true, `${cloud} has no ${protocol} row for ${destination}`);
    return found[0];
}

describe("catalog", () => {
    it("records the doc it was built from", () => {
        assert.strictEqual(
            CATALOG_SOURCES[0].path,
            "articles/machine-learning/how-to-access-azureml-behind-firewall.md",
        );
        assert.match(CATALOG_SOURCES[0].commit, /^[0-9a-f]{40}$/);
        assert.match(CATALOG_SOURCES[0].msDate, /^\d{4}-\d{2}-\d{2}$/);
    });

    for (const cloud of Object.keys(CATALOG) as Cloud[]) {
        describe(cloud, () => {
            it("gives every row a unique id, a doc section, a purpose, ports and a kind", () => {
                const ids = CATALOG[cloud].map((r) => r.id);
                assert.deepStrictEqual([...new Set(ids)], ids);
                const sections = new Set<string>(Object.values(DOC_SECTIONS));
                for (const r of CATALOG[cloud]) {
                    assert.ok(sections.has(r.section), `${r.id}: unknown section ${r.section}`);
                    assert.ok(r.purpose.length > 5, r.id);
                    assert.ok(
                        r.ports.length > 0 && r.ports.every((p) => Number.isInteger(p) && p > 0 && p < 65536),
                        r.id,
                    );
                    assert.ok(r.kind === "fqdn" || r.kind === "serviceTag", r.id);
                    assert.ok(!/^https?:|\//.test(r.destination), `${r.id}: destination must be a host or tag`);
                }
            });

            it("has the workspace file share on 443 and SMB 445", () => {
                const suffix = {
                    AzurePublic: "core.windows.net",
                    AzureUSGovernment: "core.usgovcloudapi.net",
                    AzureChinaCloud: "core.chinacloudapi.cn",
                }[cloud];
                const share = row(cloud, `<storage>.file.${suffix}`);
                assert.deepStrictEqual(share.ports, [443, 445]);
                assert.deepStrictEqual(share.serviceTags, ["Storage.<region>"]);
                assert.deepStrictEqual(
                    row(cloud, "Storage.<region>").ports.concat(rows(cloud, "Storage.<region>")[1].ports),
                    [443, 445],
                );
            });

            it("has the tundra host on UDP 5831 and AzureMachineLearning on UDP 5831", () => {
                const tld = { AzurePublic: "ms", AzureUSGovernment: "us", AzureChinaCloud: "cn" }[cloud];
                const tundra = row(cloud, `<region>.tundra.azureml.${tld}`, "UDP");
                assert.deepStrictEqual(tundra.ports, [5831]);
                assert.deepStrictEqual(row(cloud, "AzureMachineLearning", "UDP").ports, [5831]);
            });

            it("has compute instance ports 8787 and 18881", () => {
                assert.deepStrictEqual(row(cloud, "*.instances.azureml.ms").ports, [443, 8787, 18881]);
                assert.deepStrictEqual(row(cloud, "AzureMachineLearning").ports, [443, 8787, 18881]);
            });

            it("has Microsoft Container Registry hosts and tags", () => {
                assert.deepStrictEqual(row(cloud, "mcr.microsoft.com").ports, [443]);
                assert.deepStrictEqual(row(cloud, "*.data.mcr.microsoft.com").ports, [443]);
                assert.strictEqual(row(cloud, "MicrosoftContainerRegistry").kind, "serviceTag");
            });

            it("corrects the doc's misspelled tags in data and keeps the doc's spelling", () => {
                const firstParty = row(cloud, "AzureFrontDoor.FirstParty");
                assert.strictEqual(firstParty.asWritten, "Frontdoor.FirstParty");
                assert.match(firstParty.correction ?? "", /AzureFrontDoor\.FirstParty/);
                const keyVault = row(cloud, "AzureKeyVault.<region>");
                assert.strictEqual(keyVault.asWritten, "Keyvault.<region>");
                assert.strictEqual(keyVault.scenario, "hbi");
                assert.strictEqual(
                    CATALOG[cloud].some(
                        (r) => r.destination === "Frontdoor.FirstParty" || r.destination === "Keyvault.<region>",
                    ),
                    false,
                );
            });

            it("keeps VirtualNetwork but marks it not applicable to Azure Firewall", () => {
                assert.match(row(cloud, "VirtualNetwork").notApplicable ?? "", /network-security-group/);
            });

            it("knows regions for the cloud", () => {
                assert.ok(REGIONS[cloud].length >= 5);
            });
        });
    }

    it("has the per-cloud login, management, graph and studio hosts", () => {
        const expect: [Cloud, string[]][] = [
            [
                "AzurePublic",
                ["login.microsoftonline.com", "management.azure.com", "graph.microsoft.com", "ml.azure.com"],
            ],
            [
                "AzureUSGovernment",
                [
                    "login.microsoftonline.us",
                    "management.azure.us",
                    "management.usgovcloudapi.net",
                    "graph.microsoft.us",
                    "ml.azure.us",
                ],
            ],
            [
                "AzureChinaCloud",
                [
                    "login.chinacloudapi.cn",
                    "management.azure.cn",
                    "management.chinacloudapi.cn",
                    "graph.chinacloudapi.cn",
                    "studio.ml.azure.cn",
                ],
            ],
        ];
        for (const [cloud, hosts] of expect) {
            for (const host of hosts) {
                assert.ok(rows(cloud, host).length >= 1, `${cloud} lacks ${host}`);
            }
            assert.deepStrictEqual(row(cloud, hosts[0]).ports, [80, 443]);
        }
    });

    it("has the Azure Batch hosts (Any, 443) in Azure public, carried by BatchNodeManagement.<region>", () => {
        for (const host of ["*.<region>.batch.azure.com", "*.<region>.service.batch.azure.com"]) {
            const batch = row("AzurePublic", host, "Any");
            assert.deepStrictEqual(batch.ports, [443]);
            assert.deepStrictEqual(batch.serviceTags, ["BatchNodeManagement.<region>"]);
        }
        for (const cloud of ["AzurePublic", "AzureUSGovernment", "AzureChinaCloud"] as const) {
            assert.deepStrictEqual(row(cloud, "BatchNodeManagement.<region>", "Any").ports, [443]);
        }
    });

    it("has no AzureFrontDoor.Frontend in Azure China", () => {
        assert.strictEqual(rows("AzureChinaCloud", "AzureFrontDoor.Frontend").length, 0);
        assert.strictEqual(rows("AzurePublic", "AzureFrontDoor.Frontend").length, 1);
        assert.strictEqual(rows("AzureUSGovernment", "AzureFrontDoor.Frontend").length, 1);
    });

    it("offers AutoML and Kubernetes in Azure public only", () => {
        assert.deepStrictEqual(scenariosOffered("AzurePublic"), [
            "automl",
            "hbi",
            "monitoring",
            "python",
            "r",
            "rstudio",
            "posit-workbench",
            "vscode",
            "huggingface",
            "kubernetes",
            "arc",
            "arc-cluster-connect",
            "aks-extension",
            "aks-extension-marketplace",
            "aks-inference",
        ]);
        // Parity: VS Code integration and Kubernetes compute are not available in Government or China.
        for (const cloud of ["AzureUSGovernment", "AzureChinaCloud"] as Cloud[]) {
            assert.deepStrictEqual(scenariosOffered(cloud), [
                "hbi",
                "monitoring",
                "python",
                "r",
                "rstudio",
                "posit-workbench",
                "huggingface",
            ]);
        }
    });

    it("reduces the VS Code websocket URL to its host, with a note", () => {
        const github = row("AzurePublic", "github.com");
        assert.match(github.asWritten ?? "", /^https:\/\/github\.com\/microsoft\/vscode-tools-for-ai\//);
        assert.match(github.correction ?? "", /reduced to its host/);
    });
});

describe("service tags: Microsoft's Service Tags files", () => {
    it("emits only tags that exist in the cloud's file, spelled as Microsoft spells them, in every region", () => {
        for (const cloud of CLOUD_NAMES) {
            const known = new Set(SERVICE_TAGS[cloud].tags);
            for (const region of REGIONS[cloud]) {
                const { requirements } = resolveRequirements({
                    cloud,
                    scenarios: scenariosOffered(cloud),
                    workspaces: [
                        {
                            name: "mlw",
                            storageAccountName: "amlstore",
                            region,
                            containerRegistryName: "amlacr01",
                            workspaceId: "00000000-0000-0000-0000-000000000001",
                        },
                    ],
                });
                const plan = planRules(requirements, {
                    sources: validateSources({ addresses: ["10.0.1.0/24"] }),
                    dnsProxy: false,
                });
                const emitted = [
                    ...requirements.filter((r) => r.kind === "serviceTag").map((r) => r.destination),
                    ...requirements.flatMap((r) => r.serviceTags ?? []),
                    ...plan.ruleCollections.flatMap((c) =>
                        c.rules.flatMap((r) => (r as PlannedNetworkRule).destinationAddresses ?? []),
                    ),
                ];
                const unknown = [...new Set(emitted)].filter((tag) => !known.has(tag));
                assert.deepStrictEqual(unknown, [], `${cloud} ${region}`);
            }
        }
    });

    it("accepts as regions exactly those the cloud's file names in regional tags", () => {
        assert.ok(REGIONS.AzurePublic.includes("centraluseuap") && REGIONS.AzurePublic.includes("israelnorthwest"));
        assert.ok(REGIONS.AzurePublic.includes("malaysiasouth") && REGIONS.AzurePublic.includes("taiwannorth"));
        assert.deepStrictEqual([...REGIONS.AzureUSGovernment].sort(), [
            "usdodcentral",
            "usdodeast",
            "usgovarizona",
            "usgovtexas",
            "usgovvirginia",
        ]);
        assert.ok(!REGIONS.AzurePublic.includes("usgovvirginia"));
    });

    it("leaves out AzureFrontDoor.FirstParty where the cloud has no such tag, and says so", () => {
        for (const cloud of ["AzureUSGovernment", "AzureChinaCloud"] as const) {
            const region = REGIONS[cloud][0];
            const { requirements, notes } = resolveRequirements({
                cloud,
                workspaces: [{ name: "mlw", storageAccountName: "amlstore", region }],
            });
            assert.ok(
                !requirements.some(
                    (r) =>
                        r.destination === "AzureFrontDoor.FirstParty" ||
                        r.serviceTags?.includes("AzureFrontDoor.FirstParty"),
                ),
            );
            assert.ok(
                notes.some(
                    (n) =>
                        n.startsWith(`Service tag AzureFrontDoor.FirstParty does not exist in ${cloud} (`) &&
                        n.endsWith("; left out."),
                ),
            );
        }
    });

    it("reads a Service Tags file: cloud, change number, tags and the regions tag names spell", () => {
        const { cloud, data } = readServiceTagsFile(
            {
                changeNumber: 7,
                cloud: "AzureGovernment",
                values: [
                    { name: "Storage", properties: { region: "" } },
                    { name: "Storage.USGovVirginia", properties: { region: "usgovvirginia" } },
                    { name: "AzureCloud.usgovtexas", properties: { region: "usgovtexas" } },
                    { name: "Storage.usgovtexas", properties: { region: "usgovtexas" } },
                    { name: "AzureMonitor.USGovVirginia", properties: { region: "usgovvirginia" } },
                    { name: "AzurePortal.AzureAppServiceUx", properties: { region: "usgovtexas" } },
                ],
            },
            "/downloads/ServiceTags_AzureGovernment_20260720.json",
        );
        assert.strictEqual(cloud, "AzureUSGovernment");
        assert.deepStrictEqual(data, {
            file: "ServiceTags_AzureGovernment_20260720.json",
            changeNumber: 7,
            regions: { usgovtexas: "usgovtexas", usgovvirginia: "USGovVirginia" },
            tags: [
                "AzureCloud.usgovtexas",
                "AzureMonitor.USGovVirginia",
                "AzurePortal.AzureAppServiceUx",
                "Storage",
                "Storage.USGovVirginia",
                "Storage.usgovtexas",
            ],
        });
        assert.throws(() => readServiceTagsFile({ values: [] }, "x.json"), /^Error: x\.json: not a Service Tags file/);
    });
});

describe("rows from the articles the firewall article relies on", () => {
    it("has Application Insights hosts for Government and China, from Azure Monitor's endpoint article", () => {
        for (const [cloud, telemetry, live] of [
            ["AzureUSGovernment", "dc.applicationinsights.us", "quickpulse.applicationinsights.us"],
            ["AzureChinaCloud", "dc.applicationinsights.azure.cn", "quickpulse.applicationinsights.azure.cn"],
        ] as const) {
            for (const host of [telemetry, live]) {
                const found = row(cloud, host);
                assert.deepStrictEqual(
                    [found.scenario, found.ports, found.serviceTags],
                    ["monitoring", [443], ["AzureMonitor"]],
                );
                assert.match(found.section, /^custom-endpoints\.md > /);
            }
        }
        assert.ok(CATALOG_SOURCES.some((s) => s.path === "articles/azure-monitor/app/custom-endpoints.md"));
    });

    it("has the websocket server's raw GitHub host from the public-internet include, reduced to its host", () => {
        const raw = row("AzurePublic", "raw.githubusercontent.com");
        assert.deepStrictEqual([raw.scenario, raw.ports], ["vscode", [443]]);
        assert.match(raw.asWritten ?? "", /^raw\.githubusercontent\.com\/microsoft\/vscode-tools-for-ai\//);
        assert.match(raw.section, /\(includes\/machine-learning-public-internet-access\.md\)/);
        assert.strictEqual(
            rows("AzureUSGovernment", "raw.githubusercontent.com").length,
            0,
            "no vscode scenario there",
        );
    });

    it("has AutoML's Front Door host from the data-exfiltration article, in Azure public", () => {
        const automl = row("AzurePublic", "automlresources-prod-d0eaehh7g8andvav.b02.azurefd.net");
        assert.deepStrictEqual([automl.scenario, automl.ports], ["automl", [443]]);
        assert.match(automl.section, /^how-to-prevent-data-loss-exfiltration\.md > /);
    });

    it("has Posit Workbench's licence host from the compute-instance article's include, in every cloud", () => {
        for (const cloud of ["AzurePublic", "AzureUSGovernment", "AzureChinaCloud"] as const) {
            const posit = row(cloud, "www.wyday.com");
            assert.deepStrictEqual(
                [posit.kind, posit.protocol, posit.ports, posit.scenario, posit.optional],
                ["fqdn", "TCP", [443], "posit-workbench", "Posit Workbench"],
            );
            assert.strictEqual(
                posit.section,
                "how-to-create-compute-instance.md > Add custom applications such as RStudio or Posit Workbench > " +
                    "Setup Posit Workbench (formerly RStudio Workbench) " +
                    "(includes/machine-learning-private-link-ports.md)",
            );
        }
        assert.deepStrictEqual(
            CATALOG_SOURCES.filter((s) => /create-compute-instance|private-link-ports/.test(s.path)).map((s) => [
                s.path,
                s.commit.slice(0, 8),
                s.msDate,
            ]),
            [
                ["articles/machine-learning/how-to-create-compute-instance.md", "0eea71ca", "2024-08-21"],
                ["articles/machine-learning/includes/machine-learning-private-link-ports.md", "eca7251b", "2022-09-13"],
            ],
        );
    });

    it("holds every row the linked docs mark optional, each in an optional scenario of its own", () => {
        const optional = CATALOG.AzurePublic.filter((r) => r.optional).map(
            (r) => `${r.scenario} ${r.destination} ${r.ports.join(",")}`,
        );
        assert.deepStrictEqual(optional, [
            "posit-workbench www.wyday.com 443",
            "arc-cluster-connect guestnotificationservice.azure.com 443",
            "arc-cluster-connect *.guestnotificationservice.azure.com 443",
            "arc-cluster-connect sts.windows.net 443",
            "arc-cluster-connect *.servicebus.windows.net 443",
            "arc-cluster-connect graph.microsoft.com 443",
            "arc-cluster-connect <region>.obo.arc.azure.com 8084",
            "aks-extension-marketplace arcmktplaceprod.azurecr.io 443",
            "aks-extension-marketplace arcmktplaceprod.centralindia.data.azurecr.io 443",
            "aks-extension-marketplace arcmktplaceprod.japaneast.data.azurecr.io 443",
            "aks-extension-marketplace arcmktplaceprod.westus2.data.azurecr.io 443",
            "aks-extension-marketplace arcmktplaceprod.westeurope.data.azurecr.io 443",
            "aks-extension-marketplace arcmktplaceprod.eastus.data.azurecr.io 443",
            "aks-extension-marketplace marketplaceapi.microsoft.com 443",
        ]);
        const required = new Set<string>(CATALOG.AzurePublic.filter((r) => !r.optional).map((r) => r.scenario));
        for (const scenario of ["posit-workbench", "arc-cluster-connect", "aks-extension-marketplace"]) {
            assert.ok(!required.has(scenario), `${scenario} holds only optional rows`);
        }
    });

    it("traces every row to a section, and every other article's section to a recorded source", () => {
        const files = CATALOG_SOURCES.map((s) => s.path.split("/").pop());
        for (const cloud of ["AzurePublic", "AzureUSGovernment", "AzureChinaCloud"] as const) {
            for (const r of CATALOG[cloud]) {
                const { article, include } = citedFiles(r.section);
                for (const file of [article, include].filter((f) => f !== undefined)) {
                    assert.ok(files.includes(file), `${cloud} ${r.id}: ${file} (${r.section})`);
                }
                assert.ok(sectionSources(r.section).length > 0, `${cloud} ${r.id}: no source`);
            }
        }
    });
});
