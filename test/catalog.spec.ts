import * as assert from "assert";
import { CATALOG, CATALOG_SOURCES, DOC_SECTIONS } from "../components/catalog/data";
import { CatalogRow, CloudName } from "../components/catalog/types";
import { REGIONS } from "../components/catalog/regions";
import { scenariosOffered } from "../components/requirements";

function rows(cloud: CloudName, destination: string): CatalogRow[] {
    return CATALOG[cloud].filter((r) => r.destination === destination);
}

function row(cloud: CloudName, destination: string, protocol = "TCP"): CatalogRow {
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

    for (const cloud of Object.keys(CATALOG) as CloudName[]) {
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
        const expect: [CloudName, string[]][] = [
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
        assert.deepStrictEqual(row("AzureUSGovernment", "BatchNodeManagement.<region>").ports, [443]);
    });

    it("has no AzureFrontDoor.FrontEnd in Azure China", () => {
        assert.strictEqual(rows("AzureChinaCloud", "AzureFrontDoor.FrontEnd").length, 0);
        assert.strictEqual(rows("AzurePublic", "AzureFrontDoor.FrontEnd").length, 1);
        assert.strictEqual(rows("AzureUSGovernment", "AzureFrontDoor.FrontEnd").length, 1);
    });

    it("offers AutoML and Kubernetes in Azure public only", () => {
        assert.deepStrictEqual(scenariosOffered("AzurePublic"), [
            "automl",
            "hbi",
            "monitoring",
            "python",
            "r",
            "rstudio",
            "vscode",
            "huggingface",
            "kubernetes",
        ]);
        for (const cloud of ["AzureUSGovernment", "AzureChinaCloud"] as CloudName[]) {
            assert.deepStrictEqual(scenariosOffered(cloud), [
                "hbi",
                "monitoring",
                "python",
                "r",
                "rstudio",
                "vscode",
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
