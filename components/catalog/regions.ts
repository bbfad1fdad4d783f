/**
 * Regions (ARM `location` form) per cloud and service-tag spelling, from Microsoft's Service Tags files
 * (`serviceTags.json`, written by `npm run catalog:service-tags`): a region is one that the cloud's file
 * names in a regional tag, and a tag exists in a cloud when its file lists it. A region newer than the
 * data can be accepted explicitly with `allowUnlistedRegion`.
 */
import data from "./serviceTags.json";
import type { CloudServiceTags, ServiceTagData } from "./serviceTagsImport";
import { Cloud } from "./types";

export const SERVICE_TAGS: Readonly<ServiceTagData> = data as ServiceTagData;

export const REGIONS: Readonly<Record<Cloud, readonly string[]>> = {
    AzurePublic: Object.keys(SERVICE_TAGS.AzurePublic.regions),
    AzureUSGovernment: Object.keys(SERVICE_TAGS.AzureUSGovernment.regions),
    AzureChinaCloud: Object.keys(SERVICE_TAGS.AzureChinaCloud.regions),
};

/** The shape every region name has: lower-case letters and digits, starting with a letter. */
export const REGION_PATTERN = /^[a-z][a-z0-9]{2,39}$/;

const ALL_REGIONS: ReadonlySet<string> = new Set(Object.values(REGIONS).flat());

/** True when `name` is a region that a Service Tags file of any cloud names (case-insensitive). */
export function isKnownRegion(name: string): boolean {
    return ALL_REGIONS.has(name.toLowerCase());
}

const spellings = new Map<Cloud, Map<string, string>>();

/** The cloud's tags by lower-cased name, built on first use. */
function tagIndex(cloud: Cloud): Map<string, string> {
    let index = spellings.get(cloud);
    if (!index) {
        index = new Map(SERVICE_TAGS[cloud].tags.map((tag) => [tag.toLowerCase(), tag]));
        spellings.set(cloud, index);
    }
    return index;
}

/** Microsoft's spelling of a tag in a cloud, or undefined when the cloud's Service Tags file has no such tag. */
export function tagSpelling(cloud: Cloud, tag: string): string | undefined {
    return tagIndex(cloud).get(tag.toLowerCase());
}

/** Which Service Tags file a cloud's data comes from, for messages: `ServiceTags_Public_20251028.json, change 375`. */
export function serviceTagSource(cloud: Cloud): string {
    const source: CloudServiceTags = SERVICE_TAGS[cloud];
    return `${source.file}, change ${source.changeNumber}`;
}
