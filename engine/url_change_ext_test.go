package engine_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// TestURLChangeReachesEveryProvider moves an environment that has a Stripe
// webhook endpoint and catalog, a SendGrid key and event webhook, a Twilio
// number and a Cognito app client, and checks that one plan updates every
// URL-bearing resource and leaves no old URL anywhere. (Auth0 is covered by
// TestProvidersPlanApplyURLChangeDestroy.)
func TestURLChangeReachesEveryProvider(t *testing.T) {
	t.Parallel()
	svcs := []*patchbayv1.Service{{Path: "web", Name: "web"}, {Path: "api", Name: "api"}}
	stripeHook := &patchbayv1.Finding{Kind: patchbayv1.FindingKind_WEBHOOK_HANDLER, Provider: "stripe", Service: "api",
		Detail: &patchbayv1.Finding_Webhook{Webhook: &patchbayv1.WebhookHandler{Route: "/webhooks/stripe", Events: []string{"invoice.paid"}}}}
	r := newExtRig(t, svcs, []*patchbayv1.Finding{
		stripeHook,
		sdkFinding("api", "sendgrid"),
		webhookFinding("api", "sendgrid", "/webhooks/sendgrid"),
		webhookFinding("api", "twilio", "/twilio/sms"),
		webhookFinding("api", "twilio", "/twilio/status"),
		callbackFinding("web", "cognito", "/auth/callback", "/bye"),
		envRead("api", "stripe", "STRIPE_PRICE_PRO_MONTHLY"),
	})
	r.aws.AddUserPool(pool)
	sid := r.twilio.AddNumber(number, "", "", "")
	r.writeConfig("web", `{"cognito": {"user_pool_id": "`+pool+`"}}`)
	r.writeConfig("api", `{"twilio": {"numbers": [{"phone_number": "`+number+`"}]}, `+strings.TrimPrefix(catalogV1, "{"))
	r.planApply()

	r.setURLs("https://app.example.dev", "https://api.example.dev")
	p := r.plan()
	want := map[string]engine.Action{
		"stripe/webhook_endpoint/api/webhooks/stripe":  engine.ActionUpdate,
		"sendgrid/event_webhook/api/webhooks/sendgrid": engine.ActionUpdate,
		"twilio/number_webhooks/api/" + number:         engine.ActionUpdate,
		"aws/cognito_app_client/web":                   engine.ActionUpdate,
	}
	if d := cmp.Diff(want, changedSteps(p)); d != "" {
		t.Fatalf("URL change plan (-want +got):\n%s\n%s", d, p.Summary())
	}
	r.apply(p)
	if p := r.plan(); p.HasChanges() {
		t.Errorf("plan after the move is not empty:\n%s", p.Summary())
	}

	var urls []string
	for _, e := range r.stripe.Endpoints() {
		urls = append(urls, e.URL)
	}
	for _, h := range r.sendgrid.EventWebhooks() {
		urls = append(urls, h.URL)
	}
	n := r.twilio.Numbers()[sid]
	urls = append(urls, n.SMSURL, n.StatusCallback)
	c := onlyClient(t, r.aws)
	urls = append(urls, c.CallbackURLs...)
	urls = append(urls, c.LogoutURLs...)
	slices.Sort(urls)
	wantURLs := []string{
		"https://api.example.dev/twilio/sms", "https://api.example.dev/twilio/status",
		"https://api.example.dev/webhooks/sendgrid", "https://api.example.dev/webhooks/stripe",
		"https://app.example.dev", "https://app.example.dev/auth/callback", "https://app.example.dev/bye",
	}
	if d := cmp.Diff(wantURLs, urls); d != "" {
		t.Errorf("URLs at the providers (-want +got):\n%s", d)
	}

	// The system map shows the new resources, the price → product edge and
	// the injected price id.
	m, err := r.eng.SystemMap(context.Background(), r.root, "local")
	if err != nil {
		t.Fatal(err)
	}
	edges := map[string]bool{}
	for _, e := range m.GetEdges() {
		edges[e.GetFrom()+" "+e.GetKind()+" "+e.GetTo()] = true
	}
	for _, e := range []string{
		"resource:local:stripe/price/api/pro_monthly depends_on resource:local:stripe/product/api/pro",
		"resource:local:stripe/price/api/pro_monthly provides env_var:STRIPE_PRICE_PRO_MONTHLY",
		"resource:local:twilio/number_webhooks/api/" + number + " calls_back service:api",
		"resource:local:aws/cognito_app_client/web calls_back service:web",
		"resource:local:sendgrid/api_key/api provides env_var:SENDGRID_API_KEY",
	} {
		if !edges[e] {
			t.Errorf("system map lacks %q", e)
		}
	}
}
