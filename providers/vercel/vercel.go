// Package vercel declares what Patchbay knows about Vercel.
package vercel

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns Vercel's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "vercel",
		DisplayName: "Vercel",
		Category:    providers.Service,
		Signatures:  signatures,
		Credentials: credentials,
	}
}
