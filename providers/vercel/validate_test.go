package vercel_test

import (
	"slices"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/vercel"
	"github.com/patchbay-dev/patchbay/providers/vercel/verceltest"
)

const (
	teamToken     = "teamToken0123456789abcdefgh"
	fullToken     = "fullToken0123456789abcdefgh"
	personalToken = "personalToken0123456789abcd"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	fixture := func(t *testing.T) (*providertest.Server, *providers.Env) {
		s := verceltest.New(t)
		s.AddToken("expiredToken0123456789abcdef", verceltest.TokenInfo{ExpiresAt: time.Now().Add(-time.Hour)})
		s.AddToken("soonToken0123456789abcdefgh", verceltest.TokenInfo{ExpiresAt: time.Now().Add(48 * time.Hour)})
		s.AddToken(teamToken, verceltest.TokenInfo{Teams: []string{verceltest.TeamID}, TeamsOnly: true})
		s.AddToken(fullToken, verceltest.TokenInfo{Teams: []string{verceltest.TeamID}, FullAccount: true})
		s.AddToken(personalToken, verceltest.TokenInfo{})
		return s.Server, s.Env(0, "VERCEL")
	}
	valid := providers.Values{"token": verceltest.Token}
	withTeam := func(tok string) providers.Values { return providers.Values{"token": tok, "team_id": verceltest.TeamID} }
	const (
		team     = "scope: team " + verceltest.TeamID
		personal = "scope: personal account"
	)
	cases := []providertest.Case{
		{Name: "ok", Values: valid, Want: providers.StatusOK, WantAccount: "dev",
			WantVerdicts: map[string]providers.Verdict{personal: providers.VerdictVerified, team: providers.VerdictExcess}},
		{Name: "personal token", Values: providers.Values{"token": personalToken}, Want: providers.StatusOK,
			WantVerdicts: map[string]providers.Verdict{personal: providers.VerdictVerified}},
		{Name: "team-scoped token", Values: withTeam(teamToken), Want: providers.StatusOK,
			WantVerdicts: map[string]providers.Verdict{team: providers.VerdictVerified}},
		{Name: "team-scoped token without a team id", Values: providers.Values{"token": teamToken}, Want: providers.StatusInsufficientPermissions,
			WantField: "token", WantMissing: []string{personal}, WantSummary: "personal account"},
		{Name: "full-account token for a team", Values: withTeam(fullToken), Want: providers.StatusOK, WantSummary: "scope: full account",
			WantVerdicts: map[string]providers.Verdict{team: providers.VerdictVerified, "scope: full account": providers.VerdictExcess}},
		{Name: "token with its personal scope for a team", Values: withTeam(verceltest.Token), Want: providers.StatusOK,
			WantVerdicts: map[string]providers.Verdict{team: providers.VerdictVerified, personal: providers.VerdictExcess}},
		{Name: "token metadata refused", Values: withTeam(teamToken), Fault: &providertest.Fault{Kind: providertest.Forbidden, Path: "/v5/"},
			Want: providers.StatusOK, WantVerdicts: map[string]providers.Verdict{team: providers.VerdictUnverifiable}},
		{Name: "ok with team", Values: providers.Values{"token": verceltest.Token, "team_id": verceltest.TeamID}, Want: providers.StatusOK, WantAccount: "team patchbay"},
		{Name: "wrong team", Values: providers.Values{"token": verceltest.Token, "team_id": "team_other"}, Want: providers.StatusWrongTarget, WantField: "team_id"},
		{Name: "bad team format", Values: providers.Values{"token": verceltest.Token, "team_id": "patchbay"}, Want: providers.StatusMalformed, WantField: "team_id"},
		{Name: "expired token answers 403 invalidToken", Values: providers.Values{"token": "expiredToken0123456789abcdef"}, Want: providers.StatusInvalid, WantSummary: "expired"},
		{Name: "expiring soon", Values: providers.Values{"token": "soonToken0123456789abcdefgh"}, Want: providers.StatusOK, WantSummary: "expires on"},
	}
	cases = append(cases, providertest.StandardFaults(valid, providers.StatusInvalid)...)
	providertest.RunChecks(t, vercel.Provider().Credentials, fixture, cases)
}

// TestScopeExactlyWhatIsNeeded: a token whose scope is exactly what
// Patchbay's calls reach (the personal account without a Team ID, the team
// with one) has no excess verdict, and a full-account token used for a
// team has exactly the full-account one.
func TestScopeExactlyWhatIsNeeded(t *testing.T) {
	t.Parallel()
	s := verceltest.New(t)
	s.AddToken(teamToken, verceltest.TokenInfo{Teams: []string{verceltest.TeamID}, TeamsOnly: true})
	s.AddToken(personalToken, verceltest.TokenInfo{})
	s.AddToken(fullToken, verceltest.TokenInfo{Teams: []string{verceltest.TeamID}, FullAccount: true})
	for _, c := range []struct {
		vals   providers.Values
		excess []string
	}{
		{providers.Values{"token": personalToken}, nil},
		{providers.Values{"token": teamToken, "team_id": verceltest.TeamID}, nil},
		{providers.Values{"token": fullToken, "team_id": verceltest.TeamID}, []string{"scope: full account"}},
		{providers.Values{"token": verceltest.Token}, []string{"scope: team " + verceltest.TeamID}},
	} {
		got := vercel.Provider().Credentials.Check(t.Context(), c.vals, s.Env(0, "VERCEL"))
		if got.Status != providers.StatusOK {
			t.Fatalf("%v: status %v (%s)", c.vals["token"][:8], got.Status, got.Summary)
		}
		if e := providers.Excess(got.Permissions); !slices.Equal(e, c.excess) {
			t.Errorf("%s: excess = %v, want %v", c.vals["token"][:8], e, c.excess)
		}
		if c.excess == nil && got.Fix != "" {
			t.Errorf("%s: fix %q for a token scoped to what is needed", c.vals["token"][:8], got.Fix)
		}
	}
}
