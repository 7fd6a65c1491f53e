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
		{Name: "ok", Values: valid, Want: providers.StatusOK, WantAccount: "dev@example.com"},
		{Name: "unknown token", Values: providers.Values{"token": "dop_v1_" + "2222222222222222222222222222222222222222222222222222222222222222"}, Want: providers.StatusInvalid},
		{Name: "scope missing", Values: providers.Values{"token": readOnly}, Want: providers.StatusInsufficientPermissions, WantMissing: []string{"account:read"}},
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
