// Package github declares what Patchbay knows about GitHub.
package github

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns GitHub's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "github",
		DisplayName: "GitHub",
		Category:    providers.Service,
		Signatures:  signatures,
		Credentials: credentials,
		Actions:     actions(),
		Triggers:    []providers.Trigger{trigger},
	}
}
