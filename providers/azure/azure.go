// Package azure declares what Patchbay knows about Azure.
package azure

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns Azure's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "azure",
		DisplayName: "Azure",
		Category:    providers.Cloud,
		Signatures:  signatures,
		Credentials: credentials,
	}
}
