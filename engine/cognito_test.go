package engine_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers/aws/awstest"
)

const pool = "us-east-1_PatchbayPool1"

var (
	cognitoKey  = engine.Key{Provider: "aws", Type: "cognito_app_client", Name: "web"}
	brandingKey = engine.Key{Provider: "aws", Type: "cognito_managed_login_branding", Name: "web"}
)

func cognitoRig(t *testing.T) *extRig {
	svcs := []*patchbayv1.Service{{Path: "web", Name: "web", Language: "typescript"}}
	r := newExtRig(t, svcs, []*patchbayv1.Finding{
		callbackFinding("web", "cognito", "/api/auth/callback/cognito", "/signed-out"),
		envRead("web", "aws", "AUTH_COGNITO_ID"),
		envRead("web", "aws", "AUTH_COGNITO_SECRET"),
		envRead("web", "aws", "AUTH_COGNITO_ISSUER"),
	})
	r.aws.AddUserPool(pool)
	r.writeConfig("web", `{"cognito": {"user_pool_id": "`+pool+`"}}`)
	return r
}

func onlyClient(t *testing.T, s *awstest.Server) awstest.UserPoolClient {
	t.Helper()
	cs := s.UserPoolClients(pool)
	if len(cs) != 1 {
		t.Fatalf("app clients = %v", cs)
	}
	for _, c := range cs {
		return c
	}
	return awstest.UserPoolClient{}
}

func TestCognitoAppClientKeepsOtherSettingsAcrossURLChange(t *testing.T) {
	t.Parallel()
	r := cognitoRig(t)
	p := r.planApply()
	if d := cmp.Diff(map[string]engine.Action{cognitoKey.String(): engine.ActionCreate, brandingKey.String(): engine.ActionCreate}, changedSteps(p)); d != "" {
		t.Fatalf("plan (-want +got):\n%s\n%s", d, p.Summary())
	}
	c := onlyClient(t, r.aws)
	if d := cmp.Diff([]string{"https://dev.example.net:3000/api/auth/callback/cognito"}, c.CallbackURLs); d != "" {
		t.Errorf("callbacks (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"https://dev.example.net:3000", "https://dev.example.net:3000/signed-out"}, slices.Sorted(slices.Values(c.LogoutURLs))); d != "" {
		t.Errorf("logout URLs (-want +got):\n%s", d)
	}
	if !c.AllowedOAuthFlowsUserPoolClient || !slices.Equal(c.AllowedOAuthFlows, []string{"code"}) || c.ClientSecret == "" {
		t.Errorf("client = %+v", c)
	}
	if r.secret(cognitoKey, "client_secret") != c.ClientSecret {
		t.Errorf("client secret not captured")
	}
	vars := r.vars()
	if vars["AUTH_COGNITO_ID"] != c.ClientID || vars["AUTH_COGNITO_SECRET"] != c.ClientSecret ||
		vars["AUTH_COGNITO_ISSUER"] != "https://cognito-idp.us-east-1.amazonaws.com/"+pool {
		t.Errorf("variables = %v", vars)
	}

	// Someone tunes the client in the console: token lifetimes, auth flows,
	// attributes, and a callback of their own.
	r.aws.ModifyUserPoolClient(pool, c.ClientID, func(u *awstest.UserPoolClient) {
		u.RefreshTokenValidity, u.AccessTokenValidity = 90, 15
		u.TokenValidityUnits = map[string]string{"AccessToken": "minutes", "IdToken": "hours", "RefreshToken": "days"}
		u.ExplicitAuthFlows = []string{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"}
		u.ReadAttributes = []string{"email", "name"}
		u.EnableTokenRevocation = false
		u.CallbackURLs = append(u.CallbackURLs, "https://theirs.example/cb")
	})
	if p := r.plan(); p.HasChanges() {
		t.Errorf("their settings made a plan:\n%s", p.Summary())
	}

	// A URL change rewrites Patchbay's URLs; UpdateUserPoolClient is a full
	// replacement, so everything else must have been sent back.
	r.setURLs("https://app.example.dev", "https://api.example.dev")
	p = r.plan()
	if d := cmp.Diff(map[string]engine.Action{cognitoKey.String(): engine.ActionUpdate}, changedSteps(p)); d != "" {
		t.Fatalf("URL change plan (-want +got):\n%s\n%s", d, p.Summary())
	}
	r.apply(p)
	after := onlyClient(t, r.aws)
	if d := cmp.Diff([]string{"https://app.example.dev/api/auth/callback/cognito", "https://theirs.example/cb"}, slices.Sorted(slices.Values(after.CallbackURLs))); d != "" {
		t.Errorf("callbacks after URL change (-want +got):\n%s", d)
	}
	for _, u := range slices.Concat(after.CallbackURLs, after.LogoutURLs) {
		if strings.Contains(u, "dev.example.net") {
			t.Errorf("stale URL %s", u)
		}
	}
	if after.RefreshTokenValidity != 90 || after.AccessTokenValidity != 15 || after.TokenValidityUnits["IdToken"] != "hours" ||
		!slices.Equal(after.ExplicitAuthFlows, []string{"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"}) ||
		!slices.Equal(after.ReadAttributes, []string{"email", "name"}) || after.EnableTokenRevocation ||
		after.ClientSecret != c.ClientSecret || after.ClientName != c.ClientName {
		t.Errorf("the update reset settings Patchbay does not manage:\nbefore %+v\nafter  %+v", c, after)
	}

	r.destroy()
	if n := len(r.aws.UserPoolClients(pool)); n != 0 {
		t.Errorf("%d clients after destroy", n)
	}
}

// TestCognitoManagedLoginBranding: an app client made through the API has
// no managed login style, and without one its managed login pages do not
// work; the plan says Patchbay gives it Cognito's default style, the apply
// does (one style, for that client), a second plan is converged, destroy
// removes the style with the client, and a concurrent modification is
// retried.
func TestCognitoManagedLoginBranding(t *testing.T) {
	t.Parallel()
	r := cognitoRig(t)
	p := r.plan()
	var step *engine.Step
	for i := range p.Steps {
		if p.Steps[i].Key == brandingKey {
			step = &p.Steps[i]
		}
	}
	if step == nil || step.Action != engine.ActionCreate || !strings.Contains(step.Reason, "branding style") {
		t.Fatalf("plan has no branding create:\n%s", p.Summary())
	}
	r.aws.ConcurrentBranding(pool, 1)
	r.apply(p)
	c := onlyClient(t, r.aws)
	if !r.aws.LoginPageAvailable(pool, c.ClientID) {
		t.Errorf("the client's login page is unavailable after apply")
	}
	bs := r.aws.Brandings(pool)
	if len(bs) != 1 || !bs[c.ClientID].UseCognitoProvidedValues || bs[c.ClientID].ID == "" {
		t.Fatalf("brandings = %+v, want Cognito's default style for client %s", bs, c.ClientID)
	}
	if p := r.plan(); p.HasChanges() {
		t.Errorf("second plan:\n%s", p.Summary())
	}
	r.destroy()
	if n := len(r.aws.Brandings(pool)); n != 0 {
		t.Errorf("%d brandings after destroy", n)
	}
}

// TestCognitoAdoptsExistingBranding: a client that already has a style of
// its own (made in the branding editor) keeps it: the style is adopted, not
// replaced or duplicated (Cognito allows one per client), and destroy leaves
// it.
func TestCognitoAdoptsExistingBranding(t *testing.T) {
	t.Parallel()
	r := cognitoRig(t)
	r.planApply()
	c := onlyClient(t, r.aws)
	before := r.aws.Brandings(pool)[c.ClientID]
	r.destroy()

	// Recreated by someone else with a custom style, then planned again.
	id := r.aws.SeedUserPoolClient(pool, c.ClientName, func(u *awstest.UserPoolClient) {
		u.CallbackURLs = c.CallbackURLs
		u.LogoutURLs = c.LogoutURLs
		u.AllowedOAuthFlows, u.AllowedOAuthScopes = c.AllowedOAuthFlows, c.AllowedOAuthScopes
		u.AllowedOAuthFlowsUserPoolClient, u.SupportedIdentityProviders = true, c.SupportedIdentityProviders
		u.ClientSecret = "theirsecret"
	})
	styleID := r.aws.SeedBranding(pool, id)
	r.planApply()
	bs := r.aws.Brandings(pool)
	if len(bs) != 1 || bs[id].ID != styleID || bs[id].UseCognitoProvidedValues || before.ID == styleID {
		t.Errorf("brandings = %+v, want their style %s kept", bs, styleID)
	}
	// An adopted style is theirs: destroy leaves it.
	r.destroy()
	if bs := r.aws.Brandings(pool); bs[id].ID != styleID {
		t.Errorf("brandings after destroy = %+v, want their style %s left", bs, styleID)
	}
}

func TestCognitoNeedsPoolAndCallbacks(t *testing.T) {
	t.Parallel()
	r := cognitoRig(t)
	r.writeConfig("web", `{}`)
	p := r.plan()
	if p.HasChanges() || !strings.Contains(strings.Join(p.Warnings, "\n"), "has Cognito OAuth callbacks but no user pool") {
		t.Errorf("plan without pool:\n%s", p.Summary())
	}
	r.writeConfig("web", `{"cognito": {"user_pool_id": "not-a-pool"}}`)
	if _, err := r.eng.Plan(t.Context(), r.root, "local", false); err == nil || !strings.Contains(err.Error(), "user_pool_id") {
		t.Errorf("bad pool id: %v", err)
	}
	r.writeConfig("web", `{"cognito": {"user_pool_id": "us-east-1_Missing"}}`)
	if _, err := r.eng.Plan(t.Context(), r.root, "local", false); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing pool: %v", err)
	}
}
