package gateway_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/gateway"
	"github.com/patchbay-dev/patchbay/store"
)

// stripeHeader signs body the way Stripe does (Stripe-Signature: t=…,v1=…).
func stripeHeader(secret string, body []byte, at time.Time) http.Header {
	return http.Header{"Stripe-Signature": {stripeSig(secret, body, at)}}
}

// TestReceiveTriggerEvent drives the gateway's webhook function directly,
// without HTTP: every receipt and every error class it documents.
func TestReceiveTriggerEvent(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *gateway.Config) { c.Delivery.Queue = 2 })
	ctx := context.Background()
	k, tok := e.createKey(t, "", "hooks", allGrants())
	p := e.auth(t, tok)
	// The target refuses every attempt and the test clock stands still, so
	// an accepted delivery stays pending in the outbox.
	rcv := newReceiver(t, e.clock.Now)
	rcv.failNext = 1 << 20
	tr, _, err := e.gw.CreateTrigger(ctx, p, "stripe", "events", map[string]any{"events": []any{"customer.created", "invoice.paid"}}, rcv.URL)
	if err != nil {
		t.Fatal(err)
	}
	whsec, err := e.secrets.Get(ctx, "gateway.trigger."+tr.ID+".provider")
	if err != nil {
		t.Fatal(err)
	}
	ev := func(id, typ string) []byte { return []byte(`{"id":"` + id + `","type":"` + typ + `"}`) }
	receive := func(body []byte, h http.Header) (gateway.EventReceipt, error) {
		return e.gw.ReceiveTriggerEvent(ctx, tr.ID, h, body)
	}
	pending := func() int {
		t.Helper()
		return len(e.rows(t, k.ID, store.DeliveryPending))
	}

	if _, err := e.gw.ReceiveTriggerEvent(ctx, "trg_missing", stripeHeader(whsec, ev("evt_0", "customer.created"), e.clock.Now()), ev("evt_0", "customer.created")); !errors.Is(err, gateway.ErrNotFound) {
		t.Errorf("unknown trigger: %v, want ErrNotFound", err)
	}
	b := ev("evt_1", "customer.created")
	for name, h := range map[string]http.Header{
		"missing": {},
		"forged":  stripeHeader("whsec_wrong", b, e.clock.Now()),
		"stale":   stripeHeader(whsec, b, e.clock.Now().Add(-10*time.Minute)),
	} {
		if r, err := receive(b, h); !errors.Is(err, gateway.ErrUnauthenticated) {
			t.Errorf("%s signature: %v %v, want ErrUnauthenticated", name, r, err)
		}
	}
	if n := pending(); n != 0 {
		t.Fatalf("refused events queued %d deliveries", n)
	}

	other := ev("evt_2", "customer.deleted")
	if r, err := receive(other, stripeHeader(whsec, other, e.clock.Now())); err != nil || r != gateway.EventIgnored {
		t.Errorf("unsubscribed type: %v %v, want ignored", r, err)
	}
	if r, err := receive(b, stripeHeader(whsec, b, e.clock.Now())); err != nil || r != gateway.EventQueued {
		t.Fatalf("subscribed event: %v %v, want queued", r, err)
	}
	if r, err := receive(b, stripeHeader(whsec, b, e.clock.Now())); err != nil || r != gateway.EventDuplicate {
		t.Errorf("the provider's retry: %v %v, want duplicate", r, err)
	}
	if n := pending(); n != 1 {
		t.Fatalf("pending deliveries %d, want 1", n)
	}
	b3 := ev("evt_3", "invoice.paid")
	if r, err := receive(b3, stripeHeader(whsec, b3, e.clock.Now())); err != nil || r != gateway.EventQueued {
		t.Fatalf("second event: %v %v, want queued", r, err)
	}
	b4 := ev("evt_4", "invoice.paid")
	if r, err := receive(b4, stripeHeader(whsec, b4, e.clock.Now())); !errors.Is(err, gateway.ErrQueueFull) {
		t.Errorf("third event with a queue of 2: %v %v, want ErrQueueFull", r, err)
	}

	// Without its signing secret nothing could be signed for the target.
	if err := e.secrets.Delete(ctx, "gateway.trigger."+tr.ID+".signing"); err != nil {
		t.Fatal(err)
	}
	if r, err := receive(b4, stripeHeader(whsec, b4, e.clock.Now())); !errors.Is(err, gateway.ErrSecretUnavailable) {
		t.Errorf("no signing secret: %v %v, want ErrSecretUnavailable", r, err)
	}
	// Without the provider's secret nothing can be verified.
	if err := e.secrets.Delete(ctx, "gateway.trigger."+tr.ID+".provider"); err != nil {
		t.Fatal(err)
	}
	if r, err := receive(b4, stripeHeader(whsec, b4, e.clock.Now())); !errors.Is(err, gateway.ErrSecretUnavailable) {
		t.Errorf("no provider secret: %v %v, want ErrSecretUnavailable", r, err)
	}
}

// TestReceiveTriggerEventNotJSON: GitHub names the event in a header, so a
// correctly signed body that is not JSON gets past the signature and is
// refused as invalid rather than queued.
func TestReceiveTriggerEventNotJSON(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	k, tok := e.createKey(t, "", "hooks", allGrants())
	rcv := newReceiver(t, e.clock.Now)
	tr, _, err := e.gw.CreateTrigger(ctx, e.auth(t, tok), "github", "repository_events",
		map[string]any{"owner": "acme", "repo": "api", "events": []any{"issues"}}, rcv.URL)
	if err != nil {
		t.Fatal(err)
	}
	hook, ok := e.github.Object("hook_1")
	if !ok {
		t.Fatal("no repository webhook created")
	}
	body := []byte(`action=opened`)
	h := http.Header{"X-Hub-Signature-256": {"sha256=" + hexHMAC(hook["secret"].(string), body)}, "X-Github-Event": {"issues"}, "X-Github-Delivery": {"d-1"}}
	if r, err := e.gw.ReceiveTriggerEvent(ctx, tr.ID, h, body); !errors.Is(err, gateway.ErrInvalidArgument) {
		t.Fatalf("signed non-JSON body: %v %v, want ErrInvalidArgument", r, err)
	}
	if rs := e.rows(t, k.ID, store.DeliveryPending); len(rs) != 0 {
		t.Fatalf("queued %d deliveries", len(rs))
	}
}

// TestReceiveTriggerEventExpiredKey: an expired key's trigger still
// verifies the event but drops it.
func TestReceiveTriggerEventExpiredKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	_, tok, err := e.gw.CreateKey(ctx, gateway.KeySpec{Name: "short", Grants: allGrants(), ExpiresAt: e.clock.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	rcv := newReceiver(t, e.clock.Now)
	tr, _, err := e.gw.CreateTrigger(ctx, e.auth(t, tok), "stripe", "events", map[string]any{"events": []any{"*"}}, rcv.URL)
	if err != nil {
		t.Fatal(err)
	}
	whsec, err := e.secrets.Get(ctx, "gateway.trigger."+tr.ID+".provider")
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(2 * time.Hour)
	b := []byte(`{"id":"evt_x","type":"customer.created"}`)
	if r, err := e.gw.ReceiveTriggerEvent(ctx, tr.ID, stripeHeader(whsec, b, e.clock.Now()), b); err != nil || r != gateway.EventKeyExpired {
		t.Fatalf("expired key: %v %v, want key expired", r, err)
	}
	if r, err := e.gw.ReceiveTriggerEvent(ctx, tr.ID, stripeHeader("whsec_wrong", b, e.clock.Now()), b); !errors.Is(err, gateway.ErrUnauthenticated) {
		t.Fatalf("expired key, forged signature: %v %v, want ErrUnauthenticated", r, err)
	}
}
