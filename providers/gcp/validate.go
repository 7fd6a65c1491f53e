package gcp

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

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
	k, key, err := parseKeyFile(v["key_file"])
	if err != nil {
		return providers.CheckResult{Status: providers.StatusMalformed, Field: "key_file", Summary: err.Error(),
			Fix: "Download a new JSON key for the service account and choose that file."}
	}
	aud := tokenURL(env, k)
	assertion, err := signJWT(key, k, aud, time.Now())
	if err != nil {
		return providers.CheckResult{Status: providers.StatusMalformed, Field: "key_file",
			Summary: "The key file's private key cannot sign.", Fix: "Download a new JSON key for the service account."}
	}
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {assertion}}
	req, bad := c.NewRequest(ctx, http.MethodPost, aud, strings.NewReader(form.Encode()))
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

	project := v["project_id"]
	if project == "" {
		return providers.CheckResult{Status: providers.StatusMissing, Field: "project_id", Account: k.ClientEmail,
			Summary: "The key works but no project ID is known.", Fix: "Fill in the project ID."}
	}
	body, _ := json.Marshal(map[string]any{"permissions": append(slices.Clone(RequiredPermissions), ExcessProbes...)})
	crm := env.BaseURLAny(DefaultCRMURL, "GCP_CRM", "GCP")
	req, bad = c.NewRequest(ctx, http.MethodPost, crm+"/v1/projects/"+url.PathEscape(project)+":testIamPermissions", bytes.NewReader(body))
	if bad != nil {
		return *bad
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	resp, bad = c.Do(req)
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

func tokenFailure(c providers.Caller, resp *providers.Response) providers.CheckResult {
	var e tokenError
	_ = json.Unmarshal(resp.Body, &e)
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
	case resp.Status == http.StatusUnauthorized:
		return providers.CheckResult{Status: providers.StatusInvalid, Field: "key_file",
			Summary: "Google rejected the service account key.", Fix: "Create a new JSON key and choose it here."}
	case resp.Status == http.StatusForbidden:
		return providers.CheckResult{Status: providers.StatusInsufficientPermissions, Field: "key_file",
			Summary: "Google refused to issue a token for this service account (it may be disabled).",
			Fix:     "Enable the service account in IAM & Admin → Service accounts."}
	}
	return c.Unexpected(resp.Status)
}

// signJWT builds the RS256 assertion of the JWT-bearer grant.
func signJWT(key *rsa.PrivateKey, k keyFile, aud string, now time.Time) (string, error) {
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": k.PrivateKeyID})
	claims, _ := json.Marshal(map[string]any{
		"iss": k.ClientEmail, "scope": scope, "aud": aud,
		"iat": now.Add(-10 * time.Second).Unix(), "exp": now.Add(time.Hour - 10*time.Second).Unix(),
	})
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString(header) + "." + enc.EncodeToString(claims)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return signing + "." + enc.EncodeToString(sig), nil
}
