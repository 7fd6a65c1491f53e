package gcp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"

	"github.com/patchbay-dev/patchbay/providers"
)

// Default endpoints; PATCHBAY_ENDPOINT_GCP_TOKEN (token server, "/token" is
// appended) and PATCHBAY_ENDPOINT_GCP_CRM override them, and
// PATCHBAY_ENDPOINT_GCP overrides both.
const (
	DefaultTokenURL = "https://oauth2.googleapis.com/token"
	DefaultCRMURL   = "https://cloudresourcemanager.googleapis.com"
)

const scope = "https://www.googleapis.com/auth/cloud-platform"

type tokenError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

type apiError struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
		Details []struct {
			Reason   string            `json:"reason"`
			Metadata map[string]string `json:"metadata"`
		} `json:"details"`
	} `json:"error"`
}

// tokenURL honours the key file's token_uri only for Google's own hosts: a
// crafted file must not send signed assertions elsewhere.
func tokenURL(env *providers.Env, k keyFile) string {
	if u, ok := env.Override("GCP_TOKEN"); ok {
		return u + "/token"
	}
	if u, ok := env.Override("GCP"); ok {
		return u + "/token"
	}
	if u, err := url.Parse(k.TokenURI); err == nil && u.Scheme == "https" && (u.Host == "oauth2.googleapis.com" || u.Host == "accounts.google.com") {
		return k.TokenURI
	}
	return DefaultTokenURL
}

func validate(ctx context.Context, v providers.Values, env *providers.Env) providers.CheckResult {
	c := providers.Caller{Env: env, Name: "Google Cloud", StatusPage: "https://status.cloud.google.com"}
	k, _, err := parseKeyFile(v["key_file"])
	if err != nil {
		return providers.CheckResult{Status: providers.StatusMalformed, Field: "key_file", Summary: err.Error(),
			Fix: "Download a new JSON key for the service account and choose that file."}
	}
	cfg, err := google.JWTConfigFromJSON([]byte(v["key_file"]), scope)
	if err != nil {
		return providers.CheckResult{Status: providers.StatusMalformed, Field: "key_file",
			Summary: "The key file cannot be read as a service-account key.", Fix: "Download a new JSON key for the service account and choose that file."}
	}
	// JWTConfigFromJSON takes the file's token_uri at face value; the
	// signed assertion goes only to the vetted URL.
	cfg.TokenURL = tokenURL(env, k)
	// The library's HTTP client is the check's own, through the Caller, so
	// that network failures, rate limits and outages keep their diagnoses
	// (the library flattens transport errors into text).
	rt := &callerTransport{c: c}
	tctx := context.WithValue(ctx, oauth2.HTTPClient, &http.Client{Transport: rt})
	tok, err := cfg.TokenSource(tctx).Token()
	if err != nil {
		if rt.bad != nil {
			return *rt.bad
		}
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil {
			return tokenFailure(c, re.Response.StatusCode, re.Body)
		}
		return providers.CheckResult{Status: providers.StatusUnknown, Field: "key_file",
			Summary: "Google's token endpoint gave an answer Patchbay cannot read.", Fix: "Check again; if it persists, create a new JSON key."}
	}

	project := v["project_id"]
	if project == "" {
		return providers.CheckResult{Status: providers.StatusMissing, Field: "project_id", Account: k.ClientEmail,
			Summary: "The key works but no project ID is known.", Fix: "Fill in the project ID."}
	}
	body, _ := json.Marshal(map[string]any{"permissions": append(slices.Clone(RequiredPermissions), ExcessProbes...)})
	crm := env.BaseURLAny(DefaultCRMURL, "GCP_CRM", "GCP")
	req, bad := c.NewRequest(ctx, http.MethodPost, crm+"/v1/projects/"+url.PathEscape(project)+":testIamPermissions", bytes.NewReader(body))
	if bad != nil {
		return *bad
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	resp, bad := c.Do(req)
	if bad != nil {
		return *bad
	}
	who := fmt.Sprintf("%s in project %s", k.ClientEmail, project)
	var e apiError
	_ = json.Unmarshal(resp.Body, &e)
	reason := ""
	if len(e.Error.Details) > 0 {
		reason = e.Error.Details[0].Reason
	}
	switch {
	case resp.Status == http.StatusOK:
	case reason == "SERVICE_DISABLED":
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "project_id", Account: who,
			Summary: "The Cloud Resource Manager API is not enabled for the project.",
			Fix:     "Enable it: gcloud services enable cloudresourcemanager.googleapis.com iam.googleapis.com --project " + project}
	case resp.Status == http.StatusUnauthorized:
		return providers.CheckResult{Status: providers.StatusExpired, Field: "key_file", Account: who,
			Summary: "Google rejected the access token it just issued (" + e.Error.Status + ").",
			Fix:     "Check the system clock, then create a new key for the service account."}
	case resp.Status == http.StatusForbidden || resp.Status == http.StatusNotFound:
		return providers.CheckResult{Status: providers.StatusWrongTarget, Field: "project_id", Account: who,
			Summary: "The project does not exist or the service account has no access to it.",
			Fix:     "Check the project ID, or grant the service account a role on that project."}
	default:
		return c.Unexpected(resp.Status)
	}
	var held struct {
		Permissions []string `json:"permissions"`
	}
	_ = json.Unmarshal(resp.Body, &held)
	// testIamPermissions answers with the subset of the permissions asked
	// about that the account holds on the project: what it lists is
	// granted, what it leaves out is not.
	var perms []providers.PermissionCheck
	for _, p := range RequiredPermissions {
		if slices.Contains(held.Permissions, p) {
			perms = append(perms, providers.PermissionCheck{Name: p, Verdict: providers.VerdictVerified,
				Detail: "granted on project " + project + " (testIamPermissions)"})
		} else {
			perms = append(perms, providers.PermissionCheck{Name: p, Verdict: providers.VerdictMissing,
				Detail: "not granted on project " + project + " (testIamPermissions)"})
		}
	}
	for _, p := range ExcessProbes {
		if slices.Contains(held.Permissions, p) {
			perms = append(perms, providers.PermissionCheck{Name: p, Verdict: providers.VerdictExcess,
				Detail: "granted on project " + project + " (testIamPermissions, asked about a sample of permissions Patchbay never uses)"})
		}
	}
	if missing := providers.Missing(perms); len(missing) > 0 {
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "key_file", Account: who, MissingPermissions: missing, Permissions: perms,
			Summary: "The key works but the service account lacks " + strings.Join(missing, ", ") + ".",
			Fix:     "Grant it Browser on the project (IAM & Admin → IAM), or a custom role with " + strings.Join(missing, ", ") + "."}
	}
	r := providers.CheckResult{Status: providers.StatusOK, Account: who, Permissions: perms,
		Summary: "The key works for " + who + " with every permission Patchbay needs."}
	if excess := providers.Excess(perms); len(excess) > 0 {
		r.Summary += " It also holds " + strings.Join(excess, ", ") + ", which Patchbay never uses."
		r.Fix = "Patchbay needs only resourcemanager.projects.get: give the service account Browser instead of admin roles, so that a leaked key can do little."
	}
	return r
}

func tokenFailure(c providers.Caller, status int, body []byte) providers.CheckResult {
	var e tokenError
	_ = json.Unmarshal(body, &e)
	switch {
	case e.Error == "invalid_grant" && strings.Contains(e.Description, "Invalid JWT Signature"):
		return providers.CheckResult{Status: providers.StatusExpired, Field: "key_file",
			Summary: "Google rejected the key's signature: the key was deleted or disabled, or does not belong to this service account.",
			Fix:     "Create a new JSON key for the service account (IAM & Admin → Service accounts → Keys) and choose it here."}
	case e.Error == "invalid_grant" && strings.Contains(e.Description, "iat and exp"):
		return providers.CheckResult{Status: providers.StatusInvalid, Field: "key_file",
			Summary: "Google rejected the token request because this machine's clock is off.",
			Fix:     "Synchronise the system clock (NTP) and check again."}
	case e.Error == "invalid_grant" || e.Error == "deleted_client" || e.Error == "invalid_client":
		return providers.CheckResult{Status: providers.StatusExpired, Field: "key_file",
			Summary: "Google no longer accepts this service account or key (" + e.Error + "); it may have been deleted.",
			Fix:     "Check the service account still exists and create a new JSON key for it."}
	case status == http.StatusUnauthorized:
		return providers.CheckResult{Status: providers.StatusInvalid, Field: "key_file",
			Summary: "Google rejected the service account key.", Fix: "Create a new JSON key and choose it here."}
	case status == http.StatusForbidden:
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "key_file",
			Summary: "Google refused to issue a token for this service account (it may be disabled).",
			Fix:     "Enable the service account in IAM & Admin → Service accounts."}
	}
	return c.Unexpected(status)
}

// callerTransport sends the token library's requests through the
// Caller and keeps the Caller's diagnosis of a failure the library would
// only report as text.
type callerTransport struct {
	c   providers.Caller
	bad *providers.CheckResult
}

func (t *callerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, bad := t.c.Do(req)
	if bad != nil {
		t.bad = bad
		return nil, errCaller
	}
	return &http.Response{StatusCode: resp.Status, Status: http.StatusText(resp.Status), Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(resp.Body)), ContentLength: int64(len(resp.Body)), Request: req,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}, nil
}

var errCaller = errors.New("gcp: token request failed")
