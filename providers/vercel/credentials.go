package vercel

import "github.com/patchbay-dev/patchbay/providers"

var credentials = &providers.CredentialSpec{
	Endpoint: "VERCEL",
	DocsURL:  "https://vercel.com/guides/how-do-i-use-a-vercel-api-access-token",
	Fields: []providers.Field{
		{
			Name:           "token",
			Label:          "Access token",
			Kind:           providers.FieldSecret,
			Required:       true,
			Pattern:        `^[A-Za-z0-9_]{20,}$`,
			PatternMessage: "A Vercel access token is at least 20 letters and digits, without spaces.",
			Help:           "Scope the token to the team that owns your projects and give it an expiration date.",
		},
		{
			Name:           "team_id",
			Label:          "Team ID",
			Kind:           providers.FieldText,
			Pattern:        `^team_[A-Za-z0-9]+$`,
			PatternMessage: "A Vercel team ID starts with team_ (find it in Team Settings → General).",
			Placeholder:    "team_…",
			Help:           "Leave empty for projects on your personal account.",
		},
	},
	Steps: []string{
		"Open Vercel → Account Settings → Tokens (https://vercel.com/account/tokens).",
		"Click \"Create\", name it \"patchbay\", pick the team that owns your projects as the scope, and set an expiration.",
		"Copy the token and paste it here; Vercel shows it only once.",
		"If the projects belong to a team, copy the Team ID from Team Settings → General.",
	},
	// What the calls need, from Calls (calls.go): the check's reads of the
	// user, the team and the token itself.
	Permissions: formPermissions(),
	Validator:   providers.ValidatorFunc(validate),
}
