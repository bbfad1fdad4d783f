/** The policy pack as a user gets it: `npm pack` in policy/, unpacked and `npm install`ed alone in an empty folder. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const POLICY = path.join(__dirname, "..", "..", "policy");

/** Packs and installs the pack in a new temporary folder; returns the pack's folder and a clean-up. */
export function installPack(): { pack: string; remove: () => void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amlfw-policy-"));
    const tarball = execFileSync("npm", ["pack", "--pack-destination", dir], {
        cwd: POLICY,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
    })
        .trim()
        .split("\n")
        .pop()!;
    execFileSync("tar", ["xzf", path.join(dir, tarball), "-C", dir]);
    const pack = path.join(dir, "package");
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: pack, stdio: "ignore" });
    return { pack, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
