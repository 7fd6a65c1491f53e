package analyzer

import (
	"slices"
	"sort"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
)

// The route model: every service lists every route it serves, with the
// full path serviceRoutes resolved across files, where it is declared and
// the mounts its prefixes come from. Webhooks and callbacks are facts
// about these routes; the routes that auth and provider libraries serve
// by default (NextAuth's callbacks, a framework integration's webhook
// route) are listed too, from the findings that name them.

// Route sources (patchbayv1.Route.source).
const (
	routeFromCode    = "code"
	routeFromFile    = "file"
	routeFromLibrary = "library"
)

// serviceRouteList builds a service's route list from the routes its code
// declares (sf.routes, nil when no file of the service has route facts)
// and the service's webhook and callback findings whose route no declared
// route serves.
func serviceRouteList(sf *svcFiles, findings []*patchbayv1.Finding) []*patchbayv1.Route {
	var out []*patchbayv1.Route
	seen := map[string]bool{} // method + " " + normalized path
	key := func(method, p string) string { return method + " " + normRoutePath(p) }
	if sf != nil {
		for _, rr := range sf.routes {
			r := &patchbayv1.Route{
				Method:   rr.route.Method,
				Path:     rr.full,
				Location: spanLocation(rr.file, rr.route.Span),
				Source:   routeFromCode,
			}
			if rr.fileRouted {
				r.Source = routeFromFile
			}
			for _, v := range rr.via {
				r.Mounts = append(r.Mounts, spanLocation(v.file, v.span))
			}
			k := key(r.Method, r.Path) + " " + r.Location.GetPath()
			if seen[k] {
				continue
			}
			seen[k] = true
			seen[key(r.Method, r.Path)] = true
			seen[key("", r.Path)] = true
			out = append(out, r)
		}
	}
	for _, x := range findings {
		var method, route, source string
		switch d := x.GetDetail().(type) {
		case *patchbayv1.Finding_Webhook:
			method, route, source = d.Webhook.GetMethod(), d.Webhook.GetRoute(), routeFromLibrary
		case *patchbayv1.Finding_Callback:
			route, source = d.Callback.GetRoute(), routeFromLibrary
			if d.Callback.GetSource() == "explicit" {
				source = routeFromCode // an option naming the app's own route
			}
		default:
			continue
		}
		if route == "" || seen[key(method, route)] || seen[key("", route)] || servedBy(out, route) {
			continue
		}
		seen[key(method, route)] = true
		out = append(out, &patchbayv1.Route{Method: method, Path: route, Location: x.GetLocation(), Source: source})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.GetPath() != b.GetPath() {
			return a.GetPath() < b.GetPath()
		}
		if a.GetMethod() != b.GetMethod() {
			return a.GetMethod() < b.GetMethod()
		}
		if a.GetLocation().GetPath() != b.GetLocation().GetPath() {
			return a.GetLocation().GetPath() < b.GetLocation().GetPath()
		}
		return a.GetLocation().GetStartLine() < b.GetLocation().GetStartLine()
	})
	return out
}

// servedBy: a declared route with parameters serves path
// ("/auth/:provider/callback" serves "/auth/github/callback").
func servedBy(routes []*patchbayv1.Route, p string) bool {
	want := strings.Split(normRoutePath(p), "/")
	for _, r := range routes {
		have := strings.Split(normRoutePath(r.GetPath()), "/")
		if len(have) != len(want) || !slices.Contains(have, "{}") {
			continue
		}
		match := true
		for i := range have {
			if have[i] != "{}" && have[i] != want[i] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

func spanLocation(f *fileState, sp facts.Span) *patchbayv1.Location {
	return &patchbayv1.Location{Path: f.rel, StartLine: sp.StartLine, StartColumn: sp.StartCol, EndLine: sp.EndLine, EndColumn: sp.EndCol}
}

// normRoutePath is a route path with its parameters in one syntax, for
// telling two spellings of one route apart from two routes.
// ("/users/:id" and "/users/{id}" are one route).
func normRoutePath(p string) string {
	segs := strings.Split(p, "/")
	out := segs[:0]
	for _, s := range segs {
		switch {
		case s == "":
			continue
		case s[0] == ':' || s[0] == '$' || s[0] == '*',
			s[0] == '{' && s[len(s)-1] == '}',
			s[0] == '[' && s[len(s)-1] == ']',
			s[0] == '<' && s[len(s)-1] == '>':
			s = "{}"
		}
		out = append(out, s)
	}
	return "/" + strings.Join(out, "/")
}
