package redistest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/redis/redistest"
)

func get(t *testing.T, s *redistest.Server, account, user string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+"/v1/", nil)
	if account != "" {
		req.Header.Set("x-api-key", account)
	}
	if user != "" {
		req.Header.Set("x-api-secret-key", user)
	}
	req.Header.Set("Accept", "application/json")
	resp, raw := providertest.Do(t, req)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp, out
}

// TestRefusals: the fake refuses a request without both keys and, past
// 400 requests a minute per key, answers 429, as Redis Cloud documents.
func TestRefusals(t *testing.T) {
	t.Parallel()
	s := redistest.New(t)
	for _, tc := range []struct{ name, account, user string }{
		{"no user key", redistest.AccountKey, ""},
		{"no account key", "", redistest.UserKey},
		{"wrong user key", redistest.AccountKey, "wrong"},
	} {
		if resp, body := get(t, s, tc.account, tc.user); resp.StatusCode != 401 || body["error"] == nil {
			t.Errorf("%s: %d %v, want 401", tc.name, resp.StatusCode, body)
		}
	}
	for i := 1; i <= redistest.RequestsPerMinute; i++ {
		if resp, body := get(t, s, redistest.AccountKey, redistest.UserKey); resp.StatusCode != 200 {
			t.Fatalf("request %d: %d %v", i, resp.StatusCode, body)
		}
	}
	resp, body := get(t, s, redistest.AccountKey, redistest.UserKey)
	if e, _ := body["error"].(map[string]any); resp.StatusCode != 429 || resp.Header.Get("X-Rate-Limit-Remaining") != "0" || e["status"] != "Too Many Requests" {
		t.Errorf("request %d: %d %v, want 429", redistest.RequestsPerMinute+1, resp.StatusCode, body)
	}
}
