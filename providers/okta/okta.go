// Package okta declares what Patchbay knows about Okta.
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
	}
}
