import { InputError } from "./errors";
import { Cloud } from "./catalog/types";
import { didYouMean } from "./suggest";

export const CLOUD_NAMES: readonly Cloud[] = Object.values(Cloud);

const ALIASES: Readonly<Record<string, Cloud>> = {
    azurepublic: "AzurePublic",
    public: "AzurePublic",
    azurecloud: "AzurePublic",
    azureusgovernment: "AzureUSGovernment",
    usgovernment: "AzureUSGovernment",
    azurechinacloud: "AzureChinaCloud",
    china: "AzureChinaCloud",
};

/**
 * Reads a cloud name: the canonical names, and the provider spellings `public`, `usgovernment`,
 * `china` and `AzureCloud`, case-insensitively.
 */
export function parseCloud(value: unknown, argument = "cloud"): Cloud {
    const cloud = typeof value === "string" ? ALIASES[value.trim().toLowerCase()] : undefined;
    if (!cloud) {
        throw new InputError(
            argument,
            value,
            "use AzurePublic, AzureUSGovernment or AzureChinaCloud (or public, usgovernment, china, AzureCloud)." +
                didYouMean(value, [...CLOUD_NAMES, "public", "usgovernment", "china", "AzureCloud"]),
        );
    }
    return cloud;
}
