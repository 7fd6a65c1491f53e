package netlify

import "github.com/patchbay-dev/patchbay/providers"

// DefaultRedirectPort is the loopback port of the redirect URI registered
// with the OAuth application; Netlify does not document dynamic ports.
const DefaultRedirectPort = "8976"

var credentials = &providers.CredentialSpec{
	Endpoint: "NETLIFY",
	OAuth:    true,
	DocsURL:  "https://docs.netlify.com/api/get-started/#authentication",
	Fields: []providers.Field{
		{
			Name:     "client_id",
			Label:    "OAuth application client ID",
			Kind:     providers.FieldText,
			Required: true,
			Pattern:  `^[A-Za-z0-9_-]{16,}$`,
			Help:     "From the OAuth application you registered under User settings → Applications → OAuth.",
		},
		{
			Name:     "client_secret",
			Label:    "OAuth application secret",
			Kind:     providers.FieldSecret,
			Required: true,
			Pattern:  `^[A-Za-z0-9_-]{16,}$`,
		},
		{
			Name:           "redirect_port",
			Label:          "Loopback redirect port",
			Kind:           providers.FieldText,
			Default:        DefaultRedirectPort,
			Pattern:        `^[0-9]{1,5}$`,
			PatternMessage: "A port number.",
			Help:           "The application's redirect URI must be exactly http://127.0.0.1:<port>/callback.",
		},
		{
			Name:     "access_token",
			Label:    "Connect with Netlify",
			Kind:     providers.FieldOAuth,
			Required: true,
			Help:     "Opens your browser to authorize Patchbay; there is no token to paste.",
		},
	},
	Steps: []string{
		"Open Netlify → User settings → Applications → OAuth → New OAuth app (https://app.netlify.com/user/applications).",
		"Name it \"Patchbay\" and set the redirect URI to http://127.0.0.1:8976/callback.",
		"Copy the client ID and secret into this form.",
		"Click \"Connect with Netlify\" and approve in the browser window that opens; Patchbay receives the token through the loopback redirect.",
	},
	Permissions: []string{"OAuth access to the Netlify account (Netlify OAuth tokens are not scoped): sites, environment variables, build hooks and deploy notifications"},
	Validator:   providers.ValidatorFunc(validate),
}
