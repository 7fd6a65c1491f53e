package stripetest

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// Product is a product as the fake holds it.
type Product struct {
	ID          string
	Name        string
	Description string
	Active      bool
	Metadata    map[string]string
	Created     int64
}

// Price is a price as the fake holds it. Product, Currency, UnitAmount,
// Interval and IntervalCount never change after creation.
type Price struct {
	ID            string
	Product       string
	Currency      string
	UnitAmount    int64
	Interval      string // "" for one-time prices
	IntervalCount int64
	LookupKey     string
	Nickname      string
	Active        bool
	Metadata      map[string]string
	Created       int64
}

type catalog struct {
	products     map[string]*Product
	productOrder []string
	prices       map[string]*Price
	priceOrder   []string
}

func (c *catalog) init() {
	if c.products == nil {
		c.products, c.prices = map[string]*Product{}, map[string]*Price{}
	}
}

func (s *Server) handleCatalog() {
	s.Handle("GET /v1/products", s.accountRoute("rak_product_read", listProducts))
	s.Handle("POST /v1/products", s.accountRoute("rak_product_write", s.idempotent(s.createProduct)))
	s.Handle("GET /v1/products/{id}", s.accountRoute("rak_product_read", getProduct))
	s.Handle("POST /v1/products/{id}", s.accountRoute("rak_product_write", s.idempotent(s.updateProduct)))
	s.Handle("DELETE /v1/products/{id}", s.accountRoute("rak_product_write", s.deleteProduct))
	s.Handle("GET /v1/prices", s.accountRoute("rak_price_read", listPrices))
	s.Handle("POST /v1/prices", s.accountRoute("rak_price_write", s.idempotent(s.createPrice)))
	s.Handle("GET /v1/prices/{id}", s.accountRoute("rak_price_read", getPrice))
	s.Handle("POST /v1/prices/{id}", s.accountRoute("rak_price_write", s.idempotent(s.updatePrice)))
	// No DELETE /v1/prices/{id}: the catch-all answers it as an
	// unrecognized URL, as Stripe does.
}

// Products returns the default account's products by id.
func (s *Server) Products() map[string]Product {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.account(Account)
	a.catalog.init()
	out := map[string]Product{}
	for id, p := range a.catalog.products {
		c := *p
		c.Metadata = maps.Clone(p.Metadata)
		out[id] = c
	}
	return out
}

// Prices returns the default account's prices by id, archived ones
// included.
func (s *Server) Prices() map[string]Price {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.account(Account)
	a.catalog.init()
	out := map[string]Price{}
	for id, p := range a.catalog.prices {
		c := *p
		c.Metadata = maps.Clone(p.Metadata)
		out[id] = c
	}
	return out
}

func (p *Product) object() map[string]any {
	var desc any
	if p.Description != "" {
		desc = p.Description
	}
	return map[string]any{"id": p.ID, "object": "product", "name": p.Name, "description": desc, "active": p.Active,
		"metadata": p.Metadata, "created": p.Created, "updated": p.Created, "livemode": false, "default_price": nil,
		"images": []string{}, "marketing_features": []any{}, "type": "service"}
}

func (p *Price) object() map[string]any {
	var recurring, lookup, nick any
	typ := "one_time"
	if p.Interval != "" {
		typ = "recurring"
		recurring = map[string]any{"interval": p.Interval, "interval_count": p.IntervalCount, "usage_type": "licensed",
			"aggregate_usage": nil, "meter": nil, "trial_period_days": nil}
	}
	if p.LookupKey != "" {
		lookup = p.LookupKey
	}
	if p.Nickname != "" {
		nick = p.Nickname
	}
	return map[string]any{"id": p.ID, "object": "price", "active": p.Active, "currency": p.Currency, "unit_amount": p.UnitAmount,
		"unit_amount_decimal": strconv.FormatInt(p.UnitAmount, 10), "product": p.Product, "recurring": recurring, "type": typ,
		"lookup_key": lookup, "nickname": nick, "metadata": p.Metadata, "billing_scheme": "per_unit", "livemode": false,
		"created": p.Created, "tax_behavior": "unspecified"}
}

// catalogForm checks a form against the allowed parameter names
// (metadata[...] and recurring[...] as "metadata" and "recurring[...]"),
// writing Stripe's parameter_unknown error for anything else.
func catalogForm(w http.ResponseWriter, form url.Values, allowed ...string) (map[string]string, map[string]string, bool) {
	vals, meta := map[string]string{}, map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(form)) {
		name := k
		if strings.HasPrefix(k, "metadata[") && strings.HasSuffix(k, "]") {
			name = "metadata"
		}
		if !slices.Contains(allowed, name) {
			WriteError(w, http.StatusBadRequest, "invalid_request_error", "parameter_unknown", "Received unknown parameter: "+k)
			return nil, nil, false
		}
		if name == "metadata" {
			meta[strings.TrimSuffix(strings.TrimPrefix(k, "metadata["), "]")] = form.Get(k)
			continue
		}
		vals[k] = form.Get(k)
	}
	for _, k := range []string{"active", "transfer_lookup_key"} {
		if v, ok := vals[k]; ok {
			if _, err := strconv.ParseBool(v); err != nil {
				WriteError(w, http.StatusBadRequest, "invalid_request_error", "parameter_invalid_boolean", "Invalid boolean: "+v)
				return nil, nil, false
			}
		}
	}
	return vals, meta, true
}

func (s *Server) nextID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s_1Fake%08d", prefix, s.seq)
}

func (s *Server) createProduct(w http.ResponseWriter, r *http.Request, a *account) {
	a.catalog.init()
	v, meta, ok := catalogForm(w, r.PostForm, "id", "name", "description", "active", "metadata")
	if !ok {
		return
	}
	if strings.TrimSpace(v["name"]) == "" {
		WriteError(w, http.StatusBadRequest, "invalid_request_error", "parameter_missing", "Missing required param: name.")
		return
	}
	// Stripe takes an empty string as an attempt to unset a parameter, and
	// a new product's description cannot be unset
	// (https://docs.stripe.com/error-codes#parameter-invalid-empty).
	if d, sent := r.PostForm["description"]; sent && len(d) > 0 && d[0] == "" {
		WriteError(w, http.StatusBadRequest, "invalid_request_error", "parameter_invalid_empty",
			"You passed an empty string for 'description'. We assume empty values are an attempt to unset a parameter; however 'description' cannot be unset. You should remove 'description' from your request or supply a non-empty value.")
		return
	}
	id := v["id"]
	if id == "" {
		id = s.nextID("prod")
	} else if _, taken := a.catalog.products[id]; taken {
		WriteError(w, http.StatusBadRequest, "invalid_request_error", "resource_already_exists", "Product already exists.")
		return
	}
	p := &Product{ID: id, Name: v["name"], Description: v["description"], Active: v["active"] != "false", Metadata: map[string]string{},
		Created: time.Now().Unix()}
	mergeMetadata(p.Metadata, meta)
	a.catalog.products[id] = p
	a.catalog.productOrder = append(a.catalog.productOrder, id)
	s.Changed()
	providertest.WriteJSON(w, http.StatusOK, p.object())
}

func findProduct(w http.ResponseWriter, a *account, id string) (*Product, bool) {
	a.catalog.init()
	p, ok := a.catalog.products[id]
	if !ok {
		WriteError(w, http.StatusNotFound, "invalid_request_error", "resource_missing", "No such product: '"+id+"'")
	}
	return p, ok
}

func getProduct(w http.ResponseWriter, r *http.Request, a *account) {
	if p, ok := findProduct(w, a, r.PathValue("id")); ok {
		providertest.WriteJSON(w, http.StatusOK, p.object())
	}
}

func (s *Server) updateProduct(w http.ResponseWriter, r *http.Request, a *account) {
	p, ok := findProduct(w, a, r.PathValue("id"))
	if !ok {
		return
	}
	v, meta, ok := catalogForm(w, r.PostForm, "name", "description", "active", "metadata", "default_price")
	if !ok {
		return
	}
	if n, ok := v["name"]; ok {
		if strings.TrimSpace(n) == "" {
			WriteError(w, http.StatusBadRequest, "invalid_request_error", "parameter_invalid_empty", "You passed an empty string for 'name'. We assume empty values are an attempt to unset a parameter; however 'name' cannot be unset. You should remove 'name' from your request or supply a non-empty value.")
			return
		}
		p.Name = n
	}
	if d, ok := v["description"]; ok {
		p.Description = d // "" unsets it
	}
	if act, ok := v["active"]; ok {
		p.Active = act == "true"
	}
	mergeMetadata(p.Metadata, meta)
	s.Changed()
	providertest.WriteJSON(w, http.StatusOK, p.object())
}

func (s *Server) deleteProduct(w http.ResponseWriter, r *http.Request, a *account) {
	p, ok := findProduct(w, a, r.PathValue("id"))
	if !ok {
		return
	}
	for _, pr := range a.catalog.prices {
		if pr.Product == p.ID {
			WriteError(w, http.StatusBadRequest, "invalid_request_error", "",
				"This product cannot be deleted because it has one or more user-created prices.")
			return
		}
	}
	delete(a.catalog.products, p.ID)
	a.catalog.productOrder = slices.DeleteFunc(a.catalog.productOrder, func(id string) bool { return id == p.ID })
	s.Changed()
	providertest.WriteJSON(w, http.StatusOK, map[string]any{"id": p.ID, "object": "product", "deleted": true})
}

func listProducts(w http.ResponseWriter, r *http.Request, a *account) {
	a.catalog.init()
	q := r.URL.Query()
	var ids []string
	for _, id := range a.catalog.productOrder {
		p := a.catalog.products[id]
		if act := q.Get("active"); act != "" && strconv.FormatBool(p.Active) != act {
			continue
		}
		ids = append(ids, id)
	}
	writePage(w, q, "/v1/products", "product", ids, func(id string) map[string]any { return a.catalog.products[id].object() })
}

func (s *Server) createPrice(w http.ResponseWriter, r *http.Request, a *account) {
	a.catalog.init()
	v, meta, ok := catalogForm(w, r.PostForm, "product", "currency", "unit_amount", "recurring[interval]", "recurring[interval_count]",
		"lookup_key", "transfer_lookup_key", "nickname", "active", "metadata", "tax_behavior")
	if !ok {
		return
	}
	for _, req := range []string{"currency", "product", "unit_amount"} {
		if v[req] == "" {
			WriteError(w, http.StatusBadRequest, "invalid_request_error", "parameter_missing", "Missing required param: "+req+".")
			return
		}
	}
	if _, ok := a.catalog.products[v["product"]]; !ok {
		WriteError(w, http.StatusBadRequest, "invalid_request_error", "resource_missing", "No such product: '"+v["product"]+"'")
		return
	}
	amount, err := strconv.ParseInt(v["unit_amount"], 10, 64)
	if err != nil || amount < 0 {
		WriteError(w, http.StatusBadRequest, "invalid_request_error", "parameter_invalid_integer", "Invalid integer: "+v["unit_amount"])
		return
	}
	p := &Price{Product: v["product"], Currency: strings.ToLower(v["currency"]), UnitAmount: amount, Nickname: v["nickname"],
		Active: v["active"] != "false", Metadata: map[string]string{}, Created: time.Now().Unix()}
	if iv, ok := v["recurring[interval]"]; ok {
		if !slices.Contains([]string{"day", "week", "month", "year"}, iv) {
			WriteError(w, http.StatusBadRequest, "invalid_request_error", "parameter_invalid_string",
				"Invalid recurring[interval]: must be one of day, week, month, or year")
			return
		}
		p.Interval, p.IntervalCount = iv, 1
		if n := v["recurring[interval_count]"]; n != "" {
			c, err := strconv.ParseInt(n, 10, 64)
			if err != nil || c < 1 {
				WriteError(w, http.StatusBadRequest, "invalid_request_error", "parameter_invalid_integer", "Invalid integer: "+n)
				return
			}
			p.IntervalCount = c
		}
	} else if _, ok := v["recurring[interval_count]"]; ok {
		WriteError(w, http.StatusBadRequest, "invalid_request_error", "parameter_missing", "Missing required param: recurring[interval].")
		return
	}
	if !takeLookupKey(w, a, v, "") {
		return
	}
	p.LookupKey = v["lookup_key"]
	mergeMetadata(p.Metadata, meta)
	p.ID = s.nextID("price")
	a.catalog.prices[p.ID] = p
	a.catalog.priceOrder = append(a.catalog.priceOrder, p.ID)
	s.Changed()
	providertest.WriteJSON(w, http.StatusOK, p.object())
}

// takeLookupKey enforces one price per lookup key and account: another
// holder is an error unless transfer_lookup_key moves the key from it.
func takeLookupKey(w http.ResponseWriter, a *account, v map[string]string, self string) bool {
	key := v["lookup_key"]
	if key == "" {
		return true
	}
	for _, other := range a.catalog.prices {
		if other.ID == self || other.LookupKey != key {
			continue
		}
		if v["transfer_lookup_key"] != "true" {
			WriteError(w, http.StatusBadRequest, "invalid_request_error", "",
				fmt.Sprintf("A price (`%s`) already uses that lookup key. To transfer the lookup key to this price, set `transfer_lookup_key` to `true`.", other.ID))
			return false
		}
		other.LookupKey = ""
	}
	return true
}

func findPrice(w http.ResponseWriter, a *account, id string) (*Price, bool) {
	a.catalog.init()
	p, ok := a.catalog.prices[id]
	if !ok {
		WriteError(w, http.StatusNotFound, "invalid_request_error", "resource_missing", "No such price: '"+id+"'")
	}
	return p, ok
}

func getPrice(w http.ResponseWriter, r *http.Request, a *account) {
	if p, ok := findPrice(w, a, r.PathValue("id")); ok {
		providertest.WriteJSON(w, http.StatusOK, p.object())
	}
}

func (s *Server) updatePrice(w http.ResponseWriter, r *http.Request, a *account) {
	p, ok := findPrice(w, a, r.PathValue("id"))
	if !ok {
		return
	}
	// Amount, currency, recurring and product are not parameters of the
	// update: Stripe answers them as unknown.
	v, meta, ok := catalogForm(w, r.PostForm, "active", "nickname", "lookup_key", "transfer_lookup_key", "metadata", "tax_behavior")
	if !ok {
		return
	}
	if _, ok := v["lookup_key"]; ok {
		if !takeLookupKey(w, a, v, p.ID) {
			return
		}
		p.LookupKey = v["lookup_key"]
	}
	if n, ok := v["nickname"]; ok {
		p.Nickname = n
	}
	if act, ok := v["active"]; ok {
		p.Active = act == "true"
	}
	mergeMetadata(p.Metadata, meta)
	s.Changed()
	providertest.WriteJSON(w, http.StatusOK, p.object())
}

func listPrices(w http.ResponseWriter, r *http.Request, a *account) {
	a.catalog.init()
	q := r.URL.Query()
	keys := q["lookup_keys[]"]
	var ids []string
	for _, id := range a.catalog.priceOrder {
		p := a.catalog.prices[id]
		switch {
		case q.Get("active") != "" && strconv.FormatBool(p.Active) != q.Get("active"):
		case q.Get("product") != "" && p.Product != q.Get("product"):
		case len(keys) > 0 && !slices.Contains(keys, p.LookupKey):
		default:
			ids = append(ids, id)
		}
	}
	writePage(w, q, "/v1/prices", "price", ids, func(id string) map[string]any { return a.catalog.prices[id].object() })
}

// writePage pages ids (oldest first) newest first, as Stripe lists, with
// limit (1-100, default 10) and starting_after.
func writePage(w http.ResponseWriter, q url.Values, path, kind string, ids []string, object func(string) map[string]any) {
	limit := 10
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			WriteError(w, http.StatusBadRequest, "invalid_request_error", "parameter_invalid_integer", "Invalid integer: "+v+" (limit must be between 1 and 100)")
			return
		}
		limit = n
	}
	ids = slices.Clone(ids)
	slices.Reverse(ids)
	if after := q.Get("starting_after"); after != "" {
		i := slices.Index(ids, after)
		if i < 0 {
			WriteError(w, http.StatusBadRequest, "invalid_request_error", "resource_missing", "No such "+kind+": '"+after+"'")
			return
		}
		ids = ids[i+1:]
	}
	data := []map[string]any{}
	for _, id := range ids[:min(limit, len(ids))] {
		data = append(data, object(id))
	}
	providertest.WriteJSON(w, http.StatusOK, map[string]any{"object": "list", "url": path, "has_more": len(ids) > limit, "data": data})
}
