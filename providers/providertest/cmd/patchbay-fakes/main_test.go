package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/auth0"
	"github.com/patchbay-dev/patchbay/providers/aws"
	"github.com/patchbay-dev/patchbay/providers/catalog"
	"github.com/patchbay-dev/patchbay/providers/okta"
	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/stripe"
	"github.com/patchbay-dev/patchbay/providers/twilio"
)

// Every credential the command prints passes its provider's live check
// against the fakes it started, so demos and editor runs start green.
func TestEveryPrintedCredentialWorks(t *testing.T) {
	f := Start(t)
	for id, values := range f.Credentials {
		t.Run(id, func(t *testing.T) {
			p, ok := catalog.Get(id)
			if !ok {
				t.Fatalf("unknown provider %q", id)
			}
			env := &providers.Env{Endpoints: map[string]string{}, Getenv: func(string) string { return "" }}
			for k, v := range f.Env {
				env.Endpoints[strings.TrimPrefix(k, providers.EndpointEnvPrefix)] = v
			}
			vals := providers.Values(values)
			if got := p.Credentials.Check(context.Background(), vals, env); !got.OK() {
				t.Errorf("%s: %v: %s", id, got.Status, got.Summary)
			}
		})
	}
	if len(f.Credentials) != 18 {
		t.Errorf("%d providers, want 18", len(f.Credentials))
	}
}

// The Stripe, Auth0 and Okta fakes the command serves provision, so an
// editor run can apply a plan and read the result back: the printed
// credentials create a webhook endpoint and applications.
func TestServedFakesProvision(t *testing.T) {
	f := Start(t)
	ctx := context.Background()
	base := func(key string) string { return f.Env[providertest.EndpointEnv(key)] }

	w := stripe.NewWebhooks(f.Credentials["stripe"]["secret_key"], base("STRIPE"), nil)
	// Stripe refuses a URL it cannot reach, and so does its fake.
	if _, err := w.Create(ctx, stripe.WebhookEndpointParams{URL: "http://localhost:3000/api/webhooks/stripe", EnabledEvents: []string{"invoice.paid"}}, ""); err == nil ||
		!strings.Contains(err.Error(), "publicly accessible") {
		t.Errorf("stripe create at localhost: %v, want Stripe's url_invalid", err)
	}
	ep, err := w.Create(ctx, stripe.WebhookEndpointParams{URL: "https://shop.example.dev/api/webhooks/stripe", EnabledEvents: []string{"invoice.paid"}}, "")
	if err != nil || !strings.HasPrefix(ep.Secret, "whsec_") {
		t.Fatalf("stripe create = %+v, %v", ep, err)
	}
	if got, err := w.List(ctx); err != nil || len(got) != 1 || got[0].ID != ep.ID {
		t.Errorf("stripe list = %+v, %v", got, err)
	}

	c := f.Credentials["auth0"]
	m := auth0.NewManagement(c["domain"], c["client_id"], c["client_secret"], base("AUTH0"), nil)
	app, err := m.CreateClient(ctx, auth0.Application{Name: "shop-web-local", AppType: "regular_web", Callbacks: []string{"http://localhost:3000/api/auth/callback"}})
	if err != nil || app.ClientSecret == "" {
		t.Fatalf("auth0 create = %+v, %v", app, err)
	}
	got, err := m.GetClient(ctx, app.ClientID)
	if err != nil || len(got.Callbacks) != 1 || got.Callbacks[0] != "http://localhost:3000/api/auth/callback" {
		t.Errorf("auth0 read = %+v, %v", got, err)
	}

	oktaApps := okta.NewAppType(providers.HTTPOptions{BaseURL: base("OKTA")})
	st, err := oktaApps.Create(ctx, f.Credentials["okta"], providers.Props{"name": {"shop-web-local"}, "app_type": {"web"},
		"redirect_uris": {"http://localhost:3000/authorization-code/callback"}}, "")
	if err != nil || st.Secrets["client_secret"] == "" {
		t.Fatalf("okta create = %+v, %v", st, err)
	}
	if read, err := oktaApps.Read(ctx, f.Credentials["okta"], st.ID); err != nil || read.Props.Get("redirect_uris") != "http://localhost:3000/authorization-code/callback" {
		t.Errorf("okta read = %+v, %v", read, err)
	}
}

// The objects Patchbay never creates (a Cognito user pool, a Twilio number)
// are seeded, so patchbay.json can name them in an editor run.
func TestServedFakesHaveExistingObjects(t *testing.T) {
	f := Start(t)
	ctx := context.Background()
	base := func(key string) string { return f.Env[providertest.EndpointEnv(key)] }

	tc := f.Credentials["twilio"]
	num, err := twilio.NewNumbers(tc["account_sid"], tc["account_sid"], tc["auth_token"], base("TWILIO"), nil).Find(ctx, f.Existing["twilio"]["phone_number"])
	if err != nil || num.PhoneNumber != PhoneNumber {
		t.Errorf("twilio number = %+v, %v", num, err)
	}

	ac := f.Credentials["aws"]
	cg := aws.NewCognito(ac["access_key_id"], ac["secret_access_key"], "", "us-east-1", base("AWS"), nil)
	attrs := aws.UserPoolClient{}
	attrs.Set("UserPoolId", f.Existing["aws"]["user_pool_id"])
	attrs.Set("ClientName", "shop-local")
	client, err := cg.CreateUserPoolClient(ctx, attrs)
	if err != nil || client.String("ClientId") == "" {
		t.Errorf("cognito client in the seeded pool = %+v, %v", client, err)
	}
}

// -state answers what the Stripe and Auth0 fakes hold, secrets included.
func TestStateListsObjectsWithSecrets(t *testing.T) {
	f := Start(t)
	if err := f.serveState(); err != nil {
		t.Fatal(err)
	}
	whID := f.stripe.Seed("https://shop.example.net/api/webhooks/stripe", []string{"checkout.session.completed"})
	appID := f.auth0.Seed("shop (local)", []string{"https://shop.example.net/api/auth/callback"})
	resp, err := http.Get(f.State)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s State
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	if len(s.StripeEndpoints) != 1 || s.StripeEndpoints[0].ID != whID || s.StripeEndpoints[0].Secret != f.stripe.Secret(whID) || s.StripeEndpoints[0].Secret == "" {
		t.Errorf("stripe endpoints = %+v", s.StripeEndpoints)
	}
	if len(s.Auth0Apps) != 1 || s.Auth0Apps[0].ClientID != appID || s.Auth0Apps[0].ClientSecret == "" {
		t.Errorf("auth0 apps = %+v", s.Auth0Apps)
	}
}
