package sendgrid_test

import (
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/sendgrid"
	"github.com/patchbay-dev/patchbay/providers/sendgrid/sendgridtest"
)

const (
	mailOnly = "SG.mailOnlyKeyId000000.mailOnlySecret00000000000000"
	euKey    = "SG.euKeyId000000000000.euSecret00000000000000000000"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	fixture := func(t *testing.T) (*providertest.Server, *providers.Env) {
		s := sendgridtest.New(t)
		s.AddKey(mailOnly, "mail.send")
		eu := sendgridtest.New(t)
		eu.RemoveKey(sendgridtest.Key)
		eu.AddKey(euKey, sendgridtest.FullScopes...)
		env := s.Env(0, "SENDGRID")
		env.Endpoints["SENDGRID_EU"] = eu.URL
		return s.Server, env
	}
	valid := providers.Values{"api_key": sendgridtest.Key}
	cases := []providertest.Case{
		{Name: "ok", Values: valid, Want: providers.StatusOK},
		{Name: "missing scopes", Values: providers.Values{"api_key": mailOnly}, Want: providers.StatusInsufficientPermissions,
			WantMissing: []string{"api_keys.create", "api_keys.read", "api_keys.delete", "user.webhooks.event.settings.read", "user.webhooks.event.settings.update"}},
		{Name: "eu key on global", Values: providers.Values{"api_key": euKey}, Want: providers.StatusWrongTarget, WantField: "region"},
		{Name: "unknown key", Values: providers.Values{"api_key": "SG.unknownKeyId00000000.unknownSecret000000000000000"}, Want: providers.StatusInvalid},
		{Name: "bad region", Values: providers.Values{"api_key": sendgridtest.Key, "region": "us"}, Want: providers.StatusMalformed, WantField: "region"},
	}
	cases = append(cases, providertest.StandardFaults(valid, providers.StatusInvalid)...)
	providertest.RunChecks(t, sendgrid.Provider().Credentials, fixture, cases)
}
