package vercel

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/patchbay-dev/patchbay/providers"
)

// DefaultBaseURL is Vercel's API; PATCHBAY_ENDPOINT_VERCEL overrides it.
const DefaultBaseURL = "https://api.vercel.com"

type apiError struct {
	Error struct {
		Code         string `json:"code"`
		Message      string `json:"message"`
		InvalidToken bool   `json:"invalidToken"`
		MissingToken bool   `json:"missingToken"`
	} `json:"error"`
}

func validate(ctx context.Context, v providers.Values, env *providers.Env) providers.CheckResult {
	c := providers.Caller{Env: env, Name: "Vercel", StatusPage: "https://www.vercel-status.com"}
	base := env.BaseURL("VERCEL", DefaultBaseURL)
	get := func(path string) (*providers.Response, *providers.CheckResult) {
		req, bad := c.NewRequest(ctx, http.MethodGet, base+path, nil)
		if bad != nil {
			return nil, bad
		}
		req.Header.Set("Authorization", "Bearer "+v["token"])
		return c.Do(req)
	}

	resp, bad := get("/v2/user")
	if bad != nil {
		return *bad
	}
	if resp.Status != http.StatusOK {
		return failure(c, resp, "")
	}
	var u struct {
		User struct {
			Username string `json:"username"`
			Email    string `json:"email"`
		} `json:"user"`
	}
	_ = json.Unmarshal(resp.Body, &u)
	who := u.User.Username
	if who == "" {
		who = u.User.Email
	}

	team := v["team_id"]
	if team != "" {
		resp, bad := get("/v2/teams/" + url.PathEscape(team))
		if bad != nil {
			return *bad
		}
		switch resp.Status {
		case http.StatusOK:
			var t struct {
				Slug string `json:"slug"`
			}
			_ = json.Unmarshal(resp.Body, &t)
			who += " in team " + t.Slug
		case http.StatusNotFound, http.StatusForbidden:
			var e apiError
			_ = json.Unmarshal(resp.Body, &e)
			if e.Error.InvalidToken {
				return failure(c, resp, "")
			}
			return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "team_id", Account: who,
				Summary: "The token works but cannot access this team.",
				Fix:     "Check the Team ID in Team Settings → General, or create the token with this team as its scope."}
		default:
			return failure(c, resp, "")
		}
	}

	// Expiry is best effort: team-scoped tokens may be refused here.
	path := "/v5/user/tokens/current"
	if team != "" {
		path += "?teamId=" + url.QueryEscape(team)
	}
	result := providers.CheckResult{Status: providers.StatusOK, Account: who, Summary: "The token works for Vercel user " + who + "."}
	if resp, bad := get(path); bad == nil && resp.Status == http.StatusOK {
		var t struct {
			Token struct {
				ExpiresAt int64 `json:"expiresAt"`
			} `json:"token"`
		}
		_ = json.Unmarshal(resp.Body, &t)
		if t.Token.ExpiresAt > 0 {
			exp := time.UnixMilli(t.Token.ExpiresAt)
			if left := time.Until(exp); left < 7*24*time.Hour {
				result.Summary += fmt.Sprintf(" It expires on %s.", exp.UTC().Format("2006-01-02"))
				result.Fix = "Create a new token before it expires and save it here."
			}
		}
	}
	return result
}

func failure(c providers.Caller, resp *providers.Response, field string) providers.CheckResult {
	var e apiError
	_ = json.Unmarshal(resp.Body, &e)
	switch {
	case resp.Status == http.StatusForbidden && (e.Error.InvalidToken || e.Error.MissingToken), resp.Status == http.StatusUnauthorized:
		// Vercel answers unknown, expired and revoked tokens alike, with 403.
		return providers.CheckResult{Status: providers.StatusInvalid, Field: "token",
			Summary: "Vercel says the token is invalid, expired or revoked.",
			Fix:     "Create a new token under Account Settings → Tokens and save it here."}
	case resp.Status == http.StatusForbidden:
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "token",
			Summary: "The token works but Vercel refused the request: " + e.Error.Message,
			Fix:     "Create the token with the team that owns the projects as its scope, as a member of that team."}
	}
	return c.Unexpected(resp.Status)
}
