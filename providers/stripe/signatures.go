package stripe

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{
	Packages: []providers.Package{
		{Ecosystem: providers.NPM, Name: "stripe"},
		{Ecosystem: providers.NPM, Name: "@stripe/stripe-js"},
		{Ecosystem: providers.NPM, Name: "@stripe/react-stripe-js"},
		{Ecosystem: providers.PyPI, Name: "stripe"},
		{Ecosystem: providers.Go, Name: "github.com/stripe/stripe-go*"},
		{Ecosystem: providers.RubyGems, Name: "stripe", Globals: []string{"Stripe"}},
		{Ecosystem: providers.Maven, Name: "com.stripe:stripe-java", Imports: []string{"com.stripe"}},
		{Ecosystem: providers.NuGet, Name: "Stripe.net", Imports: []string{"Stripe"}},
		{Ecosystem: providers.Composer, Name: "stripe/stripe-php", Imports: []string{"Stripe", "stripe-php"}},
	},
	Constructors: []providers.Constructor{
		{Ecosystem: providers.NPM, Symbol: "Stripe"},
		{Ecosystem: providers.NPM, Symbol: "loadStripe"},
		{Ecosystem: providers.PyPI, Symbol: "stripe.StripeClient"},
		{Ecosystem: providers.PyPI, Symbol: "StripeClient"},
		{Ecosystem: providers.Go, Symbol: "stripe.NewClient"},
		{Ecosystem: providers.Go, Symbol: "client.New"},
		{Ecosystem: providers.RubyGems, Symbol: "Stripe::StripeClient.new"},
		{Ecosystem: providers.Maven, Symbol: "StripeClient"},
		{Ecosystem: providers.NuGet, Symbol: "StripeClient"},
		{Ecosystem: providers.Composer, Symbol: "StripeClient"},
	},
	EnvVars:     []string{"STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_KEY"},
	EnvPrefixes: []string{"STRIPE_"},
	Webhooks: []providers.WebhookCheck{
		{Ecosystem: providers.NPM, Symbol: "webhooks.constructEvent"},
		{Ecosystem: providers.NPM, Symbol: "webhooks.constructEventAsync"},
		{Ecosystem: providers.PyPI, Symbol: "Webhook.construct_event"},
		{Ecosystem: providers.Go, Symbol: "webhook.ConstructEvent"},
		{Ecosystem: providers.Go, Symbol: "webhook.ConstructEventWithTolerance"},
		{Ecosystem: providers.Go, Symbol: "webhook.ConstructEventIgnoringTolerance"},
		{Ecosystem: providers.RubyGems, Symbol: "Stripe::Webhook.construct_event"},
		{Ecosystem: providers.Maven, Symbol: "Webhook.constructEvent"},
		{Ecosystem: providers.NuGet, Symbol: "EventUtility.ConstructEvent"},
		{Ecosystem: providers.Composer, Symbol: "Webhook::constructEvent"},
	},
	// https://docs.stripe.com/webhooks#verify-manually
	WebhookHeaders: []string{"Stripe-Signature"},
	// A handler that decodes the request into stripe-go's Event answers
	// Stripe even when it does not verify (yet).
	WebhookMarkers: []string{"stripe.Event{"},
	// Laravel Cashier registers POST /stripe/webhook:
	// https://laravel.com/docs/billing#handling-stripe-webhooks
	WebhookDefaults: []providers.WebhookDefault{
		{Ecosystem: providers.Composer, Package: "laravel/cashier", Route: "/stripe/webhook", Source: "Laravel Cashier default"},
	},
}
