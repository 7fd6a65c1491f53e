package aws

import "github.com/patchbay-dev/patchbay/providers"

var credentials = &providers.CredentialSpec{
	Endpoint: "AWS",
	DocsURL:  "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
	Fields: []providers.Field{
		{
			Name:           "access_key_id",
			Label:          "Access key ID",
			Kind:           providers.FieldText,
			Required:       true,
			Pattern:        `^(AKIA|ASIA)[A-Z2-7]{16}$`,
			PatternMessage: "An access key ID is 20 characters starting with AKIA (long-term) or ASIA (temporary).",
			Placeholder:    "AKIA…",
		},
		{
			Name:           "secret_access_key",
			Label:          "Secret access key",
			Kind:           providers.FieldSecret,
			Required:       true,
			Pattern:        `^[A-Za-z0-9/+=]{40}$`,
			PatternMessage: "A secret access key is 40 characters of letters, digits, / and +.",
		},
		{
			Name:  "session_token",
			Label: "Session token",
			Kind:  providers.FieldSecret,
			Help:  "Only for temporary credentials (ASIA… key IDs); they expire within hours.",
		},
		{
			Name:           "user_pool_ids",
			Label:          "Cognito user pools (optional)",
			Kind:           providers.FieldText,
			Pattern:        `^[a-z]{2}(-[a-z]+)+-[0-9]_[0-9A-Za-z]+(\s*,\s*[a-z]{2}(-[a-z]+)+-[0-9]_[0-9A-Za-z]+)*$`,
			PatternMessage: "List user pool IDs such as us-east-1_AbCdEf123, separated by commas.",
			Placeholder:    "us-east-1_AbCdEf123",
			Help:           "The pools your patchbay.json names. The permission check simulates the policy on these pools; empty checks every pool of the region, which a policy limited to certain pools does not allow.",
		},
		{
			Name:           "region",
			Label:          "Region",
			Kind:           providers.FieldText,
			Default:        "us-east-1",
			Pattern:        `^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`,
			PatternMessage: "A region looks like us-east-1 or eu-west-3.",
			Help:           "Where Patchbay creates regional resources such as Cognito app clients.",
		},
	},
	Steps: []string{
		"Open the AWS console → IAM → Users → Create user, named \"patchbay\" (no console access).",
		"Attach a policy that allows only the actions listed below on your user pools (Resource arn:aws:cognito-idp:REGION:ACCOUNT:userpool/POOL_ID), plus iam:SimulatePrincipalPolicy on the user itself so Patchbay can check them.",
		"Open the user → Security credentials → Create access key → \"Application running outside AWS\".",
		"Copy the access key ID and secret access key (shown once) and paste them here.",
	},
	Permissions: append(append([]string{}, RequiredActions...), "iam:SimulatePrincipalPolicy on the user itself (optional: lets Patchbay verify the others)"),
	Validator:   providers.ValidatorFunc(validate),
}
