/**
 * Reads Microsoft's weekly Service Tags files (`ServiceTags_Public_*.json`, `ServiceTags_AzureGovernment_*.json`,
 * `ServiceTags_China_*.json`) into the catalog's service-tag data: per cloud, the file and its change
 * number, every tag name as Microsoft spells it, and the regions its regional tags name (ARM form, as
 * the tag names spell them: `Storage.WestEurope` names `westeurope`; a suffix that only one service uses
 * is not taken for a region).
 *
 * `npm run catalog:service-tags -- ServiceTags_Public_20251028.json ServiceTags_AzureGovernment_...json ...`
 * rewrites `components/catalog/serviceTags.json`.
 */
import * as fs from "fs";
import * as path from "path";
import type { Cloud } from "./types";

export interface CloudServiceTags {
    /** The file the data was read from. */
    file: string;
    /** The file's `changeNumber`: Microsoft raises it on every change. */
    changeNumber: number;
    /** Lower-cased region -> Microsoft's spelling in tag names (`westeurope` -> `WestEurope`). */
    regions: Record<string, string>;
    /** Every tag name, as Microsoft spells it, sorted. */
    tags: string[];
}

export type ServiceTagData = Record<Cloud, CloudServiceTags>;

const CLOUDS: Record<string, Cloud> = {
    public: "AzurePublic",
    azuregovernment: "AzureUSGovernment",
    china: "AzureChinaCloud",
};

interface ServiceTagsFile {
    changeNumber?: unknown;
    cloud?: unknown;
    values?: { name?: unknown; properties?: { region?: unknown } }[];
}

/** Reads one Service Tags file's parsed JSON; `file` names it in errors and in the data. */
export function readServiceTagsFile(json: unknown, file: string): { cloud: Cloud; data: CloudServiceTags } {
    const content = json as ServiceTagsFile;
    const cloud = typeof content?.cloud === "string" ? CLOUDS[content.cloud.toLowerCase()] : undefined;
    if (!cloud || typeof content.changeNumber !== "number" || !Array.isArray(content.values)) {
        throw new Error(
            `${file}: not a Service Tags file (expected cloud Public, AzureGovernment or China, changeNumber, values)`,
        );
    }
    const tags = new Set<string>();
    const suffixes = new Map<string, { spelled: string; bases: Set<string> }>();
    for (const value of content.values) {
        if (typeof value?.name !== "string") {
            continue;
        }
        tags.add(value.name);
        const dot = value.name.lastIndexOf(".");
        if (typeof value.properties?.region === "string" && value.properties.region !== "" && dot > 0) {
            const spelled = value.name.slice(dot + 1);
            const entry = suffixes.get(spelled.toLowerCase()) ?? { spelled, bases: new Set<string>() };
            entry.bases.add(value.name.slice(0, dot));
            suffixes.set(spelled.toLowerCase(), entry);
        }
    }
    // A suffix names a region when several services have a regional tag for it: one odd regional tag
    // (`AzurePortal.AzureAppServiceUx`) does not make a region.
    const regions: Record<string, string> = {};
    for (const [key, { spelled, bases }] of suffixes) {
        if (bases.size >= 2) {
            regions[key] = spelled;
        }
    }
    const sortedRegions = Object.fromEntries(Object.entries(regions).sort(([a], [b]) => (a < b ? -1 : 1)));
    return {
        cloud,
        data: {
            file: path.basename(file),
            changeNumber: content.changeNumber,
            regions: sortedRegions,
            tags: [...tags].sort(),
        },
    };
}

function main(files: string[]): void {
    const target = path.join(__dirname, "serviceTags.json");
    const data = JSON.parse(fs.readFileSync(target, "utf8")) as ServiceTagData;
    for (const file of files) {
        const { cloud, data: cloudData } = readServiceTagsFile(JSON.parse(fs.readFileSync(file, "utf8")), file);
        data[cloud] = cloudData;
        console.log(
            `${cloud}: ${cloudData.file}, change ${cloudData.changeNumber}, ${cloudData.tags.length} tags, ` +
                `${Object.keys(cloudData.regions).length} regions`,
        );
    }
    fs.writeFileSync(target, `${JSON.stringify(data, null, 1)}\n`);
}

if (require.main === module) {
    main(process.argv.slice(2));
}
