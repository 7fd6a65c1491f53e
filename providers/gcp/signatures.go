package gcp

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{
	Packages: []providers.Package{
		{Ecosystem: providers.NPM, Name: "google-auth-library"},
		{Ecosystem: providers.NPM, Name: "@google-cloud/*"},
		{Ecosystem: providers.NPM, Name: "googleapis"},
		{Ecosystem: providers.PyPI, Name: "google-auth", Imports: []string{"google.auth", "google.oauth2"}},
		{Ecosystem: providers.PyPI, Name: "google-cloud-*", Imports: []string{"google.cloud"}},
		{Ecosystem: providers.Go, Name: "golang.org/x/oauth2/google"},
		{Ecosystem: providers.Go, Name: "cloud.google.com/go*"},
		{Ecosystem: providers.Go, Name: "google.golang.org/api*"},
		{Ecosystem: providers.RubyGems, Name: "googleauth"},
		{Ecosystem: providers.RubyGems, Name: "google-cloud-*", Imports: []string{"google/cloud*"}},
		{Ecosystem: providers.Maven, Name: "com.google.auth:*", Imports: []string{"com.google.auth"}},
		{Ecosystem: providers.Maven, Name: "com.google.cloud:*", Imports: []string{"com.google.cloud"}},
		{Ecosystem: providers.NuGet, Name: "Google.Apis*", Imports: []string{"Google.Apis"}},
		{Ecosystem: providers.NuGet, Name: "Google.Cloud.*", Imports: []string{"Google.Cloud"}},
		{Ecosystem: providers.Composer, Name: "google/auth", Imports: []string{"Google\\Auth"}},
		{Ecosystem: providers.Composer, Name: "google/cloud*", Imports: []string{"Google\\Cloud"}},
	},
	Constructors: []providers.Constructor{
		{Ecosystem: providers.NPM, Symbol: "GoogleAuth"},
		{Ecosystem: providers.NPM, Symbol: "JWT"},
		{Ecosystem: providers.PyPI, Symbol: "service_account.Credentials.from_service_account_info"},
		{Ecosystem: providers.PyPI, Symbol: "service_account.Credentials.from_service_account_file"},
		{Ecosystem: providers.PyPI, Symbol: "google.auth.default"},
		{Ecosystem: providers.Go, Symbol: "google.CredentialsFromJSONWithType"},
		{Ecosystem: providers.Go, Symbol: "google.JWTConfigFromJSON"},
		{Ecosystem: providers.Go, Symbol: "google.FindDefaultCredentials"},
		{Ecosystem: providers.RubyGems, Symbol: "Google::Auth::ServiceAccountCredentials.make_creds"},
		{Ecosystem: providers.Maven, Symbol: "ServiceAccountCredentials.fromStream"},
		{Ecosystem: providers.NuGet, Symbol: "GoogleCredential.FromJson"},
		{Ecosystem: providers.Composer, Symbol: "ServiceAccountCredentials"},
	},
	EnvVars:     []string{"GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT"},
	EnvPrefixes: []string{"GOOGLE_CLOUD_", "GCP_", "GCLOUD_"},
}
