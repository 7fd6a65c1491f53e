package stripe

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEncodeActionForm(t *testing.T) {
	t.Parallel()
	got := EncodeActionForm(map[string]any{
		"name":           "Pro",
		"active":         false,
		"unit_amount":    float64(1999),
		"metadata":       map[string]any{"a": "1", "b": "2"},
		"recurring":      map[string]any{"interval": "month", "interval_count": float64(3)},
		"enabled_events": []any{"customer.created", "invoice.paid"},
		"items":          []any{map[string]any{"price": "price_1"}},
		"skip":           nil,
	})
	want := url.Values{
		"name": {"Pro"}, "active": {"false"}, "unit_amount": {"1999"},
		"metadata[a]": {"1"}, "metadata[b]": {"2"},
		"recurring[interval]": {"month"}, "recurring[interval_count]": {"3"},
		"enabled_events[]": {"customer.created", "invoice.paid"},
		"items[0][price]":  {"price_1"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("form (-want +got):\n%s", diff)
	}
}

func TestActionClientErrorsAndHeaders(t *testing.T) {
	t.Parallel()
	var seen http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Clone()
		w.Header().Set("Stripe-Should-Retry", "false")
		w.WriteHeader(402)
		w.Write([]byte(`{"error":{"type":"card_error","code":"card_declined","message":"Your card was declined.","param":"source"}}`))
	}))
	defer srv.Close()
	c := NewActionClient("sk_test_secretvalue123", srv.URL, nil)
	_, err := c.CreateCustomer(context.Background(), map[string]any{"email": "a@b.c"}, "idem-7")
	var ae *ActionError
	if !errors.As(err, &ae) || ae.Status != 402 || ae.Code != "card_declined" || ae.Param != "source" || ae.HTTPStatus() != 402 {
		t.Fatalf("err = %#v", err)
	}
	if strings.Contains(err.Error(), "sk_test_secretvalue123") {
		t.Fatal("error text carries the key")
	}
	if seen.Get("Idempotency-Key") != "idem-7" || seen.Get("Authorization") != "Bearer sk_test_secretvalue123" ||
		seen.Get("Stripe-Version") != APIVersion || seen.Get("Content-Type") != "application/x-www-form-urlencoded" {
		t.Fatalf("headers = %v", seen)
	}
}

func TestActionClientEndpointOverride(t *testing.T) {
	t.Setenv("PATCHBAY_ENDPOINT_STRIPE", "http://127.0.0.1:12111/")
	if c := NewActionClient("k", "", nil); c.BaseURL != "http://127.0.0.1:12111" {
		t.Fatalf("env override: %q", c.BaseURL)
	}
	if c := NewActionClient("k", "http://x.test", nil); c.BaseURL != "http://x.test" {
		t.Fatalf("explicit base: %q", c.BaseURL)
	}
	t.Setenv("PATCHBAY_ENDPOINT_STRIPE", "")
	if c := NewActionClient("k", "", nil); c.BaseURL != "https://api.stripe.com" {
		t.Fatalf("default: %q", c.BaseURL)
	}
}
