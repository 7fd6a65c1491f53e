package slack

import "github.com/patchbay-dev/patchbay/providers"

var credentials = &providers.CredentialSpec{
	Endpoint: "SLACK",
	DocsURL:  "https://api.slack.com/messaging/webhooks",
	Fields: []providers.Field{{
		Name:           "webhook_url",
		Label:          "Incoming webhook URL",
		Kind:           providers.FieldSecret,
		Required:       true,
		Pattern:        `^https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+$`,
		PatternMessage: "An incoming webhook URL looks like https://hooks.slack.com/services/T…/B…/….",
		Placeholder:    "https://hooks.slack.com/services/T…/B…/…",
		Help:           "The URL itself is the secret: anyone holding it can post to the channel.",
	}},
	Steps: []string{
		"Open https://api.slack.com/apps and create an app (From scratch) in your workspace, or open an existing one.",
		"Under Features → Incoming Webhooks, turn \"Activate Incoming Webhooks\" on.",
		"Click \"Add New Webhook to Workspace\", pick the channel, and allow.",
		"Copy the webhook URL and paste it here. Patchbay checks it without posting a message.",
	},
	Permissions: []string{"incoming-webhook (the app scope added when the webhook is created); nothing else"},
	Validator:   providers.ValidatorFunc(validate),
}
