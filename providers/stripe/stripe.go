// Package stripe declares what Patchbay knows about Stripe.
package stripe

import "github.com/patchbay-dev/patchbay/providers"

// APIVersion is the Stripe API version every request Patchbay sends names
// in its Stripe-Version header: the resource types, the actions and
// triggers, and the credential check. Without the header Stripe answers in
// the account's default version (https://docs.stripe.com/api-versions:
// the header when set, else the account default), which the account owner
// can upgrade at any time, so the objects Patchbay decodes could change
// shape under it; pinned, they change only when this constant does. It is
// a Basil version, the major release the clients were written and checked
// against (docs/providers.md).
const APIVersion = "2025-08-27.basil"

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
