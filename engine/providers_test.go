package engine_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers/auth0/auth0test"
	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/store"
)

// shopFindings is what the analyzer reports for a Next.js app with Auth0
// login and a Stripe webhook handler.
func shopFindings() ([]*patchbayv1.Service, []*patchbayv1.Finding) {
	svcs := []*patchbayv1.Service{{Path: "web", Name: "web", Language: "typescript"}}
	fs := []*patchbayv1.Finding{
		{Kind: patchbayv1.FindingKind_OAUTH_CALLBACK, Provider: "auth0", Service: "web",
			Location: &patchbayv1.Location{Path: "web/app/api/auth/[auth0]/route.ts", StartLine: 3},
			Detail:   &patchbayv1.Finding_Callback{Callback: &patchbayv1.OAuthCallback{Route: "/api/auth/callback", LogoutRoutes: []string{"/logged-out"}}}},
		{Kind: patchbayv1.FindingKind_WEBHOOK_HANDLER, Provider: "stripe", Service: "web",
			Location: &patchbayv1.Location{Path: "web/app/api/webhooks/stripe/route.ts", StartLine: 12},
			Detail: &patchbayv1.Finding_Webhook{Webhook: &patchbayv1.WebhookHandler{Route: "/api/webhooks/stripe", Method: "POST",
				Events: []string{"invoice.paid", "checkout.session.completed"}}}},
		{Kind: patchbayv1.FindingKind_ENV_REFERENCE, Provider: "stripe", Service: "web",
			Detail: &patchbayv1.Finding_EnvVar{EnvVar: &patchbayv1.EnvVar{Name: "STRIPE_WEBHOOK_SECRET"}}},
		{Kind: patchbayv1.FindingKind_ENV_REFERENCE, Provider: "auth0", Service: "web",
			Detail: &patchbayv1.Finding_EnvVar{EnvVar: &patchbayv1.EnvVar{Name: "AUTH0_CLIENT_ID"}}},
		{Kind: patchbayv1.FindingKind_ENV_REFERENCE, Provider: "auth0", Service: "web",
			Detail: &patchbayv1.Finding_EnvVar{EnvVar: &patchbayv1.EnvVar{Name: "AUTH0_CLIENT_SECRET"}}},
		{Kind: patchbayv1.FindingKind_ENV_REFERENCE, Provider: "auth0", Service: "web",
			Detail: &patchbayv1.Finding_EnvVar{EnvVar: &patchbayv1.EnvVar{Name: "AUTH0_ISSUER_BASE_URL"}}},
		{Kind: patchbayv1.FindingKind_ENV_REFERENCE, Service: "web",
			Detail: &patchbayv1.Finding_EnvVar{EnvVar: &patchbayv1.EnvVar{Name: "DATABASE_URL"}}},
	}
	return svcs, fs
}

type providerRig struct {
	t       *testing.T
	dbPath  string
	auth0   *auth0test.Server
	stripe  *stripetest.Server
	secrets engine.SecretStore
	st      *store.Store
	eng     *engine.Engine
	noAuth0 bool
	// retryMax caps waits between retries (short by default, for speed).
	retryMax time.Duration
	// log receives the engine's log, when set.
	log *slog.Logger
}

func newProviderRig(t *testing.T) *providerRig {
	r := &providerRig{t: t, dbPath: filepath.Join(t.TempDir(), "state.db"), auth0: auth0test.New(t), stripe: stripetest.New(t),
		secrets: engine.NewMemorySecrets()}
	r.open(nil)
	if _, err := r.eng.CreateEnvironment(context.Background(), store.Environment{WorkspaceRoot: root, Name: "local",
		FrontendURL: "https://dev.example.net:3000", ExtraOrigins: []string{"http://127.0.0.1:3000"}}); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *providerRig) open(kill func(string) bool) {
	if r.st != nil {
		r.st.Close()
	}
	st, err := store.Open(context.Background(), r.dbPath, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { st.Close() })
	svcs, fs := shopFindings()
	eng, err := engine.New(context.Background(), engine.Options{
		Store: st, Secrets: r.secrets, Source: &engine.StaticSource{Services: svcs, Findings: fs},
		Types: engine.DefaultTypes(engine.HTTPOptions{BaseURL: r.auth0.URL}, engine.HTTPOptions{BaseURL: r.stripe.URL}),
		Credentials: engine.CredentialFunc(func(_ context.Context, provider, profile string) (engine.Credentials, error) {
			if profile != "default" {
				return nil, fmt.Errorf("unexpected profile %q", profile)
			}
			switch provider {
			case "auth0":
				if r.noAuth0 {
					return nil, fmt.Errorf("auth0 profile %q: %w", profile, engine.ErrNoCredentials)
				}
				return r.auth0.Credentials(), nil
			case "stripe":
				return r.stripe.Credentials(), nil
			}
			return nil, fmt.Errorf("no credentials for %s", provider)
		}),
		RetryBase: time.Millisecond, RetryMax: max(r.retryMax, 50*time.Millisecond), KillSwitch: kill, Logger: r.log,
	})
	if err != nil {
		r.t.Fatal(err)
	}
	r.st, r.eng = st, eng
}

func (r *providerRig) planApply() *engine.Plan {
	r.t.Helper()
	p, err := r.eng.Plan(context.Background(), root, "local", false)
	if err != nil {
		r.t.Fatal(err)
	}
	if res, err := r.eng.Apply(context.Background(), p.ID, nil); err != nil {
		r.t.Fatalf("apply: %v %v\n%s", err, res.Failed, p.Summary())
	}
	return p
}

func (r *providerRig) env() store.Environment {
	e, err := r.st.GetEnvironment(context.Background(), "", root, "local")
	if err != nil {
		r.t.Fatal(err)
	}
	return e
}

// checkProviders asserts one Auth0 client and one Stripe endpoint exist,
// configured for the frontend URL, with their secrets captured.
// urlLists are an Auth0 application's URL lists by property name, sorted.
func urlLists(a auth0test.App) map[string][]string {
	out := map[string][]string{"callbacks": a.Callbacks, "allowed_logout_urls": a.AllowedLogoutURLs,
		"web_origins": a.WebOrigins, "allowed_origins": a.AllowedOrigins}
	for k, v := range out {
		out[k] = slices.Sorted(slices.Values(v))
	}
	return out
}

func (r *providerRig) checkProviders(front string) {
	r.t.Helper()
	clients := r.auth0.Apps()
	if len(clients) != 1 {
		r.t.Fatalf("auth0 clients = %d, want 1: %v", len(clients), clients)
	}
	env := r.env()
	for id, c := range clients {
		want := map[string][]string{
			"callbacks":           {front + "/api/auth/callback"},
			"allowed_logout_urls": {front, front + "/logged-out"},
			"web_origins":         {"http://127.0.0.1:3000", front},
			"allowed_origins":     {"http://127.0.0.1:3000", front},
		}
		for field, w := range want {
			if d := cmp.Diff(w, urlLists(c)[field]); d != "" {
				r.t.Errorf("auth0 %s (-want +got):\n%s", field, d)
			}
		}
		sec, err := r.secrets.Get(context.Background(), "patchbay/"+env.ID+"/auth0/client/web/client_secret")
		if err != nil || sec != c.ClientSecret {
			r.t.Errorf("auth0 client %s secret not captured: %v", id, err)
		}
	}
	eps := r.stripe.Endpoints()
	if len(eps) != 1 {
		r.t.Fatalf("stripe endpoints = %d, want 1: %v", len(eps), eps)
	}
	for id, ep := range eps {
		if ep.URL != front+"/api/webhooks/stripe" {
			r.t.Errorf("stripe url = %v", ep.URL)
		}
		if d := cmp.Diff([]string{"checkout.session.completed", "invoice.paid"}, slices.Sorted(slices.Values(ep.EnabledEvents))); d != "" {
			r.t.Errorf("stripe events (-want +got):\n%s", d)
		}
		sec, err := r.secrets.Get(context.Background(), "patchbay/"+env.ID+"/stripe/webhook_endpoint/web/api/webhooks/stripe/webhook_secret")
		if err != nil || sec != r.stripe.Secret(id) || !strings.HasPrefix(sec, "whsec_") {
			r.t.Errorf("stripe secret not captured for %s: %v", id, err)
		}
	}
}

func TestProvidersPlanApplyURLChangeDestroy(t *testing.T) {
	t.Parallel()
	r := newProviderRig(t)
	r.auth0.Inject(providertest.Fault{Kind: providertest.RateLimited, Path: "/api/v2/", Times: 2})
	r.stripe.Inject(providertest.Fault{Kind: providertest.RateLimited, Path: "/v1/", Times: 1})
	p := r.planApply()
	if !strings.Contains(p.Summary(), "OAuth callback /api/auth/callback at web/app/api/auth/[auth0]/route.ts:3") {
		t.Errorf("plan does not say why:\n%s", p.Summary())
	}
	r.checkProviders("https://dev.example.net:3000")

	// Moving the app: the plan updates callbacks, logout URLs, origins and
	// the webhook URL, and applying leaves no trace of the old URL.
	env := r.env()
	env.FrontendURL = "https://shop.example.dev"
	if _, err := r.eng.UpdateEnvironment(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	p2, err := r.eng.Plan(context.Background(), root, "local", false)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]engine.Action{}
	for _, s := range p2.Steps {
		got[s.Key.Provider] = s.Action
	}
	if d := cmp.Diff(map[string]engine.Action{"auth0": engine.ActionUpdate, "stripe": engine.ActionUpdate}, got); d != "" {
		t.Fatalf("URL change plan (-want +got):\n%s\n%s", d, p2.Summary())
	}
	for _, want := range []string{"callbacks: https://dev.example.net:3000/api/auth/callback → https://shop.example.dev/api/auth/callback",
		"url: https://dev.example.net:3000/api/webhooks/stripe → https://shop.example.dev/api/webhooks/stripe"} {
		if !strings.Contains(p2.Summary(), want) {
			t.Errorf("summary lacks %q:\n%s", want, p2.Summary())
		}
	}
	if _, err := r.eng.Apply(context.Background(), p2.ID, nil); err != nil {
		t.Fatal(err)
	}
	r.checkProviders("https://shop.example.dev")
	for _, c := range r.auth0.Apps() {
		for f, urls := range urlLists(c) {
			for _, u := range urls {
				if strings.Contains(u, "localhost:3000") {
					t.Errorf("stale URL %s left in auth0 %s", u, f)
				}
			}
		}
	}

	// Destroy removes both; a pre-existing client Patchbay adopted stays.
	if _, err := r.eng.Destroy(context.Background(), root, "local", nil); err != nil {
		t.Fatal(err)
	}
	if n, m := len(r.auth0.Apps()), len(r.stripe.Endpoints()); n != 0 || m != 0 {
		t.Errorf("after destroy: %d auth0 clients, %d stripe endpoints", n, m)
	}
}

func TestProvidersAdoptionNeverDeletes(t *testing.T) {
	t.Parallel()
	r := newProviderRig(t)
	// Someone's existing application, with a callback of their own.
	existing := r.auth0.Seed("shop-web-local", []string{"https://dev.example.net:3000/theirs"})
	p := r.planApply()
	if !strings.Contains(p.Summary(), "< adopt auth0 client") {
		t.Fatalf("not adopted:\n%s", p.Summary())
	}
	callbacks := func() []string { return urlLists(r.auth0.Apps()[existing])["callbacks"] }
	if d := cmp.Diff([]string{"https://dev.example.net:3000/api/auth/callback", "https://dev.example.net:3000/theirs"}, callbacks()); d != "" {
		t.Errorf("callbacks after adoption (-want +got):\n%s", d)
	}

	// A URL change replaces Patchbay's callback and keeps theirs.
	env := r.env()
	env.FrontendURL = "https://shop.example.dev"
	if _, err := r.eng.UpdateEnvironment(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	p = r.planApply()
	if !strings.Contains(p.Summary(), "      callbacks:\n        + https://shop.example.dev/api/auth/callback\n        - https://dev.example.net:3000/api/auth/callback\n") {
		t.Errorf("list change not shown as additions and removals:\n%s", p.Summary())
	}
	if d := cmp.Diff([]string{"https://dev.example.net:3000/theirs", "https://shop.example.dev/api/auth/callback"}, callbacks()); d != "" {
		t.Errorf("callbacks after URL change (-want +got):\n%s", d)
	}

	if _, err := r.eng.Destroy(context.Background(), root, "local", nil); err != nil {
		t.Fatal(err)
	}
	clients := r.auth0.Apps()
	if _, ok := clients[existing]; !ok || len(clients) != 1 {
		t.Errorf("destroy touched the adopted client: %v", clients)
	}
}

func TestProvidersLostStripeSecretIsRotated(t *testing.T) {
	t.Parallel()
	r := newProviderRig(t)
	r.planApply()
	env := r.env()
	var old string
	for id := range r.stripe.Endpoints() {
		old = id
	}
	_ = r.secrets.Delete(context.Background(), "patchbay/"+env.ID+"/stripe/webhook_endpoint/web/api/webhooks/stripe/webhook_secret")
	_ = r.secrets.Delete(context.Background(), "patchbay/"+env.ID+"/auth0/client/web/client_secret")
	p, err := r.eng.Plan(context.Background(), root, "local", false)
	if err != nil {
		t.Fatal(err)
	}
	acts := map[string]engine.Action{}
	for _, s := range p.Steps {
		acts[s.Key.Provider] = s.Action
	}
	// Auth0 lets Patchbay read the secret back; Stripe's must be replaced.
	if d := cmp.Diff(map[string]engine.Action{"auth0": engine.ActionUpdate, "stripe": engine.ActionRotate}, acts); d != "" {
		t.Fatalf("(-want +got):\n%s\n%s", d, p.Summary())
	}
	if _, err := r.eng.Apply(context.Background(), p.ID, nil); err != nil {
		t.Fatal(err)
	}
	r.checkProviders("https://dev.example.net:3000")
	if _, ok := r.stripe.Endpoints()[old]; ok {
		t.Error("old endpoint was not deleted after rotation")
	}
}

// TestProvidersCrashConvergence kills the engine at random journal points
// while it provisions against the HTTP fakes; a new engine on the same
// database must converge to exactly one client and one endpoint, with the
// secrets the providers issued.
func TestProvidersCrashConvergence(t *testing.T) {
	t.Parallel()
	runs := 40
	if testing.Short() {
		runs = 10
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11))
	for i := range runs {
		r := newProviderRig(t)
		var mu sync.Mutex
		n, kill := 0, 1+rng.IntN(25)
		var points []string
		r.open(func(p string) bool {
			mu.Lock()
			defer mu.Unlock()
			n++
			points = append(points, p)
			return n == kill
		})
		if p, err := r.eng.Plan(context.Background(), root, "local", false); err == nil {
			_, _ = r.eng.Apply(context.Background(), p.ID, nil)
		}
		r.open(nil)
		for attempt := 0; ; attempt++ {
			p, err := r.eng.Plan(context.Background(), root, "local", false)
			if err != nil {
				t.Fatal(err)
			}
			if !p.HasChanges() {
				break
			}
			if attempt == 3 {
				t.Fatalf("run %d (killed after %v) does not converge:\n%s", i, points, p.Summary())
			}
			if res, err := r.eng.Apply(context.Background(), p.ID, nil); err != nil {
				t.Fatalf("run %d (killed after %v): %v %v", i, points, err, res.Failed)
			}
		}
		r.checkProviders("https://dev.example.net:3000")
	}
}
