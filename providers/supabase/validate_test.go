package supabase_test

import (
	"regexp"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/supabase"
	"github.com/patchbay-dev/patchbay/providers/supabase/supabasetest"
)

// The form declares what the editor renders: which fields are secret,
// their formats, how to get them and what Patchbay does with them.
func TestForm(t *testing.T) {
	t.Parallel()
	spec := supabase.Provider().Credentials
	if spec == nil || spec.Validator == nil || spec.Endpoint != "SUPABASE" || spec.DocsURL == "" || len(spec.Steps) == 0 || len(spec.Permissions) == 0 {
		t.Fatalf("incomplete spec: %+v", spec)
	}
	secret := map[string]bool{}
	for _, f := range spec.Fields {
		secret[f.Name] = f.Secret()
		if f.Pattern != "" {
			regexp.MustCompile(f.Pattern)
		}
	}
	if want := map[string]bool{"url": false, "anon_key": false, "service_role_key": true}; len(secret) != len(want) {
		t.Errorf("fields = %v, want %v", secret, want)
	} else {
		for k, w := range want {
			if secret[k] != w {
				t.Errorf("%s secret = %v, want %v", k, secret[k], w)
			}
		}
	}
	// Normalization: what users paste becomes the bare project URL.
	for in, want := range map[string]string{
		"https://" + supabasetest.Ref + ".supabase.co/rest/v1/": supabasetest.ProjectURL,
		supabasetest.Ref + ".supabase.co":                       supabasetest.ProjectURL,
		"http://127.0.0.1:54321/":                               "http://127.0.0.1:54321",
	} {
		v, bad := spec.Prepare(providers.Values{"url": in, "anon_key": supabasetest.PublishableKey})
		if bad != nil || v["url"] != want {
			t.Errorf("url %q → %q (%v), want %q", in, v["url"], bad, want)
		}
	}
	if got := supabase.ProjectRef(supabasetest.ProjectURL); got != supabasetest.Ref {
		t.Errorf("ProjectRef = %q", got)
	}
}

// anonRoleSecret is shaped like a secret key but has the anon role.
const anonRoleSecret = "sb_secret_ActuallyAnonRole000000000"

func TestValidate(t *testing.T) {
	t.Parallel()
	fixture := func(t *testing.T) (*providertest.Server, *providers.Env) {
		s := supabasetest.New(t)
		s.AddKey(anonRoleSecret, "anon")
		return s.Server, s.Env(0, "SUPABASE")
	}
	url := supabasetest.ProjectURL
	valid := providers.Values{"url": url, "anon_key": supabasetest.PublishableKey}
	otherAnon := supabasetest.LegacyKey("otherprojectrefxxxxx", "anon")
	cases := []providertest.Case{
		{Name: "publishable key", Values: valid, Want: providers.StatusOK, WantAccount: supabasetest.Ref, WantSummary: "Row Level Security policies are not checked"},
		{Name: "legacy anon key", Values: providers.Values{"url": url, "anon_key": supabasetest.AnonKey}, Want: providers.StatusOK},
		{Name: "with secret key", Values: providers.Values{"url": url, "anon_key": supabasetest.PublishableKey, "service_role_key": supabasetest.SecretKey},
			Want: providers.StatusOK, WantSummary: "service role"},
		{Name: "with legacy service_role key", Values: providers.Values{"url": url, "anon_key": supabasetest.AnonKey, "service_role_key": supabasetest.ServiceRoleKey},
			Want: providers.StatusOK, WantSummary: "service role"},
		{Name: "unknown publishable key", Values: providers.Values{"url": url, "anon_key": "sb_publishable_NotThisProject000000"},
			Want: providers.StatusInvalid, WantField: "anon_key"},
		{Name: "revoked secret key", Values: providers.Values{"url": url, "anon_key": supabasetest.PublishableKey, "service_role_key": "sb_secret_RotatedAway0000000000000"},
			Want: providers.StatusInvalid, WantField: "service_role_key"},
		{Name: "legacy key of another project", Values: providers.Values{"url": url, "anon_key": otherAnon},
			Want: providers.StatusWrongTarget, WantField: "anon_key", WantSummary: "otherprojectrefxxxxx"},
		// A key the project accepts with the anon role in the secret field
		// (legacy JWT roles are caught by the form; an accepted sb_ key
		// of the wrong role only by the call).
		{Name: "anon-role key as secret", Values: providers.Values{"url": url, "anon_key": supabasetest.PublishableKey, "service_role_key": anonRoleSecret},
			Want: providers.StatusInsufficientPermissions, WantField: "service_role_key", WantMissing: []string{"service_role"}},
		{Name: "service_role key in the public field", Values: providers.Values{"url": url, "anon_key": supabasetest.ServiceRoleKey},
			Want: providers.StatusMalformed, WantField: "anon_key"},
		{Name: "secret key in the public field", Values: providers.Values{"url": url, "anon_key": supabasetest.SecretKey},
			Want: providers.StatusMalformed, WantField: "anon_key"},
		{Name: "anon key in the secret field", Values: providers.Values{"url": url, "anon_key": supabasetest.AnonKey, "service_role_key": supabasetest.AnonKey},
			Want: providers.StatusMalformed, WantField: "service_role_key"},
		{Name: "http hosted URL", Values: providers.Values{"url": "http://" + supabasetest.Ref + ".supabase.co", "anon_key": supabasetest.AnonKey},
			Want: providers.StatusMalformed, WantField: "url"},
		{Name: "not a key", Values: providers.Values{"url": url, "anon_key": "pk_test_123"}, Want: providers.StatusMalformed, WantField: "anon_key"},
		{Name: "no key", Values: providers.Values{"url": url}, Want: providers.StatusMissing, WantField: "anon_key"},
		{Name: "secret key fault only", Values: providers.Values{"url": url, "anon_key": supabasetest.PublishableKey, "service_role_key": supabasetest.SecretKey},
			Fault: &providertest.Fault{Kind: providertest.Unauthorized, Path: "/auth/v1/admin"}, Want: providers.StatusInvalid, WantField: "service_role_key"},
	}
	cases = append(cases, providertest.StandardFaults(valid, providers.StatusInvalid)...)
	providertest.RunChecks(t, supabase.Provider().Credentials, fixture, cases)
}

// A URL that is not a Supabase project: no Auth API there.
func TestValidateNotAProject(t *testing.T) {
	t.Parallel()
	s := providertest.New(t, nil)
	got := supabase.Provider().Credentials.Check(t.Context(), providers.Values{"url": supabasetest.ProjectURL, "anon_key": supabasetest.PublishableKey}, s.Env(0, "SUPABASE"))
	if got.Status != providers.StatusWrongTarget || got.Field != "url" {
		t.Errorf("got %v %q: %s", got.Status, got.Field, got.Summary)
	}
}
