package supabase

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

// What the check proves. Every project's API gateway (Kong) guards
// /auth/v1/* with key-auth: a request without an apikey header is
// answered 401 "No API key found in request", a key of another project
// 401 "Invalid API key" (supabase/supabase docker/volumes/api/kong.yml;
// https://supabase.com/docs/guides/api/api-keys). GET /auth/v1/settings
// returns the public Auth settings (https://github.com/supabase/auth,
// "GET /settings"), so a 200 proves the URL is a Supabase project and the
// key is one of its keys. GET /auth/v1/admin/users needs the service_role
// (Auth answers 403 error_code "not_admin" otherwise), so a 200 there
// proves the secret key. Neither call says anything about Row Level
// Security policies, and the summary says so.

type settings struct {
	External map[string]bool `json:"external"`
	Disable  bool            `json:"disable_signup"`
}

func validate(ctx context.Context, v providers.Values, env *providers.Env) providers.CheckResult {
	c := providers.Caller{Env: env, Name: "Supabase", StatusPage: "https://status.supabase.com"}
	base := env.BaseURL("SUPABASE", v["url"])
	ref := ProjectRef(v["url"])
	// A legacy key names its project: a mismatch is certain without a call.
	for _, f := range []string{"anon_key", "service_role_key"} {
		if cl, ok := claimsOf(v[f]); ok && ref != "" && cl.Ref != "" && cl.Ref != ref {
			return providers.CheckResult{Status: providers.StatusWrongTarget, Field: f,
				Summary: fmt.Sprintf("This key belongs to project %s, but the URL is project %s.", cl.Ref, ref),
				Fix:     "Copy the URL and the keys from the same project (Project Settings → API Keys)."}
		}
	}
	who := "project " + ref
	if ref == "" {
		who = v["url"]
	}

	get := func(path, key string, bearer bool) (*providers.Response, *providers.CheckResult) {
		req, bad := c.NewRequest(ctx, http.MethodGet, base+path, nil)
		if bad != nil {
			return nil, bad
		}
		req.Header.Set("apikey", key)
		if bearer {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, bad := c.Do(req)
		if bad != nil && bad.Status == providers.StatusNetwork && strings.Contains(bad.Summary, "resolved") {
			bad.Status, bad.Field = providers.StatusWrongTarget, "url"
			bad.Fix = "Check the project URL: no such project host exists (a deleted project, or a typo in the reference)."
		}
		return resp, bad
	}

	resp, bad := get("/auth/v1/settings", v["anon_key"], false)
	if bad != nil {
		return *bad
	}
	switch resp.Status {
	case http.StatusOK:
	case http.StatusUnauthorized:
		return invalidKey("anon_key", "publishable (anon)")
	case http.StatusForbidden:
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "anon_key", Account: who,
			Summary: "The project's API gateway refused this key for the Auth API.",
			Fix:     "Use the project's publishable key (or legacy anon key) from Project Settings → API Keys."}
	case http.StatusNotFound:
		return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "url",
			Summary: "There is no Supabase Auth API at this URL (HTTP 404 for /auth/v1/settings).",
			Fix:     "Use the project URL itself (https://<project-ref>.supabase.co), not a dashboard or REST URL."}
	default:
		return c.Unexpected(resp.Status)
	}
	var s settings
	if json.Unmarshal(resp.Body, &s) != nil || s.External == nil {
		return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "url",
			Summary: "The URL answered /auth/v1/settings, but not with Supabase Auth settings.",
			Fix:     "Check the project URL (https://<project-ref>.supabase.co)."}
	}
	summary := fmt.Sprintf("The URL and the publishable key belong together (%s accepted the key and returned its Auth settings)", who)

	if key := v["service_role_key"]; key != "" {
		resp, bad := get("/auth/v1/admin/users?page=1&per_page=1", key, true)
		if bad != nil {
			return *bad
		}
		switch resp.Status {
		case http.StatusOK:
			summary += "; the secret key has the service role (it read the users list)"
		case http.StatusUnauthorized:
			return invalidKey("service_role_key", "secret (service-role)")
		case http.StatusForbidden:
			return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "service_role_key", Account: who,
				MissingPermissions: []string{"service_role"},
				Summary:            "The key in the secret field is accepted by the project but does not have the service role (Auth answered not_admin).",
				Fix:                "Paste a secret key (sb_secret_…) or the legacy service_role key, not the publishable key."}
		default:
			return c.Unexpected(resp.Status)
		}
	}
	return providers.CheckResult{Status: providers.StatusOK, Account: who,
		Summary: summary + ". Row Level Security policies are not checked."}
}

func invalidKey(field, which string) providers.CheckResult {
	return providers.CheckResult{Status: providers.StatusInvalid, Field: field,
		Summary: fmt.Sprintf("The project does not accept this %s key (Invalid API key): it is from another project, or was revoked or rotated.", which),
		Fix:     "Copy the key again from Project Settings → API Keys of the project the URL names."}
}
