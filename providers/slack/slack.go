// Package slack declares what Patchbay knows about Slack.
package slack

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns Slack's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "slack",
		DisplayName: "Slack",
		Category:    providers.Service,
		Signatures:  signatures,
		Credentials: credentials,
		Actions:     actions(),
	}
}
