package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/patchbay-dev/patchbay/providers"
)

// DefaultBaseURL is the Redis Cloud API; PATCHBAY_ENDPOINT_REDIS overrides it.
const DefaultBaseURL = "https://api.redislabs.com/v1"

func validate(ctx context.Context, v providers.Values, env *providers.Env) providers.CheckResult {
	c := providers.Caller{Env: env, Name: "Redis Cloud", StatusPage: "https://status.redis.io"}
	req, bad := c.NewRequest(ctx, http.MethodGet, env.BaseURL("REDIS", DefaultBaseURL)+"/", nil)
	if bad != nil {
		return *bad
	}
	req.Header.Set("x-api-key", v["account_key"])
	req.Header.Set("x-api-secret-key", v["user_key"])
	req.Header.Set("Accept", "application/json")
	resp, bad := c.Do(req)
	if bad != nil {
		return *bad
	}
	switch resp.Status {
	case http.StatusOK:
		var a struct {
			Account struct {
				ID   int    `json:"id"`
				Name string `json:"name"`
				Key  struct {
					Name string `json:"name"`
				} `json:"key"`
			} `json:"account"`
		}
		_ = json.Unmarshal(resp.Body, &a)
		who := fmt.Sprintf("%s (account %d)", a.Account.Name, a.Account.ID)
		// Redis Cloud does not say which role the key's user has; the
		// read answering proves what Patchbay needs.
		return providers.CheckResult{Status: providers.StatusOK, Account: who,
			Permissions: []providers.PermissionCheck{{Name: RequiredRole, Verdict: providers.VerdictVerified, Detail: "GET / (the account) answered 200"}},
			Summary:     fmt.Sprintf("The API keys work for Redis Cloud %s, key %q.", who, a.Account.Key.Name)}
	case http.StatusUnauthorized:
		// The body format is undocumented; the status is all we key off.
		return providers.CheckResult{Status: providers.StatusInvalid,
			Summary: "Redis Cloud rejected the API keys: one of them is wrong, deleted, or API access is disabled.",
			Fix:     "Check both keys under Access Management → API Keys (the account key is shown at the top, the user key only once) and that API access is enabled."}
	case http.StatusForbidden:
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "user_key", MissingPermissions: []string{RequiredRole},
			Permissions: []providers.PermissionCheck{{Name: RequiredRole, Verdict: providers.VerdictMissing,
				Detail: "GET / (the account) was refused (403): the user lacks a role that reads the account (a Logs viewer key reads only logs), or this IP is not allowed"}},
			Summary: "Redis Cloud refused the request: the key's user lacks the role, or this IP is not in the key's allowed source IPs.",
			Fix:     "Give the key's user the Viewer role and add your IP (or CIDR) to the key's allowed source IPs."}
	}
	return c.Unexpected(resp.Status)
}
