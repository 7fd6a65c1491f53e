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
)

func TestValidate(t *testing.T) {
	t.Parallel()
	fixture := func(t *testing.T) (*providertest.Server, *providers.Env) {
		s := githubtest.New(t)
		s.AddToken(classic, githubtest.TokenInfo{Login: "octodev"})
		s.AddToken(noHooks, githubtest.TokenInfo{Login: "octodev", Repos: []string{githubtest.Repo}, Perms: []string{"secrets:write"}})
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
		{Name: "ok", Values: valid, Want: providers.StatusOK, WantAccount: "octodev"},
		{Name: "ok with repo", Values: providers.Values{"token": githubtest.Token, "repository": githubtest.Repo}, Want: providers.StatusOK, WantSummary: "secrets and webhooks"},
		{Name: "repo not selected", Values: providers.Values{"token": githubtest.Token, "repository": "acme/other"}, Want: providers.StatusWrongTarget, WantField: "repository"},
		{Name: "missing webhooks permission", Values: providers.Values{"token": noHooks, "repository": githubtest.Repo}, Want: providers.StatusInsufficientPermissions, WantMissing: []string{"webhooks:write"}},
		{Name: "classic token works with a note", Values: providers.Values{"token": classic}, Want: providers.StatusOK},
		{Name: "bad credentials", Values: providers.Values{"token": "github_pat_11FAKE2222222222222222_unknown"}, Want: providers.StatusInvalid},
		{Name: "classic rate limit as 403", Values: providers.Values{"token": githubtest.Token, "repository": "limited/app"}, Want: providers.StatusRateLimited, WantRetryAfter: 30 * time.Second},
	}
	cases = append(cases, providertest.StandardFaults(valid, providers.StatusInvalid)...)
	providertest.RunChecks(t, github.Provider().Credentials, fixture, cases)
}
