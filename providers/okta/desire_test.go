package okta_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/okta"
)

func oktaCallback(svc, path, route string, logouts ...string) *patchbayv1.Finding {
	return &patchbayv1.Finding{Kind: patchbayv1.FindingKind_OAUTH_CALLBACK, Provider: "okta", Service: svc,
		Location: &patchbayv1.Location{Path: path, StartLine: 4},
		Detail:   &patchbayv1.Finding_Callback{Callback: &patchbayv1.OAuthCallback{Route: route, LogoutRoutes: logouts}}}
}

// Each service with Okta callbacks gets one web OIDC app: its redirect URIs
// are the callbacks under the frontend URL (absolute ones as written), its
// post-logout redirect URIs the frontend URL and the logout routes.
func TestDesire(t *testing.T) {
	t.Parallel()
	in := providers.DesiredInput{
		Workspace:   "shop",
		Environment: providers.Environment{Name: "staging", FrontendURL: "https://staging.shop.example/"},
		Services:    []*patchbayv1.Service{{Path: "web", Name: "web"}, {Path: "admin", Name: "admin"}},
		Findings: []*patchbayv1.Finding{
			oktaCallback("web", "web/server.js", "/authorization-code/callback", "/logout"),
			oktaCallback("web", "web/sso.js", "https://sso.shop.example/callback"),
			oktaCallback("admin", "admin/app.js", "/login/callback"),
			// Another provider's callback is not Okta's business.
			{Kind: patchbayv1.FindingKind_OAUTH_CALLBACK, Provider: "auth0", Service: "web",
				Detail: &patchbayv1.Finding_Callback{Callback: &patchbayv1.OAuthCallback{Route: "/api/auth/callback"}}},
		},
		Profiles: map[string]string{"okta": "work"},
	}
	ds, warnings := okta.Desire(in)
	if len(ds) != 2 || len(warnings) != 0 {
		t.Fatalf("desired = %v, warnings %v", ds, warnings)
	}
	admin, web := ds[0], ds[1]
	if web.Key != (providers.Key{Provider: "okta", Type: "oidc_app", Name: "web"}) || web.Profile != "work" || web.Service != "web" {
		t.Errorf("web = %+v", web)
	}
	want := providers.Props{
		"name":                      {"shop-web-staging"},
		"app_type":                  {"web"},
		"redirect_uris":             {"https://sso.shop.example/callback", "https://staging.shop.example/authorization-code/callback"},
		"post_logout_redirect_uris": {"https://staging.shop.example", "https://staging.shop.example/logout"},
	}
	if d := cmp.Diff(want, web.Props); d != "" {
		t.Errorf("web props (-want +got):\n%s", d)
	}
	if got := admin.Props["redirect_uris"]; len(got) != 1 || got[0] != "https://staging.shop.example/login/callback" {
		t.Errorf("admin redirect_uris = %v", got)
	}
	if !strings.Contains(web.Reason, "OAuth callback /authorization-code/callback at web/server.js:4") {
		t.Errorf("reason = %q", web.Reason)
	}
	outputs := map[string]string{}
	for _, b := range web.Bindings {
		outputs[b.Names[0]] = b.Output
		if b.Secret != (b.Output == "client_secret") {
			t.Errorf("%s: secret = %v", b.Names[0], b.Secret)
		}
	}
	if d := cmp.Diff(map[string]string{"OKTA_CLIENT_ID": "client_id", "OKTA_CLIENT_SECRET": "client_secret", "OKTA_ISSUER": "issuer",
		"OKTA_ORG_URL": "org_url", "OKTA_DOMAIN": "domain"}, outputs); d != "" {
		t.Errorf("bindings (-want +got):\n%s", d)
	}
}

// Without a frontend URL there is nothing to redirect to: a warning, no app.
func TestDesireNeedsFrontendURL(t *testing.T) {
	t.Parallel()
	ds, warnings := okta.Desire(providers.DesiredInput{Environment: providers.Environment{Name: "local"},
		Findings: []*patchbayv1.Finding{oktaCallback(".", "server.js", "/authorization-code/callback")}})
	if len(ds) != 0 || len(warnings) != 1 || !strings.Contains(warnings[0], "patchbay env set-url") {
		t.Errorf("desired %v, warnings %v", ds, warnings)
	}
}
