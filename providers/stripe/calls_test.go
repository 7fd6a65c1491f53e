package stripe_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/stripe"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
)

// lifecycle drives every method of the webhook_endpoint, product and price
// types and the events trigger against the fake with key.
func lifecycle(ctx context.Context, s *stripetest.Server, key string) error {
	creds := providers.Credentials{"secret_key": key}
	types := map[string]providers.ResourceType{}
	for _, rt := range stripe.Provider().Resources(providers.HTTPOptions{BaseURL: s.URL}) {
		types[rt.Type()] = rt
	}
	drive := func(typ string, desired providers.Props, change func(providers.Props)) error {
		rt := types[typ]
		st, err := rt.Create(ctx, creds, desired, "")
		if err != nil {
			return fmt.Errorf("%s create: %w", typ, err)
		}
		if _, err := rt.Read(ctx, creds, st.ID); err != nil {
			return fmt.Errorf("%s read: %w", typ, err)
		}
		if found, err := rt.Lookup(ctx, creds, desired); err != nil || len(found) == 0 {
			return fmt.Errorf("%s lookup: %d found, %v", typ, len(found), err)
		}
		change(desired)
		if _, err := rt.Update(ctx, creds, st.ID, desired); err != nil {
			return fmt.Errorf("%s update: %w", typ, err)
		}
		if err := rt.Delete(ctx, creds, st.ID); err != nil {
			return fmt.Errorf("%s delete: %w", typ, err)
		}
		return nil
	}
	if err := drive("webhook_endpoint", providers.Props{"url": {"https://api.example.com/stripe/webhook"},
		"enabled_events": {"invoice.paid"}, "description": {"web (local)"}},
		func(p providers.Props) { p["enabled_events"] = []string{"invoice.paid", "charge.refunded"} }); err != nil {
		return err
	}
	// A price needs its product; the product is deleted (archived, as it
	// has a price) last.
	pt := types["product"]
	product := providers.Props{"name": {"Pro"}, "description": {"Everything"}, "active": {"true"}, "patchbay_key": {"shop/web/local/pro"}}
	prod, err := pt.Create(ctx, creds, product, "")
	if err != nil {
		return fmt.Errorf("product create: %w", err)
	}
	if err := drive("price", providers.Props{"product_key": {"shop/web/local/pro"}, "currency": {"usd"}, "unit_amount": {"2000"},
		"lookup_key": {"pro_monthly"}, "nickname": {"Pro"}, "active": {"true"}, "interval": {"month"}, "interval_count": {"1"}},
		func(p providers.Props) { p["nickname"] = []string{"Pro monthly"} }); err != nil {
		return err
	}
	if _, err := pt.Read(ctx, creds, prod.ID); err != nil {
		return fmt.Errorf("product read: %w", err)
	}
	if found, err := pt.Lookup(ctx, creds, product); err != nil || len(found) != 1 {
		return fmt.Errorf("product lookup: %d found, %v", len(found), err)
	}
	product["description"] = []string{""}
	if _, err := pt.Update(ctx, creds, prod.ID, product); err != nil {
		return fmt.Errorf("product update: %w", err)
	}
	if err := pt.Delete(ctx, creds, prod.ID); err != nil {
		return fmt.Errorf("product delete: %w", err)
	}
	if err := stripe.NewCatalog(key, s.URL, nil).DeleteProduct(ctx, prodWithoutPrices(ctx, pt, creds)); err != nil {
		return fmt.Errorf("product delete without prices: %w", err)
	}

	// The gateway's actions, with the same key.
	for _, tc := range []struct {
		id string
		in map[string]any
	}{
		{"create_customer", map[string]any{"email": "jenny@example.com", "name": "Jenny Rosen"}},
		{"create_product", map[string]any{"name": "Team"}},
		{"create_price", map[string]any{"currency": "usd", "unit_amount": float64(900), "product": prod.ID}},
	} {
		i := slices.IndexFunc(stripe.Provider().Actions, func(a providers.Action) bool { return a.ID == tc.id })
		if i < 0 {
			return fmt.Errorf("no action %s", tc.id)
		}
		if _, err := stripe.Provider().Actions[i].Run(ctx, providers.ActionEnv{BaseURL: s.URL}, map[string]string{"secret_key": key}, tc.in, ""); err != nil {
			return fmt.Errorf("%s: %w", tc.id, err)
		}
	}

	tr := stripe.Provider().Triggers[0]
	env := providers.ActionEnv{BaseURL: s.URL}
	id, _, err := tr.Register(ctx, env, map[string]string{"secret_key": key}, map[string]any{"events": []any{"customer.created"}}, "https://hooks.example.com/t/trg_1", "", "")
	if err != nil {
		return fmt.Errorf("trigger register: %w", err)
	}
	if err := tr.Remove(ctx, env, map[string]string{"secret_key": key}, nil, id); err != nil {
		return fmt.Errorf("trigger remove: %w", err)
	}
	return nil
}

// prodWithoutPrices makes a product with no price, for the DELETE path.
func prodWithoutPrices(ctx context.Context, pt providers.ResourceType, creds providers.Credentials) string {
	st, err := pt.Create(ctx, creds, providers.Props{"name": {"Basic"}, "active": {"true"}, "patchbay_key": {"shop/web/local/basic"}}, "")
	if err != nil {
		return "prod_missing"
	}
	return st.ID
}

const callsKey = "rk_test_callsKey000000000000"

// TestCallsDeclarePermissions derives the restricted-key permissions
// Patchbay asks for from what its code calls: every request the resource
// types, the trigger and the check make must be a declared call, every
// declared call must be made, RequiredPermissions must suffice, dropping
// any one of them must break a call, and the form and the check name
// exactly them. The gateway's actions run with the same key, and what only
// they need (ActionPermissions) is listed as such. The fake enforces each
// endpoint's permission, Write including Read.
func TestCallsDeclarePermissions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := stripetest.New(t)
	all := append(slices.Clone(stripe.RequiredPermissions), stripe.ActionPermissions...)
	s.AddKey(callsKey, stripetest.Key{Restricted: true, Perms: all})
	if err := lifecycle(ctx, s, callsKey); err != nil {
		t.Fatalf("with %v: %v", all, err)
	}
	r := stripe.Provider().Credentials.Check(ctx, providers.Values{"secret_key": callsKey}, s.Env(0, "STRIPE"))
	if r.Status != providers.StatusOK {
		t.Fatalf("check: %v %s", r.Status, r.Summary)
	}
	var checked []string
	for _, p := range r.Permissions {
		checked = append(checked, p.Name)
	}
	if !slices.Equal(slices.Sorted(slices.Values(checked)), slices.Sorted(slices.Values(stripe.RequiredPermissions))) {
		t.Errorf("the check proves %v, the resource types need %v", checked, stripe.RequiredPermissions)
	}
	form := strings.Join(stripe.Provider().Credentials.Permissions, "\n")
	for _, p := range all {
		if !strings.Contains(form, "("+p+")") {
			t.Errorf("the form does not ask for %s:\n%s", p, form)
		}
	}
	if n := len(stripe.Provider().Credentials.Permissions); n != len(all) {
		t.Errorf("the form asks for %d permissions, the calls need %d", n, len(all))
	}
	declared := append(slices.Clone(stripe.Calls), stripe.ActionCalls...)
	used := map[string]bool{}
	for _, req := range s.Requests() {
		c, ok := declared.Match(req.Method + " " + req.Path)
		if !ok {
			t.Errorf("%s %s is not declared in stripe.Calls (declare it with the permission it needs)", req.Method, req.Path)
			continue
		}
		used[c.Op] = true
	}
	for _, c := range declared {
		if !used[c.Op] {
			t.Errorf("stripe.Calls or ActionCalls declares %s, which no code made", c.Op)
		}
	}
	for _, drop := range all {
		t.Run("without "+drop, func(t *testing.T) {
			t.Parallel()
			s := stripetest.New(t)
			s.AddKey(callsKey, stripetest.Key{Restricted: true, Perms: slices.DeleteFunc(slices.Clone(all), func(p string) bool { return p == drop })})
			if err := lifecycle(ctx, s, callsKey); err == nil {
				t.Errorf("every call works without %s, so Patchbay should not ask for it", drop)
			}
		})
	}
}

// TestEveryRequestPinsAPIVersion: every request Patchbay sends to Stripe —
// the resource types, the actions, the trigger and the credential check,
// with a secret and with a restricted key — names stripe.APIVersion in
// Stripe-Version, so none is answered in the account's default version
// (the fake's is stripetest.DefaultAPIVersion).
func TestEveryRequestPinsAPIVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := stripetest.New(t)
	all := append(slices.Clone(stripe.RequiredPermissions), stripe.ActionPermissions...)
	s.AddKey(callsKey, stripetest.Key{Restricted: true, Perms: all})
	if err := lifecycle(ctx, s, stripetest.TestKey); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{stripetest.TestKey, callsKey} {
		if r := stripe.Provider().Credentials.Check(ctx, providers.Values{"secret_key": key}, s.Env(0, "STRIPE")); r.Status != providers.StatusOK {
			t.Fatalf("check: %v %s", r.Status, r.Summary)
		}
	}
	versions := s.APIVersions()
	if len(versions) == 0 {
		t.Fatal("no request reached the fake")
	}
	for _, v := range versions {
		if !strings.HasSuffix(v, " "+stripe.APIVersion) {
			t.Errorf("%s: want Stripe-Version %s", v, stripe.APIVersion)
		}
	}
}
