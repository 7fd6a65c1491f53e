// Package okta declares what Patchbay knows about Okta: how it looks in
// code, its credential form and live check, the OIDC app it provisions for
// a service's callbacks (with the env vars the app provides), and the
// actions API keys can run.
package okta

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns Okta's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "okta",
		DisplayName: "Okta",
		Category:    providers.Service,
		Signatures:  signatures,
		Credentials: credentials,
		EndpointKey: "OKTA",
		Resources: func(o providers.HTTPOptions) []providers.ResourceType {
			return []providers.ResourceType{NewAppType(o)}
		},
		Desire:  Desire,
		Actions: actions(),
	}
}
