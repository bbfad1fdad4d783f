/** An input or usage problem: printed as one line on stderr, exit code 2. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** `plan` without one of the Pulumi SDKs it runs: the one line that names what to install. */
export function missingPeer(name: string): UsageError {
    return new UsageError(
        `plan needs ${name}: install @pulumi/pulumi, @pulumi/azure-native and @pulumi/policy beside ` +
            `azureml-firewall (npm install @pulumi/pulumi @pulumi/azure-native @pulumi/policy)`,
    );
}

/**
 * Runs `run`, turning an error of one of `kinds` (a reader's own error type: the input is not what the
 * command reads) into a usage error with the same message; anything else is left as it is.
 */
export function asUsageError<T>(run: () => T, ...kinds: (new (...args: never[]) => Error)[]): T {
    try {
        return run();
    } catch (error) {
        if (kinds.some((kind) => error instanceof kind)) {
            throw new UsageError((error as Error).message);
        }
        throw error;
    }
}
