/** The firewall model: one reader of every shape, and the decisions taken once for the evaluator and the policies. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
    StackNode,
    externalDnsProxy,
    findTargets,
    nativePolicySettings,
    readGroup,
    readRulesDocument,
    rulesOf,
    targetSettings,
} from "../components/firewall";
import { evaluateCoverage } from "../components/coverage/evaluate";
import { resolveRequirements } from "../components/requirements";

const RCG = "azure-native:network:FirewallPolicyRuleCollectionGroup";
const COMPONENT = "azureml-firewall:index:AmlFirewallPolicy";
const HUB_RCG_ID =
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/firewallPolicies/fwp-hub/ruleCollectionGroups/aml";

function node(type: string, name: string, props: Record<string, unknown>, parent?: StackNode): StackNode {
    return {
        type,
        name,
        urn: `urn:pulumi:s::p::${type}::${name}`,
        props,
        parent,
        dependencies: [],
        propertyDependencies: {},
    };
}

describe("firewall model", () => {
    it("reads native, ARM and classic groups into one form, dropping NAT and naming what it ignores", () => {
        const native = readGroup(
            {
                name: "g",
                priority: 100,
                ruleCollections: [
                    { ruleCollectionType: "FirewallPolicyNatRuleCollection", name: "nat", priority: 100, rules: [] },
                    {
                        ruleCollectionType: "FirewallPolicyFilterRuleCollection",
                        name: "f",
                        priority: 200,
                        action: { type: "Deny" },
                        rules: [],
                    },
                    { name: "untyped", priority: 300, action: { type: "Allow" }, rules: [] },
                ],
            },
            0,
        );
        assert.deepStrictEqual(
            native.collections.map((c) => `${c.name}:${c.action}`),
            ["f:deny"],
        );
        assert.deepStrictEqual(
            native.allCollections.map((c) => c.name),
            ["nat", "f", "untyped"],
        );
        assert.deepStrictEqual(native.problems, [
            "Rule collection g/untyped has type undefined, which is neither filter nor NAT; ignored.",
        ]);
        const arm = readGroup({ name: "pol/arm", properties: { priority: 300, ruleCollections: [] } }, 1);
        assert.deepStrictEqual([arm.name, arm.priority], ["arm", 300]);
        const classic = readGroup(
            {
                priority: 200,
                networkRuleCollections: [{ name: "n", priority: 100, action: "Allow", rules: [{ name: "r" }] }],
            },
            2,
        );
        assert.strictEqual(classic.name, "(group 3)");
        assert.deepStrictEqual(
            rulesOf(classic).rules.map(({ rule }) => `${rule.stage}:${rule.name}`),
            ["network:r"],
        );
    });

    it("skips and reports a rule whose stage nothing tells, for every reader alike", () => {
        const group = readGroup(
            {
                name: "g",
                priority: 100,
                ruleCollections: [
                    {
                        ruleCollectionType: "FirewallPolicyFilterRuleCollection",
                        name: "c",
                        priority: 100,
                        action: { type: "Allow" },
                        rules: [
                            { name: "mystery", sourceAddresses: ["10.0.0.0/24"] },
                            { name: "net", destinationPorts: ["443"] },
                        ],
                    },
                ],
            },
            0,
        );
        const read = rulesOf(group);
        assert.deepStrictEqual(
            read.rules.map(({ rule }) => `${rule.stage}:${rule.name}`),
            ["network:net"],
        );
        assert.deepStrictEqual(read.problems, [
            "Rule g/c/mystery has no ruleType and no fields that tell its type; ignored.",
        ]);
    });

    it("decides DNS proxy of a policy outside the stack once: config first, else every component must say on", () => {
        assert.strictEqual(externalDnsProxy("Hub", { hub: false }, [true]), false);
        assert.strictEqual(externalDnsProxy("hub", {}, [true, true]), true);
        assert.strictEqual(externalDnsProxy("hub", {}, [true, false]), false);
        assert.strictEqual(externalDnsProxy("hub", {}, [undefined]), undefined);
        assert.deepStrictEqual(nativePolicySettings({ dnsSettings: {} }).dnsProxy, undefined);
        assert.deepStrictEqual(nativePolicySettings({ dnsSettings: { enableProxy: false } }).dnsProxy, false);
    });

    it("finds an attached group's policy from its ARM id, else from the component's outputs", () => {
        const fromId = findTargets([
            node(RCG, "aml-rcg", { id: HUB_RCG_ID, name: "aml", priority: 100, ruleCollections: [] }),
        ]);
        assert.deepStrictEqual(
            fromId.map((t) => [t.key, t.name]),
            [["external:fwp-hub", "fwp-hub"]],
        );
        const component = node(COMPONENT, "aml", { firewallPolicyName: "fwp-spoke", dnsProxyEnabled: true });
        const fromComponent = findTargets([component, node(RCG, "aml-rcg", { name: "aml", priority: 100 }, component)]);
        assert.deepStrictEqual(
            fromComponent.map((t) => t.name),
            ["fwp-spoke"],
        );
        assert.deepStrictEqual(targetSettings(fromComponent[0], {}), { name: "fwp-spoke", dnsProxy: true });
    });
});

describe("ARM template expressions in exported templates", () => {
    const HUB_RG =
        "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-hub/providers/Microsoft.Network";
    const IP_GROUP = `${HUB_RG}/ipGroups/ipg-aml-compute`;

    /**
     * The complete fixture as the portal's "Export template" writes a policy whose rules use an IP group:
     * names as concat(parameters(...)), the IP group as a parameter whose default is its ID
     * (`ipGroups_<name>_externalid`), a variable for the storage host.
     */
    function portalExport(extra: (template: any) => void = () => undefined): any {
        const groups = JSON.parse(
            fs.readFileSync(path.join(__dirname, "fixtures", "az-rcg-list.complete.json"), "utf8"),
        );
        const template: any = {
            $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
            contentVersion: "1.0.0.0",
            parameters: {
                firewallPolicies_fwp_hub_name: { defaultValue: "fwp-hub", type: "String" },
                ipGroups_ipg_aml_compute_externalid: { defaultValue: IP_GROUP, type: "String" },
            },
            variables: { storage: "amlstore" },
            resources: groups.map((g: any) => ({
                type: "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
                apiVersion: "2024-05-01",
                name: `[concat(parameters('firewallPolicies_fwp_hub_name'), '/${g.name}')]`,
                dependsOn: [
                    "[resourceId('Microsoft.Network/firewallPolicies', parameters('firewallPolicies_fwp_hub_name'))]",
                ],
                properties: {
                    priority: g.priority,
                    ruleCollections: g.ruleCollections.map((c: any) => ({
                        ...c,
                        rules: c.rules.map(({ sourceAddresses: _s, ...r }: any) => ({
                            ...r,
                            sourceIpGroups: ["[parameters('ipGroups_ipg_aml_compute_externalid')]"],
                            ...(r.destinationFqdns
                                ? {
                                      destinationFqdns: r.destinationFqdns.map((f: string) =>
                                          f.startsWith("amlstore.")
                                              ? `[concat(variables('storage'), '${f.slice(8)}')]`
                                              : f,
                                      ),
                                  }
                                : {}),
                        })),
                    })),
                },
            })),
        };
        extra(template);
        return template;
    }

    it("evaluates parameters, variables and concat in every field, so IP-group rules match (as deployed)", () => {
        const document = readRulesDocument(portalExport(), "export.json");
        assert.deepStrictEqual(document.notes, undefined);
        assert.deepStrictEqual(
            document.groups.map((g: any) => g.name),
            ["fwp-hub/aml", "fwp-hub/jump"],
        );
        const result = evaluateCoverage({
            groups: document.groups,
            policy: { dnsProxy: true, skuTier: "Standard" },
            requirements: resolveRequirements({
                cloud: "AzurePublic",
                workspaces: [{ name: "mlw-dev", storageAccountName: "amlstore", region: "westeurope" }],
            }).requirements,
            sources: { ipGroups: [IP_GROUP] },
        });
        assert.deepStrictEqual(result.summary, { checks: 44, allowed: 44, denied: 0, missing: 0, indeterminate: 0 });
    });

    it("reports an expression it cannot evaluate, naming the field, and reads it as written", () => {
        const document = readRulesDocument(
            portalExport((t) => {
                t.resources[0].properties.ruleCollections[0].rules[0].sourceIpGroups = [
                    "[reference(resourceId('Microsoft.Network/ipGroups', 'ipg-x')).id]",
                ];
                t.parameters.ipGroups_ipg_aml_compute_externalid = { type: "String" };
            }),
            "export.json",
        );
        assert.strictEqual(
            document.notes![0],
            "export.json: resources[0] (fwp-hub/aml).properties.ruleCollections[0].rules[0].sourceIpGroups[0] holds " +
                "the template expression [reference(resourceId('Microsoft.Network/ipGroups', 'ipg-x')).id], which " +
                "cannot be evaluated here (resourceId() needs the deployment to evaluate); it is read as written, " +
                "so a rule with it may not match as deployed.",
        );
        // Every other rule's IP group: the parameter now has no default (one note per field, 10 rules).
        for (const note of document.notes!.slice(1)) {
            assert.match(
                note,
                /^export\.json: resources\[[01]\] \(fwp-hub\/(aml|jump)\)\.properties\.ruleCollections\[\d\]\.rules\[\d\]\.sourceIpGroups\[0\] holds the template expression \[parameters\('ipGroups_ipg_aml_compute_externalid'\)\], which cannot be evaluated here \(parameter ipGroups_ipg_aml_compute_externalid has no defaultValue in the template\)/,
            );
        }
        assert.strictEqual(document.notes!.length, 11);
    });
});
