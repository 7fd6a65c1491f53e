package azure

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

// Default hosts; PATCHBAY_ENDPOINT_AZURE_LOGIN / PATCHBAY_ENDPOINT_AZURE
// override them (AZURE alone overrides both).
const (
	DefaultLoginURL = "https://login.microsoftonline.com"
	DefaultARMURL   = "https://management.azure.com"
)

type tokenError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
	Codes       []int  `json:"error_codes"`
}

type armError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func validate(ctx context.Context, v providers.Values, env *providers.Env) providers.CheckResult {
	c := providers.Caller{Env: env, Name: "Azure", StatusPage: "https://azure.status.microsoft"}
	login := env.BaseURLAny(DefaultLoginURL, "AZURE_LOGIN", "AZURE")
	arm := env.BaseURLAny(DefaultARMURL, "AZURE_ARM", "AZURE")

	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {v["client_id"]},
		"client_secret": {v["client_secret"]},
		"scope":         {"https://management.azure.com/.default"},
	}
	req, bad := c.NewRequest(ctx, http.MethodPost, login+"/"+url.PathEscape(v["tenant_id"])+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	if bad != nil {
		return *bad
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, bad := c.Do(req)
	if bad != nil {
		return *bad
	}
	if resp.Status != http.StatusOK {
		return tokenFailure(c, resp)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.Unmarshal(resp.Body, &tok)

	get := func(path string) (*providers.Response, *providers.CheckResult) {
		req, bad := c.NewRequest(ctx, http.MethodGet, arm+path, nil)
		if bad != nil {
			return nil, bad
		}
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		return c.Do(req)
	}
	sub := "/subscriptions/" + url.PathEscape(v["subscription_id"])
	resp, bad = get(sub + "?api-version=2022-12-01")
	if bad != nil {
		return *bad
	}
	if resp.Status != http.StatusOK {
		return armFailure(c, resp)
	}
	var s struct {
		DisplayName string `json:"displayName"`
		State       string `json:"state"`
	}
	_ = json.Unmarshal(resp.Body, &s)
	who := fmt.Sprintf("subscription %s", s.DisplayName)
	if s.State != "" && s.State != "Enabled" {
		return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "subscription_id", Account: who,
			Summary: fmt.Sprintf("The subscription is %s.", s.State),
			Fix:     "Use an enabled subscription, or re-enable this one in the portal (Subscriptions)."}
	}
	resp, bad = get(sub + "/resourcegroups/" + url.PathEscape(v["resource_group"]) + "?api-version=2021-04-01")
	if bad != nil {
		return *bad
	}
	if resp.Status != http.StatusOK {
		return armFailure(c, resp)
	}
	group := sub + "/resourcegroups/" + url.PathEscape(v["resource_group"])
	who += ", resource group " + v["resource_group"]
	r := providers.CheckResult{Status: providers.StatusOK, Account: who,
		Summary: "The service principal works and can read " + who + ".",
		Permissions: []providers.PermissionCheck{{Name: RequiredActions[0], Verdict: providers.VerdictVerified,
			Detail: "GET " + "/subscriptions/…/resourcegroups/" + v["resource_group"] + " answered 200"}}}
	// The principal's own effective permissions on the group (Permissions -
	// List For Resource Group) show what it holds beyond reading.
	resp, bad = get(group + "/providers/Microsoft.Authorization/permissions?api-version=2022-04-01")
	if bad != nil {
		return *bad
	}
	if resp.Status != http.StatusOK {
		r.Summary += " Its other permissions on the group could not be listed (HTTP " + fmt.Sprint(resp.Status) + ")."
		return r
	}
	var perms struct {
		Value []struct {
			Actions []string `json:"actions"`
		} `json:"value"`
	}
	_ = json.Unmarshal(resp.Body, &perms)
	var excess []string
	for _, p := range perms.Value {
		for _, a := range p.Actions {
			if !strings.HasSuffix(strings.ToLower(a), "/read") && !slices.Contains(excess, a) {
				excess = append(excess, a)
				r.Permissions = append(r.Permissions, providers.PermissionCheck{Name: a, Verdict: providers.VerdictExcess,
					Detail: "granted on the resource group (Microsoft.Authorization/permissions); Patchbay only reads the group"})
			}
		}
	}
	if len(excess) > 0 {
		r.Summary += " Its role also allows " + strings.Join(excess, ", ") + ", which Patchbay does not use."
		r.Fix = "Patchbay only reads the resource group: assign the service principal Reader on it instead (Access control (IAM) → Role assignments)."
	}
	return r
}

func tokenFailure(c providers.Caller, resp *providers.Response) providers.CheckResult {
	var e tokenError
	_ = json.Unmarshal(resp.Body, &e)
	code := 0
	if len(e.Codes) > 0 {
		code = e.Codes[0]
	}
	switch code {
	case 7000215:
		return providers.CheckResult{Status: providers.StatusInvalid, Field: "client_secret",
			Summary: "Microsoft Entra rejected the client secret (AADSTS7000215); often the secret's ID was pasted instead of its value.",
			Fix:     "In Certificates & secrets, create a new client secret and copy its Value column (not Secret ID)."}
	case 7000222:
		return providers.CheckResult{Status: providers.StatusExpired, Field: "client_secret",
			Summary: "The client secret has expired (AADSTS7000222).",
			Fix:     "Create a new client secret under Certificates & secrets and save its value here."}
	case 700016:
		return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "client_id",
			Summary: "No application with this client ID exists in this tenant (AADSTS700016).",
			Fix:     "Check the Application (client) ID and that the tenant ID is the app's home tenant."}
	case 90002:
		return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "tenant_id",
			Summary: "The tenant does not exist (AADSTS90002).",
			Fix:     "Copy the Directory (tenant) ID from Microsoft Entra ID → Overview."}
	}
	switch {
	case resp.Status == http.StatusUnauthorized || e.Error == "invalid_client":
		return providers.CheckResult{Status: providers.StatusInvalid, Field: "client_secret",
			Summary: fmt.Sprintf("Microsoft Entra rejected the credentials (%s).", e.Error),
			Fix:     "Check the client ID and secret value in App registrations."}
	case resp.Status == http.StatusForbidden:
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "client_id",
			Summary: "Microsoft Entra refused to issue a token for Azure Resource Manager.",
			Fix:     "Check that the app registration is enabled and allowed to sign in (Enterprise applications → Properties)."}
	case resp.Status == http.StatusBadRequest:
		return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "tenant_id",
			Summary: fmt.Sprintf("Microsoft Entra refused the token request (%s, AADSTS%d).", e.Error, code),
			Fix:     "Check the tenant ID and client ID."}
	}
	return c.Unexpected(resp.Status)
}

func armFailure(c providers.Caller, resp *providers.Response) providers.CheckResult {
	var e armError
	_ = json.Unmarshal(resp.Body, &e)
	switch e.Error.Code {
	case "ExpiredAuthenticationToken":
		return providers.CheckResult{Status: providers.StatusExpired,
			Summary: "Azure Resource Manager says the token has expired; the machine's clock may be wrong.",
			Fix:     "Check the system clock and try again."}
	case "InvalidAuthenticationTokenTenant":
		return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "subscription_id",
			Summary: "The subscription belongs to a different tenant than the service principal.",
			Fix:     "Use the tenant that owns the subscription (Subscriptions → the subscription → Overview → Parent management group / directory)."}
	case "SubscriptionNotFound":
		return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "subscription_id",
			Summary: "The subscription does not exist or is not visible to the service principal.",
			Fix:     "Check the subscription ID, and give the service principal a role on the resource group."}
	case "ResourceGroupNotFound":
		return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "resource_group",
			Summary: "The resource group does not exist in this subscription.",
			Fix:     "Create the resource group, or fix its name."}
	case "AuthorizationFailed":
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "client_id",
			MissingPermissions: RequiredActions,
			Permissions: []providers.PermissionCheck{{Name: RequiredActions[0], Verdict: providers.VerdictMissing,
				Detail: "Azure Resource Manager refused to read the group (AuthorizationFailed)"}},
			Summary: "The service principal has no role on the resource group.",
			Fix:     "Assign it Reader on the resource group (Access control (IAM) → Add role assignment); new assignments can take a few minutes."}
	}
	switch resp.Status {
	case http.StatusUnauthorized:
		return providers.CheckResult{Status: providers.StatusInvalid,
			Summary: "Azure Resource Manager rejected the token (" + e.Error.Code + ").",
			Fix:     "Check the tenant ID; then create a new client secret and save it here."}
	case http.StatusForbidden:
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "client_id",
			Summary: "Azure Resource Manager refused the request (" + e.Error.Code + ").",
			Fix:     "Assign the service principal Reader on the resource group."}
	case http.StatusNotFound:
		return providers.CheckResult{Status: providers.StatusWrongTarget,
			Summary: "Azure Resource Manager could not find the subscription or resource group (" + e.Error.Code + ").",
			Fix:     "Check the subscription ID and resource group name."}
	}
	return c.Unexpected(resp.Status)
}
