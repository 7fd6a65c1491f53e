package daemon_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/patchbay-dev/patchbay/daemon"
	"github.com/patchbay-dev/patchbay/gateway"
	"github.com/patchbay-dev/patchbay/gateway/gatewaytest"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/store"
)

// runDaemon serves gw from home until stop is called; stop returns once
// the daemon's listeners are gone. It never closes gw or its store: that
// is the caller's choice.
func runDaemon(t *testing.T, home string, gw *gateway.Gateway) (info *daemon.Info, stop func()) {
	t.Helper()
	srv, err := daemon.New(daemon.Config{Home: home, Gateway: gw})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan *daemon.Info, 1)
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, func(i *daemon.Info) { ready <- i }) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	select {
	case info = <-ready:
		return info, stop
	case err := <-done:
		t.Fatalf("daemon exited early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("daemon did not become ready")
	}
	return nil, nil
}

// TestTriggerDeliverySurvivesDaemonRestart: the daemon answers a Stripe
// event 200 while the trigger's target is down and goes away without its
// gateway being closed; a daemon started on the same home and database
// delivers the event exactly once, signed, once the target is back, and a
// Stripe retry of the event is not delivered again.
func TestTriggerDeliverySurvivesDaemonRestart(t *testing.T) {
	t.Parallel()
	home, err := os.MkdirTemp("", "pbd")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	ctx := context.Background()
	dbPath := filepath.Join(home, "state.db")
	stripe := gatewaytest.NewStripe(t)
	secrets := &gateway.MemorySecrets{} // stands in for the keyring, which outlives the daemon
	creds := memCreds{"stripe/default": {"secret_key": gatewaytest.StripeKey}}
	cfg := func(st *store.Store) gateway.Config {
		return gateway.Config{Store: st, Secrets: secrets, Credentials: creds, PublicURL: "https://tunnel.example.test",
			Endpoints: map[string]string{"STRIPE": stripe.URL}, Getenv: func(string) string { return "" }}
	}
	later := &struct {
		sync.Mutex
		t time.Time
	}{t: time.Now().Add(3 * time.Hour)} // past the first daemon's retry time and lease
	laterNow := func() time.Time { later.Lock(); defer later.Unlock(); return later.t }

	var mu sync.Mutex
	up, signing := false, ""
	var delivered []string
	attempted := make(chan struct{}, 8)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if !up {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusServiceUnavailable)
			select {
			case attempted <- struct{}{}:
			default:
			}
			return
		}
		if err := gateway.VerifySignature(signing, r.Header.Get("X-Patchbay-Signature"), body, laterNow(), time.Minute); err != nil {
			t.Errorf("delivery: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		delivered = append(delivered, r.Header.Get("X-Patchbay-Delivery"))
	}))
	defer target.Close()

	// First daemon: register the trigger, accept an event, go away.
	st1, err := store.Open(ctx, dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	c1 := cfg(st1)
	c1.Delivery.MaxBackoff = 2 * time.Hour // so the target's Retry-After holds
	gw1, err := gateway.New(ctx, c1)
	if err != nil {
		t.Fatal(err)
	}
	info1, stop1 := runDaemon(t, home, gw1)
	d1 := &gwDaemon{info: info1, base: "http://" + info1.Address, hc: &http.Client{Timeout: 10 * time.Second}}
	created, err := d1.keys(info1.Token).CreateApiKey(ctx, connect.NewRequest(&patchbayv1.CreateApiKeyRequest{Name: "hooks",
		Grants: []*patchbayv1.Grant{{Provider: "stripe", Components: []string{"events"}}}}))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := d1.actions(created.Msg.GetToken()).CreateTrigger(ctx, connect.NewRequest(&patchbayv1.CreateTriggerRequest{
		Provider: "stripe", Trigger: "events", Config: mustStruct(t, map[string]any{"events": []any{"customer.created"}}),
		TargetUrl: target.URL}))
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	signing = resp.Msg.GetSigningSecret()
	mu.Unlock()
	id := resp.Msg.GetTrigger().GetId()
	whsec, err := secrets.Get(ctx, "gateway.trigger."+id+".provider")
	if err != nil {
		t.Fatal(err)
	}
	ev := `{"id":"evt_restart","type":"customer.created","data":{"object":{"id":"cus_7"}}}`
	postEvent := func(base string, at time.Time) int {
		t.Helper()
		ts := fmt.Sprint(at.Unix())
		m := hmac.New(sha256.New, []byte(whsec))
		m.Write([]byte(ts + "." + ev))
		req, _ := http.NewRequest(http.MethodPost, base+gateway.WebhookPathPrefix+id, strings.NewReader(ev))
		req.Header.Set("Stripe-Signature", "t="+ts+",v1="+hex.EncodeToString(m.Sum(nil)))
		hr, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		hr.Body.Close()
		return hr.StatusCode
	}
	if code := postEvent(d1.base, time.Now()); code != http.StatusOK {
		t.Fatalf("webhook: %d", code)
	}
	select {
	case <-attempted:
	case <-time.After(10 * time.Second):
		t.Fatal("the first daemon never tried the target")
	}
	stop1()
	// gw1 and st1 are abandoned, not closed, as a killed daemon leaves
	// them; they are released only after the assertions.
	t.Cleanup(func() { gw1.Close(); st1.Close() })

	// Second daemon on the same home and database, target back up.
	mu.Lock()
	up = true
	mu.Unlock()
	st2, err := store.Open(ctx, dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	settled := make(chan gateway.DeliveryReport, 8)
	c2 := cfg(st2)
	c2.Now = laterNow
	c2.Delivery = gateway.DeliveryOptions{PollInterval: 10 * time.Millisecond, OnSettled: func(r gateway.DeliveryReport) { settled <- r }}
	gw2, err := gateway.New(ctx, c2)
	if err != nil {
		t.Fatal(err)
	}
	info2, stop2 := runDaemon(t, home, gw2)
	select {
	case r := <-settled:
		if r.Outcome != "delivered" {
			t.Fatalf("after restart: %+v", r)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the restarted daemon did not deliver")
	}
	if code := postEvent("http://"+info2.Address, laterNow()); code != http.StatusOK {
		t.Fatalf("Stripe retry: %d", code)
	}
	stop2()
	gw2.Close()
	if n, err := st2.CountPendingTriggerDeliveries(ctx); err != nil || n != 0 {
		t.Fatalf("%d deliveries pending (%v)", n, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(delivered) != 1 {
		t.Fatalf("target received %v, want one delivery", delivered)
	}
}

// TestGivenUpDeliveryInAuditRPC: a delivery the target refuses for good is
// visible to the key's owner through ListApiKeyAudit.
func TestGivenUpDeliveryInAuditRPC(t *testing.T) {
	d := startGatewayDaemon(t)
	ctx := context.Background()
	created, err := d.keys(d.info.Token).CreateApiKey(ctx, connect.NewRequest(&patchbayv1.CreateApiKeyRequest{Name: "hooks",
		Grants: []*patchbayv1.Grant{{Provider: "stripe", Components: []string{"events"}}}}))
	if err != nil {
		t.Fatal(err)
	}
	// 410 is final: no retry, the delivery is given up at once.
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusGone) }))
	defer target.Close()
	resp, err := d.actions(created.Msg.GetToken()).CreateTrigger(ctx, connect.NewRequest(&patchbayv1.CreateTriggerRequest{
		Provider: "stripe", Trigger: "events", Config: mustStruct(t, map[string]any{"events": []any{"*"}}), TargetUrl: target.URL}))
	if err != nil {
		t.Fatal(err)
	}
	id := resp.Msg.GetTrigger().GetId()
	whsec, err := d.secrets.Get(ctx, "gateway.trigger."+id+".provider")
	if err != nil {
		t.Fatal(err)
	}
	ev := `{"id":"evt_gone","type":"customer.created"}`
	ts := fmt.Sprint(time.Now().Unix())
	m := hmac.New(sha256.New, []byte(whsec))
	m.Write([]byte(ts + "." + ev))
	req, _ := http.NewRequest(http.MethodPost, d.base+gateway.WebhookPathPrefix+id, strings.NewReader(ev))
	req.Header.Set("Stripe-Signature", "t="+ts+",v1="+hex.EncodeToString(m.Sum(nil)))
	hr, err := d.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	hr.Body.Close()
	if hr.StatusCode != http.StatusOK {
		t.Fatalf("webhook: %d", hr.StatusCode)
	}
	// The outcome is recorded asynchronously; poll the RPC (bounded).
	deadline := time.Now().Add(10 * time.Second)
	for {
		audit, err := d.keys(d.info.Token).ListApiKeyAudit(ctx, connect.NewRequest(&patchbayv1.ListApiKeyAuditRequest{Id: created.Msg.GetKey().GetId()}))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range audit.Msg.GetEntries() {
			if e.GetCall() == "DeliverTrigger" {
				if e.GetOutcome() != "delivery_failed" || e.GetProvider() != "stripe" || e.GetComponent() != "events" {
					t.Fatalf("audit entry %v", e)
				}
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no DeliverTrigger entry in %v", audit.Msg.GetEntries())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
