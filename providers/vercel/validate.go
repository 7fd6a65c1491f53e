package vercel

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
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

	// The token's metadata carries its expiry and its access scopes. Vercel
	// may refuse it to team-scoped tokens; then the scope is unverifiable.
	path := "/v5/user/tokens/current"
	if team != "" {
		path += "?teamId=" + url.QueryEscape(team)
	}
	result := providers.CheckResult{Status: providers.StatusOK, Account: who, Summary: "The token works for Vercel user " + who + "."}
	var meta *tokenMeta
	if resp, bad := get(path); bad == nil && resp.Status == http.StatusOK {
		var t struct {
			Token tokenMeta `json:"token"`
		}
		if json.Unmarshal(resp.Body, &t) == nil {
			meta = &t.Token
		}
	}
	result.Permissions = scopeVerdicts(meta, team)
	if missing := providers.Missing(result.Permissions); len(missing) > 0 {
		result.Status = providers.StatusInsufficientPermissions
		result.Field = "token"
		result.MissingPermissions = missing
		result.Summary = "The token works for Vercel user " + who + " but its scope does not include the personal account, which Patchbay uses when no Team ID is given."
		result.Fix = "Fill in the Team ID of the team the token is scoped to, or create a token whose scope is your personal account (Account Settings → Tokens)."
		if teams := meta.teams(); len(teams) > 0 {
			result.Fix = "The token is scoped to " + strings.Join(teams, ", ") + ": fill in that Team ID, or create a token whose scope is your personal account (Account Settings → Tokens)."
		}
		return result
	}
	if excess := providers.Excess(result.Permissions); len(excess) > 0 {
		result.Summary += " Its scope also reaches " + strings.Join(excess, ", ") + ", which Patchbay does not use."
		result.Fix = "Patchbay needs only " + needName(team) + ": a token scoped to exactly that leaks less if it is stolen."
	}
	if meta != nil && meta.ExpiresAt > 0 {
		exp := time.UnixMilli(meta.ExpiresAt)
		if left := time.Until(exp); left < 7*24*time.Hour {
			result.Summary += fmt.Sprintf(" It expires on %s.", exp.UTC().Format("2006-01-02"))
			result.Fix = "Create a new token before it expires and save it here."
		}
	}
	return result
}

// tokenMeta is the part of Vercel's AuthToken Patchbay reads (Get Auth
// Token Metadata, https://vercel.com/docs/rest-api/authentication/get-auth-token-metadata):
// scopes is a list of {"type":"user"} (the personal account, the "Full
// Account" scope of the Tokens page) and {"type":"team","teamId":…}
// entries. Scopes say which accounts the token reaches, not what it may do
// there: that is its owner's role, which the token metadata does not show.
type tokenMeta struct {
	ExpiresAt int64        `json:"expiresAt"`
	Scopes    []tokenScope `json:"scopes"`
}

type tokenScope struct {
	Type   string `json:"type"`
	TeamID string `json:"teamId"`
}

func (m *tokenMeta) teams() []string {
	var out []string
	if m == nil {
		return nil
	}
	for _, sc := range m.Scopes {
		if sc.Type == "team" {
			out = append(out, sc.TeamID)
		}
	}
	return out
}

func (m *tokenMeta) user() bool {
	return m != nil && slices.ContainsFunc(m.Scopes, func(sc tokenScope) bool { return sc.Type == "user" })
}

// needName is the scope Patchbay's calls need: the team it reads when a
// Team ID is given, else the personal account.
func needName(team string) string {
	if team != "" {
		return "scope: team " + team
	}
	return "scope: personal account"
}

// scopeVerdicts compares the token's access scopes with what Patchbay's
// calls need. Patchbay reads the user, the team (when a Team ID is given)
// and the token (GET /v2/user, /v2/teams/{id}, /v5/user/tokens/current);
// any member's token may, so what the calls need is the token's reach: the
// team, or the personal account. The reads themselves succeeded before
// this is called.
func scopeVerdicts(m *tokenMeta, team string) []providers.PermissionCheck {
	need := needName(team)
	if m == nil || len(m.Scopes) == 0 {
		return []providers.PermissionCheck{{Name: need, Verdict: providers.VerdictUnverifiable,
			Detail: "Vercel did not show the token's scopes (GET /v5/user/tokens/current); the token's Scope column in Account Settings → Tokens (https://vercel.com/account/tokens) shows it"}}
	}
	teams, user := m.teams(), m.user()
	var out []providers.PermissionCheck
	switch {
	case team != "" && slices.Contains(teams, team):
		out = append(out, providers.PermissionCheck{Name: need, Verdict: providers.VerdictVerified, Detail: "in the token's scopes"})
	case team != "" && user:
		// The Full Account scope reaches every team its owner belongs to;
		// GET /v2/teams/{id} answered.
		out = append(out, providers.PermissionCheck{Name: need, Verdict: providers.VerdictVerified,
			Detail: "through the token's full-account scope (GET /v2/teams/" + team + " answered)"})
		out = append(out, providers.PermissionCheck{Name: "scope: full account", Verdict: providers.VerdictExcess,
			Detail: "the token reaches the personal account and every team of its owner; Patchbay reads only team " + team})
	case team != "":
		out = append(out, providers.PermissionCheck{Name: need, Verdict: providers.VerdictMissing, Detail: "not in the token's scopes"})
	case user:
		out = append(out, providers.PermissionCheck{Name: need, Verdict: providers.VerdictVerified, Detail: "in the token's scopes"})
	default:
		out = append(out, providers.PermissionCheck{Name: need, Verdict: providers.VerdictMissing,
			Detail: "the token's scopes are teams only (" + strings.Join(teams, ", ") + ")"})
	}
	if team != "" && user && slices.Contains(teams, team) {
		out = append(out, providers.PermissionCheck{Name: "scope: personal account", Verdict: providers.VerdictExcess,
			Detail: "in the token's scopes; Patchbay reads only team " + team})
	}
	for _, t := range teams {
		if t != team && (team != "" || user) {
			out = append(out, providers.PermissionCheck{Name: "scope: team " + t, Verdict: providers.VerdictExcess,
				Detail: "in the token's scopes; Patchbay does not use this team"})
		}
	}
	return out
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
