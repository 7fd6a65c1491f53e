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
		EndpointKey: "STRIPE",
		Resources: func(o providers.HTTPOptions) []providers.ResourceType {
			return []providers.ResourceType{NewWebhookEndpointType(o), NewProductType(o), NewPriceType(o)}
		},
		Desire: func(in providers.DesiredInput) ([]providers.Desired, []string) {
			out, warnings := DesireWebhooks(in)
			c, w := DesireCatalog(in)
			return append(out, c...), append(warnings, w...)
		},
		Config:   []providers.ConfigSection{{Name: "stripe", Decode: providers.DecodeSection(validateConfig)}},
		Actions:  actions(),
		Triggers: []providers.Trigger{trigger},
	}
}
