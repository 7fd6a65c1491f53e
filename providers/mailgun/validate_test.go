package mailgun_test

import (
	"context"
	"fmt"
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

// TestDomainOnLaterPage: Mailgun pages GET /v4/domains (limit, skip); a
// domain past the first page is still the account's.
func TestDomainOnLaterPage(t *testing.T) {
	t.Parallel()
	s := mailguntest.New(t)
	names := make([]string, 0, 2501)
	for i := 0; i < 2500; i++ {
		names = append(names, fmt.Sprintf("mg%d.example.com", i))
	}
	names = append(names, "last.example.com")
	s.SetKeys([]string{mailguntest.Key}, names)
	res := mailgun.Provider().Credentials.Check(context.Background(), providers.Values{"api_key": mailguntest.Key, "domain": "last.example.com"}, s.Env(0, "MAILGUN"))
	if res.Status != providers.StatusOK || res.Account != "2501 domains in us" {
		t.Fatalf("check = %v %q %q", res.Status, res.Account, res.Summary)
	}
}
