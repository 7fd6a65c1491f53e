// Package digitalocean declares what Patchbay knows about DigitalOcean.
package digitalocean

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns DigitalOcean's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "digitalocean",
		DisplayName: "DigitalOcean",
		Category:    providers.Cloud,
		Signatures:  signatures,
		Credentials: credentials,
	}
}
