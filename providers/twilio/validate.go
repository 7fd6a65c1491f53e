package twilio

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/patchbay-dev/patchbay/providers"
)

// DefaultBaseURL is Twilio's REST API; PATCHBAY_ENDPOINT_TWILIO overrides it.
const DefaultBaseURL = "https://api.twilio.com"

type apiError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func validate(ctx context.Context, v providers.Values, env *providers.Env) providers.CheckResult {
	c := providers.Caller{Env: env, Name: "Twilio", StatusPage: "https://status.twilio.com"}
	sid := v["account_sid"]
	// The Auth Token reads the Account resource (its name and status);
	// an API key cannot — Standard keys reach every resource but Accounts
	// and Keys (Twilio, "Types of keys") — so it reads a page of the
	// account's phone numbers, which Patchbay reads anyway.
	get := func(user, pass string) (*providers.Response, *providers.CheckResult) {
		path := "/2010-04-01/Accounts/" + sid + ".json"
		if user != sid {
			path = "/2010-04-01/Accounts/" + sid + "/IncomingPhoneNumbers.json?PageSize=1"
		}
		req, bad := c.NewRequest(ctx, http.MethodGet, env.BaseURL("TWILIO", DefaultBaseURL)+path, nil)
		if bad != nil {
			return nil, bad
		}
		req.SetBasicAuth(user, pass)
		return c.Do(req)
	}

	// The Auth Token is checked even when an API key is given: webhook
	// verification depends on it.
	checks := []struct{ user, pass, field, label string }{{sid, v["auth_token"], "auth_token", "Auth Token"}}
	if v["api_key_sid"] != "" {
		checks = append(checks, struct{ user, pass, field, label string }{v["api_key_sid"], v["api_key_secret"], "api_key_secret", "API key"})
	}
	var result providers.CheckResult
	for _, ch := range checks {
		resp, bad := get(ch.user, ch.pass)
		if bad != nil {
			return *bad
		}
		var e apiError
		_ = json.Unmarshal(resp.Body, &e)
		switch resp.Status {
		case http.StatusOK:
			if ch.field != "auth_token" {
				continue // the account was described by the Auth Token's answer
			}
			var a struct {
				Sid          string `json:"sid"`
				FriendlyName string `json:"friendly_name"`
				Status       string `json:"status"`
				Type         string `json:"type"`
			}
			_ = json.Unmarshal(resp.Body, &a)
			who := fmt.Sprintf("%s (%s, %s)", a.FriendlyName, a.Sid, a.Type)
			switch a.Status {
			case "suspended":
				return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Account: who,
					Summary: "The credentials work but the Twilio account is suspended.",
					Fix:     "Resolve the suspension in the Twilio Console (often billing), then check again."}
			case "closed":
				return providers.CheckResult{Status: providers.StatusExpired, Account: who,
					Summary: "The Twilio account is closed.",
					Fix:     "Use the credentials of an active account."}
			}
			result = providers.CheckResult{Status: providers.StatusOK, Account: who,
				Summary: "The credentials work for Twilio account " + who + "."}
		case http.StatusUnauthorized:
			return providers.CheckResult{Status: providers.StatusInvalid, Field: ch.field,
				Summary: fmt.Sprintf("Twilio rejected the %s for this Account SID (error %d).", ch.label, e.Code),
				Fix:     fmt.Sprintf("Copy the %s again from the Twilio Console; an API key must belong to the same account as the Account SID.", ch.label)}
		case http.StatusNotFound:
			return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "account_sid",
				Summary: "The credentials belong to a different Twilio account than this Account SID (error 20404).",
				Fix:     "Use the Account SID shown next to the Auth Token in the Console (subaccounts have their own)."}
		case http.StatusForbidden:
			if e.Code == 20008 {
				return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "account_sid",
					Summary: "These are Twilio test credentials, which only work for a few endpoints (error 20008).",
					Fix:     "Use the live Account SID and Auth Token from the Console's Account Info."}
			}
			return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: ch.field,
				Summary: fmt.Sprintf("Twilio refused the request (error %d).", e.Code),
				Fix:     "Use a Standard API key or the Auth Token; a restricted key needs read access to IncomingPhoneNumbers (Patchbay reads and updates the numbers' webhook URLs)."}
		default:
			return c.Unexpected(resp.Status)
		}
	}
	return result
}
