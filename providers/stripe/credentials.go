package stripe

import "github.com/patchbay-dev/patchbay/providers"

var credentials = &providers.CredentialSpec{
	Endpoint: "STRIPE",
	DocsURL:  "https://docs.stripe.com/keys",
	Fields: []providers.Field{{
		Name:           "secret_key",
		Label:          "Secret or restricted key",
		Kind:           providers.FieldSecret,
		Required:       true,
		Pattern:        `^(sk|rk)_(test|live)_[A-Za-z0-9]{10,}$`,
		PatternMessage: "A Stripe server key starts with sk_test_, sk_live_, rk_test_ or rk_live_ (a pk_ publishable key cannot call the API).",
		Placeholder:    "rk_test_…",
		Help:           "A restricted key (rk_) with only the permissions below is safest. Use a test-mode key while developing. The app gets this key as STRIPE_SECRET_KEY; for live mode, save a second profile with a restricted key that holds only the permissions the app itself needs.",
	}, {
		Name:           "publishable_key",
		Label:          "Publishable key (optional)",
		Kind:           providers.FieldText,
		Pattern:        `^pk_(test|live)_[A-Za-z0-9]{10,}$`,
		PatternMessage: "A Stripe publishable key starts with pk_test_ or pk_live_.",
		Placeholder:    "pk_test_…",
		Help:           "Shown on the same API keys page. Patchbay injects it as STRIPE_PUBLISHABLE_KEY (or NEXT_PUBLIC_…) for the app's browser code; it cannot call the API.",
	}},
	Steps: []string{
		"Open the Stripe Dashboard → Developers → API keys (https://dashboard.stripe.com/test/apikeys for test mode).",
		"Click \"Create restricted key\", name it \"patchbay\".",
		"Set Products, Prices and Webhook Endpoints to Write (and Customers to Write if agents use the create_customer action); leave everything else at None.",
		"Create the key and paste the rk_test_… value here. Stripe shows it only once.",
	},
	Permissions: []string{
		"Products: Write (rak_product_write)",
		"Prices: Write (rak_price_write)",
		"Webhook Endpoints: Write (rak_webhook_write)",
		"Customers: Write (rak_customer_write), only for the gateway's create_customer action",
	},
	Validator: providers.ValidatorFunc(validate),
}
