package sendgrid

import "github.com/patchbay-dev/patchbay/providers"

var credentials = &providers.CredentialSpec{
	Endpoint: "SENDGRID",
	DocsURL:  "https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys",
	Fields: []providers.Field{
		{
			Name:           "api_key",
			Label:          "API key",
			Kind:           providers.FieldSecret,
			Required:       true,
			Pattern:        `^SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}$`,
			PatternMessage: "A SendGrid API key looks like SG.<id>.<secret>.",
			Placeholder:    "SG.…",
		},
		{
			Name:    "region",
			Label:   "Data residency",
			Kind:    providers.FieldSelect,
			Options: []string{"global", "eu"},
			Default: "global",
			Help:    "Choose eu only if the account was created with EU data residency (api.eu.sendgrid.com).",
		},
	},
	Steps: []string{
		"Open SendGrid → Settings → API Keys (https://app.sendgrid.com/settings/api_keys).",
		"Click \"Create API Key\", name it \"patchbay\" and choose \"Restricted Access\".",
		"Grant Mail Send: Full Access, API Keys: Full Access, and Mail Settings → Event Webhook: Full Access.",
		"Create the key and paste it here; SendGrid shows it only once.",
	},
	Permissions: RequiredScopes,
	Validator:   providers.ValidatorFunc(validate),
}
