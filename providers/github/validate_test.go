package github_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/github"
	"github.com/patchbay-dev/patchbay/providers/github/githubtest"
	"github.com/patchbay-dev/patchbay/providers/providertest"
)

const (
	noHooks = "github_pat_11FAKE1111111111111111_nohooksnohooks"
	classic = "ghp_classicFakeToken000000000000000000"
	broad   = "ghp_broadFakeToken00000000000000000000"
	readers = "github_pat_11FAKE4444444444444444_readonlyreadonly"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	fixture := func(t *testing.T) (*providertest.Server, *providers.Env) {
		s := githubtest.New(t)
		s.AddToken(classic, githubtest.TokenInfo{Login: "octodev", Scopes: []string{"repo"}, Repos: []string{githubtest.Repo}})
		s.AddToken(broad, githubtest.TokenInfo{Login: "octodev", Scopes: []string{"repo", "delete_repo", "admin:org"}, Repos: []string{githubtest.Repo}})
		s.AddToken(noHooks, githubtest.TokenInfo{Login: "octodev", Repos: []string{githubtest.Repo}, Perms: []string{"secrets:write", "issues:write"}})
		s.AddToken(readers, githubtest.TokenInfo{Login: "octodev", Repos: []string{githubtest.Repo}, Perms: []string{"webhooks:read", "issues:read"}})
		// The primary rate limit comes as a 403 with remaining 0.
		s.Handle("GET /repos/limited/app", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", "30")
			githubtest.WriteError(w, 403, "API rate limit exceeded for user ID 1.")
		})
		return s.Server, s.Env(0, "GITHUB")
	}
	valid := providers.Values{"token": githubtest.Token}
	cases := []providertest.Case{
		{Name: "ok", Values: valid, Want: providers.StatusOK, WantAccount: "octodev",
			WantVerdicts: map[string]providers.Verdict{"webhooks:write": providers.VerdictUnverifiable}},
		// Reads prove Read: Write is unverifiable whether the token has it
		// or not (it was reported as granted).
		{Name: "ok with repo", Values: providers.Values{"token": githubtest.Token, "repository": githubtest.Repo}, Want: providers.StatusOK, WantSummary: "cannot be checked without a write",
			WantVerdicts: map[string]providers.Verdict{"metadata:read": providers.VerdictVerified, "webhooks:write": providers.VerdictUnverifiable, "issues:write": providers.VerdictUnverifiable}},
		{Name: "read-only token", Values: providers.Values{"token": readers, "repository": githubtest.Repo}, Want: providers.StatusOK,
			WantVerdicts: map[string]providers.Verdict{"webhooks:write": providers.VerdictUnverifiable, "issues:write": providers.VerdictUnverifiable}},
		{Name: "repo not selected", Values: providers.Values{"token": githubtest.Token, "repository": "acme/other"}, Want: providers.StatusWrongTarget, WantField: "repository"},
		{Name: "missing webhooks permission", Values: providers.Values{"token": noHooks, "repository": githubtest.Repo}, Want: providers.StatusInsufficientPermissions, WantMissing: []string{"webhooks:write"},
			WantVerdicts: map[string]providers.Verdict{"webhooks:write": providers.VerdictMissing, "issues:write": providers.VerdictUnverifiable}},
		{Name: "classic token works with a note", Values: providers.Values{"token": classic}, Want: providers.StatusOK,
			WantVerdicts: map[string]providers.Verdict{"webhooks:write": providers.VerdictVerified, "issues:write": providers.VerdictVerified}},
		{Name: "classic token with excess scopes", Values: providers.Values{"token": broad, "repository": githubtest.Repo}, Want: providers.StatusOK,
			WantVerdicts: map[string]providers.Verdict{"webhooks:write": providers.VerdictVerified, "delete_repo": providers.VerdictExcess, "admin:org": providers.VerdictExcess}},
		{Name: "bad credentials", Values: providers.Values{"token": "github_pat_11FAKE2222222222222222_unknown"}, Want: providers.StatusInvalid},
		{Name: "classic rate limit as 403", Values: providers.Values{"token": githubtest.Token, "repository": "limited/app"}, Want: providers.StatusRateLimited, WantRetryAfter: 30 * time.Second},
	}
	cases = append(cases, providertest.StandardFaults(valid, providers.StatusInvalid)...)
	providertest.RunChecks(t, github.Provider().Credentials, fixture, cases)
}
