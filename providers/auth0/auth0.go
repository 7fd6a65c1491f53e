// Package auth0 declares what Patchbay knows about Auth0.
package auth0

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns Auth0's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "auth0",
		DisplayName: "Auth0",
		Category:    providers.Service,
		Signatures:  signatures,
		Credentials: credentials,
		EndpointKey: "AUTH0",
		Resources: func(o providers.HTTPOptions) []providers.ResourceType {
			return []providers.ResourceType{NewClientType(o)}
		},
		Desire: Desire,
	}
}
