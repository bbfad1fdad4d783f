/** The CLI, end to end: the real binary as a child process (exit codes, stdout JSON, stderr messages). */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fixtures } from "./fixtures/generate";

const ROOT = path.join(__dirname, "..");
const BIN = path.join(ROOT, "bin", "azureml-firewall");
const FIX = path.join(__dirname, "fixtures");
const WS = ["--cloud", "public", "--storage", "amlstore", "--region", "westeurope"];
/** The environment without colour switches (Node 22 warns on stderr when both are set, even empty). */
const PLAIN_ENV = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => key !== "NO_COLOR" && key !== "FORCE_COLOR"),
);
const CLASSIC_RCG_TYPE = "azure:network/firewallPolicyRuleCollectionGroup:FirewallPolicyRuleCollectionGroup";

function decider(by: { ruleCollectionGroup: string; ruleCollection: string; rule: string }): string {
    return `${by.ruleCollectionGroup}/${by.ruleCollection}/${by.rule}`;
}

interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
}

function cli(...args: string[]): Run {
    const result = spawnSync(process.execPath, [BIN, ...args], {
        cwd: FIX,
        encoding: "utf8",
        env: PLAIN_ENV,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function json(run: Run): any {
    return JSON.parse(run.stdout);
}

function failing(run: Run): string[] {
    return json(run)
        .results.filter((r: any) => r.status !== "allowed")
        .map(
            (r: any) =>
                `${r.status} ${r.destination} ${r.protocol} ` +
                `${r.port}${r.decidedBy ? ` ${decider(r.decidedBy)}` : ""}`,
        );
}

/** One line on stderr, naming the problem; no stack trace. */
function assertUsageError(run: Run, message: RegExp): void {
    assert.strictEqual(run.code, 2, `exit code; stderr: ${run.stderr}`);
    assert.strictEqual(run.stdout, "");
    assert.match(run.stderr, message);
    assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
    assert.ok(run.stderr.trim().split("\n").length <= 2, run.stderr);
}

describe("CLI (the real binary)", function () {
    this.timeout(120000);

    it("has committed fixtures that the generator reproduces byte for byte", () => {
        for (const [name, content] of Object.entries(fixtures())) {
            assert.strictEqual(
                fs.readFileSync(path.join(FIX, name), "utf8"),
                `${JSON.stringify(content, null, 2)}\n`,
                name,
            );
        }
    });

    describe("hosts", () => {
        it("prints the resolved catalog as JSON: requirements with scenario and source", () => {
            const run = cli("hosts", ...WS, "--scenario", "python", "--format", "json");
            assert.strictEqual(run.code, 0, run.stderr);
            const hosts = json(run);
            assert.deepStrictEqual(
                hosts.find((h: any) => h.destination === "amlstore.file.core.windows.net" && h.ports.includes(445)),
                {
                    destination: "amlstore.file.core.windows.net",
                    kind: "fqdn",
                    protocol: "TCP",
                    ports: [445],
                    serviceTags: ["Storage.WestEurope"],
                    scenario: "core",
                    scenarios: ["core"],
                    purpose:
                        "Workspace file share (notebooks, compute); 445 is SMB. Your storage account's file share, " +
                        "from compute; 445 is SMB.",
                    source:
                        "Microsoft hosts > Azure Machine Learning compute instance and compute cluster hosts; " +
                        "Microsoft hosts > Azure Machine Learning hosts",
                },
            );
            assert.deepStrictEqual(hosts.find((h: any) => h.destination === "pypi.org").scenario, "python");
            // Every scenario that lists it, not the alphabetically first (pypi.org was labelled kubernetes).
            const all = json(cli("hosts", ...WS, "--all-scenarios", "--format", "json"));
            const pypi = all.find((h: any) => h.destination === "pypi.org");
            assert.deepStrictEqual([pypi.scenario, pypi.scenarios], ["python", ["python", "kubernetes"]]);
            assert.deepStrictEqual(
                hosts.find((h: any) => h.destination === "westeurope.tundra.azureml.ms").protocol,
                "UDP",
            );
            assert.match(run.stderr, /^note: Doc corrected: Frontdoor\.FirstParty -> AzureFrontDoor\.FirstParty/m);
        });

        it("prints a table, CSV and Markdown for a change request", () => {
            const table = cli("hosts", ...WS);
            assert.strictEqual(table.code, 0);
            assert.match(table.stdout, /^westeurope\.tundra\.azureml\.ms\s+fqdn\s+UDP\s+5831/m);
            assert.doesNotMatch(table.stdout, /\u001b\[/, "no colours when not on a terminal");
            const csv = cli("hosts", ...WS, "--format", "csv");
            assert.strictEqual(
                csv.stdout.split("\n")[0],
                "Destination,Kind,Protocol,Ports,App protocol,Service tags,Scenarios,Why,Doc section",
            );
            assert.match(csv.stdout, /^amlstore\.file\.core\.windows\.net,fqdn,TCP,445,,Storage\.WestEurope,core,/m);
            const md = cli(
                "hosts",
                "--cloud",
                "AzureUSGovernment",
                "--storage",
                "stgov",
                "--region",
                "usgovvirginia",
                "--scenario",
                "hbi",
                "--format",
                "markdown",
            );
            assert.strictEqual(md.code, 0);
            assert.match(
                md.stdout,
                /^## Azure Machine Learning egress: AzureUSGovernment, region usgovvirginia, storage account stgov$/m,
            );
            // Application and network rules apart, host names that need DNS proxy flagged, protocols in words.
            assert.match(md.stdout, /^### Application rules \(HTTP\/HTTPS, matched by host name\)$/m);
            assert.match(
                md.stdout,
                /^\| fqdns-tcp-445 \| TCP \| 445 \| stgov\.file\.core\.usgovcloudapi\.net \(host name: needs DNS proxy on the policy\) \|$/m,
            );
            assert.match(
                md.stdout,
                /^\| tags-tcp-udp-443 \| TCP and UDP \| 443 \| BatchNodeManagement\.USGovVirginia \(service tag\) \|$/m,
            );
            assert.match(md.stdout, /AzureKeyVault\.USGovVirginia \(service tag\)/);
            assert.doesNotMatch(md.stdout, /\| Any \|/);
            assert.match(
                md.stdout,
                /^Host names in network rules match only when the firewall policy has DNS proxy turned on/m,
            );
            assert.match(md.stdout, /^- Doc corrected: Keyvault\.<region> -> AzureKeyVault\.<region>/m);
            // The docs the rows come from: the article, and for hbi's key vault host nothing else.
            assert.deepStrictEqual(md.stdout.split("### Sources\n\n")[1].trim().split("\n"), [
                "- MicrosoftDocs/azure-ai-docs `articles/machine-learning/how-to-access-azureml-behind-firewall.md` " +
                    "(commit 00bb5540, ms.date 2026-03-19)",
            ]);
        });

        it("names in the change request every doc its rows come from", () => {
            const gov = ["--cloud", "usgovernment", "--storage", "stgov", "--region", "usgovvirginia"];
            const md = cli("hosts", ...gov, "--scenario", "posit-workbench,monitoring", "--format", "markdown");
            assert.strictEqual(md.code, 0, md.stderr);
            assert.match(md.stdout, /^- www\.wyday\.com \(TCP 443\): application rule aml-application\/https-443/m);
            const aml = "- MicrosoftDocs/azure-ai-docs `articles/machine-learning/";
            assert.deepStrictEqual(md.stdout.split("### Sources\n\n")[1].trim().split("\n"), [
                `${aml}how-to-access-azureml-behind-firewall.md\` (commit 00bb5540, ms.date 2026-03-19)`,
                `${aml}how-to-create-compute-instance.md\` (commit 0eea71ca, ms.date 2024-08-21)`,
                `${aml}includes/machine-learning-private-link-ports.md\` (commit eca7251b, ms.date 2022-09-13)`,
                "- MicrosoftDocs/azure-docs `articles/azure-monitor/app/custom-endpoints.md` " +
                    "(commit 012d5803, ms.date 2019-06-10)",
            ]);
        });

        it("completes the kubernetes rows with --container-registry and --workspace-id", () => {
            const args = ["hosts", ...WS, "--scenario", "kubernetes", "--format", "json"];
            const without = cli(...args);
            assert.doesNotMatch(without.stdout, /azurecr\.io/);
            assert.match(
                without.stderr,
                /^note: Left out: <acr>\.azurecr\.io \(kubernetes\) needs the workspace's containerRegistryName; give it to include this row\.$/m,
            );
            const full = cli(
                ...args,
                "--container-registry",
                "amlacr001",
                "--workspace-id",
                "0b7e6a7c-1f5e-4b8e-9d2a-3c4d5e6f7a8b",
            );
            const hosts = json(full).map((h: any) => h.destination);
            assert.ok(hosts.includes("amlacr001.azurecr.io") && hosts.includes("amlacr001.westeurope.data.azurecr.io"));
            assert.ok(hosts.includes("0b7e6a7c-1f5e-4b8e-9d2a-3c4d5e6f7a8b.workspace.westeurope.api.azureml.ms"));
            assertUsageError(
                cli(...args, "--workspace-id", "nope"),
                /^azureml-firewall: --workspace-id: "nope" is not valid; the workspace ID is a GUID\.$/m,
            );
        });

        it("takes --configuration leastPrivilege and --allow-unlisted-region", () => {
            const least = json(cli("hosts", ...WS, "--configuration", "leastPrivilege", "--format", "json"));
            assert.deepStrictEqual(
                least
                    .filter((h: any) => h.kind === "serviceTag")
                    .map((h: any) => `${h.destination} ${h.protocol} ${h.ports}`),
                [
                    "AzureMachineLearning TCP 8787,18881",
                    "AzureMachineLearning UDP 5831",
                    "BatchNodeManagement.WestEurope UDP 443",
                ],
            );
            assert.ok(least.some((h: any) => h.destination === "westeurope.tundra.azureml.ms"));
            assertUsageError(
                cli("hosts", "--cloud", "public", "--storage", "amlstore", "--region", "marsnorth1"),
                /^azureml-firewall: --region: "marsnorth1" is not valid; AzurePublic regions are: /,
            );
            const newer = cli(
                "hosts",
                "--cloud",
                "public",
                "--storage",
                "amlstore",
                "--region",
                "marsnorth1",
                "--allow-unlisted-region",
                "--format",
                "json",
            );
            assert.strictEqual(newer.code, 0, newer.stderr);
            assert.ok(json(newer).some((h: any) => h.destination === "Storage"));
            assert.match(
                newer.stderr,
                /^note: Service tag Storage\.marsnorth1 does not exist in AzurePublic .*the global tag Storage is used instead/m,
            );
            assertUsageError(
                cli("hosts", ...WS, "--configuration", "minimal"),
                /^azureml-firewall: --configuration: "minimal" is not valid; use full or leastPrivilege\.$/m,
            );
        });

        it("offers every scenario of a cloud with --all-scenarios", () => {
            const run = cli(
                "hosts",
                "--cloud",
                "china",
                "--storage",
                "stcn",
                "--region",
                "chinaeast2",
                "--all-scenarios",
                "--format",
                "json",
            );
            const scenarios = [...new Set(json(run).map((h: any) => h.scenario))].sort();
            assert.deepStrictEqual(scenarios, [
                "core",
                "hbi",
                "huggingface",
                "monitoring",
                "posit-workbench",
                "python",
                "r",
                "rstudio",
            ]);
        });

        const bad: [string, string[], RegExp][] = [
            [
                "an unknown cloud",
                ["hosts", "--cloud", "mars", "--storage", "amlstore", "--region", "westeurope"],
                /^azureml-firewall: --cloud: "mars" is not valid; use AzurePublic, AzureUSGovernment or AzureChinaCloud/,
            ],
            [
                "a bad region",
                ["hosts", "--cloud", "public", "--storage", "amlstore", "--region", "westeuropa"],
                /^azureml-firewall: --region: "westeuropa" is not valid; it is not a region of AzurePublic\. Did you mean westeurope\?/,
            ],
            [
                "a bad storage name",
                ["hosts", "--cloud", "public", "--storage", "AML_store", "--region", "westeurope"],
                /^azureml-firewall: --storage: "AML_store" is not valid; a storage account name is 3-24 lower-case letters and digits\.$/m,
            ],
            [
                "an unknown scenario",
                ["hosts", ...WS, "--scenario", "spark"],
                /^azureml-firewall: --scenario: "spark" is not valid; scenarios are: automl, hbi/,
            ],
            [
                "a scenario the cloud lacks",
                [
                    "hosts",
                    "--cloud",
                    "china",
                    "--storage",
                    "amlstore",
                    "--region",
                    "chinaeast2",
                    "--scenario",
                    "kubernetes",
                ],
                /^azureml-firewall: --scenario: "kubernetes" is not valid; Kubernetes compute is not available in this cloud \(the cloud-parity article marks it NO\), so the kubernetes scenario is not offered here; available in AzureChinaCloud: hbi, monitoring, python, r, rstudio, posit-workbench, huggingface\.$/m,
            ],
            [
                "a missing required flag",
                ["hosts", "--cloud", "public", "--storage", "amlstore"],
                /^azureml-firewall: required option '--region' not specified \(or give --workspaces FILE\)$/m,
            ],
            ["an unknown flag", ["hosts", ...WS, "--colour"], /^azureml-firewall: unknown option '--colour'/],
            [
                "a misspelt flag as unknown, not as the required one it leaves out",
                ["hosts", "--cloud", "public", "--stroage", "amlstore", "--region", "westeurope"],
                /^azureml-firewall: unknown option '--stroage'\n\(Did you mean --storage\?\)$/m,
            ],
            ["an unknown command", ["hostz"], /^azureml-firewall: unknown command 'hostz'/],
            [
                "a bad format",
                ["hosts", ...WS, "--format", "yaml"],
                /^azureml-firewall: --format: "yaml" is not valid; use table, json, csv, markdown$/m,
            ],
        ];
        for (const [title, args, message] of bad) {
            it(`rejects ${title} with one line and exit 2`, () => assertUsageError(cli(...args), message));
        }
    });

    describe("never drops input", () => {
        const twice = (flag: string, n = 2) =>
            new RegExp(
                `^azureml-firewall: ${flag} is given ${n} times \\(${n} values\\); it takes one value: give it once$`,
                "m",
            );
        const cases: [string, string[], RegExp][] = [
            ["hosts --storage", ["hosts", ...WS, "--storage", "other"], twice("--storage")],
            ["hosts --format (=form too)", ["hosts", ...WS, "--format", "json", "--format=csv"], twice("--format")],
            [
                "audit --policy",
                ["audit", "--rules", "r.json", "--policy", "a.json", "--policy", "b.json", ...WS],
                twice("--policy"),
            ],
            [
                "diagnose --service-tags",
                ["diagnose", "--logs", "l.json", ...WS, "--service-tags", "a.json", "--service-tags", "b.json"],
                twice("--service-tags"),
            ],
            [
                "catalog check --format",
                ["catalog", "check", "--doc", "a.md", "--format", "json", "--format", "table"],
                twice("--format"),
            ],
            ["plan --stack", ["plan", "--stack", "dev", "--stack", "prod"], twice("--stack")],
        ];
        for (const [title, args, message] of cases) {
            it(`refuses a single-valued flag given twice: ${title}`, () => assertUsageError(cli(...args), message));
        }

        it("names the cloud of a region from another cloud, and names flags, not component arguments", () => {
            assertUsageError(
                cli("hosts", "--cloud", "public", "--storage", "amlstore", "--region", "usgovvirginia"),
                /^azureml-firewall: --region: "usgovvirginia" is not valid; it is a region of AzureUSGovernment, not of AzurePublic; set --cloud to AzureUSGovernment for a workspace there\.$/m,
            );
            assertUsageError(
                cli("hosts", "--cloud", "public", "--storage", "amlstore", "--region", "westeuropa"),
                /^azureml-firewall: --region: "westeuropa" is not valid; it is not a region of AzurePublic\. Did you mean westeurope\? \(Set --allow-unlisted-region to accept a region newer than the built-in list\.\)$/m,
            );
        });

        it("reads a --source CIDR with host bits as its network, and says so (audit and diagnose)", () => {
            const note = "Workload source 10.0.1.77/24 has host bits set; it is read as its network 10.0.1.0/24.";
            const audited = cli(
                "audit",
                "--rules",
                path.join(FIX, "az-rcg-list.complete.json"),
                ...WS,
                "--source",
                "10.0.1.77/24",
                "--format",
                "json",
            );
            assert.strictEqual(audited.code, 0, audited.stderr);
            assert.ok(JSON.parse(audited.stdout).problems.includes(note), audited.stdout);
            const diagnosed = cli(
                "diagnose",
                "--logs",
                path.join(FIX, "logs", "azfw.az.json"),
                ...WS,
                "--source",
                "10.0.1.77/24",
                "--format",
                "json",
            );
            assert.ok(JSON.parse(diagnosed.stdout).notes.includes(note), diagnosed.stdout);
        });

        it("prints a command group's help and exits 2 when run without its subcommand", () => {
            const run = cli("catalog");
            assert.strictEqual(run.code, 2);
            assert.match(run.stderr, /^Usage: azureml-firewall catalog \[options\] \[command\]/);
            assert.match(run.stderr, /^ {2}check \[options\]/m);
        });

        it("says to build, in one line, when the compiled CLI is not there", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-nobuild-"));
            try {
                fs.mkdirSync(path.join(dir, "bin"));
                fs.copyFileSync(BIN, path.join(dir, "bin", "azureml-firewall"));
                const run = spawnSync(process.execPath, [path.join(dir, "bin", "azureml-firewall"), "hosts"], {
                    encoding: "utf8",
                });
                assert.deepStrictEqual(
                    [run.status, run.stderr],
                    [2, "azureml-firewall: not built yet: run npm run build (in a clone: npm ci && npm run build)\n"],
                );
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });

    describe("audit", () => {
        const audit = (...args: string[]) =>
            cli("audit", ...args, ...WS, "--source", "10.0.1.0/24", "--format", "json");

        it("passes a complete policy (exit 0), ignoring NAT collections", () => {
            const run = audit("--rules", "az-rcg-list.complete.json", "--policy", "az-policy.json");
            assert.strictEqual(run.code, 0, run.stderr);
            const out = json(run);
            assert.deepStrictEqual(out.summary, { checks: 44, allowed: 44, denied: 0, missing: 0, indeterminate: 0 });
            assert.deepStrictEqual(out.problems, []);
            assert.deepStrictEqual(Object.keys(out.results[0]), [
                "destination",
                "kind",
                "protocol",
                "port",
                "status",
                "decidedBy",
            ]);
            assert.deepStrictEqual(
                out.results.find((r: any) => r.destination === "amlstore.file.core.windows.net" && r.port === 445)
                    .decidedBy,
                { ruleCollectionGroup: "aml", ruleCollection: "aml-network", rule: "fqdns-tcp-445" },
            );
        });

        it("finds the missing storage SMB 445 rule (exit 1)", () => {
            const run = audit("--rules", "az-rcg-list.missing-445.json", "--policy", "az-policy.json");
            assert.strictEqual(run.code, 1);
            assert.deepStrictEqual(failing(run), [
                "missing amlstore.file.core.windows.net TCP 445",
                "missing Storage.WestEurope TCP 445",
            ]);
        });

        it("finds the missing UDP 5831 rules (exit 1)", () => {
            const run = audit("--rules", "az-rcg-list.missing-5831.json", "--policy", "az-policy.json");
            assert.strictEqual(run.code, 1);
            assert.deepStrictEqual(failing(run), [
                "missing *.tundra.westeurope.api.azureml.ms UDP 5831",
                "missing AzureMachineLearning UDP 5831",
                "missing westeurope.tundra.azureml.ms UDP 5831",
            ]);
        });

        it("reports checks denied by a network Deny that shadows the application rules", () => {
            const run = audit("--rules", "az-rcg-list.shadowed.json", "--policy", "az-policy.json");
            assert.strictEqual(run.code, 1);
            const out = json(run);
            const denied = out.results.filter((r: any) => r.status === "denied");
            assert.strictEqual(
                denied.length,
                out.results.filter((r: any) => r.port === 443 && r.protocol === "TCP").length,
            );
            assert.deepStrictEqual(denied[0].decidedBy, {
                ruleCollectionGroup: "platform-baseline",
                ruleCollection: "block-web",
                rule: "deny-https-anywhere",
            });
            assert.strictEqual(out.summary.missing, 0);
        });

        it("reads the REST list shape {value, nextLink} like the az list, and says when pages are left", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-rest-"));
            try {
                const groups = JSON.parse(fs.readFileSync(path.join(FIX, "az-rcg-list.complete.json"), "utf8"));
                const whole = path.join(dir, "list.json");
                fs.writeFileSync(whole, JSON.stringify({ value: groups }));
                const read = audit("--rules", whole, "--policy", "az-policy.json");
                assert.strictEqual(read.code, 0, read.stderr);
                assert.deepStrictEqual(json(read).summary, {
                    checks: 44,
                    allowed: 44,
                    denied: 0,
                    missing: 0,
                    indeterminate: 0,
                });
                const page = path.join(dir, "page.json");
                const next = "https://management.azure.com/subscriptions/x/ruleCollectionGroups?$skiptoken=2";
                fs.writeFileSync(page, JSON.stringify({ value: groups, nextLink: next }));
                const paged = json(audit("--rules", page, "--policy", "az-policy.json"));
                assert.ok(
                    paged.problems.includes(
                        `${page} is one page of a REST list: more rule collection groups follow at its nextLink ` +
                            `(${next}); fetch every page and give each file with --rules.`,
                    ),
                    JSON.stringify(paged.problems),
                );
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("calls checks indeterminate when a Deny group ties with the Azure ML group's priority (exit 1)", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-tie-"));
            try {
                const rules = JSON.parse(fs.readFileSync(path.join(FIX, "az-rcg-list.shadowed.json"), "utf8"));
                rules[0].priority = 1000; // platform-baseline, now tied with aml
                const file = path.join(dir, "rules.json");
                fs.writeFileSync(file, JSON.stringify(rules));
                const run = audit("--rules", file, "--policy", "az-policy.json");
                assert.strictEqual(run.code, 1);
                const out = json(run);
                assert.deepStrictEqual(out.summary, {
                    checks: 44,
                    allowed: 14,
                    denied: 4,
                    missing: 0,
                    indeterminate: 26,
                });
                const storage = out.results.find(
                    (r: any) => r.destination === "*.blob.core.windows.net" && r.port === 443,
                );
                assert.deepStrictEqual(
                    [storage.status, storage.decidedBy, storage.tiedWith],
                    [
                        "indeterminate",
                        {
                            ruleCollectionGroup: "platform-baseline",
                            ruleCollection: "block-web",
                            rule: "deny-https-anywhere",
                        },
                        { ruleCollectionGroup: "aml", ruleCollection: "aml-network", rule: "tags-tcp-443-445" },
                    ],
                );
                const text = cli("audit", "--rules", file, "--policy", path.join(FIX, "az-policy.json"), ...WS);
                assert.match(text.stdout, /44 checks: 14 allowed, 4 denied, 0 missing, 26 indeterminate$/m);
                assert.match(text.stdout, /equal group priority: order undocumented/);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("does not count network FQDN rules when the policy's DNS proxy is off, and says why", () => {
            const args = ["--rules", "az-rcg-list.least-privilege.json", "--configuration", "leastPrivilege"];
            assert.strictEqual(audit(...args, "--policy", "az-policy.json").code, 0);
            const run = audit(...args, "--policy", "az-policy.no-dns-proxy.json");
            assert.strictEqual(run.code, 1);
            // The exact tundra host is still allowed: the AzureMachineLearning tag rule (there for the wildcard
            // tundra host) carries it.
            assert.deepStrictEqual(failing(run), ["missing amlstore.file.core.windows.net TCP 445"]);
            assert.deepStrictEqual(
                json(run).results.find((r: any) => r.destination === "westeurope.tundra.azureml.ms").decidedBy.rule,
                "tags-udp-5831",
            );
            assert.deepStrictEqual(json(run).problems, [
                "Rule aml/aml-network/fqdns-tcp-445 uses FQDNs in a network rule, but DNS proxy is off on the " +
                    "policy; those FQDNs match nothing.",
                "Rule aml/aml-network/fqdns-udp-5831 uses FQDNs in a network rule, but DNS proxy is off on the " +
                    "policy; those FQDNs match nothing.",
            ]);
            assert.strictEqual(audit(...args, "--policy", "az-policy.no-dns-proxy.json", "--dns-proxy", "on").code, 0);
        });

        it("evaluates the parent policy's groups first, and names a base policy whose groups are missing", () => {
            const withParent = audit(
                "--rules",
                "az-rcg.child.json",
                "--policy",
                "az-policy.child.json",
                "--parent-rules",
                "az-rcg-list.complete.json",
            );
            assert.strictEqual(withParent.code, 0, withParent.stderr);
            const without = audit("--rules", "az-rcg.child.json", "--policy", "az-policy.child.json");
            assert.strictEqual(without.code, 1);
            assert.deepStrictEqual(json(without).problems, [
                "The policy has base policy " +
                    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-hub" +
                    "/providers/Microsoft.Network/firewallPolicies/fwp-hub," +
                    " whose rule collection groups were not given; only the policy's own rules were evaluated.",
            ]);
            assertUsageError(
                audit(
                    "--rules",
                    "az-rcg.child.json",
                    "--policy",
                    "az-policy.json",
                    "--parent-rules",
                    "az-rcg-list.complete.json",
                ),
                /^azureml-firewall: --parent-rules: "2 group\(s\)" is not valid; the policy fwp-hub names no base policy/,
            );
        });

        it("reads a pulumi stack export, with the policy's settings from it", () => {
            const run = audit("--rules", "pulumi-stack-export.json");
            assert.strictEqual(run.code, 0, run.stderr);
            assert.strictEqual(json(run).summary.allowed, 44);
        });

        it("reads a pulumi stack export of the classic provider", () => {
            const { planPolicy } = require("../components/policyPlan");
            const { toClassicCollections } = require("../components/firewall/classic");
            const plan = planPolicy("aml", {
                region: "westeurope",
                workspaceName: "mlw-prod",
                storageAccountName: "amlstore",
                sourceAddresses: ["10.0.1.0/24"],
                attach: false,
            });
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-export-"));
            const file = path.join(dir, "classic-export.json");
            fs.writeFileSync(
                file,
                JSON.stringify({
                    version: 3,
                    deployment: {
                        resources: [
                            {
                                urn: "urn:pulumi:prod::net::azure:network/firewallPolicy:FirewallPolicy::hub",
                                type: "azure:network/firewallPolicy:FirewallPolicy",
                                outputs: { name: "fwp-hub", sku: "Standard", dns: { proxyEnabled: true } },
                            },
                            {
                                urn: `urn:pulumi:prod::net::${CLASSIC_RCG_TYPE}::aml`,
                                type: CLASSIC_RCG_TYPE,
                                outputs: {
                                    name: "aml",
                                    priority: 1000,
                                    ...toClassicCollections(plan.plan.ruleCollections),
                                },
                            },
                        ],
                    },
                }),
            );
            try {
                const run = audit("--rules", file);
                assert.strictEqual(run.code, 0, run.stderr);
                assert.deepStrictEqual(json(run).summary, {
                    checks: 44,
                    allowed: 44,
                    denied: 0,
                    missing: 0,
                    indeterminate: 0,
                });
                assert.strictEqual(
                    json(run).results.find((r: any) => r.port === 445 && r.kind === "fqdn").decidedBy.rule,
                    "fqdns-tcp-445",
                );
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("checks a custom requirements file instead of the catalog", () => {
            const run = cli(
                "audit",
                "--rules",
                "az-rcg-list.complete.json",
                "--policy",
                "az-policy.json",
                "--requirements",
                "requirements.custom.json",
                "--format",
                "json",
            );
            assert.strictEqual(run.code, 1);
            assert.deepStrictEqual(
                json(run).results.map((r: any) => `${r.destination} ${r.status}`),
                ["AzureMachineLearning allowed", "github.com missing"],
            );
        });

        it("reads requirement fields case-insensitively, as the semantics say", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-req-"));
            try {
                const file = path.join(dir, "req.json");
                fs.writeFileSync(
                    file,
                    JSON.stringify([
                        {
                            destination: "ml.azure.com",
                            kind: "FQDN",
                            protocol: "tcp",
                            ports: [443],
                            appProtocol: "https",
                        },
                        { destination: "AzureMachineLearning", kind: "servicetag", protocol: "udp", ports: [5831] },
                    ]),
                );
                const run = cli(
                    "audit",
                    "--rules",
                    "az-rcg-list.complete.json",
                    "--policy",
                    "az-policy.json",
                    "--requirements",
                    file,
                    "--format",
                    "json",
                );
                assert.strictEqual(run.code, 0, run.stderr);
                assert.deepStrictEqual(
                    json(run).results.map((r: any) => `${r.destination} ${r.kind} ${r.protocol} ${r.port} ${r.status}`),
                    ["AzureMachineLearning serviceTag UDP 5831 allowed", "ml.azure.com fqdn TCP 443 allowed"],
                );
                fs.writeFileSync(
                    file,
                    JSON.stringify([{ destination: "*", kind: "fqdn", protocol: "TCP", ports: [443] }]),
                );
                assertUsageError(
                    cli("audit", "--rules", "az-rcg-list.complete.json", "--requirements", file),
                    /req\.json: requirement 1: destination "\*" is not valid/,
                );
                fs.writeFileSync(
                    file,
                    JSON.stringify([{ destination: "x.com", kind: "fqdn", protocol: "TCP", ports: ["443"] }]),
                );
                assertUsageError(
                    cli("audit", "--rules", "az-rcg-list.complete.json", "--requirements", file),
                    /req\.json: requirement 1: ports \["443"\] is not valid/,
                );
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("evaluates the parent groups first with --dns-proxy and no --policy (nothing names a base)", () => {
            const run = cli(
                "audit",
                "--rules",
                "az-rcg.child.json",
                "--parent-rules",
                "az-rcg-list.complete.json",
                "--dns-proxy",
                "on",
                ...WS,
                "--format",
                "json",
            );
            assert.strictEqual(run.code, 0, run.stderr);
            assert.strictEqual(json(run).summary.missing, 0);
        });

        it("refuses priorities that are not whole numbers from 100 to 65000", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-prio-"));
            try {
                const rules = JSON.parse(fs.readFileSync(path.join(FIX, "az-rcg-list.complete.json"), "utf8"));
                for (const [where, value] of [
                    ["group", 1000.5],
                    ["group", 50],
                    ["collection", 65001],
                ] as const) {
                    const copy = JSON.parse(JSON.stringify(rules));
                    if (where === "group") {
                        (copy[0].properties ?? copy[0]).priority = value;
                    } else {
                        (copy[0].properties ?? copy[0]).ruleCollections[0].priority = value;
                    }
                    const file = path.join(dir, "rules.json");
                    fs.writeFileSync(file, JSON.stringify(copy));
                    assertUsageError(
                        cli("audit", "--rules", file, ...WS),
                        new RegExp(
                            `${where === "group" ? "ruleCollectionGroup" : "ruleCollection"} .*priority: ${value} ` +
                                `is not valid; a priority is a whole number from 100 to 65000\\.$`,
                            "m",
                        ),
                    );
                }
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("prints a table with the deciding rule and the summary", () => {
            const run = cli(
                "audit",
                "--rules",
                "az-rcg-list.missing-445.json",
                "--policy",
                "az-policy.json",
                ...WS,
                "--source",
                "10.0.1.0/24",
            );
            assert.strictEqual(run.code, 1);
            assert.match(
                run.stdout,
                /^missing  amlstore\.file\.core\.windows\.net\s+TCP\s+445\s+\(no rule: default deny\)$/m,
            );
            assert.match(
                run.stdout,
                /^allowed  graph\.microsoft\.com\s+TCP\s+443\s+aml \/ aml-application \/ https-443$/m,
            );
            assert.match(run.stdout, /^44 checks: 42 allowed, 0 denied, 2 missing$/m);
        });

        it("checks sources: a workload outside the rules' CIDR is not allowed", () => {
            const run = cli(
                "audit",
                "--rules",
                "az-rcg-list.complete.json",
                "--policy",
                "az-policy.json",
                ...WS,
                "--source",
                "10.9.0.0/24",
                "--format",
                "json",
            );
            assert.strictEqual(run.code, 1);
            assert.strictEqual(json(run).summary.allowed, 0);
        });

        describe("bad input: one line, exit 2", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-"));
            fs.writeFileSync(path.join(dir, "broken.json"), "{ not json");
            fs.writeFileSync(path.join(dir, "odd.json"), JSON.stringify({ hello: "world" }));
            fs.writeFileSync(path.join(dir, "nocollections.json"), JSON.stringify([{ name: "g", priority: 100 }]));
            fs.writeFileSync(
                path.join(dir, "badreq.json"),
                JSON.stringify([{ destination: "x.com", kind: "host", protocol: "TCP", ports: [443] }]),
            );
            const cases: [string, string[], RegExp][] = [
                ["a missing file", ["--rules", "nope.json", ...WS], /^azureml-firewall: nope\.json: file not found$/m],
                [
                    "a file that is not JSON",
                    ["--rules", path.join(dir, "broken.json"), ...WS],
                    /broken\.json: not valid JSON \(/,
                ],
                [
                    "JSON of an unknown shape",
                    ["--rules", path.join(dir, "odd.json"), ...WS],
                    /odd\.json: JSON of an unknown shape; expected the output of `az network firewall policy rule-collection-group list`/,
                ],
                [
                    "a group without ruleCollections",
                    ["--rules", path.join(dir, "nocollections.json"), ...WS],
                    /nocollections\.json: rule collection group "g" has no ruleCollections array$/m,
                ],
                [
                    "a bad requirements file",
                    ["--rules", "az-rcg-list.complete.json", "--requirements", path.join(dir, "badreq.json")],
                    /badreq\.json: requirement 1: kind "host" is not valid; use fqdn or serviceTag$/m,
                ],
                ["no --rules", [...WS], /^azureml-firewall: missing --rules FILE/],
                [
                    "no catalog flags",
                    ["--rules", "az-rcg-list.complete.json"],
                    /^azureml-firewall: missing --cloud, --storage, --region: give --cloud, --storage and --region \(or --cloud and --workspaces FILE, or --requirements FILE\)$/m,
                ],
                [
                    "a bad CIDR",
                    ["--rules", "az-rcg-list.complete.json", ...WS, "--source", "10.0.0.300/24"],
                    /^azureml-firewall: --source: "10\.0\.0\.300\/24" is not valid; a workload source is an IPv4 address, CIDR or range\.$/m,
                ],
                [
                    "a bad --dns-proxy",
                    ["--rules", "az-rcg-list.complete.json", ...WS, "--dns-proxy", "yes"],
                    /^azureml-firewall: --dns-proxy: "yes" is not valid; use on or off$/m,
                ],
                [
                    "a policy file of the wrong shape",
                    ["--rules", "az-rcg-list.complete.json", ...WS, "--policy", "az-rcg-list.complete.json"],
                    /az-rcg-list\.complete\.json: JSON of an unknown shape; expected the object printed by `az network firewall policy show`/,
                ],
            ];
            for (const [title, args, message] of cases) {
                it(`rejects ${title}`, () => assertUsageError(cli("audit", ...args), message));
            }
        });
    });

    describe("plan", () => {
        it("runs the dev stack offline: resources with parents, rules, explanations, policy verdict (exit 0)", () => {
            const run = cli("plan", "--stack", "dev", "--format", "json");
            assert.strictEqual(run.code, 0, run.stderr);
            const out = json(run);
            assert.deepStrictEqual(
                out.resources.map((r: any) => [r.type, r.name, r.parent]),
                [
                    ["pulumi:pulumi:Stack", "azureml-firewall-dev", null],
                    ["azureml-firewall:index:AmlFirewallPolicy", "aml-dev", "azureml-firewall-dev"],
                    ["azure-native:network:FirewallPolicy", "aml-dev-policy", "aml-dev"],
                    ["azure-native:network:FirewallPolicyRuleCollectionGroup", "aml-dev-rcg", "aml-dev"],
                ],
            );
            assert.deepStrictEqual(out.resources[2].inputs.dnsSettings, { enableProxy: true });
            assert.ok(
                out.explanations.some((e: string) =>
                    e.startsWith(
                        "stamldev001.file.core.windows.net TCP 445: network rule aml-network/fqdns-tcp-445 on the FQDN",
                    ),
                ),
            );
            assert.deepStrictEqual(out.policy, { violations: [], cannotRun: [] });
        });

        it("prints readable tables", () => {
            const run = cli("plan", "--stack", "prod");
            assert.strictEqual(run.code, 0, run.stderr);
            assert.match(run.stdout, /^Project azureml-firewall, stack prod: 3 resources$/m);
            assert.match(run.stdout, /^Rules of aml-prod-rcg \(group aml-prod, priority 1200, policy fwp-hub-prod\)$/m);
            assert.match(
                run.stdout,
                /^aml-network \(100, Allow\)\s+fqdns-tcp-445\s+network\s+TCP 445\s+stamlprod001\.file\.core\.windows\.net, /m,
            );
            assert.match(run.stdout, /^How each requirement is realised$/m);
            assert.match(run.stdout, /^Policy pack\n  no violations \(7 policies\)$/m);
        });

        it("shows a classic-provider stack's rules too", () => {
            const run = cli("plan", "--stack", "gov");
            assert.strictEqual(run.code, 0, run.stderr);
            assert.match(
                run.stdout,
                /^azure:network\/firewallPolicyRuleCollectionGroup:FirewallPolicyRuleCollectionGroup\s+aml-gov-rcg\s+aml-gov$/m,
            );
            assert.match(
                run.stdout,
                /^aml-network \(100, Allow\)\s+fqdns-udp-5831\s+network\s+UDP 5831\s+usgovvirginia\.tundra\.azureml\.us/m,
            );
            assert.match(
                run.stdout,
                /^aml-application \(200, Allow\)\s+http-80-https-443\s+application\s+Http:80, Https:443\s+login\.microsoftonline\.us/m,
            );
        });

        it("exits 1 with the mandatory violation when the stack would not let Azure ML out", () => {
            try {
                // A stack whose file is fine but whose rules the coverage policy is told to check against another
                // workspace.
                fs.copyFileSync(
                    path.join(ROOT, "stacks", "Pulumi.dev.yaml"),
                    path.join(ROOT, "stacks", "Pulumi.cliviolation.yaml"),
                );
                fs.writeFileSync(
                    path.join(ROOT, "policy", "config.cliviolation.json"),
                    JSON.stringify({
                        "azureml-egress-coverage": {
                            workspaces: [{ name: "other", storageAccountName: "otherstore", region: "northeurope" }],
                        },
                    }),
                );
                const run = cli("plan", "--stack", "cliviolation", "--format", "json");
                assert.strictEqual(run.code, 1, run.stderr);
                const violations = json(run).policy.violations;
                assert.deepStrictEqual(
                    violations.map((v: any) => [v.policy, v.enforcementLevel]),
                    [["azureml-egress-coverage", "mandatory"]],
                );
                assert.match(violations[0].message, /\n  missing otherstore\.file\.core\.windows\.net TCP 445\n/);
                assert.match(violations[0].message, /\n  missing Storage\.NorthEurope TCP 445$/);
            } finally {
                fs.rmSync(path.join(ROOT, "stacks", "Pulumi.cliviolation.yaml"), { force: true });
                fs.rmSync(path.join(ROOT, "policy", "config.cliviolation.json"), { force: true });
            }
        });

        it("plans a stack file from anywhere, and fails a misspelt key naming the file and the key", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-stack-"));
            try {
                const file = path.join(dir, "Pulumi.edge.yaml");
                const dev = fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.dev.yaml"), "utf8");
                fs.writeFileSync(file, dev);
                const run = cli("plan", "--stack-file", file, "--format", "json");
                assert.strictEqual(run.code, 0, run.stderr);
                const out = json(run);
                assert.strictEqual(out.stack, "edge");
                const component = out.resources.find((r: any) => r.type === "azureml-firewall:index:AmlFirewallPolicy");
                assert.deepStrictEqual(Object.keys(component.outputs).sort(), [
                    "dnsProxyEnabled",
                    "explanations",
                    "firewallPolicyId",
                    "firewallPolicyName",
                    "notes",
                    "requirements",
                    "ruleCollectionGroupId",
                    "ruleCollectionGroupName",
                    "ruleCount",
                    "sources",
                ]);
                fs.writeFileSync(file, dev.replace("azureml-firewall:scenarios:", "azureml-firewall:senarios:"));
                assertUsageError(
                    cli("plan", "--stack-file", file),
                    new RegExp(
                        `^azureml-firewall: ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: azureml-firewall:senarios: unknown key; known keys are `,
                        "m",
                    ),
                );
                assertUsageError(
                    cli("plan", "--stack", "dev", "--stack-file", file),
                    /^azureml-firewall: give --program DIR \(your own Pulumi program\), --stack NAME \(a stack of this clone\) or --stack-file PATH/m,
                );
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("rejects an unknown stack, listing the ones that exist", () => {
            assertUsageError(
                cli("plan", "--stack", "staging"),
                /^azureml-firewall: unknown stack "staging": no stacks\/Pulumi\.staging\.yaml; stacks are: china, dev, gov, prod\.$/m,
            );
        });

        it("rejects bad stack config with the file and key", () => {
            const file = path.join(ROOT, "stacks", "Pulumi.clibad.yaml");
            fs.writeFileSync(
                file,
                "config:\n  azureml-firewall:region: westeurope\n  azureml-firewall:resourceGroupName: rg\n  " +
                    "azureml-firewall:workspaceName: mlw\n  azureml-firewall:storageAccountName: Bad_Store\n  " +
                    "azureml-firewall:sourceAddresses: [10.0.0.0/24]\n",
            );
            try {
                assertUsageError(
                    cli("plan", "--stack", "clibad"),
                    /^azureml-firewall: AmlFirewallPolicy aml-clibad: storageAccountName: "Bad_Store" is not valid/m,
                );
                fs.writeFileSync(file, "config:\n  azureml-firewall:resourceGroupName: rg\n");
                assertUsageError(
                    cli("plan", "--stack", "clibad"),
                    /^azureml-firewall: stacks\/Pulumi\.clibad\.yaml: azureml-firewall:region: missing;/m,
                );
            } finally {
                fs.rmSync(file, { force: true });
            }
        });
    });

    it("stops quietly when its reader closes the pipe early", () => {
        const result = spawnSync(
            "bash",
            [
                "-c",
                `"${process.execPath}" "${BIN}" hosts --cloud public --storage amlstore --region westeurope ` +
                    `--all-scenarios | head -1; echo "rc=\${PIPESTATUS[0]}"`,
            ],
            { encoding: "utf8" },
        );
        assert.match(result.stdout, /\nrc=0\n$/);
        assert.strictEqual(result.stderr, "");
    });

    it("colours the audit table on a terminal, unless --no-color", function () {
        const script = spawnSync("script", ["--version"], { encoding: "utf8" });
        if (script.status !== 0) {
            this.skip();
        }
        const run = (flag: string) =>
            spawnSync(
                "script",
                [
                    "-qc",
                    `"${process.execPath}" "${BIN}" ${flag} audit --rules az-rcg-list.missing-445.json --policy ` +
                        `az-policy.json ${WS.join(" ")}`,
                    "/dev/null",
                ],
                { cwd: FIX, encoding: "utf8", env: PLAIN_ENV },
            ).stdout;
        assert.match(run(""), /\u001b\[33mmissing\u001b\[0m/);
        assert.doesNotMatch(run("--no-color"), /\u001b\[/);
    });

    it("runs the examples of the README and docs/ as written (exit 0, or the exit code stated)", () => {
        const docs = fs.readdirSync(path.join(ROOT, "docs")).map((f) => path.join(ROOT, "docs", f));
        const readme = [path.join(ROOT, "README.md"), ...docs].map((f) => fs.readFileSync(f, "utf8")).join("\n");
        const commands = readme
            .split("\n")
            .filter((line) => /^\.\/bin\/azureml-firewall (hosts|plan|audit|catalog|diagnose|export|diff) /.test(line));
        assert.ok(commands.length >= 8, `found ${commands.length} examples`);
        for (const command of commands) {
            const args = command
                .replace(/\s+#.*$/, "")
                .replace(/\s+>.*$/, "")
                .split(/\s+/)
                .slice(1);
            const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8" });
            const expected = Number(/# exit (\d)$/.exec(command)?.[1] ?? 0);
            assert.strictEqual(result.status, expected, `${command}: ${result.stderr}`);
            assert.ok(result.stdout.length > 50, command);
        }
    });

    it("prints help for each command and exits 0", () => {
        for (const command of ["hosts", "audit", "plan", "diagnose"]) {
            const run = cli(command, "--help");
            assert.strictEqual(run.code, 0);
            assert.match(run.stdout, new RegExp(`^Usage: azureml-firewall ${command} \\[options\\]`, "m"));
        }
        assert.match(
            cli("audit", "--help").stdout,
            /az network firewall policy rule-collection-group list -g RG --policy-name POLICY > rules\.json/,
        );
    });
});

describe("CLI manners", function () {
    this.timeout(60000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-manners-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("prints its version, and help on stderr with exit 2 when run without a command", () => {
        assert.deepStrictEqual(
            [cli("--version").code, cli("--version").stdout],
            [0, `${require("../package.json").version}\n`],
        );
        const bare = cli();
        assert.strictEqual(bare.code, 2);
        assert.strictEqual(bare.stdout, "");
        assert.match(bare.stderr, /^Usage: azureml-firewall \[options\] \[command\]/);
    });

    it("marks required flags in help and shows no empty defaults", () => {
        const help = cli("hosts", "--help").stdout;
        assert.match(help, /--cloud <cloud>\s+[^-]*\(required\)/);
        assert.match(help, /--region <region>\s+[^]*?\(required\s+unless\s+--workspaces\)/);
        assert.doesNotMatch(help, /default: \[\]/);
        assert.doesNotMatch(cli("audit", "--help").stdout, /default: \[\]/);
    });

    it("suggests what was meant for a mistyped region, cloud or scenario", () => {
        assertUsageError(
            cli("hosts", "--cloud", "public", "--storage", "amlstore", "--region", "westeurop"),
            /^azureml-firewall: --region: "westeurop" is not valid; it is not a region of AzurePublic\. Did you mean westeurope\?/m,
        );
        assertUsageError(
            cli("hosts", "--cloud", "publik", "--storage", "amlstore", "--region", "westeurope"),
            /Did you mean public\?$/m,
        );
        assertUsageError(cli("hosts", ...WS, "--scenario", "pyhton"), /Did you mean python\?$/m);
    });

    it("checks named scenarios with --all-scenarios too, and takes comma-separated scenarios and sources", () => {
        assertUsageError(
            cli("hosts", ...WS, "--all-scenarios", "--scenario", "gpu"),
            /--scenario: "gpu" is not valid; scenarios are:/,
        );
        const both = json(cli("hosts", ...WS, "--scenario", "python,vscode", "--format", "json"));
        assert.deepStrictEqual([...new Set(both.map((h: any) => h.scenario))].sort(), ["core", "python", "vscode"]);
        const run = cli(
            "audit",
            "--rules",
            "az-rcg-list.complete.json",
            ...WS,
            "--source",
            "10.0.1.0/25,10.0.1.128/25",
            "--format",
            "json",
        );
        assert.strictEqual(run.code, 0, run.stderr);
    });

    it("reads files with a UTF-8 byte-order mark or in UTF-16 (Windows PowerShell 5.1)", () => {
        const text = fs.readFileSync(path.join(FIX, "az-rcg-list.complete.json"), "utf8");
        const bom = path.join(dir, "bom.json");
        fs.writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]));
        const utf16 = path.join(dir, "utf16.json");
        fs.writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
        for (const file of [bom, utf16]) {
            const run = cli("audit", "--rules", file, "--policy", "az-policy.json", ...WS, "--format", "json");
            assert.strictEqual(run.code, 0, run.stderr);
            assert.strictEqual(json(run).summary.allowed, 44);
        }
    });

    it("refuses an empty requirements list: nothing checked must not pass a gate", () => {
        const empty = path.join(dir, "empty.json");
        fs.writeFileSync(empty, "[]");
        assertUsageError(
            cli("audit", "--rules", "az-rcg-list.complete.json", "--requirements", empty),
            /empty\.json: the requirements list is empty; nothing would be checked$/m,
        );
    });

    it("says which sources the rules allow when nothing matches the given source", () => {
        const run = cli(
            "audit",
            "--rules",
            "az-rcg-list.complete.json",
            "--policy",
            "az-policy.json",
            ...WS,
            "--source",
            "10.9.0.0/24",
        );
        assert.strictEqual(run.code, 1);
        assert.match(
            run.stdout,
            /^ {2}- No rule allows traffic from 10\.9\.0\.0\/24; the rules allow from: 10\.0\.1\.0\/24\.$/m,
        );
    });
});
