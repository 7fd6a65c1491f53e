package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/patchbay-dev/patchbay/analyzer"
	"github.com/patchbay-dev/patchbay/daemon"
	"github.com/patchbay-dev/patchbay/engine"
	"github.com/patchbay-dev/patchbay/gen/patchbay/v1/patchbayv1connect"
	"github.com/patchbay-dev/patchbay/providers/auth0/auth0test"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/store"
)

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestProvisioningCommandsEndToEnd drives env, plan, apply, run, map and
// destroy against an in-process daemon whose engine provisions at the
// Auth0 and Stripe fakes, from the sample workspace in testdata/provision.
func TestProvisioningCommandsEndToEnd(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	ctx := context.Background()
	ws := filepath.Join(t.TempDir(), "shop")
	copyDir(t, filepath.Join("..", "..", "testdata", "provision", "shop"), ws)
	if out, err := exec.Command("git", "-C", ws, "init", "-q").CombinedOutput(); err != nil {
		t.Fatalf("git init: %v %s", err, out)
	}
	auth0, stripe := auth0test.New(t), stripetest.New(t)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "state.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	eng, err := engine.New(ctx, engine.Options{
		Store: st, Secrets: engine.NewMemorySecrets(),
		// The real analyzer finds the webhook handler, its events, the
		// nextjs-auth0 callback route and the variables the code reads.
		Source: daemon.AnalyzerSource{Analyzer: analyzer.New(analyzer.Options{})},
		Types:  engine.DefaultTypes(engine.HTTPOptions{BaseURL: auth0.URL}, engine.HTTPOptions{BaseURL: stripe.URL}),
		Credentials: engine.CredentialFunc(func(_ context.Context, provider, _ string) (engine.Credentials, error) {
			if provider == "auth0" {
				return auth0.Credentials(), nil
			}
			return stripe.Credentials(), nil
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := daemon.New(daemon.Config{Home: t.TempDir(), Engine: eng})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler(false))
	t.Cleanup(hs.Close)
	old := dialer
	dialer = func(context.Context) (*client, error) {
		return &client{
			Environment: patchbayv1connect.NewEnvironmentServiceClient(http.DefaultClient, hs.URL),
			Provision:   patchbayv1connect.NewProvisionServiceClient(http.DefaultClient, hs.URL),
		}, nil
	}
	t.Cleanup(func() { dialer = old })

	cli := func(mk func() *cobra.Command, args ...string) (string, error) {
		t.Helper()
		cmd := mk()
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		cmd.SetIn(strings.NewReader(""))
		cmd.SetArgs(args)
		err := cmd.ExecuteContext(ctx)
		return out.String(), err
	}
	must := func(mk func() *cobra.Command, args ...string) string {
		t.Helper()
		out, err := cli(mk, args...)
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return out
	}

	must(newEnvCmd, "create", "local", "--workspace", ws, "--frontend-url", "https://dev.example.net:3000")
	out := must(newPlanCmd, "--workspace", ws)
	for _, want := range []string{`+ create auth0 client "shop"`, `+ create stripe webhook_endpoint "shop/api/webhooks/stripe"`,
		"callbacks: https://dev.example.net:3000/api/auth/callback", "Apply it with: patchbay apply plan_"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
	// Without --yes and nobody to answer, nothing is applied.
	if out, err := cli(newApplyCmd, "--workspace", ws); err == nil || !strings.Contains(err.Error(), "not confirmed") {
		t.Fatalf("apply without confirmation: %v\n%s", err, out)
	}
	out = must(newApplyCmd, "--workspace", ws, "--yes")
	if !strings.Contains(out, "apply completed") || !strings.Contains(out, "✓ stripe/webhook_endpoint/shop/api/webhooks/stripe: created we_") {
		t.Errorf("apply output:\n%s", out)
	}
	var whID string
	for id := range stripe.Endpoints() {
		whID = id
	}
	whsec := stripe.Secret(whID)

	out = must(newEnvCmd, "--workspace", ws, "--format", "json")
	var vars map[string]string
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &vars); err != nil {
		t.Fatalf("env json: %v\n%s", err, out)
	}
	if vars["STRIPE_WEBHOOK_SECRET"] != whsec || vars["AUTH0_CLIENT_ID"] == "" || vars["AUTH0_ISSUER_BASE_URL"] != "https://"+auth0test.Domain+"/" {
		t.Errorf("env vars = %v", vars)
	}
	// The app's Stripe key comes from the connected credential.
	if vars["STRIPE_SECRET_KEY"] != stripe.Credentials()["secret_key"] {
		t.Errorf("STRIPE_SECRET_KEY = %q, want the connected key", vars["STRIPE_SECRET_KEY"])
	}
	if out := must(newEnvCmd, "--workspace", ws, "--format", "shell"); !strings.Contains(out, "export STRIPE_WEBHOOK_SECRET='"+whsec+"'") {
		t.Errorf("shell format:\n%s", out)
	}

	// run injects under the names the code reads and passes the exit code on.
	_, err = cli(newRunCmd, "--workspace", ws, "--", "sh", "-c", fmt.Sprintf(`test "$STRIPE_WEBHOOK_SECRET" = %q && test -n "$AUTH0_CLIENT_SECRET" && exit 7`, whsec))
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 7 {
		t.Errorf("run: err = %v, want exit 7 (the variables were not injected)", err)
	}

	// .env.local is written only once git ignores it.
	if out, err := cli(newEnvCmd, "--workspace", ws, "--write", ".env.local"); err == nil {
		t.Fatalf("wrote .env.local although git does not ignore it:\n%s", out)
	}
	if err := os.WriteFile(filepath.Join(ws, ".gitignore"), []byte(".env.local\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	must(newEnvCmd, "--workspace", ws, "--write", ".env.local")
	if b, _ := os.ReadFile(filepath.Join(ws, ".env.local")); !strings.Contains(string(b), "STRIPE_WEBHOOK_SECRET="+whsec) {
		t.Errorf(".env.local:\n%s", b)
	}
	// Inputs are not outputs: the managed block is never read back as
	// evidence, so planning again changes nothing.
	if out := must(newPlanCmd, "--workspace", ws); !strings.Contains(out, "Nothing to do") {
		t.Errorf("plan after writing .env.local is not empty:\n%s", out)
	}

	// A URL change is planned for both providers and leaves nothing stale.
	must(newEnvCmd, "set-url", "local", "--workspace", ws, "--frontend-url", "https://shop.example.dev")
	out = must(newApplyCmd, "--workspace", ws, "--yes")
	if !strings.Contains(out, "~ update stripe webhook_endpoint") || !strings.Contains(out, "~ update auth0 client") {
		t.Errorf("URL change apply:\n%s", out)
	}
	if urls := stripe.EndpointURLs(); len(urls) != 1 || urls[0] != "https://shop.example.dev/api/webhooks/stripe" {
		t.Errorf("stripe URLs = %v", urls)
	}
	for _, c := range auth0.Apps() {
		if got := c.Callbacks; len(got) != 1 || got[0] != "https://shop.example.dev/api/auth/callback" {
			t.Errorf("auth0 callbacks = %v", got)
		}
	}

	out = must(newMapCmd, "--workspace", ws)
	for _, want := range []string{"service shop", "provides → env_var STRIPE_WEBHOOK_SECRET", "reads → env_var STRIPE_SECRET_KEY"} {
		if !strings.Contains(out, want) {
			t.Errorf("map lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, whsec) {
		t.Error("map prints a secret")
	}

	must(newDestroyCmd, "--workspace", ws, "--yes")
	if len(stripe.Endpoints()) != 0 || len(auth0.Apps()) != 0 {
		t.Errorf("destroy left %v and %v", stripe.Endpoints(), auth0.Apps())
	}
	must(newEnvCmd, "delete", "local", "--workspace", ws)
	if out := must(newEnvCmd, "list", "--workspace", ws); !strings.Contains(out, "no environments") {
		t.Errorf("list after delete:\n%s", out)
	}
}
