package engine

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/patchbay-dev/patchbay/providers/stripe"
)

// patchbayKeyMeta is the metadata entry that ties a Stripe product to its
// declaration: Stripe products have no unique name, and their display name
// is what customers see, so the environment cannot go there.
const patchbayKeyMeta = "patchbay_key"

// desiredStripeCatalog turns the products and prices of patchbay.json into
// stripe/product and stripe/price resources, prices depending on their
// product.
func desiredStripeCatalog(in DesiredInput) ([]Desired, []string) {
	var out []Desired
	for _, svc := range in.servicePaths() {
		cfg := in.config(svc)
		if cfg == nil || cfg.Stripe == nil {
			continue
		}
		name := in.serviceName(svc)
		for _, p := range cfg.Stripe.Products {
			productKey := in.Workspace + "/" + name + "/" + in.Environment.Name + "/" + p.Key
			pk := Key{Provider: "stripe", Type: "product", Name: name + "/" + p.Key}
			out = append(out, Desired{
				Key: pk,
				Props: Props{"name": {p.Name}, "description": {p.Description}, "active": {"true"},
					"patchbay_key": {productKey}},
				Profile: in.profile("stripe"),
				Reason:  fmt.Sprintf("product %q declared in %s", p.Key, configPath(svc)),
				Service: svc,
				Bindings: []Binding{{Names: []string{"STRIPE_PRODUCT_" + envSuffix(p.Key), "STRIPE_" + envSuffix(p.Key) + "_PRODUCT_ID"},
					Output: "product_id"}},
			})
			for _, pr := range p.Prices {
				props := Props{"product_key": {productKey}, "currency": {pr.Currency},
					"unit_amount": {strconv.FormatInt(*pr.UnitAmount, 10)}, "lookup_key": {pr.LookupKey},
					"nickname": {pr.Nickname}, "active": {"true"}, "interval": {pr.Interval}, "interval_count": {""}}
				if pr.Interval != "" {
					props["interval_count"] = []string{strconv.FormatInt(max(pr.IntervalCount, 1), 10)}
				}
				s := envSuffix(pr.LookupKey)
				out = append(out, Desired{
					Key:       Key{Provider: "stripe", Type: "price", Name: name + "/" + pr.LookupKey},
					Props:     props,
					Profile:   in.profile("stripe"),
					DependsOn: []Key{pk},
					Reason:    fmt.Sprintf("price %q of product %q declared in %s", pr.LookupKey, p.Key, configPath(svc)),
					Service:   svc,
					Bindings: []Binding{{Names: []string{"STRIPE_PRICE_" + s, "STRIPE_PRICE_ID_" + s, "STRIPE_" + s + "_PRICE_ID",
						"NEXT_PUBLIC_STRIPE_PRICE_" + s, "VITE_STRIPE_PRICE_" + s}, Output: "price_id"}},
				})
			}
		}
	}
	return out, nil
}

// servicePaths are the services to look for configs in: the analyzed ones,
// or the workspace root when the analysis found none.
func (in DesiredInput) servicePaths() []string {
	var out []string
	for _, s := range in.Services {
		out = append(out, s.GetPath())
	}
	if len(out) == 0 {
		out = []string{"."}
	}
	return out
}

func configPath(svc string) string {
	if svc == "" || svc == "." {
		return ConfigFile
	}
	return svc + "/" + ConfigFile
}

func stripeCatalog(o HTTPOptions, c Credentials) (*stripe.Catalog, error) {
	if c["secret_key"] == "" {
		return nil, fmt.Errorf("stripe credentials need secret_key")
	}
	return stripe.NewCatalog(c["secret_key"], o.BaseURL, o.Client), nil
}

// StripeProducts is the "stripe/product" resource type. Products are found
// again by the patchbay_key metadata entry; one that has prices is archived
// rather than deleted, as Stripe requires.
type StripeProducts struct{ opts HTTPOptions }

// NewStripeProducts returns the type.
func NewStripeProducts(o HTTPOptions) *StripeProducts { return &StripeProducts{opts: o} }

func (s *StripeProducts) Provider() string { return "stripe" }
func (s *StripeProducts) Type() string     { return "product" }
func (s *StripeProducts) Info() TypeInfo   { return TypeInfo{Idempotent: true} }

func productState(p stripe.Product) State {
	return State{
		ID: p.ID,
		Props: Props{"name": {p.Name}, "description": {p.Description}, "active": {strconv.FormatBool(p.Active)},
			"patchbay_key": {p.Metadata[patchbayKeyMeta]}},
		Outputs: map[string]string{"product_id": p.ID},
	}
}

func productParams(p Props) stripe.ProductParams {
	return stripe.ProductParams{Name: p.Get("name"), Description: p.Get("description"), Active: p.Get("active") != "false",
		Metadata: map[string]string{"managed_by": "patchbay", patchbayKeyMeta: p.Get("patchbay_key")}}
}

func (s *StripeProducts) Read(ctx context.Context, c Credentials, id string) (State, error) {
	cat, err := stripeCatalog(s.opts, c)
	if err != nil {
		return State{}, err
	}
	p, err := cat.GetProduct(ctx, id)
	if errors.Is(err, stripe.ErrNotFound) {
		return State{}, fmt.Errorf("stripe product %s: %w", id, ErrGone)
	}
	if err != nil {
		return State{}, err
	}
	return productState(p), nil
}

// Lookup matches active products carrying the same patchbay_key; archived
// ones are left archived (a destroyed environment's product stays so).
func (s *StripeProducts) Lookup(ctx context.Context, c Credentials, desired Props) ([]State, error) {
	cat, err := stripeCatalog(s.opts, c)
	if err != nil {
		return nil, err
	}
	ps, err := findProducts(ctx, cat, desired.Get("patchbay_key"))
	if err != nil {
		return nil, err
	}
	var out []State
	for _, p := range ps {
		out = append(out, productState(p))
	}
	return out, nil
}

// findProducts lists the active products with a patchbay_key, oldest
// first.
func findProducts(ctx context.Context, cat *stripe.Catalog, key string) ([]stripe.Product, error) {
	all, err := cat.ListProducts(ctx, url.Values{"active": {"true"}})
	if err != nil {
		return nil, err
	}
	var out []stripe.Product
	for i := len(all) - 1; i >= 0; i-- { // Stripe lists newest first
		if all[i].Metadata[patchbayKeyMeta] == key {
			out = append(out, all[i])
		}
	}
	return out, nil
}

func (s *StripeProducts) Create(ctx context.Context, c Credentials, desired Props, key string) (State, error) {
	cat, err := stripeCatalog(s.opts, c)
	if err != nil {
		return State{}, err
	}
	p, err := cat.CreateProduct(ctx, productParams(desired), key)
	if err != nil {
		return State{}, err
	}
	return productState(p), nil
}

func (s *StripeProducts) Update(ctx context.Context, c Credentials, id string, desired Props) (State, error) {
	cat, err := stripeCatalog(s.opts, c)
	if err != nil {
		return State{}, err
	}
	p, err := cat.UpdateProduct(ctx, id, productParams(desired))
	if errors.Is(err, stripe.ErrNotFound) {
		return State{}, fmt.Errorf("stripe product %s: %w", id, ErrGone)
	}
	if err != nil {
		return State{}, err
	}
	return productState(p), nil
}

func (s *StripeProducts) Delete(ctx context.Context, c Credentials, id string) error {
	cat, err := stripeCatalog(s.opts, c)
	if err != nil {
		return err
	}
	_, err = cat.RemoveProduct(ctx, id)
	return err
}

// StripePrices is the "stripe/price" resource type. Amount, currency,
// interval and product are immutable at Stripe, so changing them replaces
// the price (the new one takes over the lookup key); Stripe cannot delete
// prices, so Delete archives.
type StripePrices struct{ opts HTTPOptions }

// NewStripePrices returns the type.
func NewStripePrices(o HTTPOptions) *StripePrices { return &StripePrices{opts: o} }

func (s *StripePrices) Provider() string { return "stripe" }
func (s *StripePrices) Type() string     { return "price" }
func (s *StripePrices) Info() TypeInfo {
	return TypeInfo{Idempotent: true, Immutable: []string{"product_key", "currency", "unit_amount", "interval", "interval_count"},
		ReplaceReason: "amount, currency and billing interval of a Stripe price cannot change: a new price takes over the lookup key and the old one is archived"}
}

// priceState needs the product's patchbay_key, which the price itself
// does not carry.
func priceState(p stripe.Price, productKey string) State {
	interval, count := "", ""
	if p.Recurring != nil {
		interval, count = p.Recurring.Interval, strconv.FormatInt(max(p.Recurring.IntervalCount, 1), 10)
	}
	return State{
		ID: p.ID,
		Props: Props{"product_key": {productKey}, "currency": {p.Currency}, "unit_amount": {strconv.FormatInt(p.UnitAmount, 10)},
			"lookup_key": {p.LookupKey}, "nickname": {p.Nickname}, "active": {strconv.FormatBool(p.Active)},
			"interval": {interval}, "interval_count": {count}},
		Outputs: map[string]string{"price_id": p.ID, "product_id": p.Product, "lookup_key": p.LookupKey},
	}
}

func (s *StripePrices) read(ctx context.Context, cat *stripe.Catalog, p stripe.Price) (State, error) {
	prod, err := cat.GetProduct(ctx, p.Product)
	if err != nil && !errors.Is(err, stripe.ErrNotFound) {
		return State{}, err
	}
	return priceState(p, prod.Metadata[patchbayKeyMeta]), nil
}

func (s *StripePrices) Read(ctx context.Context, c Credentials, id string) (State, error) {
	cat, err := stripeCatalog(s.opts, c)
	if err != nil {
		return State{}, err
	}
	p, err := cat.GetPrice(ctx, id)
	if errors.Is(err, stripe.ErrNotFound) {
		return State{}, fmt.Errorf("stripe price %s: %w", id, ErrGone)
	}
	if err != nil {
		return State{}, err
	}
	return s.read(ctx, cat, p)
}

// Lookup matches the active price holding the lookup key when its
// immutable fields and product are the desired ones: anything else could
// not be updated into shape and is not adopted.
func (s *StripePrices) Lookup(ctx context.Context, c Credentials, desired Props) ([]State, error) {
	cat, err := stripeCatalog(s.opts, c)
	if err != nil {
		return nil, err
	}
	if desired.Get("lookup_key") == "" {
		return nil, nil
	}
	prices, err := cat.ListPrices(ctx, url.Values{"lookup_keys[]": {desired.Get("lookup_key")}, "active": {"true"}})
	if err != nil {
		return nil, err
	}
	var out []State
	for i := len(prices) - 1; i >= 0; i-- {
		st, err := s.read(ctx, cat, prices[i])
		if err != nil {
			return nil, err
		}
		if len(diff(st.Props, pick(desired, s.Info().Immutable...))) == 0 {
			out = append(out, st)
		}
	}
	return out, nil
}

func pick(p Props, keys ...string) Props {
	out := Props{}
	for _, k := range keys {
		if v, ok := p[k]; ok {
			out[k] = v
		}
	}
	return out
}

func (s *StripePrices) Create(ctx context.Context, c Credentials, desired Props, key string) (State, error) {
	cat, err := stripeCatalog(s.opts, c)
	if err != nil {
		return State{}, err
	}
	products, err := findProducts(ctx, cat, desired.Get("product_key"))
	if err != nil {
		return State{}, err
	}
	if len(products) == 0 {
		return State{}, fmt.Errorf("stripe price %s: no active product with %s=%s (create the product first)",
			desired.Get("lookup_key"), patchbayKeyMeta, desired.Get("product_key"))
	}
	amount, err := strconv.ParseInt(desired.Get("unit_amount"), 10, 64)
	if err != nil {
		return State{}, fmt.Errorf("stripe price %s: unit_amount %q: %w", desired.Get("lookup_key"), desired.Get("unit_amount"), err)
	}
	params := stripe.PriceParams{Product: products[0].ID, Currency: desired.Get("currency"), UnitAmount: amount,
		LookupKey: desired.Get("lookup_key"), Nickname: desired.Get("nickname"), Metadata: map[string]string{"managed_by": "patchbay"}}
	if iv := desired.Get("interval"); iv != "" {
		n, _ := strconv.ParseInt(desired.Get("interval_count"), 10, 64)
		params.Recurring = &stripe.Recurring{Interval: iv, IntervalCount: max(n, 1)}
	}
	p, err := cat.CreatePrice(ctx, params, key)
	if err != nil {
		return State{}, err
	}
	return priceState(p, products[0].Metadata[patchbayKeyMeta]), nil
}

func (s *StripePrices) Update(ctx context.Context, c Credentials, id string, desired Props) (State, error) {
	cat, err := stripeCatalog(s.opts, c)
	if err != nil {
		return State{}, err
	}
	cur, err := s.Read(ctx, c, id)
	if err != nil {
		return State{}, err
	}
	if changed := diff(cur.Props, pick(desired, s.Info().Immutable...)); len(changed) > 0 {
		return State{}, fmt.Errorf("stripe price %s: %s cannot change on an existing price; plan again to replace it", id, changed[0].Field)
	}
	p, err := cat.UpdatePrice(ctx, id, stripe.PriceUpdate{LookupKey: desired.Get("lookup_key"), Nickname: desired.Get("nickname"),
		Active: desired.Get("active") != "false", Metadata: map[string]string{"managed_by": "patchbay"}})
	if errors.Is(err, stripe.ErrNotFound) {
		return State{}, fmt.Errorf("stripe price %s: %w", id, ErrGone)
	}
	if err != nil {
		return State{}, err
	}
	return s.read(ctx, cat, p)
}

// Delete archives: Stripe keeps every price (subscriptions refer to them).
func (s *StripePrices) Delete(ctx context.Context, c Credentials, id string) error {
	cat, err := stripeCatalog(s.opts, c)
	if err != nil {
		return err
	}
	return cat.ArchivePrice(ctx, id)
}
