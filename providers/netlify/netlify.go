// Package netlify declares what Patchbay knows about Netlify.
package netlify

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns Netlify's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "netlify",
		DisplayName: "Netlify",
		Category:    providers.Service,
		Signatures:  signatures,
		Credentials: credentials,
	}
}
