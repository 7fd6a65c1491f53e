package mongodb_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/mongodb"
	"github.com/patchbay-dev/patchbay/providers/mongodb/mongodbtest"
	"github.com/patchbay-dev/patchbay/providers/providertest"
)

const (
	weakID    = "mdb_sa_id_111111111111111111111111"
	blockedID = "mdb_sa_id_222222222222222222222222"
	secret2   = "mdb_sa_sk_otherFakeSecret0000000000"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	fixture := func(t *testing.T) (*providertest.Server, *providers.Env) {
		s := mongodbtest.New(t)
		s.AddAccount(weakID, mongodbtest.Account{Secret: secret2, Orgs: []string{mongodbtest.OrgID}, Role: "weak"})
		s.AddAccount(blockedID, mongodbtest.Account{Secret: secret2, Orgs: []string{mongodbtest.OrgID}, BlockedIP: "198.51.100.7"})
		return s.Server, s.Env(0, "MONGODB")
	}
	valid := providers.Values{"client_id": mongodbtest.ClientID, "client_secret": mongodbtest.ClientSecret}
	cases := []providertest.Case{
		{Name: "ok", Values: valid, Want: providers.StatusOK, WantAccount: mongodbtest.OrgID,
			WantVerdicts: map[string]providers.Verdict{"Organization Member (ORG_MEMBER)": providers.VerdictVerified}},
		{Name: "ok with org", Values: providers.Values{"client_id": mongodbtest.ClientID, "client_secret": mongodbtest.ClientSecret, "org_id": mongodbtest.OrgID}, Want: providers.StatusOK},
		{Name: "other org", Values: providers.Values{"client_id": mongodbtest.ClientID, "client_secret": mongodbtest.ClientSecret, "org_id": "000000000000000000000000"}, Want: providers.StatusWrongTarget, WantField: "org_id"},
		{Name: "wrong secret", Values: providers.Values{"client_id": mongodbtest.ClientID, "client_secret": secret2}, Want: providers.StatusInvalid, WantField: "client_secret"},
		{Name: "weak role", Values: providers.Values{"client_id": weakID, "client_secret": secret2}, Want: providers.StatusInsufficientPermissions,
			WantMissing: []string{"Organization Member (ORG_MEMBER)"}, WantVerdicts: map[string]providers.Verdict{"Organization Member (ORG_MEMBER)": providers.VerdictMissing}},
		{Name: "ip not on access list", Values: providers.Values{"client_id": blockedID, "client_secret": secret2}, Want: providers.StatusInsufficientPermissions, WantSummary: "198.51.100.7"},
		{Name: "token revoked after issue", Values: valid, Fault: &providertest.Fault{Kind: providertest.Expired, Path: "/api/atlas"}, Want: providers.StatusExpired},
		{Name: "api key instead of client id", Values: providers.Values{"client_id": "abcdefgh", "client_secret": mongodbtest.ClientSecret}, Want: providers.StatusMalformed, WantField: "client_id"},
	}
	cases = append(cases, providertest.StandardFaults(valid, providers.StatusInvalid)...)
	providertest.RunChecks(t, mongodb.Provider().Credentials, fixture, cases)
}

// TestOrgOnLaterPage: Atlas pages its organizations (itemsPerPage,
// pageNum); an organization past the first page is still found.
func TestOrgOnLaterPage(t *testing.T) {
	t.Parallel()
	s := mongodbtest.New(t)
	const manyID = "mdb_sa_id_333333333333333333333333"
	orgs := make([]string, 0, 1201)
	for i := 0; i < 1200; i++ {
		orgs = append(orgs, fmt.Sprintf("%024x", i+1))
	}
	orgs = append(orgs, "ffffffffffffffffffffffff")
	s.AddAccount(manyID, mongodbtest.Account{Secret: secret2, Orgs: orgs})
	res := mongodb.Provider().Credentials.Check(context.Background(),
		providers.Values{"client_id": manyID, "client_secret": secret2, "org_id": "ffffffffffffffffffffffff"}, s.Env(0, "MONGODB"))
	if res.Status != providers.StatusOK {
		t.Fatalf("check = %v %q", res.Status, res.Summary)
	}
}

// TestAsksOnlyForWhatItCalls: Patchbay's one Atlas call lists
// organizations, which needs Organization Member; the form asks for that
// role and no other (it asked for Organization Project Creator).
func TestAsksOnlyForWhatItCalls(t *testing.T) {
	t.Parallel()
	if got := mongodb.Provider().Credentials.Permissions; len(got) != 1 || got[0] != "Organization Member (ORG_MEMBER)" {
		t.Errorf("the form asks for %v; listing organizations needs Organization Member only", got)
	}
	s := mongodbtest.New(t)
	r := mongodb.Provider().Credentials.Check(t.Context(), providers.Values{"client_id": mongodbtest.ClientID, "client_secret": mongodbtest.ClientSecret}, s.Env(0, "MONGODB"))
	if r.Status != providers.StatusOK {
		t.Fatalf("check: %v %s", r.Status, r.Summary)
	}
	for _, req := range s.Requests() {
		if op := req.Method + " " + req.Path; op != "POST /api/oauth/token" && op != "GET /api/atlas/v2/orgs" {
			t.Errorf("the check made %s, which may need a role the form does not ask for", op)
		}
	}
}
