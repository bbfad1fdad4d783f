/**
 * Shapes of the host catalog. The catalog is data: one list of rows per cloud, each row traced to
 * the section of Microsoft's "Configure inbound and outbound network traffic" article it came from.
 */

/** The three Azure clouds the Azure ML doc covers, by their canonical names. */
export type CloudName = "AzurePublic" | "AzureUSGovernment" | "AzureChinaCloud";

/** Optional scenarios of the doc. Rows that no scenario gates are `core`. */
export type ScenarioName =
    | "automl"
    | "hbi"
    | "monitoring"
    | "python"
    | "r"
    | "rstudio"
    | "vscode"
    | "huggingface"
    | "kubernetes"
    | "arc"
    | "arc-cluster-connect"
    | "aks-extension"
    | "aks-extension-marketplace"
    | "aks-inference";

export type RowScenario = ScenarioName | "core";

export type DestinationKind = "fqdn" | "serviceTag";

/** `Any` means TCP and UDP, each checked on its own. */
export type Protocol = "TCP" | "UDP" | "Any";

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
    scenario: RowScenario;
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
    scenario: RowScenario;
    /** Clouds the note applies to; all when absent. */
    clouds?: CloudName[];
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
