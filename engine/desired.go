package engine

import (
	"fmt"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/store"
)

// Desired is one resource an environment should have.
type Desired struct {
	Key     Key
	Props   Props
	Profile string
	// DependsOn orders creation (and, reversed, deletion).
	DependsOn []Key
	// Reason points at the code that asks for the resource.
	Reason string
	// Service is the path of the service the resource serves.
	Service  string
	Bindings []Binding
	// Forward, when set, means no resource: the environment's URL cannot be
	// reached by the provider, and the provider's local forwarding (stripe
	// listen) delivers events instead; the bindings name the variables it
	// provides.
	Forward *Forward
}

// Forward is a provider's local forwarding of webhooks to the app.
type Forward struct {
	Provider  string
	ForwardTo string
	Events    []string
}

// Binding says how a resource's value reaches the app as an env var.
type Binding struct {
	// Names are the variable names this value is conventionally read under,
	// the canonical one first. Injection uses the ones the code reads.
	Names []string
	// Match, when set, also accepts any name the code reads that the
	// provider's findings attribute to it and that contains one of these
	// fragments ("WEBHOOK" for a Stripe signing secret read as MY_WEBHOOK_KEY).
	Match []string
	// Exact: Names are what the code was seen to read for this value (the
	// variable a webhook handler's verify call reads), so Match does not
	// apply and no other binding may take them.
	Exact bool
	// Prefer, when several bindings of one service could take a name, gives
	// it to the binding whose words it contains (a route's "billing").
	Prefer []string
	// Output names a non-secret output, or a secret when Secret is set.
	Output string
	Secret bool
	// Value is a literal (an environment URL) used when Output is empty.
	Value string
}

// DesiredInput is everything desired state is computed from.
type DesiredInput struct {
	Environment store.Environment
	// Workspace names the workspace in provider-side names.
	Workspace string
	Services  []*patchbayv1.Service
	Findings  []*patchbayv1.Finding
	// Profiles picks the credential profile per provider ("default" when
	// absent).
	Profiles map[string]string
	// Configs are the services' patchbay.json files by service path.
	Configs map[string]*ServiceConfig
}

// DesireFunc computes an environment's desired resources and warnings.
type DesireFunc func(in DesiredInput) ([]Desired, []string)

func (in DesiredInput) profile(provider string) string {
	if p := in.Profiles[provider]; p != "" {
		return p
	}
	return "default"
}

func (in DesiredInput) serviceName(p string) string {
	for _, s := range in.Services {
		if s.GetPath() == p && s.GetName() != "" {
			return s.GetName()
		}
	}
	if p == "." || p == "" {
		return in.Workspace
	}
	return path.Base(p)
}

// resourceName is the provider-side name of a service's resource in an
// environment: "<workspace>-<service>-<env>", without repeating the
// workspace when the service carries its name (a single-service repo).
func (in DesiredInput) resourceName(service, env string) string {
	if service == in.Workspace || in.Workspace == "" {
		return service + "-" + env
	}
	return in.Workspace + "-" + service + "-" + env
}

func where(f *patchbayv1.Finding) string {
	if l := f.GetLocation(); l != nil {
		return fmt.Sprintf("%s:%d", l.GetPath(), l.GetStartLine())
	}
	return f.GetService()
}

// origin returns scheme://host[:port] of u, or "" when u is not absolute.
func origin(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Scheme == "" || p.Host == "" {
		return ""
	}
	return p.Scheme + "://" + p.Host
}

// resolveURL places a detected route under the environment's base URL; an
// absolute URL written in the code is what the app will use in every
// environment, so it stays as it is.
func resolveURL(base, route string) string {
	if origin(route) != "" {
		return route
	}
	return joinURL(base, route)
}

func joinURL(base, route string) string {
	if route == "" || route == "/" {
		return strings.TrimRight(base, "/")
	}
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(route, "/")
}

// DefaultDesired derives resources from findings: an Auth0 application per
// service with OAuth callbacks, and a Stripe webhook endpoint per Stripe
// webhook handler.
func DefaultDesired(in DesiredInput) ([]Desired, []string) {
	var out []Desired
	var warnings []string
	a, w := desiredAuth0(in)
	out, warnings = append(out, a...), append(warnings, w...)
	s, w := desiredStripe(in)
	out, warnings = append(out, s...), append(warnings, w...)
	for _, f := range []DesireFunc{desiredStripeCatalog, desiredSendGrid, desiredCognito, desiredTwilio} {
		r, w := f(in)
		out, warnings = append(out, r...), append(warnings, w...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key.String() < out[j].Key.String() })
	return out, warnings
}

func desiredAuth0(in DesiredInput) ([]Desired, []string) {
	type acc struct {
		callbacks, logouts, origins []string
		reasons                     []string
	}
	bySvc := map[string]*acc{}
	var order []string
	for _, f := range in.Findings {
		if f.GetKind() != patchbayv1.FindingKind_OAUTH_CALLBACK || f.GetProvider() != "auth0" {
			continue
		}
		a := bySvc[f.GetService()]
		if a == nil {
			a = &acc{}
			bySvc[f.GetService()] = a
			order = append(order, f.GetService())
		}
		cb := f.GetCallback()
		a.callbacks = append(a.callbacks, cb.GetRoute())
		a.logouts = append(a.logouts, cb.GetLogoutRoutes()...)
		a.origins = append(a.origins, cb.GetOrigins()...)
		a.reasons = append(a.reasons, "OAuth callback "+cb.GetRoute()+" at "+where(f))
	}
	env := in.Environment
	var out []Desired
	var warnings []string
	sort.Strings(order)
	for _, svc := range order {
		a := bySvc[svc]
		name := in.serviceName(svc)
		if env.FrontendURL == "" {
			warnings = append(warnings, fmt.Sprintf("auth0: service %s has OAuth callbacks but environment %q has no frontend URL; set one with `patchbay env set-url`", name, env.Name))
			continue
		}
		front := strings.TrimRight(env.FrontendURL, "/")
		var callbacks, logouts []string
		for _, r := range a.callbacks {
			callbacks = append(callbacks, resolveURL(front, r))
		}
		// Returning to the app's root after logout is what every Auth0 SDK
		// does by default, so it is always allowed.
		logouts = append(logouts, front)
		for _, r := range a.logouts {
			logouts = append(logouts, resolveURL(front, r))
		}
		origins := []string{origin(front)}
		// Origins the code names itself (cors({origin}), baseURL, absolute
		// redirect URLs) are used as written in every environment.
		for _, o := range slices.Concat(env.ExtraOrigins, a.origins) {
			if o := origin(o); o != "" {
				origins = append(origins, o)
			}
		}
		out = append(out, Desired{
			Key: Key{Provider: "auth0", Type: "client", Name: name},
			Props: Props{
				"name":                {in.resourceName(name, env.Name)},
				"app_type":            {"regular_web"},
				"callbacks":           normList(callbacks),
				"allowed_logout_urls": normList(logouts),
				"web_origins":         normList(origins),
				"allowed_origins":     normList(origins),
			},
			Profile: in.profile("auth0"),
			Reason:  strings.Join(normList(a.reasons), "; "),
			Service: svc,
			Bindings: []Binding{
				{Names: []string{"AUTH0_CLIENT_ID", "AUTH_AUTH0_ID", "NEXT_PUBLIC_AUTH0_CLIENT_ID", "VITE_AUTH0_CLIENT_ID", "REACT_APP_AUTH0_CLIENT_ID"}, Output: "client_id"},
				{Names: []string{"AUTH0_CLIENT_SECRET", "AUTH_AUTH0_SECRET"}, Output: "client_secret", Secret: true},
				{Names: []string{"AUTH0_DOMAIN", "NEXT_PUBLIC_AUTH0_DOMAIN", "VITE_AUTH0_DOMAIN", "REACT_APP_AUTH0_DOMAIN"}, Output: "domain"},
				{Names: []string{"AUTH0_ISSUER_BASE_URL", "AUTH_AUTH0_ISSUER"}, Output: "issuer"},
				{Names: []string{"APP_BASE_URL", "AUTH0_BASE_URL"}, Value: front},
			},
		})
	}
	return out, warnings
}

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

func desiredStripe(in DesiredInput) ([]Desired, []string) {
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
		h.reasons = append(h.reasons, "Stripe webhook handler "+wh.GetRoute()+" at "+where(f))
		if h.secretEnv == "" {
			h.secretEnv = wh.GetSecretEnv()
		}
	}
	var keys []string
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []Desired
	var warnings []string
	for _, k := range keys {
		h := byKey[k]
		name := in.serviceName(h.svc) + h.route
		if base == "" {
			warnings = append(warnings, fmt.Sprintf("stripe: webhook handler %s needs an API URL but environment %q has none; set one with `patchbay env set-url`", h.route, env.Name))
			continue
		}
		events := normList(h.events)
		if len(events) == 0 {
			warnings = append(warnings, fmt.Sprintf("stripe: no event types found in the handler at %s; subscribing it to all events (*)", h.route))
			events = []string{"*"}
		}
		b := Binding{
			Names:  []string{"STRIPE_WEBHOOK_SECRET", "STRIPE_ENDPOINT_SECRET", "STRIPE_SIGNING_SECRET", "STRIPE_WEBHOOK_SIGNING_SECRET"},
			Match:  []string{"WEBHOOK", "WHSEC", "ENDPOINT_SECRET", "SIGNING_SECRET"},
			Prefer: routeWords(h.route),
			Output: "webhook_secret", Secret: true,
		}
		if h.secretEnv != "" {
			// The handler's verify call reads this variable: it gets this
			// endpoint's secret and no other.
			b = Binding{Names: []string{h.secretEnv}, Exact: true, Output: "webhook_secret", Secret: true}
		}
		d := Desired{
			Key: Key{Provider: "stripe", Type: "webhook_endpoint", Name: name},
			Props: Props{
				"url":            {joinURL(base, h.route)},
				"enabled_events": events,
				"description":    {fmt.Sprintf("patchbay %s/%s (%s)", in.Workspace, in.serviceName(h.svc), env.Name)},
			},
			Profile:  in.profile("stripe"),
			Reason:   strings.Join(normList(h.reasons), "; "),
			Service:  h.svc,
			Bindings: []Binding{b},
		}
		if why := Unreachable(base); why != "" {
			to := joinURL(base, h.route)
			d.Forward = &Forward{Provider: "stripe", ForwardTo: to, Events: events}
			warnings = append(warnings, unreachableWarning("stripe", "the webhook endpoint for "+h.route, to, why, env.Name,
				fmt.Sprintf("let `patchbay run` forward Stripe's events with the Stripe CLI (`stripe listen --forward-to %s`), capturing the whsec_ it prints", to)))
		}
		out = append(out, d)
	}
	return out, warnings
}
