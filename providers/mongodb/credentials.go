package mongodb

import "github.com/patchbay-dev/patchbay/providers"

// RequiredRoles are what Patchbay's calls need: its one Atlas call (the
// credential check's GET /api/atlas/v2/orgs) needs the Organization
// Member role ("the requesting Service Account or API Key must have the
// Organization Member role",
// https://www.mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Organizations/operation/listOrganizations),
// the least organization role. It asked for Organization Project Creator,
// which lets a leaked secret create projects, and no code creates one.
var RequiredRoles = []string{"Organization Member (ORG_MEMBER)"}

var credentials = &providers.CredentialSpec{
	Endpoint: "MONGODB",
	DocsURL:  "https://www.mongodb.com/docs/atlas/api/service-accounts-overview/",
	Fields: []providers.Field{
		{
			Name:           "client_id",
			Label:          "Service account client ID",
			Kind:           providers.FieldText,
			Required:       true,
			Pattern:        `^mdb_sa_id_[0-9a-f]{24}$`,
			PatternMessage: "A service account client ID looks like mdb_sa_id_ followed by 24 hex characters.",
			Placeholder:    "mdb_sa_id_…",
		},
		{
			Name:           "client_secret",
			Label:          "Service account secret",
			Kind:           providers.FieldSecret,
			Required:       true,
			Pattern:        `^\S{16,}$`,
			PatternMessage: "The secret is a long value without spaces, shown once when created.",
			Help:           "Service-account secrets expire (you chose when); Patchbay reports when it stops working.",
		},
		{
			Name:           "org_id",
			Label:          "Organization ID",
			Kind:           providers.FieldText,
			Pattern:        `^[0-9a-f]{24}$`,
			PatternMessage: "An Atlas organization ID is 24 hex characters (Organization Settings).",
			Help:           "Optional: Patchbay checks the service account belongs to this organization.",
		},
	},
	Steps: []string{
		"Open Atlas → Organization → Access Manager → Applications → Service Accounts (https://cloud.mongodb.com/v2#/org/{orgId}/access/apiKeys).",
		"Click \"Create Service Account\", name it \"patchbay\" and give it the Organization Member role: Patchbay only lists the organizations it can see.",
		"Choose a secret expiration, create it and copy the client ID and secret (the secret is shown once).",
		"Add your IP address to the service account's API access list, then paste the values here.",
	},
	Permissions: RequiredRoles,
	Validator:   providers.ValidatorFunc(validate),
}
