/**
 * Allow rules broader than Azure ML needs (pure): `*` targets, wildcards wider than the doc's
 * (`*.core.windows.net`, `*.azure.com`, ...), network Allow rules to any destination (on 80/443 they bypass
 * every application rule), and `*` / `0.0.0.0/0` sources. The pack's `azureml-no-broad-allow` and
 * `diff` report them alike.
 */
import { CATALOG } from "../catalog/data";
import { isAnyAddress } from "../net";
import { FirewallRule, portsInclude } from "../firewall";

/** Placeholders of the catalog, in the lower-cased destinations. */
const PLACEHOLDER = /<(storage|region|acr|workspaceid)>/g;

const DOC_FQDNS = Object.values(CATALOG)
    .flat()
    .filter((row) => row.kind === "fqdn")
    .map((row) => row.destination.toLowerCase());
/** The doc's wildcards, as patterns in which a placeholder stands for any label. */
const DOC_WILDCARDS = DOC_FQDNS.filter((d) => d.startsWith("*")).map(
    (d) => new RegExp(`^${d.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(PLACEHOLDER, "[a-z0-9-]+")}$`),
);
/** The doc's destinations with placeholders filled by sample labels, to test what a wildcard covers. */
const DOC_SAMPLES = DOC_FQDNS.map((d) => d.replace(PLACEHOLDER, "sample"));

/** True when `*S` is not one of the doc's wildcards but covers some destination of the doc. */
export function broaderThanDoc(target: string): boolean {
    const value = target.trim().toLowerCase().replace(/\.+$/, "");
    if (!value.startsWith("*") || value === "*" || DOC_WILDCARDS.some((re) => re.test(value))) {
        return false;
    }
    const suffix = value.slice(1);
    return DOC_SAMPLES.some((d) => (d.startsWith("*") ? d.slice(1) : d).endsWith(suffix));
}

/** Why an Allow rule is broader than Azure ML needs, one message each. */
export function broadness(at: string, rule: FirewallRule): string[] {
    const found: string[] = [];
    if (rule.sourceAddresses.some(isAnyAddress)) {
        found.push(`Allow rule ${at} has source '*' or 0.0.0.0/0; name the workload's subnets or IP groups.`);
    }
    if (rule.stage === "application") {
        if (rule.targetFqdns.some((f) => f.trim() === "*")) {
            found.push(`Application rule ${at} allows every FQDN ('*').`);
        }
        const wide = rule.targetFqdns.filter(broaderThanDoc);
        if (wide.length) {
            found.push(
                `Application rule ${at} allows ${wide.join(", ")}, wider than any wildcard the Azure ML doc lists; ` +
                    `allow the doc's hosts instead.`,
            );
        }
    } else if (rule.destinationAddresses.some(isAnyAddress)) {
        const protocols = rule.ipProtocols.map((p) => p.toUpperCase());
        const tcp = protocols.includes("TCP") || protocols.includes("ANY");
        found.push(
            tcp && (portsInclude(rule.destinationPorts, 443) || portsInclude(rule.destinationPorts, 80))
                ? `Network rule ${at} allows any destination on HTTP/HTTPS ports; network rules run before ` +
                      `application rules, so it bypasses every application rule.`
                : `Network rule ${at} allows any destination ('*' or 0.0.0.0/0).`,
        );
    }
    return found;
}
