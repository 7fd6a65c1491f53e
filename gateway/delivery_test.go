package gateway_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/daemon/hooks"
	"github.com/patchbay-dev/patchbay/gateway"
	"github.com/patchbay-dev/patchbay/store"
)

// target is a trigger target whose answers a test scripts; it records the
// deliveries that carry a valid X-Patchbay-Signature.
type target struct {
	*httptest.Server
	mu       sync.Mutex
	secret   string
	now      func() time.Time
	answer   func(n int) (status int, retryAfter string)
	attempts int
	got      []string // X-Patchbay-Delivery of verified 2xx deliveries
	bodies   []string
	bad      []string
}

func newTarget(t *testing.T, now func() time.Time) *target {
	tg := &target{now: now, answer: func(int) (int, string) { return http.StatusOK, "" }}
	tg.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		tg.mu.Lock()
		defer tg.mu.Unlock()
		tg.attempts++
		if err := gateway.VerifySignature(tg.secret, r.Header.Get("X-Patchbay-Signature"), body, tg.now(), 5*time.Minute); err != nil {
			tg.bad = append(tg.bad, err.Error())
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		status, ra := tg.answer(tg.attempts)
		if ra != "" {
			w.Header().Set("Retry-After", ra)
		}
		if status < 300 {
			tg.got = append(tg.got, r.Header.Get("X-Patchbay-Delivery"))
			tg.bodies = append(tg.bodies, string(body))
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(tg.Close)
	return tg
}

func (tg *target) snapshot() (attempts int, got, bad []string) {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	return tg.attempts, append([]string(nil), tg.got...), append([]string(nil), tg.bad...)
}

// stripeHook registers a Stripe trigger on all events for a new key and
// returns it with the key and the provider's webhook secret.
func (e *env) stripeHook(t *testing.T, tg *target) (gateway.Key, gateway.Trigger, string) {
	t.Helper()
	ctx := context.Background()
	k, tok := e.createKey(t, "", "hooks-"+t.Name(), allGrants())
	tr, secret, err := e.gw.CreateTrigger(ctx, e.auth(t, tok), "stripe", "events", map[string]any{"events": []any{"*"}}, tg.URL)
	if err != nil {
		t.Fatal(err)
	}
	tg.mu.Lock()
	tg.secret = secret
	tg.mu.Unlock()
	whsec, err := e.secrets.Get(ctx, "gateway.trigger."+tr.ID+".provider")
	if err != nil {
		t.Fatal(err)
	}
	return k, tr, whsec
}

func (e *env) postStripe(t *testing.T, tr gateway.Trigger, whsec, evID string) int {
	t.Helper()
	ev := []byte(`{"id":"` + evID + `","type":"customer.created","data":{"object":{"id":"cus_1"}}}`)
	return post(t, hooks.Handler(e.gw), gateway.WebhookPathPrefix+tr.ID, ev, map[string]string{"Stripe-Signature": stripeSig(whsec, ev, e.clock.Now())})
}

func (e *env) rows(t *testing.T, keyID, state string) []store.TriggerDelivery {
	t.Helper()
	rs, err := e.st.ListTriggerDeliveries(context.Background(), keyID, "", state)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// TestDeliveryRescheduleAndGiveUp: Retry-After is honoured, other
// failures back off exponentially with jitter, and after MaxAttempts the
// delivery is kept as failed and shows in the key's audit log.
func TestDeliveryRescheduleAndGiveUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *gateway.Config) {
		c.Delivery.Backoff, c.Delivery.MaxBackoff = 10*time.Second, time.Hour
	})
	tg := newTarget(t, e.clock.Now)
	tg.answer = func(n int) (int, string) {
		if n == 1 {
			return http.StatusServiceUnavailable, "120"
		}
		return http.StatusBadGateway, ""
	}
	k, tr, whsec := e.stripeHook(t, tg)
	if code := e.postStripe(t, tr, whsec, "evt_fail"); code != 200 {
		t.Fatalf("webhook: %d", code)
	}
	if rs := e.rows(t, k.ID, store.DeliveryPending); len(rs) != 1 || rs[0].EventID != "evt_fail" || rs[0].TargetURL != tg.URL {
		t.Fatalf("outbox after the 200: %+v", rs)
	}
	wantWait := []struct{ lo, hi time.Duration }{
		{120 * time.Second, 120 * time.Second}, // Retry-After
		{10 * time.Second, 20 * time.Second},   // Backoff<<1, upper half
		{20 * time.Second, 40 * time.Second},   // Backoff<<2, upper half
	}
	for i, w := range wantWait {
		r := e.settle(t)
		got := r.NextAttemptAt.Sub(e.clock.Now())
		if r.Outcome != "retry" || r.Attempt != i+1 || got < w.lo || got > w.hi {
			t.Fatalf("attempt %d: %+v, waits %v, want [%v, %v]", i+1, r, got, w.lo, w.hi)
		}
		rs := e.rows(t, k.ID, store.DeliveryPending)
		if len(rs) != 1 || !rs[0].NextAttemptAt.Equal(r.NextAttemptAt.Truncate(time.Millisecond)) || rs[0].Attempts != i+1 || rs[0].Claim != "" {
			t.Fatalf("row after attempt %d: %+v", i+1, rs)
		}
		e.clock.Add(got - time.Millisecond)
		if a, _, _ := tg.snapshot(); a != i+1 {
			t.Fatalf("target saw %d attempts before the retry was due", a)
		}
		e.clock.Add(time.Millisecond)
	}
	r := e.settle(t)
	if r.Outcome != "failed" || r.Attempt != 4 || r.Status != http.StatusBadGateway {
		t.Fatalf("last attempt: %+v", r)
	}
	failed, err := e.gw.FailedDeliveries(context.Background(), "", k.ID, "")
	if err != nil || len(failed) != 1 || failed[0].EventID != "evt_fail" || failed[0].Attempts != 4 || failed[0].LastStatus != 502 {
		t.Fatalf("FailedDeliveries = %+v, %v", failed, err)
	}
	audit, err := e.gw.Audit(context.Background(), "", k.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	last := audit[len(audit)-1]
	if last.Call != "DeliverTrigger" || last.Outcome != "delivery_failed" || !strings.Contains(last.Detail, failed[0].ID) ||
		strings.Contains(last.Detail, tg.URL) {
		t.Fatalf("audit entry %+v", last)
	}
	// A failed delivery is never picked up again.
	e.clock.Add(24 * time.Hour)
	if code := e.postStripe(t, tr, whsec, "evt_after"); code != 200 {
		t.Fatalf("webhook: %d", code)
	}
	if r := e.settle(t); r.Outcome != "retry" || r.Attempt != 1 {
		t.Fatalf("next event: %+v", r)
	}
	if a, _, bad := tg.snapshot(); a != 5 || len(bad) != 0 {
		t.Fatalf("target saw %d attempts (bad signatures %v), want 4 for the failed event and 1 for the next", a, bad)
	}
}

// TestDeliveryDedupe: a provider retrying an event it already delivered to
// us (same Stripe id or X-GitHub-Delivery) gets a 200 and no second
// delivery, whether the first is still pending or already delivered.
func TestDeliveryDedupe(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tg := newTarget(t, e.clock.Now)
	tg.answer = func(n int) (int, string) {
		if n == 1 {
			return http.StatusInternalServerError, ""
		}
		return http.StatusOK, ""
	}
	k, tr, whsec := e.stripeHook(t, tg)
	for range 2 {
		if code := e.postStripe(t, tr, whsec, "evt_dup"); code != 200 {
			t.Fatalf("webhook: %d", code)
		}
	}
	if r := e.settle(t); r.Outcome != "retry" {
		t.Fatalf("first attempt: %+v", r)
	}
	if rs := e.rows(t, k.ID, ""); len(rs) != 1 {
		t.Fatalf("outbox holds %d rows for one event", len(rs))
	}
	// Retried while still pending, then delivered.
	if code := e.postStripe(t, tr, whsec, "evt_dup"); code != 200 {
		t.Fatalf("webhook: %d", code)
	}
	e.clock.Add(time.Minute)
	if r := e.settle(t); r.Outcome != "delivered" {
		t.Fatalf("second attempt: %+v", r)
	}
	// Retried after delivery: acknowledged, nothing stored.
	if code := e.postStripe(t, tr, whsec, "evt_dup"); code != 200 {
		t.Fatalf("webhook: %d", code)
	}
	if rs := e.rows(t, k.ID, ""); len(rs) != 0 {
		t.Fatalf("a delivered event was queued again: %+v", rs)
	}
	// A different event still goes through.
	if code := e.postStripe(t, tr, whsec, "evt_other"); code != 200 {
		t.Fatalf("webhook: %d", code)
	}
	if r := e.settle(t); r.Outcome != "delivered" {
		t.Fatalf("other event: %+v", r)
	}
	_, got, bad := tg.snapshot()
	if len(got) != 2 || got[0] == got[1] || len(bad) != 0 {
		t.Fatalf("delivered %v (bad %v), want evt_dup and evt_other once each", got, bad)
	}
	if !strings.Contains(tg.bodies[0], `"evt_dup"`) || !strings.Contains(tg.bodies[1], `"evt_other"`) {
		t.Fatalf("bodies %v", tg.bodies)
	}
}

func TestGitHubDeliveryDedupe(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tg := newTarget(t, e.clock.Now)
	_, tok := e.createKey(t, "", "gh", allGrants())
	tr, secret, err := e.gw.CreateTrigger(ctx, e.auth(t, tok), "github", "repository_events",
		map[string]any{"owner": "acme", "repo": "api", "events": []any{"issues"}}, tg.URL)
	if err != nil {
		t.Fatal(err)
	}
	tg.secret = secret
	hook, _ := e.github.Object("hook_1")
	body := []byte(`{"action":"opened","issue":{"number":7}}`)
	hdr := map[string]string{"X-Hub-Signature-256": "sha256=" + hexHMAC(hook["secret"].(string), body), "X-GitHub-Event": "issues"}
	for _, delivery := range []string{"guid-1", "guid-1", "guid-2"} {
		hdr["X-GitHub-Delivery"] = delivery
		if code := post(t, hooks.Handler(e.gw), gateway.WebhookPathPrefix+tr.ID, body, hdr); code != 200 {
			t.Fatalf("%s: %d", delivery, code)
		}
	}
	for range 2 {
		if r := e.settle(t); r.Outcome != "delivered" {
			t.Fatalf("%+v", r)
		}
	}
	if n, _ := e.st.CountPendingTriggerDeliveries(ctx); n != 0 {
		t.Fatalf("%d pending", n)
	}
	if _, got, _ := tg.snapshot(); len(got) != 2 || got[0] == got[1] {
		t.Fatalf("delivered %v, want guid-1 and guid-2 once each", got)
	}
}

// TestDeletingDropsPendingDeliveries: deleting a trigger or its key drops
// what it still had to deliver.
func TestDeletingDropsPendingDeliveries(t *testing.T) {
	t.Parallel()
	for _, what := range []string{"trigger", "key"} {
		t.Run(what, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			ctx := context.Background()
			tg := newTarget(t, e.clock.Now)
			tg.answer = func(int) (int, string) { return http.StatusServiceUnavailable, "" }
			k, tr, whsec := e.stripeHook(t, tg)
			if code := e.postStripe(t, tr, whsec, "evt_1"); code != 200 {
				t.Fatalf("webhook: %d", code)
			}
			if r := e.settle(t); r.Outcome != "retry" {
				t.Fatalf("%+v", r)
			}
			if what == "trigger" {
				_, tok, err := e.gw.RegenerateKey(ctx, "", k.ID)
				if err != nil {
					t.Fatal(err)
				}
				if err := e.gw.DeleteTrigger(ctx, e.auth(t, tok), tr.ID); err != nil {
					t.Fatal(err)
				}
			} else if err := e.gw.DeleteKey(ctx, "", k.ID, false); err != nil {
				t.Fatal(err)
			}
			if n, err := e.st.CountPendingTriggerDeliveries(ctx); err != nil || n != 0 {
				t.Fatalf("%d deliveries pending after deleting the %s (%v)", n, what, err)
			}
		})
	}
}

func hexHMAC(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}
