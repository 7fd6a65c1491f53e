// Package stripe declares what Patchbay knows about Stripe.
package stripe

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns Stripe's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "stripe",
		DisplayName: "Stripe",
		Category:    providers.Service,
		Signatures:  signatures,
		Credentials: credentials,
	}
}
