/**
 * Resource policy: Allow rules must not be broader than Azure ML needs. Flags `*` targets, wildcards
 * wider than the doc's (`*.core.windows.net`, `*.azure.com`, ...), network Allow rules to any
 * destination (on 80/443 they bypass every application rule), and `*` / `0.0.0.0/0` sources.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { CATALOG } from "../../components/catalog/data";
import { isAnyAddress } from "../../components/net";
import { collectionsOf, requireRcg } from "./common";

/** Placeholders of the catalog, in the lower-cased destinations. */
const PLACEHOLDER = /<(storage|region|acr|workspaceid)>/g;

const DOC_FQDNS = Object.values(CATALOG).flat().filter((row) => row.kind === "fqdn").map((row) => row.destination.toLowerCase());
/** The doc's wildcards, as patterns in which a placeholder stands for any label. */
const DOC_WILDCARDS = DOC_FQDNS.filter((d) => d.startsWith("*"))
    .map((d) => new RegExp(`^${d.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(PLACEHOLDER, "[a-z0-9-]+")}$`));
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

function portCovers(ports: string[], wanted: number): boolean {
    return ports.some((p) => {
        if (p.trim() === "*") {
            return true;
        }
        const m = /^(\d+)(?:-(\d+))?$/.exec(p.trim());
        return m !== null && Number(m[1]) <= wanted && wanted <= Number(m[2] ?? m[1]);
    });
}

export const noBroadAllow: ResourceValidationPolicy = {
    name: "azureml-no-broad-allow",
    description: "Allow rules must not be broader than Azure ML needs: no '*' targets, no wildcards wider than the Azure ML doc's, no network Allow to any destination, no '*' sources.",
    enforcementLevel: "advisory",
    validateResource: (args, reportViolation) => {
        requireRcg(args);
        for (const collection of collectionsOf(args.type, args.props)) {
            for (const rule of collection.rules) {
                if (rule.action.toLowerCase() !== "allow" || rule.stage === "nat") {
                    continue;
                }
                const at = `${collection.name}/${rule.name}`;
                if (rule.sources.some(isAnyAddress)) {
                    reportViolation(`Allow rule ${at} has source '*' or 0.0.0.0/0; name the workload's subnets or IP groups.`);
                }
                if (rule.stage === "application") {
                    if (rule.fqdns.some((f) => f.trim() === "*")) {
                        reportViolation(`Application rule ${at} allows every FQDN ('*').`);
                    }
                    const wide = rule.fqdns.filter(broaderThanDoc);
                    if (wide.length) {
                        reportViolation(`Application rule ${at} allows ${wide.join(", ")}, wider than any wildcard the Azure ML doc lists; allow the doc's hosts instead.`);
                    }
                } else if (rule.destinationAddresses.some(isAnyAddress)) {
                    const protocols = rule.protocols.map((p) => String(p).toUpperCase());
                    const tcp = protocols.includes("TCP") || protocols.includes("ANY");
                    if (tcp && (portCovers(rule.ports, 443) || portCovers(rule.ports, 80))) {
                        reportViolation(`Network rule ${at} allows any destination on HTTP/HTTPS ports; network rules run before application rules, so it bypasses every application rule.`);
                    } else {
                        reportViolation(`Network rule ${at} allows any destination ('*' or 0.0.0.0/0).`);
                    }
                }
            }
        }
    },
};
