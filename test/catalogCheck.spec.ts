/** `catalog check` through the binary: the article's format read, drift reported exactly, bad input refused. */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const BIN = path.join(ROOT, "bin", "azureml-firewall");
const DOCS = path.join(__dirname, "fixtures", "docs");
const ARTICLE = path.join(DOCS, "how-to-access-azureml-behind-firewall.md");
const INCLUDE = path.join(DOCS, "recommended-network-outbound.md");

function check(...docs: string[]) {
    const args = [BIN, "catalog", "check", ...docs.flatMap((d) => ["--doc", d]), "--format", "json"];
    const run = spawnSync(process.execPath, args, { encoding: "utf8" });
    return { code: run.status, out: run.stdout ? JSON.parse(run.stdout) : undefined, stderr: run.stderr };
}

/** The article with one edit applied, written to a temporary folder under the same file name. */
function edited(dir: string, edit: (text: string) => string): string {
    const file = path.join(dir, path.basename(ARTICLE));
    const text = fs.readFileSync(ARTICLE, "utf8");
    const changed = edit(text);
    assert.notStrictEqual(changed, text, "the edit applies");
    fs.writeFileSync(file, changed);
    return file;
}

describe("catalog check", function () {
    this.timeout(60000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-drift-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("is in step with the article at the commit the catalog was built from (exit 0)", () => {
        const run = check(ARTICLE, INCLUDE);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.deepStrictEqual(run.out.differences, []);
        assert.deepStrictEqual(run.out.summary, { docRows: 122, differences: 0, added: 0, removed: 0, changed: 0 });
    });

    it("reports exactly the rows a realistic upstream edit adds, removes and changes (exit 1)", () => {
        const file = edited(dir, (text) =>
            text
                // added: a new API host in the Azure public tab of the Azure ML hosts table
                .replace(
                    "| API | `*.azureml.net` | TCP | 443 |",
                    "| API | `*.azureml.net` | TCP | 443 |\n| API | `*.inference.azureml.ms` | TCP | 443 |",
                )
                // removed: the notebook content host from the Azure Government tab
                .replace(
                    "| Notebooks | `graph.microsoft.us` | TCP | 443 |\n| Notebooks | `*.aznbcontent.net` | TCP | 443 |",
                    "| Notebooks | `graph.microsoft.us` | TCP | 443 |",
                )
                // changed: the tundra port in the 21Vianet tab
                .replace(
                    "| Compute instance | `<region>.tundra.azureml.cn` | UDP | 5831 |",
                    "| Compute instance | `<region>.tundra.azureml.cn` | UDP | 5832 |",
                ),
        );
        const run = check(file, INCLUDE);
        assert.strictEqual(run.code, 1, run.stderr);
        const hosts = "Scenario: Third party firewall or Azure Firewall without service tags > Microsoft hosts > ";
        assert.deepStrictEqual(run.out.differences, [
            {
                change: "changed",
                destination: "<region>.tundra.azureml.cn",
                cloud: "AzureChinaCloud",
                section: `${hosts}Azure Machine Learning compute instance and compute cluster hosts`,
                doc: "UDP 5832",
                catalog: "UDP 5831",
            },
            {
                change: "added",
                destination: "*.inference.azureml.ms",
                cloud: "AzurePublic",
                section: `${hosts}Azure Machine Learning hosts`,
                doc: "TCP 443",
                catalog: null,
            },
            {
                change: "removed",
                destination: "*.aznbcontent.net",
                cloud: "AzureUSGovernment",
                section: "Microsoft hosts > Azure Machine Learning hosts",
                doc: null,
                catalog: "TCP 443",
            },
        ]);
        assert.deepStrictEqual(run.out.summary, { docRows: 122, differences: 3, added: 1, removed: 1, changed: 1 });
    });

    it("does not read code blocks: a comment there is no heading, a pipe no table", () => {
        const file = edited(dir, (text) =>
            text
                .replace(
                    "__Azure Machine Learning hosts__\n",
                    [
                        "```bash",
                        "# Scenario: a shell comment, not a heading",
                        "| __Hosts__ | __Protocol__ | __Ports__ |",
                        "| ----- | ----- | ----- |",
                        "| `*.example.com` | TCP | 443 |",
                        "~~~",
                        "```",
                        "",
                        "__Azure Machine Learning hosts__\n",
                    ].join("\n"),
                )
                .replace(
                    "| API | `*.azureml.net` | TCP | 443 |",
                    "| API | `*.azureml.net` | TCP | 443 |\n| API | `*.inference.azureml.ms` | TCP | 443 |",
                ),
        );
        const run = check(file, INCLUDE);
        assert.strictEqual(run.code, 1, run.stderr);
        assert.deepStrictEqual(
            run.out.differences.map((d: { destination: string; section: string }) => `${d.destination} ${d.section}`),
            [
                "*.inference.azureml.ms Scenario: Third party firewall or Azure Firewall without service tags > " +
                    "Microsoft hosts > Azure Machine Learning hosts",
            ],
        );
        assert.strictEqual(run.out.summary.docRows, 123);
    });

    it("checks an include file's rows against the rows that cite it", () => {
        const include = path.join(dir, path.basename(INCLUDE));
        fs.writeFileSync(
            include,
            fs.readFileSync(INCLUDE, "utf8").replace("| `*.tensorflow.org` | TensorFlow examples. |\n", ""),
        );
        const run = check(ARTICLE, include);
        assert.strictEqual(run.code, 1);
        assert.deepStrictEqual(
            run.out.differences.map(
                (d: { change: string; destination: string; cloud: string }) =>
                    `${d.change} ${d.destination} ${d.cloud}`,
            ),
            [
                "removed *.tensorflow.org AzureChinaCloud",
                "removed *.tensorflow.org AzurePublic",
                "removed *.tensorflow.org AzureUSGovernment",
            ],
        );
    });

    it("prints a table with one line per difference", () => {
        const file = edited(dir, (text) =>
            text.replace(
                "| Portal | `management.azure.us` | TCP | 443 |",
                "| Portal | `management.azure.us` | TCP | 8443 |",
            ),
        );
        const run = spawnSync(process.execPath, [BIN, "catalog", "check", "--doc", file, "--doc", INCLUDE], {
            encoding: "utf8",
            env: { ...process.env, NO_COLOR: "1" },
        });
        assert.strictEqual(run.status, 1);
        assert.match(run.stdout, /^changed\s+management\.azure\.us\s+AzureUSGovernment  /m);
        assert.match(run.stdout, /^1 differences: 0 added, 0 removed, 1 changed$/m);
    });

    it("refuses unreadable or non-article input with exit 2", () => {
        const notArticle = spawnSync(
            process.execPath,
            [BIN, "catalog", "check", "--doc", path.join(ROOT, "README.md")],
            { encoding: "utf8" },
        );
        assert.strictEqual(notArticle.status, 2);
        assert.match(
            notArticle.stderr,
            /README\.md: not a Microsoft Learn article or include: it has no front matter \(--- with ms\.topic, ms\.date\)$/m,
        );
        // Another Microsoft article, in the article format, with a table of hosts in sections the catalog
        // does not come from (the shape of AKS's outbound-rules article): not the firewall article, exit 2.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-other-"));
        try {
            const other = path.join(dir, "outbound-rules-control-egress.md");
            fs.writeFileSync(
                other,
                [
                    "---",
                    "title: Outbound network rules for a Kubernetes cluster",
                    "ms.topic: concept-article",
                    "ms.date: 01/02/2026",
                    "---",
                    "",
                    "# Outbound network rules",
                    "",
                    "## Required FQDNs",
                    "",
                    "| Host name | Protocol | Ports | Use |",
                    "| ----- | ----- | ----- | ----- |",
                    "| `mcr.microsoft.com` | TCP | 443 | Container images. |",
                    "| `management.azure.com` | TCP | 443 | Kubernetes operations. |",
                    "",
                ].join("\n"),
            );
            const run = spawnSync(process.execPath, [BIN, "catalog", "check", "--doc", other], { encoding: "utf8" });
            assert.deepStrictEqual([run.status, run.stdout], [2, ""]);
            assert.match(
                run.stderr,
                /^azureml-firewall: outbound-rules-control-egress\.md: not the firewall article \(how-to-access-azureml-behind-firewall\.md\): none of its tables is in a section the catalog comes from, such as "/m,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        const missing = spawnSync(process.execPath, [BIN, "catalog", "check", "--doc", "nope.md"], {
            encoding: "utf8",
        });
        assert.strictEqual(missing.status, 2);
        assert.match(missing.stderr, /^azureml-firewall: nope\.md: file not found$/m);
        const none = spawnSync(process.execPath, [BIN, "catalog", "check"], { encoding: "utf8" });
        assert.strictEqual(none.status, 2);
        assert.match(none.stderr, /missing --doc FILE/);
    });
});
