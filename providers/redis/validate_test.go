package redis_test

import (
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/redis"
	"github.com/patchbay-dev/patchbay/providers/redis/redistest"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	fixture := func(t *testing.T) (*providertest.Server, *providers.Env) {
		s := redistest.New(t)
		env := s.Env(0)
		env.Endpoints["REDIS"] = s.URL + "/v1"
		return s.Server, env
	}
	valid := providers.Values{"account_key": redistest.AccountKey, "user_key": redistest.UserKey}
	cases := []providertest.Case{
		{Name: "ok", Values: valid, Want: providers.StatusOK, WantAccount: "account 40131",
			WantVerdicts: map[string]providers.Verdict{"Viewer": providers.VerdictVerified}},
		{Name: "refused", Values: valid, Fault: &providertest.Fault{Kind: providertest.Forbidden}, Want: providers.StatusInsufficientPermissions,
			WantMissing: []string{"Viewer"}, WantVerdicts: map[string]providers.Verdict{"Viewer": providers.VerdictMissing}},
		{Name: "wrong user key", Values: providers.Values{"account_key": redistest.AccountKey, "user_key": "Zz9r8Q7p6O5n4M3l2K1j0I9h8"}, Want: providers.StatusInvalid},
		{Name: "user key missing", Values: providers.Values{"account_key": redistest.AccountKey}, Want: providers.StatusMissing, WantField: "user_key"},
	}
	cases = append(cases, providertest.StandardFaults(valid, providers.StatusInvalid)...)
	providertest.RunChecks(t, redis.Provider().Credentials, fixture, cases)
}

// TestAsksOnlyForWhatItCalls: Patchbay's one Redis Cloud call reads the
// account, so the form asks for the Viewer role, not one that creates
// subscriptions and databases.
func TestAsksOnlyForWhatItCalls(t *testing.T) {
	t.Parallel()
	if got := redis.Provider().Credentials.Permissions; len(got) != 1 || got[0] != "Viewer" {
		t.Errorf("the form asks for %v; reading the account needs Viewer only", got)
	}
}
