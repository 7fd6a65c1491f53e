package mailgun_test

import (
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/mailgun"
	"github.com/patchbay-dev/patchbay/providers/mailgun/mailguntest"
	"github.com/patchbay-dev/patchbay/providers/providertest"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	fixture := func(t *testing.T) (*providertest.Server, *providers.Env) {
		us := mailguntest.New(t)
		eu := mailguntest.New(t)
		eu.SetKeys([]string{mailguntest.Key}, []string{"mg.eu.example.com"})
		env := us.Env(0, "MAILGUN")
		env.Endpoints["MAILGUN_EU"] = eu.URL
		return us.Server, env
	}
	valid := providers.Values{"api_key": mailguntest.Key, "domain": mailguntest.Domain}
	cases := []providertest.Case{
		{Name: "ok", Values: valid, Want: providers.StatusOK, WantAccount: "1 domains in us"},
		{Name: "eu domain in us", Values: providers.Values{"api_key": mailguntest.Key, "domain": "mg.eu.example.com"}, Want: providers.StatusWrongTarget, WantField: "region"},
		{Name: "unknown domain", Values: providers.Values{"api_key": mailguntest.Key, "domain": "nope.example.com"}, Want: providers.StatusWrongTarget, WantField: "domain"},
		{Name: "bad key", Values: providers.Values{"api_key": "wrongwrongwrongwrongwrong"}, Want: providers.StatusInvalid},
	}
	cases = append(cases, providertest.StandardFaults(valid, providers.StatusInvalid)...)
	providertest.RunChecks(t, mailgun.Provider().Credentials, fixture, cases)
}
