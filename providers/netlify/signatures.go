package netlify

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{
	IdentityNames: []string{"netlify"},
	AuthJSModules: []string{"netlify"},
	Packages: []providers.Package{
		{Ecosystem: providers.NPM, Name: "@netlify/*"},
		{Ecosystem: providers.NPM, Name: "netlify"},
		{Ecosystem: providers.Go, Name: "github.com/netlify/open-api*"},
	},
	Constructors: []providers.Constructor{
		{Ecosystem: providers.NPM, Symbol: "NetlifyAPI"},
	},
	EnvVars: []string{"NETLIFY_AUTH_TOKEN", "NETLIFY_SITE_ID", "NETLIFY_OAUTH_CLIENT_ID", "NETLIFY_OAUTH_CLIENT_SECRET",
		"NETLIFY_CLIENT_ID", "NETLIFY_CLIENT_SECRET"},
	EnvPrefixes: []string{"NETLIFY_"},
}
