package redis

import "github.com/patchbay-dev/patchbay/providers"

// RequiredRole is what Patchbay's calls need: its one Redis Cloud call, the
// credential check's GET / (the account), is a read, which the Viewer role
// allows ("Viewer can view all databases and their configurations"; a user
// key "belongs to a specific user having the Owner, Viewer, or Logs viewer
// role", https://redis.io/docs/latest/operate/rc/api/get-started/). It
// asked for a Manager role to create subscriptions and databases, which no
// code does.
const RequiredRole = "Viewer"

var credentials = &providers.CredentialSpec{
	Endpoint: "REDIS",
	DocsURL:  "https://redis.io/docs/latest/operate/rc/api/get-started/manage-api-keys/",
	Fields: []providers.Field{
		{
			Name:           "account_key",
			Label:          "API account key",
			Kind:           providers.FieldSecret,
			Required:       true,
			Pattern:        `^[A-Za-z0-9]{20,}$`,
			PatternMessage: "The account key is a long string of letters and digits (Access Management → API Keys).",
			Help:           "Sent as x-api-key. It identifies the account; it is the same for every user key.",
		},
		{
			Name:           "user_key",
			Label:          "API user key",
			Kind:           providers.FieldSecret,
			Required:       true,
			Pattern:        `^[A-Za-z0-9]{20,}$`,
			PatternMessage: "The user key is a long string of letters and digits, shown once when created.",
			Help:           "Sent as x-api-secret-key. Create it for a user with the Viewer role (Patchbay only reads the account), restricted to your IP if you can.",
		},
	},
	Steps: []string{
		"Open Redis Cloud → Access Management → API Keys (https://cloud.redis.io/#/access-management/api-keys).",
		"If API access is off, click \"Enable API\"; copy the account key shown at the top.",
		"Click \"+\" to add a user key, name it \"patchbay\" and pick a user with the Viewer role: Patchbay only reads the account, and an Owner's key could change everything.",
		"Copy the user key (shown once) and paste both keys here. Optionally restrict the key to your IP range.",
	},
	Permissions: []string{RequiredRole},
	Validator:   providers.ValidatorFunc(validate),
}
