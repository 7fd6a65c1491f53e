package providertest

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/providers"
)

// Case is one credential-check scenario against a fake.
type Case struct {
	Name   string
	Values providers.Values
	// Setup prepares the fake (add keys, inject faults).
	Setup func(s *Server)
	Fault *Fault
	Want  providers.Status
	// WantField, WantAccount (substring) and WantMissing are checked when set.
	WantField      string
	WantAccount    string
	WantMissing    []string
	WantRetryAfter time.Duration
	// WantSummary is a substring of the summary, checked when set.
	WantSummary string
	// WantVerdicts are the verdicts of the named permissions (each must
	// be among the result's Permissions), checked when set.
	WantVerdicts map[string]providers.Verdict
}

// Fixture builds a fresh fake and the Env pointing at it.
type Fixture func(t *testing.T) (*Server, *providers.Env)

// StandardFaults returns the fault cases every provider must diagnose,
// using valid values. expired is the status the provider's "expired" shape
// maps to (some providers cannot tell expired from invalid).
func StandardFaults(valid providers.Values, expired providers.Status) []Case {
	return []Case{
		{Name: "fault 401", Values: valid, Fault: &Fault{Kind: Unauthorized}, Want: providers.StatusInvalid},
		{Name: "fault 403", Values: valid, Fault: &Fault{Kind: Forbidden}, Want: providers.StatusInsufficientPermissions},
		{Name: "fault expired", Values: valid, Fault: &Fault{Kind: Expired}, Want: expired},
		{Name: "fault 429", Values: valid, Fault: &Fault{Kind: RateLimited, RetryAfter: 7 * time.Second}, Want: providers.StatusRateLimited, WantRetryAfter: 7 * time.Second},
		{Name: "fault 5xx", Values: valid, Fault: &Fault{Kind: Outage}, Want: providers.StatusOutage},
		{Name: "fault timeout", Values: valid, Fault: &Fault{Kind: Timeout}, Want: providers.StatusNetwork},
	}
}

// RunChecks runs every case in parallel against its own fake and asserts
// the diagnosis, and that no secret value leaks into it.
func RunChecks(t *testing.T, spec *providers.CredentialSpec, fixture Fixture, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			srv, env := fixture(t)
			if c.Setup != nil {
				c.Setup(srv)
			}
			if c.Fault != nil {
				srv.Inject(*c.Fault)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			got := spec.Check(ctx, c.Values, env)
			if got.Status != c.Want {
				t.Fatalf("status = %v, want %v (summary %q, fix %q)", got.Status, c.Want, got.Summary, got.Fix)
			}
			if got.Summary == "" {
				t.Errorf("empty summary")
			}
			if got.Status != providers.StatusOK && got.Fix == "" {
				t.Errorf("no fix for %v: %q", got.Status, got.Summary)
			}
			if c.WantField != "" && got.Field != c.WantField {
				t.Errorf("field = %q, want %q", got.Field, c.WantField)
			}
			if c.WantAccount != "" && !strings.Contains(got.Account, c.WantAccount) {
				t.Errorf("account = %q, want it to contain %q", got.Account, c.WantAccount)
			}
			if c.WantSummary != "" && !strings.Contains(got.Summary, c.WantSummary) {
				t.Errorf("summary = %q, want it to contain %q", got.Summary, c.WantSummary)
			}
			if c.WantMissing != nil && strings.Join(got.MissingPermissions, ",") != strings.Join(c.WantMissing, ",") {
				t.Errorf("missing = %v, want %v", got.MissingPermissions, c.WantMissing)
			}
			for name, want := range c.WantVerdicts {
				found := false
				for _, p := range got.Permissions {
					if p.Name == name {
						found = true
						if p.Verdict != want {
							t.Errorf("permission %s: verdict %v (%s), want %v", name, p.Verdict, p.Detail, want)
						}
					}
				}
				if !found {
					t.Errorf("permission %s not reported; got %v", name, got.Permissions)
				}
			}
			AssertPermissions(t, got)
			if c.WantRetryAfter != 0 && got.RetryAfter != c.WantRetryAfter {
				t.Errorf("retry after = %v, want %v", got.RetryAfter, c.WantRetryAfter)
			}
			outs := []string{got.Summary, got.Fix, got.Account, got.Field, strings.Join(got.MissingPermissions, " ")}
			for _, p := range got.Permissions {
				outs = append(outs, p.Name, p.Detail)
			}
			AssertNoSecrets(t, spec, c.Values, outs...)
		})
	}
}

// AssertPermissions checks that a result's verdicts are consistent: each
// has a name, a verdict and a detail (how it was proved, or how to verify
// it), MissingPermissions lists exactly the missing ones, and a result
// with a missing permission is not ok.
func AssertPermissions(t testing.TB, r providers.CheckResult) {
	t.Helper()
	if len(r.Permissions) == 0 {
		return
	}
	for _, p := range r.Permissions {
		if p.Name == "" || p.Verdict == providers.VerdictUnspecified || p.Detail == "" {
			t.Errorf("incomplete permission check %+v", p)
		}
	}
	if m := providers.Missing(r.Permissions); strings.Join(m, ",") != strings.Join(r.MissingPermissions, ",") {
		t.Errorf("MissingPermissions = %v, but the verdicts say missing: %v", r.MissingPermissions, m)
	}
	if r.Status == providers.StatusOK && len(providers.Missing(r.Permissions)) > 0 {
		t.Errorf("status ok with missing permissions %v", providers.Missing(r.Permissions))
	}
}

// AssertNoSecrets fails if any secret field value of vals (or a long
// fragment of one) appears in any of outputs.
func AssertNoSecrets(t testing.TB, spec *providers.CredentialSpec, vals providers.Values, outputs ...string) {
	t.Helper()
	for _, f := range spec.Fields {
		v := vals[f.Name]
		if !f.Secret() || len(v) < 6 {
			continue
		}
		for _, needle := range SecretNeedles(v) {
			for _, out := range outputs {
				if strings.Contains(out, needle) {
					t.Errorf("secret of field %q leaked into output %q", f.Name, out)
				}
			}
		}
	}
}

// SecretNeedles are the fragments of a secret that must never appear in
// output: the whole value and, for long values, its middle (which a masked
// hint never shows).
func SecretNeedles(v string) []string {
	out := []string{v}
	if len(v) >= 24 {
		out = append(out, v[len(v)/2-6:len(v)/2+6])
	}
	return out
}

// Do sends req to a fake and returns the answer with its body read; a
// transport error fails the test.
func Do(t testing.TB, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the answer: %v", req.Method, req.URL.Path, err)
	}
	return resp, raw
}
