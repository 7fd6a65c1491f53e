package analyzer

import (
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
)

// declaredRoutes: every route the service's files declare, with its full
// path: route calls, attributes and decorators with their scope prefixes,
// mounts and global prefix (codeRoutes), and file-system routes
// (fileRoutes). Framework routing conventions live here; the facts come
// from the front ends.
func (a *Analyzer) declaredRoutes(sf *svcFiles, rels []string) []*routeRef {
	globalPrefix := ""
	for _, rel := range rels {
		for _, pr := range sf.files[rel].facts.Props {
			if pr.Name == "setGlobalPrefix" {
				globalPrefix = pr.Value
			}
		}
	}
	var routes []*routeRef
	for _, rel := range rels {
		f := sf.files[rel]
		routes = append(routes, a.codeRoutes(sf, f, rel, globalPrefix)...)
		fs := fileRoutes(sf, f, rel)
		for _, rr := range fs {
			rr.fileRouted = true
		}
		routes = append(routes, fs...)
	}
	return routes
}

// codeRoutes: the file's route calls, each under every prefix it is
// mounted at.
func (a *Analyzer) codeRoutes(sf *svcFiles, f *fileState, rel, globalPrefix string) []*routeRef {
	var routes []*routeRef
	for _, r := range f.facts.Routes {
		if r.PathConst != "" {
			v, ok := sf.constValue(r.PathConst)
			if !ok {
				continue
			}
			r.Path = v
		}
		method, p := r.Method, r.Path
		if method == "" { // Go 1.22 patterns: "POST /webhooks/{id}"
			if m, rest, ok := strings.Cut(p, " "); ok && strings.ToUpper(m) == m {
				method, p = m, strings.TrimSpace(rest)
			}
		}
		r.Method, r.Path = method, p
		if dupOfMethodRoute(f.facts.Routes, r) || !plausibleRoute(f, r.Router, p) {
			continue
		}
		p = scopedPath(sf, f, rel, r, p)
		if r.Router == "" && globalPrefix != "" && (f.fe.language == "typescript" || f.fe.language == "javascript") {
			p = joinRoute(globalPrefix, p) // NestJS app.setGlobalPrefix
		}
		for _, mp := range a.routePrefixes(sf, f, r.Router) {
			routes = append(routes, &routeRef{file: f, route: r, full: joinRoute(mp.prefix, p), via: mp.via})
		}
	}
	return routes
}

// scopedPath: the route's path inside its own file: conventional ASP.NET
// routes, the scopes around it (a class-level @RequestMapping / [Route],
// a Route::prefix()->group(), Rails namespace > resources > member, each
// prefix before what is inside it), Laravel's routes/api.php prefix and
// ASP.NET's [controller] token.
func scopedPath(sf *svcFiles, f *fileState, rel string, r facts.Route, p string) string {
	var scopes []facts.Mount
	for _, m := range f.facts.Mounts {
		if m.Target == "" && m.Span.Contains(r.Span) && m.Span != r.Span {
			scopes = append(scopes, m)
		}
	}
	if r.Action != "" && len(scopes) == 0 {
		// Convention: /{controller}/{action}, unless the class has a
		// [Route] of its own (then the action serves it).
		p = "/[controller]/" + r.Action
	}
	sort.SliceStable(scopes, func(i, j int) bool {
		return scopes[j].Span.Contains(scopes[i].Span) && scopes[i].Span != scopes[j].Span
	})
	for _, m := range scopes {
		p = joinRoute(m.Prefix, p)
	}
	if f.fe.language == "php" && strings.HasSuffix(local(sf, rel), "routes/api.php") {
		p = joinRoute("/api", p) // Laravel's RouteServiceProvider prefix
	}
	if strings.Contains(p, "[controller]") {
		// ASP.NET's [Route("api/[controller]")]: the class name without
		// "Controller", here the file's.
		p = strings.ReplaceAll(p, "[controller]", strings.TrimSuffix(strings.TrimSuffix(path.Base(rel), path.Ext(rel)), "Controller"))
	}
	return p
}

// fileRoutes: the routes a file-system router makes of the file's path
// (Nuxt/Nitro, SvelteKit, Remix, Next.js app and pages routers).
func fileRoutes(sf *svcFiles, f *fileState, rel string) []*routeRef {
	local := strings.TrimPrefix(rel, sf.dir+"/")
	if sf.dir == "." || sf.dir == "" {
		local = rel
	}
	whole := facts.Span{StartLine: 1, StartCol: 1, EndLine: 1 << 30, EndCol: 1}
	first := facts.Span{StartLine: 1, StartCol: 1, EndLine: 1, EndCol: 1}
	if m := nuxtRoute.FindStringSubmatch(local); m != nil && hasDep(sf, "nuxt", "nitropack") {
		// Nuxt/Nitro: server/api/x.post.ts is POST /api/x, server/routes/x.ts is /x.
		p := strings.TrimSuffix(strings.TrimSuffix(m[2], "/index"), "index")
		if m[1] == "api" {
			p = "api/" + p
		}
		full := joinRoute("", nextPath(p))
		return []*routeRef{{file: f, full: full, route: facts.Route{Method: strings.ToUpper(m[3]), Path: full, Body: whole, Span: first}}}
	}
	if m := svelteKitRoute.FindStringSubmatch(local); m != nil {
		return exportedRoutes(f, nextPath(strings.TrimSuffix(m[1], "/")), nil)
	}
	if m := remixRoute.FindStringSubmatch(local); m != nil && hasRemix(sf) {
		return exportedRoutes(f, remixPath(m[1]), map[string]string{"action": "POST", "loader": "GET"})
	}
	if m := nextAppRoute.FindStringSubmatch(local); m != nil {
		return exportedRoutes(f, joinRoute(basePath(sf), nextPath(m[1])), nil)
	}
	if m := nextPagesRoute.FindStringSubmatch(local); m != nil {
		p := joinRoute(basePath(sf), nextPath(strings.TrimSuffix(strings.TrimSuffix(m[1], "/index"), "index")))
		return []*routeRef{{file: f, full: p, route: facts.Route{Path: p, Body: whole, Span: first}}}
	}
	return nil
}

// constValue: the value of the string constant a route's path names
// (config.CALLBACK_PATH is CALLBACK_PATH in any file of the workspace),
// when its definitions agree on one.
func (sf *svcFiles) constValue(ref string) (string, bool) {
	name := ref[strings.LastIndexByte(ref, '.')+1:]
	vs := sf.ws.constValues(name)
	if sf.reads != nil {
		sf.reads.consts[name] = vs
	}
	if len(vs) == 1 {
		return vs[0], true
	}
	return "", false
}

// constValues are the distinct values the workspace's constants named
// name have, in path order.
func (ws *workspaceFiles) constValues(name string) []string {
	if vs, ok := ws.consts[name]; ok {
		return vs
	}
	var vs []string
	for _, f := range ws.constDefs[name] {
		for _, c := range f.facts.Consts {
			if c.Name == name && !slices.Contains(vs, c.Value) {
				vs = append(vs, c.Value)
			}
		}
	}
	if ws.consts == nil {
		ws.consts = map[string][]string{}
	}
	ws.consts[name] = vs
	return vs
}

// mountPrefix: a mount's prefix, its constant's value when it names one
// (prefix=settings.API_V1_STR); a constant that cannot be resolved adds
// nothing.
func (sf *svcFiles) mountPrefix(m facts.Mount) string {
	if m.PrefixConst != "" && m.Prefix == "" {
		v, _ := sf.constValue(m.PrefixConst)
		return v
	}
	return m.Prefix
}
