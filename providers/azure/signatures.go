package azure

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{
	IdentityNames: []string{"azure", "azuread", "microsoft", "entra", "aad"},
	AuthJSModules: []string{"azure-ad", "microsoft-entra-id", "azure-ad-b2c"},
	Packages: []providers.Package{
		{Ecosystem: providers.NPM, Name: "@azure/*"},
		{Ecosystem: providers.PyPI, Name: "azure-*", Imports: []string{"azure"}},
		{Ecosystem: providers.Go, Name: "github.com/Azure/azure-sdk-for-go*"},
		{Ecosystem: providers.Maven, Name: "com.azure:*", Imports: []string{"com.azure"}},
		{Ecosystem: providers.Maven, Name: "com.azure.resourcemanager:*", Imports: []string{"com.azure"}},
		{Ecosystem: providers.NuGet, Name: "Azure.*", Imports: []string{"Azure"}},
		{Ecosystem: providers.NuGet, Name: "Microsoft.Identity.Web*", Imports: []string{"Microsoft.Identity.Web"}},
	},
	Constructors: []providers.Constructor{
		{Ecosystem: providers.NPM, Symbol: "ClientSecretCredential"},
		{Ecosystem: providers.NPM, Symbol: "DefaultAzureCredential"},
		{Ecosystem: providers.PyPI, Symbol: "ClientSecretCredential"},
		{Ecosystem: providers.PyPI, Symbol: "DefaultAzureCredential"},
		{Ecosystem: providers.Go, Symbol: "azidentity.NewClientSecretCredential"},
		{Ecosystem: providers.Go, Symbol: "azidentity.NewDefaultAzureCredential"},
		{Ecosystem: providers.Maven, Symbol: "ClientSecretCredentialBuilder"},
		{Ecosystem: providers.Maven, Symbol: "DefaultAzureCredentialBuilder"},
		{Ecosystem: providers.NuGet, Symbol: "ClientSecretCredential"},
		{Ecosystem: providers.NuGet, Symbol: "DefaultAzureCredential"},
	},
	EnvVars: []string{"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_SUBSCRIPTION_ID",
		"AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_CLIENT_CERTIFICATE_PASSWORD", "AZURE_ADDITIONALLY_ALLOWED_TENANTS"},
	EnvPrefixes: []string{"AZURE_"},
}
