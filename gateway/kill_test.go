package gateway_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/daemon/hooks"
	"github.com/patchbay-dev/patchbay/gateway"
	"github.com/patchbay-dev/patchbay/gateway/gatewaytest"
	"github.com/patchbay-dev/patchbay/store"
)

// fileSecrets is a SecretStore in a JSON file, so a killed process and
// its successor share trigger secrets the way they share the keyring.
type fileSecrets struct {
	mu   sync.Mutex
	path string
}

func (f *fileSecrets) load() (map[string]string, error) {
	m := map[string]string{}
	b, err := os.ReadFile(f.path)
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	return m, json.Unmarshal(b, &m)
}

func (f *fileSecrets) update(fn func(map[string]string)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return err
	}
	fn(m)
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	tmp := f.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, f.path)
}

func (f *fileSecrets) Put(_ context.Context, name, value string) error {
	return f.update(func(m map[string]string) { m[name] = value })
}

func (f *fileSecrets) Delete(_ context.Context, name string) error {
	return f.update(func(m map[string]string) { delete(m, name) })
}

func (f *fileSecrets) Get(_ context.Context, name string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, err := f.load()
	if err != nil {
		return "", err
	}
	v, ok := m[name]
	if !ok {
		return "", fmt.Errorf("secret %q: %w", name, gateway.ErrNotFound)
	}
	return v, nil
}

type deliveryHelperConfig struct{ DB, Secrets string }

// TestHelperDeliveryProcess is not a test: TestKilledGatewayLosesNothing
// runs the test binary with PATCHBAY_DELIVERY_HELPER set to make it a
// separate process serving the webhook route, so it can be SIGKILLed.
func TestHelperDeliveryProcess(t *testing.T) {
	raw := os.Getenv("PATCHBAY_DELIVERY_HELPER")
	if raw == "" {
		t.Skip("only runs as the child of TestKilledGatewayLosesNothing")
	}
	var cfg deliveryHelperConfig
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, cfg.DB, nil)
	if err != nil {
		t.Fatal(err)
	}
	gw, err := gateway.New(ctx, gateway.Config{
		Store: st, Credentials: &fakeCreds{m: map[string]map[string]string{}}, Secrets: &fileSecrets{path: cfg.Secrets},
		Getenv: func(string) string { return "" }, PublicURL: "https://tunnel.example.test",
		// The target's Retry-After pushes the retry an hour out, so the
		// child makes exactly one attempt before it is killed.
		Delivery: gateway.DeliveryOptions{MaxBackoff: 2 * time.Hour, PollInterval: 10 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("ADDR", ln.Addr().String())
	// Serve until killed; there is deliberately no graceful path.
	t.Fatal(http.Serve(ln, hooks.Handler(gw)))
}

// TestKilledGatewayLosesNothing: a gateway process accepts a Stripe event
// while the target is down, is SIGKILLed, and a gateway restarted on the
// same database delivers the event exactly once, signed, when the target
// is back; the provider's retry of the event is not delivered again.
func TestKilledGatewayLosesNothing(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("spawns a process")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	dir := t.TempDir()
	dbPath, secrets := filepath.Join(dir, "state.db"), &fileSecrets{path: filepath.Join(dir, "secrets.json")}
	after := &clock{t: time.Now().Add(3 * time.Hour)} // the restarted gateway's time, past the child's retry and lease

	// The target is down (503, retry in an hour) until up is set.
	var mu sync.Mutex
	up, signing := false, ""
	attempted := make(chan struct{}, 16)
	var delivered []string
	var deliveredBody []byte
	tgt := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
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
		if err := gateway.VerifySignature(signing, r.Header.Get("X-Patchbay-Signature"), body, after.Now(), 5*time.Minute); err != nil {
			t.Errorf("delivery after restart: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		delivered = append(delivered, r.Header.Get("X-Patchbay-Delivery"))
		deliveredBody = body
	}))
	t.Cleanup(tgt.Close)

	// Set up a key and a Stripe trigger, then let the gateway go.
	st, err := store.Open(ctx, dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	stripe := gatewaytest.NewStripe(t)
	creds := &fakeCreds{m: map[string]map[string]string{"stripe/default": {"secret_key": gatewaytest.StripeKey}}}
	setup, err := gateway.New(ctx, gateway.Config{Store: st, Credentials: creds, Secrets: secrets, Getenv: func(string) string { return "" },
		PublicURL: "https://tunnel.example.test", Endpoints: map[string]string{"STRIPE": stripe.URL}})
	if err != nil {
		t.Fatal(err)
	}
	k, tok, err := setup.CreateKey(ctx, gateway.KeySpec{Name: "hooks", Grants: []gateway.Grant{{Provider: "stripe", Components: []string{"events"}}}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := setup.Authenticate(ctx, "Bearer "+tok)
	if err != nil {
		t.Fatal(err)
	}
	tr, sec, err := setup.CreateTrigger(ctx, p, "stripe", "events", map[string]any{"events": []any{"customer.created"}}, tgt.URL+"/in")
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	signing = sec
	mu.Unlock()
	whsec, err := secrets.Get(ctx, "gateway.trigger."+tr.ID+".provider")
	if err != nil {
		t.Fatal(err)
	}
	setup.Close()
	st.Close()

	// The child serves the webhook route.
	raw, _ := json.Marshal(deliveryHelperConfig{DB: dbPath, Secrets: secrets.path})
	cmd := exec.Command(exe, "-test.run=^TestHelperDeliveryProcess$")
	cmd.Env = append(os.Environ(), "PATCHBAY_DELIVERY_HELPER="+string(raw))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "ADDR ")
	if err != nil || !ok {
		t.Fatalf("child did not report its address: %q %v\n%s", line, err, stderr.String())
	}
	ev := []byte(`{"id":"evt_kill","object":"event","type":"customer.created","data":{"object":{"id":"cus_9"}}}`)
	send := func(h http.Handler, url string, at time.Time) int {
		t.Helper()
		hdr := map[string]string{"Stripe-Signature": stripeSig(whsec, ev, at)}
		if h != nil {
			return post(t, h, gateway.WebhookPathPrefix+tr.ID, ev, hdr)
		}
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(ev))
		req.Header.Set("Stripe-Signature", hdr["Stripe-Signature"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := send(nil, "http://"+addr+gateway.WebhookPathPrefix+tr.ID, time.Now()); code != http.StatusOK {
		t.Fatalf("child answered the provider %d\n%s", code, stderr.String())
	}
	select {
	case <-attempted:
	case <-time.After(20 * time.Second):
		t.Fatalf("the child never tried the target\n%s", stderr.String())
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	// The event survived the kill, without the signing secret.
	st, err = store.Open(ctx, dbPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.ListTriggerDeliveries(ctx, k.ID, "", "")
	if err != nil || len(rows) != 1 || rows[0].State != store.DeliveryPending || rows[0].Attempts != 1 || rows[0].EventID != "evt_kill" {
		t.Fatalf("outbox after the kill: %+v, %v", rows, err)
	}
	files, _ := filepath.Glob(dbPath + "*")
	for _, f := range files {
		if b, _ := os.ReadFile(f); bytes.Contains(b, []byte(sec)) || bytes.Contains(b, []byte(whsec)) {
			t.Fatalf("%s holds a trigger secret", filepath.Base(f))
		}
	}

	// Restart on the same database with the target back up.
	mu.Lock()
	up = true
	mu.Unlock()
	settled := make(chan gateway.DeliveryReport, 16)
	log := &syncBuffer{}
	gw, err := gateway.New(ctx, gateway.Config{Store: st, Credentials: creds, Secrets: secrets, Now: after.Now,
		Logger: slog.New(slog.NewTextHandler(log, nil)), Getenv: func(string) string { return "" }, PublicURL: "https://tunnel.example.test",
		Delivery: gateway.DeliveryOptions{PollInterval: 10 * time.Millisecond, OnSettled: func(r gateway.DeliveryReport) { settled <- r }}})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-settled:
		if r.Outcome != "delivered" || r.Delivery != rows[0].ID || r.Attempt != 2 {
			t.Fatalf("after restart: %+v", r)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("no delivery after restart\n%s", log.String())
	}
	// Stripe retries the event (it never saw a failure, but it may): 200,
	// nothing new to deliver.
	if code := send(hooks.Handler(gw), "", after.Now()); code != http.StatusOK {
		t.Fatalf("provider retry answered %d", code)
	}
	gw.Close() // no attempt can be in flight after this
	if n, err := st.CountPendingTriggerDeliveries(ctx); err != nil || n != 0 {
		t.Fatalf("%d deliveries still pending (%v)", n, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(delivered) != 1 || delivered[0] != rows[0].ID {
		t.Fatalf("target received %v, want %s exactly once", delivered, rows[0].ID)
	}
	if !bytes.Contains(deliveredBody, []byte(`"cus_9"`)) || !bytes.Contains(deliveredBody, []byte(`"trigger_id":"`+tr.ID+`"`)) {
		t.Fatalf("delivered body %s", deliveredBody)
	}
}
