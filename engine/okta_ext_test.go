package engine_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/analyzer"
	"github.com/patchbay-dev/patchbay/engine"
	"github.com/patchbay-dev/patchbay/providers/okta/oktatest"
)

// newOktaRig is an extRig on a copy of testdata/provision/okta, analyzed by
// the real analyzer, with Okta pointed at a fresh fake org.
func newOktaRig(t *testing.T) (*extRig, *oktatest.Server) {
	t.Helper()
	r := newExtRig(t, nil, nil)
	copyTree(t, filepath.Join("..", "testdata", "provision", "okta"), r.root)
	org := oktatest.New(t)
	r.creds["okta"] = org.Credentials()
	eng, err := engine.New(context.Background(), engine.Options{
		Store: r.st, Secrets: r.secrets, Source: analyzerSource{a: analyzer.New(analyzer.Options{})},
		Types: engine.AllTypes(engine.Endpoints{"okta": engine.HTTPOptions{BaseURL: org.URL}}),
		Credentials: engine.CredentialFunc(func(_ context.Context, provider, _ string) (engine.Credentials, error) {
			if c, ok := r.creds[provider]; ok {
				return c, nil
			}
			return nil, fmt.Errorf("%s: %w", provider, engine.ErrNoCredentials)
		}),
		RetryBase: time.Millisecond, RetryMax: 20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	r.eng = eng
	return r, org
}

// TestOktaWorkspaceEndToEnd analyzes testdata/provision/okta (an Express
// app on @okta/oidc-middleware) with the real analyzer, and plans and
// applies against the Okta fake: one web OIDC app whose redirect URIs are
// the middleware's default callback under the environment's URL, its
// client id, secret and issuer injected under the names the code reads. A
// URL change updates the app in place; destroy deletes it.
func TestOktaWorkspaceEndToEnd(t *testing.T) {
	t.Parallel()
	r, org := newOktaRig(t)

	p := r.planApply()
	if !strings.Contains(p.Summary(), "OAuth callback /authorization-code/callback at") {
		t.Errorf("plan does not say why:\n%s", p.Summary())
	}
	apps := org.Apps()
	if len(apps) != 1 {
		t.Fatalf("okta apps = %v\n%s", apps, p.Summary())
	}
	var id string
	for id = range apps {
	}
	app := apps[id]
	o := app.Settings.OAuthClient
	// "<workspace>-<service>-<env>", the service named by its package.json.
	if app.Label != r.wsName()+"-portal-local" || app.Status != "ACTIVE" {
		t.Errorf("label %q, status %s", app.Label, app.Status)
	}
	if d := cmp.Diff([]string{"https://dev.example.net:3000/authorization-code/callback"}, o.RedirectURIs); d != "" {
		t.Errorf("redirect URIs (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"https://dev.example.net:3000", "https://dev.example.net:3000/logout"}, o.PostLogoutRedirectURIs); d != "" {
		t.Errorf("post-logout redirect URIs (-want +got):\n%s", d)
	}
	vars := r.vars()
	for name, want := range map[string]string{
		"OKTA_CLIENT_ID":     app.Credentials.OAuthClient.ClientID,
		"OKTA_CLIENT_SECRET": org.Secret(id),
		"OKTA_ISSUER":        "https://patchbay-dev.okta.com",
	} {
		if want == "" || vars[name] != want {
			t.Errorf("%s = %q, want %q", name, vars[name], want)
		}
	}

	// A second plan has nothing to do.
	if got := changedSteps(r.plan()); len(got) != 0 {
		t.Errorf("second plan changes %v", got)
	}

	r.setURLs("https://portal.example.dev", "")
	p = r.planApply()
	if !strings.Contains(p.Summary(), "redirect_uris: https://dev.example.net:3000/authorization-code/callback → https://portal.example.dev/authorization-code/callback") {
		t.Errorf("URL change not planned as a redirect URI change:\n%s", p.Summary())
	}
	if got := org.Apps()[id].Settings.OAuthClient.RedirectURIs; len(got) != 1 || got[0] != "https://portal.example.dev/authorization-code/callback" {
		t.Errorf("after the URL change the app redirects to %v", got)
	}

	r.destroy()
	if n := len(org.Apps()); n != 0 {
		t.Errorf("after destroy: %d okta apps", n)
	}
}

// An app someone made in the Admin Console under the name Patchbay would
// use is adopted: its secret is read back and injected, its own redirect
// URI stays next to Patchbay's, and destroy leaves it in place.
func TestOktaAdoptionKeepsTheirs(t *testing.T) {
	t.Parallel()
	r, org := newOktaRig(t)
	theirs := org.Seed(r.wsName()+"-portal-local", []string{"https://theirs.example/callback"})
	p := r.planApply()
	if !strings.Contains(p.Summary(), "adopt okta oidc_app") {
		t.Fatalf("not adopted:\n%s", p.Summary())
	}
	if d := cmp.Diff([]string{"https://dev.example.net:3000/authorization-code/callback", "https://theirs.example/callback"},
		org.Apps()[theirs].Settings.OAuthClient.RedirectURIs); d != "" {
		t.Errorf("redirect URIs after adoption (-want +got):\n%s", d)
	}
	if got := r.vars()["OKTA_CLIENT_SECRET"]; got == "" || got != org.Secret(theirs) {
		t.Errorf("OKTA_CLIENT_SECRET = %q, want the adopted app's secret", got)
	}
	r.destroy()
	if _, ok := org.Apps()[theirs]; !ok || len(org.Apps()) != 1 {
		t.Errorf("destroy touched the adopted app: %v", org.Apps())
	}
}
