package stripe

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

// DefaultBaseURL is Stripe's API; PATCHBAY_ENDPOINT_STRIPE overrides it.
const DefaultBaseURL = "https://api.stripe.com"

// probes are read calls that a restricted key with the permission Patchbay
// needs can make: in Stripe a Write permission includes Read
// (https://docs.stripe.com/keys/restricted-api-keys), so a refused read
// proves the Write permission missing. A successful read proves Read only:
// Stripe has no endpoint that lists a restricted key's permissions, and
// only a write shows Write, so Write is reported unverifiable.
var probes = []struct{ path, perm, resource string }{
	{"/v1/products?limit=1", "rak_product_write", "Products"},
	{"/v1/prices?limit=1", "rak_price_write", "Prices"},
	{"/v1/webhook_endpoints?limit=1", "rak_webhook_write", "Webhook Endpoints"},
}

func validate(ctx context.Context, v providers.Values, env *providers.Env) providers.CheckResult {
	c := providers.Caller{Env: env, Name: "Stripe", StatusPage: "https://status.stripe.com"}
	base := env.BaseURL("STRIPE", DefaultBaseURL)
	key := v["secret_key"]
	mode := "test mode"
	if strings.Contains(key, "_live_") {
		mode = "live mode"
	}
	restricted := strings.HasPrefix(key, "rk_")

	get := func(path string) (*providers.Response, *providers.CheckResult) {
		req, bad := c.NewRequest(ctx, http.MethodGet, base+path, nil)
		if bad != nil {
			return nil, bad
		}
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Stripe-Version", APIVersion)
		return c.Do(req)
	}

	resp, bad := get("/v1/account")
	if bad != nil {
		return *bad
	}
	account := ""
	switch resp.Status {
	case http.StatusOK:
		var a struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(resp.Body, &a)
		account = strings.TrimSpace(a.ID + " (" + mode + ")")
		if !restricted {
			// A secret key may use the whole API.
			var perms []providers.PermissionCheck
			for _, p := range probes {
				perms = append(perms, providers.PermissionCheck{Name: p.perm, Verdict: providers.VerdictVerified,
					Detail: "a secret key (sk_) holds every permission"})
			}
			perms = append(perms, providers.PermissionCheck{Name: "every other permission", Verdict: providers.VerdictExcess,
				Detail: "a secret key (sk_) may use the whole API; a restricted key (rk_) with only the listed permissions is safer"})
			return providers.CheckResult{Status: providers.StatusOK, Account: account, Permissions: perms,
				Summary: fmt.Sprintf("The secret key works for Stripe account %s.", account),
				Fix:     "A secret key can use the whole API; a restricted key with only Products, Prices and Webhook Endpoints set to Write is safer."}
		}
	case http.StatusUnauthorized:
		return unauthorized(resp)
	case http.StatusForbidden:
		// Restricted keys usually lack the account permission; the probes
		// below decide.
		if !restricted {
			return forbidden(resp, nil)
		}
		account = "restricted key (" + mode + ")"
	default:
		return c.Unexpected(resp.Status)
	}

	var perms []providers.PermissionCheck
	for _, p := range probes {
		resp, bad := get(p.path)
		if bad != nil {
			return *bad
		}
		path, _, _ := strings.Cut(p.path, "?")
		switch resp.Status {
		case http.StatusOK:
			perms = append(perms, providers.PermissionCheck{Name: p.perm, Verdict: providers.VerdictUnverifiable,
				Detail: fmt.Sprintf("GET %s answered 200, so %s is at least Read; only a write would show Write. "+
					"Verify it in the Dashboard: Developers → API keys → the key → %s must be Write", path, p.resource, p.resource)})
		case http.StatusUnauthorized:
			return unauthorized(resp)
		case http.StatusForbidden:
			perms = append(perms, providers.PermissionCheck{Name: p.perm, Verdict: providers.VerdictMissing,
				Detail: fmt.Sprintf("GET %s was refused (403): the key cannot even read %s", path, p.resource)})
		default:
			return c.Unexpected(resp.Status)
		}
	}
	if missing := providers.Missing(perms); len(missing) > 0 {
		r := forbidden(nil, missing)
		r.Permissions = perms
		return r
	}
	return providers.CheckResult{Status: providers.StatusOK, Account: account, Permissions: perms,
		Summary: fmt.Sprintf("The restricted key works (%s) and can read products, prices and webhook endpoints; whether it may write them cannot be checked without a write.", account),
		Fix:     "Check in Developers → API keys that Products, Prices and Webhook Endpoints are set to Write."}
}

func unauthorized(resp *providers.Response) providers.CheckResult {
	var e errorEnvelope
	_ = json.Unmarshal(resp.Body, &e)
	if e.Error.Code == "api_key_expired" {
		return providers.CheckResult{Status: providers.StatusExpired, Field: "secret_key",
			Summary: "Stripe says this key has expired or was rolled.",
			Fix:     "Create a new key in the Dashboard (Developers → API keys) and save it here."}
	}
	return providers.CheckResult{Status: providers.StatusInvalid, Field: "secret_key",
		Summary: "Stripe does not recognise this key (it may have been deleted, or is from another account or mode).",
		Fix:     "Copy the key again from Developers → API keys; make sure it is a secret (sk_) or restricted (rk_) key of the right mode."}
}

var rakPerm = regexp.MustCompile(`'(rak_[a-z_]+)'`)

func forbidden(resp *providers.Response, missing []string) providers.CheckResult {
	if resp != nil {
		var e errorEnvelope
		_ = json.Unmarshal(resp.Body, &e)
		if m := rakPerm.FindStringSubmatch(e.Error.Message); m != nil {
			missing = append(missing, m[1])
		}
	}
	return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "secret_key",
		MissingPermissions: missing,
		Summary:            "The key works but lacks permissions Patchbay needs.",
		Fix:                "Edit the restricted key in Developers → API keys and set Products, Prices and Webhook Endpoints to Write."}
}
