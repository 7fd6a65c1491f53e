package auth0

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

// BaseURL is where the tenant's endpoints live: https://<domain>, or
// PATCHBAY_ENDPOINT_AUTH0 in tests. The audience always names the real
// domain, as Auth0 requires.
func BaseURL(env *providers.Env, domain string) string {
	return env.BaseURL("AUTH0", "https://"+domain)
}

type tokenError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

type mgmtError struct {
	StatusCode int    `json:"statusCode"`
	Message    string `json:"message"`
	ErrorCode  string `json:"errorCode"`
}

func validate(ctx context.Context, v providers.Values, env *providers.Env) providers.CheckResult {
	c := providers.Caller{Env: env, Name: "Auth0", StatusPage: "https://status.auth0.com"}
	domain := v["domain"]
	base := BaseURL(env, domain)

	body, _ := json.Marshal(map[string]string{
		"grant_type":    "client_credentials",
		"client_id":     v["client_id"],
		"client_secret": v["client_secret"],
		"audience":      "https://" + domain + "/api/v2/",
	})
	req, bad := c.NewRequest(ctx, http.MethodPost, base+"/oauth/token", strings.NewReader(string(body)))
	if bad != nil {
		return *bad
	}
	req.Header.Set("Content-Type", "application/json")
	resp, bad := c.Do(req)
	if bad != nil {
		if bad.Status == providers.StatusNetwork && strings.Contains(bad.Summary, "resolved") {
			bad.Status = providers.StatusWrongTarget
			bad.Field = "domain"
			bad.Fix = "Check the tenant domain in the application's Settings; no such tenant host exists."
		}
		return *bad
	}
	if resp.Status != http.StatusOK {
		return tokenFailure(c, resp)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		Scope       string `json:"scope"`
	}
	_ = json.Unmarshal(resp.Body, &tok)
	granted := strings.Fields(tok.Scope)
	if claims, ok := jwtClaims(tok.AccessToken); ok && claims.Scope != "" {
		granted = strings.Fields(claims.Scope)
	}

	req, bad = c.NewRequest(ctx, http.MethodGet, base+"/api/v2/clients?fields=client_id,name&include_fields=true&per_page=1", nil)
	if bad != nil {
		return *bad
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, bad = c.Do(req)
	if bad != nil {
		return *bad
	}
	var me mgmtError
	_ = json.Unmarshal(resp.Body, &me)
	readRefused := false
	switch resp.Status {
	case http.StatusOK:
	case http.StatusUnauthorized:
		if strings.Contains(strings.ToLower(me.Message), "expired") {
			return providers.CheckResult{Status: providers.StatusExpired,
				Summary: "Auth0 issued a token that was already expired when used; the machine's clock may be wrong.",
				Fix:     "Check the system clock, then check again."}
		}
		return providers.CheckResult{Status: providers.StatusInvalid,
			Summary: "The Management API rejected the token Auth0 issued (" + me.Message + ").",
			Fix:     "Check that the domain is the tenant's canonical domain, not a custom domain."}
	case http.StatusForbidden:
		readRefused = true
	default:
		return c.Unexpected(resp.Status)
	}

	// The token's scope claim is the client grant's scopes: what Auth0
	// itself says the credentials may do, read without a side effect.
	perms := providers.CompareGrants(RequiredScopes, granted, "in the Management API token's scope claim")
	if readRefused {
		for i := range perms {
			if perms[i].Name == "read:clients" {
				perms[i] = providers.PermissionCheck{Name: "read:clients", Verdict: providers.VerdictMissing,
					Detail: "GET /api/v2/clients was refused (403)"}
			}
		}
	} else {
		for i := range perms {
			if perms[i].Name == "read:clients" && perms[i].Verdict == providers.VerdictVerified {
				perms[i].Detail += "; GET /api/v2/clients answered 200"
			}
		}
	}
	missing := providers.Missing(perms)
	excess := providers.Excess(perms)
	who := fmt.Sprintf("tenant %s, client %s", domain, v["client_id"])
	if len(missing) > 0 {
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Account: who, MissingPermissions: missing, Permissions: perms,
			Summary: "The credentials work but the client grant lacks " + strings.Join(missing, ", ") + ".",
			Fix:     "In Applications → APIs → Auth0 Management API → Machine to Machine Applications, expand Patchbay's application and tick the missing scopes."}
	}
	r := providers.CheckResult{Status: providers.StatusOK, Account: who, Permissions: perms,
		Summary: "The credentials work for " + who + " with every Management API scope Patchbay needs."}
	if len(excess) > 0 {
		r.Summary = "The credentials work for " + who + "; the client grant has more than Patchbay needs (" + strings.Join(excess, ", ") + ")."
		r.Fix = "In Applications → APIs → Auth0 Management API → Machine to Machine Applications, expand Patchbay's application and untick " + strings.Join(excess, ", ") + "."
	}
	return r
}

func tokenFailure(c providers.Caller, resp *providers.Response) providers.CheckResult {
	var e tokenError
	_ = json.Unmarshal(resp.Body, &e)
	desc := e.Description
	switch {
	case strings.Contains(desc, "Global limit") || strings.Contains(desc, "rate limit"):
		return c.RateLimited(resp.Header)
	case resp.Status == http.StatusUnauthorized:
		return providers.CheckResult{Status: providers.StatusInvalid, Field: "client_secret",
			Summary: "Auth0 rejected the client ID or secret for this tenant.",
			Fix:     "Copy the Client ID and Client Secret again from the application's Settings; if the secret was rotated, use the new one."}
	case resp.Status == http.StatusForbidden && strings.HasPrefix(desc, "Service not found"):
		return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "domain",
			Summary: "Auth0 does not know the Management API audience for this domain; it is probably a custom domain.",
			Fix:     "Use the tenant's canonical domain (tenant.auth0.com or tenant.<region>.auth0.com)."}
	case resp.Status == http.StatusForbidden && e.Error == "unauthorized_client":
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "client_id",
			Summary: "This application may not use the client-credentials grant.",
			Fix:     "Use a Machine to Machine application, or enable Client Credentials under the application's Advanced Settings → Grant Types."}
	case resp.Status == http.StatusForbidden:
		var perms []providers.PermissionCheck
		for _, s := range RequiredScopes {
			perms = append(perms, providers.PermissionCheck{Name: s, Verdict: providers.VerdictMissing,
				Detail: "the application has no client grant for the Management API"})
		}
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "client_id", MissingPermissions: RequiredScopes, Permissions: perms,
			Summary: "The application is not authorized for the Auth0 Management API (no client grant).",
			Fix:     "In Applications → APIs → Auth0 Management API → Machine to Machine Applications, authorize Patchbay's application with the scopes listed."}
	case resp.Status == http.StatusBadRequest || resp.Status == http.StatusNotFound:
		return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "domain",
			Summary: fmt.Sprintf("The tenant answered HTTP %d to the token request (%s).", resp.Status, e.Error),
			Fix:     "Check the tenant domain."}
	}
	return c.Unexpected(resp.Status)
}

type claims struct {
	Scope string `json:"scope"`
}

// jwtClaims decodes the payload without verifying it: it is used for
// diagnosis only, never for a trust decision.
func jwtClaims(tok string) (claims, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return claims{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return claims{}, false
	}
	var c claims
	if json.Unmarshal(raw, &c) != nil {
		return claims{}, false
	}
	return c, true
}
