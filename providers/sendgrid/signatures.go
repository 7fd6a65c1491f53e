package sendgrid

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{
	Packages: []providers.Package{
		{Ecosystem: providers.NPM, Name: "@sendgrid/*"},
		{Ecosystem: providers.PyPI, Name: "sendgrid"},
		{Ecosystem: providers.Go, Name: "github.com/sendgrid/sendgrid-go*"},
		{Ecosystem: providers.RubyGems, Name: "sendgrid-ruby", Imports: []string{"sendgrid-ruby"}, Globals: []string{"SendGrid"}},
		{Ecosystem: providers.Maven, Name: "com.sendgrid:sendgrid-java", Imports: []string{"com.sendgrid"}},
		{Ecosystem: providers.NuGet, Name: "SendGrid", Imports: []string{"SendGrid"}},
		{Ecosystem: providers.Composer, Name: "sendgrid/sendgrid", Imports: []string{"SendGrid"}},
	},
	Constructors: []providers.Constructor{
		{Ecosystem: providers.NPM, Symbol: "setApiKey"},
		{Ecosystem: providers.NPM, Symbol: "EventWebhook"},
		{Ecosystem: providers.PyPI, Symbol: "SendGridAPIClient"},
		{Ecosystem: providers.Go, Symbol: "sendgrid.NewSendClient"},
		{Ecosystem: providers.Go, Symbol: "sendgrid.GetRequest"},
		{Ecosystem: providers.RubyGems, Symbol: "SendGrid::API.new"},
		{Ecosystem: providers.Maven, Symbol: "SendGrid"},
		{Ecosystem: providers.NuGet, Symbol: "SendGridClient"},
		{Ecosystem: providers.Composer, Symbol: "SendGrid"},
	},
	EnvVars:     []string{"SENDGRID_API_KEY", "SENDGRID_WEBHOOK_PUBLIC_KEY"},
	EnvPrefixes: []string{"SENDGRID_"},
	Webhooks: []providers.WebhookCheck{
		{Ecosystem: providers.NPM, Symbol: "verifySignature"},
		{Ecosystem: providers.PyPI, Symbol: "verify_signature"},
		{Ecosystem: providers.Go, Symbol: "eventwebhook.VerifySignature"},
		{Ecosystem: providers.RubyGems, Symbol: "verify_signature"},
		{Ecosystem: providers.Maven, Symbol: "VerifySignature"},
		{Ecosystem: providers.NuGet, Symbol: "VerifySignature"},
		{Ecosystem: providers.Composer, Symbol: "verifySignature"},
	},
	// https://www.twilio.com/docs/sendgrid/for-developers/tracking-events/getting-started-event-webhook-security-features
	WebhookHeaders: []string{"X-Twilio-Email-Event-Webhook-Signature"},
}
