package oktatest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/providers/okta/oktatest"
	"github.com/patchbay-dev/patchbay/providers/providertest"
)

func call(t *testing.T, s *oktatest.Server, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "SSWS "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, raw := providertest.Do(t, req)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

const webApp = `{"name":"oidc_client","label":"shop-web-local","signOnMode":"OPENID_CONNECT",
	"credentials":{"oauthClient":{"token_endpoint_auth_method":"client_secret_basic"}},
	"settings":{"oauthClient":{"redirect_uris":["https://shop.example/callback"],"response_types":["code"],
	"grant_types":["authorization_code"],"application_type":"web"}}}`

// The fake answers in Okta's error object and refuses what the Apps API
// refuses (see the package comment for the docs).
func TestRefusals(t *testing.T) {
	t.Parallel()
	s := oktatest.New(t)
	for _, c := range []struct {
		name, method, path, token, body string
		status                          int
		code, cause                     string
	}{
		{"no token", "GET", "/api/v1/apps", "", "", 401, "E0000011", ""},
		{"wrong token", "GET", "/api/v1/users/me", "00wrong", "", 401, "E0000011", ""},
		{"no label", "POST", "/api/v1/apps", oktatest.Token, strings.Replace(webApp, `"shop-web-local"`, `""`, 1), 400, "E0000001", "label"},
		{"not oidc", "POST", "/api/v1/apps", oktatest.Token, strings.Replace(webApp, `"OPENID_CONNECT"`, `"SAML_2_0"`, 1), 400, "E0000001", "signOnMode"},
		{"web without redirect", "POST", "/api/v1/apps", oktatest.Token, strings.Replace(webApp, `["https://shop.example/callback"]`, `[]`, 1), 400, "E0000001", "redirect_uris"},
		{"relative redirect", "POST", "/api/v1/apps", oktatest.Token, strings.Replace(webApp, `https://shop.example/callback`, `/callback`, 1), 400, "E0000001", "not a valid absolute URI"},
		{"redirect with fragment", "POST", "/api/v1/apps", oktatest.Token, strings.Replace(webApp, `https://shop.example/callback`, `https://shop.example/cb#x`, 1), 400, "E0000001", "fragment"},
		{"malformed body", "POST", "/api/v1/apps", oktatest.Token, `{"label":`, 400, "E0000003", ""},
		{"unknown app", "GET", "/api/v1/apps/0oanope", oktatest.Token, "", 404, "E0000007", ""},
		{"unknown user", "GET", "/api/v1/users/nobody@example.test", oktatest.Token, "", 404, "E0000007", ""},
	} {
		status, body := call(t, s, c.method, c.path, c.token, c.body)
		if status != c.status || body["errorCode"] != c.code || body["errorSummary"] == "" || body["errorId"] == nil {
			t.Errorf("%s: %d %v, want %d %s", c.name, status, body, c.status, c.code)
			continue
		}
		if c.cause != "" && !strings.Contains(body["errorSummary"].(string), c.cause) {
			t.Errorf("%s: summary %q lacks %q", c.name, body["errorSummary"], c.cause)
		}
	}
	if n := len(s.Apps()); n != 0 {
		t.Errorf("refused requests created %d apps", n)
	}
}

// An app's secret is in the create answer and the secrets list, not in
// reads of the app; an active app cannot be deleted.
func TestAppLifecycle(t *testing.T) {
	t.Parallel()
	s := oktatest.New(t)
	status, app := call(t, s, "POST", "/api/v1/apps?activate=true", oktatest.Token, webApp)
	if status != 200 || app["status"] != "ACTIVE" {
		t.Fatalf("create: %d %v", status, app)
	}
	id := app["id"].(string)
	secret := app["credentials"].(map[string]any)["oauthClient"].(map[string]any)["client_secret"]
	if secret == nil || secret != s.Secret(id) {
		t.Fatalf("create answer secret %v, fake holds %q", secret, s.Secret(id))
	}
	_, got := call(t, s, "GET", "/api/v1/apps/"+id, oktatest.Token, "")
	if _, ok := got["credentials"].(map[string]any)["oauthClient"].(map[string]any)["client_secret"]; ok {
		t.Errorf("read shows the secret: %v", got)
	}
	req, _ := http.NewRequest("GET", s.URL+"/api/v1/apps/"+id+"/credentials/secrets", nil)
	req.Header.Set("Authorization", "SSWS "+oktatest.Token)
	_, raw := providertest.Do(t, req)
	var list []map[string]string
	if err := json.Unmarshal(raw, &list); err != nil || len(list) != 1 || list[0]["client_secret"] != secret || list[0]["status"] != "ACTIVE" {
		t.Errorf("secrets list = %s", raw)
	}

	if status, body := call(t, s, "DELETE", "/api/v1/apps/"+id, oktatest.Token, ""); status != 403 || body["errorCode"] != "E0000056" {
		t.Errorf("deleting an active app: %d %v", status, body)
	}
	if status, _ := call(t, s, "POST", "/api/v1/apps/"+id+"/lifecycle/deactivate", oktatest.Token, ""); status != 200 {
		t.Fatalf("deactivate: %d", status)
	}
	if status, _ := call(t, s, "DELETE", "/api/v1/apps/"+id, oktatest.Token, ""); status != 204 {
		t.Errorf("delete: %d", status)
	}
	if n := len(s.Apps()); n != 0 {
		t.Errorf("%d apps left", n)
	}
}

// A token whose owner does not administer apps gets E0000006 from the Apps
// API but can still read itself.
func TestNotAnAppAdmin(t *testing.T) {
	t.Parallel()
	s := oktatest.New(t)
	s.SetAdmin(false)
	if status, body := call(t, s, "GET", "/api/v1/apps", oktatest.Token, ""); status != 403 || body["errorCode"] != "E0000006" {
		t.Errorf("apps: %d %v", status, body)
	}
	if status, body := call(t, s, "GET", "/api/v1/users/me", oktatest.Token, ""); status != 200 || body["id"] != oktatest.AdminID {
		t.Errorf("users/me: %d %v", status, body)
	}
}

// A Read-only Administrator reads the Apps API but may not change it.
func TestReadOnlyAdmin(t *testing.T) {
	t.Parallel()
	s := oktatest.New(t)
	s.SetReadOnlyAdmin(true)
	if status, body := call(t, s, "GET", "/api/v1/apps", oktatest.Token, ""); status != 200 {
		t.Errorf("list: %d %v", status, body)
	}
	if status, body := call(t, s, "POST", "/api/v1/apps", oktatest.Token, `{"name":"oidc_client","label":"x","signOnMode":"OPENID_CONNECT"}`); status != 403 || body["errorCode"] != "E0000006" {
		t.Errorf("create: %d %v", status, body)
	}
}
