package gateway_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/daemon/hooks"
	"github.com/patchbay-dev/patchbay/gateway"
	"github.com/patchbay-dev/patchbay/gateway/gatewaytest"
)

// receiver is a trigger target that records verified deliveries and can
// fail the first N.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	secret   string
	failNext int
	got      []map[string]any
	attempts int
	bad      []string
	ch       chan struct{}
}

func newReceiver(t *testing.T, now func() time.Time) *receiver {
	r := &receiver{ch: make(chan struct{}, 16)}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.attempts++
		if r.failNext > 0 {
			r.failNext--
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		if err := gateway.VerifySignature(r.secret, req.Header.Get("X-Patchbay-Signature"), body, now(), 5*time.Minute); err != nil {
			r.bad = append(r.bad, err.Error())
			w.WriteHeader(http.StatusUnauthorized)
			r.ch <- struct{}{}
			return
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			r.bad = append(r.bad, "delivery body: "+err.Error())
			r.ch <- struct{}{}
			return
		}
		m["_event_header"] = req.Header.Get("X-Patchbay-Event")
		r.got = append(r.got, m)
		r.ch <- struct{}{}
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) wait(t *testing.T) {
	t.Helper()
	select {
	case <-r.ch:
	case <-time.After(5 * time.Second):
		t.Fatal("no delivery within 5s")
	}
}

func post(t *testing.T, h http.Handler, path string, body []byte, hdr map[string]string) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

func stripeSig(secret string, body []byte, t time.Time) string {
	ts := fmt.Sprint(t.Unix())
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "." + string(body)))
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

func TestStripeTrigger(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	k, tok := e.createKey(t, "", "hooks", allGrants())
	p := e.auth(t, tok)
	rcv := newReceiver(t, e.clock.Now)
	tr, secret, err := e.gw.CreateTrigger(ctx, p, "stripe", "events", map[string]any{"events": []any{"customer.created"}}, rcv.URL+"/in")
	if err != nil {
		t.Fatal(err)
	}
	rcv.secret = secret
	if !strings.HasPrefix(secret, "pbws_") || !strings.HasPrefix(tr.ID, "trg_") {
		t.Fatalf("trigger %s, secret %q", tr.ID, secret)
	}
	// The fake holds a webhook endpoint pointing at the daemon route.
	for _, r := range e.stripe.Requests() {
		if r.Path == "/v1/webhook_endpoints" {
			if r.Form.Get("url") != "https://tunnel.example.test/hooks/v1/"+tr.ID || r.Form["enabled_events[]"][0] != "customer.created" {
				t.Fatalf("webhook endpoint form = %v", r.Form)
			}
		}
	}
	list, err := e.gw.ListTriggers(ctx, p)
	if err != nil || len(list) != 1 || list[0].ID != tr.ID {
		t.Fatalf("ListTriggers = %v, %v", list, err)
	}
	whsec, err := e.secrets.Get(ctx, "gateway.trigger."+tr.ID+".provider")
	if err != nil || !strings.HasPrefix(whsec, "whsec_") {
		t.Fatalf("provider secret %q, %v", whsec, err)
	}
	h := hooks.Handler(e.gw)
	path := gateway.WebhookPathPrefix + tr.ID
	event := []byte(`{"id":"evt_1","object":"event","type":"customer.created","data":{"object":{"id":"cus_1"}}}`)

	// Forged, stale and missing signatures are refused before anything is queued.
	for name, sig := range map[string]string{
		"missing": "",
		"forged":  stripeSig("whsec_wrong", event, e.clock.Now()),
		"stale":   stripeSig(whsec, event, e.clock.Now().Add(-10*time.Minute)),
		"garbled": "t=abc,v1=zz",
	} {
		if code := post(t, h, path, event, map[string]string{"Stripe-Signature": sig}); code != http.StatusBadRequest {
			t.Errorf("%s signature: status %d", name, code)
		}
	}
	// A verified event of another type is acknowledged but not delivered.
	other := []byte(`{"id":"evt_2","type":"invoice.paid"}`)
	if code := post(t, h, path, other, map[string]string{"Stripe-Signature": stripeSig(whsec, other, e.clock.Now())}); code != 200 {
		t.Fatalf("other type: %d", code)
	}
	// A verified matching event is delivered with our signature, after two
	// failures of the target (retries with backoff).
	rcv.mu.Lock()
	rcv.failNext = 2
	rcv.mu.Unlock()
	if code := post(t, h, path, event, map[string]string{"Stripe-Signature": stripeSig(whsec, event, e.clock.Now())}); code != 200 {
		t.Fatalf("event: %d", code)
	}
	for i := 0; ; i++ {
		r := e.settle(t)
		if r.Outcome == "delivered" {
			break
		}
		if r.Outcome != "retry" || i >= 2 {
			t.Fatalf("attempt %d: %+v", i+1, r)
		}
		e.clock.Add(time.Minute) // past the backoff
	}
	rcv.wait(t)
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if len(rcv.bad) > 0 || len(rcv.got) != 1 || rcv.attempts != 3 {
		t.Fatalf("deliveries %v, bad %v, attempts %d", rcv.got, rcv.bad, rcv.attempts)
	}
	d := rcv.got[0]
	if d["type"] != "customer.created" || d["trigger_id"] != tr.ID || d["_event_header"] != "customer.created" {
		t.Fatalf("delivery = %v", d)
	}
	if data, _ := d["data"].(map[string]any); data["id"] != "evt_1" {
		t.Fatalf("delivery data = %v", d["data"])
	}

	// Deleting the key removes the Stripe webhook endpoint and the trigger.
	weID := ""
	if err := e.gw.DeleteKey(ctx, "", k.ID, false); err != nil {
		t.Fatal(err)
	}
	deleted := false
	for _, r := range e.stripe.Requests() {
		if r.Method == http.MethodDelete && strings.HasPrefix(r.Path, "/v1/webhook_endpoints/we_") {
			deleted, weID = true, strings.TrimPrefix(r.Path, "/v1/webhook_endpoints/")
		}
	}
	if !deleted {
		t.Fatal("key deletion left the Stripe webhook endpoint")
	}
	if _, ok := e.stripe.Object(weID); ok {
		t.Fatal("fake still holds the endpoint")
	}
	if code := post(t, h, path, event, map[string]string{"Stripe-Signature": stripeSig(whsec, event, e.clock.Now())}); code != http.StatusNotFound {
		t.Fatalf("event for a deleted trigger: %d", code)
	}
	if _, err := e.secrets.Get(ctx, "gateway.trigger."+tr.ID+".provider"); err == nil {
		t.Fatal("trigger secrets outlived the trigger")
	}
}

func TestGitHubTrigger(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	_, tok := e.createKey(t, "", "hooks", allGrants())
	p := e.auth(t, tok)
	rcv := newReceiver(t, e.clock.Now)
	tr, secret, err := e.gw.CreateTrigger(ctx, p, "github", "repository_events",
		map[string]any{"owner": "acme", "repo": "api", "events": []any{"issues", "push"}}, rcv.URL)
	if err != nil {
		t.Fatal(err)
	}
	rcv.secret = secret
	hook, ok := e.github.Object("hook_1")
	if !ok {
		t.Fatal("no repository webhook created")
	}
	hookSecret := hook["secret"].(string)
	if hook["url"] != "https://tunnel.example.test/hooks/v1/"+tr.ID || len(hookSecret) < 32 {
		t.Fatalf("hook = %v", hook)
	}
	h := hooks.Handler(e.gw)
	body := []byte(`{"action":"opened","issue":{"number":7}}`)
	m := hmac.New(sha256.New, []byte(hookSecret))
	m.Write(body)
	sig := "sha256=" + hex.EncodeToString(m.Sum(nil))
	if code := post(t, h, gateway.WebhookPathPrefix+tr.ID, body, map[string]string{"X-Hub-Signature-256": "sha256=00", "X-GitHub-Event": "issues"}); code != 400 {
		t.Fatalf("forged: %d", code)
	}
	if code := post(t, h, gateway.WebhookPathPrefix+tr.ID, body, map[string]string{"X-Hub-Signature-256": sig, "X-GitHub-Event": "issues", "X-GitHub-Delivery": "d-1"}); code != 200 {
		t.Fatalf("verified: %d", code)
	}
	rcv.wait(t)
	rcv.mu.Lock()
	if len(rcv.got) != 1 || rcv.got[0]["type"] != "issues" {
		t.Fatalf("got %v bad %v", rcv.got, rcv.bad)
	}
	rcv.mu.Unlock()

	// Another key cannot see or delete this trigger.
	_, tok2 := e.createKey(t, "", "other", allGrants())
	p2 := e.auth(t, tok2)
	if l, _ := e.gw.ListTriggers(ctx, p2); len(l) != 0 {
		t.Fatalf("other key lists %v", l)
	}
	if err := e.gw.DeleteTrigger(ctx, p2, tr.ID); !errors.Is(err, gateway.ErrNotFound) {
		t.Fatalf("other key deletes: %v", err)
	}
	if err := e.gw.DeleteTrigger(ctx, p, tr.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := e.github.Object("hook_1"); ok {
		t.Fatal("trigger deletion left the repository webhook")
	}
}

func TestCreateTriggerRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	_, tok := e.createKey(t, "", "k", []gateway.Grant{{Provider: "stripe", Components: []string{"events"}}})
	p := e.auth(t, tok)
	tests := []struct {
		name, provider, trigger, target string
		cfg                             map[string]any
		want                            error
	}{
		{"not granted", "github", "repository_events", "https://x.test", map[string]any{"owner": "a", "repo": "b", "events": []any{"push"}}, gateway.ErrPermissionDenied},
		{"action is not a trigger", "stripe", "create_customer", "https://x.test", nil, gateway.ErrNotFound},
		{"no events", "stripe", "events", "https://x.test", map[string]any{"events": []any{}}, gateway.ErrInvalidArgument},
		{"bad event name", "stripe", "events", "https://x.test", map[string]any{"events": []any{"Customer Created"}}, gateway.ErrInvalidArgument},
		{"bad target", "stripe", "events", "ftp://x.test", map[string]any{"events": []any{"*"}}, gateway.ErrInvalidArgument},
		{"target with credentials", "stripe", "events", "https://u:p@x.test", map[string]any{"events": []any{"*"}}, gateway.ErrInvalidArgument},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := e.gw.CreateTrigger(ctx, p, tc.provider, tc.trigger, tc.cfg, tc.target); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	e.stripe.Inject(gatewaytest.Fault{Path: "/v1/webhook_endpoints", Status: 400, Body: `{"error":{"type":"invalid_request_error","message":"You have reached the maximum of 16 test webhook endpoints."}}`})
	if _, _, err := e.gw.CreateTrigger(ctx, p, "stripe", "events", map[string]any{"events": []any{"*"}}, "https://x.test"); !errors.Is(err, gateway.ErrInvalidArgument) || !strings.Contains(err.Error(), "maximum of 16") {
		t.Fatalf("provider refusal: %v", err)
	}
	if l, _ := e.gw.ListTriggers(ctx, p); len(l) != 0 {
		t.Fatalf("failed creation left %v", l)
	}
	noURL := newEnv(t, func(c *gateway.Config) { c.PublicURL = "" })
	_, tok3 := noURL.createKey(t, "", "k", []gateway.Grant{{Provider: "stripe", Components: []string{"events"}}})
	if _, _, err := noURL.gw.CreateTrigger(ctx, noURL.auth(t, tok3), "stripe", "events", map[string]any{"events": []any{"*"}}, "https://x.test"); !errors.Is(err, gateway.ErrNotConfigured) {
		t.Fatalf("no public URL: %v", err)
	}
}

func TestSignatureRoundTrip(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"a":1}`)
	h := gateway.Sign("pbws_s", body, now)
	if err := gateway.VerifySignature("pbws_s", h, body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		secret string
		body   []byte
		at     time.Time
	}{
		"wrong secret": {"pbws_x", body, now},
		"changed body": {"pbws_s", []byte(`{"a":2}`), now},
		"too old":      {"pbws_s", body, now.Add(6 * time.Minute)},
	} {
		if err := gateway.VerifySignature(tc.secret, h, tc.body, tc.at, 5*time.Minute); err == nil {
			t.Errorf("%s: verified", name)
		}
	}
}

func TestDeleteKeyWhenWebhookCannotBeRemoved(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	k, tok := e.createKey(t, "", "k", allGrants())
	tr, _, err := e.gw.CreateTrigger(ctx, e.auth(t, tok), "stripe", "events", map[string]any{"events": []any{"*"}}, "https://x.test")
	if err != nil {
		t.Fatal(err)
	}
	e.stripe.Inject(gatewaytest.Fault{Status: 500, Body: `{"error":{"type":"api_error","message":"Something went wrong"}}`})
	err = e.gw.DeleteKey(ctx, "", k.ID, false)
	if !errors.Is(err, gateway.ErrProvider) || !strings.Contains(err.Error(), tr.ID) || !strings.Contains(err.Error(), "force") {
		t.Fatalf("delete with a failing provider: %v", err)
	}
	e.auth(t, tok) // still there
	e.creds.mu.Lock()
	delete(e.creds.m, "stripe/default")
	e.creds.mu.Unlock()
	if err := e.gw.DeleteKey(ctx, "", k.ID, true); err != nil {
		t.Fatalf("forced delete: %v", err)
	}
	if _, err := e.gw.Authenticate(ctx, "Bearer "+tok); !errors.Is(err, gateway.ErrUnauthenticated) {
		t.Fatalf("after forced delete: %v", err)
	}
	if !strings.Contains(e.log.String(), "left behind by a forced key deletion") {
		t.Fatal("the webhook left behind is not logged")
	}
}

func TestExpiredKeyStopsDeliveries(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	_, tok, err := e.gw.CreateKey(ctx, gateway.KeySpec{Name: "short", Grants: allGrants(), ExpiresAt: e.clock.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	rcv := newReceiver(t, e.clock.Now)
	tr, secret, err := e.gw.CreateTrigger(ctx, e.auth(t, tok), "stripe", "events", map[string]any{"events": []any{"*"}}, rcv.URL)
	if err != nil {
		t.Fatal(err)
	}
	rcv.secret = secret
	whsec, _ := e.secrets.Get(ctx, "gateway.trigger."+tr.ID+".provider")
	h := hooks.Handler(e.gw)
	e.clock.Add(2 * time.Hour)
	ev := []byte(`{"id":"evt_x","type":"customer.created"}`)
	if code := post(t, h, gateway.WebhookPathPrefix+tr.ID, ev, map[string]string{"Stripe-Signature": stripeSig(whsec, ev, e.clock.Now())}); code != 200 {
		t.Fatalf("status %d", code)
	}
	select {
	case <-rcv.ch:
		t.Fatal("an expired key's trigger delivered")
	case <-time.After(200 * time.Millisecond):
	}
}
