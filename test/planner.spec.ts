import * as assert from "assert";
import { PlannedApplicationRule, PlannedNetworkRule, RulePlan, planRules } from "../components/planner";
import { derivedName, isValidResourceName, parseArmId } from "../components/names";
import { Requirement, SCENARIO_NAMES, resolveRequirements } from "../components/requirements";
import { validateSources } from "../components/sources";
import { InputError } from "../components/errors";

const SOURCES = validateSources({ addresses: ["10.0.1.0/24"] });
const WS = { name: "mlw", storageAccountName: "amlstore", region: "westeurope" };

function net(plan: RulePlan, name: string): PlannedNetworkRule {
    const rule = plan.ruleCollections.find((c) => c.name === "aml-network")?.rules.find((r) => r.name === name);
    assert.ok(rule, `no network rule ${name}`);
    return rule as PlannedNetworkRule;
}

function app(plan: RulePlan, name: string): PlannedApplicationRule {
    const rule = plan.ruleCollections.find((c) => c.name === "aml-application")?.rules.find((r) => r.name === name);
    assert.ok(rule, `no application rule ${name}`);
    return rule as PlannedApplicationRule;
}

function req(partial: Partial<Requirement> & { destination: string }): Requirement {
    return { kind: "fqdn", protocol: "TCP", ports: [443], ...partial };
}

describe("planRules", () => {
    it("puts HTTPS FQDNs in application rules and service tags in network rules", () => {
        const plan = planRules(
            [
                req({ destination: "ml.azure.com", appProtocol: "Https" }),
                req({ destination: "login.microsoftonline.com", ports: [80], appProtocol: "Http" }),
                req({ destination: "login.microsoftonline.com", ports: [443], appProtocol: "Https" }),
                req({ destination: "AzureResourceManager", kind: "serviceTag" }),
            ],
            { sources: SOURCES, dnsProxy: true },
        );
        assert.deepStrictEqual(plan.ruleCollections, [
            {
                ruleCollectionType: "FirewallPolicyFilterRuleCollection",
                name: "aml-network",
                priority: 100,
                action: { type: "Allow" },
                rules: [
                    {
                        ruleType: "NetworkRule",
                        name: "tags-tcp-443",
                        ipProtocols: ["TCP"],
                        sourceAddresses: ["10.0.1.0/24"],
                        destinationAddresses: ["AzureResourceManager"],
                        destinationPorts: ["443"],
                    },
                ],
            },
            {
                ruleCollectionType: "FirewallPolicyFilterRuleCollection",
                name: "aml-application",
                priority: 200,
                action: { type: "Allow" },
                rules: [
                    {
                        ruleType: "ApplicationRule",
                        name: "http-80-https-443",
                        protocols: [
                            { protocolType: "Http", port: 80 },
                            { protocolType: "Https", port: 443 },
                        ],
                        sourceAddresses: ["10.0.1.0/24"],
                        targetFqdns: ["login.microsoftonline.com"],
                    },
                    {
                        ruleType: "ApplicationRule",
                        name: "https-443",
                        protocols: [{ protocolType: "Https", port: 443 }],
                        sourceAddresses: ["10.0.1.0/24"],
                        targetFqdns: ["ml.azure.com"],
                    },
                ],
            },
        ]);
        assert.strictEqual(plan.ruleCount, 3);
        assert.strictEqual(plan.needsDnsProxy, false);
    });

    it("puts exact FQDNs on other ports or UDP in network rules on destinationFqdns (DNS proxy)", () => {
        const plan = planRules(
            [
                req({
                    destination: "amlstore.file.core.windows.net",
                    ports: [445],
                    serviceTags: ["Storage.WestEurope"],
                }),
                req({
                    destination: "westeurope.tundra.azureml.ms",
                    protocol: "UDP",
                    ports: [5831],
                    serviceTags: ["AzureMachineLearning"],
                }),
            ],
            { sources: SOURCES, dnsProxy: true },
        );
        assert.deepStrictEqual(net(plan, "fqdns-tcp-445").destinationFqdns, ["amlstore.file.core.windows.net"]);
        assert.deepStrictEqual(net(plan, "fqdns-udp-5831"), {
            ruleType: "NetworkRule",
            name: "fqdns-udp-5831",
            ipProtocols: ["UDP"],
            sourceAddresses: ["10.0.1.0/24"],
            destinationFqdns: ["westeurope.tundra.azureml.ms"],
            destinationPorts: ["5831"],
        });
        assert.strictEqual(plan.needsDnsProxy, true);
        assert.match(
            plan.explanations[0].text,
            /^network rule aml-network\/fqdns-tcp-445 on the FQDN, TCP 445 \(needs DNS proxy\)$/,
        );
        assert.deepStrictEqual(plan.notes, []);
    });

    it("falls back to the service tag for wildcard FQDNs outside HTTP(S), and says so", () => {
        const plan = planRules(
            [
                req({
                    destination: "*.instances.azureml.ms",
                    ports: [8787, 18881],
                    serviceTags: ["AzureMachineLearning"],
                }),
                req({
                    destination: "*.westeurope.batch.azure.com",
                    protocol: "Any",
                    appProtocol: "Https",
                    serviceTags: ["BatchNodeManagement.WestEurope"],
                }),
            ],
            { sources: SOURCES, dnsProxy: true },
        );
        assert.deepStrictEqual(net(plan, "tags-tcp-8787-18881").destinationAddresses, ["AzureMachineLearning"]);
        assert.deepStrictEqual(net(plan, "tags-udp-443").destinationAddresses, ["BatchNodeManagement.WestEurope"]);
        assert.deepStrictEqual(app(plan, "https-443").targetFqdns, ["*.westeurope.batch.azure.com"]);
        assert.deepStrictEqual(plan.explanations[0].realisations, [
            {
                protocol: "TCP",
                ports: [8787, 18881],
                kind: "fallbackServiceTag",
                collection: "aml-network",
                rule: "tags-tcp-8787-18881",
                detail:
                    "Azure Firewall cannot match a wildcard FQDN outside HTTP(S) (network rules take exact " +
                    "names only); allowed through service tag AzureMachineLearning instead",
            },
        ]);
        assert.strictEqual(plan.notes.length, 2);
        assert.match(
            plan.notes[1],
            /^\*\.westeurope\.batch\.azure\.com Any 443: application rule aml-application\/https-443 \(Https:443\); network rule aml-network\/tags-udp-443, UDP 443: Azure Firewall cannot match a wildcard FQDN/,
        );
    });

    it("without DNS proxy allows non-HTTP exact FQDNs through their service tags, and says so", () => {
        const plan = planRules(
            [req({ destination: "amlstore.file.core.windows.net", ports: [445], serviceTags: ["Storage.WestEurope"] })],
            { sources: SOURCES, dnsProxy: false },
        );
        assert.deepStrictEqual(net(plan, "tags-tcp-445").destinationAddresses, ["Storage.WestEurope"]);
        assert.strictEqual(plan.needsDnsProxy, false);
        assert.match(
            plan.notes[0],
            /the policy has no DNS proxy, so network rules cannot use FQDNs; allowed through service tag Storage\.WestEurope instead/,
        );
    });

    it("reports a requirement that no rule can express", () => {
        const plan = planRules([req({ destination: "*.example.com", ports: [22] })], {
            sources: SOURCES,
            dnsProxy: true,
        });
        assert.strictEqual(plan.ruleCollections.length, 0);
        assert.match(plan.explanations[0].unrealised ?? "", /no service tag is known to carry \*\.example\.com/);
        assert.match(plan.notes[0], /NOT REALISED/);
    });

    it("merges destinations with the same protocol/port set into one rule and splits mixed protocols exactly", () => {
        const plan = planRules(
            [
                req({ destination: "AzureMachineLearning", kind: "serviceTag", ports: [443, 8787, 18881] }),
                req({ destination: "AzureMachineLearning", kind: "serviceTag", protocol: "UDP", ports: [5831] }),
                req({ destination: "MicrosoftContainerRegistry", kind: "serviceTag" }),
                req({ destination: "AzureResourceManager", kind: "serviceTag" }),
                req({ destination: "BatchNodeManagement.WestEurope", kind: "serviceTag", protocol: "Any" }),
            ],
            { sources: SOURCES, dnsProxy: true },
        );
        assert.deepStrictEqual(
            plan.ruleCollections[0].rules.map((r) => [
                r.name,
                (r as PlannedNetworkRule).ipProtocols,
                (r as PlannedNetworkRule).destinationAddresses,
                (r as PlannedNetworkRule).destinationPorts,
            ]),
            [
                ["tags-tcp-443", ["TCP"], ["AzureResourceManager", "MicrosoftContainerRegistry"], ["443"]],
                ["tags-tcp-443-8787-18881", ["TCP"], ["AzureMachineLearning"], ["443", "8787", "18881"]],
                ["tags-tcp-udp-443", ["TCP", "UDP"], ["BatchNodeManagement.WestEurope"], ["443"]],
                ["tags-udp-5831", ["UDP"], ["AzureMachineLearning"], ["5831"]],
            ],
        );
    });

    it("uses IP groups and addresses as given, sorted", () => {
        const ipGroup =
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg" +
            "/providers/Microsoft.Network/ipGroups/aml-compute";
        const sources = validateSources({
            addresses: ["10.0.2.0/24", "10.0.1.0/24", "10.0.2.0/24"],
            ipGroups: [ipGroup],
        });
        const plan = planRules([req({ destination: "ml.azure.com", appProtocol: "Https" })], {
            sources,
            dnsProxy: true,
        });
        assert.deepStrictEqual(app(plan, "https-443").sourceAddresses, ["10.0.1.0/24", "10.0.2.0/24"]);
        assert.deepStrictEqual(app(plan, "https-443").sourceIpGroups, [ipGroup]);
    });

    it("is deterministic: the same requirements in any order give byte-identical rules", () => {
        const { requirements } = resolveRequirements({
            cloud: "public",
            workspaces: [WS],
            scenarios: [...SCENARIO_NAMES],
        });
        const a = planRules(requirements, { sources: SOURCES, dnsProxy: true });
        const b = planRules([...requirements].reverse(), { sources: SOURCES, dnsProxy: true });
        assert.strictEqual(JSON.stringify(a.ruleCollections), JSON.stringify(b.ruleCollections));
        assert.strictEqual(
            JSON.stringify(a.ruleCollections),
            JSON.stringify(planRules(requirements, { sources: SOURCES, dnsProxy: true }).ruleCollections),
        );
    });

    it("gives every collection and rule a valid Azure name, unique within its collection", () => {
        for (const cloud of ["public", "usgovernment", "china"]) {
            const region = { public: "westeurope", usgovernment: "usgovvirginia", china: "chinaeast2" }[
                cloud
            ] as string;
            const { requirements } = resolveRequirements({
                cloud,
                workspaces: [{ ...WS, region }],
                scenarios: cloud === "public" ? [...SCENARIO_NAMES] : ["python", "hbi"],
            });
            for (const dnsProxy of [true, false]) {
                const plan = planRules(requirements, { sources: SOURCES, dnsProxy });
                for (const c of plan.ruleCollections) {
                    assert.ok(isValidResourceName(c.name));
                    const names = c.rules.map((r) => r.name);
                    assert.deepStrictEqual([...new Set(names)], names);
                    names.forEach((n) => assert.ok(isValidResourceName(n), n));
                }
                // Without DNS proxy only the Cluster Connect host on 8084 (no tag carries it) cannot be a rule.
                assert.deepStrictEqual(
                    plan.explanations.filter((e) => e.unrealised).map((e) => e.requirement.destination),
                    cloud === "public" && !dnsProxy ? ["westeurope.obo.arc.azure.com"] : [],
                );
            }
        }
    });

    it("checks Azure's name rules, and azurerm's (two characters at least, no leading '_')", () => {
        assert.strictEqual(isValidResourceName("a"), false);
        assert.strictEqual(isValidResourceName("ab"), true);
        assert.strictEqual(isValidResourceName("_aml"), false);
        assert.strictEqual(isValidResourceName("aml_"), true);
        assert.strictEqual(isValidResourceName("fwp.hub."), false);
        assert.strictEqual(isValidResourceName("aml_rules.v1"), true);
        assert.strictEqual(isValidResourceName("a".repeat(80)), true);
        assert.strictEqual(isValidResourceName("a".repeat(81)), false);
        assert.strictEqual(isValidResourceName("ends-"), false);
        assert.strictEqual(isValidResourceName("ends."), false);
        assert.strictEqual(isValidResourceName("-starts"), false);
        assert.strictEqual(isValidResourceName("has space"), false);
        assert.strictEqual(isValidResourceName(""), false);
    });

    it("in the least-privilege configuration uses tags only for what hosts cannot express", () => {
        const { requirements } = resolveRequirements({
            cloud: "public",
            workspaces: [WS],
            configuration: "leastPrivilege",
        });
        const plan = planRules(requirements, { sources: SOURCES, dnsProxy: true });
        const tagRules = plan.ruleCollections[0].rules.filter((r) => (r as PlannedNetworkRule).destinationAddresses);
        assert.deepStrictEqual(
            tagRules.map((r) => [r.name, (r as PlannedNetworkRule).destinationAddresses]),
            [
                ["tags-tcp-8787-18881", ["AzureMachineLearning"]],
                ["tags-udp-443", ["BatchNodeManagement.WestEurope"]],
                ["tags-udp-5831", ["AzureMachineLearning"]],
            ],
        );
    });

    it("rejects bad collection names", () => {
        assert.throws(
            () => planRules([], { sources: SOURCES, dnsProxy: true, networkCollectionName: "bad-" }),
            (e: unknown) => e instanceof InputError && e.argument === "networkCollectionName",
        );
        assert.throws(
            () => planRules([], { sources: SOURCES, dnsProxy: true, applicationCollectionName: "" }),
            (e: unknown) => e instanceof InputError && e.argument === "applicationCollectionName",
        );
    });
});

describe("validateSources", () => {
    const bad: [string[], RegExp][] = [
        [["*"], /^InputError: sourceAddresses\[0\]: "\*" is not valid; '\*' and '0\.0\.0\.0\/0' let every address out/],
        [["0.0.0.0/0"], /^InputError: sourceAddresses\[0\]: "0\.0\.0\.0\/0" is not valid/],
        [
            ["fd00::/64"],
            /Azure Firewall does not support IPv6 \(azure-docs articles\/firewall\/firewall-known-issues\.md\)/,
        ],
        [["10.0.1.0/33"], /an IPv4 address, CIDR \(10\.0\.1\.0\/24\) or range/],
        [["10.0.1"], /an IPv4 address, CIDR/],
        [["10.0.1.5/24"], /the CIDR has host bits set; its network is 10\.0\.1\.0\/24\.$/],
        [["10.0.0.9-10.0.0.1"], /an IPv4 address, CIDR/],
        [[], /give the workload's source CIDRs/],
    ];
    for (const [addresses, message] of bad) {
        it(`rejects ${JSON.stringify(addresses)}`, () => assert.throws(() => validateSources({ addresses }), message));
    }
    it("accepts any-source only with an explicit opt-in, and never IPv6 (Azure Firewall does not support it)", () => {
        assert.deepStrictEqual(validateSources({ addresses: ["*"] }, { allowAnySource: true }).addresses, ["*"]);
        for (const v6 of ["fd00::/64", "fe80::1%eth0", "::1"]) {
            assert.throws(
                () => validateSources({ addresses: [v6] }, { allowAnySource: true }),
                new RegExp(
                    `^InputError: sourceAddresses\\[0\\]: "${v6.replace(/[.*/]/g, "\\$&")}" is not valid; Azure Firewall ` +
                        "does not support IPv6 \\(azure-docs articles/firewall/firewall-known-issues\\.md\\)",
                ),
            );
        }
    });
    it("reads IP group IDs in any casing and writes them in the REST spec's", () => {
        const id =
            "/SUBSCRIPTIONS/AAAAAAAA-0000-0000-0000-000000000000/resourcegroups/RG-Net" +
            "/providers/microsoft.network/IPGROUPS/ipg-aml";
        assert.deepStrictEqual(validateSources({ ipGroups: [id] }).ipGroups, [
            "/subscriptions/aaaaaaaa-0000-0000-0000-000000000000/resourceGroups/RG-Net" +
                "/providers/Microsoft.Network/ipGroups/ipg-aml",
        ]);
        assert.throws(
            () =>
                validateSources({
                    ipGroups: ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/ipGroups/g"],
                }),
            /^InputError: sourceIpGroups\[0\]: .* is not valid; an IP group resource ID: \/subscriptions\/<subscription GUID>/,
        );
        assert.throws(
            () => parseArmId(id.replace("IPGROUPS", "firewallPolicies"), "ipGroups", "x"),
            /an IP group resource ID/,
        );
    });
    it("derives a valid Azure name from any component name", () => {
        const cases: [string, string, string][] = [
            ["aml-egress", "", "aml-egress"],
            ["AML Egress", "-policy", "aml-egress-policy"],
            ["_egress", "", "egress"],
            ["x", "-policy", "x-policy"],
            ["fwp.hub.", "", "fwp.hub"],
        ];
        for (const [name, suffix, expected] of cases) {
            assert.strictEqual(derivedName(name, suffix), expected, name);
        }
        assert.match(derivedName("x"), /^aml-[0-9a-f]{8}$/);
        assert.match(derivedName("___"), /^aml-[0-9a-f]{8}$/);
        const long = derivedName("a".repeat(200), "-policy");
        assert.strictEqual(long.length, 80);
        assert.match(long, /^a{64}-[0-9a-f]{8}-policy$/);
    });
    it("canonicalises addresses and ranges", () => {
        assert.deepStrictEqual(validateSources({ addresses: ["10.0.0.4", "10.0.0.1-10.0.0.9"] }).addresses, [
            "10.0.0.1-10.0.0.9",
            "10.0.0.4/32",
        ]);
    });
    it("rejects a malformed IP group ID", () => {
        assert.throws(
            () => validateSources({ ipGroups: ["aml-compute"] }),
            /^InputError: sourceIpGroups\[0\]: "aml-compute" is not valid; an IP group resource ID/,
        );
    });
});
