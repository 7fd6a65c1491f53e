package auth0

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers"
)

// TestAuth0UsesDetectedLogoutRoutesAndOrigins: relative routes go under the
// environment's frontend URL; absolute URLs and origins the code names are
// allowed as written.
func TestAuth0UsesDetectedLogoutRoutesAndOrigins(t *testing.T) {
	in := providers.DesiredInput{
		Workspace:   "shop",
		Environment: providers.Environment{Name: "staging", FrontendURL: "https://staging.shop.example/", ExtraOrigins: []string{"https://preview.shop.example"}},
		Findings: []*patchbayv1.Finding{{
			Kind: patchbayv1.FindingKind_OAUTH_CALLBACK, Provider: "auth0", Service: ".",
			Location: &patchbayv1.Location{Path: "server.js", StartLine: 3},
			Detail: &patchbayv1.Finding_Callback{Callback: &patchbayv1.OAuthCallback{
				Route:        "/callback",
				LogoutRoutes: []string{"/logout", "https://shop.example/goodbye"},
				Origins:      []string{"https://admin.shop.example/some/path", "not a url"},
			}},
		}},
	}
	ds, warnings := Desire(in)
	if len(ds) != 1 || len(warnings) != 0 {
		t.Fatalf("desired = %v, warnings %v", ds, warnings)
	}
	p := ds[0].Props
	want := providers.Props{
		"callbacks":           {"https://staging.shop.example/callback"},
		"allowed_logout_urls": {"https://shop.example/goodbye", "https://staging.shop.example", "https://staging.shop.example/logout"},
		"web_origins":         {"https://admin.shop.example", "https://preview.shop.example", "https://staging.shop.example"},
	}
	for k, v := range want {
		if d := cmp.Diff(v, p[k]); d != "" {
			t.Errorf("%s (-want +got):\n%s", k, d)
		}
	}
	if d := cmp.Diff(p["web_origins"], p["allowed_origins"]); d != "" {
		t.Errorf("allowed_origins differ from web_origins:\n%s", d)
	}
}
