package stripe_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/stripe"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
)

func hook(route string, events ...string) *patchbayv1.Finding {
	return &patchbayv1.Finding{Kind: patchbayv1.FindingKind_WEBHOOK_HANDLER, Provider: "stripe", Service: "api",
		Detail: &patchbayv1.Finding_Webhook{Webhook: &patchbayv1.WebhookHandler{Route: route, Events: events}}}
}

// TestDesiredEventsAreStripes: a handler naming an event type Stripe does
// not have (a typo, a declared name) gets an endpoint without it, and a
// warning — Stripe refuses an endpoint whose enabled_events has one, so the
// whole apply would fail — and the endpoint planned is one the fake, like
// Stripe, takes.
func TestDesiredEventsAreStripes(t *testing.T) {
	t.Parallel()
	in := providers.DesiredInput{Environment: providers.Environment{Name: "staging", APIURL: "https://api.shop.example.com"}, Workspace: "shop",
		Services: []*patchbayv1.Service{{Path: "api", Name: "api"}},
		Findings: []*patchbayv1.Finding{hook("/webhooks/stripe", "invoice.paid", "invoice.payment_succeded", "checkout.session.completed"),
			hook("/webhooks/other", "order.shipped")}}
	desired, warnings := stripe.DesireWebhooks(in)
	if len(desired) != 2 {
		t.Fatalf("desired = %+v", desired)
	}
	byRoute := map[string]providers.Desired{}
	for _, d := range desired {
		byRoute[d.Props.Get("url")] = d
	}
	main := byRoute["https://api.shop.example.com/webhooks/stripe"]
	if got := main.Props["enabled_events"]; !slices.Equal(got, []string{"checkout.session.completed", "invoice.paid"}) {
		t.Errorf("enabled_events = %v, want the two Stripe has", got)
	}
	// None left: all events, as for a handler that names none.
	if got := byRoute["https://api.shop.example.com/webhooks/other"].Props["enabled_events"]; !slices.Equal(got, []string{"*"}) {
		t.Errorf("enabled_events = %v, want *", got)
	}
	w := strings.Join(warnings, "\n")
	for _, want := range []string{"/webhooks/stripe names invoice.payment_succeded, which Stripe does not have", "/webhooks/other names order.shipped"} {
		if !strings.Contains(w, want) {
			t.Errorf("warnings lack %q:\n%s", want, w)
		}
	}

	s := stripetest.New(t)
	types := map[string]providers.ResourceType{}
	for _, rt := range stripe.Provider().Resources(providers.HTTPOptions{BaseURL: s.URL}) {
		types[rt.Type()] = rt
	}
	for _, d := range desired {
		if _, err := types["webhook_endpoint"].Create(context.Background(), providers.Credentials{"secret_key": stripetest.TestKey}, d.Props, ""); err != nil {
			t.Errorf("create %s: %v", d.Props.Get("url"), err)
		}
	}
}
