package digitalocean

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/patchbay-dev/patchbay/providers"
)

// DefaultBaseURL is DigitalOcean's API; PATCHBAY_ENDPOINT_DIGITALOCEAN overrides it.
const DefaultBaseURL = "https://api.digitalocean.com"

func validate(ctx context.Context, v providers.Values, env *providers.Env) providers.CheckResult {
	c := providers.Caller{Env: env, Name: "DigitalOcean", StatusPage: "https://status.digitalocean.com"}
	req, bad := c.NewRequest(ctx, http.MethodGet, env.BaseURL("DIGITALOCEAN", DefaultBaseURL)+"/v2/account", nil)
	if bad != nil {
		return *bad
	}
	req.Header.Set("Authorization", "Bearer "+v["token"])
	resp, bad := c.Do(req)
	if bad != nil {
		return *bad
	}
	switch resp.Status {
	case http.StatusOK:
		var a struct {
			Account struct {
				Email         string `json:"email"`
				Status        string `json:"status"`
				StatusMessage string `json:"status_message"`
				Team          struct {
					Name string `json:"name"`
				} `json:"team"`
			} `json:"account"`
		}
		_ = json.Unmarshal(resp.Body, &a)
		// DigitalOcean does not list a token's scopes; the one call
		// Patchbay makes answering 200 proves the one it needs.
		perms := []providers.PermissionCheck{{Name: "account:read", Verdict: providers.VerdictVerified, Detail: "GET /v2/account answered 200"}}
		who := a.Account.Email
		if a.Account.Team.Name != "" {
			who += " (team " + a.Account.Team.Name + ")"
		}
		// "warning" is an account that works with a notice on it (a
		// billing reminder, say); only "locked" stops it
		// (https://docs.digitalocean.com/reference/api/digitalocean/#tag/Account).
		if a.Account.Status == "warning" {
			note := ""
			if a.Account.StatusMessage != "" {
				note = " (" + a.Account.StatusMessage + ")"
			}
			return providers.CheckResult{Status: providers.StatusOK, Account: who, Permissions: perms,
				Summary: "The token works for DigitalOcean account " + who + "; DigitalOcean shows a warning on the account" + note + "."}
		}
		if a.Account.Status != "" && a.Account.Status != "active" {
			return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Account: who, Field: "token", Permissions: perms,
				Summary: fmt.Sprintf("The token works but the account is %s.", a.Account.Status),
				Fix:     "Resolve the account's status in the DigitalOcean control panel (billing or verification)."}
		}
		return providers.CheckResult{Status: providers.StatusOK, Account: who, Permissions: perms,
			Summary: "The token works for DigitalOcean account " + who + "."}
	case http.StatusUnauthorized:
		// DigitalOcean answers the same for unknown, expired and revoked tokens.
		return providers.CheckResult{Status: providers.StatusInvalid, Field: "token",
			Summary: "DigitalOcean says the token is invalid, expired or revoked.",
			Fix:     "Generate a new token under API → Tokens and save it here."}
	case http.StatusForbidden:
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "token",
			MissingPermissions: []string{"account:read"},
			Permissions:        []providers.PermissionCheck{{Name: "account:read", Verdict: providers.VerdictMissing, Detail: "GET /v2/account was refused (403)"}},
			Summary:            "The token works but lacks the account:read scope.",
			Fix:                "Regenerate the token with the custom scope account:read."}
	}
	return c.Unexpected(resp.Status)
}
