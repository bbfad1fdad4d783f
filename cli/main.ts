/** CLI entry point (placeholder until the CLI issue lands). */
export function main(_argv: string[]): void {
    process.stderr.write("azureml-firewall: the CLI is not implemented yet\n");
    process.exitCode = 2;
}
