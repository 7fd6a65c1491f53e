package okta_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/okta"
	"github.com/patchbay-dev/patchbay/providers/okta/oktatest"
	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// What users paste is reduced to the org URL; what cannot be one is refused
// before any call.
func TestPrepare(t *testing.T) {
	t.Parallel()
	spec := okta.Provider().Credentials
	for in, want := range map[string]string{
		"dev-123456.okta.com":                               "https://dev-123456.okta.com",
		"https://dev-123456-admin.okta.com/admin/dashboard": "https://dev-123456.okta.com",
		"  HTTPS://Acme.OktaPreview.com/ ":                  "https://acme.oktapreview.com",
		"https://acme.okta-emea.com.":                       "https://acme.okta-emea.com",
	} {
		got, bad := spec.Prepare(providers.Values{"org_url": in, "api_token": oktatest.Token})
		if bad != nil {
			t.Errorf("Prepare(%q): %+v", in, bad)
			continue
		}
		if d := cmp.Diff(providers.Values{"org_url": want, "api_token": oktatest.Token}, got); d != "" {
			t.Errorf("Prepare(%q) (-want +got):\n%s", in, d)
		}
	}
	for _, v := range []providers.Values{
		{"org_url": "https://dev-1.okta.com", "api_token": "short"},
		{"org_url": "https://dev-1.okta.com"},
		{"api_token": oktatest.Token},
	} {
		if _, bad := spec.Prepare(v); bad == nil {
			t.Errorf("Prepare(%v) accepted", v)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	fixture := func(t *testing.T) (*providertest.Server, *providers.Env) {
		s := oktatest.New(t)
		return s.Server, s.Env(0, "OKTA")
	}
	valid := providers.Values{"org_url": "https://patchbay-dev.okta.com", "api_token": oktatest.Token}
	other := providers.Values{"org_url": "https://patchbay-dev.okta.com", "api_token": "00SomeoneElsesTokenFromAnotherOrg0000000"}
	cases := []providertest.Case{
		{Name: "ok", Values: valid, Want: providers.StatusOK, WantAccount: "patchbay-dev.okta.com as " + oktatest.AdminMail,
			WantVerdicts: map[string]providers.Verdict{okta.RequiredRole[0]: providers.VerdictUnverifiable}},
		{Name: "token of another org", Values: other, Want: providers.StatusInvalid, WantField: "api_token", WantSummary: "Invalid token provided"},
		{Name: "apps refused", Values: valid, Fault: &providertest.Fault{Kind: providertest.Forbidden, Path: "/api/v1/apps"},
			Want: providers.StatusInsufficientPermissions, WantAccount: oktatest.AdminMail, WantMissing: okta.RequiredRole,
			WantVerdicts: map[string]providers.Verdict{okta.RequiredRole[0]: providers.VerdictMissing}},
	}
	// Okta names no Retry-After on 429, only X-Rate-Limit-Reset in whole
	// epoch seconds, so the wait is checked separately (TestRateLimitWait).
	for _, c := range providertest.StandardFaults(valid, providers.StatusInvalid) {
		c.WantRetryAfter = 0
		cases = append(cases, c)
	}
	providertest.RunChecks(t, okta.Provider().Credentials, fixture, cases)
}

// A token whose owner lacks the Application Administrator role is told so,
// with the role to grant.
func TestValidateNotAppAdmin(t *testing.T) {
	t.Parallel()
	s := oktatest.New(t)
	s.SetAdmin(false)
	got := okta.Provider().Credentials.Check(context.Background(), s.Credentials(), s.Env(0, "OKTA"))
	if got.Status != providers.StatusInsufficientPermissions || got.Account == "" || len(got.MissingPermissions) != 1 || got.Fix == "" {
		t.Errorf("check = %+v", got)
	}
}

// TestValidateReadOnlyAdmin: a Read-only Administrator's token lists apps
// but cannot create one, so the check, which only reads, does not claim
// the owner may manage applications: the role is unverifiable, with how
// to verify it.
func TestValidateReadOnlyAdmin(t *testing.T) {
	t.Parallel()
	s := oktatest.New(t)
	s.SetReadOnlyAdmin(true)
	got := okta.Provider().Credentials.Check(context.Background(), s.Credentials(), s.Env(0, "OKTA"))
	if got.Status != providers.StatusOK || len(got.Permissions) != 1 || got.Permissions[0].Verdict != providers.VerdictUnverifiable ||
		!strings.Contains(got.Permissions[0].Detail, "Security → Administrators") || strings.Contains(got.Summary, "may manage") {
		t.Errorf("check = %+v", got)
	}
}

// X-Rate-Limit-Reset (epoch seconds) is read as the wait.
func TestRateLimitWait(t *testing.T) {
	t.Parallel()
	s := oktatest.New(t)
	s.Inject(providertest.Fault{Kind: providertest.RateLimited, RetryAfter: 30 * time.Second})
	got := okta.Provider().Credentials.Check(context.Background(), s.Credentials(), s.Env(0, "OKTA"))
	if got.Status != providers.StatusRateLimited || got.RetryAfter < 28*time.Second || got.RetryAfter > 31*time.Second {
		t.Errorf("check = %v, retry after %v, want about 30s", got.Status, got.RetryAfter)
	}
}

// A host that is not an Okta org (a custom sign-in page, a typo that
// resolves) answers 404: the org URL is at fault.
func TestValidateNotAnOrg(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	env := &providers.Env{Endpoints: map[string]string{"OKTA": srv.URL}, Getenv: func(string) string { return "" }}
	got := okta.Provider().Credentials.Check(context.Background(), providers.Values{"org_url": "https://login.example.com", "api_token": oktatest.Token}, env)
	if got.Status != providers.StatusWrongTarget || got.Field != "org_url" || got.Fix == "" {
		t.Errorf("check = %+v", got)
	}
}
