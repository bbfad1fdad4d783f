/**
 * The components' arguments, declared once. The interfaces are the source: the plan's input type is
 * derived from them (`pulumi.Unwrap`), and `ARGUMENTS` (which the compiler holds to exactly their
 * members) gives each one's kind and mode, from which the stack config keys and the create-only checks
 * are derived. A test checks that the tables of docs/components.md name exactly these members.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Cloud, Scenario } from "./catalog/types";
import type { Configuration } from "./requirements";

/** SKU tier of a policy the component creates. */
export const SkuTier = {
    /** The default. */
    Standard: "Standard",
    /** Adds TLS inspection and IDPS; the rules are the same. */
    Premium: "Premium",
    /** Refused when the rules need DNS proxy (they do whenever a non-HTTP host is allowed by name). */
    Basic: "Basic",
} as const;
export type SkuTier = (typeof SkuTier)[keyof typeof SkuTier];

/** Threat intelligence mode of a policy the component creates. */
export const ThreatIntelMode = {
    /** Log traffic to and from known malicious addresses (Azure's default). */
    Alert: "Alert",
    /** Log and deny it. */
    Deny: "Deny",
    /** Do not check. */
    Off: "Off",
} as const;
export type ThreatIntelMode = (typeof ThreatIntelMode)[keyof typeof ThreatIntelMode];

/** One Azure ML workspace behind the policy. */
export interface AmlWorkspace {
    /** Workspace name: 3-33 letters, digits, `-` and `_`. Used in explanations and to tell workspaces apart. */
    name: pulumi.Input<string>;
    /** The workspace's default storage account (replaces `<storage>` in the doc's host names). */
    storageAccountName: pulumi.Input<string>;
    /** The workspace's region (replaces `<region>`). Defaults to the component's `region`. */
    region?: pulumi.Input<string>;
    /** Scenarios for this workspace only, added to the component's `scenarios`. */
    scenarios?: pulumi.Input<pulumi.Input<Scenario>[]>;
    /** Container registry name (`<acr>`), needed by the `kubernetes` scenario's registry hosts. */
    containerRegistryName?: pulumi.Input<string>;
    /** Workspace ID GUID (`<workspaceId>`), needed by the `kubernetes` scenario's workspace host. */
    workspaceId?: pulumi.Input<string>;
}

export interface AmlFirewallPolicyCommonArgs {
    /**
     * Name of the Azure ML workspace, for a single workspace. Give it with `storageAccountName`, or use
     * `workspaces` instead.
     */
    workspaceName?: pulumi.Input<string>;
    /** Default storage account of the single workspace: 3-24 lower-case letters and digits. */
    storageAccountName?: pulumi.Input<string>;
    /**
     * Several workspaces behind one policy. Shared hosts are allowed once; each workspace's storage
     * hosts (and regional tags) are added for it. Mutually exclusive with `workspaceName`.
     */
    workspaces?: pulumi.Input<pulumi.Input<AmlWorkspace>[]>;
    /** Region of the workspace(s), ARM form (`westeurope`); also the location of a created policy. */
    region: pulumi.Input<string>;
    /**
     * Cloud: `AzurePublic`, `AzureUSGovernment` or `AzureChinaCloud`. Default: the provider's `environment`
     * config, else Azure public. Stack config (and untyped callers) may also write `public`, `usgovernment`,
     * `china` or `AzureCloud`.
     */
    cloud?: pulumi.Input<Cloud>;
    /**
     * Resource group of the firewall policy (created or existing); with the classic
     * `existingFirewallPolicyId`, the resource group in that ID.
     */
    resourceGroupName: pulumi.Input<string>;
    /** IPv4 CIDRs, addresses or ranges of the Azure ML compute subnets. At least one source or IP group. */
    sourceAddresses?: pulumi.Input<pulumi.Input<string>[]>;
    /** Resource IDs of IP groups holding the compute subnets. */
    sourceIpGroups?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Optional scenarios of the doc, for every workspace: `automl`, `hbi`, `monitoring`, `python`, `r`,
     * `rstudio`, `posit-workbench`, `vscode`, `huggingface`, `kubernetes`, and the Kubernetes egress the doc
     * links to: `arc`, `arc-cluster-connect`, `aks-extension`, `aks-extension-marketplace`, `aks-inference`.
     */
    scenarios?: pulumi.Input<pulumi.Input<Scenario>[]>;
    /**
     * `full` (default): the doc's configuration, service-tag rules and host rules. `leastPrivilege`: host
     * rules, with a service tag only where no host rule can express a row.
     */
    configuration?: pulumi.Input<Configuration>;
    /**
     * Priority of the rule collection group: a whole number from 100 to 65000. Default 1000. Give each
     * group on one policy its own priority: Azure does not document the order of equal priorities.
     */
    priority?: pulumi.Input<number>;
    /**
     * Name of the rule collection group, 2-80 letters, digits, `_`, `.` or `-` (written lower-case).
     * Default: derived from the component name.
     */
    ruleCollectionGroupName?: pulumi.Input<string>;
    /**
     * Attach mode (required there): whether the existing policy has DNS proxy on. If false, non-HTTP
     * hosts are allowed through the service tags that carry them instead of network FQDN rules.
     */
    existingPolicyDnsProxyEnabled?: pulumi.Input<boolean>;
    /**
     * Create mode: name of the new policy, 2-80 letters, digits, `_`, `.` or `-` (written lower-case).
     * Default: derived from the component name, `<name>-policy`.
     */
    firewallPolicyName?: pulumi.Input<string>;
    /** Create mode: location of the new policy. Default: `region`; required with `basePolicyId`. */
    location?: pulumi.Input<string>;
    /** Create mode: `Standard` (default), `Premium` or `Basic` (refused when the rules need DNS proxy). */
    skuTier?: pulumi.Input<SkuTier>;
    /**
     * Create mode: resource ID of a base (parent) policy. Azure requires the parent in the same region:
     * give `location` with it. A child may only make threat intelligence stricter, so `Off` is refused.
     */
    basePolicyId?: pulumi.Input<string>;
    /**
     * Create mode: threat intelligence mode, `Alert`, `Deny` or `Off`. Default `Alert` (what Azure sets).
     * A Basic policy allows only `Alert`.
     */
    threatIntelMode?: pulumi.Input<ThreatIntelMode>;
    /**
     * Create mode: tags of the new policy. Keys are written lower-case, as Azure stores a firewall policy's
     * tag keys; set here the tags your tenant's Azure Policy requires, so that it does not add them behind
     * the provider's back.
     */
    tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    /** Accept `*` or `0.0.0.0/0` as a source. Off by default. */
    allowAnySource?: pulumi.Input<boolean>;
    /** Accept a well-formed region missing from the built-in list. Off by default. */
    allowUnlistedRegion?: pulumi.Input<boolean>;
}

/** Arguments of `AmlFirewallPolicy` (azure-native). */
export interface AmlFirewallPolicyArgs extends AmlFirewallPolicyCommonArgs {
    /**
     * Attach to this existing firewall policy (in `resourceGroupName`) instead of creating one. Then
     * `existingPolicyDnsProxyEnabled` is required, and the create-only arguments must be left out.
     */
    existingFirewallPolicyName?: pulumi.Input<string>;
}

/** Arguments of `AmlFirewallPolicyClassic` (`@pulumi/azure`). */
export interface AmlFirewallPolicyClassicArgs extends AmlFirewallPolicyCommonArgs {
    /**
     * Attach to this existing firewall policy (its resource ID) instead of creating one. Then
     * `existingPolicyDnsProxyEnabled` is required, and the create-only arguments must be left out.
     */
    existingFirewallPolicyId?: pulumi.Input<string>;
}

/** How an argument is written in stack config: its value's type. */
export type ArgumentKind = "string" | "string[]" | "number" | "boolean" | "workspaces" | "tags";

interface ArgumentSpec {
    kind: ArgumentKind;
    required?: true;
    /** `create`: only when the component creates the policy; `attach`: names the policy to attach to. */
    mode?: "create" | "attach";
}

type AllArguments = Required<AmlFirewallPolicyArgs & AmlFirewallPolicyClassicArgs>;

/** Every argument of either component, once. The compiler rejects a missing or an extra member. */
export const ARGUMENTS = {
    workspaceName: { kind: "string" },
    storageAccountName: { kind: "string" },
    workspaces: { kind: "workspaces" },
    region: { kind: "string", required: true },
    cloud: { kind: "string" },
    resourceGroupName: { kind: "string", required: true },
    sourceAddresses: { kind: "string[]" },
    sourceIpGroups: { kind: "string[]" },
    scenarios: { kind: "string[]" },
    configuration: { kind: "string" },
    priority: { kind: "number" },
    ruleCollectionGroupName: { kind: "string" },
    existingFirewallPolicyName: { kind: "string", mode: "attach" },
    existingFirewallPolicyId: { kind: "string", mode: "attach" },
    existingPolicyDnsProxyEnabled: { kind: "boolean" },
    firewallPolicyName: { kind: "string", mode: "create" },
    location: { kind: "string", mode: "create" },
    skuTier: { kind: "string", mode: "create" },
    basePolicyId: { kind: "string", mode: "create" },
    threatIntelMode: { kind: "string", mode: "create" },
    tags: { kind: "tags", mode: "create" },
    allowAnySource: { kind: "boolean" },
    allowUnlistedRegion: { kind: "boolean" },
} as const satisfies { [K in keyof AllArguments]: ArgumentSpec };

export type ArgumentName = keyof typeof ARGUMENTS;

type Specs = typeof ARGUMENTS;
type KeysWhere<Condition> = { [K in ArgumentName]: Specs[K] extends Condition ? K : never }[ArgumentName];

/** Arguments that name the policy to attach to. */
export type AttachArgument = KeysWhere<{ mode: "attach" }>;

function namesWhere(test: (spec: ArgumentSpec) => boolean): ArgumentName[] {
    return (Object.keys(ARGUMENTS) as ArgumentName[]).filter((name) => test(ARGUMENTS[name] as ArgumentSpec));
}

export const CREATE_ONLY = namesWhere((spec) => spec.mode === "create") as (keyof AmlFirewallPolicyCommonArgs)[];
export const ATTACH_ARGUMENTS = namesWhere((spec) => spec.mode === "attach") as AttachArgument[];

/**
 * Arguments that no longer exist, with why. Given anyway (stack config, untyped callers), they are an
 * error that says so, never ignored.
 */
export const REMOVED_ARGUMENTS: Readonly<Record<string, string>> = {
    allowIpv6Sources:
        "removed: Azure Firewall does not support IPv6 (azure-docs articles/firewall/firewall-known-issues.md, " +
        "'IPv6 not supported'), so IPv6 sources are always refused; give the compute subnets' IPv4 CIDRs.",
};
