// Package aws declares what Patchbay knows about AWS.
package aws

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns AWS's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "aws",
		DisplayName: "AWS",
		Category:    providers.Cloud,
		Signatures:  signatures,
		Credentials: credentials,
	}
}
