package auth0_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/auth0"
	"github.com/patchbay-dev/patchbay/providers/auth0/auth0test"
	"github.com/patchbay-dev/patchbay/providers/providertest"
)

const (
	noGrant  = "NoGrantClientId00000000000000000"
	readOnly = "ReadOnlyClientId0000000000000000"
	spa      = "SpaClientId000000000000000000000"
	broad    = "BroadClientId0000000000000000000"
	secret2  = "otherFakeClientSecret_000000000000000000000000"
)

func TestNormalizeDomain(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://tenant.auth0.com/":             "tenant.auth0.com",
		"tenant.auth0.com":                      "tenant.auth0.com",
		"  HTTPS://Tenant.EU.Auth0.com/api/v2/": "tenant.eu.auth0.com",
		"tenant.us.auth0.com.":                  "tenant.us.auth0.com",
	} {
		if got := auth0.NormalizeDomain(in); got != want {
			t.Errorf("NormalizeDomain(%q) = %q, want %q", in, got, want)
		}
	}
	spec := auth0.Provider().Credentials
	got, bad := spec.Prepare(providers.Values{"domain": "https://tenant.auth0.com/", "client_id": auth0test.ClientID, "client_secret": auth0test.ClientSecret, "junk": "x"})
	if bad != nil {
		t.Fatalf("Prepare: %+v", bad)
	}
	want := providers.Values{"domain": "tenant.auth0.com", "client_id": auth0test.ClientID, "client_secret": auth0test.ClientSecret}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Prepare (-want +got):\n%s", d)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	fixture := func(t *testing.T) (*providertest.Server, *providers.Env) {
		s := auth0test.New(t)
		s.AddClient(noGrant, auth0test.Client{Secret: secret2})
		s.AddClient(readOnly, auth0test.Client{Secret: secret2, Scopes: []string{"read:clients"}})
		s.AddClient(spa, auth0test.Client{Secret: secret2, Scopes: auth0test.AllScopes, NoClientCredentials: true})
		s.AddClient(broad, auth0test.Client{Secret: secret2, Scopes: append([]string{"read:users", "create:resource_servers", "read:client_grants"}, auth0test.AllScopes...)})
		return s.Server, s.Env(0, "AUTH0")
	}
	vals := func(domain, id, secret string) providers.Values {
		return providers.Values{"domain": domain, "client_id": id, "client_secret": secret}
	}
	valid := vals("https://"+auth0test.Domain+"/", auth0test.ClientID, auth0test.ClientSecret)
	cases := []providertest.Case{
		{Name: "ok", Values: valid, Want: providers.StatusOK, WantAccount: auth0test.Domain,
			WantVerdicts: map[string]providers.Verdict{"read:clients": providers.VerdictVerified, "create:clients": providers.VerdictVerified,
				"update:clients": providers.VerdictVerified, "delete:clients": providers.VerdictVerified,
				"read:client_keys": providers.VerdictVerified, "update:client_keys": providers.VerdictVerified}},
		{Name: "wrong secret", Values: vals(auth0test.Domain, auth0test.ClientID, secret2), Want: providers.StatusInvalid, WantField: "client_secret"},
		{Name: "custom domain", Values: vals("login.example.com", auth0test.ClientID, auth0test.ClientSecret), Want: providers.StatusMalformed, WantField: "domain"},
		{Name: "other tenant audience", Values: vals("other.us.auth0.com", auth0test.ClientID, auth0test.ClientSecret), Want: providers.StatusWrongTarget, WantField: "domain"},
		{Name: "no client grant", Values: vals(auth0test.Domain, noGrant, secret2), Want: providers.StatusInsufficientPermissions},
		{Name: "spa app", Values: vals(auth0test.Domain, spa, secret2), Want: providers.StatusInsufficientPermissions, WantField: "client_id"},
		// Patchbay never calls the resource-servers or client-grants
		// endpoints, so it does not ask for their scopes.
		{Name: "scopes missing", Values: vals(auth0test.Domain, readOnly, secret2), Want: providers.StatusInsufficientPermissions,
			WantMissing:  []string{"create:clients", "read:client_keys", "update:clients", "delete:clients", "update:client_keys"},
			WantVerdicts: map[string]providers.Verdict{"read:clients": providers.VerdictVerified, "create:clients": providers.VerdictMissing}},
		{Name: "excess scopes", Values: vals(auth0test.Domain, broad, secret2), Want: providers.StatusOK, WantSummary: "more than Patchbay needs",
			WantVerdicts: map[string]providers.Verdict{"read:users": providers.VerdictExcess, "create:resource_servers": providers.VerdictExcess,
				"read:client_grants": providers.VerdictExcess, "create:clients": providers.VerdictVerified}},
		{Name: "management token expired", Values: valid, Fault: &providertest.Fault{Kind: providertest.Expired, Path: "/api/v2"}, Want: providers.StatusExpired},
	}
	cases = append(cases, providertest.StandardFaults(valid, providers.StatusInvalid)...)
	providertest.RunChecks(t, auth0.Provider().Credentials, fixture, cases)
}
