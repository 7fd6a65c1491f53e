package engine_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/engine"
	"github.com/patchbay-dev/patchbay/engine/enginetest"
	"github.com/patchbay-dev/patchbay/providers/auth0"
	"github.com/patchbay-dev/patchbay/providers/auth0/auth0test"
	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/stripe"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
)

func TestStripeWebhookClientAgainstFake(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := stripetest.New(t)
	w := stripe.NewWebhooks(stripetest.TestKey, f.URL, nil)

	params := stripe.WebhookEndpointParams{URL: "https://a.example/hook", EnabledEvents: []string{"invoice.paid", "charge.refunded"}}
	first, err := w.Create(ctx, params, "key-1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(first.Secret, "whsec_") || !cmp.Equal(first.EnabledEvents, []string{"invoice.paid", "charge.refunded"}) {
		t.Fatalf("create = %+v", first)
	}
	// A replay with the same key returns the first answer, secret included.
	again, err := w.Create(ctx, params, "key-1")
	if err != nil || again.ID != first.ID || again.Secret != first.Secret {
		t.Fatalf("replay = %+v, %v", again, err)
	}
	_, err = w.Create(ctx, stripe.WebhookEndpointParams{URL: "https://other.example", EnabledEvents: []string{"*"}}, "key-1")
	var se *stripe.ResourceError
	if !errors.As(err, &se) || se.Type != "idempotency_error" || !se.Definitive() || se.Retryable() {
		t.Errorf("same key, other params: %v", err)
	}
	got, err := w.Get(ctx, first.ID)
	if err != nil || got.Secret != "" || got.URL != params.URL {
		t.Errorf("get = %+v, %v (the secret must not come back)", got, err)
	}
	upd, err := w.Update(ctx, first.ID, stripe.WebhookEndpointParams{URL: "https://b.example/hook", EnabledEvents: []string{"invoice.paid"}})
	if err != nil || upd.URL != "https://b.example/hook" || !cmp.Equal(upd.EnabledEvents, []string{"invoice.paid"}) {
		t.Errorf("update = %+v, %v", upd, err)
	}
	if _, err := w.Get(ctx, "we_missing"); !errors.Is(err, stripe.ErrNotFound) {
		t.Errorf("get missing: %v", err)
	}
	if err := w.Delete(ctx, "we_missing"); err != nil {
		t.Errorf("delete missing: %v", err)
	}

	// Fill the account up to Stripe's limit of 16 endpoints, across pages.
	for i := 1; i < 16; i++ {
		if _, err := w.Create(ctx, stripe.WebhookEndpointParams{URL: fmt.Sprintf("https://a.example/%d", i), EnabledEvents: []string{"*"}}, ""); err != nil {
			t.Fatal(err)
		}
	}
	all, err := w.List(ctx)
	if err != nil || len(all) != 16 {
		t.Fatalf("list = %d, %v", len(all), err)
	}
	for _, ep := range all {
		if ep.Secret != "" {
			t.Error("list returned a secret")
		}
	}
	_, err = w.Create(ctx, stripe.WebhookEndpointParams{URL: "https://a.example/17", EnabledEvents: []string{"*"}}, "")
	if !errors.As(err, &se) || se.Status != 400 || !se.Definitive() || !strings.Contains(se.Message, "16") {
		t.Errorf("17th endpoint: %v", err)
	}

	f.Inject(providertest.Fault{Kind: providertest.RateLimited, Path: "/v1/", Times: 1})
	_, err = w.Get(ctx, first.ID)
	if !errors.As(err, &se) || se.Status != 429 || !se.Retryable() || se.Definitive() {
		t.Errorf("throttled: %v", err)
	}
	bad := stripe.NewWebhooks("sk_test_wrong", f.URL, nil)
	if _, err := bad.List(ctx); !errors.As(err, &se) || se.Status != 401 || strings.Contains(err.Error(), "sk_test_wrong") {
		t.Errorf("bad key: %v", err)
	}
}

func TestAuth0ManagementClientAgainstFake(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := auth0test.New(t)
	m := auth0.NewManagement(auth0test.Domain, auth0test.ClientID, auth0test.ClientSecret, f.URL, nil)

	app, err := m.CreateClient(ctx, auth0.Application{Name: "shop", AppType: "regular_web", Callbacks: []string{"http://a/cb", "http://b/cb"}})
	if err != nil || app.ClientID == "" || app.ClientSecret == "" {
		t.Fatalf("create = %+v, %v", app, err)
	}
	// PATCH replaces whole arrays: the client sends the full lists.
	upd, err := m.UpdateClient(ctx, app.ClientID, auth0.Application{Name: "shop", Callbacks: []string{"http://b/cb"}})
	if err != nil || !cmp.Equal(upd.Callbacks, []string{"http://b/cb"}) || len(upd.WebOrigins) != 0 {
		t.Errorf("update = %+v, %v", upd, err)
	}
	found, err := m.FindClients(ctx, "shop")
	if err != nil || len(found) != 1 || found[0].ClientID != app.ClientID {
		t.Errorf("find = %+v, %v", found, err)
	}
	rot, err := m.RotateSecret(ctx, app.ClientID)
	if err != nil || rot.ClientSecret == "" || rot.ClientSecret == app.ClientSecret {
		t.Errorf("rotate = %v", err)
	}
	if _, err := m.GetClient(ctx, "nope"); !errors.Is(err, auth0.ErrNotFound) {
		t.Errorf("get missing: %v", err)
	}
	if tokens := f.Count(http.MethodPost, "/oauth/token"); tokens != 1 {
		t.Errorf("token requests = %d, want 1 (the token must be cached)", tokens)
	}

	f.Inject(providertest.Fault{Kind: providertest.RateLimited, Path: "/api/v2/", Times: 1, RetryAfter: 2 * time.Second})
	_, err = m.GetClient(ctx, app.ClientID)
	var ae *auth0.APIError
	if !errors.As(err, &ae) || ae.Status != 429 || !ae.Retryable() || ae.RetryAfter() != 2*time.Second || ae.Code != "too_many_requests" {
		t.Errorf("throttled: %v (retry after %v)", err, ae.RetryAfter())
	}
	bad := auth0.NewManagement(auth0test.Domain, auth0test.ClientID, "wrong-secret-wrong-secret-wrong-secret", f.URL, nil)
	_, err = bad.GetClient(ctx, app.ClientID)
	if !errors.As(err, &ae) || ae.Status != 401 || ae.Code != "access_denied" || !ae.Definitive() || strings.Contains(err.Error(), "wrong-secret") {
		t.Errorf("bad secret: %v", err)
	}
}

// TestRetryAfterIsHonored: a 429 with Retry-After: 1 makes the engine wait
// that second rather than its (much shorter) backoff. The engine logs the
// wait it chose, so the test reads that instead of timing the apply.
func TestRetryAfterIsHonored(t *testing.T) {
	t.Parallel()
	r := newProviderRig(t)
	r.retryMax = 5 * time.Second
	var logs lockedLog
	r.log = slog.New(slog.NewTextHandler(&logs, nil))
	r.open(nil)
	p, err := r.eng.Plan(context.Background(), root, "local", false)
	if err != nil {
		t.Fatal(err)
	}
	r.auth0.Inject(providertest.Fault{Kind: providertest.RateLimited, Path: "/api/v2/", Times: 1, RetryAfter: time.Second})
	if _, err := r.eng.Apply(context.Background(), p.ID, nil); err != nil {
		t.Fatal(err)
	}
	if got := logs.String(); !strings.Contains(got, "retrying") || !strings.Contains(got, "wait=1s") {
		t.Errorf("the engine did not wait the provider's Retry-After of 1s; log:\n%s", got)
	}
	r.checkProviders("https://dev.example.net:3000")
}

// lockedLog is a log sink the engine's parallel steps can share.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestMissingCredentialsSkipOneProvider(t *testing.T) {
	t.Parallel()
	r := newProviderRig(t)
	r.noAuth0 = true
	r.open(nil)
	p, err := r.eng.Plan(context.Background(), root, "local", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Steps) != 1 || p.Steps[0].Key.Provider != "stripe" || !strings.Contains(strings.Join(p.Warnings, "\n"), "connect auth0 first") {
		t.Fatalf("plan:\n%s", p.Summary())
	}
	if _, err := r.eng.Apply(context.Background(), p.ID, nil); err != nil {
		t.Fatal(err)
	}
	if len(r.stripe.Endpoints()) != 1 || len(r.auth0.Apps()) != 0 {
		t.Errorf("stripe %v auth0 %v", r.stripe.Endpoints(), r.auth0.Apps())
	}
}

func TestConcurrentApplyOfOneEnvironmentIsRefused(t *testing.T) {
	t.Parallel()
	things := enginetest.NewThings()
	r := newRig(t, things, nil)
	r.setWant(thing("a", ""))
	p1 := r.plan(false)
	things.SetLatency(300 * time.Millisecond)
	done := make(chan error, 1)
	go func() {
		_, err := r.eng.Apply(context.Background(), p1.ID, nil)
		done <- err
	}()
	for !contains(things.Calls(), "create") {
		time.Sleep(5 * time.Millisecond)
	}
	things.SetLatency(0)
	r.setWant(thing("a", ""), thing("b", ""))
	p2 := r.plan(false)
	if _, err := r.eng.Apply(context.Background(), p2.ID, nil); !errors.Is(err, engine.ErrConflict) {
		t.Errorf("second apply while the first runs: err = %v, want ErrConflict", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	r.apply(r.plan(false))
	r.checkConverged()
}
