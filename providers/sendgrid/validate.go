package sendgrid

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

// Base URLs per data-residency region; PATCHBAY_ENDPOINT_SENDGRID and
// PATCHBAY_ENDPOINT_SENDGRID_EU override them.
const (
	DefaultBaseURL = "https://api.sendgrid.com"
	EUBaseURL      = "https://api.eu.sendgrid.com"
)

func baseURL(env *providers.Env, region string) string {
	if region == "eu" {
		return env.BaseURL("SENDGRID_EU", EUBaseURL)
	}
	return env.BaseURL("SENDGRID", DefaultBaseURL)
}

func validate(ctx context.Context, v providers.Values, env *providers.Env) providers.CheckResult {
	c := providers.Caller{Env: env, Name: "SendGrid", StatusPage: "https://status.sendgrid.com"}
	region := v["region"]
	resp, bad := scopes(ctx, c, baseURL(env, region), v["api_key"])
	if bad != nil {
		return *bad
	}
	switch resp.Status {
	case http.StatusOK:
	case http.StatusUnauthorized:
		// A key of the other data-residency region is unknown here; say so
		// rather than calling it invalid.
		other := "eu"
		if region == "eu" {
			other = "global"
		}
		if alt, bad := scopes(ctx, c, baseURL(env, other), v["api_key"]); bad == nil && alt.Status == http.StatusOK {
			return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "region",
				Summary: fmt.Sprintf("The key belongs to the %s data-residency region, not %s.", other, region),
				Fix:     fmt.Sprintf("Set Data residency to %s.", other)}
		}
		return providers.CheckResult{Status: providers.StatusInvalid, Field: "api_key",
			Summary: "SendGrid says the key is invalid, expired or revoked.",
			Fix:     "Create a new API key under Settings → API Keys and save it here."}
	case http.StatusForbidden:
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "api_key",
			MissingPermissions: []string{"scopes"},
			Summary:            "SendGrid refused to list the key's scopes (access forbidden).",
			Fix:                "Edit the key under Settings → API Keys and grant the permissions Patchbay lists."}
	default:
		return c.Unexpected(resp.Status)
	}
	var s struct {
		Scopes []string `json:"scopes"`
	}
	_ = json.Unmarshal(resp.Body, &s)
	// The scopes SendGrid adds to every key (2fa_required,
	// sender_verification_*) are no grant anyone chose: not excess.
	granted := slices.DeleteFunc(slices.Clone(s.Scopes), func(sc string) bool { return implicitScopes[sc] })
	perms := providers.CompareGrants(RequiredScopes, granted, "in the key's scopes, GET /v3/scopes")
	if missing := providers.Missing(perms); len(missing) > 0 {
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "api_key", MissingPermissions: missing, Permissions: perms,
			Summary: "The key works but lacks " + strings.Join(missing, ", ") + ".",
			Fix:     "Edit the key under Settings → API Keys: Mail Send, API Keys and Event Webhook need Full Access."}
	}
	r := providers.CheckResult{Status: providers.StatusOK, Account: fmt.Sprintf("API key with %d scopes (%s)", len(granted), region), Permissions: perms,
		Summary: "The key works and has every scope Patchbay needs."}
	if excess := providers.Excess(perms); len(excess) > 0 {
		r.Summary = fmt.Sprintf("The key works and has every scope Patchbay needs, and %d more that no call Patchbay makes needs.", len(excess))
		r.Fix = "A restricted key with only Mail Send, API Keys and Event Webhook (Full Access) is safer."
	}
	return r
}

func scopes(ctx context.Context, c providers.Caller, base, key string) (*providers.Response, *providers.CheckResult) {
	req, bad := c.NewRequest(ctx, http.MethodGet, base+"/v3/scopes", nil)
	if bad != nil {
		return nil, bad
	}
	req.Header.Set("Authorization", "Bearer "+key)
	return c.Do(req)
}
