package stripetest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
)

type answer struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func call(t *testing.T, s *stripetest.Server, key, method, path string, form url.Values, idem string) answer {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, s.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if idem != "" {
		req.Header.Set("Idempotency-Key", idem)
	}
	resp, raw := providertest.Do(t, req)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: raw}
	if err := json.Unmarshal(a.raw, &a.body); err != nil {
		t.Fatalf("%s %s: %v: %s", method, path, err, a.raw)
	}
	return a
}

func endpointForm(u string, events ...string) url.Values {
	v := url.Values{"url": {u}}
	for _, e := range events {
		v.Add("enabled_events[]", e)
	}
	return v
}

// apiError is the error part of Stripe's envelope, as type/code/message.
func apiError(a answer) [3]string {
	e, _ := a.body["error"].(map[string]any)
	typ, _ := e["type"].(string)
	code, _ := e["code"].(string)
	msg, _ := e["message"].(string)
	return [3]string{typ, code, msg}
}

func TestWebhookEndpoints(t *testing.T) {
	t.Parallel()
	s := stripetest.New(t)
	key := stripetest.TestKey

	first := call(t, s, key, http.MethodPost, "/v1/webhook_endpoints", endpointForm("https://a.example/hook", "invoice.paid"), "k1")
	secret, _ := first.body["secret"].(string)
	if first.status != 200 || !strings.HasPrefix(secret, "whsec_") || first.header.Get("Request-Id") == "" {
		t.Fatalf("create: %d %s", first.status, first.raw)
	}
	id := first.body["id"].(string)
	if s.Secret(id) != secret {
		t.Errorf("Secret(%s) is not the one the create answer carried", id)
	}

	// Same key, same parameters: the stored answer again, secret included.
	replay := call(t, s, key, http.MethodPost, "/v1/webhook_endpoints", endpointForm("https://a.example/hook", "invoice.paid"), "k1")
	if replay.status != 200 || string(replay.raw) != string(first.raw) || replay.header.Get("Idempotent-Replayed") != "true" || replay.header.Get("Idempotency-Key") != "k1" {
		t.Errorf("replay: %d %s %v", replay.status, replay.raw, replay.header)
	}
	if len(s.Endpoints()) != 1 {
		t.Errorf("the replay created another endpoint: %v", s.Endpoints())
	}
	// Same key, other parameters: idempotency_error, nothing created.
	reuse := call(t, s, key, http.MethodPost, "/v1/webhook_endpoints", endpointForm("https://b.example/hook", "*"), "k1")
	if got := apiError(reuse); reuse.status != 400 || got[0] != "idempotency_error" {
		t.Errorf("reuse: %d %v", reuse.status, got)
	}

	// The secret never comes back after the create answer.
	for _, path := range []string{"/v1/webhook_endpoints/" + id, "/v1/webhook_endpoints"} {
		got := call(t, s, key, http.MethodGet, path, nil, "")
		if got.status != 200 || strings.Contains(string(got.raw), secret) || strings.Contains(string(got.raw), `"secret"`) {
			t.Errorf("GET %s shows the secret: %s", path, got.raw)
		}
	}

	upd := call(t, s, key, http.MethodPost, "/v1/webhook_endpoints/"+id,
		url.Values{"enabled_events[]": {"charge.refunded"}, "metadata[managed_by]": {"patchbay"}, "disabled": {"true"}}, "")
	if upd.status != 200 || upd.body["url"] != "https://a.example/hook" || upd.body["status"] != "disabled" ||
		!cmp.Equal(upd.body["enabled_events"], []any{"charge.refunded"}) || !cmp.Equal(upd.body["metadata"], map[string]any{"managed_by": "patchbay"}) {
		t.Errorf("update: %d %s", upd.status, upd.raw)
	}
	if got := call(t, s, key, http.MethodPost, "/v1/webhook_endpoints/"+id, url.Values{"metadata[managed_by]": {""}}, ""); !cmp.Equal(got.body["metadata"], map[string]any{}) {
		t.Errorf("an empty metadata value must remove the key: %s", got.raw)
	}

	// Up to 16 endpoints, listed newest first across pages.
	for i := 2; i <= stripetest.MaxWebhookEndpoints; i++ {
		if got := call(t, s, key, http.MethodPost, "/v1/webhook_endpoints", endpointForm(fmt.Sprintf("https://a.example/%d", i), "*"), ""); got.status != 200 {
			t.Fatalf("endpoint %d: %d %s", i, got.status, got.raw)
		}
	}
	over := call(t, s, key, http.MethodPost, "/v1/webhook_endpoints", endpointForm("https://a.example/17", "*"), "")
	if got := apiError(over); over.status != 400 || !strings.Contains(got[2], "16") {
		t.Errorf("17th endpoint: %d %v", over.status, got)
	}
	page := call(t, s, key, http.MethodGet, "/v1/webhook_endpoints?limit=10", nil, "")
	data := page.body["data"].([]any)
	last := data[len(data)-1].(map[string]any)["id"].(string)
	next := call(t, s, key, http.MethodGet, "/v1/webhook_endpoints?limit=10&starting_after="+last, nil, "")
	if len(data) != 10 || page.body["has_more"] != true || len(next.body["data"].([]any)) != 6 || next.body["has_more"] != false {
		t.Errorf("pages: %d (more %v), then %d (more %v)", len(data), page.body["has_more"], len(next.body["data"].([]any)), next.body["has_more"])
	}
	if newest := data[0].(map[string]any)["url"]; newest != "https://a.example/16" {
		t.Errorf("newest first: got %v", newest)
	}

	del := call(t, s, key, http.MethodDelete, "/v1/webhook_endpoints/"+id, nil, "")
	if d := cmp.Diff(map[string]any{"id": id, "object": "webhook_endpoint", "deleted": true}, del.body); d != "" {
		t.Errorf("delete (-want +got):\n%s", d)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	s := stripetest.New(t)
	s.AddKey("rk_test_readonly000000000000", stripetest.Key{Restricted: true, Perms: []string{"rak_webhook_read"}})
	s.AddKey("sk_test_otheraccount00000000", stripetest.Key{Account: "acct_other"})
	id := s.Seed("https://seeded.example/hook", []string{"*"})
	cases := []struct {
		name, key, method, path string
		form                    url.Values
		status                  int
		want                    [3]string // type, code, message prefix
	}{
		{"unknown key", "sk_test_nope00000000000000", http.MethodGet, "/v1/webhook_endpoints", nil, 401, [3]string{"invalid_request_error", "", "Invalid API Key provided: sk_test_****0000"}},
		{"read-only key creates", "rk_test_readonly000000000000", http.MethodPost, "/v1/webhook_endpoints", endpointForm("https://x.example", "*"), 403,
			[3]string{"invalid_request_error", "", "The provided key 'rk_test_****0000' does not have the required permissions for this endpoint on account 'acct_1PatchbayFake'. Having the 'rak_webhook_write' permission"}},
		{"missing url", stripetest.TestKey, http.MethodPost, "/v1/webhook_endpoints", url.Values{"enabled_events[]": {"*"}}, 400, [3]string{"invalid_request_error", "parameter_missing", "Missing required param: url."}},
		{"api_version is fixed", stripetest.TestKey, http.MethodPost, "/v1/webhook_endpoints/" + id, url.Values{"api_version": {"2025-08-27.basil"}}, 400,
			[3]string{"invalid_request_error", "parameter_unknown", "Received unknown parameter: api_version"}},
		// Stripe refuses what it cannot reach and events it does not have.
		{"localhost", stripetest.TestKey, http.MethodPost, "/v1/webhook_endpoints", endpointForm("http://localhost:3000/webhooks/stripe", "*"), 400,
			[3]string{"invalid_request_error", "url_invalid", stripetest.NotPublicMessage}},
		{"a localhost subdomain", stripetest.TestKey, http.MethodPost, "/v1/webhook_endpoints", endpointForm("https://shop.localhost/hook", "*"), 400,
			[3]string{"invalid_request_error", "url_invalid", stripetest.NotPublicMessage}},
		{"loopback address", stripetest.TestKey, http.MethodPost, "/v1/webhook_endpoints", endpointForm("http://127.0.0.1:4000/hook", "*"), 400,
			[3]string{"invalid_request_error", "url_invalid", stripetest.NotPublicMessage}},
		{"IPv6 loopback", stripetest.TestKey, http.MethodPost, "/v1/webhook_endpoints", endpointForm("http://[::1]:4000/hook", "*"), 400,
			[3]string{"invalid_request_error", "url_invalid", stripetest.NotPublicMessage}},
		{"private address", stripetest.TestKey, http.MethodPost, "/v1/webhook_endpoints", endpointForm("http://192.168.1.20:4000/hook", "*"), 400,
			[3]string{"invalid_request_error", "url_invalid", stripetest.NotPublicMessage}},
		{"link-local address", stripetest.TestKey, http.MethodPost, "/v1/webhook_endpoints", endpointForm("http://169.254.1.1/hook", "*"), 400,
			[3]string{"invalid_request_error", "url_invalid", stripetest.NotPublicMessage}},
		{"update to a private address", stripetest.TestKey, http.MethodPost, "/v1/webhook_endpoints/" + id, url.Values{"url": {"https://10.0.0.5/hook"}}, 400,
			[3]string{"invalid_request_error", "url_invalid", stripetest.NotPublicMessage}},
		{"event Stripe does not have", stripetest.TestKey, http.MethodPost, "/v1/webhook_endpoints", endpointForm("https://x.example", "invoice.paid", "customer.made"), 400,
			[3]string{"invalid_request_error", "", "Invalid enabled_events[1]"}},
		{"update with an event Stripe does not have", stripetest.TestKey, http.MethodPost, "/v1/webhook_endpoints/" + id, url.Values{"enabled_events[]": {"Invoice.Paid"}}, 400,
			[3]string{"invalid_request_error", "", "Invalid enabled_events[0]"}},
		{"other account", "sk_test_otheraccount00000000", http.MethodGet, "/v1/webhook_endpoints/" + id, nil, 404, [3]string{"invalid_request_error", "resource_missing", "No such webhook endpoint"}},
		{"unknown route", stripetest.TestKey, http.MethodPost, "/v1/account", url.Values{}, 404, [3]string{"invalid_request_error", "", "Unrecognized request URL (POST: /v1/account)."}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := call(t, s, c.key, c.method, c.path, c.form, "")
			e := apiError(got)
			if got.status != c.status || e[0] != c.want[0] || e[1] != c.want[1] || !strings.HasPrefix(e[2], c.want[2]) {
				t.Errorf("%d %v, want %d %v", got.status, e, c.status, c.want)
			}
		})
	}
	if got := call(t, s, "rk_test_readonly000000000000", http.MethodGet, "/v1/webhook_endpoints", nil, ""); got.status != 200 {
		t.Errorf("read-only key lists: %d %s", got.status, got.raw)
	}
}

func TestRateLimitFault(t *testing.T) {
	t.Parallel()
	s := stripetest.New(t)
	s.Inject(providertest.Fault{Kind: providertest.RateLimited, Path: "/v1/webhook_endpoints", Times: 1})
	got := call(t, s, stripetest.TestKey, http.MethodPost, "/v1/webhook_endpoints", endpointForm("https://a.example", "*"), "k")
	if e := apiError(got); got.status != 429 || e[1] != "rate_limit" || got.header.Get("Stripe-Should-Retry") != "true" || got.header.Get("Retry-After") != "" {
		t.Errorf("throttled: %d %v %v", got.status, e, got.header)
	}
	// The throttled attempt was not stored under its key: the retry creates.
	if got := call(t, s, stripetest.TestKey, http.MethodPost, "/v1/webhook_endpoints", endpointForm("https://a.example", "*"), "k"); got.status != 200 || got.header.Get("Idempotent-Replayed") != "" {
		t.Errorf("retry: %d %s", got.status, got.raw)
	}
}
