package auth0

import (
	"net/url"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

// RequiredScopes are the Management API scopes the calls Patchbay makes
// need (see Calls), and nothing more.
var RequiredScopes = Calls.Permissions()

var credentials = &providers.CredentialSpec{
	Endpoint: "AUTH0",
	DocsURL:  "https://auth0.com/docs/secure/tokens/access-tokens/management-api-access-tokens",
	Fields: []providers.Field{
		{
			Name:           "domain",
			Label:          "Tenant domain",
			Kind:           providers.FieldText,
			Required:       true,
			Pattern:        `^[a-z0-9][a-z0-9-]*(\.[a-z]{2,3})?\.auth0\.com$`,
			PatternMessage: "Use the tenant's canonical domain (tenant.auth0.com or tenant.eu.auth0.com), not a custom domain: the Management API audience is tied to it.",
			Placeholder:    "your-tenant.us.auth0.com",
			Help:           "Shown in the application's Settings → Basic Information. https:// and trailing slashes are removed.",
		},
		{
			Name:           "client_id",
			Label:          "Client ID",
			Kind:           providers.FieldText,
			Required:       true,
			Pattern:        `^[A-Za-z0-9]{32}$`,
			PatternMessage: "An Auth0 client ID is 32 letters and digits.",
		},
		{
			Name:           "client_secret",
			Label:          "Client secret",
			Kind:           providers.FieldSecret,
			Required:       true,
			Pattern:        `^[A-Za-z0-9_-]{32,}$`,
			PatternMessage: "An Auth0 client secret is at least 32 letters, digits, - and _.",
		},
		{
			Name:        "audience",
			Label:       "API audience for the app (optional)",
			Kind:        providers.FieldText,
			Placeholder: "https://api.example.com",
			Help:        "The identifier of the API your app requests access tokens for (Applications → APIs); injected as AUTH0_AUDIENCE. Leave empty when the app only signs users in.",
		},
	},
	Steps: []string{
		"Open the Auth0 Dashboard → Applications → Applications and click \"Create Application\".",
		"Name it \"Patchbay\", choose \"Machine to Machine Applications\" and select the \"Auth0 Management API\".",
		"Grant only the scopes listed below and click \"Authorize\".",
		"On the application's Settings tab copy the Domain, Client ID and Client Secret and paste them here.",
	},
	Permissions: RequiredScopes,
	Normalize:   normalize,
	Validator:   providers.ValidatorFunc(validate),
}

// normalize reduces what users paste ("https://tenant.auth0.com/",
// "tenant.auth0.com/api/v2/") to the bare tenant domain.
func normalize(v providers.Values) (providers.Values, error) {
	d := strings.ToLower(strings.TrimSpace(v["domain"]))
	if d != "" {
		if !strings.Contains(d, "://") {
			d = "https://" + d
		}
		u, err := url.Parse(d)
		if err != nil || u.Host == "" {
			return nil, &providers.FieldError{Field: "domain", Message: "The tenant domain is not a valid host name."}
		}
		v["domain"] = strings.TrimSuffix(u.Hostname(), ".")
	}
	return v, nil
}

// NormalizeDomain exposes the domain normalization to other packages.
func NormalizeDomain(d string) string {
	v, err := normalize(providers.Values{"domain": d})
	if err != nil {
		return d
	}
	return v["domain"]
}
