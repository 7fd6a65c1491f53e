package engine_test

import (
	"context"
	"testing"

	"github.com/patchbay-dev/patchbay/engine"
	stripeprov "github.com/patchbay-dev/patchbay/providers/stripe"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
)

// TestStripeWebhookShapesAgainstStripeMock sends every webhook-endpoint
// call the engine makes to the spec-validating stripe-mock: a mis-encoded
// or unknown parameter would be a 400 there. (stripe-mock keeps no state
// and returns fixtures, so only the shapes are checked here; state and the
// whsec_ secret are covered by the stateful fake.)
func TestStripeWebhookShapesAgainstStripeMock(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts stripe-mock")
	}
	base := stripetest.StartMock(t)
	ctx := context.Background()
	typ := stripeprov.NewWebhookEndpointType(engine.HTTPOptions{BaseURL: base})
	c := engine.Credentials{"secret_key": "sk_test_123"}
	props := engine.Props{"url": {"https://shop.example.dev/api/webhooks/stripe"},
		"enabled_events": {"checkout.session.completed", "invoice.paid"}, "description": {"patchbay shop/web (local)"}}

	st, err := typ.Create(ctx, c, props, "patchbay-idem-1")
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if st.ID == "" {
		t.Fatalf("create returned no id: %+v", st)
	}
	if _, err := typ.Update(ctx, c, st.ID, props); err != nil {
		t.Errorf("update: %v", err)
	}
	if _, err := typ.Read(ctx, c, st.ID); err != nil {
		t.Errorf("read: %v", err)
	}
	if _, err := typ.Lookup(ctx, c, props); err != nil {
		t.Errorf("lookup (list): %v", err)
	}
	if err := typ.Delete(ctx, c, st.ID); err != nil {
		t.Errorf("delete: %v", err)
	}
}
