package auth0test_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/providers/auth0/auth0test"
	"github.com/patchbay-dev/patchbay/providers/providertest"
)

const audience = "https://" + auth0test.Domain + "/api/v2/"

type answer struct {
	status int
	header http.Header
	body   map[string]any
	list   []map[string]any
}

func call(t *testing.T, method, u, token, contentType, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, raw := providertest.Do(t, req)
	a := answer{status: resp.StatusCode, header: resp.Header}
	if len(raw) > 0 && raw[0] == '[' {
		if err := json.Unmarshal(raw, &a.list); err != nil {
			t.Fatalf("%s %s: %v: %s", method, u, err, raw)
		}
	} else if len(raw) > 0 {
		if err := json.Unmarshal(raw, &a.body); err != nil {
			t.Fatalf("%s %s: %v: %s", method, u, err, raw)
		}
	}
	return a
}

func token(t *testing.T, s *auth0test.Server, scope string) string {
	t.Helper()
	in, _ := json.Marshal(map[string]string{"grant_type": "client_credentials", "client_id": auth0test.ClientID,
		"client_secret": auth0test.ClientSecret, "audience": audience, "scope": scope})
	a := call(t, http.MethodPost, s.URL+"/oauth/token", "", "application/json", string(in))
	if a.status != http.StatusOK {
		t.Fatalf("token: %d %v", a.status, a.body)
	}
	return a.body["access_token"].(string)
}

func TestTokenEndpoint(t *testing.T) {
	t.Parallel()
	s := auth0test.New(t)
	s.AddClient("NoGrant", auth0test.Client{Secret: "s2"})
	form := func(kv ...string) string {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v.Encode()
	}
	cases := []struct {
		name, body           string
		basic                bool
		wantStatus           int
		wantError, wantDescr string
		wantScope            string
	}{
		{name: "form", body: form("grant_type", "client_credentials", "client_id", auth0test.ClientID, "client_secret", auth0test.ClientSecret, "audience", audience),
			wantStatus: 200, wantScope: strings.Join(auth0test.AllScopes, " ")},
		{name: "basic auth", basic: true, body: form("grant_type", "client_credentials", "audience", audience), wantStatus: 200},
		{name: "requested subset", body: form("grant_type", "client_credentials", "client_id", auth0test.ClientID, "client_secret", auth0test.ClientSecret,
			"audience", audience, "scope", "read:clients"), wantStatus: 200, wantScope: "read:clients"},
		{name: "scope outside the grant", body: form("grant_type", "client_credentials", "client_id", auth0test.ClientID, "client_secret", auth0test.ClientSecret,
			"audience", audience, "scope", "read:clients delete:users"), wantStatus: 403, wantError: "access_denied", wantDescr: "Client has not been granted scopes: delete:users"},
		{name: "no grant type", body: form("client_id", auth0test.ClientID), wantStatus: 400, wantError: "invalid_request"},
		{name: "wrong secret", body: form("grant_type", "client_credentials", "client_id", auth0test.ClientID, "client_secret", "nope", "audience", audience),
			wantStatus: 401, wantError: "access_denied", wantDescr: "Unauthorized"},
		{name: "custom domain audience", body: form("grant_type", "client_credentials", "client_id", auth0test.ClientID, "client_secret", auth0test.ClientSecret,
			"audience", "https://login.example.com/api/v2/"), wantStatus: 403, wantError: "access_denied", wantDescr: "Service not found: https://login.example.com/api/v2/"},
		{name: "no client grant", body: form("grant_type", "client_credentials", "client_id", "NoGrant", "client_secret", "s2", "audience", audience),
			wantStatus: 403, wantError: "access_denied", wantDescr: `Client is not authorized to access "` + audience + `"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, s.URL+"/oauth/token", strings.NewReader(c.body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if c.basic {
				req.SetBasicAuth(auth0test.ClientID, auth0test.ClientSecret)
			}
			resp, raw := providertest.Do(t, req)
			var got map[string]any
			_ = json.Unmarshal(raw, &got)
			if resp.StatusCode != c.wantStatus {
				t.Fatalf("status %d, want %d: %v", resp.StatusCode, c.wantStatus, got)
			}
			if c.wantError != "" && got["error"] != c.wantError {
				t.Errorf("error = %v, want %s", got["error"], c.wantError)
			}
			if d, _ := got["error_description"].(string); !strings.HasPrefix(d, c.wantDescr) {
				t.Errorf("error_description = %q, want prefix %q", d, c.wantDescr)
			}
			if c.wantScope != "" && got["scope"] != c.wantScope {
				t.Errorf("scope = %v, want %s", got["scope"], c.wantScope)
			}
		})
	}
}

func TestClientsResource(t *testing.T) {
	t.Parallel()
	s := auth0test.New(t)
	var mu sync.Mutex
	var changes []int
	s.SetAfterChange(func(n int) {
		mu.Lock()
		defer mu.Unlock()
		changes = append(changes, n)
	})
	all := token(t, s, "")
	noKeys := token(t, s, "read:clients create:clients update:clients")
	readOnly := token(t, s, "read:clients")
	api := s.URL + "/api/v2/clients"
	const js = "application/json"

	created := call(t, http.MethodPost, api, all, js, `{"name":"shop","app_type":"regular_web","callbacks":["http://a/cb","http://b/cb"],"web_origins":["http://a"]}`)
	if created.status != http.StatusCreated || created.body["client_secret"] == "" || created.body["client_secret"] == nil {
		t.Fatalf("create: %d %v", created.status, created.body)
	}
	id := created.body["client_id"].(string)
	secret := created.body["client_secret"].(string)

	// PATCH replaces the arrays it sends and keeps the ones it does not.
	patched := call(t, http.MethodPatch, api+"/"+id, noKeys, js, `{"callbacks":["http://b/cb"]}`)
	if patched.status != http.StatusOK {
		t.Fatalf("patch: %d %v", patched.status, patched.body)
	}
	if d := cmp.Diff(map[string]any{"callbacks": []any{"http://b/cb"}, "web_origins": []any{"http://a"}},
		map[string]any{"callbacks": patched.body["callbacks"], "web_origins": patched.body["web_origins"]}); d != "" {
		t.Errorf("after patch (-want +got):\n%s", d)
	}
	if _, ok := patched.body["client_secret"]; ok {
		t.Error("patch answer shows client_secret to a token without read:client_keys")
	}
	if got := call(t, http.MethodGet, api+"/"+id, all, "", ""); got.body["client_secret"] != secret {
		t.Errorf("read with read:client_keys: secret %v", got.body["client_secret"])
	}
	if got := call(t, http.MethodGet, api+"/"+id, noKeys, "", ""); got.status != 200 || got.body["client_secret"] != nil {
		t.Errorf("read without read:client_keys: %d, secret %v", got.status, got.body["client_secret"])
	}
	// Rotating needs update:client_keys, not update:clients.
	if denied := call(t, http.MethodPost, api+"/"+id+"/rotate-secret", noKeys, "", ""); denied.status != http.StatusForbidden || denied.body["errorCode"] != "insufficient_scope" {
		t.Errorf("rotate without update:client_keys: %d %v", denied.status, denied.body)
	}
	rotated := call(t, http.MethodPost, api+"/"+id+"/rotate-secret", all, "", "")
	if rotated.status != 200 || rotated.body["client_secret"] == secret || s.Apps()[id].ClientSecret != rotated.body["client_secret"] {
		t.Errorf("rotate: %d %v", rotated.status, rotated.body["client_secret"] != secret)
	}

	// The list pages every application, the fake's own included, and
	// projects the requested fields.
	list := call(t, http.MethodGet, api+"?fields=client_id,name&include_fields=true&per_page=1&page=1", readOnly, "", "")
	if d := cmp.Diff([]map[string]any{{"client_id": id, "name": "shop"}}, list.list); d != "" || list.header.Get("X-RateLimit-Limit") == "" {
		t.Errorf("list page 1 (-want +got):\n%s\nheaders %v", d, list.header)
	}

	errs := []struct {
		name, method, path, token, body string
		status                          int
		message, code                   string
	}{
		{"no token", http.MethodGet, "", "", "", 401, "Invalid token", ""},
		{"scope missing", http.MethodPost, "", readOnly, `{"name":"x"}`, 403, "Insufficient scope, expected any of: create:clients", "insufficient_scope"},
		{"name missing", http.MethodPost, "", all, `{"callbacks":[]}`, 400, "Payload validation error: 'Missing required property: name'.", "invalid_body"},
		{"unknown property", http.MethodPost, "", all, `{"name":"x","colour":"red"}`, 400, "Payload validation error: 'Additional properties not allowed: colour'.", "invalid_body"},
		{"client_id not writable", http.MethodPatch, "/" + id, all, `{"client_id":"other"}`, 400, "Payload validation error: 'Additional properties not allowed: client_id'.", "invalid_body"},
		{"bad app_type", http.MethodPost, "", all, `{"name":"x","app_type":"desktop"}`, 400, `Payload validation error: 'No enum match for: "desktop"' on property app_type.`, "invalid_body"},
		{"wrong type", http.MethodPatch, "/" + id, all, `{"callbacks":"http://a"}`, 400, "Payload validation error: 'Expected a different type' on property callbacks.", "invalid_body"},
		{"callback not a URL", http.MethodPatch, "/" + id, all, `{"callbacks":["example.com/cb"]}`, 400, "Payload validation error: 'Object didn't pass validation for format callback-url: example.com/cb' on property callbacks[0].", "invalid_body"},
		{"web origin with a path", http.MethodPatch, "/" + id, all, `{"web_origins":["https://app.example.com/login"]}`, 400, "Payload validation error: 'Object didn't pass validation for format url-origin: https://app.example.com/login' on property web_origins[0].", "invalid_body"},
		{"metadata value over 255", http.MethodPatch, "/" + id, all, `{"client_metadata":{"k":"` + strings.Repeat("v", 256) + `"}}`, 400, "Payload validation error: 'String is too long (256 chars), maximum 255' on property client_metadata.k.", "invalid_body"},
		{"unknown client", http.MethodGet, "/nope", all, "", 404, "The client does not exist", "inexistent_client"},
		{"unknown route", http.MethodGet, "/" + id + "/grants", all, "", 404, "Not Found", ""},
	}
	for _, e := range errs {
		got := call(t, e.method, api+e.path, e.token, js, e.body)
		want := map[string]any{"statusCode": float64(e.status), "error": http.StatusText(e.status), "message": e.message}
		if e.code != "" {
			want["errorCode"] = e.code
		}
		if got.status != e.status || !cmp.Equal(want, got.body) {
			t.Errorf("%s: %d %v, want %d %v", e.name, got.status, got.body, e.status, want)
		}
	}

	if got := call(t, http.MethodDelete, api+"/"+id, all, "", ""); got.status != http.StatusNoContent {
		t.Errorf("delete: %d", got.status)
	}
	if len(s.Apps()) != 0 {
		t.Errorf("apps after delete: %v", s.Apps())
	}
	mu.Lock()
	defer mu.Unlock()
	if d := cmp.Diff([]int{1, 2, 3, 4}, changes); d != "" {
		t.Errorf("AfterChange calls (create, patch, rotate, delete) (-want +got):\n%s", d)
	}

	s.ExpireTokens()
	if got := call(t, http.MethodGet, api, all, "", ""); got.status != 401 || got.body["message"] != "Expired token received for JSON Web Token validation" {
		t.Errorf("expired token: %d %v", got.status, got.body)
	}
}

func TestRateLimitFault(t *testing.T) {
	t.Parallel()
	s := auth0test.New(t)
	tok := token(t, s, "")
	s.Inject(providertest.Fault{Kind: providertest.RateLimited, Path: "/api/v2/", Times: 1, RetryAfter: 3 * time.Second})
	got := call(t, http.MethodGet, s.URL+"/api/v2/clients", tok, "", "")
	if got.status != 429 || got.body["errorCode"] != "too_many_requests" || got.header.Get("Retry-After") != "3" || got.header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("throttled: %d %v %v", got.status, got.body, got.header)
	}
	if got := call(t, http.MethodGet, s.URL+"/api/v2/clients", tok, "", ""); got.status != 200 {
		t.Errorf("after the fault: %d", got.status)
	}
}
