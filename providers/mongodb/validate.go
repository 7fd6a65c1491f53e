package mongodb

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

// DefaultBaseURL is the Atlas Admin API host; PATCHBAY_ENDPOINT_MONGODB overrides it.
const DefaultBaseURL = "https://cloud.mongodb.com"

// APIVersion is the versioned media type Patchbay speaks.
const APIVersion = "application/vnd.atlas.2023-01-01+json"

type apiError struct {
	Detail     string   `json:"detail"`
	ErrorCode  string   `json:"errorCode"`
	Parameters []string `json:"parameters"`
}

func validate(ctx context.Context, v providers.Values, env *providers.Env) providers.CheckResult {
	c := providers.Caller{Env: env, Name: "MongoDB Atlas", StatusPage: "https://status.mongodb.com"}
	base := env.BaseURL("MONGODB", DefaultBaseURL)

	form := url.Values{"grant_type": {"client_credentials"}}
	req, bad := c.NewRequest(ctx, http.MethodPost, base+"/api/oauth/token", strings.NewReader(form.Encode()))
	if bad != nil {
		return *bad
	}
	req.SetBasicAuth(v["client_id"], v["client_secret"])
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, bad := c.Do(req)
	if bad != nil {
		return *bad
	}
	switch resp.Status {
	case http.StatusOK:
	case http.StatusBadRequest, http.StatusUnauthorized:
		// Atlas does not tell an unknown client from an expired secret.
		return providers.CheckResult{Status: providers.StatusInvalid, Field: "client_secret",
			Summary: "Atlas rejected the service account: the client ID or secret is wrong, or the secret has expired.",
			Fix:     "Open the service account in Access Manager, check its secret's expiry, generate a new secret and save it here."}
	case http.StatusForbidden:
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "client_id",
			Summary: "Atlas refused to issue a token for this service account.",
			Fix:     "Check in Access Manager that the service account is active and has an organization role."}
	default:
		return c.Unexpected(resp.Status)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(resp.Body, &tok); err != nil || tok.AccessToken == "" {
		return c.Unexpected(resp.Status)
	}

	orgPage := func(n int) (*providers.Response, *providers.CheckResult) {
		req, bad := c.NewRequest(ctx, http.MethodGet, fmt.Sprintf("%s/api/atlas/v2/orgs?itemsPerPage=%d&pageNum=%d", base, orgsPerPage, n), nil)
		if bad != nil {
			return nil, bad
		}
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		req.Header.Set("Accept", APIVersion)
		return c.Do(req)
	}
	resp, bad = orgPage(1)
	if bad != nil {
		return *bad
	}
	var e apiError
	_ = json.Unmarshal(resp.Body, &e)
	switch {
	case resp.Status == http.StatusOK:
	case resp.Status == http.StatusForbidden && e.ErrorCode == "IP_ADDRESS_NOT_ON_ACCESS_LIST":
		ip := ""
		if len(e.Parameters) > 0 {
			ip = " (" + e.Parameters[0] + ")"
		}
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "client_id",
			Summary: "The credentials work but this machine's IP address" + ip + " is not on the service account's API access list.",
			Fix:     "Add this IP address to the service account's API Access List in Access Manager."}
	case resp.Status == http.StatusUnauthorized && e.ErrorCode != "":
		// Atlas answers weak roles with 401 and an error code.
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "client_id", MissingPermissions: RequiredRoles,
			Permissions: []providers.PermissionCheck{{Name: RequiredRoles[0], Verdict: providers.VerdictMissing,
				Detail: "GET /api/atlas/v2/orgs was refused (401 " + e.ErrorCode + ")"}},
			Summary: fmt.Sprintf("The service account's role is too weak (%s).", e.ErrorCode),
			Fix:     "Give the service account an organization role in Access Manager (Organization Member is enough)."}
	case resp.Status == http.StatusUnauthorized:
		return providers.CheckResult{Status: providers.StatusExpired, Field: "client_secret",
			Summary: "Atlas issued a token but then rejected it; the secret may have just expired or been revoked.",
			Fix:     "Generate a new secret for the service account and save it here."}
	case resp.Status == http.StatusForbidden:
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "client_id",
			Summary: "Atlas refused the request: " + e.Detail,
			Fix:     "Give the service account an organization role in Access Manager (Organization Member is enough)."}
	default:
		return c.Unexpected(resp.Status)
	}
	orgs := parseOrgs(resp.Body)
	// Atlas pages lists (itemsPerPage, pageNum, totalCount).
	for n := 2; len(orgs.Results) < orgs.TotalCount && n <= 100; n++ {
		next, bad := orgPage(n)
		if bad != nil {
			return *bad
		}
		if next.Status != http.StatusOK {
			return c.Unexpected(next.Status)
		}
		page := parseOrgs(next.Body)
		if len(page.Results) == 0 {
			break
		}
		orgs.Results = append(orgs.Results, page.Results...)
	}
	if len(orgs.Results) == 0 {
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "client_id", MissingPermissions: RequiredRoles,
			Permissions: []providers.PermissionCheck{{Name: RequiredRoles[0], Verdict: providers.VerdictMissing,
				Detail: "GET /api/atlas/v2/orgs lists no organization"}},
			Summary: "The service account works but sees no organization.",
			Fix:     "Give the service account an organization role in Access Manager (Organization Member is enough)."}
	}
	want := v["org_id"]
	for _, o := range orgs.Results {
		if want == "" || o.ID == want {
			who := fmt.Sprintf("%s (%s)", o.Name, o.ID)
			// Atlas lists an organization only to an account with a role
			// in it, and Organization Member is the least: listing it
			// proves the role Patchbay needs.
			return providers.CheckResult{Status: providers.StatusOK, Account: who,
				Permissions: []providers.PermissionCheck{{Name: RequiredRoles[0], Verdict: providers.VerdictVerified,
					Detail: "GET /api/atlas/v2/orgs lists organization " + o.ID}},
				Summary: "The service account works for Atlas organization " + who + "."}
		}
	}
	return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "org_id",
		Summary: "The service account works but does not belong to this organization.",
		Fix:     "Use the organization ID from Organization Settings of the organization that owns the service account."}
}

// orgsPerPage is Atlas's largest page
// (https://www.mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Organizations/operation/listOrganizations).
const orgsPerPage = 500

type orgList struct {
	TotalCount int `json:"totalCount"`
	Results    []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"results"`
}

func parseOrgs(body []byte) orgList {
	var l orgList
	_ = json.Unmarshal(body, &l)
	return l
}
