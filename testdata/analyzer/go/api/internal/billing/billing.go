package billing

import (
	"os"

	sc "github.com/stripe/stripe-go/v82"
	"github.com/stripe/stripe-go/v82/webhook"
)

// Client returns the Stripe client; the key's name does not say Stripe, the
// data flow does.
func Client() *sc.Client {
	return sc.NewClient(os.Getenv("PAYMENTS_KEY"))
}

var _ = webhook.ConstructEvent
