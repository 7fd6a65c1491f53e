package slack

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{
	IdentityNames: []string{"slack"},
	AuthJSModules: []string{"slack"},
	Packages: []providers.Package{
		{Ecosystem: providers.NPM, Name: "@slack/*"},
		{Ecosystem: providers.PyPI, Name: "slack_sdk"},
		{Ecosystem: providers.PyPI, Name: "slack-sdk", Imports: []string{"slack_sdk"}},
		{Ecosystem: providers.PyPI, Name: "slack-bolt", Imports: []string{"slack_bolt"}},
		{Ecosystem: providers.PyPI, Name: "slack_bolt"},
		{Ecosystem: providers.Go, Name: "github.com/slack-go/slack*"},
		{Ecosystem: providers.RubyGems, Name: "slack-ruby-client", Imports: []string{"slack-ruby-client"}, Globals: []string{"Slack"}},
		{Ecosystem: providers.Maven, Name: "com.slack.api:*", Imports: []string{"com.slack.api"}},
		{Ecosystem: providers.NuGet, Name: "SlackNet*", Imports: []string{"SlackNet"}},
	},
	Constructors: []providers.Constructor{
		{Ecosystem: providers.NPM, Symbol: "IncomingWebhook"},
		{Ecosystem: providers.NPM, Symbol: "WebClient"},
		{Ecosystem: providers.NPM, Symbol: "App"},
		{Ecosystem: providers.PyPI, Symbol: "WebhookClient"},
		{Ecosystem: providers.PyPI, Symbol: "WebClient"},
		{Ecosystem: providers.PyPI, Symbol: "App"},
		{Ecosystem: providers.Go, Symbol: "slack.New"},
		{Ecosystem: providers.Go, Symbol: "slack.PostWebhook"},
		{Ecosystem: providers.RubyGems, Symbol: "Slack::Web::Client.new"},
		{Ecosystem: providers.Maven, Symbol: "Slack.getInstance"},
	},
	EnvVars:     []string{"SLACK_WEBHOOK_URL", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"},
	EnvPrefixes: []string{"SLACK_"},
	Callbacks: []providers.CallbackDefault{
		{Ecosystem: providers.NPM, Package: "@slack/bolt", Route: "/slack/oauth_redirect", Source: "Bolt OAuth default", Calls: []string{"App"}},
		{Ecosystem: providers.PyPI, Package: "slack-bolt", Route: "/slack/oauth_redirect", Source: "Bolt OAuth default", Calls: []string{"App"}},
		{Ecosystem: providers.PyPI, Package: "slack_bolt", Route: "/slack/oauth_redirect", Source: "Bolt OAuth default", Calls: []string{"App"}},
	},
	Webhooks: []providers.WebhookCheck{
		{Ecosystem: providers.NPM, Symbol: "verifySlackRequest"},
		{Ecosystem: providers.PyPI, Symbol: "SignatureVerifier"},
		{Ecosystem: providers.Go, Symbol: "slack.NewSecretsVerifier"},
	},
	// https://api.slack.com/authentication/verifying-requests-from-slack
	WebhookHeaders: []string{"X-Slack-Signature", "X-Slack-Request-Timestamp"},
	// Bolt's HTTP receiver answers events, commands and interactivity on
	// /slack/events: https://tools.slack.dev/bolt-python/concepts/adapters
	WebhookDefaults: []providers.WebhookDefault{
		{Ecosystem: providers.NPM, Package: "@slack/bolt", Route: "/slack/events", UnlessImports: []string{"@slack/socket-mode"}, Source: "Bolt default", Calls: []string{"App"}},
		{Ecosystem: providers.PyPI, Package: "slack-bolt", Route: "/slack/events", UnlessImports: []string{"slack_bolt.adapter.socket_mode"}, Source: "Bolt default", Calls: []string{"App"}},
		{Ecosystem: providers.PyPI, Package: "slack_bolt", Route: "/slack/events", UnlessImports: []string{"slack_bolt.adapter.socket_mode"}, Source: "Bolt default", Calls: []string{"App"}},
	},
}
