// Package sendgrid declares what Patchbay knows about SendGrid.
package sendgrid

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns SendGrid's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "sendgrid",
		DisplayName: "SendGrid",
		Category:    providers.Service,
		Signatures:  signatures,
		Credentials: credentials,
		EndpointKey: "SENDGRID",
		Resources: func(o providers.HTTPOptions) []providers.ResourceType {
			return []providers.ResourceType{NewAPIKeyType(o), NewEventWebhookType(o)}
		},
		Desire:  Desire,
		Config:  []providers.ConfigSection{{Name: "sendgrid", Decode: providers.DecodeSection[Config](nil)}},
		Actions: actions(),
	}
}
