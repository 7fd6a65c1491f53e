package okta_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/okta"
	"github.com/patchbay-dev/patchbay/providers/okta/oktatest"
	"github.com/patchbay-dev/patchbay/providers/providertest"
)

func desiredApp(label string, redirects ...string) providers.Props {
	return providers.Props{"name": {label}, "app_type": {"web"}, "redirect_uris": redirects,
		"post_logout_redirect_uris": {"https://shop.example"}}
}

func newType(t *testing.T) (*oktatest.Server, *okta.AppType, providers.Credentials) {
	s := oktatest.New(t)
	return s, okta.NewAppType(providers.HTTPOptions{BaseURL: s.URL}), s.Credentials()
}

// Create, read, update and delete against the fake: the secret comes with
// the create answer and is read back from the secrets list; outputs name
// the org; delete deactivates first and is safe to repeat.
func TestAppCRUD(t *testing.T) {
	t.Parallel()
	s, typ, c := newType(t)
	ctx := context.Background()
	if typ.Provider() != "okta" || typ.Type() != "oidc_app" || !typ.Info().SecretsReadable {
		t.Fatalf("type %s/%s %+v", typ.Provider(), typ.Type(), typ.Info())
	}
	st, err := typ.Create(ctx, c, desiredApp("shop-web-local", "https://shop.example/authorization-code/callback"), "")
	if err != nil {
		t.Fatal(err)
	}
	if st.Secrets["client_secret"] == "" || st.Secrets["client_secret"] != s.Secret(st.ID) {
		t.Errorf("create secret %q, fake %q", st.Secrets["client_secret"], s.Secret(st.ID))
	}
	wantOut := map[string]string{"client_id": s.Apps()[st.ID].Credentials.OAuthClient.ClientID, "org_url": "https://patchbay-dev.okta.com",
		"domain": "patchbay-dev.okta.com", "issuer": "https://patchbay-dev.okta.com"}
	if d := cmp.Diff(wantOut, st.Outputs); d != "" {
		t.Errorf("outputs (-want +got):\n%s", d)
	}

	read, err := typ.Read(ctx, c, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !providers.Matches(read.Props, desiredApp("shop-web-local", "https://shop.example/authorization-code/callback")) {
		t.Errorf("read props = %v", read.Props)
	}
	if read.Secrets["client_secret"] != st.Secrets["client_secret"] {
		t.Errorf("read did not bring the secret back: %v", read.Secrets)
	}

	up, err := typ.Update(ctx, c, st.ID, desiredApp("shop-web-local", "https://new.example/authorization-code/callback"))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Apps()[st.ID].Settings.OAuthClient.RedirectURIs; len(got) != 1 || got[0] != "https://new.example/authorization-code/callback" {
		t.Errorf("after update the org has %v", got)
	}
	if up.ID != st.ID || up.Outputs["client_id"] != st.Outputs["client_id"] {
		t.Errorf("update changed identity: %+v", up)
	}

	if err := typ.Delete(ctx, c, st.ID); err != nil {
		t.Fatal(err)
	}
	if len(s.Apps()) != 0 {
		t.Errorf("apps after delete: %v", s.Apps())
	}
	if err := typ.Delete(ctx, c, st.ID); err != nil {
		t.Errorf("second delete: %v", err)
	}
	if _, err := typ.Read(ctx, c, st.ID); !errors.Is(err, providers.ErrGone) {
		t.Errorf("read after delete: %v", err)
	}
	if _, err := typ.Update(ctx, c, st.ID, desiredApp("x", "https://x.example/cb")); !errors.Is(err, providers.ErrGone) {
		t.Errorf("update after delete: %v", err)
	}
}

// Lookup finds an app made in the Admin Console by its exact label (not
// by prefix) with its secret, for adoption; updating it keeps what
// Patchbay does not manage (its refresh_token grant).
func TestAppAdoption(t *testing.T) {
	t.Parallel()
	s, typ, c := newType(t)
	ctx := context.Background()
	theirs := s.Seed("shop-web-local", []string{"https://theirs.example/callback"})
	s.Seed("shop-web-local-old", []string{"https://old.example/callback"})
	found, err := typ.Lookup(ctx, c, desiredApp("shop-web-local"))
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].ID != theirs || found[0].Secrets["client_secret"] != s.Secret(theirs) {
		t.Fatalf("lookup = %+v", found)
	}
	if _, err := typ.Update(ctx, c, theirs, desiredApp("shop-web-local", "https://theirs.example/callback", "https://shop.example/cb")); err != nil {
		t.Fatal(err)
	}
	o := s.Apps()[theirs].Settings.OAuthClient
	if d := cmp.Diff([]string{"authorization_code", "refresh_token"}, o.GrantTypes); d != "" {
		t.Errorf("grant types after update (-want +got):\n%s", d)
	}
	if len(o.RedirectURIs) != 2 {
		t.Errorf("redirect URIs = %v", o.RedirectURIs)
	}
	if none, err := typ.Lookup(ctx, c, desiredApp("nobody-has-this")); err != nil || len(none) != 0 {
		t.Errorf("lookup of a missing label = %v, %v", none, err)
	}
}

// Okta's refusals reach the engine as one HTTPError that is definitive (a
// bad redirect URI changed nothing) or retryable (rate limit, with the
// reset time as the wait).
func TestAppErrors(t *testing.T) {
	t.Parallel()
	s, typ, c := newType(t)
	ctx := context.Background()
	_, err := typ.Create(ctx, c, desiredApp("shop-web-local", "/relative/callback"), "")
	var he *providers.HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusBadRequest || he.Code != "E0000001" || !he.Definitive() {
		t.Fatalf("bad redirect URI: %v", err)
	}
	s.Inject(providertest.Fault{Kind: providertest.RateLimited, Path: "/api/v1/apps", Times: 1, RetryAfter: 20 * time.Second})
	_, err = typ.Create(ctx, c, desiredApp("shop-web-local", "https://shop.example/cb"), "")
	if !errors.As(err, &he) || he.Status != http.StatusTooManyRequests || !he.Retryable() || he.RetryAfter() < 18*time.Second || he.Code != "E0000047" {
		t.Fatalf("rate limited: %v (wait %v)", err, he.RetryAfter())
	}
	bad := providers.Credentials{"org_url": "https://patchbay-dev.okta.com", "api_token": "00NotTheFakesToken000000000000"}
	_, err = typ.Lookup(ctx, bad, desiredApp("x"))
	if !errors.As(err, &he) || he.Status != http.StatusUnauthorized || he.Code != "E0000011" {
		t.Errorf("bad token: %v", err)
	}
	if _, err := typ.Read(ctx, providers.Credentials{}, "0oa1"); err == nil {
		t.Errorf("read without credentials succeeded")
	}
	if len(s.Apps()) != 0 {
		t.Errorf("failed creates left apps: %v", s.Apps())
	}
}
