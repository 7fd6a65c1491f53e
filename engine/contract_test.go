package engine_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/store"
)

func readAt(svc, provider, path, name, source string) *patchbayv1.Finding {
	return &patchbayv1.Finding{Kind: patchbayv1.FindingKind_ENV_REFERENCE, Provider: provider, Service: svc,
		Location: &patchbayv1.Location{Path: path, StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 10},
		Detail:   &patchbayv1.Finding_EnvVar{EnvVar: &patchbayv1.EnvVar{Name: name, Source: source}}}
}

func stripeHook(svc, route, secretEnv string, events ...string) *patchbayv1.Finding {
	return &patchbayv1.Finding{Kind: patchbayv1.FindingKind_WEBHOOK_HANDLER, Provider: "stripe", Service: svc,
		Location: &patchbayv1.Location{Path: svc + "/src/server.js", StartLine: 3},
		Detail: &patchbayv1.Finding_Webhook{Webhook: &patchbayv1.WebhookHandler{Route: route, Method: "POST", Events: events,
			Verification: "stripe.webhooks.constructEvent", SecretEnv: secretEnv}}}
}

// contractRig is an engine over the Stripe fake with fixed findings.
func contractRig(t *testing.T, env store.Environment, svcs []*patchbayv1.Service, fs []*patchbayv1.Finding) (*engine.Engine, *stripetest.Server) {
	t.Helper()
	stripe := stripetest.New(t)
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	eng, err := engine.New(context.Background(), engine.Options{
		Store: st, Secrets: engine.NewMemorySecrets(), Source: &engine.StaticSource{Services: svcs, Findings: fs},
		Types: engine.DefaultTypes(engine.HTTPOptions{BaseURL: "http://127.0.0.1:1"}, engine.HTTPOptions{BaseURL: stripe.URL}),
		Credentials: engine.CredentialFunc(func(_ context.Context, provider, _ string) (engine.Credentials, error) {
			if provider == "stripe" {
				return stripe.Credentials(), nil
			}
			return nil, engine.ErrNoCredentials
		}),
		RetryBase: time.Millisecond, RetryMax: 20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	env.WorkspaceRoot = root
	if _, err := eng.CreateEnvironment(context.Background(), env); err != nil {
		t.Fatal(err)
	}
	return eng, stripe
}

func applyAll(t *testing.T, eng *engine.Engine, envName string) *engine.Plan {
	t.Helper()
	ctx := context.Background()
	p, err := eng.Plan(ctx, root, envName, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Apply(ctx, p.ID, nil); err != nil {
		t.Fatalf("apply: %v\n%s", err, p.Summary())
	}
	return p
}

func contractOf(t *testing.T, eng *engine.Engine, envName string, values bool) map[string]engine.Variable {
	t.Helper()
	vars, err := eng.Variables(context.Background(), root, envName, values)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]engine.Variable{}
	for _, v := range vars {
		out[v.Service+":"+v.Name] = v
	}
	return out
}

// Two Stripe webhook handlers in one service: each endpoint's whsec_ goes
// to the variable its handler's verify call reads, and to no other.
func TestOneSecretPerWebhookEndpoint(t *testing.T) {
	t.Parallel()
	svcs := []*patchbayv1.Service{{Path: "api", Name: "api", Frameworks: []string{"express"}}}
	fs := []*patchbayv1.Finding{
		stripeHook("api", "/webhooks/stripe", "STRIPE_WEBHOOK_SECRET", "checkout.session.completed"),
		stripeHook("api", "/webhooks/billing", "STRIPE_BILLING_WEBHOOK_SECRET", "invoice.paid"),
		readAt("api", "stripe", "api/src/server.js", "STRIPE_WEBHOOK_SECRET", "code"),
		readAt("api", "stripe", "api/src/billing.js", "STRIPE_BILLING_WEBHOOK_SECRET", "code"),
	}
	eng, stripe := contractRig(t, store.Environment{Name: "staging", APIURL: "https://api.shop.example.com"}, svcs, fs)
	applyAll(t, eng, "staging")
	byURL := map[string]string{}
	for id, e := range stripe.Endpoints() {
		byURL[e.URL] = stripe.Secret(id)
	}
	got := contractOf(t, eng, "staging", true)
	want := map[string]string{
		"api:STRIPE_WEBHOOK_SECRET":         byURL["https://api.shop.example.com/webhooks/stripe"],
		"api:STRIPE_BILLING_WEBHOOK_SECRET": byURL["https://api.shop.example.com/webhooks/billing"],
	}
	for k, w := range want {
		if w == "" || got[k].Value != w || got[k].Kind != patchbayv1.VariableSource_VARIABLE_SOURCE_OUTPUT {
			t.Errorf("%s = %q (%v), want %q", k, got[k].Value, got[k].Kind, w)
		}
	}
	if want["api:STRIPE_WEBHOOK_SECRET"] == want["api:STRIPE_BILLING_WEBHOOK_SECRET"] {
		t.Error("both handlers get the same secret")
	}

	// Without the analyzer naming the variables, the route's words decide.
	for _, f := range fs[:2] {
		f.GetWebhook().SecretEnv = ""
	}
	got = contractOf(t, eng, "staging", true)
	for k, w := range want {
		if got[k].Value != w {
			t.Errorf("by route words: %s = %q, want %q", k, got[k].Value, w)
		}
	}
}

// Where Stripe cannot reach the environment, no endpoint is planned: the
// plan says why and what to do, and the handler's variable comes from
// `stripe listen`, which `patchbay run` starts.
func TestLocalURLsAreNotRegisteredAtStripe(t *testing.T) {
	t.Parallel()
	svcs := []*patchbayv1.Service{{Path: "api", Name: "api", Frameworks: []string{"express"}}}
	fs := []*patchbayv1.Finding{
		stripeHook("api", "/webhooks/stripe", "STRIPE_WEBHOOK_SECRET", "checkout.session.completed", "invoice.paid"),
		readAt("api", "stripe", "api/src/server.js", "STRIPE_WEBHOOK_SECRET", "code"),
	}
	for _, u := range []string{"http://localhost:4000", "http://127.0.0.1:4000", "http://192.168.1.20:4000", "http://169.254.1.1",
		"http://myhost.local:4000", "http://devbox:4000"} {
		eng, stripe := contractRig(t, store.Environment{Name: "local", APIURL: u}, svcs, fs)
		p := applyAll(t, eng, "local")
		if len(stripe.Endpoints()) != 0 || p.HasChanges() {
			t.Errorf("%s: endpoints created at Stripe: %v\n%s", u, stripe.EndpointURLs(), p.Summary())
		}
		if w := strings.Join(p.Warnings, "\n"); !strings.Contains(w, "cannot be reached from the internet") ||
			!strings.Contains(w, "--api-url https://") || !strings.Contains(w, "stripe listen --forward-to "+u+"/webhooks/stripe") {
			t.Errorf("%s: warnings do not say why and what to do:\n%s", u, w)
		}
		v := contractOf(t, eng, "local", true)["api:STRIPE_WEBHOOK_SECRET"]
		f := v.Forward
		if v.Kind != patchbayv1.VariableSource_VARIABLE_SOURCE_LOCAL_FORWARD || f == nil || f.GetForwardTo() != u+"/webhooks/stripe" ||
			!cmp.Equal(f.GetCommand()[1:], []string{"listen", "--forward-to", u + "/webhooks/stripe", "--events", "checkout.session.completed,invoice.paid"}) ||
			f.GetEnv()["STRIPE_API_KEY"] != stripe.Credentials()["secret_key"] {
			t.Errorf("%s: %+v", u, v)
		}
	}
	if why := engine.Unreachable("https://api.shop.example.com/hook"); why != "" {
		t.Errorf("a public URL is unreachable: %s", why)
	}
}

// Inputs are not outputs: example files give names and defaults, compose
// files, Dockerfiles and CI files pass variables along, and files outside
// every service are no service; none of them asks for a resource.
func TestInputFilesAreNotEvidence(t *testing.T) {
	t.Parallel()
	svcs := []*patchbayv1.Service{{Path: "api", Name: "api", Frameworks: []string{"express"}}}
	fs := []*patchbayv1.Finding{
		readAt("", "sendgrid", "docker-compose.yml", "SENDGRID_API_KEY", "compose"),
		readAt("api", "sendgrid", "api/Dockerfile", "SENDGRID_API_KEY", "dockerfile"),
		readAt("api", "sendgrid", "api/.env.local", "SENDGRID_API_KEY", "dotenv"),
		readAt("api", "sendgrid", ".github/workflows/ci.yml", "SENDGRID_API_KEY", "code"),
		readAt("api", "", "api/.env.example", "RECEIPTS_FROM", "dotenv"),
		readAt("api", "", "api/src/server.js", "PORT", "code"),
	}
	eng, _ := contractRig(t, store.Environment{Name: "local", APIURL: "http://localhost:4000"}, svcs, fs)
	p, err := eng.Plan(context.Background(), root, "local", false)
	if err != nil {
		t.Fatal(err)
	}
	if p.HasChanges() || len(p.Steps) != 0 {
		t.Errorf("input files ask for resources:\n%s", p.Summary())
	}
	got := contractOf(t, eng, "local", false)
	var names []string
	for k := range got {
		names = append(names, k)
	}
	if d := cmp.Diff([]string{"api:PORT", "api:RECEIPTS_FROM"}, sortStrings(names)); d != "" {
		t.Errorf("contract names (-want +got):\n%s", d)
	}
	if p := got["api:PORT"]; p.Kind != patchbayv1.VariableSource_VARIABLE_SOURCE_PLATFORM || !p.Satisfied {
		t.Errorf("PORT = %+v", p)
	}
}

// Generated secrets are created at first use, stay stable, and rotate;
// a value the user sets is theirs; an unknown variable names its fix.
func TestGeneratedAndUserValues(t *testing.T) {
	t.Parallel()
	svcs := []*patchbayv1.Service{{Path: "web", Name: "web", Frameworks: []string{"nextjs-app"}}}
	fs := []*patchbayv1.Finding{
		readAt("web", "auth0", "web/lib/auth0.ts", "AUTH0_SECRET", "code"),
		readAt("web", "stripe", "web/lib/stripe.ts", "STRIPE_SECRET_KEY", "code"),
		readAt("web", "stripe", "web/lib/stripe.ts", "NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY", "code"),
		readAt("web", "", "web/app/page.tsx", "NEXT_PUBLIC_API_URL", "code"),
		readAt("web", "", "web/app/page.tsx", "MAPS_TOKEN", "code"),
	}
	eng, stripe := contractRig(t, store.Environment{Name: "local", FrontendURL: "http://localhost:3000", APIURL: "http://localhost:4000"}, svcs, fs)
	ctx := context.Background()
	before := contractOf(t, eng, "local", false)
	if s := before["web:AUTH0_SECRET"]; s.Kind != patchbayv1.VariableSource_VARIABLE_SOURCE_GENERATED || !s.Satisfied || s.Provided {
		t.Errorf("AUTH0_SECRET before first use = %+v", s)
	}
	if k := before["web:STRIPE_SECRET_KEY"]; k.Kind != patchbayv1.VariableSource_VARIABLE_SOURCE_CREDENTIAL || !k.Satisfied {
		t.Errorf("STRIPE_SECRET_KEY = %+v", k)
	}
	if k := before["web:NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY"]; k.Satisfied || !strings.Contains(k.Fix, "patchbay creds set stripe") {
		t.Errorf("publishable key without one saved = %+v", k)
	}
	if u := before["web:NEXT_PUBLIC_API_URL"]; u.Kind != patchbayv1.VariableSource_VARIABLE_SOURCE_URL || !u.Satisfied {
		t.Errorf("NEXT_PUBLIC_API_URL = %+v", u)
	}
	if m := before["web:MAPS_TOKEN"]; m.Satisfied || m.Kind != patchbayv1.VariableSource_VARIABLE_SOURCE_UNSATISFIED ||
		!strings.Contains(m.Fix, "patchbay env set MAPS_TOKEN --env local --service web") {
		t.Errorf("MAPS_TOKEN = %+v", m)
	}
	first := contractOf(t, eng, "local", true)
	second := contractOf(t, eng, "local", true)
	s1, s2 := first["web:AUTH0_SECRET"].Value, second["web:AUTH0_SECRET"].Value
	if len(s1) < 32 || s1 != s2 {
		t.Errorf("generated secret is not stable: %q then %q", s1, s2)
	}
	if first["web:STRIPE_SECRET_KEY"].Value != stripe.Credentials()["secret_key"] || first["web:NEXT_PUBLIC_API_URL"].Value != "http://localhost:4000" {
		t.Errorf("values = %+v", first)
	}
	if _, err := eng.SetVariable(ctx, root, "local", "web", "AUTH0_SECRET", "", false, true); err != nil {
		t.Fatal(err)
	}
	if r := contractOf(t, eng, "local", true)["web:AUTH0_SECRET"].Value; r == s1 || len(r) < 32 {
		t.Errorf("rotation kept %q", r)
	}
	if _, err := eng.SetVariable(ctx, root, "local", "web", "MAPS_TOKEN", "tok_123", true, false); err != nil {
		t.Fatal(err)
	}
	if m := contractOf(t, eng, "local", true)["web:MAPS_TOKEN"]; m.Value != "tok_123" || !m.Secret || m.Kind != patchbayv1.VariableSource_VARIABLE_SOURCE_USER {
		t.Errorf("MAPS_TOKEN after set = %+v", m)
	}
	if err := eng.DeleteVariable(ctx, root, "local", "web", "MAPS_TOKEN"); err != nil {
		t.Fatal(err)
	}
	if m := contractOf(t, eng, "local", false)["web:MAPS_TOKEN"]; m.Satisfied {
		t.Errorf("MAPS_TOKEN after unset = %+v", m)
	}
}

func sortStrings(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
