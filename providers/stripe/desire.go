package stripe

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers"
)

// routeWords are the upper-case words of a route ("/webhooks/billing" →
// WEBHOOKS, BILLING) minus the ones every webhook route has.
func routeWords(route string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToUpper(route), func(r rune) bool { return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') }) {
		switch w {
		case "API", "WEBHOOK", "WEBHOOKS", "HOOK", "HOOKS", "STRIPE", "V1", "V2", "EVENTS":
			continue
		}
		out = append(out, w)
	}
	return out
}

func DesireWebhooks(in providers.DesiredInput) ([]providers.Desired, []string) {
	env := in.Environment
	base := env.APIURL
	if base == "" {
		// Full-stack apps (Next.js) serve their API from the frontend URL.
		base = env.FrontendURL
	}
	type handler struct {
		svc, route string
		events     []string
		reasons    []string
		secretEnv  string
	}
	byKey := map[string]*handler{}
	for _, f := range in.Findings {
		if f.GetKind() != patchbayv1.FindingKind_WEBHOOK_HANDLER || f.GetProvider() != "stripe" {
			continue
		}
		wh := f.GetWebhook()
		k := f.GetService() + "\x00" + wh.GetRoute()
		h := byKey[k]
		if h == nil {
			h = &handler{svc: f.GetService(), route: wh.GetRoute()}
			byKey[k] = h
		}
		h.events = append(h.events, wh.GetEvents()...)
		h.reasons = append(h.reasons, "Stripe webhook handler "+wh.GetRoute()+" at "+providers.Where(f))
		if h.secretEnv == "" {
			h.secretEnv = wh.GetSecretEnv()
		}
	}
	var keys []string
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []providers.Desired
	var warnings []string
	for _, k := range keys {
		h := byKey[k]
		name := in.ServiceName(h.svc) + h.route
		if base == "" {
			warnings = append(warnings, fmt.Sprintf("stripe: webhook handler %s needs an API URL but environment %q has none; set one with `patchbay env set-url`", h.route, env.Name))
			continue
		}
		// Stripe refuses the whole endpoint when one of enabled_events is
		// not an event type it has (a typo in the handler, a declared
		// name): leave such names out, and say so.
		var unknown []string
		events := slices.DeleteFunc(providers.NormList(h.events), func(e string) bool {
			if slices.Contains(EventTypes, e) {
				return false
			}
			unknown = append(unknown, e)
			return true
		})
		if len(unknown) > 0 {
			warnings = append(warnings, fmt.Sprintf("stripe: the handler at %s names %s, which Stripe does not have as event types (https://docs.stripe.com/api/events/types); the webhook endpoint leaves them out, since Stripe would refuse it whole",
				h.route, strings.Join(unknown, ", ")))
		}
		if len(events) == 0 {
			warnings = append(warnings, fmt.Sprintf("stripe: no event types found in the handler at %s; subscribing it to all events (*)", h.route))
			events = []string{"*"}
		}
		b := providers.Binding{
			Names:  []string{"STRIPE_WEBHOOK_SECRET", "STRIPE_ENDPOINT_SECRET", "STRIPE_SIGNING_SECRET", "STRIPE_WEBHOOK_SIGNING_SECRET"},
			Match:  []string{"WEBHOOK", "WHSEC", "ENDPOINT_SECRET", "SIGNING_SECRET"},
			Prefer: routeWords(h.route),
			Output: "webhook_secret", Secret: true,
		}
		if h.secretEnv != "" {
			// The handler's verify call reads this variable: it gets this
			// endpoint's secret and no other.
			b = providers.Binding{Names: []string{h.secretEnv}, Exact: true, Output: "webhook_secret", Secret: true}
		}
		d := providers.Desired{
			Key: providers.Key{Provider: "stripe", Type: "webhook_endpoint", Name: name},
			Props: providers.Props{
				"url":            {providers.JoinURL(base, h.route)},
				"enabled_events": events,
				"description":    {fmt.Sprintf("patchbay %s/%s (%s)", in.Workspace, in.ServiceName(h.svc), env.Name)},
			},
			Profile:  in.Profile("stripe"),
			Reason:   strings.Join(providers.NormList(h.reasons), "; "),
			Service:  h.svc,
			Bindings: []providers.Binding{b},
		}
		if why := providers.Unreachable(base); why != "" {
			to := providers.JoinURL(base, h.route)
			d.Forward = &providers.Forward{Provider: "stripe", ForwardTo: to, Events: events}
			warnings = append(warnings, providers.UnreachableWarning("stripe", "the webhook endpoint for "+h.route, to, why, env.Name,
				fmt.Sprintf("let `patchbay run` forward Stripe's events with the Stripe CLI (`stripe listen --forward-to %s`), capturing the whsec_ it prints", to)))
		}
		out = append(out, d)
	}
	return out, warnings
}
