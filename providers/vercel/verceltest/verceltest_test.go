package verceltest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/vercel/verceltest"
)

// TestRefusals: the fake refuses what Vercel refuses for the calls Patchbay
// makes, with Vercel's status and {"error": {"code", "message", …}} body.
func TestRefusals(t *testing.T) {
	t.Parallel()
	s := verceltest.New(t)
	for _, tc := range []struct {
		name, token, path string
		status            int
		flag              string
	}{
		{"token metadata", verceltest.Token, "/v5/user/tokens/current?teamId=" + verceltest.TeamID, 200, ""},
		{"another team's token metadata", verceltest.Token, "/v5/user/tokens/current?teamId=team_other", 403, ""},
		{"another team", verceltest.Token, "/v2/teams/team_other", 403, ""},
		{"no token", "", "/v2/user", 403, "missingToken"},
		{"unknown token", "nope", "/v2/user", 403, "invalidToken"},
	} {
		req, _ := http.NewRequest("GET", s.URL+tc.path, nil)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, raw := providertest.Do(t, req)
		var body map[string]map[string]any
		_ = json.Unmarshal(raw, &body)
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, resp.StatusCode, raw, tc.status)
			continue
		}
		if tc.status == 200 {
			scopes, _ := body["token"]["scopes"].([]any)
			if body["token"]["id"] == nil || len(scopes) != 2 {
				t.Errorf("%s: %s", tc.name, raw)
			}
			continue
		}
		e := body["error"]
		if e["code"] != "forbidden" || e["message"] == nil || tc.flag != "" && e[tc.flag] != true {
			t.Errorf("%s: %s, want error code forbidden %s", tc.name, raw, tc.flag)
		}
	}
}
