package mailgun

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/patchbay-dev/patchbay/providers"
)

// Base URLs per region; PATCHBAY_ENDPOINT_MAILGUN and
// PATCHBAY_ENDPOINT_MAILGUN_EU override them.
const (
	DefaultBaseURL = "https://api.mailgun.net"
	EUBaseURL      = "https://api.eu.mailgun.net"
)

func baseURL(env *providers.Env, region string) string {
	if region == "eu" {
		return env.BaseURL("MAILGUN_EU", EUBaseURL)
	}
	return env.BaseURL("MAILGUN", DefaultBaseURL)
}

func validate(ctx context.Context, v providers.Values, env *providers.Env) providers.CheckResult {
	c := providers.Caller{Env: env, Name: "Mailgun", StatusPage: "https://status.mailgun.com"}
	region := v["region"]
	other := map[string]string{"us": "eu", "eu": "us"}[region]
	names, resp, bad := domains(ctx, c, baseURL(env, region), v["api_key"])
	if bad != nil {
		return *bad
	}
	switch resp.Status {
	case http.StatusOK:
	case http.StatusUnauthorized:
		// Keys are per account, not per region, so a 401 is not a region
		// problem; domains are per region and are checked below.
		return providers.CheckResult{Status: providers.StatusInvalid, Field: "api_key",
			Summary: "Mailgun rejected the API key (it may have been deleted, or is for another account).",
			Fix:     "Create a new key under Account settings → API security and save it here."}
	case http.StatusForbidden:
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "api_key",
			Summary: "The key is valid but may not list domains, as a domain sending key may not.",
			Fix:     "Use an account API key (Account settings → API security), not a domain sending key."}
	default:
		return c.Unexpected(resp.Status)
	}
	want := v["domain"]
	if want == "" || names[want] {
		who := fmt.Sprintf("%d domains in %s", len(names), region)
		return providers.CheckResult{Status: providers.StatusOK, Account: who,
			Summary: "The API key works (" + who + ")."}
	}
	if alt, resp, bad := domains(ctx, c, baseURL(env, other), v["api_key"]); bad == nil && resp.Status == http.StatusOK && alt[want] {
		return wrongRegion(other)
	}
	return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "domain",
		Summary: fmt.Sprintf("The key works but the account has no domain %s.", want),
		Fix:     "Check the domain under Sending → Domains, or add it there first."}
}

func wrongRegion(region string) providers.CheckResult {
	return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "region",
		Summary: fmt.Sprintf("The account's domains are in the %s region.", region),
		Fix:     fmt.Sprintf("Set Region to %s.", region)}
}

// domainPage is how many domains one GET /v4/domains asks for (Mailgun's
// maximum limit; its default is 100):
// https://documentation.mailgun.com/docs/mailgun/api-reference/openapi-final/tag/Domains/
const domainPage = 1000

// domains lists every domain of the account in one region, page by page
// (limit and skip, until total_count), with the response of the first
// page that was not a success, for its status.
func domains(ctx context.Context, c providers.Caller, base, key string) (map[string]bool, *providers.Response, *providers.CheckResult) {
	names := map[string]bool{}
	var last *providers.Response
	for skip, pages := 0, 0; pages < 100; pages++ {
		req, bad := c.NewRequest(ctx, http.MethodGet, fmt.Sprintf("%s/v4/domains?limit=%d&skip=%d", base, domainPage, skip), nil)
		if bad != nil {
			return nil, nil, bad
		}
		req.SetBasicAuth("api", key)
		resp, bad := c.Do(req)
		if bad != nil {
			return nil, nil, bad
		}
		last = resp
		if resp.Status != http.StatusOK {
			return names, resp, nil
		}
		var d struct {
			TotalCount int `json:"total_count"`
			Items      []struct {
				Name string `json:"name"`
			} `json:"items"`
		}
		_ = json.Unmarshal(resp.Body, &d)
		for _, it := range d.Items {
			names[it.Name] = true
		}
		skip += len(d.Items)
		if len(d.Items) == 0 || skip >= d.TotalCount {
			break
		}
	}
	return names, last, nil
}
