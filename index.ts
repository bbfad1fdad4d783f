/**
 * Entry point of the Pulumi plugin (`PulumiPlugin.yaml`) that serves both components to every Pulumi
 * language. The Node plugin host loads this file from the sources (through ts-node) and the SDK's
 * analyzer infers the package schema from the classes' TypeScript types, so what runs and what the
 * schema says come from the same files. npm users import `azureml-firewall` and
 * `azureml-firewall/classic` (the compiled `dist/`) instead.
 */
export { AmlFirewallPolicy } from "./components/amlFirewallPolicy";
export { AmlFirewallPolicyClassic } from "./components/classic";
