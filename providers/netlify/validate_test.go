package netlify_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/netlify"
	"github.com/patchbay-dev/patchbay/providers/netlify/netlifytest"
	"github.com/patchbay-dev/patchbay/providers/providertest"
)

func values(tok string) providers.Values {
	return providers.Values{"client_id": netlifytest.ClientID, "client_secret": netlifytest.ClientSecret, "access_token": tok}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	fixture := func(t *testing.T) (*providertest.Server, *providers.Env) {
		s := netlifytest.New(t)
		return s.Server, s.Env(0, "NETLIFY")
	}
	valid := values(netlifytest.Token)
	cases := []providertest.Case{
		{Name: "ok", Values: valid, Want: providers.StatusOK, WantAccount: "dev@example.com"},
		{Name: "revoked", Values: values("nfp_revokedrevokedrevoked"), Want: providers.StatusExpired, WantField: "access_token"},
		{Name: "not connected yet", Values: values(""), Want: providers.StatusMissing, WantField: "access_token"},
	}
	for _, c := range providertest.StandardFaults(valid, providers.StatusExpired) {
		if c.Fault.Kind == providertest.Unauthorized {
			// OAuth tokens are issued, not typed: a 401 means the grant
			// was revoked, so it reads as expired.
			c.Want = providers.StatusExpired
		}
		cases = append(cases, c)
	}
	providertest.RunChecks(t, netlify.Provider().Credentials, fixture, cases)
}

func oauthValues() providers.Values {
	return providers.Values{"client_id": netlifytest.ClientID, "client_secret": netlifytest.ClientSecret, "redirect_port": "0"}
}

func TestOAuthFlow(t *testing.T) {
	t.Parallel()
	s := netlifytest.New(t)
	env := s.Env(5*time.Second, "NETLIFY", "NETLIFY_APP")
	flow, err := netlify.StartOAuth(oauthValues(), env)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(flow.URL)
	if u.Query().Get("state") != flow.State || u.Query().Get("code_challenge_method") != "S256" || !strings.HasPrefix(u.Query().Get("redirect_uri"), "http://127.0.0.1:") {
		t.Fatalf("authorize URL lacks state/PKCE/loopback redirect: %s", flow.URL)
	}

	// A forged callback with the wrong state is refused and does not end the flow.
	resp, err := http.Get(flow.RedirectURI() + "?code=evil&state=wrong")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("forged callback: status %d, want 400", resp.StatusCode)
	}

	// The "browser": follow the authorize page's redirect to the loopback.
	resp, err = http.Get(flow.URL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "connected to Netlify") {
		t.Fatalf("browser page: %s", page)
	}
	tok, err := flow.Wait(context.Background(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	got := netlify.Provider().Credentials.Check(context.Background(), values(tok), env)
	if got.Status != providers.StatusOK {
		t.Fatalf("token from the flow: %v (%s)", got.Status, got.Summary)
	}
	if ch := s.Challenges(); len(ch) != 1 || ch[0] == "" {
		t.Errorf("PKCE challenges seen: %q", ch)
	}
	// The listener is gone once the flow ends.
	if _, err := http.Get(flow.RedirectURI()); err == nil {
		t.Errorf("loopback listener still open after the flow")
	}
}

func TestOAuthDenied(t *testing.T) {
	t.Parallel()
	s := netlifytest.New(t)
	s.Deny()
	flow, err := netlify.StartOAuth(oauthValues(), s.Env(5*time.Second, "NETLIFY", "NETLIFY_APP"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(flow.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := flow.Wait(context.Background(), 5*time.Second); !errors.Is(err, netlify.ErrDenied) {
		t.Fatalf("Wait = %v, want ErrDenied", err)
	}
}

func TestOAuthTimeout(t *testing.T) {
	t.Parallel()
	s := netlifytest.New(t)
	flow, err := netlify.StartOAuth(oauthValues(), s.Env(time.Second, "NETLIFY", "NETLIFY_APP"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := flow.Wait(context.Background(), 50*time.Millisecond); !errors.Is(err, netlify.ErrTimeout) {
		t.Fatalf("Wait = %v, want ErrTimeout", err)
	}
}

func TestOAuthWrongSecret(t *testing.T) {
	t.Parallel()
	s := netlifytest.New(t)
	v := oauthValues()
	v["client_secret"] = "wrongwrongwrongwrongwrong"
	flow, err := netlify.StartOAuth(v, s.Env(5*time.Second, "NETLIFY", "NETLIFY_APP"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(flow.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, err = flow.Wait(context.Background(), 5*time.Second)
	if err == nil || strings.Contains(err.Error(), "wrongwrong") {
		t.Fatalf("Wait = %v, want an error without the secret", err)
	}
}
