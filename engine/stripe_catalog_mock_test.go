package engine_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/patchbay-dev/patchbay/providers/stripe"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
)

// TestStripeCatalogShapesAgainstStripeMock sends every product and price
// call the catalog types make to the spec-validating stripe-mock, where an
// unknown or mis-encoded parameter (unit_amount on a price update, say) is
// a 400.
func TestStripeCatalogShapesAgainstStripeMock(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts stripe-mock")
	}
	base := stripetest.StartMock(t)
	ctx := context.Background()
	cat := stripe.NewCatalog("sk_test_123", base, nil)
	params := stripe.ProductParams{Name: "Pro", Description: "Everything", Active: true,
		Metadata: map[string]string{"managed_by": "patchbay", "patchbay_key": "shop/web/local/pro"}}
	prod, err := cat.CreateProduct(ctx, params, "patchbay-idem-p")
	if err != nil || prod.ID == "" {
		t.Fatalf("create product: %+v %v", prod, err)
	}
	if _, err := cat.UpdateProduct(ctx, prod.ID, params); err != nil {
		t.Errorf("update product: %v", err)
	}
	if _, err := cat.GetProduct(ctx, prod.ID); err != nil {
		t.Errorf("get product: %v", err)
	}
	if _, err := cat.ListProducts(ctx, url.Values{"active": {"true"}}); err != nil {
		t.Errorf("list products: %v", err)
	}
	for _, rec := range []*stripe.Recurring{nil, {Interval: "month", IntervalCount: 3}} {
		pr, err := cat.CreatePrice(ctx, stripe.PriceParams{Product: prod.ID, Currency: "usd", UnitAmount: 2000, Recurring: rec,
			LookupKey: "pro_monthly", Nickname: "Monthly", Metadata: map[string]string{"managed_by": "patchbay"}}, "patchbay-idem-r")
		if err != nil || pr.ID == "" {
			t.Fatalf("create price (recurring %v): %+v %v", rec, pr, err)
		}
	}
	if _, err := cat.UpdatePrice(ctx, "price_123", stripe.PriceUpdate{LookupKey: "pro_monthly", Nickname: "Monthly", Active: true,
		Metadata: map[string]string{"managed_by": "patchbay"}}); err != nil {
		t.Errorf("update price: %v", err)
	}
	if _, err := cat.GetPrice(ctx, "price_123"); err != nil {
		t.Errorf("get price: %v", err)
	}
	if _, err := cat.ListPrices(ctx, url.Values{"lookup_keys[]": {"pro_monthly"}, "active": {"true"}}); err != nil {
		t.Errorf("list prices by lookup key: %v", err)
	}
	if err := cat.ArchivePrice(ctx, "price_123"); err != nil {
		t.Errorf("archive price: %v", err)
	}
	// stripe-mock's price list always has a fixture, so this archives; the
	// DELETE of a product without prices is checked directly.
	if _, err := cat.RemoveProduct(ctx, prod.ID); err != nil {
		t.Errorf("remove product: %v", err)
	}
	if err := cat.DeleteProduct(ctx, prod.ID); err != nil {
		t.Errorf("delete product: %v", err)
	}
}
