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
		{Name: "ok", Values: valid, Want: providers.StatusOK, WantAccount: "account 40131"},
		{Name: "wrong user key", Values: providers.Values{"account_key": redistest.AccountKey, "user_key": "Zz9r8Q7p6O5n4M3l2K1j0I9h8"}, Want: providers.StatusInvalid},
		{Name: "user key missing", Values: providers.Values{"account_key": redistest.AccountKey}, Want: providers.StatusMissing, WantField: "user_key"},
	}
	cases = append(cases, providertest.StandardFaults(valid, providers.StatusInvalid)...)
	providertest.RunChecks(t, redis.Provider().Credentials, fixture, cases)
}
