package okta

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{
	IdentityNames: []string{"okta"},
	AuthJSModules: []string{"okta"},
	Packages: []providers.Package{
		{Ecosystem: providers.NPM, Name: "@okta/*"},
		{Ecosystem: providers.PyPI, Name: "okta"},
		{Ecosystem: providers.Go, Name: "github.com/okta/*"},
		{Ecosystem: providers.RubyGems, Name: "omniauth-okta", Imports: []string{"omniauth-okta", "omniauth/okta"}},
		{Ecosystem: providers.Maven, Name: "com.okta.*", Imports: []string{"com.okta"}},
		{Ecosystem: providers.NuGet, Name: "Okta.*", Imports: []string{"Okta"}},
		{Ecosystem: providers.Composer, Name: "okta/*", Imports: []string{"Okta"}},
	},
	Constructors: []providers.Constructor{
		{Ecosystem: providers.NPM, Symbol: "OktaAuth"},
		{Ecosystem: providers.NPM, Symbol: "okta.Client"},
		{Ecosystem: providers.NPM, Symbol: "OktaJwtVerifier"},
		{Ecosystem: providers.PyPI, Symbol: "OktaClient"},
		{Ecosystem: providers.Go, Symbol: "okta.NewClient"},
		{Ecosystem: providers.Go, Symbol: "okta.NewConfiguration"},
		{Ecosystem: providers.Maven, Symbol: "Clients.builder"},
		{Ecosystem: providers.NuGet, Symbol: "OktaClient"},
	},
	// OKTA_CLIENT_ORGURL and OKTA_CLIENT_TOKEN are the management SDKs'
	// (okta-sdk-golang, okta-sdk-python); OKTA_OAUTH2_* the Spring Boot
	// starter's okta.oauth2.* properties.
	EnvVars: []string{"OKTA_DOMAIN", "OKTA_ORG_URL", "OKTA_CLIENT_ID", "OKTA_CLIENT_SECRET", "OKTA_ISSUER",
		"OKTA_API_TOKEN", "OKTA_CLIENT_ORGURL", "OKTA_CLIENT_TOKEN",
		"OKTA_OAUTH2_ISSUER", "OKTA_OAUTH2_CLIENT_ID", "OKTA_OAUTH2_CLIENT_SECRET"},
	EnvPrefixes: []string{"OKTA_"},
	Callbacks: []providers.CallbackDefault{
		{Ecosystem: providers.NPM, Package: "@okta/oidc-middleware", Route: "/authorization-code/callback",
			LogoutRoutes: []string{"/logout"}, Source: "oidc-middleware default"},
		{Ecosystem: providers.RubyGems, Package: "omniauth-okta", Route: "/auth/okta/callback", Source: "omniauth default"},
		// OktaDefaults.CallbackPath in okta/okta-aspnet (Okta.AspNetCore):
		// AddOktaMvc serves it unless CallbackPath is set.
		{Ecosystem: providers.NuGet, Package: "Okta.AspNetCore", Route: "/authorization-code/callback",
			Source: "Okta.AspNetCore default", Calls: []string{"AddOktaMvc"}},
	},
	// https://developer.okta.com/docs/concepts/event-hooks/#one-time-verification-request
	WebhookHeaders: []string{"X-Okta-Verification-Challenge"},
}
