package analyzer

import (
	"strings"

	"google.golang.org/protobuf/proto"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
)

// One callback route for every configured provider: auth libraries serve
// a single parameterised route (remix-auth's app/routes/auth+/$provider.
// callback.tsx is /auth/:provider/callback, passport apps write
// /auth/:provider/callback too) that stands for one callback per strategy
// the app configures. The strategies come from the manifest: a strategy
// package names its identity provider (remix-auth-github, passport-google-
// oauth20, omniauth-github, next-auth is elsewhere).

// strategyLibraries prefix the strategy packages of the auth libraries
// that route callbacks by a provider parameter.
var strategyLibraries = []string{"remix-auth-", "passport-", "omniauth-", "@nicholasgriffintn/remix-auth-", "@coji/remix-auth-"}

// providerParams are the names such a route's parameter goes by.
var providerParams = map[string]bool{"provider": true, "strategy": true, "connection": true, "social": true, "providerid": true, "provider_id": true, "backend": true}

// configuredIdentities: the identity name of each strategy package the
// service declares, with its provider ("github" → github).
func configuredIdentities(deps []facts.Dep) [][2]string {
	var out [][2]string
	seen := map[string]bool{}
	for _, d := range deps {
		name := strings.ToLower(d.Name)
		for _, lib := range strategyLibraries {
			rest, ok := strings.CutPrefix(name, lib)
			if !ok {
				continue
			}
			ident, _, _ := strings.Cut(rest, "-")          // passport-google-oauth20, omniauth-github-team
			ident = strings.TrimRight(ident, "0123456789") // passport-github2
			if p, ok := identityNames[ident]; ok && !seen[ident] {
				seen[ident] = true
				out = append(out, [2]string{ident, p})
			}
		}
	}
	return out
}

// providerParam: the index of the route's provider parameter segment
// (":provider", "$provider", "[provider]", "{provider}", "<provider>"),
// or -1.
func providerParam(segs []string) int {
	for i, s := range segs {
		n := strings.Trim(s, ":$[]{}<>")
		if n != s && providerParams[strings.ToLower(n)] {
			return i
		}
	}
	return -1
}

// expandStrategyCallbacks replaces each callback finding whose route has a
// provider parameter by one finding per configured strategy, the
// parameter filled in, attributed to the strategy's provider. A service
// that configures no strategy keeps the parameterised route.
func expandStrategyCallbacks(out []*patchbayv1.Finding, services map[string]*serviceInfo) []*patchbayv1.Finding {
	kept := out[:0:0]
	for _, x := range out {
		cb := x.GetCallback()
		si := services[x.GetService()]
		if cb == nil || si == nil {
			kept = append(kept, x)
			continue
		}
		segs := strings.Split(cb.GetRoute(), "/")
		i := providerParam(segs)
		ids := configuredIdentities(si.deps)
		if i < 0 || len(ids) == 0 {
			kept = append(kept, x)
			continue
		}
		for _, id := range ids {
			y := cloneFinding(x)
			s := append([]string(nil), segs...)
			s[i] = id[0]
			route := strings.Join(s, "/")
			y.Provider = id[1]
			y.GetCallback().Route = route
			kept = append(kept, withID(y, route))
		}
	}
	return kept
}

func cloneFinding(x *patchbayv1.Finding) *patchbayv1.Finding {
	return proto.Clone(x).(*patchbayv1.Finding)
}
