package github

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/patchbay-dev/patchbay/providers"
)

// DefaultBaseURL is GitHub's REST API; PATCHBAY_ENDPOINT_GITHUB overrides it.
const DefaultBaseURL = "https://api.github.com"

type apiError struct {
	Message string `json:"message"`
}

func validate(ctx context.Context, v providers.Values, env *providers.Env) providers.CheckResult {
	c := providers.Caller{Env: env, Name: "GitHub", StatusPage: "https://www.githubstatus.com"}
	base := env.BaseURL("GITHUB", DefaultBaseURL)
	get := func(path string) (*providers.Response, *providers.CheckResult) {
		req, bad := c.NewRequest(ctx, http.MethodGet, base+path, nil)
		if bad != nil {
			return nil, bad
		}
		req.Header.Set("Authorization", "Bearer "+v["token"])
		req.Header.Set("Accept", "application/vnd.github+json")
		req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
		return c.Do(req)
	}

	resp, bad := get("/user")
	if bad != nil {
		return *bad
	}
	if resp.Status != http.StatusOK {
		return failure(c, resp, "")
	}
	var u struct {
		Login string `json:"login"`
	}
	_ = json.Unmarshal(resp.Body, &u)
	result := providers.CheckResult{Status: providers.StatusOK, Account: u.Login,
		Summary: "The token works for GitHub user " + u.Login + "."}
	if exp := resp.Header.Get("GitHub-Authentication-Token-Expiration"); exp != "" {
		if t, err := time.Parse("2006-01-02 15:04:05 MST", exp); err == nil && time.Until(t) < 7*24*time.Hour {
			result.Summary += fmt.Sprintf(" It expires on %s.", t.UTC().Format("2006-01-02"))
			result.Fix = "Regenerate the token before it expires and save it here."
		}
	}

	if strings.HasPrefix(v["token"], "ghp_") {
		// Classic tokens work but carry account-wide scopes.
		result.Fix = "This is a classic token with account-wide scopes; a fine-grained token limited to the repositories Patchbay manages is safer."
	}
	repo := v["repository"]
	if repo == "" {
		result.Summary += " Add a repository to check the token's permissions on it."
		return result
	}
	resp, bad = get("/repos/" + repo)
	if bad != nil {
		return *bad
	}
	if resp.Status == http.StatusNotFound {
		// GitHub hides repositories the token cannot see behind a 404.
		return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "repository", Account: u.Login,
			Summary: fmt.Sprintf("The token cannot see %s: it does not exist or is not among the token's selected repositories.", repo),
			Fix:     "Edit the token's Repository access to include this repository, or fix the owner/name."}
	}
	if resp.Status != http.StatusOK {
		return failure(c, resp, "repository")
	}
	var missing []string
	for _, p := range []struct{ path, perm string }{
		{"/actions/secrets/public-key", "secrets:write"},
		{"/hooks", "webhooks:write"},
	} {
		resp, bad := get("/repos/" + repo + p.path)
		if bad != nil {
			return *bad
		}
		switch resp.Status {
		case http.StatusOK:
		case http.StatusForbidden, http.StatusNotFound:
			if r := rateLimited(c, resp); r != nil {
				return *r
			}
			missing = append(missing, p.perm)
		default:
			return failure(c, resp, "")
		}
	}
	if len(missing) > 0 {
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "token", Account: u.Login,
			MissingPermissions: missing,
			Summary:            fmt.Sprintf("The token can see %s but lacks %s.", repo, strings.Join(missing, " and ")),
			Fix:                "Edit the token's Repository permissions: set Secrets and Webhooks to \"Read and write\"."}
	}
	result.Summary = fmt.Sprintf("The token works for %s and can manage secrets and webhooks of %s.", u.Login, repo)
	return result
}

// rateLimited recognises GitHub's rate limits, which come as 403 as often as 429.
func rateLimited(c providers.Caller, resp *providers.Response) *providers.CheckResult {
	var e apiError
	_ = json.Unmarshal(resp.Body, &e)
	if resp.Header.Get("X-RateLimit-Remaining") == "0" || resp.Header.Get("Retry-After") != "" ||
		strings.Contains(strings.ToLower(e.Message), "rate limit") {
		r := c.RateLimited(resp.Header)
		return &r
	}
	return nil
}

func failure(c providers.Caller, resp *providers.Response, field string) providers.CheckResult {
	var e apiError
	_ = json.Unmarshal(resp.Body, &e)
	switch resp.Status {
	case http.StatusUnauthorized:
		// "Bad credentials" covers unknown, expired and revoked tokens.
		return providers.CheckResult{Status: providers.StatusInvalid, Field: "token",
			Summary: "GitHub says the token is invalid, expired or revoked (\"Bad credentials\").",
			Fix:     "Regenerate the token under Settings → Developer settings → Fine-grained tokens and save it here."}
	case http.StatusForbidden:
		if r := rateLimited(c, resp); r != nil {
			return *r
		}
		if strings.Contains(e.Message, "SAML") {
			return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "token",
				Summary: "The organization enforces SAML single sign-on and the token is not authorized for it.",
				Fix:     "Authorize the token for the organization (Configure SSO next to the token in Settings → Developer settings)."}
		}
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "token",
			Summary: "GitHub refused the request: " + e.Message,
			Fix:     "Check the token's permissions (Secrets and Webhooks: Read and write) and whether the organization must approve it."}
	}
	return c.Unexpected(resp.Status)
}
