// Package clerk declares what Patchbay knows about Clerk.
package clerk

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns Clerk's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "clerk",
		DisplayName: "Clerk",
		Category:    providers.Service,
		Signatures:  signatures,
		Credentials: credentials,
	}
}
