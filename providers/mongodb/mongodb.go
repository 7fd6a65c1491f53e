// Package mongodb declares what Patchbay knows about MongoDB Atlas.
package mongodb

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns MongoDB Atlas's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "mongodb",
		DisplayName: "MongoDB Atlas",
		Category:    providers.Service,
		Signatures:  signatures,
		Credentials: credentials,
	}
}
