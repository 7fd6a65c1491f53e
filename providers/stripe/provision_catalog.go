package stripe

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

// patchbayKeyMeta is the metadata entry that ties a Stripe product to its
// declaration: Stripe products have no unique name, and their display name
// is what customers see, so the environment cannot go there.
const patchbayKeyMeta = "patchbay_key"

// DesireCatalog turns the products and prices of patchbay.json into
// stripe/product and stripe/price resources, prices depending on their
// product.
func DesireCatalog(in providers.DesiredInput) ([]providers.Desired, []string) {
	var out []providers.Desired
	for _, svc := range in.ServicePaths() {
		cfg, _ := in.Config(svc).Section("stripe").(*Config)
		if cfg == nil {
			continue
		}
		name := in.ServiceName(svc)
		for _, p := range cfg.Products {
			productKey := in.Workspace + "/" + name + "/" + in.Environment.Name + "/" + p.Key
			pk := providers.Key{Provider: "stripe", Type: "product", Name: name + "/" + p.Key}
			out = append(out, providers.Desired{
				Key: pk,
				Props: providers.Props{"name": {p.Name}, "description": {p.Description}, "active": {"true"},
					"patchbay_key": {productKey}},
				Profile: in.Profile("stripe"),
				Reason:  fmt.Sprintf("product %q declared in %s", p.Key, providers.ConfigPath(svc)),
				Service: svc,
				Bindings: []providers.Binding{{Names: []string{"STRIPE_PRODUCT_" + providers.EnvSuffix(p.Key), "STRIPE_" + providers.EnvSuffix(p.Key) + "_PRODUCT_ID"},
					Output: "product_id"}},
			})
			for _, pr := range p.Prices {
				props := providers.Props{"product_key": {productKey}, "currency": {pr.Currency},
					"unit_amount": {strconv.FormatInt(*pr.UnitAmount, 10)}, "lookup_key": {pr.LookupKey},
					"nickname": {pr.Nickname}, "active": {"true"}, "interval": {pr.Interval}, "interval_count": {""}}
				if pr.Interval != "" {
					props["interval_count"] = []string{strconv.FormatInt(max(pr.IntervalCount, 1), 10)}
				}
				s := providers.EnvSuffix(pr.LookupKey)
				out = append(out, providers.Desired{
					Key:       providers.Key{Provider: "stripe", Type: "price", Name: name + "/" + pr.LookupKey},
					Props:     props,
					Profile:   in.Profile("stripe"),
					DependsOn: []providers.Key{pk},
					Reason:    fmt.Sprintf("price %q of product %q declared in %s", pr.LookupKey, p.Key, providers.ConfigPath(svc)),
					Service:   svc,
					Bindings: []providers.Binding{{Names: []string{"STRIPE_PRICE_" + s, "STRIPE_PRICE_ID_" + s, "STRIPE_" + s + "_PRICE_ID",
						"NEXT_PUBLIC_STRIPE_PRICE_" + s, "VITE_STRIPE_PRICE_" + s}, Output: "price_id"}},
				})
			}
		}
	}
	return out, nil
}

func stripeCatalog(o providers.HTTPOptions, c providers.Credentials) (*Catalog, error) {
	if c["secret_key"] == "" {
		return nil, fmt.Errorf("stripe credentials need secret_key")
	}
	return NewCatalog(c["secret_key"], o.BaseURL, o.Client), nil
}

// ProductType is the "stripe/product" resource type. Products are found
// again by the patchbay_key metadata entry; one that has prices is archived
// rather than deleted, as Stripe requires.
type ProductType struct{ opts providers.HTTPOptions }

// NewProductType returns the type.
func NewProductType(o providers.HTTPOptions) *ProductType { return &ProductType{opts: o} }

func (s *ProductType) Provider() string         { return "stripe" }
func (s *ProductType) Type() string             { return "product" }
func (s *ProductType) Info() providers.TypeInfo { return providers.TypeInfo{Idempotent: true} }

func productState(p Product) providers.State {
	return providers.State{
		ID: p.ID,
		Props: providers.Props{"name": {p.Name}, "description": {p.Description}, "active": {strconv.FormatBool(p.Active)},
			"patchbay_key": {p.Metadata[patchbayKeyMeta]}},
		Outputs: map[string]string{"product_id": p.ID},
	}
}

func productParams(p providers.Props) ProductParams {
	return ProductParams{Name: p.Get("name"), Description: p.Get("description"), Active: p.Get("active") != "false",
		Metadata: map[string]string{"managed_by": "patchbay", patchbayKeyMeta: p.Get("patchbay_key")}}
}

func (s *ProductType) Read(ctx context.Context, c providers.Credentials, id string) (providers.State, error) {
	cat, err := stripeCatalog(s.opts, c)
	if err != nil {
		return providers.State{}, err
	}
	p, err := cat.GetProduct(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return providers.State{}, fmt.Errorf("stripe product %s: %w", id, providers.ErrGone)
	}
	if err != nil {
		return providers.State{}, err
	}
	return productState(p), nil
}

// Lookup matches active products carrying the same patchbay_key; archived
// ones are left archived (a destroyed environment's product stays so).
func (s *ProductType) Lookup(ctx context.Context, c providers.Credentials, desired providers.Props) ([]providers.State, error) {
	cat, err := stripeCatalog(s.opts, c)
	if err != nil {
		return nil, err
	}
	ps, err := findProducts(ctx, cat, desired.Get("patchbay_key"))
	if err != nil {
		return nil, err
	}
	var out []providers.State
	for _, p := range ps {
		out = append(out, productState(p))
	}
	return out, nil
}

// findProducts lists the active products with a patchbay_key, oldest
// first.
func findProducts(ctx context.Context, cat *Catalog, key string) ([]Product, error) {
	all, err := cat.ListProducts(ctx, url.Values{"active": {"true"}})
	if err != nil {
		return nil, err
	}
	var out []Product
	for i := len(all) - 1; i >= 0; i-- { // Stripe lists newest first
		if all[i].Metadata[patchbayKeyMeta] == key {
			out = append(out, all[i])
		}
	}
	return out, nil
}

func (s *ProductType) Create(ctx context.Context, c providers.Credentials, desired providers.Props, key string) (providers.State, error) {
	cat, err := stripeCatalog(s.opts, c)
	if err != nil {
		return providers.State{}, err
	}
	p, err := cat.CreateProduct(ctx, productParams(desired), key)
	if err != nil {
		return providers.State{}, err
	}
	return productState(p), nil
}

func (s *ProductType) Update(ctx context.Context, c providers.Credentials, id string, desired providers.Props) (providers.State, error) {
	cat, err := stripeCatalog(s.opts, c)
	if err != nil {
		return providers.State{}, err
	}
	p, err := cat.UpdateProduct(ctx, id, productParams(desired))
	if errors.Is(err, ErrNotFound) {
		return providers.State{}, fmt.Errorf("stripe product %s: %w", id, providers.ErrGone)
	}
	if err != nil {
		return providers.State{}, err
	}
	return productState(p), nil
}

func (s *ProductType) Delete(ctx context.Context, c providers.Credentials, id string) error {
	cat, err := stripeCatalog(s.opts, c)
	if err != nil {
		return err
	}
	_, err = cat.RemoveProduct(ctx, id)
	return err
}

// PriceType is the "stripe/price" resource type. Amount, currency,
// interval and product are immutable at Stripe, so changing them replaces
// the price (the new one takes over the lookup key); Stripe cannot delete
// prices, so Delete archives.
type PriceType struct{ opts providers.HTTPOptions }

// NewPriceType returns the type.
func NewPriceType(o providers.HTTPOptions) *PriceType { return &PriceType{opts: o} }

func (s *PriceType) Provider() string { return "stripe" }
func (s *PriceType) Type() string     { return "price" }
func (s *PriceType) Info() providers.TypeInfo {
	return providers.TypeInfo{Idempotent: true, Immutable: []string{"product_key", "currency", "unit_amount", "interval", "interval_count"},
		ReplaceReason: "amount, currency and billing interval of a Stripe price cannot change: a new price takes over the lookup key and the old one is archived"}
}

// priceState needs the product's patchbay_key, which the price itself
// does not carry.
func priceState(p Price, productKey string) providers.State {
	interval, count := "", ""
	if p.Recurring != nil {
		interval, count = p.Recurring.Interval, strconv.FormatInt(max(p.Recurring.IntervalCount, 1), 10)
	}
	return providers.State{
		ID: p.ID,
		Props: providers.Props{"product_key": {productKey}, "currency": {p.Currency}, "unit_amount": {strconv.FormatInt(p.UnitAmount, 10)},
			"lookup_key": {p.LookupKey}, "nickname": {p.Nickname}, "active": {strconv.FormatBool(p.Active)},
			"interval": {interval}, "interval_count": {count}},
		Outputs: map[string]string{"price_id": p.ID, "product_id": p.Product, "lookup_key": p.LookupKey},
	}
}

func (s *PriceType) read(ctx context.Context, cat *Catalog, p Price) (providers.State, error) {
	prod, err := cat.GetProduct(ctx, p.Product)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return providers.State{}, err
	}
	return priceState(p, prod.Metadata[patchbayKeyMeta]), nil
}

func (s *PriceType) Read(ctx context.Context, c providers.Credentials, id string) (providers.State, error) {
	cat, err := stripeCatalog(s.opts, c)
	if err != nil {
		return providers.State{}, err
	}
	p, err := cat.GetPrice(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return providers.State{}, fmt.Errorf("stripe price %s: %w", id, providers.ErrGone)
	}
	if err != nil {
		return providers.State{}, err
	}
	return s.read(ctx, cat, p)
}

// Lookup matches the active price holding the lookup key when its
// immutable fields and product are the desired ones: anything else could
// not be updated into shape and is not adopted.
func (s *PriceType) Lookup(ctx context.Context, c providers.Credentials, desired providers.Props) ([]providers.State, error) {
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
	var out []providers.State
	for i := len(prices) - 1; i >= 0; i-- {
		st, err := s.read(ctx, cat, prices[i])
		if err != nil {
			return nil, err
		}
		if providers.Matches(st.Props, pick(desired, s.Info().Immutable...)) {
			out = append(out, st)
		}
	}
	return out, nil
}

func pick(p providers.Props, keys ...string) providers.Props {
	out := providers.Props{}
	for _, k := range keys {
		if v, ok := p[k]; ok {
			out[k] = v
		}
	}
	return out
}

func (s *PriceType) Create(ctx context.Context, c providers.Credentials, desired providers.Props, key string) (providers.State, error) {
	cat, err := stripeCatalog(s.opts, c)
	if err != nil {
		return providers.State{}, err
	}
	products, err := findProducts(ctx, cat, desired.Get("product_key"))
	if err != nil {
		return providers.State{}, err
	}
	if len(products) == 0 {
		return providers.State{}, fmt.Errorf("stripe price %s: no active product with %s=%s (create the product first)",
			desired.Get("lookup_key"), patchbayKeyMeta, desired.Get("product_key"))
	}
	amount, err := strconv.ParseInt(desired.Get("unit_amount"), 10, 64)
	if err != nil {
		return providers.State{}, fmt.Errorf("stripe price %s: unit_amount %q: %w", desired.Get("lookup_key"), desired.Get("unit_amount"), err)
	}
	params := PriceParams{Product: products[0].ID, Currency: desired.Get("currency"), UnitAmount: amount,
		LookupKey: desired.Get("lookup_key"), Nickname: desired.Get("nickname"), Metadata: map[string]string{"managed_by": "patchbay"}}
	if iv := desired.Get("interval"); iv != "" {
		n, _ := strconv.ParseInt(desired.Get("interval_count"), 10, 64)
		params.Recurring = &Recurring{Interval: iv, IntervalCount: max(n, 1)}
	}
	p, err := cat.CreatePrice(ctx, params, key)
	if err != nil {
		return providers.State{}, err
	}
	return priceState(p, products[0].Metadata[patchbayKeyMeta]), nil
}

func (s *PriceType) Update(ctx context.Context, c providers.Credentials, id string, desired providers.Props) (providers.State, error) {
	cat, err := stripeCatalog(s.opts, c)
	if err != nil {
		return providers.State{}, err
	}
	cur, err := s.Read(ctx, c, id)
	if err != nil {
		return providers.State{}, err
	}
	if field, changed := providers.FirstDifference(cur.Props, pick(desired, s.Info().Immutable...)); changed {
		return providers.State{}, fmt.Errorf("stripe price %s: %s cannot change on an existing price; plan again to replace it", id, field)
	}
	p, err := cat.UpdatePrice(ctx, id, PriceUpdate{LookupKey: desired.Get("lookup_key"), Nickname: desired.Get("nickname"),
		Active: desired.Get("active") != "false", Metadata: map[string]string{"managed_by": "patchbay"}})
	if errors.Is(err, ErrNotFound) {
		return providers.State{}, fmt.Errorf("stripe price %s: %w", id, providers.ErrGone)
	}
	if err != nil {
		return providers.State{}, err
	}
	return s.read(ctx, cat, p)
}

// Delete archives: Stripe keeps every price (subscriptions refer to them).
func (s *PriceType) Delete(ctx context.Context, c providers.Credentials, id string) error {
	cat, err := stripeCatalog(s.opts, c)
	if err != nil {
		return err
	}
	return cat.ArchivePrice(ctx, id)
}

// Config declares the service's catalog (the "stripe" section of
// patchbay.json).
type Config struct {
	Products []ProductConfig `json:"products"`
}

// ProductConfig is one product and its prices.
type ProductConfig struct {
	// Key names the product in Patchbay (and in STRIPE_PRODUCT_<KEY>); it
	// never changes at Stripe.
	Key         string        `json:"key"`
	Name        string        `json:"name"`
	Description string        `json:"description,omitempty"`
	Prices      []PriceConfig `json:"prices"`
}

// PriceConfig is one price. LookupKey identifies it: changing the amount,
// currency or interval of a lookup key replaces the price.
type PriceConfig struct {
	LookupKey  string `json:"lookup_key"`
	Currency   string `json:"currency"`
	UnitAmount *int64 `json:"unit_amount"`
	// Interval is day, week, month or year for a recurring price; empty
	// for a one-time price.
	Interval      string `json:"interval,omitempty"`
	IntervalCount int64  `json:"interval_count,omitempty"`
	Nickname      string `json:"nickname,omitempty"`
}

var (
	lookupKeyRE = regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,200}$`)
	currencyRE  = regexp.MustCompile(`^[a-z]{3}$`)
)

func validateConfig(c *Config) []error {
	var errs []error
	products, lookups := map[string]bool{}, map[string]bool{}
	for i, p := range c.Products {
		at := fmt.Sprintf("stripe.products[%d]", i)
		switch {
		case !lookupKeyRE.MatchString(p.Key):
			errs = append(errs, fmt.Errorf("%s.key %q must be letters, digits, '_', '-' or '.'", at, p.Key))
		case products[p.Key]:
			errs = append(errs, fmt.Errorf("%s.key %q is declared twice", at, p.Key))
		}
		products[p.Key] = true
		if strings.TrimSpace(p.Name) == "" {
			errs = append(errs, fmt.Errorf("%s.name is required", at))
		}
		for j, pr := range p.Prices {
			at := fmt.Sprintf("%s.prices[%d]", at, j)
			switch {
			case !lookupKeyRE.MatchString(pr.LookupKey):
				errs = append(errs, fmt.Errorf("%s.lookup_key %q must be letters, digits, '_', '-' or '.'", at, pr.LookupKey))
			case lookups[pr.LookupKey]:
				errs = append(errs, fmt.Errorf("%s.lookup_key %q is declared twice", at, pr.LookupKey))
			}
			lookups[pr.LookupKey] = true
			if !currencyRE.MatchString(pr.Currency) {
				errs = append(errs, fmt.Errorf("%s.currency %q must be a lowercase ISO code such as \"usd\"", at, pr.Currency))
			}
			if pr.UnitAmount == nil || *pr.UnitAmount < 0 {
				errs = append(errs, fmt.Errorf("%s.unit_amount is required (in the smallest currency unit, e.g. cents) and must not be negative", at))
			}
			if pr.Interval != "" && !slices.Contains([]string{"day", "week", "month", "year"}, pr.Interval) {
				errs = append(errs, fmt.Errorf("%s.interval %q must be day, week, month or year", at, pr.Interval))
			}
			if pr.IntervalCount < 0 || (pr.IntervalCount > 0 && pr.Interval == "") {
				errs = append(errs, fmt.Errorf("%s.interval_count needs an interval and must be positive", at))
			}
		}
	}
	return errs
}
