// Package redis declares what Patchbay knows about Redis Cloud.
package redis

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns Redis Cloud's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "redis",
		DisplayName: "Redis Cloud",
		Category:    providers.Service,
		Signatures:  signatures,
		Credentials: credentials,
	}
}
