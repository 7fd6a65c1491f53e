package stripetest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
)

func TestCatalogRules(t *testing.T) {
	t.Parallel()
	s := stripetest.New(t)
	k := stripetest.TestKey
	prod := call(t, s, k, "POST", "/v1/products", url.Values{"name": {"Pro"}, "metadata[patchbay_key]": {"x"}}, "")
	if prod.status != 200 || prod.body["object"] != "product" {
		t.Fatalf("create product: %d %s", prod.status, prod.raw)
	}
	pid := prod.body["id"].(string)
	priceForm := url.Values{"product": {pid}, "currency": {"usd"}, "unit_amount": {"2000"}, "recurring[interval]": {"month"}, "lookup_key": {"pro"}}
	price := call(t, s, k, "POST", "/v1/prices", priceForm, "")
	if price.status != 200 || price.body["type"] != "recurring" || price.body["lookup_key"] != "pro" {
		t.Fatalf("create price: %d %s", price.status, price.raw)
	}
	priceID := price.body["id"].(string)

	for _, tc := range []struct {
		name, method, path string
		form               url.Values
		status             int
		msg                string
	}{
		{"amount is immutable", "POST", "/v1/prices/" + priceID, url.Values{"unit_amount": {"2500"}}, 400, "Received unknown parameter: unit_amount"},
		{"currency is immutable", "POST", "/v1/prices/" + priceID, url.Values{"currency": {"eur"}}, 400, "Received unknown parameter: currency"},
		{"prices have no DELETE", "DELETE", "/v1/prices/" + priceID, nil, 404, "Unrecognized request URL (DELETE: /v1/prices/" + priceID + ")"},
		{"product with prices is not deleted", "DELETE", "/v1/products/" + pid, nil, 400, "cannot be deleted because it has one or more user-created prices"},
		{"lookup key is unique", "POST", "/v1/prices", priceForm, 400, "already uses that lookup key"},
		{"unknown product", "POST", "/v1/prices", url.Values{"product": {"prod_nope"}, "currency": {"usd"}, "unit_amount": {"1"}}, 400, "No such product: 'prod_nope'"},
		{"name is required", "POST", "/v1/products", url.Values{"description": {"x"}}, 400, "Missing required param: name."},
		{"an empty description is refused on create", "POST", "/v1/products", url.Values{"name": {"Basic"}, "description": {""}}, 400, "You passed an empty string for 'description'"},
	} {
		a := call(t, s, k, tc.method, tc.path, tc.form, "")
		e, _ := a.body["error"].(map[string]any)
		if msg, _ := e["message"].(string); a.status != tc.status || !strings.Contains(msg, tc.msg) {
			t.Errorf("%s: %d %s, want %d %q", tc.name, a.status, a.raw, tc.status, tc.msg)
		}
	}

	// transfer_lookup_key moves the key; archiving is the only removal.
	priceForm.Set("unit_amount", "2500")
	priceForm.Set("transfer_lookup_key", "true")
	if a := call(t, s, k, "POST", "/v1/prices", priceForm, ""); a.status != 200 {
		t.Fatalf("transfer: %d %s", a.status, a.raw)
	}
	if a := call(t, s, k, "POST", "/v1/prices/"+priceID, url.Values{"active": {"false"}}, ""); a.status != 200 || a.body["active"] != false {
		t.Fatalf("archive: %d %s", a.status, a.raw)
	}
	old := s.Prices()[priceID]
	if old.LookupKey != "" || old.Active {
		t.Errorf("old price = %+v", old)
	}
	list := call(t, s, k, "GET", "/v1/prices?active=true&lookup_keys[]=pro", nil, "")
	if data := list.body["data"].([]any); len(data) != 1 || data[0].(map[string]any)["unit_amount"] != float64(2500) {
		t.Errorf("list by lookup key: %s", list.raw)
	}

	// Restricted keys need the catalog permissions.
	s.AddKey("rk_test_ro", stripetest.Key{Restricted: true, Perms: []string{"rak_product_read"}})
	if a := call(t, s, "rk_test_ro", "POST", "/v1/products", url.Values{"name": {"X"}}, ""); a.status != http.StatusForbidden ||
		!strings.Contains(string(a.raw), "rak_product_write") {
		t.Errorf("restricted create: %d %s", a.status, a.raw)
	}
}
