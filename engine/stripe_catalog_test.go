package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
)

const catalogV1 = `{"stripe": {"products": [
  {"key": "pro", "name": "Pro", "description": "Everything",
   "prices": [
     {"lookup_key": "pro_monthly", "currency": "usd", "unit_amount": 2000, "interval": "month"},
     {"lookup_key": "pro_lifetime", "currency": "usd", "unit_amount": 50000, "nickname": "Lifetime"}]}]}}`

// catalogV2 changes the monthly amount (immutable: a replacement), renames
// the product and the lifetime nickname (updates in place).
const catalogV2 = `{"stripe": {"products": [
  {"key": "pro", "name": "Pro plan", "description": "Everything",
   "prices": [
     {"lookup_key": "pro_monthly", "currency": "usd", "unit_amount": 2500, "interval": "month"},
     {"lookup_key": "pro_lifetime", "currency": "usd", "unit_amount": 50000, "nickname": "Forever"}]}]}}`

func catalogRig(t *testing.T) *extRig {
	svcs := []*patchbayv1.Service{{Path: "web", Name: "web", Language: "typescript"}}
	r := newExtRig(t, svcs, []*patchbayv1.Finding{envRead("web", "stripe", "STRIPE_PRICE_PRO_MONTHLY")})
	r.writeConfig("web", catalogV1)
	return r
}

func activePrices(s *stripetest.Server) map[string]stripetest.Price {
	out := map[string]stripetest.Price{}
	for _, p := range s.Prices() {
		if p.Active {
			out[p.LookupKey] = p
		}
	}
	return out
}

func TestStripeCatalogCreateReplaceArchive(t *testing.T) {
	t.Parallel()
	r := catalogRig(t)
	p := r.planApply()
	want := map[string]engine.Action{"stripe/product/web/pro": engine.ActionCreate,
		"stripe/price/web/pro_monthly": engine.ActionCreate, "stripe/price/web/pro_lifetime": engine.ActionCreate}
	if d := cmp.Diff(want, changedSteps(p)); d != "" {
		t.Fatalf("first plan (-want +got):\n%s\n%s", d, p.Summary())
	}
	products := r.stripe.Products()
	if len(products) != 1 {
		t.Fatalf("products = %v", products)
	}
	var prod stripetest.Product
	for _, p := range products {
		prod = p
	}
	if prod.Name != "Pro" || prod.Metadata["patchbay_key"] == "" || !prod.Active {
		t.Errorf("product = %+v", prod)
	}
	prices := activePrices(r.stripe)
	monthly := prices["pro_monthly"]
	if monthly.Product != prod.ID || monthly.UnitAmount != 2000 || monthly.Interval != "month" || monthly.IntervalCount != 1 || monthly.Currency != "usd" {
		t.Errorf("monthly price = %+v", monthly)
	}
	if l := prices["pro_lifetime"]; l.Interval != "" || l.UnitAmount != 50000 || l.Nickname != "Lifetime" {
		t.Errorf("lifetime price = %+v", l)
	}
	// The code reads the monthly price's id; the lifetime one goes under
	// its canonical name.
	vars := r.vars()
	if vars["STRIPE_PRICE_PRO_MONTHLY"] != monthly.ID || vars["STRIPE_PRICE_PRO_LIFETIME"] != prices["pro_lifetime"].ID ||
		vars["STRIPE_PRODUCT_PRO"] != prod.ID {
		t.Errorf("variables = %v", vars)
	}
	if p := r.plan(); p.HasChanges() {
		t.Errorf("second plan is not empty:\n%s", p.Summary())
	}

	// An amount change replaces the price: the new one takes over the lookup
	// key and is injected; the old one is archived, never deleted.
	r.writeConfig("web", catalogV2)
	p = r.plan()
	want = map[string]engine.Action{"stripe/product/web/pro": engine.ActionUpdate,
		"stripe/price/web/pro_monthly": engine.ActionRotate, "stripe/price/web/pro_lifetime": engine.ActionUpdate}
	if d := cmp.Diff(want, changedSteps(p)); d != "" {
		t.Fatalf("change plan (-want +got):\n%s\n%s", d, p.Summary())
	}
	for _, s := range []string{"unit_amount: 2000 → 2500", "cannot change: a new price takes over the lookup key", "name: Pro → Pro plan"} {
		if !strings.Contains(p.Summary(), s) {
			t.Errorf("summary lacks %q:\n%s", s, p.Summary())
		}
	}
	r.apply(p)
	all := r.stripe.Prices()
	if len(all) != 3 {
		t.Errorf("prices = %d, want 3 (one archived)", len(all))
	}
	old := all[monthly.ID]
	if old.Active || old.LookupKey != "" {
		t.Errorf("replaced price still active or holding the key: %+v", old)
	}
	prices = activePrices(r.stripe)
	if n := prices["pro_monthly"]; n.UnitAmount != 2500 || n.ID == monthly.ID || n.Product != prod.ID {
		t.Errorf("new monthly price = %+v", n)
	}
	if l := prices["pro_lifetime"]; l.Nickname != "Forever" {
		t.Errorf("lifetime nickname not updated: %+v", l)
	}
	if r.stripe.Products()[prod.ID].Name != "Pro plan" {
		t.Errorf("product not renamed")
	}
	if got := r.vars()["STRIPE_PRICE_PRO_MONTHLY"]; got != prices["pro_monthly"].ID {
		t.Errorf("injected %s, want the new price %s", got, prices["pro_monthly"].ID)
	}
	if p := r.plan(); p.HasChanges() {
		t.Errorf("plan after replacement is not empty:\n%s", p.Summary())
	}

	// Destroy archives prices and the product (it has prices): nothing is
	// deleted and nothing stays active.
	r.destroy()
	if n := len(activePrices(r.stripe)); n != 0 {
		t.Errorf("%d prices still active after destroy", n)
	}
	if p := r.stripe.Products()[prod.ID]; p.ID == "" || p.Active {
		t.Errorf("product after destroy = %+v, want archived", p)
	}
	if n := len(r.stripe.Prices()); n != 3 {
		t.Errorf("prices after destroy = %d, want 3 archived", n)
	}

	// Applying again creates a fresh product: archived ones are not adopted.
	p = r.planApply()
	if a := changedSteps(p)["stripe/product/web/pro"]; a != engine.ActionCreate {
		t.Errorf("re-apply product action = %s", a)
	}
	if n := len(activePrices(r.stripe)); n != 2 {
		t.Errorf("active prices after re-apply = %d", n)
	}
}

func TestStripeCatalogProductWithoutPricesIsDeleted(t *testing.T) {
	t.Parallel()
	r := catalogRig(t)
	r.writeConfig("web", `{"stripe": {"products": [{"key": "addon", "name": "Add-on", "prices": []}]}}`)
	r.planApply()
	if n := len(r.stripe.Products()); n != 1 {
		t.Fatalf("products = %d", n)
	}
	r.writeConfig("web", `{}`)
	p := r.planApply()
	if a := changedSteps(p)["stripe/product/web/addon"]; a != engine.ActionDelete {
		t.Errorf("action = %s\n%s", a, p.Summary())
	}
	if n := len(r.stripe.Products()); n != 0 {
		t.Errorf("product without prices not deleted: %v", r.stripe.Products())
	}
}

func TestStripeCatalogAdoptsMatchingPriceOnly(t *testing.T) {
	t.Parallel()
	r := catalogRig(t)
	r.planApply()
	// A second environment in the same account declares the same lookup
	// key: it cannot adopt the other environment's price (other product),
	// so it creates its own, which takes the lookup key over.
	if _, err := r.eng.CreateEnvironment(context.Background(), storeEnv(r.root, "staging")); err != nil {
		t.Fatal(err)
	}
	p, err := r.eng.Plan(context.Background(), r.root, "staging", false)
	if err != nil {
		t.Fatal(err)
	}
	if a := changedSteps(p)["stripe/price/web/pro_monthly"]; a != engine.ActionCreate {
		t.Errorf("staging price action = %s\n%s", a, p.Summary())
	}
}

func TestStripeCatalogInvalidConfigFailsPlan(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"unknown field": `{"stripe": {"products": [{"key": "pro", "name": "Pro", "prise": []}]}}`,
		"no amount":     `{"stripe": {"products": [{"key": "pro", "name": "Pro", "prices": [{"lookup_key": "x", "currency": "usd"}]}]}}`,
		"bad interval":  `{"stripe": {"products": [{"key": "pro", "name": "Pro", "prices": [{"lookup_key": "x", "currency": "usd", "unit_amount": 1, "interval": "fortnight"}]}]}}`,
		"duplicate key": `{"stripe": {"products": [{"key": "a", "name": "A", "prices": [{"lookup_key": "x", "currency": "usd", "unit_amount": 1}]}, {"key": "b", "name": "B", "prices": [{"lookup_key": "x", "currency": "usd", "unit_amount": 1}]}]}}`,
		"not json":      `stripe:`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := catalogRig(t)
			r.writeConfig("web", body)
			_, err := r.eng.Plan(context.Background(), r.root, "local", false)
			if !errors.Is(err, engine.ErrInvalid) || !strings.Contains(err.Error(), "web/patchbay.json") {
				t.Errorf("err = %v", err)
			}
		})
	}
}
