package digitalocean_test

import (
	"context"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/digitalocean"
	"github.com/patchbay-dev/patchbay/providers/digitalocean/digitaloceantest"
	"github.com/patchbay-dev/patchbay/providers/providertest"
)

const readOnly = "dop_v1_1111111111111111111111111111111111111111111111111111111111111111"

func TestValidate(t *testing.T) {
	t.Parallel()
	fixture := func(t *testing.T) (*providertest.Server, *providers.Env) {
		s := digitaloceantest.New(t)
		s.AddToken(readOnly, "droplet:read")
		return s.Server, s.Env(0, "DIGITALOCEAN")
	}
	valid := providers.Values{"token": digitaloceantest.Token}
	cases := []providertest.Case{
		{Name: "ok", Values: valid, Want: providers.StatusOK, WantAccount: "dev@example.com",
			WantVerdicts: map[string]providers.Verdict{"account:read": providers.VerdictVerified}},
		{Name: "unknown token", Values: providers.Values{"token": "dop_v1_" + "2222222222222222222222222222222222222222222222222222222222222222"}, Want: providers.StatusInvalid},
		{Name: "scope missing", Values: providers.Values{"token": readOnly}, Want: providers.StatusInsufficientPermissions, WantMissing: []string{"account:read"},
			WantVerdicts: map[string]providers.Verdict{"account:read": providers.VerdictMissing}},
		{Name: "malformed", Values: providers.Values{"token": "dop_v1_xyz"}, Want: providers.StatusMalformed},
	}
	cases = append(cases, providertest.StandardFaults(valid, providers.StatusInvalid)...)
	providertest.RunChecks(t, digitalocean.Provider().Credentials, fixture, cases)
}

// TestAccountStatus: a "warning" account works (with the notice in the
// summary); a "locked" one does not.
func TestAccountStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status, message string
		want            providers.Status
		summary         string
	}{
		{"warning", "Your card expires soon", providers.StatusOK, "warning on the account (Your card expires soon)"},
		{"locked", "Account locked", providers.StatusInsufficientPermissions, "the account is locked"},
	} {
		s := digitaloceantest.New(t)
		s.SetAccountStatus(tc.status, tc.message)
		res := digitalocean.Provider().Credentials.Check(context.Background(), providers.Values{"token": digitaloceantest.Token}, s.Env(0, "DIGITALOCEAN"))
		if res.Status != tc.want || !strings.Contains(res.Summary, tc.summary) {
			t.Errorf("%s: %v %q, want %v containing %q", tc.status, res.Status, res.Summary, tc.want, tc.summary)
		}
	}
}

// TestAsksOnlyForWhatItCalls: Patchbay's one DigitalOcean call is GET
// /v2/account, so the form asks for account:read and nothing else, and a
// token with only that scope passes.
func TestAsksOnlyForWhatItCalls(t *testing.T) {
	t.Parallel()
	spec := digitalocean.Provider().Credentials
	if len(spec.Permissions) != 1 || spec.Permissions[0] != "account:read" {
		t.Errorf("the form asks for %v; the check's GET /v2/account needs account:read only", spec.Permissions)
	}
	s := digitaloceantest.New(t)
	const only = "dop_v1_3333333333333333333333333333333333333333333333333333333333333333"
	s.AddToken(only, "account:read")
	if r := spec.Check(context.Background(), providers.Values{"token": only}, s.Env(0, "DIGITALOCEAN")); r.Status != providers.StatusOK {
		t.Errorf("a token with account:read only: %v %s", r.Status, r.Summary)
	}
	for _, r := range s.Requests() {
		if r.Method+" "+r.Path != "GET /v2/account" {
			t.Errorf("the check made %s %s, which needs a scope the form does not ask for", r.Method, r.Path)
		}
	}
}
