package vercel_test

import (
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/vercel"
	"github.com/patchbay-dev/patchbay/providers/vercel/verceltest"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	fixture := func(t *testing.T) (*providertest.Server, *providers.Env) {
		s := verceltest.New(t)
		s.AddToken("expiredToken0123456789abcdef", verceltest.TokenInfo{ExpiresAt: time.Now().Add(-time.Hour)})
		s.AddToken("soonToken0123456789abcdefgh", verceltest.TokenInfo{ExpiresAt: time.Now().Add(48 * time.Hour)})
		return s.Server, s.Env(0, "VERCEL")
	}
	valid := providers.Values{"token": verceltest.Token}
	cases := []providertest.Case{
		{Name: "ok", Values: valid, Want: providers.StatusOK, WantAccount: "dev"},
		{Name: "ok with team", Values: providers.Values{"token": verceltest.Token, "team_id": verceltest.TeamID}, Want: providers.StatusOK, WantAccount: "team patchbay"},
		{Name: "wrong team", Values: providers.Values{"token": verceltest.Token, "team_id": "team_other"}, Want: providers.StatusWrongTarget, WantField: "team_id"},
		{Name: "bad team format", Values: providers.Values{"token": verceltest.Token, "team_id": "patchbay"}, Want: providers.StatusMalformed, WantField: "team_id"},
		{Name: "expired token answers 403 invalidToken", Values: providers.Values{"token": "expiredToken0123456789abcdef"}, Want: providers.StatusInvalid, WantSummary: "expired"},
		{Name: "expiring soon", Values: providers.Values{"token": "soonToken0123456789abcdefgh"}, Want: providers.StatusOK, WantSummary: "expires on"},
	}
	cases = append(cases, providertest.StandardFaults(valid, providers.StatusInvalid)...)
	providertest.RunChecks(t, vercel.Provider().Credentials, fixture, cases)
}
