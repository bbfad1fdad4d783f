/**
 * The one error type of the pure core. It names the argument, the value and what would be valid, so
 * that the component (as a `pulumi.ResourceError`), the CLI (as one stderr line) and the policy pack
 * can all show it as it is.
 */
export class InputError extends Error {
    constructor(
        /** The argument or flag, e.g. `storageAccountName` or `workspaces[1].region`. */
        readonly argument: string,
        /** The offending value as given. */
        readonly value: unknown,
        /** What would be valid, as a sentence fragment. */
        readonly expected: string,
    ) {
        super(`${argument}: ${describe(value)} is not valid; ${expected}`);
        this.name = "InputError";
    }

    /**
     * The same message under another name for the argument (a CLI flag, say); `rename` also renames the
     * other arguments the explanation mentions (`allowUnlistedRegion` -> `--allow-unlisted-region`).
     */
    as(argument: string, rename: Readonly<Record<string, string>> = {}): string {
        const expected = Object.entries(rename).reduce(
            (text, [name, flag]) => text.split(name).join(flag),
            this.expected,
        );
        return `${argument}: ${describe(this.value)} is not valid; ${expected}`;
    }
}

export function describe(value: unknown): string {
    if (value === undefined) {
        return "(missing)";
    }
    if (typeof value === "string") {
        return JSON.stringify(value);
    }
    try {
        return JSON.stringify(value) ?? String(value);
    } catch {
        return String(value);
    }
}
