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

// probes are read calls a restricted key must be able to make; in Stripe a
// write permission includes read, so a read 403 means the write is missing.
var probes = []struct{ path, perm string }{
	{"/v1/products?limit=1", "rak_product_write"},
	{"/v1/prices?limit=1", "rak_price_write"},
	{"/v1/webhook_endpoints?limit=1", "rak_webhook_write"},
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
			return providers.CheckResult{Status: providers.StatusOK, Account: account,
				Summary: fmt.Sprintf("The secret key works for Stripe account %s.", account)}
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

	var missing []string
	for _, p := range probes {
		resp, bad := get(p.path)
		if bad != nil {
			return *bad
		}
		switch resp.Status {
		case http.StatusOK:
		case http.StatusUnauthorized:
			return unauthorized(resp)
		case http.StatusForbidden:
			missing = append(missing, p.perm)
		default:
			return c.Unexpected(resp.Status)
		}
	}
	if len(missing) > 0 {
		return forbidden(nil, missing)
	}
	return providers.CheckResult{Status: providers.StatusOK, Account: account,
		Summary: fmt.Sprintf("The restricted key works (%s) and has the permissions Patchbay needs.", account)}
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
