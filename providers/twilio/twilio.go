// Package twilio declares what Patchbay knows about Twilio.
package twilio

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns Twilio's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "twilio",
		DisplayName: "Twilio",
		Category:    providers.Service,
		Signatures:  signatures,
		Credentials: credentials,
		EndpointKey: "TWILIO",
		Resources: func(o providers.HTTPOptions) []providers.ResourceType {
			return []providers.ResourceType{NewNumberWebhooksType(o)}
		},
		Desire:  Desire,
		Config:  []providers.ConfigSection{{Name: "twilio", Decode: providers.DecodeSection(validateConfig)}},
		Actions: actions(),
	}
}
