// Package mailgun declares what Patchbay knows about Mailgun.
package mailgun

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns Mailgun's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "mailgun",
		DisplayName: "Mailgun",
		Category:    providers.Service,
		Signatures:  signatures,
		Credentials: credentials,
		Actions:     actions(),
	}
}
