package stripe_test

import (
	"context"
	"testing"

	"github.com/patchbay-dev/patchbay/providers/stripe"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
)

// TestProductWithoutDescription: a product declared without a description
// is created (Stripe refuses description="" on create) and a description
// removed later is unset on update.
func TestProductWithoutDescription(t *testing.T) {
	t.Parallel()
	s := stripetest.New(t)
	c := stripe.NewCatalog(stripetest.TestKey, s.URL, nil)
	ctx := context.Background()
	p, err := c.CreateProduct(ctx, stripe.ProductParams{Name: "Basic", Active: true}, "")
	if err != nil {
		t.Fatalf("create without a description: %v", err)
	}
	if _, err := c.UpdateProduct(ctx, p.ID, stripe.ProductParams{Name: "Basic", Description: "Monthly plan", Active: true}); err != nil {
		t.Fatal(err)
	}
	got, err := c.UpdateProduct(ctx, p.ID, stripe.ProductParams{Name: "Basic", Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Description != "" {
		t.Errorf("description after unsetting it = %q", got.Description)
	}
}
