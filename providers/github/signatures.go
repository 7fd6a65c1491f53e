package github

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{
	IdentityNames: []string{"github"},
	AuthJSModules: []string{"github"},
	Packages: []providers.Package{
		{Ecosystem: providers.NPM, Name: "octokit"},
		{Ecosystem: providers.NPM, Name: "@octokit/*"},
		{Ecosystem: providers.NPM, Name: "passport-github*"},
		{Ecosystem: providers.PyPI, Name: "PyGithub", Imports: []string{"github"}},
		{Ecosystem: providers.PyPI, Name: "githubkit"},
		{Ecosystem: providers.Go, Name: "github.com/google/go-github*"},
		{Ecosystem: providers.Go, Name: "github.com/palantir/go-githubapp*"},
		{Ecosystem: providers.RubyGems, Name: "octokit", Globals: []string{"Octokit"}},
		// A small GitHub API client (github.com/schneems/git_hub_bub).
		{Ecosystem: providers.RubyGems, Name: "git_hub_bub", Globals: []string{"GitHubBub"}},
		{Ecosystem: providers.Maven, Name: "org.kohsuke:github-api", Imports: []string{"org.kohsuke.github"}},
		{Ecosystem: providers.NuGet, Name: "Octokit", Imports: []string{"Octokit"}},
		{Ecosystem: providers.Composer, Name: "knplabs/github-api", Imports: []string{"Github"}},
	},
	Constructors: []providers.Constructor{
		{Ecosystem: providers.NPM, Symbol: "Octokit"},
		{Ecosystem: providers.NPM, Symbol: "App"},
		{Ecosystem: providers.NPM, Symbol: "Webhooks"},
		{Ecosystem: providers.PyPI, Symbol: "Github"},
		{Ecosystem: providers.PyPI, Symbol: "GitHub"},
		{Ecosystem: providers.Go, Symbol: "github.NewClient"},
		{Ecosystem: providers.RubyGems, Symbol: "Octokit::Client.new"},
		{Ecosystem: providers.Maven, Symbol: "GitHubBuilder"},
		{Ecosystem: providers.NuGet, Symbol: "GitHubClient"},
		{Ecosystem: providers.Composer, Symbol: "Client"},
	},
	EnvVars:     []string{"GITHUB_TOKEN", "GH_TOKEN", "GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "GITHUB_WEBHOOK_SECRET"},
	EnvPrefixes: []string{"GITHUB_"},
	Webhooks: []providers.WebhookCheck{
		{Ecosystem: providers.NPM, Symbol: "webhooks.verify"},
		{Ecosystem: providers.NPM, Symbol: "webhooks.verifyAndReceive"},
		{Ecosystem: providers.Go, Symbol: "github.ValidatePayload"},
		{Ecosystem: providers.Go, Symbol: "github.ValidateSignature"},
	},
	// https://docs.github.com/en/webhooks/webhook-events-and-payloads#delivery-headers
	WebhookHeaders: []string{"X-Hub-Signature-256", "X-Hub-Signature", "X-GitHub-Event", "X-GitHub-Delivery", "X-GitHub-Hook-ID"},
	// go-githubapp's githubapp.DefaultWebhookRoute
	WebhookDefaults: []providers.WebhookDefault{
		{Ecosystem: providers.Go, Package: "github.com/palantir/go-githubapp", Route: "/api/github/hook", Source: "go-githubapp default",
			Calls: []string{"githubapp.NewEventDispatcher", "githubapp.NewDefaultEventDispatcher"}},
	},
}
