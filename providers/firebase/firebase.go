// Package firebase declares what Patchbay knows about Firebase.
package firebase

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns Firebase's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "firebase",
		DisplayName: "Firebase",
		Category:    providers.Service,
		Signatures:  signatures,
		Credentials: credentials,
	}
}
