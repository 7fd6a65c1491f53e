package digitalocean

import "github.com/patchbay-dev/patchbay/providers"

// RequiredScopes are the custom scopes Patchbay's calls need: the
// credential check's GET /v2/account needs account:read
// (https://docs.digitalocean.com/reference/api/scopes/), and Patchbay makes
// no other DigitalOcean call. It asked for project:read and project:create
// as well, which no code used.
var RequiredScopes = []string{"account:read"}

var credentials = &providers.CredentialSpec{
	Endpoint: "DIGITALOCEAN",
	DocsURL:  "https://docs.digitalocean.com/reference/api/create-personal-access-token/",
	Fields: []providers.Field{{
		Name:           "token",
		Label:          "Personal access token",
		Kind:           providers.FieldSecret,
		Required:       true,
		Pattern:        `^dop_v1_[a-f0-9]{64}$`,
		PatternMessage: "A DigitalOcean personal access token starts with dop_v1_ followed by 64 hex characters.",
		Placeholder:    "dop_v1_…",
		Help:           "Create a token with custom scopes limited to the ones listed below, and an expiry.",
	}},
	Steps: []string{
		"Open the DigitalOcean control panel → API → Tokens (https://cloud.digitalocean.com/account/api/tokens).",
		"Click \"Generate New Token\", name it \"patchbay\" and choose an expiration.",
		"Choose \"Custom Scopes\" and tick only account:read: Patchbay makes no other DigitalOcean call.",
		"Generate the token and paste it here; DigitalOcean shows it only once.",
	},
	Permissions: RequiredScopes,
	Validator:   providers.ValidatorFunc(validate),
}
