package auth0

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{
	Packages: []providers.Package{
		{Ecosystem: providers.NPM, Name: "auth0"},
		{Ecosystem: providers.NPM, Name: "@auth0/*"},
		{Ecosystem: providers.NPM, Name: "express-openid-connect"},
		{Ecosystem: providers.NPM, Name: "auth0-js"},
		{Ecosystem: providers.PyPI, Name: "auth0-python", Imports: []string{"auth0"}},
		{Ecosystem: providers.Go, Name: "github.com/auth0/go-auth0*"},
		{Ecosystem: providers.Go, Name: "github.com/auth0/go-jwt-middleware*"},
		{Ecosystem: providers.RubyGems, Name: "auth0"},
		{Ecosystem: providers.RubyGems, Name: "omniauth-auth0", Imports: []string{"omniauth-auth0", "omniauth/auth0"}},
		{Ecosystem: providers.Maven, Name: "com.auth0:*", Imports: []string{"com.auth0"}},
		{Ecosystem: providers.NuGet, Name: "Auth0.*", Imports: []string{"Auth0"}},
		{Ecosystem: providers.Composer, Name: "auth0/*", Imports: []string{"Auth0"}},
	},
	Constructors: []providers.Constructor{
		{Ecosystem: providers.NPM, Symbol: "ManagementClient"},
		{Ecosystem: providers.NPM, Symbol: "AuthenticationClient"},
		{Ecosystem: providers.NPM, Symbol: "Auth0Client"},
		{Ecosystem: providers.NPM, Symbol: "auth"},
		{Ecosystem: providers.NPM, Symbol: "initAuth0"},
		{Ecosystem: providers.PyPI, Symbol: "GetToken"},
		{Ecosystem: providers.PyPI, Symbol: "Auth0"},
		{Ecosystem: providers.Go, Symbol: "management.New"},
		{Ecosystem: providers.RubyGems, Symbol: "Auth0Client.new"},
		{Ecosystem: providers.Maven, Symbol: "AuthAPI"},
		{Ecosystem: providers.Maven, Symbol: "ManagementAPI"},
		{Ecosystem: providers.NuGet, Symbol: "ManagementApiClient"},
		{Ecosystem: providers.NuGet, Symbol: "AuthenticationApiClient"},
		{Ecosystem: providers.Composer, Symbol: "Management"},
		{Ecosystem: providers.Composer, Symbol: "Auth0"},
	},
	EnvVars: []string{"AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET", "AUTH0_AUDIENCE", "AUTH0_SECRET",
		"AUTH0_BASE_URL", "AUTH0_ISSUER_BASE_URL", "APP_BASE_URL"},
	EnvPrefixes: []string{"AUTH0_"},
}
