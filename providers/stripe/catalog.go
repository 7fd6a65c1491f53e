package stripe

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
)

// Product is a Stripe product.
type Product struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Active      bool              `json:"active"`
	Metadata    map[string]string `json:"metadata"`
}

// ProductParams are the product fields Patchbay writes.
type ProductParams struct {
	Name        string
	Description string
	Active      bool
	Metadata    map[string]string
}

// form is the request body. Stripe refuses an empty string for a
// parameter that cannot be unset (parameter_invalid_empty), as the
// description is on create: it is sent on create only when set. On
// update an empty description unsets it, which is what "no description in
// the config" means (https://docs.stripe.com/api/products/create,
// https://docs.stripe.com/api/products/update).
func (p ProductParams) form(create bool) url.Values {
	v := url.Values{}
	v.Set("name", p.Name)
	if p.Description != "" || !create {
		v.Set("description", p.Description)
	}
	v.Set("active", strconv.FormatBool(p.Active))
	for k, val := range p.Metadata {
		v.Set("metadata["+k+"]", val)
	}
	return v
}

// Recurring is a price's billing period; nil for one-time prices.
type Recurring struct {
	Interval      string `json:"interval"`
	IntervalCount int64  `json:"interval_count"`
}

// Price is a Stripe price. Product, Currency, UnitAmount and Recurring
// cannot change after creation.
type Price struct {
	ID         string            `json:"id"`
	Product    string            `json:"product"`
	Currency   string            `json:"currency"`
	UnitAmount int64             `json:"unit_amount"`
	Recurring  *Recurring        `json:"recurring"`
	LookupKey  string            `json:"lookup_key"`
	Nickname   string            `json:"nickname"`
	Active     bool              `json:"active"`
	Metadata   map[string]string `json:"metadata"`
}

// PriceParams create a price.
type PriceParams struct {
	Product    string
	Currency   string
	UnitAmount int64
	Recurring  *Recurring
	LookupKey  string
	Nickname   string
	Metadata   map[string]string
}

// PriceUpdate holds the fields Stripe lets a price change.
type PriceUpdate struct {
	LookupKey string
	Nickname  string
	Active    bool
	Metadata  map[string]string
}

// Catalog manages products and prices with a secret key.
type Catalog struct{ w *Webhooks }

// NewCatalog returns a client; baseURL overrides https://api.stripe.com.
func NewCatalog(secretKey, baseURL string, hc *http.Client) *Catalog {
	return &Catalog{w: NewWebhooks(secretKey, baseURL, hc)}
}

// CreateProduct makes a product.
func (c *Catalog) CreateProduct(ctx context.Context, p ProductParams, idempotencyKey string) (Product, error) {
	var out Product
	err := c.w.do(ctx, http.MethodPost, "/v1/products", p.form(true), idempotencyKey, &out)
	return out, err
}

// GetProduct reads a product (archived ones included).
func (c *Catalog) GetProduct(ctx context.Context, id string) (Product, error) {
	var out Product
	err := c.w.do(ctx, http.MethodGet, "/v1/products/"+url.PathEscape(id), nil, "", &out)
	return out, err
}

// UpdateProduct writes name, description, active and metadata.
func (c *Catalog) UpdateProduct(ctx context.Context, id string, p ProductParams) (Product, error) {
	var out Product
	err := c.w.do(ctx, http.MethodPost, "/v1/products/"+url.PathEscape(id), p.form(false), "", &out)
	return out, err
}

// RemoveProduct deletes a product that has no prices and archives
// (active=false) one that has, since Stripe refuses to delete those. One
// that is already gone is success.
func (c *Catalog) RemoveProduct(ctx context.Context, id string) (archived bool, err error) {
	prices, err := c.ListPrices(ctx, url.Values{"product": {id}})
	if err != nil {
		return false, err
	}
	if len(prices) > 0 {
		_, err := c.w.doForm(ctx, http.MethodPost, "/v1/products/"+url.PathEscape(id), url.Values{"active": {"false"}})
		if errors.Is(err, ErrNotFound) {
			return false, nil
		}
		return err == nil, err
	}
	return false, c.DeleteProduct(ctx, id)
}

// DeleteProduct deletes a product, which Stripe allows only while it has
// no prices. One that is already gone is success.
func (c *Catalog) DeleteProduct(ctx context.Context, id string) error {
	err := c.w.do(ctx, http.MethodDelete, "/v1/products/"+url.PathEscape(id), nil, "", nil)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// ListProducts lists products, following pagination; q filters (active).
func (c *Catalog) ListProducts(ctx context.Context, q url.Values) ([]Product, error) {
	return listAll[Product](ctx, c.w, "/v1/products", q, func(p Product) string { return p.ID })
}

// CreatePrice makes a price. A lookup key is transferred from whichever
// price holds it, which is how a replacement price takes over from the one
// it replaces.
func (c *Catalog) CreatePrice(ctx context.Context, p PriceParams, idempotencyKey string) (Price, error) {
	v := url.Values{}
	v.Set("product", p.Product)
	v.Set("currency", p.Currency)
	v.Set("unit_amount", strconv.FormatInt(p.UnitAmount, 10))
	if p.Recurring != nil {
		v.Set("recurring[interval]", p.Recurring.Interval)
		if p.Recurring.IntervalCount > 0 {
			v.Set("recurring[interval_count]", strconv.FormatInt(p.Recurring.IntervalCount, 10))
		}
	}
	if p.LookupKey != "" {
		v.Set("lookup_key", p.LookupKey)
		v.Set("transfer_lookup_key", "true")
	}
	if p.Nickname != "" {
		v.Set("nickname", p.Nickname)
	}
	for k, val := range p.Metadata {
		v.Set("metadata["+k+"]", val)
	}
	var out Price
	err := c.w.do(ctx, http.MethodPost, "/v1/prices", v, idempotencyKey, &out)
	return out, err
}

// GetPrice reads a price.
func (c *Catalog) GetPrice(ctx context.Context, id string) (Price, error) {
	var out Price
	err := c.w.do(ctx, http.MethodGet, "/v1/prices/"+url.PathEscape(id), nil, "", &out)
	return out, err
}

// UpdatePrice changes the mutable fields.
func (c *Catalog) UpdatePrice(ctx context.Context, id string, p PriceUpdate) (Price, error) {
	v := url.Values{}
	v.Set("active", strconv.FormatBool(p.Active))
	v.Set("nickname", p.Nickname)
	if p.LookupKey != "" {
		v.Set("lookup_key", p.LookupKey)
		v.Set("transfer_lookup_key", "true")
	}
	for k, val := range p.Metadata {
		v.Set("metadata["+k+"]", val)
	}
	var out Price
	err := c.w.do(ctx, http.MethodPost, "/v1/prices/"+url.PathEscape(id), v, "", &out)
	return out, err
}

// ArchivePrice sets active=false: Stripe has no way to delete a price. One
// that does not exist is success.
func (c *Catalog) ArchivePrice(ctx context.Context, id string) error {
	_, err := c.w.doForm(ctx, http.MethodPost, "/v1/prices/"+url.PathEscape(id), url.Values{"active": {"false"}})
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// ListPrices lists prices, following pagination; q filters (product,
// active, lookup_keys[]).
func (c *Catalog) ListPrices(ctx context.Context, q url.Values) ([]Price, error) {
	return listAll[Price](ctx, c.w, "/v1/prices", q, func(p Price) string { return p.ID })
}

func (w *Webhooks) doForm(ctx context.Context, method, path string, form url.Values) (map[string]any, error) {
	var out map[string]any
	err := w.do(ctx, method, path, form, "", &out)
	return out, err
}

func listAll[T any](ctx context.Context, w *Webhooks, path string, filter url.Values, id func(T) string) ([]T, error) {
	var all []T
	after := ""
	for range 100 {
		q := url.Values{}
		for k, v := range filter {
			q[k] = v
		}
		q.Set("limit", "100")
		if after != "" {
			q.Set("starting_after", after)
		}
		var page struct {
			Data    []T  `json:"data"`
			HasMore bool `json:"has_more"`
		}
		if err := w.do(ctx, http.MethodGet, path+"?"+q.Encode(), nil, "", &page); err != nil {
			return nil, err
		}
		all = append(all, page.Data...)
		if !page.HasMore || len(page.Data) == 0 {
			break
		}
		after = id(page.Data[len(page.Data)-1])
	}
	return all, nil
}
