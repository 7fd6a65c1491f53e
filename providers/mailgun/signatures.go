package mailgun

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{
	Packages: []providers.Package{
		{Ecosystem: providers.NPM, Name: "mailgun.js"},
		{Ecosystem: providers.NPM, Name: "mailgun-js"},
		{Ecosystem: providers.PyPI, Name: "mailgun"},
		{Ecosystem: providers.Go, Name: "github.com/mailgun/mailgun-go*"},
		{Ecosystem: providers.RubyGems, Name: "mailgun-ruby", Imports: []string{"mailgun-ruby", "mailgun"}, Globals: []string{"Mailgun"}},
		{Ecosystem: providers.Maven, Name: "com.mailgun:mailgun-java", Imports: []string{"com.mailgun"}},
		{Ecosystem: providers.NuGet, Name: "Mailgun*", Imports: []string{"Mailgun"}},
		{Ecosystem: providers.Composer, Name: "mailgun/mailgun-php", Imports: []string{"Mailgun"}},
	},
	Constructors: []providers.Constructor{
		{Ecosystem: providers.NPM, Symbol: "Mailgun"},
		{Ecosystem: providers.PyPI, Symbol: "Client"},
		{Ecosystem: providers.Go, Symbol: "mailgun.NewMailgun"},
		{Ecosystem: providers.RubyGems, Symbol: "Mailgun::Client.new"},
		{Ecosystem: providers.Maven, Symbol: "MailgunClient.config"},
		{Ecosystem: providers.Composer, Symbol: "Mailgun::create"},
	},
	EnvVars:     []string{"MAILGUN_API_KEY", "MAILGUN_DOMAIN", "MAILGUN_WEBHOOK_SIGNING_KEY"},
	EnvPrefixes: []string{"MAILGUN_"},
	Webhooks: []providers.WebhookCheck{
		{Ecosystem: providers.Go, Symbol: "VerifyWebhookSignature"},
		{Ecosystem: providers.Composer, Symbol: "webhooks"},
	},
}
