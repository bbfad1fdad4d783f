/**
 * Shapes of the host catalog. The catalog is data: one list of rows per cloud, each row traced to
 * the section of Microsoft's "Configure inbound and outbound network traffic" article it came from.
 */

/*
 * Enumerations are `as const` objects with a type of the same name: TypeScript code can write the
 * literal (`"AzurePublic"`) or the member (`Cloud.AzurePublic`), and the Pulumi schema analyzer turns
 * each into a schema enum (member names from the keys, descriptions from the doc comments).
 */

/** An Azure cloud, by the canonical name the Azure ML doc and Azure's environments use. */
export const Cloud = {
    /** Azure public cloud (also accepted in config as `public` or `AzureCloud`). */
    AzurePublic: "AzurePublic",
    /** Azure Government (also `usgovernment`). */
    AzureUSGovernment: "AzureUSGovernment",
    /** Azure operated by 21Vianet in China (also `china`). */
    AzureChinaCloud: "AzureChinaCloud",
} as const;
export type Cloud = (typeof Cloud)[keyof typeof Cloud];

/** An optional scenario of the doc: rows that only some workloads need. */
export const Scenario = {
    /** Automated ML: its resources and Front Door hosts. */
    Automl: "automl",
    /** Workspaces created with the high-business-impact (hbi_workspace) flag. */
    Hbi: "hbi",
    /** Azure Monitor and Application Insights. */
    Monitoring: "monitoring",
    /** Python packages from PyPI and Anaconda. */
    Python: "python",
    /** R packages from CRAN. */
    R: "r",
    /** RStudio as a custom application on a compute instance: its Docker image hosts. */
    Rstudio: "rstudio",
    /** Posit Workbench (bring your own licence) on a compute instance: online licence activation. */
    PositWorkbench: "posit-workbench",
    /** Visual Studio Code remote connections (Azure public only). */
    Vscode: "vscode",
    /** Hugging Face models. */
    Huggingface: "huggingface",
    /** Kubernetes compute: the Azure ML extension on AKS or Arc (Azure public only). */
    Kubernetes: "kubernetes",
    /** Azure Arc-enabled Kubernetes agents (Azure public only). */
    Arc: "arc",
    /** Arc Cluster Connect, an optional Arc feature (Azure public only). */
    ArcClusterConnect: "arc-cluster-connect",
    /** AKS cluster extensions (Azure public only). */
    AksExtension: "aks-extension",
    /** AKS cluster extensions from the Azure Marketplace, optional (Azure public only). */
    AksExtensionMarketplace: "aks-extension-marketplace",
    /** Inference routing on Kubernetes compute, azureml-fe (Azure public only). */
    AksInference: "aks-inference",
} as const;
export type Scenario = (typeof Scenario)[keyof typeof Scenario];

/**
 * What a requirement or catalog row belongs to: `core` (every workspace needs it) or an optional
 * scenario. Spelled out in full because the schema analyzer reads only literal members; the compiler
 * holds it to exactly `Scenario` plus `Core` (see `SCENARIO_OR_CORE_CHECK`).
 */
export const RequirementScenario = {
    /** Every workspace needs it. */
    Core: "core",
    Automl: "automl",
    Hbi: "hbi",
    Monitoring: "monitoring",
    Python: "python",
    R: "r",
    Rstudio: "rstudio",
    PositWorkbench: "posit-workbench",
    Vscode: "vscode",
    Huggingface: "huggingface",
    Kubernetes: "kubernetes",
    Arc: "arc",
    ArcClusterConnect: "arc-cluster-connect",
    AksExtension: "aks-extension",
    AksExtensionMarketplace: "aks-extension-marketplace",
    AksInference: "aks-inference",
} as const;
export type RequirementScenario = (typeof RequirementScenario)[keyof typeof RequirementScenario];

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Fails to compile when `RequirementScenario` is not exactly `Scenario` plus `Core`. */
export const SCENARIO_OR_CORE_CHECK: Same<typeof RequirementScenario, typeof Scenario & { readonly Core: "core" }> =
    true;

/** What a destination names. */
export const DestinationKind = {
    /** A host name (possibly a `*.` wildcard). */
    Fqdn: "fqdn",
    /** An Azure service tag. */
    ServiceTag: "serviceTag",
} as const;
export type DestinationKind = (typeof DestinationKind)[keyof typeof DestinationKind];

/** Transport protocol of a requirement. `Any` means TCP and UDP, each checked on its own. */
export const Protocol = {
    /** TCP only. */
    Tcp: "TCP",
    /** UDP only. */
    Udp: "UDP",
    /** TCP and UDP. */
    Any: "Any",
} as const;
export type Protocol = (typeof Protocol)[keyof typeof Protocol];

/** Inputs that a placeholder in a row can need beyond storage account and region. */
export type ExtraPlaceholder = "containerRegistryName" | "workspaceId";

export interface CatalogRow {
    /** Stable identifier of the row, unique within its cloud. */
    id: string;
    /**
     * The destination as the doc means it, with `<storage>`, `<region>`, `<acr>` and `<workspaceId>`
     * placeholders still in place. Where the doc misspells it, this is the corrected form and
     * `asWritten` holds the doc's text.
     */
    destination: string;
    kind: DestinationKind;
    protocol: Protocol;
    ports: number[];
    scenario: RequirementScenario;
    /** Section of the doc the row comes from (a key of `DOC_SECTIONS`). */
    section: string;
    /** What the traffic is for, in this project's words. */
    purpose: string;
    /** For FQDN rows: service tags whose network rules also carry this host (placeholders allowed). */
    serviceTags?: string[];
    /** The doc's own spelling, when the destination had to be corrected. */
    asWritten?: string;
    /** Why the doc's text was changed (misspelled tag, URL reduced to its host, ...). */
    correction?: string;
    /** Set when the row cannot be expressed in Azure Firewall at all; the reason. */
    notApplicable?: string;
    /** Set for a row the linked doc marks optional (a feature you may not use); what needs it. */
    optional?: string;
}

/** A sentence from the doc that the catalog deliberately does not turn into a rule, and why. */
export interface CatalogNote {
    section: string;
    scenario: RequirementScenario;
    /** Clouds the note applies to; all when absent. */
    clouds?: Cloud[];
    text: string;
    /** Doc sections whose table rows this note explains in its clouds (for `catalog check`). */
    explainsSections?: string[];
    /** Doc destinations this note explains (they are not rules), for `catalog check`. */
    destinations?: string[];
}

export interface DocSource {
    repository: string;
    path: string;
    commit: string;
    /** The article's `ms.date`, ISO form. */
    msDate: string;
}
