package github

import "github.com/patchbay-dev/patchbay/providers"

var credentials = &providers.CredentialSpec{
	Endpoint: "GITHUB",
	DocsURL:  "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens",
	Fields: []providers.Field{
		{
			Name:           "token",
			Label:          "Fine-grained personal access token",
			Kind:           providers.FieldSecret,
			Required:       true,
			Pattern:        `^(github_pat_|ghp_)[A-Za-z0-9_]{20,}$`,
			PatternMessage: "A fine-grained personal access token starts with github_pat_ (classic tokens start with ghp_ and grant far more than Patchbay needs).",
			Placeholder:    "github_pat_…",
			Help:           "Limit it to the repositories Patchbay manages and give it an expiration.",
		},
		{
			Name:           "repository",
			Label:          "Repository to check",
			Kind:           providers.FieldText,
			Pattern:        `^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`,
			PatternMessage: "Write the repository as owner/name.",
			Placeholder:    "owner/repo",
			Help:           "Optional: Patchbay checks the token's permissions on this repository.",
		},
	},
	Steps: []string{
		"Open GitHub → Settings → Developer settings → Personal access tokens → Fine-grained tokens (https://github.com/settings/personal-access-tokens/new).",
		"Name it \"patchbay\", set an expiration, and choose the resource owner (you or your organization).",
		"Under Repository access choose \"Only select repositories\" and pick the repositories Patchbay manages.",
		"Under Repository permissions set Issues and Webhooks to \"Read and write\" (Metadata becomes read-only automatically).",
		"Generate the token and paste it here; GitHub shows it only once. Organizations may need to approve it.",
	},
	Permissions: permissionList(),
	Validator:   providers.ValidatorFunc(validate),
}
