package mailgun

import "github.com/patchbay-dev/patchbay/providers"

var credentials = &providers.CredentialSpec{
	Endpoint: "MAILGUN",
	DocsURL:  "https://documentation.mailgun.com/docs/mailgun/user-manual/get-started/#primary-account-api-key",
	Fields: []providers.Field{
		{
			Name:           "api_key",
			Label:          "API key",
			Kind:           providers.FieldSecret,
			Required:       true,
			Pattern:        `^\S{20,}$`,
			PatternMessage: "A Mailgun API key is a long value without spaces.",
		},
		{
			Name:    "region",
			Label:   "Region",
			Kind:    providers.FieldSelect,
			Options: []string{"us", "eu"},
			Default: "us",
			Help:    "The region your sending domain was created in (api.mailgun.net or api.eu.mailgun.net).",
		},
		{
			Name:           "domain",
			Label:          "Sending domain",
			Kind:           providers.FieldText,
			Pattern:        `^[a-z0-9.-]+\.[a-z]{2,}$`,
			PatternMessage: "Write the domain without scheme, e.g. mg.example.com.",
			Placeholder:    "mg.example.com",
			Help:           "Optional: Patchbay checks the key can see this domain and that it is in the chosen region.",
		},
	},
	Steps: []string{
		"Open Mailgun → Account settings → API security (https://app.mailgun.com/settings/api_security).",
		"Click \"Add new key\", name it \"patchbay\", and copy the key (shown once).",
		"Note the region of your sending domain (Sending → Domains shows US or EU) and paste the values here.",
	},
	// What the calls need, from Calls (calls.go): the check lists domains
	// (GET /v4/domains), the send action posts /v3/{domain}/messages.
	Permissions: formPermissions(),
	Validator:   providers.ValidatorFunc(validate),
}
