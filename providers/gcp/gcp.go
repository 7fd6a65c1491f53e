// Package gcp declares what Patchbay knows about Google Cloud.
package gcp

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns Google Cloud's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "gcp",
		DisplayName: "Google Cloud",
		Category:    providers.Cloud,
		Signatures:  signatures,
		Credentials: credentials,
	}
}
