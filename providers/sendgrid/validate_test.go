package sendgrid_test

import (
	"context"
	"slices"
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
		{Name: "ok", Values: valid, Want: providers.StatusOK, WantVerdicts: map[string]providers.Verdict{
			"mail.send": providers.VerdictVerified, "api_keys.update": providers.VerdictVerified, "scopes.read": providers.VerdictExcess}},
		{Name: "missing scopes", Values: providers.Values{"api_key": mailOnly}, Want: providers.StatusInsufficientPermissions,
			WantMissing: []string{"api_keys.create", "api_keys.read", "api_keys.update", "api_keys.delete", "user.webhooks.event.settings.read", "user.webhooks.event.settings.update"}},
		{Name: "eu key on global", Values: providers.Values{"api_key": euKey}, Want: providers.StatusWrongTarget, WantField: "region"},
		{Name: "unknown key", Values: providers.Values{"api_key": "SG.unknownKeyId00000000.unknownSecret000000000000000"}, Want: providers.StatusInvalid},
		{Name: "bad region", Values: providers.Values{"api_key": sendgridtest.Key, "region": "us"}, Want: providers.StatusMalformed, WantField: "region"},
	}
	cases = append(cases, providertest.StandardFaults(valid, providers.StatusInvalid)...)
	providertest.RunChecks(t, sendgrid.Provider().Credentials, fixture, cases)
}

// TestValidateVerdicts: the check reports each scope Patchbay needs as
// verified or missing and each other scope the key holds as excess, but
// not the scopes SendGrid adds to every key by itself.
func TestValidateVerdicts(t *testing.T) {
	t.Parallel()
	s := sendgridtest.New(t)
	const key = "SG.verdictsKeyId000000.verdictsSecret0000000000000000"
	s.AddKey(key, "mail.send", "api_keys.create", "api_keys.read", "api_keys.delete", "user.webhooks.event.settings.read",
		"user.webhooks.event.settings.update", "marketing.read")
	r := sendgrid.Provider().Credentials.Check(context.Background(), providers.Values{"api_key": key}, s.Env(0, "SENDGRID"))
	if r.Status != providers.StatusInsufficientPermissions || !slices.Equal(r.MissingPermissions, []string{"api_keys.update"}) {
		t.Fatalf("status %v missing %v (%s), want api_keys.update missing", r.Status, r.MissingPermissions, r.Summary)
	}
	got := map[string]providers.Verdict{}
	for _, p := range r.Permissions {
		got[p.Name] = p.Verdict
	}
	for _, sc := range sendgrid.RequiredScopes {
		if want := providers.VerdictVerified; sc == "api_keys.update" {
			if got[sc] != providers.VerdictMissing {
				t.Errorf("%s: %v, want missing", sc, got[sc])
			}
		} else if got[sc] != want {
			t.Errorf("%s: %v, want verified", sc, got[sc])
		}
	}
	if got["marketing.read"] != providers.VerdictExcess {
		t.Errorf("marketing.read: %v, want excess", got["marketing.read"])
	}
	for _, sc := range sendgridtest.ImplicitScopes {
		if v, ok := got[sc]; ok {
			t.Errorf("%s, which SendGrid adds to every key, is reported %v", sc, v)
		}
	}
	if len(r.Permissions) != len(sendgrid.RequiredScopes)+1 {
		t.Errorf("permissions = %+v", r.Permissions)
	}
}
