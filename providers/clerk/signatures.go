package clerk

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{
	IdentityNames: []string{"clerk"},
	AuthJSModules: []string{"clerk"},
	Packages: []providers.Package{
		{Ecosystem: providers.NPM, Name: "@clerk/*"},
		{Ecosystem: providers.NPM, Name: "svix"},
		{Ecosystem: providers.PyPI, Name: "clerk-backend-api", Imports: []string{"clerk_backend_api"}},
		{Ecosystem: providers.Go, Name: "github.com/clerk/clerk-sdk-go*"},
		{Ecosystem: providers.RubyGems, Name: "clerk-sdk-ruby", Imports: []string{"clerk"}, Globals: []string{"Clerk"}},
	},
	Constructors: []providers.Constructor{
		{Ecosystem: providers.NPM, Symbol: "createClerkClient"},
		{Ecosystem: providers.NPM, Symbol: "clerkMiddleware"},
		{Ecosystem: providers.NPM, Symbol: "ClerkProvider"},
		{Ecosystem: providers.PyPI, Symbol: "Clerk"},
		{Ecosystem: providers.Go, Symbol: "clerk.SetKey"},
		{Ecosystem: providers.Go, Symbol: "clerk.NewClient"},
	},
	EnvVars: []string{"CLERK_SECRET_KEY", "CLERK_PUBLISHABLE_KEY", "CLERK_WEBHOOK_SECRET", "CLERK_WEBHOOK_SIGNING_SECRET",
		"NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY"},
	EnvPrefixes: []string{"CLERK_"},
	Webhooks: []providers.WebhookCheck{
		{Ecosystem: providers.NPM, Symbol: "verifyWebhook"},
		{Ecosystem: providers.NPM, Symbol: "Webhook"},
	},
	// Clerk delivers webhooks through Svix: https://clerk.com/docs/webhooks/verify-webhooks
	WebhookHeaders: []string{"svix-signature"},
}
