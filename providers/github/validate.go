package github

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
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

	// A classic token's answers list its scopes in X-OAuth-Scopes
	// (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps):
	// what GitHub says it may do, read without a side effect.
	scopes, classic := resp.Header["X-Oauth-Scopes"]
	if classic {
		var granted []string
		for _, s := range strings.Split(strings.Join(scopes, ","), ",") {
			if s = strings.TrimSpace(s); s != "" {
				granted = append(granted, s)
			}
		}
		result.Permissions = classicChecks(granted)
		result.Fix = "This is a classic token with account-wide scopes; a fine-grained token limited to the repositories Patchbay manages is safer."
	}
	repo := v["repository"]
	if repo == "" {
		if !classic {
			for _, p := range RequiredPermissions {
				result.Permissions = append(result.Permissions, providers.PermissionCheck{Name: p, Verdict: providers.VerdictUnverifiable,
					Detail: "fine-grained permissions are per repository: add a repository to the form so Patchbay can probe it, or see the token under Settings → Developer settings → Fine-grained tokens"})
			}
		}
		result.Summary += " Add a repository to check the token's permissions on it."
		return withMissing(result, u.Login)
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
	if classic {
		result.Summary = fmt.Sprintf("The token works for %s and can see %s.", u.Login, repo)
		return withMissing(result, u.Login)
	}
	result.Permissions = append(result.Permissions, providers.PermissionCheck{Name: "metadata:read", Verdict: providers.VerdictVerified,
		Detail: "GET /repos/" + repo + " answered 200"})
	// A fine-grained token's permissions cannot be listed, and a read
	// proves Read only: GET answers 200 with Read, and only a write shows
	// Write. X-Accepted-GitHub-Permissions names what the endpoint needs.
	for _, p := range []struct{ path, perm, label string }{
		{"/hooks?per_page=1", "webhooks:write", "Webhooks"},
		{"/issues?per_page=1", "issues:write", "Issues"},
	} {
		resp, bad := get("/repos/" + repo + p.path)
		if bad != nil {
			return *bad
		}
		path, _, _ := strings.Cut(p.path, "?")
		switch resp.Status {
		case http.StatusOK:
			result.Permissions = append(result.Permissions, providers.PermissionCheck{Name: p.perm, Verdict: providers.VerdictUnverifiable,
				Detail: fmt.Sprintf("GET /repos/%s%s answered 200, so %s is at least Read; only a write would show Write. "+
					"Verify it under Settings → Developer settings → Fine-grained tokens → the token: %s must be \"Read and write\"", repo, path, p.label, p.label)})
		case http.StatusForbidden, http.StatusNotFound:
			if r := rateLimited(c, resp); r != nil {
				return *r
			}
			detail := fmt.Sprintf("GET /repos/%s%s was refused (%d): the token cannot even read %s", repo, path, resp.Status, p.label)
			if need := resp.Header.Get("X-Accepted-GitHub-Permissions"); need != "" {
				detail += " (GitHub says it needs " + need + ")"
			}
			result.Permissions = append(result.Permissions, providers.PermissionCheck{Name: p.perm, Verdict: providers.VerdictMissing, Detail: detail})
		default:
			return failure(c, resp, "")
		}
	}
	if missing := providers.Missing(result.Permissions); len(missing) > 0 {
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "token", Account: u.Login,
			MissingPermissions: missing, Permissions: result.Permissions,
			Summary: fmt.Sprintf("The token can see %s but lacks %s.", repo, strings.Join(missing, " and ")),
			Fix:     "Edit the token's Repository permissions: set Issues and Webhooks to \"Read and write\"."}
	}
	result.Summary = fmt.Sprintf("The token works for %s and can read the webhooks and issues of %s; whether it may write them cannot be checked without a write.", u.Login, repo)
	return result
}

// classicChecks compares a classic token's scopes with the permissions:
// each is verified when a scope covering it is granted, and every other
// scope is excess.
func classicChecks(granted []string) []providers.PermissionCheck {
	var out []providers.PermissionCheck
	covering := map[string]bool{}
	for _, p := range RequiredPermissions {
		var has string
		for _, s := range classicScopes[p] {
			covering[s] = true
			if has == "" && slices.Contains(granted, s) {
				has = s
			}
		}
		if has != "" {
			out = append(out, providers.PermissionCheck{Name: p, Verdict: providers.VerdictVerified, Detail: "classic scope " + has + " is granted (X-OAuth-Scopes)"})
		} else {
			out = append(out, providers.PermissionCheck{Name: p, Verdict: providers.VerdictMissing,
				Detail: "no classic scope covering it (" + strings.Join(classicScopes[p], " or ") + ") is granted (X-OAuth-Scopes)"})
		}
	}
	for _, s := range granted {
		if !covering[s] {
			out = append(out, providers.PermissionCheck{Name: s, Verdict: providers.VerdictExcess, Detail: "classic scope granted (X-OAuth-Scopes) that no call Patchbay makes needs"})
		}
	}
	return out
}

// withMissing turns an ok result whose verdicts say missing into
// insufficient_permissions.
func withMissing(r providers.CheckResult, login string) providers.CheckResult {
	missing := providers.Missing(r.Permissions)
	if len(missing) == 0 {
		return r
	}
	return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "token", Account: login,
		MissingPermissions: missing, Permissions: r.Permissions,
		Summary: "The classic token lacks the scopes for " + strings.Join(missing, ", ") + ".",
		Fix:     "Create a fine-grained token with Issues and Webhooks set to \"Read and write\" on the repositories Patchbay manages."}
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
