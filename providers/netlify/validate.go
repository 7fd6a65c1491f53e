package netlify

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/patchbay-dev/patchbay/providers"
)

// Default endpoints; PATCHBAY_ENDPOINT_NETLIFY overrides the API (and the
// token exchange), PATCHBAY_ENDPOINT_NETLIFY_APP the browser authorize page.
const (
	DefaultBaseURL = "https://api.netlify.com"
	DefaultAppURL  = "https://app.netlify.com"
)

func validate(ctx context.Context, v providers.Values, env *providers.Env) providers.CheckResult {
	c := providers.Caller{Env: env, Name: "Netlify", StatusPage: "https://www.netlifystatus.com"}
	req, bad := c.NewRequest(ctx, http.MethodGet, env.BaseURL("NETLIFY", DefaultBaseURL)+"/api/v1/user", nil)
	if bad != nil {
		return *bad
	}
	req.Header.Set("Authorization", "Bearer "+v["access_token"])
	resp, bad := c.Do(req)
	if bad != nil {
		return *bad
	}
	switch resp.Status {
	case http.StatusOK:
		var u struct {
			Email    string `json:"email"`
			FullName string `json:"full_name"`
		}
		_ = json.Unmarshal(resp.Body, &u)
		return providers.CheckResult{Status: providers.StatusOK, Account: u.Email,
			Summary: "The Netlify connection works for " + u.Email + "."}
	case http.StatusUnauthorized:
		return providers.CheckResult{Status: providers.StatusExpired, Field: "access_token",
			Summary: "Netlify no longer accepts the token: the authorization was revoked or the OAuth application removed.",
			Fix:     "Click \"Connect with Netlify\" again to authorize Patchbay."}
	case http.StatusForbidden:
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "access_token",
			Summary: "Netlify refused the request for this token.",
			Fix:     "Reconnect with a Netlify user that is a member of the team owning your sites."}
	}
	return c.Unexpected(resp.Status)
}
