/**
 * Region names (ARM `location` form) per cloud. Used to validate `<region>` before it is written into
 * host names and service tags. A region newer than this list can be accepted explicitly with
 * `allowUnlistedRegion`.
 */
import { CloudName } from "./types";

export const REGIONS: Readonly<Record<CloudName, readonly string[]>> = {
    AzurePublic: [
        "australiacentral",
        "australiacentral2",
        "australiaeast",
        "australiasoutheast",
        "austriaeast",
        "belgiumcentral",
        "brazilsouth",
        "brazilsoutheast",
        "canadacentral",
        "canadaeast",
        "centralindia",
        "centralus",
        "chilecentral",
        "denmarkeast",
        "eastasia",
        "eastus",
        "eastus2",
        "francecentral",
        "francesouth",
        "germanynorth",
        "germanywestcentral",
        "indonesiacentral",
        "israelcentral",
        "italynorth",
        "japaneast",
        "japanwest",
        "jioindiacentral",
        "jioindiawest",
        "koreacentral",
        "koreasouth",
        "malaysiawest",
        "mexicocentral",
        "newzealandnorth",
        "northcentralus",
        "northeurope",
        "norwayeast",
        "norwaywest",
        "polandcentral",
        "qatarcentral",
        "southafricanorth",
        "southafricawest",
        "southcentralus",
        "southeastasia",
        "southindia",
        "spaincentral",
        "swedencentral",
        "swedensouth",
        "switzerlandnorth",
        "switzerlandwest",
        "uaecentral",
        "uaenorth",
        "uksouth",
        "ukwest",
        "westcentralus",
        "westeurope",
        "westindia",
        "westus",
        "westus2",
        "westus3",
    ],
    AzureUSGovernment: ["usdodcentral", "usdodeast", "usgovarizona", "usgovtexas", "usgovvirginia"],
    AzureChinaCloud: ["chinaeast", "chinaeast2", "chinaeast3", "chinanorth", "chinanorth2", "chinanorth3"],
};

/** The shape every region name has: lower-case letters and digits, starting with a letter. */
export const REGION_PATTERN = /^[a-z][a-z0-9]{2,39}$/;

const ALL_REGIONS: ReadonlySet<string> = new Set(Object.values(REGIONS).flat());

/** True when `name` is a known region of any cloud (case-insensitive). */
export function isKnownRegion(name: string): boolean {
    return ALL_REGIONS.has(name.toLowerCase());
}
