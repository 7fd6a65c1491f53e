package netlify_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/contracttest"
	"github.com/patchbay-dev/patchbay/providers/netlify"
	"github.com/patchbay-dev/patchbay/providers/netlify/netlifytest"
)

// netlifyPaths are the Netlify API paths Patchbay calls, as Netlify's
// description spells them (under its basePath /api/v1): the credential
// check's current user. The OAuth token exchange (POST /oauth/token) is
// outside the API the description covers; TestOAuthFlow checks it
// against the fake.
var netlifyPaths = []string{"/user"}

// TestContractNetlify sends every request the Netlify provider makes to
// its API to Stoplight Prism serving Netlify's own description
// (@netlify/open-api) with request validation — its OAuth2 security
// included — and fails on any request the description refuses. Prism
// answers from the description's examples and schemas, so this also
// proves the check decodes the documented user.
func TestContractNetlify(t *testing.T) {
	t.Parallel()
	doc, err := contracttest.Subset(contracttest.SpecPath(t, contracttest.NetlifySpec), netlifyPaths...)
	if err != nil {
		t.Fatal(err)
	}
	prism := contracttest.Mock{URL: contracttest.StartPrism(t, "netlify", doc), Judge: contracttest.Prism}
	ctx := context.Background()

	t.Run("validation", func(t *testing.T) {
		f := contracttest.NewFront(t, prism)
		env := &providers.Env{Endpoints: map[string]string{"NETLIFY": f.URL}}
		got := netlify.Provider().Credentials.Check(ctx, providers.Values{"client_id": netlifytest.ClientID,
			"client_secret": netlifytest.ClientSecret, "access_token": netlifytest.Token}, env)
		if got.Status != providers.StatusOK || got.Account == "" {
			t.Errorf("check = %v account %q (%s), want ok with the example user's email", got.Status, got.Account, got.Summary)
		}
		if !f.Sent(http.MethodGet, "/api/v1/user", "") {
			t.Errorf("the check did not send GET /api/v1/user; sent %v", f.Requests())
		}
	})

	// The check itself: requests the description does not allow are
	// refused, each with Prism's reason.
	t.Run("refused", func(t *testing.T) {
		f := contracttest.NewCollectingFront(t, prism)
		for _, tc := range []struct {
			name, path, auth, want string
		}{
			{"no token", "/api/v1/user", "", "security"},
			{"without the base path", "/user", "Bearer " + netlifytest.Token, "no path matched"},
			{"path the description lacks", "/api/v1/users", "Bearer " + netlifytest.Token, "no path matched"},
		} {
			f.Reset()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.URL+tc.path, nil)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			refused := f.Refusals()
			if len(refused) != 1 || !strings.Contains(strings.ToLower(refused[0]), tc.want) {
				t.Errorf("%s: refusals = %q, want one naming %q", tc.name, refused, tc.want)
			}
		}
	})
}
