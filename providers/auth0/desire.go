package auth0

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers"
)

// Desire gives every service with Auth0 OAuth callbacks an application:
// callbacks, logout URLs and origins under the environment's frontend URL.
func Desire(in providers.DesiredInput) ([]providers.Desired, []string) {
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
		a.reasons = append(a.reasons, "OAuth callback "+cb.GetRoute()+" at "+providers.Where(f))
	}
	env := in.Environment
	var out []providers.Desired
	var warnings []string
	sort.Strings(order)
	for _, svc := range order {
		a := bySvc[svc]
		name := in.ServiceName(svc)
		if env.FrontendURL == "" {
			warnings = append(warnings, fmt.Sprintf("auth0: service %s has OAuth callbacks but environment %q has no frontend URL; set one with `patchbay env set-url`", name, env.Name))
			continue
		}
		front := strings.TrimRight(env.FrontendURL, "/")
		var callbacks, logouts []string
		for _, r := range a.callbacks {
			callbacks = append(callbacks, providers.ResolveURL(front, r))
		}
		// Returning to the app's root after logout is what every Auth0 SDK
		// does by default, so it is always allowed.
		logouts = append(logouts, front)
		for _, r := range a.logouts {
			logouts = append(logouts, providers.ResolveURL(front, r))
		}
		origins := []string{providers.Origin(front)}
		// Origins the code names itself (cors({origin}), baseURL, absolute
		// redirect URLs) are used as written in every environment.
		for _, o := range slices.Concat(env.ExtraOrigins, a.origins) {
			if o := providers.Origin(o); o != "" {
				origins = append(origins, o)
			}
		}
		out = append(out, providers.Desired{
			Key: providers.Key{Provider: "auth0", Type: "client", Name: name},
			Props: providers.Props{
				"name":                {in.ResourceName(name, env.Name)},
				"app_type":            {"regular_web"},
				"callbacks":           providers.NormList(callbacks),
				"allowed_logout_urls": providers.NormList(logouts),
				"web_origins":         providers.NormList(origins),
				"allowed_origins":     providers.NormList(origins),
			},
			Profile: in.Profile("auth0"),
			Reason:  strings.Join(providers.NormList(a.reasons), "; "),
			Service: svc,
			Bindings: []providers.Binding{
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
