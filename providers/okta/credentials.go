package okta

import (
	"net/url"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

// RequiredRole is what the API token needs. A token acts with its
// creator's admin permissions, and the Application Administrator role
// (which may be constrained to OIDC apps) is the smallest standard role
// that creates, modifies and deletes OIDC apps and views users, which is
// all Patchbay's provisioning and its get_user action do.
// https://developer.okta.com/docs/guides/create-an-api-token/main/
// https://help.okta.com/oie/en-us/content/topics/security/administrators-app-admin.htm
var RequiredRole = []string{"Application Administrator role (may be constrained to OIDC apps), or Super Administrator"}

var credentials = &providers.CredentialSpec{
	Endpoint: "OKTA",
	DocsURL:  "https://developer.okta.com/docs/guides/create-an-api-token/main/",
	Fields: []providers.Field{
		{
			Name:           "org_url",
			Label:          "Org URL",
			Kind:           providers.FieldText,
			Required:       true,
			Pattern:        `^https://[a-z0-9][a-z0-9.-]*\.[a-z]{2,}$`,
			PatternMessage: "Use the org's URL, such as https://dev-123456.okta.com (without -admin and without a path).",
			Placeholder:    "https://dev-123456.okta.com",
			Help:           "Shown in the Admin Console's top-right menu. A trailing slash, a path and the -admin part are removed.",
		},
		{
			Name:           "api_token",
			Label:          "API token",
			Kind:           providers.FieldSecret,
			Required:       true,
			Pattern:        `^[A-Za-z0-9_-]{20,}$`,
			PatternMessage: "An Okta API token is at least 20 letters, digits, - and _ (it is shown once, when created).",
		},
	},
	Steps: []string{
		"Sign in to the Okta Admin Console as an administrator with the Application Administrator role (or Super Administrator).",
		"Go to Security → API → Tokens and click \"Create token\"; name it \"Patchbay\".",
		"Copy the token value (Okta shows it only once) and your org URL, and paste them here.",
	},
	Permissions: RequiredRole,
	Normalize:   normalize,
	Validator:   providers.ValidatorFunc(validate),
}

// normalize reduces what users paste (dev-1.okta.com, https://dev-1-admin.okta.com/admin/dashboard)
// to the org URL https://dev-1.okta.com.
func normalize(v providers.Values) (providers.Values, error) {
	u := strings.ToLower(strings.TrimSpace(v["org_url"]))
	if u == "" {
		return v, nil
	}
	if !strings.Contains(u, "://") {
		u = "https://" + u
	}
	p, err := url.Parse(u)
	if err != nil || p.Hostname() == "" {
		return nil, &providers.FieldError{Field: "org_url", Message: "The org URL is not a valid URL."}
	}
	host := strings.TrimSuffix(p.Hostname(), ".")
	if first, rest, ok := strings.Cut(host, "."); ok {
		host = strings.TrimSuffix(first, "-admin") + "." + rest
	}
	v["org_url"] = "https://" + host
	return v, nil
}
