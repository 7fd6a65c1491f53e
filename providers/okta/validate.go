package okta

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

// validate proves two things with two cheap reads: the token is valid and
// whose it is (GET /api/v1/users/me), and its owner may manage apps (GET
// /api/v1/apps?limit=1). Okta's error object names the cause: 401 E0000011
// "Invalid token provided" for a token that is wrong, revoked, expired
// (30 days unused) or from another org, and 403 E0000006 "You do not have
// permission to perform the requested action" for an owner without an
// admin role that covers apps.
// https://developer.okta.com/docs/reference/error-codes/
// https://developer.okta.com/docs/guides/create-an-api-token/main/#token-expiration-and-deactivation
func validate(ctx context.Context, v providers.Values, env *providers.Env) providers.CheckResult {
	c := providers.Caller{Env: env, Name: "Okta", StatusPage: "https://status.okta.com"}
	base := env.BaseURL("OKTA", v["org_url"])
	get := func(path string) (*providers.Response, *providers.CheckResult) {
		req, bad := c.NewRequest(ctx, http.MethodGet, base+path, nil)
		if bad != nil {
			return nil, bad
		}
		req.Header.Set("Authorization", "SSWS "+v["api_token"])
		req.Header.Set("Accept", "application/json")
		return c.Do(req)
	}
	resp, bad := get("/api/v1/users/me")
	if bad != nil {
		if bad.Status == providers.StatusNetwork && strings.Contains(bad.Summary, "resolved") {
			bad.Status, bad.Field = providers.StatusWrongTarget, "org_url"
			bad.Fix = "Check the org URL (Admin Console, top-right menu); no such Okta org host exists."
		}
		return *bad
	}
	var e errorBody
	_ = json.Unmarshal(resp.Body, &e)
	switch resp.Status {
	case http.StatusOK:
	case http.StatusUnauthorized:
		return providers.CheckResult{Status: providers.StatusInvalid, Field: "api_token",
			Summary: "Okta does not accept this API token (" + e.ErrorSummary + "); it may have been revoked, expired after 30 days unused, or belong to another org.",
			Fix:     "Create a new token under Security → API → Tokens in this org and paste it here."}
	case http.StatusForbidden:
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "api_token", MissingPermissions: RequiredRole,
			Summary: "Okta accepts the token but refuses to answer for its owner (" + e.ErrorSummary + ").",
			Fix:     "Create the token while signed in as an administrator with the Application Administrator role (Security → Administrators)."}
	case http.StatusNotFound:
		return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "org_url",
			Summary: "The org URL does not serve Okta's API (HTTP 404).",
			Fix:     "Use the org URL, such as https://dev-123456.okta.com, not a custom sign-in page."}
	default:
		return c.Unexpected(resp.Status)
	}
	var me struct {
		Profile struct {
			Login string `json:"login"`
		} `json:"profile"`
	}
	_ = json.Unmarshal(resp.Body, &me)
	who := strings.TrimPrefix(v["org_url"], "https://") + " as " + me.Profile.Login

	resp, bad = get("/api/v1/apps?limit=1")
	if bad != nil {
		return *bad
	}
	switch resp.Status {
	case http.StatusOK:
	case http.StatusForbidden:
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Account: who, MissingPermissions: RequiredRole,
			Permissions: []providers.PermissionCheck{{Name: RequiredRole[0], Verdict: providers.VerdictMissing,
				Detail: "GET /api/v1/apps was refused (403): the owner cannot even read applications"}},
			Summary: "The token works but its owner may not manage applications.",
			Fix:     "Give the token's owner the Application Administrator role (Security → Administrators), or create the token as such an admin."}
	default:
		return c.Unexpected(resp.Status)
	}
	// A read proves reading only: a Read-only Administrator lists apps too,
	// and only a write shows that the owner may create, change and delete
	// them, which the check does not make.
	return providers.CheckResult{Status: providers.StatusOK, Account: who,
		Permissions: []providers.PermissionCheck{{Name: RequiredRole[0], Verdict: providers.VerdictUnverifiable,
			Detail: "GET /api/v1/apps answered 200, so the owner can read applications; only a write would show they may change them. " +
				"Verify it in the Admin Console: Security → Administrators → the token's owner must have Application Administrator (or Super Administrator)"}},
		Summary: "The token works for " + who + " and can read the org's applications; whether its owner may create, change and delete them cannot be checked without a write.",
		Fix:     "Check in Security → Administrators that the token's owner has the Application Administrator role."}
}
