package aws

import "github.com/patchbay-dev/patchbay/providers"

// RequiredActions are what Patchbay's provisioning calls; the check asks
// IAM's policy simulator whether the caller may perform them.
var RequiredActions = []string{
	"iam:CreateUser", "iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:AttachUserPolicy",
	"cognito-idp:CreateUserPoolClient", "cognito-idp:DescribeUserPoolClient",
	"cognito-idp:UpdateUserPoolClient", "cognito-idp:DeleteUserPoolClient",
}

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
		"Attach a policy that allows only the actions listed below (plus iam:SimulatePrincipalPolicy so Patchbay can check them).",
		"Open the user → Security credentials → Create access key → \"Application running outside AWS\".",
		"Copy the access key ID and secret access key (shown once) and paste them here.",
	},
	Permissions: append(append([]string{}, RequiredActions...), "iam:SimulatePrincipalPolicy (optional: lets Patchbay verify the others)"),
	Validator:   providers.ValidatorFunc(validate),
}
