/**
 * Loaded first by `azureml-firewall/classic`: when a peer package the classic component needs is not
 * installed, fail with its name and the command that installs it, not a bare "Cannot find module".
 */
import * as path from "path";

/** The module each peer package is first loaded through. */
const ENTRY: Record<string, string> = {
    "@pulumi/pulumi": "@pulumi/pulumi",
    "@pulumi/azure": "@pulumi/azure/network/firewallPolicy",
};

function installed(entry: string): boolean {
    try {
        require.resolve(entry);
        return true;
    } catch {
        return false;
    }
}

/** The peer version ranges, as package.json declares them. */
function ranges(): Record<string, string> {
    // dist/components/classicPeers.js (built) or components/classicPeers.ts (ts-node): package.json is above.
    for (const up of ["..", "../.."]) {
        try {
            return require(path.join(__dirname, up, "package.json")).peerDependencies ?? {};
        } catch {
            // try the next level up
        }
    }
    return {};
}

const missing = Object.keys(ENTRY).filter((name) => !installed(ENTRY[name]));
if (missing.length) {
    const peers = ranges();
    const install = missing.map((name) => (peers[name] ? `${name}@"${peers[name]}"` : name)).join(" ");
    throw new Error(
        `azureml-firewall/classic needs ${missing.join(" and ")} (the classic component uses the @pulumi/azure ` +
            `provider), which ${missing.length > 1 ? "are" : "is"} not installed: npm install ${install}`,
    );
}
