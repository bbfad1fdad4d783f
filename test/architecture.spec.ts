/** Rules of the code base that keep one thing declared once: type tokens, arguments, the semantics page. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ARGUMENTS } from "../components/args";
import { TYPES } from "../components/firewall/tokens";
import { STACK_CONFIG_KEYS } from "../stacks/config";
import { policies } from "../policy/policies";
import { SCENARIO_NAMES, scenariosOffered } from "../components/requirements";

const ROOT = path.join(__dirname, "..");
const SOURCE_DIRS = ["components", "cli", "stacks", "policy", "examples", "bin"];

function sourceFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            return entry.name === "node_modules" || full === path.join(ROOT, "policy", "bin") ? [] : sourceFiles(full);
        }
        return /\.(ts|js)$/.test(entry.name) || dir.endsWith("bin") ? [full] : [];
    });
}

/** The cells of the rows of the Markdown table whose header line starts with `header`. */
function tableRows(text: string, header: string): string[][] {
    const lines = text.split("\n");
    const start = lines.findIndex((l) => l.startsWith(header));
    assert.ok(start >= 0, `no table ${header}`);
    const rows = lines.slice(start + 2);
    return rows
        .slice(
            0,
            rows.findIndex((l) => !l.startsWith("|")),
        )
        .map((row) =>
            row
                .split("|")
                .slice(1, -1)
                .map((c) => c.trim()),
        );
}

/** The names in backticks in the first column of the table that follows `heading` in the README. */
function tableNames(readme: string, heading: string): string[] {
    const start = readme.indexOf(heading);
    assert.ok(start >= 0, `README has no ${heading}`);
    const lines = readme.slice(start).split("\n").slice(1);
    const table = lines.slice(lines.findIndex((l) => l.startsWith("|")));
    const rows = table
        .slice(
            0,
            table.findIndex((l) => !l.startsWith("|")),
        )
        .slice(2);
    return rows.flatMap((row) => [...row.split("|")[1].matchAll(/`([A-Za-z0-9]+)`/g)].map((m) => m[1]));
}

describe("one declaration per fact", () => {
    const files = SOURCE_DIRS.flatMap((dir) => sourceFiles(path.join(ROOT, dir)));

    it("spells each Pulumi type token in exactly one non-test source file", () => {
        for (const token of Object.values(TYPES)) {
            const holders = files.filter((file) => fs.readFileSync(file, "utf8").includes(`"${token}"`));
            assert.deepStrictEqual(
                holders.map((f) => path.relative(ROOT, f)),
                ["components/firewall/tokens.ts"],
                token,
            );
        }
    });

    it("documents exactly the components' arguments and the stack config keys in docs/components.md", () => {
        const readme = fs.readFileSync(path.join(ROOT, "docs", "components.md"), "utf8");
        const native = Object.keys(ARGUMENTS).filter((name) => name !== "existingFirewallPolicyId");
        assert.deepStrictEqual(tableNames(readme, "### Arguments (`AmlFirewallPolicyArgs`)").sort(), native.sort());
        assert.match(readme.slice(readme.indexOf("### The classic provider")), /`existingFirewallPolicyId`/);
        assert.deepStrictEqual(
            tableNames(readme, "## The stack program and its config").sort(),
            Object.keys(STACK_CONFIG_KEYS).sort(),
        );
    });

    it("cites the semantics in docs/, never a file outside the repository", () => {
        assert.ok(fs.existsSync(path.join(ROOT, "docs", "coverage-semantics.md")));
        assert.ok(fs.existsSync(path.join(ROOT, "docs", "architecture.md")));
        const outside = [...files, ...sourceFiles(path.join(ROOT, "test"))].filter((file) =>
            /\.\.\/shared\b/.test(fs.readFileSync(file, "utf8")),
        );
        assert.deepStrictEqual(outside, []);
    });

    it("parses rule ports and reads raw rules only in components/firewall", () => {
        const outside = files.filter((f) => !f.startsWith(path.join(ROOT, "components", "firewall") + path.sep));
        // A port range parser: a number, a dash, a number (the catalog's drift check reads single port
        // numbers out of the doc's table text, which is not a rule).
        const rangeParser = /\(\\d(?:\{1,5\}|\+)\)\(\?:?-?\(?\\d|\(\\d(?:\{1,5\}|\+)\)-\(\\d/;
        assert.deepStrictEqual(
            outside.filter((f) => rangeParser.test(fs.readFileSync(f, "utf8"))).map((f) => path.relative(ROOT, f)),
            [],
        );
        // Raw rules (REST/azurerm field names, as given) are a type of components/firewall only; the rest
        // reads the normal forms (FirewallRule, NormalRule) or passes raw groups through.
        assert.deepStrictEqual(
            outside.filter((f) => /\bRawRule\b/.test(fs.readFileSync(f, "utf8"))).map((f) => path.relative(ROOT, f)),
            [],
        );
        const liveRange = "const m = /^(\\d+)(?:-(\\d+))?$/.exec(p);";
        assert.ok(rangeParser.test(liveRange), "the check finds a range parser");
    });

    it("has one spec per policy module, named after it", () => {
        const modules = fs
            .readdirSync(path.join(ROOT, "policy", "policies"))
            .filter((f) => f.endsWith(".ts") && !["index.ts", "common.ts", "config.ts"].includes(f))
            .map((f) => f.replace(/\.ts$/, ""));
        const specs = fs.readdirSync(path.join(ROOT, "test", "policies")).map((f) => f.replace(/\.spec\.ts$/, ""));
        assert.deepStrictEqual(
            modules.filter((m) => !specs.includes(m)),
            [],
        );
    });

    it("documents exactly the pack's policies, kinds and default levels in docs/policy-pack.md", () => {
        const doc = fs.readFileSync(path.join(ROOT, "docs", "policy-pack.md"), "utf8");
        const rows = tableRows(doc, "| Policy | Kind | Default level |");
        assert.deepStrictEqual(
            rows.map((r) => [r[0].replace(/`/g, ""), r[1], r[2]]).sort(),
            policies
                .map((p) => [p.name, "validateStack" in p ? "stack" : "resource", p.enforcementLevel ?? "advisory"])
                .sort(),
        );
    });

    it("lists exactly the catalog's scenarios, with the clouds that offer each, in docs/catalog.md", () => {
        const doc = fs.readFileSync(path.join(ROOT, "docs", "catalog.md"), "utf8");
        const rows = tableRows(doc, "| Scenario | Clouds | What it opens |");
        const clouds = ["AzurePublic", "AzureUSGovernment", "AzureChinaCloud"] as const;
        assert.deepStrictEqual(
            rows.map((r) => [r[0].replace(/`/g, ""), r[1]]),
            SCENARIO_NAMES.map((s) => [s, clouds.filter((c) => scenariosOffered(c).includes(s)).join(", ")]),
        );
    });

    it("keeps the front page short and links every page of docs/", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        assert.ok(readme.split("\n").length <= 120, `${readme.split("\n").length} lines`);
        for (const page of fs.readdirSync(path.join(ROOT, "docs"))) {
            assert.ok(readme.includes(`](docs/${page})`), page);
        }
    });
});
