package mongodbtest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/providers/mongodb/mongodbtest"
	"github.com/patchbay-dev/patchbay/providers/providertest"
)

func token(t *testing.T, s *mongodbtest.Server, ctype string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL+"/api/oauth/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	req.SetBasicAuth(mongodbtest.ClientID, mongodbtest.ClientSecret)
	req.Header.Set("Content-Type", ctype)
	resp, raw := providertest.Do(t, req)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

// TestRefusals: the fake refuses what the Atlas Admin API refuses for the
// calls Patchbay makes (token request, organization list), with Atlas's
// status and error envelope.
func TestRefusals(t *testing.T) {
	t.Parallel()
	s := mongodbtest.New(t)
	if st, out := token(t, s, "application/json"); st != 400 || out["error"] != "invalid_request" {
		t.Errorf("JSON token request: %d %v", st, out)
	}
	st, out := token(t, s, "application/x-www-form-urlencoded")
	tok, _ := out["access_token"].(string)
	if st != 200 || tok == "" || out["token_type"] != "Bearer" {
		t.Fatalf("token: %d %v", st, out)
	}
	for _, tc := range []struct {
		name, query, accept string
		status              int
		code                string
	}{
		{"ok", "?itemsPerPage=500&pageNum=1", "application/vnd.atlas.2023-01-01+json", 200, ""},
		{"itemsPerPage over 500", "?itemsPerPage=501&pageNum=1", "application/vnd.atlas.2023-01-01+json", 400, "INVALID_QUERY_PARAMETER"},
		{"pageNum 0", "?itemsPerPage=100&pageNum=0", "application/vnd.atlas.2023-01-01+json", 400, "INVALID_QUERY_PARAMETER"},
		{"unversioned Accept", "", "application/json", 406, "INVALID_VERSION_HEADER"},
		{"malformed version", "", "application/vnd.atlas.latest+json", 406, "INVALID_VERSION_HEADER"},
	} {
		req, _ := http.NewRequest("GET", s.URL+"/api/atlas/v2/orgs"+tc.query, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept", tc.accept)
		resp, raw := providertest.Do(t, req)
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d %v, want %d", tc.name, resp.StatusCode, body, tc.status)
			continue
		}
		if tc.status == 200 {
			res, _ := body["results"].([]any)
			if len(res) != 1 || body["totalCount"] != float64(1) || body["links"] == nil {
				t.Errorf("%s: %v", tc.name, body)
			}
			continue
		}
		// ApiError: detail, error (the status), errorCode, reason.
		if body["errorCode"] != tc.code || body["error"] != float64(tc.status) || body["detail"] == nil || body["reason"] != http.StatusText(tc.status) {
			t.Errorf("%s: %v, want errorCode %s", tc.name, body, tc.code)
		}
	}
}
