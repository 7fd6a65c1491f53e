package daemon_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/patchbay-dev/patchbay/daemon"
	"github.com/patchbay-dev/patchbay/gateway"
	"github.com/patchbay-dev/patchbay/gateway/gatewaytest"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/gen/patchbay/v1/patchbayv1connect"
	"github.com/patchbay-dev/patchbay/store"
)

type memCreds map[string]map[string]string

func (m memCreds) Get(_ context.Context, provider, profile string) (map[string]string, error) {
	c, ok := m[provider+"/"+profile]
	if !ok {
		return nil, gateway.ErrNoCredentials
	}
	return c, nil
}

type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type gwDaemon struct {
	info    *daemon.Info
	log     *lockedBuf
	slack   *gatewaytest.Server
	stripe  *gatewaytest.Server
	secrets *gateway.MemorySecrets
	base    string
	hc      *http.Client
}

// startGatewayDaemon runs a real daemon with a gateway wired to provider
// fakes and captures its debug log.
func startGatewayDaemon(t *testing.T) *gwDaemon {
	t.Helper()
	home, err := os.MkdirTemp("", "pbg")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	buf := &lockedBuf{}
	log := slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(home, "state.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	slack, stripe := gatewaytest.NewSlack(t), gatewaytest.NewStripe(t)
	secrets := &gateway.MemorySecrets{}
	gw, err := gateway.New(ctx, gateway.Config{
		Store: st, Secrets: secrets, Logger: log, PublicURL: "https://tunnel.example.test",
		Credentials: memCreds{
			"slack/default":  {"webhook_url": gatewaytest.SlackWebhookURL()},
			"stripe/default": {"secret_key": gatewaytest.StripeKey},
		},
		Endpoints: map[string]string{"SLACK": slack.URL, "STRIPE": stripe.URL},
		Getenv:    func(string) string { return "" },
		// Loopback load tests would otherwise trip the default budget.
		DefaultRateLimit: 1_000_000,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := daemon.New(daemon.Config{Home: home, Logger: log, Gateway: gw})
	if err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	ready := make(chan *daemon.Info, 1)
	done := make(chan error, 1)
	go func() { done <- srv.Run(rctx, func(i *daemon.Info) { ready <- i }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		gw.Close()
		st.Close()
	})
	select {
	case info := <-ready:
		return &gwDaemon{info: info, log: buf, slack: slack, stripe: stripe, secrets: secrets, base: "http://" + info.Address,
			hc: &http.Client{Timeout: 10 * time.Second}}
	case err := <-done:
		t.Fatalf("daemon exited early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("daemon did not become ready")
	}
	return nil
}

func (d *gwDaemon) keys(tok string) patchbayv1connect.ApiKeyServiceClient {
	return patchbayv1connect.NewApiKeyServiceClient(d.hc, d.base, bearer(tok))
}

func (d *gwDaemon) actions(tok string) patchbayv1connect.ActionServiceClient {
	return patchbayv1connect.NewActionServiceClient(d.hc, d.base, bearer(tok))
}

func code(err error) connect.Code { return connect.CodeOf(err) }

func mustStruct(t *testing.T, m map[string]any) *structpb.Struct {
	t.Helper()
	s, err := structpb.NewStruct(m)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAPIKeysEndToEnd(t *testing.T) {
	d := startGatewayDaemon(t)
	ctx := context.Background()
	mgmt := d.keys(d.info.Token)
	created, err := mgmt.CreateApiKey(ctx, connect.NewRequest(&patchbayv1.CreateApiKeyRequest{
		Team: "acme", Name: "CI",
		Grants: []*patchbayv1.Grant{{Provider: "slack", Components: []string{"post_message"}}},
	}))
	if err != nil {
		t.Fatal(err)
	}
	tok := created.Msg.GetToken()
	keyID := created.Msg.GetKey().GetId()
	if !strings.HasPrefix(tok, "pbk_") {
		t.Fatalf("token %q", tok)
	}
	responses := []string{created.Msg.GetKey().String()}

	// Refusal with the reason: a connection that does not exist.
	_, err = mgmt.CreateApiKey(ctx, connect.NewRequest(&patchbayv1.CreateApiKeyRequest{Team: "acme", Name: "bad",
		Grants: []*patchbayv1.Grant{{Provider: "stripe", Components: []string{"create_customer"}, Profile: "live"}}}))
	if code(err) != connect.CodeFailedPrecondition || !strings.Contains(err.Error(), `profile "live"`) {
		t.Fatalf("bad connection: %v", err)
	}

	// The API key is not a daemon token, and the daemon token is not an API key.
	if _, err := d.keys(tok).ListApiKeys(ctx, connect.NewRequest(&patchbayv1.ListApiKeysRequest{Team: "acme"})); code(err) != connect.CodeUnauthenticated {
		t.Fatalf("API key on ApiKeyService: %v", err)
	}
	if _, err := d.actions(d.info.Token).ListComponents(ctx, connect.NewRequest(&patchbayv1.ListComponentsRequest{})); code(err) != connect.CodeUnauthenticated {
		t.Fatalf("daemon token on ActionService: %v", err)
	}

	run := connect.NewRequest(&patchbayv1.RunActionRequest{Provider: "slack", Action: "post_message",
		Input: mustStruct(t, map[string]any{"text": "hello"})})
	out, err := d.actions(tok).RunAction(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	if out.Msg.GetOutput().AsMap()["ok"] != true {
		t.Fatalf("output %v", out.Msg.GetOutput())
	}
	responses = append(responses, out.Msg.String())

	comps, err := d.actions(tok).ListComponents(ctx, connect.NewRequest(&patchbayv1.ListComponentsRequest{}))
	if err != nil || len(comps.Msg.GetComponents()) != 1 || comps.Msg.GetComponents()[0].GetKind() != patchbayv1.ComponentKind_COMPONENT_KIND_ACTION {
		t.Fatalf("components %v, %v", comps, err)
	}

	codes := []struct {
		name string
		tok  string
		req  *patchbayv1.RunActionRequest
		want connect.Code
	}{
		{"not granted", tok, &patchbayv1.RunActionRequest{Provider: "stripe", Action: "create_customer"}, connect.CodePermissionDenied},
		{"bad input", tok, &patchbayv1.RunActionRequest{Provider: "slack", Action: "post_message", Input: mustStruct(t, map[string]any{"txt": "x"})}, connect.CodeInvalidArgument},
		{"unknown action", tok, &patchbayv1.RunActionRequest{Provider: "slack", Action: "nope"}, connect.CodeNotFound},
		{"wrong key", tok[:len(tok)-4] + "aaaa", &patchbayv1.RunActionRequest{Provider: "slack", Action: "post_message"}, connect.CodeUnauthenticated},
		{"no key", "", &patchbayv1.RunActionRequest{Provider: "slack", Action: "post_message"}, connect.CodeUnauthenticated},
	}
	for _, c := range codes {
		_, err := d.actions(c.tok).RunAction(ctx, connect.NewRequest(c.req))
		if code(err) != c.want {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
		if err != nil {
			responses = append(responses, err.Error())
		}
	}

	// Plain Connect JSON, as curl sends it.
	req, _ := http.NewRequest(http.MethodPost, d.base+"/patchbay.v1.ActionService/RunAction",
		strings.NewReader(`{"provider":"slack","action":"post_message","input":{"text":"from curl"}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := d.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"ok":true`) {
		t.Fatalf("curl: %d %s", resp.StatusCode, body)
	}

	// Management views never carry the token; regenerate cuts the old one off.
	got, err := mgmt.GetApiKey(ctx, connect.NewRequest(&patchbayv1.GetApiKeyRequest{Team: "acme", Id: keyID}))
	if err != nil {
		t.Fatal(err)
	}
	if got.Msg.GetKey().GetLastUsedAt() == nil {
		t.Error("last_used_at not set after use")
	}
	list, err := mgmt.ListApiKeys(ctx, connect.NewRequest(&patchbayv1.ListApiKeysRequest{Team: "acme"}))
	if err != nil {
		t.Fatal(err)
	}
	responses = append(responses, got.Msg.String(), list.Msg.String())
	if other, _ := mgmt.ListApiKeys(ctx, connect.NewRequest(&patchbayv1.ListApiKeysRequest{Team: "other"})); len(other.Msg.GetKeys()) != 0 {
		t.Fatal("another team sees acme's keys")
	}
	if _, err := mgmt.GetApiKey(ctx, connect.NewRequest(&patchbayv1.GetApiKeyRequest{Team: "other", Id: keyID})); code(err) != connect.CodeNotFound {
		t.Fatalf("cross-team get: %v", err)
	}
	regen, err := mgmt.RegenerateApiKey(ctx, connect.NewRequest(&patchbayv1.RegenerateApiKeyRequest{Team: "acme", Id: keyID}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.actions(tok).RunAction(ctx, run); code(err) != connect.CodeUnauthenticated {
		t.Fatalf("regenerated-away key: %v", err)
	}
	tok2 := regen.Msg.GetToken()
	if _, err := d.actions(tok2).RunAction(ctx, run); err != nil {
		t.Fatalf("new token: %v", err)
	}

	// Expiry through the API.
	exp, err := mgmt.UpdateApiKey(ctx, connect.NewRequest(&patchbayv1.UpdateApiKeyRequest{Team: "acme", Id: keyID, Name: "CI",
		Grants:    []*patchbayv1.Grant{{Provider: "slack", Components: []string{"post_message"}}},
		ExpiresAt: timestamppb.New(time.Now().Add(1500 * time.Millisecond))}))
	if err != nil {
		t.Fatal(err)
	}
	responses = append(responses, exp.Msg.String())
	time.Sleep(1600 * time.Millisecond)
	if _, err := d.actions(tok2).RunAction(ctx, run); code(err) != connect.CodeUnauthenticated || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("expired key: %v", err)
	}

	audit, err := mgmt.ListApiKeyAudit(ctx, connect.NewRequest(&patchbayv1.ListApiKeyAuditRequest{Team: "acme", Id: keyID}))
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[string]int{}
	for _, e := range audit.Msg.GetEntries() {
		outcomes[e.GetCall()+" "+e.GetOutcome()]++
	}
	if outcomes["RunAction ok"] < 3 || outcomes["RunAction permission_denied"] != 1 || outcomes["Authenticate unauthenticated"] != 1 {
		t.Fatalf("audit outcomes %v", outcomes)
	}
	responses = append(responses, audit.Msg.String())
	if _, err := mgmt.DeleteApiKey(ctx, connect.NewRequest(&patchbayv1.DeleteApiKeyRequest{Team: "acme", Id: keyID})); err != nil {
		t.Fatal(err)
	}
	if _, err := d.actions(tok2).RunAction(ctx, run); code(err) != connect.CodeUnauthenticated {
		t.Fatalf("deleted key: %v", err)
	}

	// Nothing secret in any response or in the daemon's log.
	secrets := []string{tok, tok2, tok[strings.LastIndex(tok, "_")+1:], gatewaytest.StripeKey, gatewaytest.SlackPath, "gatewayFakeWebhookSecret"}
	logs := d.log.String()
	if !strings.Contains(logs, "gateway: action") {
		t.Fatal("the log captured nothing from the gateway; the scan below would prove nothing")
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("daemon log contains a secret (%.12s…)", s)
		}
		for _, r := range responses {
			if strings.Contains(r, s) {
				t.Errorf("a response contains a secret (%.12s…): %.200s", s, r)
			}
		}
	}
}

func TestWebhookRouteGuard(t *testing.T) {
	d := startGatewayDaemon(t)
	// Reachable without the daemon token (providers cannot send it): an
	// unknown trigger is a 404 from the gateway, not a 401 from the guard.
	req, _ := http.NewRequest(http.MethodPost, d.base+gateway.WebhookPathPrefix+"trg_missing", strings.NewReader(`{}`))
	resp, err := d.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("webhook route without token: %d", resp.StatusCode)
	}
	// Still refuses browsers.
	req, _ = http.NewRequest(http.MethodPost, d.base+gateway.WebhookPathPrefix+"trg_missing", strings.NewReader(`{}`))
	req.Header.Set("Origin", "https://evil.example")
	resp, err = d.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("webhook route with Origin: %d", resp.StatusCode)
	}
	// Providers arrive through a tunnel under its public name: the Host
	// check, which guards everything else, does not apply here...
	req, _ = http.NewRequest(http.MethodPost, d.base+gateway.WebhookPathPrefix+"trg_missing", strings.NewReader(`{}`))
	req.Host = "abc.tunnel.example"
	resp, err = d.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("webhook route through a tunnel Host: %d, want the gateway's 404", resp.StatusCode)
	}
	// ...but it still does for the API next to it.
	req, _ = http.NewRequest(http.MethodPost, d.base+"/patchbay.v1.ActionService/ListComponents", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	req.Host = "abc.tunnel.example"
	resp, err = d.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("ActionService with a foreign Host: %d, want 403", resp.StatusCode)
	}
}

// TestRunActionLoad runs concurrent RunAction calls over loopback against
// a fake provider: every call must succeed, within a time bound, and the
// heap must not grow with the number of calls.
func TestRunActionLoad(t *testing.T) {
	total, workers := 2000, 16
	if testing.Short() {
		total = 300
	}
	d := startGatewayDaemon(t)
	ctx := context.Background()
	created, err := d.keys(d.info.Token).CreateApiKey(ctx, connect.NewRequest(&patchbayv1.CreateApiKeyRequest{Name: "load",
		Grants: []*patchbayv1.Grant{{Provider: "slack", Components: []string{"post_message"}}}}))
	if err != nil {
		t.Fatal(err)
	}
	client := patchbayv1connect.NewActionServiceClient(&http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: workers}}, d.base, bearer(created.Msg.GetToken()))
	run := func(n int) error {
		jobs := make(chan struct{})
		errs := make(chan error, workers)
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range jobs {
					_, err := client.RunAction(ctx, connect.NewRequest(&patchbayv1.RunActionRequest{Provider: "slack", Action: "post_message",
						Input: &structpb.Struct{Fields: map[string]*structpb.Value{"text": structpb.NewStringValue("load")}}}))
					if err != nil {
						select {
						case errs <- err:
						default:
						}
					}
				}
			}()
		}
		for range n {
			jobs <- struct{}{}
		}
		close(jobs)
		wg.Wait()
		select {
		case err := <-errs:
			return err
		default:
			return nil
		}
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	// Warm up connections, caches and the database before measuring.
	if err := run(total / 10); err != nil {
		t.Fatal(err)
	}
	before := heap()
	start := time.Now()
	if err := run(total); err != nil {
		t.Fatalf("load: %v", err)
	}
	elapsed := time.Since(start)
	after := heap()
	t.Logf("%d calls over %d goroutines in %s (%.0f/s); heap %d KiB -> %d KiB", total, workers, elapsed,
		float64(total)/elapsed.Seconds(), before/1024, after/1024)
	if elapsed > 90*time.Second {
		t.Fatalf("load took %s", elapsed)
	}
	// Retaining even 4 KiB per call would add 8 MiB at 2,000 calls.
	if after > before+8<<20 {
		t.Fatalf("heap grew from %d to %d bytes over %d calls", before, after, total)
	}
	if got := len(d.slack.Requests()); got < total {
		t.Fatalf("provider saw %d calls, want at least %d", got, total)
	}
}

// TestTriggerThroughDaemon registers a Stripe trigger with an API key,
// posts a signed Stripe event to the daemon's webhook route over loopback
// (no daemon token) and receives it at the target with Patchbay's
// signature.
func TestTriggerThroughDaemon(t *testing.T) {
	d := startGatewayDaemon(t)
	ctx := context.Background()
	created, err := d.keys(d.info.Token).CreateApiKey(ctx, connect.NewRequest(&patchbayv1.CreateApiKeyRequest{Name: "hooks",
		Grants: []*patchbayv1.Grant{{Provider: "stripe", Components: []string{"events"}}}}))
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte, 1)
	var signing string
	var mu sync.Mutex
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		sec := signing
		mu.Unlock()
		if err := gateway.VerifySignature(sec, r.Header.Get("X-Patchbay-Signature"), body, time.Now(), time.Minute); err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		got <- body
	}))
	defer target.Close()
	resp, err := d.actions(created.Msg.GetToken()).CreateTrigger(ctx, connect.NewRequest(&patchbayv1.CreateTriggerRequest{
		Provider: "stripe", Trigger: "events", Config: mustStruct(t, map[string]any{"events": []any{"checkout.session.completed"}}),
		TargetUrl: target.URL}))
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	signing = resp.Msg.GetSigningSecret()
	mu.Unlock()
	id := resp.Msg.GetTrigger().GetId()
	whsec, err := d.secrets.Get(ctx, "gateway.trigger."+id+".provider")
	if err != nil {
		t.Fatal(err)
	}
	list, err := d.actions(created.Msg.GetToken()).ListTriggers(ctx, connect.NewRequest(&patchbayv1.ListTriggersRequest{}))
	if err != nil || len(list.Msg.GetTriggers()) != 1 || strings.Contains(list.Msg.String(), signing) {
		t.Fatalf("ListTriggers = %v, %v", list, err)
	}
	ev := `{"id":"evt_1","type":"checkout.session.completed","data":{"object":{"id":"cs_1"}}}`
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
	if hr.StatusCode != 200 {
		t.Fatalf("webhook: %d", hr.StatusCode)
	}
	select {
	case b := <-got:
		if !strings.Contains(string(b), `"cs_1"`) || !strings.Contains(string(b), `"trigger_id":"`+id+`"`) {
			t.Fatalf("delivery %s", b)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no delivery")
	}
	if _, err := d.actions(created.Msg.GetToken()).DeleteTrigger(ctx, connect.NewRequest(&patchbayv1.DeleteTriggerRequest{Id: id})); err != nil {
		t.Fatal(err)
	}
	for _, r := range d.stripe.Requests() {
		if r.Method == http.MethodDelete {
			return
		}
	}
	t.Fatal("DeleteTrigger left the Stripe webhook endpoint")
}
