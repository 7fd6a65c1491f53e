package engine

// Endpoints point each provider's resource types somewhere else than
// production (PATCHBAY_ENDPOINT_<PROVIDER>, fakes in tests).
type Endpoints struct {
	Auth0, Stripe, SendGrid, Twilio, AWS HTTPOptions
}

// AllTypes are every resource type Patchbay provisions.
func AllTypes(o Endpoints) []ResourceType {
	return []ResourceType{
		NewAuth0Clients(o.Auth0), NewStripeWebhooks(o.Stripe), NewStripeProducts(o.Stripe), NewStripePrices(o.Stripe),
		NewSendGridAPIKeys(o.SendGrid), NewSendGridEventWebhooks(o.SendGrid), NewCognitoAppClients(o.AWS),
		NewTwilioNumberWebhooks(o.Twilio),
	}
}
