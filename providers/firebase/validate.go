package firebase

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

// DefaultBaseURL is Identity Toolkit (Firebase Authentication's API);
// PATCHBAY_ENDPOINT_FIREBASE overrides it.
const DefaultBaseURL = "https://identitytoolkit.googleapis.com"

// What the check proves. The only call a web API key can make that names
// its project is Identity Toolkit's public project config, GET
// /v1/projects (https://cloud.google.com/identity-platform/docs/reference/rest/v1/TopLevel/getProjects;
// the Firebase JS SDK's _getProjectConfig): it answers the project
// *number* and the authorized domains. Google's API key errors
// (https://cloud.google.com/apis/design/errors, google.rpc.ErrorInfo
// reasons) tell an unknown key (400 API_KEY_INVALID) from a valid key of a
// project that has the API off (403 SERVICE_DISABLED, naming the project
// number) or a key whose restrictions refuse the call (403
// API_KEY_*_BLOCKED). So the check proves the API key, its project number
// (hence messagingSenderId and the number inside appId) and the authDomain;
// projectId, storageBucket and the rest of appId are checked for format
// only, and the service account for shape and project only (it is not
// exchanged for a token). The summary says which.

type googleError struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
		Details []struct {
			Type     string            `json:"@type"`
			Reason   string            `json:"reason"`
			Metadata map[string]string `json:"metadata"`
		} `json:"details"`
	} `json:"error"`
}

func (e googleError) reason() string {
	for _, d := range e.Error.Details {
		if d.Reason != "" {
			return d.Reason
		}
	}
	return ""
}

var projectNumber = regexp.MustCompile(`projects/([0-9]+)|project ([0-9]+)`)

// consumer is the project number a SERVICE_DISABLED error names.
func (e googleError) consumer() string {
	for _, d := range e.Error.Details {
		if m := projectNumber.FindStringSubmatch(d.Metadata["consumer"]); m != nil {
			return m[1] + m[2]
		}
	}
	if m := projectNumber.FindStringSubmatch(e.Error.Message); m != nil {
		return m[1] + m[2]
	}
	return ""
}

func validate(ctx context.Context, v providers.Values, env *providers.Env) providers.CheckResult {
	c := providers.Caller{Env: env, Name: "Firebase", StatusPage: "https://status.firebase.google.com"}
	base := env.BaseURL("FIREBASE", DefaultBaseURL)
	req, bad := c.NewRequest(ctx, http.MethodGet, base+"/v1/projects", nil)
	if bad != nil {
		return *bad
	}
	// The key travels in a header, not the URL, so no log or proxy line
	// holds it. Browser keys are usually restricted to the app's sites,
	// which always include the auth domain (sign-in runs there): the call
	// is made as a page on it would make it.
	req.Header.Set("X-Goog-Api-Key", v["api_key"])
	req.Header.Set("Referer", "https://"+v["auth_domain"]+"/")
	resp, bad := c.Do(req)
	if bad != nil {
		return *bad
	}
	number := v["messaging_sender_id"]
	who := fmt.Sprintf("project %s (number %s)", v["project_id"], number)
	formatOnly := "projectId, storageBucket and appId were checked for format and against each other only (no call with a web API key can confirm them)"
	if v["service_account"] != "" {
		formatOnly += "; the service account key for shape and project only (it was not exchanged for a token)"
	}
	wrongProject := func(got string) providers.CheckResult {
		return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "api_key",
			Summary: fmt.Sprintf("The API key belongs to project number %s, but messagingSenderId says %s: the values come from different projects.", got, number),
			Fix:     "Copy the whole firebaseConfig of one Web app again (Project settings → General → Your apps)."}
	}
	var ge googleError
	_ = json.Unmarshal(resp.Body, &ge)
	switch resp.Status {
	case http.StatusOK:
		var pc struct {
			ProjectID         string   `json:"projectId"`
			AuthorizedDomains []string `json:"authorizedDomains"`
		}
		if json.Unmarshal(resp.Body, &pc) != nil || pc.ProjectID == "" {
			return c.Unexpected(resp.Status)
		}
		if pc.ProjectID != number {
			return wrongProject(pc.ProjectID)
		}
		if len(pc.AuthorizedDomains) > 0 && !slices.Contains(pc.AuthorizedDomains, v["auth_domain"]) {
			return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "auth_domain", Account: who,
				Summary: fmt.Sprintf("authDomain %s is not one of the project's authorized domains (%s), so sign-in through it fails.", v["auth_domain"], strings.Join(pc.AuthorizedDomains, ", ")),
				Fix:     "Use the config's authDomain, or add the domain in Authentication → Settings → Authorized domains."}
		}
		return providers.CheckResult{Status: providers.StatusOK, Account: who,
			Summary: fmt.Sprintf("The API key works for %s and authDomain is an authorized domain; %s.", who, formatOnly)}
	case http.StatusBadRequest:
		switch ge.reason() {
		case "API_KEY_INVALID":
			return providers.CheckResult{Status: providers.StatusInvalid, Field: "api_key",
				Summary: "Google does not know this API key (deleted, or mistyped).",
				Fix:     "Copy apiKey again from Project settings → General → Your apps → Config."}
		case "API_KEY_EXPIRED":
			return providers.CheckResult{Status: providers.StatusExpired, Field: "api_key",
				Summary: "Google says this API key has expired.",
				Fix:     "Create or restore a key in Google Cloud console → APIs & Services → Credentials and update the web config."}
		}
		return c.Unexpected(resp.Status)
	case http.StatusUnauthorized:
		return providers.CheckResult{Status: providers.StatusInvalid, Field: "api_key",
			Summary: "Google refused the API key.",
			Fix:     "Copy apiKey again from Project settings → General → Your apps → Config."}
	case http.StatusForbidden:
		switch r := ge.reason(); r {
		case "SERVICE_DISABLED":
			// Only a valid key reaches the check of its project's APIs.
			if got := ge.consumer(); got != "" && got != number {
				return wrongProject(got)
			}
			return providers.CheckResult{Status: providers.StatusOK, Account: who,
				Summary: fmt.Sprintf("The API key is valid for %s, but Firebase Authentication's API is not enabled there, so the authorized domains could not be read; authDomain, %s.", who, formatOnly)}
		case "API_KEY_HTTP_REFERRER_BLOCKED", "API_KEY_SERVICE_BLOCKED", "API_KEY_IP_ADDRESS_BLOCKED":
			return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "api_key", MissingPermissions: []string{"identitytoolkit.googleapis.com"},
				Summary: fmt.Sprintf("The API key exists but its restrictions refuse Firebase Authentication's API (%s), so Patchbay cannot confirm which project it belongs to.", r),
				Fix:     "In Google Cloud console → APIs & Services → Credentials, allow Identity Toolkit API and the auth domain on the key; if the app does not use Firebase Authentication, save with --force (format checked only)."}
		}
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "api_key",
			Summary: "Google refused the call with this API key (" + ge.Error.Status + ").",
			Fix:     "Check the key's restrictions in Google Cloud console → APIs & Services → Credentials."}
	}
	return c.Unexpected(resp.Status)
}
