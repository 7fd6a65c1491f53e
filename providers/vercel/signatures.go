package vercel

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{
	IdentityNames: []string{"vercel"},
	AuthJSModules: []string{"vercel"},
	Packages: []providers.Package{
		{Ecosystem: providers.NPM, Name: "@vercel/sdk"},
		{Ecosystem: providers.NPM, Name: "@vercel/*"},
	},
	Constructors: []providers.Constructor{
		{Ecosystem: providers.NPM, Symbol: "Vercel"},
	},
	EnvVars:     []string{"VERCEL_TOKEN", "VERCEL_ORG_ID", "VERCEL_PROJECT_ID", "VERCEL_TEAM_ID"},
	EnvPrefixes: []string{"VERCEL_"},
	// https://vercel.com/docs/webhooks/webhooks-api#securing-webhooks
	WebhookHeaders: []string{"X-Vercel-Signature"},
}
