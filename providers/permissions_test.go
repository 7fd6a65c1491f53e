package providers_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/providers"
)

func TestCompareGrants(t *testing.T) {
	t.Parallel()
	got := providers.CompareGrants([]string{"read:clients", "create:clients"}, []string{"read:clients", "delete:users"}, "token scope")
	want := []providers.PermissionCheck{
		{Name: "read:clients", Verdict: providers.VerdictVerified, Detail: "granted (token scope)"},
		{Name: "create:clients", Verdict: providers.VerdictMissing, Detail: "not granted (token scope)"},
		{Name: "delete:users", Verdict: providers.VerdictExcess, Detail: "granted (token scope) but no call Patchbay makes needs it"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("CompareGrants (-want +got):\n%s", d)
	}
	if m := providers.Missing(got); len(m) != 1 || m[0] != "create:clients" {
		t.Errorf("Missing = %v", m)
	}
	if e := providers.Excess(got); len(e) != 1 || e[0] != "delete:users" {
		t.Errorf("Excess = %v", e)
	}
}

func TestAPICalls(t *testing.T) {
	t.Parallel()
	calls := providers.APICalls{
		{Op: "POST /oauth/token"},
		{Op: "GET /api/v2/clients", Needs: []string{"read:clients"}},
		{Op: "GET /api/v2/clients/{id}", Needs: []string{"read:clients", "read:client_keys"}},
		{Op: "POST /api/v2/clients/{id}/rotate-secret", Needs: []string{"update:client_keys"}},
		{Op: "cognito-idp:ListUserPoolClients", Needs: []string{"cognito-idp:ListUserPoolClients"}},
	}
	if d := cmp.Diff([]string{"read:clients", "read:client_keys", "update:client_keys", "cognito-idp:ListUserPoolClients"}, calls.Permissions()); d != "" {
		t.Errorf("Permissions (-want +got):\n%s", d)
	}
	for op, want := range map[string]string{
		"GET /api/v2/clients?page=0&per_page=50": "GET /api/v2/clients",
		"GET /api/v2/clients/abc":                "GET /api/v2/clients/{id}",
		"POST /api/v2/clients/abc/rotate-secret": "POST /api/v2/clients/{id}/rotate-secret",
		"cognito-idp:ListUserPoolClients":        "cognito-idp:ListUserPoolClients",
		"DELETE /api/v2/clients/abc":             "",
		"GET /api/v2/clients/abc/extra":          "",
		"GET /api/v2/clients//":                  "",
		"cognito-idp:DescribeUserPoolClient":     "",
	} {
		c, ok := calls.Match(op)
		if (want == "") == ok || c.Op != want {
			t.Errorf("Match(%q) = %q, %v; want %q", op, c.Op, ok, want)
		}
	}
}
