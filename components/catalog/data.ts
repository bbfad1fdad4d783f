/**
 * The Azure ML egress catalog, keyed by cloud.
 *
 * Source of truth: MicrosoftDocs/azure-ai-docs, articles/machine-learning/how-to-access-azureml-behind-firewall.md
 * (see `CATALOG_SOURCES`). Every row names the section it came from; corrections of the doc are made
 * here, in data, with the doc's own spelling kept in `asWritten` and the reason in `correction`.
 *
 * Placeholders: `<storage>` (the workspace's default storage account), `<region>` (the workspace's
 * region), `<acr>` (the workspace's container registry), `<workspaceId>` (the workspace's GUID).
 */
import { CatalogNote, CatalogRow, Cloud, DocSource, Protocol, RequirementScenario } from "./types";

export const CATALOG_SOURCES: DocSource[] = [
    {
        repository: "MicrosoftDocs/azure-ai-docs",
        path: "articles/machine-learning/how-to-access-azureml-behind-firewall.md",
        commit: "00bb5540c93f4bf3d1d78fe21e36c6dbc2930026",
        msDate: "2026-03-19",
    },
    {
        repository: "MicrosoftDocs/azure-ai-docs",
        path: "articles/machine-learning/includes/recommended-network-outbound.md",
        commit: "b5ff1690655bd786e426a3e13cc21b64991f49a1",
        msDate: "2025-02-10",
    },
    {
        repository: "MicrosoftDocs/azure-ai-docs",
        path: "articles/machine-learning/how-to-managed-network.md",
        commit: "050f1826a81fc90c310be2d8916739ae500a525c",
        msDate: "2024-08-29",
    },
    {
        repository: "MicrosoftDocs/azure-management-docs",
        path: "articles/azure-arc/kubernetes/includes/network-requirements-azure-cloud.md",
        commit: "02fc84be7392fcbc42f37864b7d05af23b04077a",
        msDate: "2025-04-15",
    },
    {
        repository: "MicrosoftDocs/azure-aks-docs",
        path: "articles/aks/outbound-rules-control-egress.md",
        commit: "126786f03e562aca0dde65db199893cb8f04a5a1",
        msDate: "2024-12-11",
    },
    {
        repository: "MicrosoftDocs/azure-ai-docs",
        path: "articles/machine-learning/how-to-kubernetes-inference-routing-azureml-fe.md",
        commit: "6a1bc700f3de85dbd4d86123276a87cbf5a3080b",
        msDate: "2024-02-05",
    },
    {
        repository: "MicrosoftDocs/azure-ai-docs",
        path: "articles/machine-learning/how-to-prevent-data-loss-exfiltration.md",
        commit: "09e854d15e4f504a5a49fe476b1c686966bf997d",
        msDate: "2024-01-31",
    },
    {
        repository: "MicrosoftDocs/azure-ai-docs",
        path: "articles/machine-learning/includes/machine-learning-public-internet-access.md",
        commit: "6a1bc700f3de85dbd4d86123276a87cbf5a3080b",
        msDate: "2025-02-10",
    },
    {
        repository: "MicrosoftDocs/azure-ai-docs",
        path: "articles/machine-learning/how-to-create-compute-instance.md",
        commit: "0eea71caf55c6e7bdbfa9b0b3664288200817f6d",
        msDate: "2024-08-21",
    },
    {
        repository: "MicrosoftDocs/azure-ai-docs",
        path: "articles/machine-learning/includes/machine-learning-private-link-ports.md",
        commit: "eca7251b8eaae4862d012e0868ee4ae213cc5ce4",
        msDate: "2022-09-13",
    },
    {
        repository: "MicrosoftDocs/azure-docs",
        path: "articles/azure-monitor/app/custom-endpoints.md",
        commit: "012d58036329313799fae85448fd9ebac6000dd4",
        msDate: "2019-06-10",
    },
    {
        repository: "MicrosoftDocs/azure-ai-docs",
        path: "articles/machine-learning/reference-machine-learning-cloud-parity.md",
        commit: "21fa35235e4e72ad18d06e7dac66c180505cc27a",
        msDate: "2025-02-28",
    },
];

/** Doc sections, by the key rows use. Values are the headings as they appear in the doc. */
export const DOC_SECTIONS = {
    serviceTags: "Basic configuration > Outbound traffic",
    recommended: "Recommended configuration for training and deploying models > Outbound traffic",
    pythonPackages:
        "Recommended configuration for training and deploying models > Python packages " +
        "(includes/recommended-network-outbound.md)",
    rstudio: "Scenario: Install RStudio on compute instance",
    posit:
        "how-to-create-compute-instance.md > Add custom applications such as RStudio or Posit Workbench > Setup " +
        "Posit Workbench (formerly RStudio Workbench) (includes/machine-learning-private-link-ports.md)",
    storageFirewall: "Scenario: Firewall between Azure Machine Learning and Azure Storage endpoints",
    hbi: "Scenario: Workspace created with the hbi_workspace flag enabled",
    kubernetes: "Scenario: Use Kubernetes compute",
    vscode: "Scenario: Visual Studio Code > Hosts",
    vscodePorts: "Scenario: Visual Studio Code > Ports",
    inbound: "Basic configuration > Inbound traffic",
    generalHosts: "Microsoft hosts > General Azure hosts",
    amlHosts: "Microsoft hosts > Azure Machine Learning hosts",
    computeHosts: "Microsoft hosts > Azure Machine Learning compute instance and compute cluster hosts",
    dockerHosts: "Microsoft hosts > Docker images maintained by Azure Machine Learning",
    monitoringHosts: "Microsoft hosts > Monitoring, metrics, and diagnostics",
    huggingface: "how-to-managed-network.md > Scenario: Use HuggingFace models",
    parity: "reference-machine-learning-cloud-parity.md > Azure Machine Learning Features",
    arc: "network-requirements-azure-cloud.md > Azure Arc agents' outbound URLs",
    aksExtensions: "outbound-rules-control-egress.md > Cluster extensions > Required FQDN / application rules",
    aksInference: "how-to-kubernetes-inference-routing-azureml-fe.md > Overall DNS resolution requirements",
    appInsightsEndpoints: "custom-endpoints.md > Regions that require endpoint modification",
    publicInternet:
        "Required public internet access (includes/machine-learning-public-internet-access.md) > Visual Studio Code " +
        "and non-Microsoft sites",
    exfiltration:
        "how-to-prevent-data-loss-exfiltration.md > Azure Machine Learning data exfiltration prevention > Outbound",
} as const;

type SectionKey = keyof typeof DOC_SECTIONS;

/**
 * The files a row's section cites: the article it names (`other-article.md > ...`) and the include it
 * names (`(includes/file.md)`). A section that names neither is the firewall article's own.
 */
export function citedFiles(section: string): { article?: string; include?: string } {
    return {
        article: /^([\w-]+\.md) > /.exec(section)?.[1],
        include: /\(includes\/([^)]+)\)/.exec(section)?.[1],
    };
}

/** The recorded sources a section cites, in `CATALOG_SOURCES` order (the firewall article for its own sections). */
export function sectionSources(section: string): DocSource[] {
    const { article, include } = citedFiles(section);
    const files = article || include ? [article, include] : [CATALOG_SOURCES[0].path.split("/").pop()];
    return CATALOG_SOURCES.filter((source) => files.includes(source.path.split("/").pop()));
}

interface RowExtras {
    protocol?: Protocol;
    optional?: string;
    serviceTags?: string[];
    asWritten?: string;
    correction?: string;
    notApplicable?: string;
}

function fqdn(
    id: string,
    destination: string,
    ports: number[],
    scenario: RequirementScenario,
    section: SectionKey,
    purpose: string,
    extras: RowExtras = {},
): CatalogRow {
    return {
        id,
        destination,
        kind: "fqdn",
        protocol: extras.protocol ?? "TCP",
        ports,
        scenario,
        section: DOC_SECTIONS[section],
        purpose,
        ...withoutProtocol(extras),
    };
}

function tag(
    id: string,
    destination: string,
    ports: number[],
    scenario: RequirementScenario,
    section: SectionKey,
    purpose: string,
    extras: RowExtras = {},
): CatalogRow {
    return {
        id,
        destination,
        kind: "serviceTag",
        protocol: extras.protocol ?? "TCP",
        ports,
        scenario,
        section: DOC_SECTIONS[section],
        purpose,
        ...withoutProtocol(extras),
    };
}

function withoutProtocol(extras: RowExtras): Omit<RowExtras, "protocol"> {
    const { protocol: _ignored, ...rest } = extras;
    return rest;
}

const AML = "AzureMachineLearning";
const STORAGE = "Storage.<region>";
const BATCH = "BatchNodeManagement.<region>";
const MCR = "MicrosoftContainerRegistry";
const FIRST_PARTY = "AzureFrontDoor.FirstParty";
const FRONTEND = "AzureFrontDoor.Frontend";
const AAD = "AzureActiveDirectory";
const ARM = "AzureResourceManager";
const KEYVAULT = "AzureKeyVault.<region>";
const MONITOR = "AzureMonitor";

/** The outbound service-tag table, which the doc gives once for every cloud. */
function serviceTagRows(cloud: Cloud): CatalogRow[] {
    const rows: CatalogRow[] = [
        tag("tag-aad", AAD, [80, 443], "core", "serviceTags", "Sign-in through Microsoft Entra ID."),
        tag(
            "tag-aml-tcp",
            AML,
            [443, 8787, 18881],
            "core",
            "serviceTags",
            "The Azure ML service itself; 8787 (RStudio) and 18881 (notebook language server) reach compute instances.",
        ),
        tag("tag-aml-udp", AML, [5831], "core", "serviceTags", "Compute instance management traffic, UDP 5831.", {
            protocol: "UDP",
        }),
        tag(
            "tag-batch",
            BATCH,
            [443],
            "core",
            "serviceTags",
            "Azure Batch, which runs compute instances and clusters.",
            {
                protocol: "Any",
                asWritten: "BatchNodeManagement.<region> (TCP 443)",
                correction:
                    "The service-tag table gives TCP; this article's own Batch host rows, the other Azure ML network " +
                    "articles and Azure Batch's compute-node communication article give ANY 443 (Batch may use UDP).",
            },
        ),
        tag("tag-arm", ARM, [443], "core", "serviceTags", "Azure Resource Manager, to create resources from Azure ML."),
        tag(
            "tag-storage",
            STORAGE,
            [443],
            "core",
            "serviceTags",
            "Storage accounts used by compute clusters and instances (can be used to exfiltrate data).",
        ),
        tag(
            "tag-storage-smb",
            STORAGE,
            [445],
            "core",
            "storageFirewall",
            "SMB to the workspace's file shares when a firewall sits between Azure ML and Storage.",
        ),
        tag("tag-mcr", MCR, [443], "core", "serviceTags", "Docker images that Microsoft publishes."),
        tag(
            "tag-firstparty",
            FIRST_PARTY,
            [443],
            "core",
            "serviceTags",
            "Docker images that Microsoft publishes (content delivery).",
            {
                asWritten: "Frontdoor.FirstParty",
                correction:
                    "The doc's service-tag table writes `Frontdoor.FirstParty`, which is not a service tag; the " +
                    "tag is `AzureFrontDoor.FirstParty` (as the doc's own recommended-configuration table spells it).",
            },
        ),
        tag(
            "tag-monitor",
            MONITOR,
            [443],
            "monitoring",
            "serviceTags",
            "Azure Monitor logs and metrics, also used for support incidents; only without a secured Azure Monitor.",
        ),
        tag(
            "tag-vnet",
            "VirtualNetwork",
            [443],
            "core",
            "serviceTags",
            "Private endpoints in this or peered virtual networks.",
            {
                notApplicable:
                    "`VirtualNetwork` is a network-security-group tag; Azure Firewall rules do not accept it. " +
                    "Traffic to private endpoints stays inside your virtual networks and is governed by routes and " +
                    "NSGs, not this policy.",
            },
        ),
        tag(
            "tag-keyvault",
            KEYVAULT,
            [443],
            "hbi",
            "hbi",
            "The key vault of the back-end Batch service for hbi_workspace workspaces.",
            {
                asWritten: "Keyvault.<region>",
                correction:
                    "The doc writes `Keyvault.<region>`, which is not a service tag; the regional Key Vault tag is " +
                    "`AzureKeyVault.<region>`.",
            },
        ),
    ];
    if (cloud !== "AzureChinaCloud") {
        // The doc marks AzureFrontDoor.FrontEnd as not needed in Azure operated by 21Vianet.
        rows.splice(
            7,
            0,
            tag(
                "tag-frontend",
                FRONTEND,
                [443],
                "core",
                "serviceTags",
                "Global entry point of Azure ML studio; also stores AutoML images and environments.",
            ),
        );
    }
    return rows;
}

/**
 * Hosts outside Azure that the optional scenarios need. VS Code integration is not available in Azure
 * Government or Azure operated by 21Vianet (the cloud-parity article), so those clouds do not get it.
 */
function internetScenarioRows(cloud: Cloud): CatalogRow[] {
    const rows: CatalogRow[] = [
        // Python packages (include file).
        fqdn("py-anaconda", "anaconda.com", [443], "python", "pythonPackages", "Default conda packages."),
        fqdn("py-anaconda-sub", "*.anaconda.com", [443], "python", "pythonPackages", "Default conda packages."),
        fqdn("py-anaconda-org", "*.anaconda.org", [443], "python", "pythonPackages", "Conda repository data."),
        fqdn("py-pypi", "pypi.org", [443], "python", "pythonPackages", "The Python package index."),
        fqdn(
            "py-pythonhosted",
            "*.pythonhosted.org",
            [443],
            "python",
            "pythonPackages",
            "Package files of the Python package index (the doc asks for it when the index is overridden).",
        ),
        fqdn("py-pytorch", "pytorch.org", [443], "python", "pythonPackages", "PyTorch-based examples."),
        fqdn("py-pytorch-sub", "*.pytorch.org", [443], "python", "pythonPackages", "PyTorch-based examples."),
        fqdn("py-tensorflow", "*.tensorflow.org", [443], "python", "pythonPackages", "TensorFlow-based examples."),
        // R and RStudio.
        fqdn("r-cran", "cloud.r-project.org", [443], "r", "rstudio", "CRAN packages for R."),
        fqdn("rstudio-ghcr", "ghcr.io", [443], "rstudio", "rstudio", "The RStudio Docker image on a compute instance."),
        fqdn(
            "rstudio-ghpkg",
            "pkg-containers.githubusercontent.com",
            [443],
            "rstudio",
            "rstudio",
            "Layers of the RStudio Docker image.",
        ),
        fqdn(
            "posit-licence",
            "www.wyday.com",
            [443],
            "posit-workbench",
            "posit",
            "Licence activation of Posit Workbench (bring your own licence) on a compute instance.",
            { optional: "Posit Workbench" },
        ),
        // Visual Studio Code.
        fqdn("vscode-dev", "*.vscode.dev", [443], "vscode", "vscode", "vscode.dev (VS Code for the Web)."),
        fqdn("vscode-unpkg", "*.vscode-unpkg.net", [443], "vscode", "vscode", "vscode.dev (VS Code for the Web)."),
        fqdn("vscode-cdn", "*.vscode-cdn.net", [443], "vscode", "vscode", "vscode.dev (VS Code for the Web)."),
        fqdn(
            "vscode-exp",
            "*.vscodeexperiments.azureedge.net",
            [443],
            "vscode",
            "vscode",
            "vscode.dev (VS Code for the Web).",
        ),
        fqdn("vscode-tas", "default.exp-tas.com", [443], "vscode", "vscode", "vscode.dev (VS Code for the Web)."),
        fqdn("vscode-download", "code.visualstudio.com", [443], "vscode", "vscode", "Download of VS Code desktop."),
        fqdn(
            "vscode-update",
            "update.code.visualstudio.com",
            [443],
            "vscode",
            "vscode",
            "VS Code server bits installed on the compute instance.",
        ),
        fqdn(
            "vscode-msecnd",
            "*.vo.msecnd.net",
            [443],
            "vscode",
            "vscode",
            "VS Code server bits installed on the compute instance.",
        ),
        fqdn("vscode-marketplace", "marketplace.visualstudio.com", [443], "vscode", "vscode", "VS Code extensions."),
        fqdn("vscode-blob", "vscode.blob.core.windows.net", [443], "vscode", "vscode", "VS Code extensions."),
        fqdn("vscode-gallery", "*.gallerycdn.vsassets.io", [443], "vscode", "vscode", "VS Code extensions."),
        fqdn(
            "vscode-websocket",
            "github.com",
            [443],
            "vscode",
            "vscode",
            "Websocket server bits for interactive jobs, fetched from GitHub.",
            {
                asWritten:
                    "https://github.com/microsoft/vscode-tools-for-ai/tree/master/azureml_remote_websocket_server/*",
                correction:
                    "The doc gives a URL with a path; Azure Firewall application rules match host names (URL " +
                    "filtering needs Premium with TLS inspection), so the row is reduced to its host `github.com`.",
            },
        ),
        fqdn(
            "vscode-websocket-raw",
            "raw.githubusercontent.com",
            [443],
            "vscode",
            "publicInternet",
            "Websocket server bits, fetched as raw files from the same GitHub repository.",
            {
                asWritten:
                    "raw.githubusercontent.com/microsoft/vscode-tools-for-ai/master/azureml_remote_websocket_server/*",
                correction:
                    "The include gives a URL with a path; application rules match host names, so the row is reduced " +
                    "to its host `raw.githubusercontent.com`.",
            },
        ),
        fqdn("vscode-prss", "vscode.download.prss.microsoft.com", [443], "vscode", "vscode", "VS Code download CDN."),
        // HuggingFace models (managed-network article, the only place the docs list these hosts).
        fqdn(
            "hf-docker",
            "docker.io",
            [443],
            "huggingface",
            "huggingface",
            "Docker Hub, for HuggingFace model images.",
        ),
        fqdn(
            "hf-docker-sub",
            "*.docker.io",
            [443],
            "huggingface",
            "huggingface",
            "Docker Hub, for HuggingFace model images.",
        ),
        fqdn(
            "hf-docker-com",
            "*.docker.com",
            [443],
            "huggingface",
            "huggingface",
            "Docker Hub, for HuggingFace model images.",
        ),
        fqdn(
            "hf-docker-cdn",
            "production.cloudflare.docker.com",
            [443],
            "huggingface",
            "huggingface",
            "Docker Hub image layers.",
        ),
        fqdn("hf-auth0", "cdn.auth0.com", [443], "huggingface", "huggingface", "Sign-in assets used by the model hub."),
        fqdn("hf-lfs", "cdn-lfs.huggingface.co", [443], "huggingface", "huggingface", "HuggingFace model files."),
    ];
    return cloud === "AzurePublic" ? rows : rows.filter((row) => row.scenario !== "vscode");
}

/**
 * Kubernetes compute egress that the Azure ML article links to, Azure public only (the cloud-parity
 * article: Kubernetes compute is not available in Government or China): the Azure Arc agents, the AKS
 * cluster-extension service, and the inference router (azureml-fe). Rows the linked docs need only for
 * a feature you may not use are in their own scenarios (`arc-cluster-connect`,
 * `aks-extension-marketplace`) and carry `optional`.
 */
function kubernetesLinkedRows(): CatalogRow[] {
    const https = (
        id: string,
        host: string,
        scenario: RequirementScenario,
        section: SectionKey,
        purpose: string,
        extras: RowExtras = {},
    ) => fqdn(id, host, [443], scenario, section, purpose, extras);
    const connect = "Cluster Connect and custom locations";
    const marketplace = "marketplace extensions";
    return [
        https("arc-arm", "management.azure.com", "arc", "arc", "Arc agents register the cluster with Azure.", {
            serviceTags: [ARM],
        }),
        https(
            "arc-dp",
            "<region>.dp.kubernetesconfiguration.azure.com",
            "arc",
            "arc",
            "Arc agents push status and fetch configuration.",
        ),
        https("arc-login", "login.microsoftonline.com", "arc", "arc", "Arc agents refresh their tokens.", {
            serviceTags: [AAD],
        }),
        https("arc-login-regional", "<region>.login.microsoft.com", "arc", "arc", "Arc agents refresh their tokens."),
        https("arc-login-windows", "login.windows.net", "arc", "arc", "Arc agents refresh their tokens."),
        https("arc-mcr", "mcr.microsoft.com", "arc", "arc", "Arc agent images.", { serviceTags: [MCR] }),
        https("arc-mcr-data", "*.data.mcr.microsoft.com", "arc", "arc", "Arc agent image layers.", {
            serviceTags: [MCR],
        }),
        https("arc-k8s-dl", "dl.k8s.io", "arc", "arc", "kubectl downloads during onboarding."),
        https("arc-his-global", "gbl.his.arc.azure.com", "arc", "arc", "Finds the regional managed-identity endpoint."),
        https("arc-his", "*.his.arc.azure.com", "arc", "arc", "Managed-identity certificates of the cluster."),
        https("arc-portal", "*.arc.azure.net", "arc", "arc", "Managing the connected cluster in the Azure portal."),
        https(
            "arc-geneva",
            "linuxgeneva-microsoft.azurecr.io",
            "arc",
            "arc",
            "Images of Arc cluster extensions (Azure ML's extension is one).",
        ),
        https("arc-gns", "guestnotificationservice.azure.com", "arc-cluster-connect", "arc", `${connect}.`, {
            optional: connect,
        }),
        https("arc-gns-sub", "*.guestnotificationservice.azure.com", "arc-cluster-connect", "arc", `${connect}.`, {
            optional: connect,
        }),
        https("arc-sts", "sts.windows.net", "arc-cluster-connect", "arc", `${connect}.`, { optional: connect }),
        https(
            "arc-servicebus",
            "*.servicebus.windows.net",
            "arc-cluster-connect",
            "arc",
            `${connect} (websockets must pass).`,
            {
                optional: connect,
            },
        ),
        https(
            "arc-graph",
            "graph.microsoft.com",
            "arc-cluster-connect",
            "arc",
            "Azure RBAC on the connected cluster.",
            {
                optional: "Azure RBAC",
            },
        ),
        fqdn(
            "arc-obo",
            "<region>.obo.arc.azure.com",
            [8084],
            "arc-cluster-connect",
            "arc",
            `${connect}, HTTPS on 8084.`,
            {
                optional: "Cluster Connect",
            },
        ),
        https(
            "ext-dp",
            "<region>.dp.kubernetesconfiguration.azure.com",
            "aks-extension",
            "aksExtensions",
            "Extension configuration and status.",
        ),
        https("ext-mcr", "mcr.microsoft.com", "aks-extension", "aksExtensions", "Extension agent images.", {
            serviceTags: [MCR],
        }),
        https(
            "ext-mcr-data",
            "*.data.mcr.microsoft.com",
            "aks-extension",
            "aksExtensions",
            "Extension agent image layers.",
            {
                serviceTags: [MCR],
            },
        ),
        https(
            "ext-metrics-es",
            "*.ingestion.msftcloudes.com",
            "aks-extension",
            "aksExtensions",
            "Agent metrics sent to Azure.",
        ),
        https(
            "ext-metrics",
            "*.microsoftmetrics.com",
            "aks-extension",
            "aksExtensions",
            "Agent metrics sent to Azure.",
        ),
        https(
            "ext-mkt",
            "arcmktplaceprod.azurecr.io",
            "aks-extension-marketplace",
            "aksExtensions",
            "Marketplace extension images.",
            {
                optional: marketplace,
            },
        ),
        ...["centralindia", "japaneast", "westus2", "westeurope", "eastus"].map((region) =>
            https(
                `ext-mkt-${region}`,
                `arcmktplaceprod.${region}.data.azurecr.io`,
                "aks-extension-marketplace",
                "aksExtensions",
                "Marketplace extension image layers (regional data endpoint).",
                { optional: marketplace },
            ),
        ),
        https(
            "ext-mkt-api",
            "marketplaceapi.microsoft.com",
            "aks-extension-marketplace",
            "aksExtensions",
            "Usage metering of marketplace extensions.",
            {
                optional: marketplace,
            },
        ),
        https("inf-mcr", "mcr.microsoft.com", "aks-inference", "aksInference", "Images of the inference router.", {
            serviceTags: [MCR],
        }),
        https(
            "inf-acr",
            "<acr>.azurecr.io",
            "aks-inference",
            "aksInference",
            "Model images in the workspace's registry.",
        ),
        https(
            "inf-blob",
            "<storage>.blob.core.windows.net",
            "aks-inference",
            "aksInference",
            "Models and dynamic configuration.",
            {
                serviceTags: [STORAGE],
            },
        ),
        https(
            "inf-auth",
            "api.azureml.ms",
            "aks-inference",
            "aksInference",
            "Microsoft Entra authentication of deployed services.",
            {
                serviceTags: [AML],
            },
        ),
        https(
            "inf-kusto",
            "ingest-vienna<region>.kusto.windows.net",
            "aks-inference",
            "aksInference",
            "Telemetry upload.",
        ),
    ];
}

/**
 * Application Insights hosts outside Azure public: the Azure ML article lists them for public only; Azure
 * Monitor's endpoint article gives each sovereign cloud's telemetry and live-metrics hosts.
 */
function appInsightsRows(telemetry: string, liveMetrics: string): CatalogRow[] {
    return [
        fqdn(
            "appinsights-dc",
            telemetry,
            [443],
            "monitoring",
            "appInsightsEndpoints",
            "Application Insights ingestion.",
            {
                serviceTags: [MONITOR],
            },
        ),
        fqdn(
            "appinsights-live",
            liveMetrics,
            [443],
            "monitoring",
            "appInsightsEndpoints",
            "Application Insights live metrics.",
            {
                serviceTags: [MONITOR],
            },
        ),
    ];
}

/** Microsoft Container Registry hosts; the doc gives one table for every cloud. */
function dockerRows(): CatalogRow[] {
    return [
        fqdn(
            "mcr",
            "mcr.microsoft.com",
            [443],
            "core",
            "dockerHosts",
            "Microsoft Container Registry (always needed).",
            { serviceTags: [MCR] },
        ),
        fqdn(
            "mcr-data",
            "*.data.mcr.microsoft.com",
            [443],
            "core",
            "dockerHosts",
            "Image layers of Microsoft Container Registry.",
            { serviceTags: [MCR, FIRST_PARTY] },
        ),
    ];
}

const PUBLIC: CatalogRow[] = [
    ...serviceTagRows("AzurePublic"),
    // General Azure hosts.
    fqdn("login", "login.microsoftonline.com", [80, 443], "core", "generalHosts", "Microsoft Entra ID sign-in.", {
        serviceTags: [AAD],
    }),
    fqdn(
        "management",
        "management.azure.com",
        [443],
        "core",
        "generalHosts",
        "Azure portal and Azure Resource Manager.",
        { serviceTags: [ARM] },
    ),
    // Azure Machine Learning hosts.
    fqdn("studio", "ml.azure.com", [443], "core", "amlHosts", "Azure ML studio.", { serviceTags: [FRONTEND] }),
    fqdn("api-ms", "*.azureml.ms", [443], "core", "amlHosts", "Azure ML API.", { serviceTags: [AML] }),
    fqdn("api-net", "*.azureml.net", [443], "core", "amlHosts", "Azure ML API.", { serviceTags: [AML] }),
    fqdn("modelmanagement", "*.modelmanagement.azureml.net", [443], "core", "amlHosts", "Model management.", {
        serviceTags: [AML],
    }),
    fqdn("notebooks", "*.notebooks.azure.net", [443], "core", "amlHosts", "Integrated notebooks."),
    fqdn(
        "storage-file",
        "<storage>.file.core.windows.net",
        [443, 445],
        "core",
        "amlHosts",
        "Workspace file share (notebooks, compute); 445 is SMB.",
        { serviceTags: [STORAGE] },
    ),
    fqdn(
        "storage-dfs",
        "<storage>.dfs.core.windows.net",
        [443],
        "core",
        "amlHosts",
        "Workspace storage, Data Lake endpoint.",
        { serviceTags: [STORAGE] },
    ),
    fqdn(
        "storage-blob",
        "<storage>.blob.core.windows.net",
        [443],
        "core",
        "amlHosts",
        "Workspace storage, blob endpoint.",
        { serviceTags: [STORAGE] },
    ),
    fqdn("graph", "graph.microsoft.com", [443], "core", "amlHosts", "Microsoft Graph, for integrated notebooks."),
    fqdn("aznbcontent", "*.aznbcontent.net", [443], "core", "amlHosts", "Integrated notebook content."),
    fqdn(
        "automl-resources",
        "automlresources-prod.azureedge.net",
        [443],
        "automl",
        "amlHosts",
        "AutoML NLP and vision resources.",
    ),
    fqdn("automl-akams", "aka.ms", [443], "automl", "amlHosts", "AutoML NLP and vision resources (short links)."),
    fqdn(
        "automl-frontdoor",
        "automlresources-prod-d0eaehh7g8andvav.b02.azurefd.net",
        [443],
        "automl",
        "exfiltration",
        "AutoML resources on Azure Front Door, named so that the AzureFrontDoor.Frontend tag is not needed.",
    ),
    // Compute instance and compute cluster hosts.
    fqdn("compute-graph", "graph.windows.net", [443], "core", "computeHosts", "Compute clusters and instances."),
    fqdn("ci-net", "*.instances.azureml.net", [443], "core", "computeHosts", "Compute instances.", {
        serviceTags: [AML],
    }),
    fqdn(
        "ci-ms",
        "*.instances.azureml.ms",
        [443, 8787, 18881],
        "core",
        "computeHosts",
        "Compute instances; 8787 and 18881 only when the workspace has a private endpoint.",
        { serviceTags: [AML] },
    ),
    fqdn("tundra", "<region>.tundra.azureml.ms", [5831], "core", "computeHosts", "Compute instance management, UDP.", {
        protocol: "UDP",
        serviceTags: [AML],
    }),
    fqdn(
        "tundra-api",
        "*.tundra.<region>.api.azureml.ms",
        [5831],
        "core",
        "computeHosts",
        "Compute instance management, UDP.",
        { protocol: "UDP", serviceTags: [AML] },
    ),
    fqdn(
        "batch",
        "*.<region>.batch.azure.com",
        [443],
        "core",
        "computeHosts",
        "Azure Batch behind compute instances.",
        { protocol: "Any", serviceTags: [BATCH] },
    ),
    fqdn(
        "batch-service",
        "*.<region>.service.batch.azure.com",
        [443],
        "core",
        "computeHosts",
        "Azure Batch behind compute instances.",
        { protocol: "Any", serviceTags: [BATCH] },
    ),
    fqdn(
        "ms-blob",
        "*.blob.core.windows.net",
        [443],
        "core",
        "computeHosts",
        "Microsoft-managed storage for compute.",
        { serviceTags: [STORAGE] },
    ),
    fqdn(
        "ms-table",
        "*.table.core.windows.net",
        [443],
        "core",
        "computeHosts",
        "Microsoft-managed storage for compute.",
        { serviceTags: [STORAGE] },
    ),
    fqdn(
        "ms-queue",
        "*.queue.core.windows.net",
        [443],
        "core",
        "computeHosts",
        "Microsoft-managed storage for compute.",
        { serviceTags: [STORAGE] },
    ),
    fqdn(
        "compute-storage-file",
        "<storage>.file.core.windows.net",
        [443, 445],
        "core",
        "computeHosts",
        "Your storage account's file share, from compute; 445 is SMB.",
        { serviceTags: [STORAGE] },
    ),
    fqdn(
        "compute-storage-blob",
        "<storage>.blob.core.windows.net",
        [443],
        "core",
        "computeHosts",
        "Your storage account's blobs, from compute.",
        { serviceTags: [STORAGE] },
    ),
    fqdn("keyvault", "*.vault.azure.net", [443], "hbi", "computeHosts", "Key vault of hbi_workspace workspaces.", {
        serviceTags: [KEYVAULT],
    }),
    ...dockerRows(),
    // Monitoring hosts (public-cloud host names).
    fqdn(
        "appinsights-dc",
        "dc.applicationinsights.azure.com",
        [443],
        "monitoring",
        "monitoringHosts",
        "Application Insights ingestion.",
        { serviceTags: [MONITOR] },
    ),
    fqdn(
        "appinsights-dc-ms",
        "dc.applicationinsights.microsoft.com",
        [443],
        "monitoring",
        "monitoringHosts",
        "Application Insights ingestion.",
        { serviceTags: [MONITOR] },
    ),
    fqdn(
        "appinsights-vs",
        "dc.services.visualstudio.com",
        [443],
        "monitoring",
        "monitoringHosts",
        "Application Insights ingestion.",
        { serviceTags: [MONITOR] },
    ),
    fqdn(
        "appinsights-in",
        "*.in.applicationinsights.azure.com",
        [443],
        "monitoring",
        "monitoringHosts",
        "Application Insights regional ingestion.",
        { serviceTags: [MONITOR] },
    ),
    // Kubernetes compute (the doc gives public-cloud host names only).
    fqdn("k8s-kusto", "*.kusto.windows.net", [443], "kubernetes", "kubernetes", "System logs uploaded to Kusto."),
    fqdn("k8s-table", "*.table.core.windows.net", [443], "kubernetes", "kubernetes", "System logs uploaded to Kusto.", {
        serviceTags: [STORAGE],
    }),
    fqdn("k8s-queue", "*.queue.core.windows.net", [443], "kubernetes", "kubernetes", "System logs uploaded to Kusto.", {
        serviceTags: [STORAGE],
    }),
    fqdn("k8s-acr", "<acr>.azurecr.io", [443], "kubernetes", "kubernetes", "The workspace's container registry."),
    fqdn(
        "k8s-acr-data",
        "<acr>.<region>.data.azurecr.io",
        [443],
        "kubernetes",
        "kubernetes",
        "Data endpoint of the workspace's container registry.",
    ),
    fqdn(
        "k8s-blob",
        "<storage>.blob.core.windows.net",
        [443],
        "kubernetes",
        "kubernetes",
        "Scripts, data, models and job logs.",
        { serviceTags: [STORAGE] },
    ),
    fqdn(
        "k8s-workspace",
        "<workspaceId>.workspace.<region>.api.azureml.ms",
        [443],
        "kubernetes",
        "kubernetes",
        "Azure ML service API for the workspace.",
        { serviceTags: [AML] },
    ),
    fqdn(
        "k8s-experiments",
        "<region>.experiments.azureml.net",
        [443],
        "kubernetes",
        "kubernetes",
        "Azure ML service API.",
        { serviceTags: [AML] },
    ),
    fqdn("k8s-api", "<region>.api.azureml.ms", [443], "kubernetes", "kubernetes", "Azure ML service API.", {
        serviceTags: [AML],
    }),
    fqdn("k8s-pypi", "pypi.org", [443], "kubernetes", "kubernetes", "pip packages for training environments."),
    fqdn(
        "k8s-ubuntu-archive",
        "archive.ubuntu.com",
        [80],
        "kubernetes",
        "kubernetes",
        "Security patches for training images.",
    ),
    fqdn(
        "k8s-ubuntu-security",
        "security.ubuntu.com",
        [80],
        "kubernetes",
        "kubernetes",
        "Security patches for training images.",
    ),
    fqdn(
        "k8s-launchpad",
        "ppa.launchpad.net",
        [80],
        "kubernetes",
        "kubernetes",
        "Security patches for training images.",
    ),
    ...internetScenarioRows("AzurePublic"),
    ...kubernetesLinkedRows(),
];

const US_GOVERNMENT: CatalogRow[] = [
    ...serviceTagRows("AzureUSGovernment"),
    fqdn("login", "login.microsoftonline.us", [80, 443], "core", "generalHosts", "Microsoft Entra ID sign-in.", {
        serviceTags: [AAD],
    }),
    fqdn("portal", "management.azure.us", [443], "core", "generalHosts", "Azure portal."),
    fqdn("management", "management.usgovcloudapi.net", [443], "core", "generalHosts", "Azure Resource Manager.", {
        serviceTags: [ARM],
    }),
    fqdn("studio", "ml.azure.us", [443], "core", "amlHosts", "Azure ML studio."),
    fqdn("api", "*.ml.azure.us", [443], "core", "amlHosts", "Azure ML API.", { serviceTags: [AML] }),
    fqdn("modelmanagement", "*.modelmanagement.azureml.us", [443], "core", "amlHosts", "Model management.", {
        serviceTags: [AML],
    }),
    fqdn("notebooks", "*.notebooks.usgovcloudapi.net", [443], "core", "amlHosts", "Integrated notebooks."),
    fqdn(
        "storage-file",
        "<storage>.file.core.usgovcloudapi.net",
        [443, 445],
        "core",
        "amlHosts",
        "Workspace file share (notebooks, compute); 445 is SMB.",
        { serviceTags: [STORAGE] },
    ),
    fqdn(
        "storage-dfs",
        "<storage>.dfs.core.usgovcloudapi.net",
        [443],
        "core",
        "amlHosts",
        "Workspace storage, Data Lake endpoint.",
        { serviceTags: [STORAGE] },
    ),
    fqdn(
        "storage-blob",
        "<storage>.blob.core.usgovcloudapi.net",
        [443],
        "core",
        "amlHosts",
        "Workspace storage, blob endpoint.",
        { serviceTags: [STORAGE] },
    ),
    fqdn("graph", "graph.microsoft.us", [443], "core", "amlHosts", "Microsoft Graph, for integrated notebooks."),
    fqdn("aznbcontent", "*.aznbcontent.net", [443], "core", "amlHosts", "Integrated notebook content."),
    fqdn("compute-graph", "graph.windows.net", [443], "core", "computeHosts", "Compute clusters and instances."),
    fqdn("ci-us", "*.instances.azureml.us", [443], "core", "computeHosts", "Compute instances.", {
        serviceTags: [AML],
    }),
    fqdn(
        "ci-ms",
        "*.instances.azureml.ms",
        [443, 8787, 18881],
        "core",
        "computeHosts",
        "Compute instances; 8787 and 18881 only when the workspace has a private endpoint.",
        { serviceTags: [AML] },
    ),
    fqdn("tundra", "<region>.tundra.azureml.us", [5831], "core", "computeHosts", "Compute instance management, UDP.", {
        protocol: "UDP",
        serviceTags: [AML],
    }),
    fqdn(
        "ms-blob",
        "*.blob.core.usgovcloudapi.net",
        [443],
        "core",
        "computeHosts",
        "Microsoft-managed storage for compute.",
        { serviceTags: [STORAGE] },
    ),
    fqdn(
        "ms-table",
        "*.table.core.usgovcloudapi.net",
        [443],
        "core",
        "computeHosts",
        "Microsoft-managed storage for compute.",
        { serviceTags: [STORAGE] },
    ),
    fqdn(
        "ms-queue",
        "*.queue.core.usgovcloudapi.net",
        [443],
        "core",
        "computeHosts",
        "Microsoft-managed storage for compute.",
        { serviceTags: [STORAGE] },
    ),
    fqdn(
        "compute-storage-file",
        "<storage>.file.core.usgovcloudapi.net",
        [443, 445],
        "core",
        "computeHosts",
        "Your storage account's file share, from compute; 445 is SMB.",
        { serviceTags: [STORAGE] },
    ),
    fqdn(
        "compute-storage-blob",
        "<storage>.blob.core.usgovcloudapi.net",
        [443],
        "core",
        "computeHosts",
        "Your storage account's blobs, from compute.",
        { serviceTags: [STORAGE] },
    ),
    fqdn(
        "keyvault",
        "*.vault.usgovcloudapi.net",
        [443],
        "hbi",
        "computeHosts",
        "Key vault of hbi_workspace workspaces.",
        { serviceTags: [KEYVAULT] },
    ),
    ...dockerRows(),
    ...internetScenarioRows("AzureUSGovernment"),
    ...appInsightsRows("dc.applicationinsights.us", "quickpulse.applicationinsights.us"),
];

const CHINA: CatalogRow[] = [
    ...serviceTagRows("AzureChinaCloud"),
    fqdn("login", "login.chinacloudapi.cn", [80, 443], "core", "generalHosts", "Microsoft Entra ID sign-in.", {
        serviceTags: [AAD],
    }),
    fqdn("portal", "management.azure.cn", [443], "core", "generalHosts", "Azure portal."),
    fqdn("management", "management.chinacloudapi.cn", [443], "core", "generalHosts", "Azure Resource Manager.", {
        serviceTags: [ARM],
    }),
    fqdn("studio", "studio.ml.azure.cn", [443], "core", "amlHosts", "Azure ML studio."),
    fqdn("api", "*.ml.azure.cn", [443], "core", "amlHosts", "Azure ML API.", { serviceTags: [AML] }),
    fqdn("api-cn", "*.azureml.cn", [443], "core", "amlHosts", "Azure ML API.", { serviceTags: [AML] }),
    fqdn("modelmanagement", "*.modelmanagement.ml.azure.cn", [443], "core", "amlHosts", "Model management.", {
        serviceTags: [AML],
    }),
    fqdn("notebooks", "*.notebooks.chinacloudapi.cn", [443], "core", "amlHosts", "Integrated notebooks."),
    fqdn(
        "storage-file",
        "<storage>.file.core.chinacloudapi.cn",
        [443, 445],
        "core",
        "amlHosts",
        "Workspace file share (notebooks, compute); 445 is SMB.",
        { serviceTags: [STORAGE] },
    ),
    fqdn(
        "storage-dfs",
        "<storage>.dfs.core.chinacloudapi.cn",
        [443],
        "core",
        "amlHosts",
        "Workspace storage, Data Lake endpoint.",
        { serviceTags: [STORAGE] },
    ),
    fqdn(
        "storage-blob",
        "<storage>.blob.core.chinacloudapi.cn",
        [443],
        "core",
        "amlHosts",
        "Workspace storage, blob endpoint.",
        { serviceTags: [STORAGE] },
    ),
    fqdn("graph", "graph.chinacloudapi.cn", [443], "core", "amlHosts", "Microsoft Graph, for integrated notebooks."),
    fqdn("aznbcontent", "*.aznbcontent.net", [443], "core", "amlHosts", "Integrated notebook content."),
    fqdn("compute-graph", "graph.chinacloudapi.cn", [443], "core", "computeHosts", "Compute clusters and instances."),
    fqdn("ci-cn", "*.instances.azureml.cn", [443], "core", "computeHosts", "Compute instances.", {
        serviceTags: [AML],
    }),
    fqdn(
        "ci-ms",
        "*.instances.azureml.ms",
        [443, 8787, 18881],
        "core",
        "computeHosts",
        "Compute instances; 8787 and 18881 only when the workspace has a private endpoint.",
        { serviceTags: [AML] },
    ),
    fqdn("tundra", "<region>.tundra.azureml.cn", [5831], "core", "computeHosts", "Compute instance management, UDP.", {
        protocol: "UDP",
        serviceTags: [AML],
    }),
    fqdn(
        "ms-blob",
        "*.blob.core.chinacloudapi.cn",
        [443],
        "core",
        "computeHosts",
        "Microsoft-managed storage for compute.",
        { serviceTags: [STORAGE] },
    ),
    fqdn(
        "ms-table",
        "*.table.core.chinacloudapi.cn",
        [443],
        "core",
        "computeHosts",
        "Microsoft-managed storage for compute.",
        { serviceTags: [STORAGE] },
    ),
    fqdn(
        "ms-queue",
        "*.queue.core.chinacloudapi.cn",
        [443],
        "core",
        "computeHosts",
        "Microsoft-managed storage for compute.",
        { serviceTags: [STORAGE] },
    ),
    fqdn(
        "compute-storage-file",
        "<storage>.file.core.chinacloudapi.cn",
        [443, 445],
        "core",
        "computeHosts",
        "Your storage account's file share, from compute; 445 is SMB.",
        { serviceTags: [STORAGE] },
    ),
    fqdn(
        "compute-storage-blob",
        "<storage>.blob.core.chinacloudapi.cn",
        [443],
        "core",
        "computeHosts",
        "Your storage account's blobs, from compute.",
        { serviceTags: [STORAGE] },
    ),
    fqdn("keyvault", "*.vault.azure.cn", [443], "hbi", "computeHosts", "Key vault of hbi_workspace workspaces.", {
        serviceTags: [KEYVAULT],
    }),
    ...dockerRows(),
    ...internetScenarioRows("AzureChinaCloud"),
    ...appInsightsRows("dc.applicationinsights.azure.cn", "quickpulse.applicationinsights.azure.cn"),
];

/** The catalog: every outbound row of the doc, per cloud. */
export const CATALOG: Readonly<Record<Cloud, readonly CatalogRow[]>> = {
    AzurePublic: PUBLIC,
    AzureUSGovernment: US_GOVERNMENT,
    AzureChinaCloud: CHINA,
};

/** Doc content that is deliberately not turned into egress rules, with the reason. */
export const CATALOG_NOTES: readonly CatalogNote[] = [
    {
        section: DOC_SECTIONS.inbound,
        scenario: "core",
        text:
            "Inbound AzureMachineLearning -> VirtualNetwork on 44224 is only for compute with a public IP; it is " +
            "routed around the firewall (user-defined route, next hop Internet), so it is not an egress rule.",
    },
    {
        section: DOC_SECTIONS.vscodePorts,
        scenario: "vscode",
        text:
            "Ports 8704-8710 are where the VS Code server listens on the compute instance; they are reached by " +
            "the VS Code client, not sent out through this firewall.",
    },
    {
        section: DOC_SECTIONS.kubernetes,
        scenario: "kubernetes",
        text:
            "Arc agent, AKS cluster-extension and inference-router egress are the arc, aks-extension and " +
            "aks-inference scenarios (their optional rows: arc-cluster-connect, aks-extension-marketplace); " +
            "in-cluster traffic of the azureml namespace does not cross this firewall.",
    },
    {
        section: DOC_SECTIONS.monitoringHosts,
        scenario: "monitoring",
        clouds: ["AzureUSGovernment", "AzureChinaCloud"],
        text:
            "The Azure ML article lists Application Insights host names for Azure public only; this cloud's come " +
            "from Azure Monitor's endpoint article (telemetry and live metrics).",
    },
    {
        section: DOC_SECTIONS.parity,
        scenario: "vscode",
        clouds: ["AzureUSGovernment", "AzureChinaCloud"],
        text:
            "Visual Studio Code integration is not available in this cloud (the cloud-parity article marks it NO), " +
            "so the vscode scenario is not offered here.",
        explainsSections: [DOC_SECTIONS.vscode],
    },
    {
        section: DOC_SECTIONS.parity,
        scenario: "kubernetes",
        clouds: ["AzureUSGovernment", "AzureChinaCloud"],
        text:
            "Kubernetes compute is not available in this cloud (the cloud-parity article marks it NO), so the " +
            "kubernetes scenario is not offered here.",
        explainsSections: [DOC_SECTIONS.kubernetes],
    },
    ...(["arc", "arc-cluster-connect", "aks-extension", "aks-extension-marketplace", "aks-inference"] as const).map(
        (scenario): CatalogNote => ({
            section: DOC_SECTIONS.parity,
            scenario,
            clouds: ["AzureUSGovernment", "AzureChinaCloud"],
            text:
                "Kubernetes compute is not available in this cloud (the cloud-parity article marks it NO), so the " +
                `${scenario} scenario is not offered here.`,
        }),
    ),
    {
        section: DOC_SECTIONS.aksInference,
        scenario: "aks-inference",
        text:
            "The AKS API server (<cluster>.hcp.<region>.azmk8s.io) is the cluster's own; its name is not an input " +
            "here, so allow it by name for your cluster.",
    },
    {
        section: DOC_SECTIONS.amlHosts,
        scenario: "automl",
        clouds: ["AzureUSGovernment", "AzureChinaCloud"],
        text:
            "AutoML NLP and vision are supported in Azure public regions only, so the automl scenario is not " +
            "offered in this cloud.",
    },
];
