// Lint: typescript-eslint's recommended rules over every TypeScript source, and lines of at most 120
// characters (Prettier wraps code at 120; this catches the strings and comments it cannot wrap).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    {
        ignores: [
            "node_modules/",
            "dist/",
            "policy/node_modules/",
            "policy/bin/",
            "examples/*/node_modules/",
            "test/bench/.data/",
        ],
    },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        rules: {
            "max-len": ["error", { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }],
            "@typescript-eslint/no-unused-vars": [
                "error",
                { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
            ],
            "@typescript-eslint/no-require-imports": "off",
        },
    },
    {
        // Tests read untyped JSON (CLI output, stack exports) and poke at internals.
        files: ["test/**/*.ts"],
        // They also match terminal output: colour escapes and runs of spaces, as printed.
        rules: { "@typescript-eslint/no-explicit-any": "off", "no-control-regex": "off", "no-regex-spaces": "off" },
    },
    {
        files: ["bin/*", "**/*.js", "**/*.mjs"],
        languageOptions: {
            globals: { require: "readonly", process: "readonly", module: "writable", __dirname: "readonly" },
        },
    },
);
