package gateway_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/gateway"
	"github.com/patchbay-dev/patchbay/gateway/gatewaytest"
	"github.com/patchbay-dev/patchbay/providers/stripe"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
)

// TestStripeActionsAgainstStripeMock checks the request shapes of the
// Stripe actions against the official spec-validating mock: an unknown or
// mis-encoded parameter would be a 400 there.
func TestStripeActionsAgainstStripeMock(t *testing.T) {
	if testing.Short() {
		t.Skip("starts stripe-mock")
	}
	base := stripetest.StartMock(t)
	e := newEnv(t, func(c *gateway.Config) { c.Endpoints["STRIPE"] = base })
	ctx := context.Background()
	_, tok := e.createKey(t, "", "mock", []gateway.Grant{{Provider: "stripe", Components: []string{"create_customer", "create_product", "create_price", "events"}}})
	p := e.auth(t, tok)
	tests := []struct {
		action string
		input  map[string]any
		prefix string
	}{
		{"create_customer", map[string]any{"email": "ada@example.com", "name": "Ada", "metadata": map[string]any{"crm_id": "42"}}, "cus_"},
		{"create_product", map[string]any{"name": "Pro", "description": "Pro plan", "active": true, "metadata": map[string]any{"tier": "pro"}}, "prod_"},
		{"create_price", map[string]any{"currency": "usd", "unit_amount": float64(1200), "product": "prod_NWjs8kKbJWmuuc",
			"nickname": "monthly", "lookup_key": "pro_monthly", "recurring": map[string]any{"interval": "month", "interval_count": float64(1)}}, "price_"},
	}
	for _, tc := range tests {
		t.Run(tc.action, func(t *testing.T) {
			out, err := e.gw.RunAction(ctx, p, "stripe", tc.action, tc.input, "idem-"+tc.action)
			if err != nil {
				t.Fatal(err)
			}
			if id, _ := out["id"].(string); !strings.HasPrefix(id, tc.prefix) {
				t.Fatalf("out = %v", out)
			}
		})
	}
	// The mock does validate: a parameter outside the spec is refused, so
	// the passes above mean the encodings match the spec.
	_, err := stripe.NewActionClient(gatewaytest.StripeKey, base, nil).CreateCustomer(ctx, map[string]any{"bogus_param": "x"}, "")
	var ae *stripe.ActionError
	if !errors.As(err, &ae) || ae.Status != 400 {
		t.Fatalf("unknown parameter: %v", err)
	}
	// stripe-mock's webhook_endpoint fixture has no secret (providers.md
	// §1.9): the trigger must refuse rather than register a webhook whose
	// deliveries it could never verify.
	_, _, err = e.gw.CreateTrigger(ctx, p, "stripe", "events", map[string]any{"events": []any{"customer.created"}}, "https://example.test/in")
	if !errors.Is(err, gateway.ErrProvider) || !strings.Contains(err.Error(), "signing secret") {
		t.Fatalf("trigger against stripe-mock: %v", err)
	}
}
