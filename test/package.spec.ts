import * as assert from "assert";
import { execFileSync } from "child_process";
import * as path from "path";

const ROOT = path.join(__dirname, "..");

describe("npm package", function () {
    this.timeout(120000);

    it("ships compiled JavaScript and declarations, with Pulumi SDKs as peer dependencies", () => {
        const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
        const [info] = JSON.parse(out);
        const files: string[] = info.files.map((f: { path: string }) => f.path);
        for (const file of ["dist/components/index.js", "dist/components/index.d.ts", "dist/components/amlFirewallPolicy.js",
            "dist/components/amlFirewallPolicy.d.ts", "dist/components/catalog/data.js", "bin/azureml-firewall", "package.json", "README.md"]) {
            assert.ok(files.includes(file), `package lacks ${file}`);
        }
        assert.strictEqual(files.some((f) => f.startsWith("test/") || f.endsWith(".ts") && !f.endsWith(".d.ts")), false);
        const pkg = require(path.join(ROOT, "package.json"));
        assert.deepStrictEqual(Object.keys(pkg.peerDependencies).sort(), ["@pulumi/azure", "@pulumi/azure-native", "@pulumi/pulumi"]);
        assert.deepStrictEqual(pkg.peerDependenciesMeta, { "@pulumi/azure": { optional: true } });
        assert.ok(files.includes("dist/components/classic.js") && files.includes("dist/components/classic.d.ts"));
        for (const name of Object.keys(pkg.peerDependencies)) {
            assert.strictEqual(pkg.dependencies[name], undefined, `${name} must not also be a dependency`);
        }
        assert.match(pkg.devDependencies.typescript, /^[~^]?5\./);
    });

    it("serves the classic component from the azureml-firewall/classic sub-path, and the root never loads @pulumi/azure", () => {
        const script = [
            "const root = require('azureml-firewall');",
            "const loaded = () => Object.keys(require.cache).some((k) => k.includes('/node_modules/@pulumi/azure/'));",
            "const before = loaded();",
            "const classic = require('azureml-firewall/classic');",
            "console.log(JSON.stringify({ root: typeof root.AmlFirewallPolicy, classic: typeof classic.AmlFirewallPolicyClassic, before, after: loaded() }));",
        ].join("\n");
        const out = execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
        assert.deepStrictEqual(JSON.parse(out), { root: "function", classic: "function", before: false, after: true });
    });

    it("exports the component and the pure functions from the package root", () => {
        const root = require(path.join(ROOT, "dist", "components", "index.js"));
        for (const name of ["AmlFirewallPolicy", "resolveRequirements", "planRules", "planPolicy", "parseCloud", "CATALOG", "validateSources"]) {
            assert.ok(root[name] !== undefined, `root export lacks ${name}`);
        }
    });
});
