package analyzer

import (
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/catalog"
)

// Routes, webhook handlers and OAuth callbacks need more than one file: a
// router is defined in one file, mounted under a prefix in another, and its
// handler may verify the signature in a helper from a third. This pass runs
// per service over the files' facts after the per-file findings.

type svcFiles struct {
	dir   string
	files map[string]*fileState // rel -> state, code files with facts
	// ws is what every service can read of the workspace: other files
	// (barrels, packages that only re-export), functions and constants.
	// serviceRoutes reads it only through lookups that record what they
	// found (routeReads), so that its result can be reused (routeMemo).
	ws   *workspaceFiles
	deps []facts.Dep
	// routes: every route the service's code and file-system routers
	// declare, resolved (serviceRoutes fills it; see routelist.go).
	routes []*routeRef
	// reads records serviceRoutes' lookups in ws; nil records nothing.
	reads *routeReads
}

// workspaceFiles is the part of one snapshot services share.
type workspaceFiles struct {
	// all: every file of the snapshot; rels: their paths, sorted.
	all  map[string]*fileState
	rels []string
	// funcs: function definitions by name across the workspace.
	funcs map[string][]scope
	// constDefs: the files defining a string constant, by name, in path
	// order; consts: their distinct values (constValues, on first use).
	constDefs map[string][]*fileState
	consts    map[string][]string
}

// routeReads is what one service's serviceRoutes looked up outside its
// own files, with what each lookup found (nil: nothing).
type routeReads struct {
	files  map[string]*fileState
	funcs  map[string][]scope
	consts map[string][]string
}

// file is ws.all[rel], recorded.
func (sf *svcFiles) file(rel string) (*fileState, bool) {
	f, ok := sf.ws.all[rel]
	if sf.reads != nil {
		sf.reads.files[rel] = f
	}
	return f, ok
}

// funcDefs are the workspace's definitions of what from calls as callee
// ("check", "hooks.verify", "pprof.Index"), recorded (all of them: the
// memo stays valid while none changes). Where from says where the name
// comes from, only that counts: a relative import keeps the imported
// file's definitions (none when that file has no facts), a Go standard
// library package none; otherwise the nearest definitions (nearestDefs).
func (sf *svcFiles) funcDefs(callee string, from *fileState) []scope {
	if sf == nil {
		return nil
	}
	name := lastDotSegment(callee)
	defs := sf.ws.funcs[name]
	if sf.reads != nil {
		sf.reads.funcs[name] = defs
	}
	if len(defs) == 0 || from == nil {
		return defs
	}
	defs = callableFrom(defs, from)
	if mod, ok := importedModule(sf, from, callee); ok {
		return defsIn(defs, mod)
	}
	return nearestDefs(defs, from)
}

// importedModule: the workspace file from imports callee's name (or its
// qualifier) from, when from's imports say. ok with a nil file: the name
// comes from outside the workspace (a Go standard library package).
func importedModule(sf *svcFiles, from *fileState, callee string) (*fileState, bool) {
	name, qual := lastDotSegment(callee), ""
	if i := strings.LastIndexAny(callee, calleeSeparators); i > 0 {
		qual = lastDotSegment(callee[:i])
	}
	for _, im := range from.facts.Imports {
		switch from.fe.language {
		case "go":
			local := im.Alias
			if local == "" {
				local = path.Base(im.Path)
			}
			if qual != "" && local == qual && !strings.Contains(strings.SplitN(im.Path, "/", 2)[0], ".") {
				return nil, true // standard library
			}
		case "python":
			if qual == "" && (importBinds(im, name) || im.Alias == name) {
				if mod := resolvePyModule(sf, from.rel, im.Path); mod != nil {
					return mod, true
				}
			}
		default: // a relative import (JavaScript, TypeScript, PHP, ...)
			binds := qual == "" && (importBinds(im, name) || im.Alias == name) || qual != "" && im.Alias == qual
			if binds && strings.HasPrefix(im.Path, ".") {
				return resolveModule(sf, from.rel, im.Path), true
			}
		}
	}
	return nil, false
}

// callableFrom keeps the definitions from's code can call: those of its
// own ecosystem (a Go handler named Index is not a C# controller's Index;
// JavaScript, TypeScript and their components call each other).
func callableFrom(defs []scope, from *fileState) []scope {
	if from == nil || from.fe == nil {
		return defs
	}
	for i, d := range defs {
		if d.file.fe.ecosystem != from.fe.ecosystem {
			out := slices.Clone(defs[:i])
			for _, d := range defs[i+1:] {
				if d.file.fe.ecosystem == from.fe.ecosystem {
					out = append(out, d)
				}
			}
			return out
		}
	}
	return defs
}

// nearestDefs keeps, of definitions found outside the caller's service,
// those in the directory closest to from's (the deepest common ancestor):
// a helper a service shares lives next to it (its repository's lib/,
// a sibling package), and a workspace holding several checkouts of one
// app must not resolve each copy's handlers against every copy's helpers.
func nearestDefs(defs []scope, from *fileState) []scope {
	if len(defs) < 2 || from == nil {
		return defs
	}
	dir := path.Dir(from.rel)
	best, n := -1, 0
	depths := make([]int, len(defs))
	for i, d := range defs {
		depths[i] = commonDirDepth(dir, path.Dir(d.file.rel))
		if depths[i] > best {
			best, n = depths[i], 0
		}
		if depths[i] == best {
			n++
		}
	}
	if n == len(defs) {
		return defs
	}
	out := make([]scope, 0, n)
	for i, d := range defs {
		if depths[i] == best {
			out = append(out, d)
		}
	}
	return out
}

// commonDirDepth is how many leading path segments directories a and b
// share ("." is the root: none).
func commonDirDepth(a, b string) int {
	if a == "." || b == "." {
		return 0
	}
	depth := 0
	for {
		sa, ra, _ := strings.Cut(a, "/")
		sb, rb, _ := strings.Cut(b, "/")
		if sa != sb {
			return depth
		}
		depth++
		if ra == "" || rb == "" {
			return depth
		}
		a, b = ra, rb
	}
}

// routeMemo is one service's serviceRoutes result with what it was
// computed from: its own routing files and dependencies, and what it read
// of the rest of the workspace. A build where none of that changed reuses
// it, so an edit in one service re-resolves that service's routes only.
type routeMemo struct {
	files  map[string]*fileState
	deps   []facts.Dep
	reads  *routeReads
	routes []*routeRef
	out    []*patchbayv1.Finding
}

// valid: would serviceRoutes(sf) give m's result again?
func (m *routeMemo) valid(sf *svcFiles) bool {
	if m == nil || len(m.files) != len(sf.files) || !slices.Equal(m.deps, sf.deps) {
		return false
	}
	for rel, f := range sf.files {
		if m.files[rel] != f {
			return false
		}
	}
	for rel, f := range m.reads.files {
		if sf.ws.all[rel] != f {
			return false
		}
	}
	for name, defs := range m.reads.funcs {
		if !slices.Equal(sf.ws.funcs[name], defs) {
			return false
		}
	}
	for name, vs := range m.reads.consts {
		if !slices.Equal(sf.ws.constValues(name), vs) {
			return false
		}
	}
	return true
}

// memoRoutes is serviceRoutes(sf), reused from the previous build when
// nothing it read changed. Later passes add to the findings it returns
// (logout routes, reasons, overrides), so each build gets its own copies.
func (a *Analyzer) memoRoutes(sf *svcFiles, cache *buildCache) []*patchbayv1.Finding {
	if m := cache.routes[sf.dir]; m.valid(sf) {
		sf.routes = m.routes
		return cloneFindings(m.out)
	}
	sf.reads = newRouteReads()
	out := a.serviceRoutes(sf)
	cache.routes[sf.dir] = &routeMemo{files: maps.Clone(sf.files), deps: sf.deps, reads: sf.reads, routes: sf.routes, out: out}
	sf.reads = nil
	return cloneFindings(out)
}

// dropRepeats drops findings equal to an earlier one: a route declared for
// several methods (methods=['POST', 'PUT']) names its callback once.
func dropRepeats(fs []*patchbayv1.Finding) []*patchbayv1.Finding {
	seen := make(map[string][]*patchbayv1.Finding, len(fs))
	out := fs[:0]
	for _, f := range fs {
		if slices.ContainsFunc(seen[f.GetId()], func(g *patchbayv1.Finding) bool { return proto.Equal(f, g) }) {
			continue
		}
		seen[f.GetId()] = append(seen[f.GetId()], f)
		out = append(out, f)
	}
	return out
}

func cloneFindings(in []*patchbayv1.Finding) []*patchbayv1.Finding {
	out := make([]*patchbayv1.Finding, len(in))
	for i, f := range in {
		out[i] = proto.Clone(f).(*patchbayv1.Finding)
	}
	return out
}

// routeRef is a route with its resolved full paths.
type routeRef struct {
	file  *fileState
	route facts.Route
	full  string
	// scopes are the spans (per file) searched for verification and events.
	scopes []scope
	// via are the mounts the route is reached through: middleware there
	// (router.use("/ivr", twilio.webhook(), ivr)) handles the route too.
	via []scope
	// fileRouted: the route comes from the file's path (a file-system
	// router), not from a route call.
	fileRouted bool
}

type scope struct {
	file *fileState
	span facts.Span
}

var (
	nextAppRoute   = regexp.MustCompile(`^(?:src/)?app/(.*?)/?route\.(?:ts|js|tsx|jsx|mjs)$`)
	nextPagesRoute = regexp.MustCompile(`^(?:src/)?pages/(api/.*?)\.(?:ts|js|tsx|jsx|mjs)$`)
	svelteKitRoute = regexp.MustCompile(`^(?:src/)?routes/(.*?)/?\+server\.(?:ts|js)$`)
	nuxtRoute      = regexp.MustCompile(`^(?:src/)?server/(api|routes)/(.+?)(?:\.(get|post|put|patch|delete|head|options))?\.(?:ts|js|mjs)$`)
	remixRoute     = regexp.MustCompile(`^app/routes/(.+?)(?:/route)?\.(?:tsx|ts|jsx|js)$`)
	eventValue     = regexp.MustCompile(`^[a-z][a-z0-9_]*(?:[.:][a-z0-9_]+)*$`)
	callbackPath   = regexp.MustCompile(`(?i)callback|/signin-oidc|/oauth2?/code|/authorized$`)
)

// routeFindings is the route pass: per dir (every service, and "" for
// routing files in no service) its webhook and callback findings and
// route list; it returns them all, sorted, with each dir's part and the
// members it was computed from (kept for assembleEdits).
func (a *Analyzer) routeFindings(s *snapshot, services map[string]*serviceInfo, serviceOf func(string) string, cache *buildCache) ([]*patchbayv1.Finding, map[string]*routeOut, *routeMembers) {
	m := a.routeMembers(s, serviceOf, cache)
	outs := map[string]*routeOut{}
	for dir := range cache.routes {
		if !m.routes(dir) {
			delete(cache.routes, dir)
		}
	}
	for _, dir := range m.routeDirs(services) {
		outs[dir] = a.serviceRouteOutput(s, dir, services, m, cache)
	}
	return allRouteFindings(outs), outs, m
}

// routeOut is one service's (or, for "", the files in no service's) part
// of the route pass: its webhook and callback findings, sorted and final,
// and its route list, with what the pass read of the rest of the
// workspace besides its route memo's reads.
type routeOut struct {
	findings []*patchbayv1.Finding
	routes   []*patchbayv1.Route
	reads    *routeReads
}

// routeMembers is, per service dir, the files the route pass reads, and
// the workspace's function and constant tables: assembleEdits keeps them
// up to date file by file instead of a pass over every file.
type routeMembers struct {
	ws    *workspaceFiles
	byDir map[string]*svcMembers
}

type svcMembers struct {
	files  map[string]*fileState // code files that take part in routing
	code   []*fileState          // code files that import something, in path order
	spring []*fileState          // Spring configuration files, in path order
}

// routes: does dir have routing files?
func (m *routeMembers) routes(dir string) bool {
	sm := m.byDir[dir]
	return sm != nil && len(sm.files) > 0
}

// routeDirs are the dirs the route pass runs for, sorted: every service
// and every other dir with routing files ("" for files in no service).
func (m *routeMembers) routeDirs(services map[string]*serviceInfo) []string {
	dirs := slices.Collect(maps.Keys(services))
	for dir := range m.byDir {
		if _, ok := services[dir]; !ok && m.routes(dir) {
			dirs = append(dirs, dir)
		}
	}
	slices.Sort(dirs)
	return dirs
}

// svcFiles is dir's view of m for one build.
func (m *routeMembers) svcFiles(dir string, si *serviceInfo) *svcFiles {
	if !m.routes(dir) {
		return nil
	}
	sf := &svcFiles{dir: dir, files: m.byDir[dir].files, ws: m.ws}
	if si != nil {
		sf.deps = si.deps
	}
	return sf
}

func (m *routeMembers) member(dir string) *svcMembers {
	sm := m.byDir[dir]
	if sm == nil {
		sm = &svcMembers{files: map[string]*fileState{}}
		m.byDir[dir] = sm
	}
	return sm
}

// routeMembers sorts s's files into the services' route members and
// builds the workspace tables.
func (a *Analyzer) routeMembers(s *snapshot, serviceOf func(string) string, cache *buildCache) *routeMembers {
	m := &routeMembers{ws: &workspaceFiles{all: s.files, rels: s.sortedRels(), funcs: map[string][]scope{}, constDefs: map[string][]*fileState{}}, byDir: map[string]*svcMembers{}}
	for _, rel := range s.sortedRels() {
		f := s.files[rel]
		if f.kind == kindSpring && f.facts != nil && len(f.facts.Props) > 0 {
			sm := m.member(serviceOf(rel))
			sm.spring = append(sm.spring, f)
		}
		if f.facts == nil || f.fe == nil {
			continue
		}
		m.ws.add(f)
		routing, imports := a.routing(f, cache), len(f.facts.Imports) > 0
		if !routing && !imports {
			continue
		}
		sm := m.member(serviceOf(rel))
		if routing {
			sm.files[rel] = f
		}
		if imports {
			sm.code = append(sm.code, f)
		}
	}
	return m
}

// add puts f's functions and constants into the tables, after those of
// every file before it in path order.
func (ws *workspaceFiles) add(f *fileState) {
	for _, fn := range f.facts.Funcs {
		ws.funcs[fn.Name] = append(ws.funcs[fn.Name], scope{f, fn.Span})
	}
	for _, c := range f.facts.Consts {
		// Once per file and name: f is the last file added so far.
		if defs := ws.constDefs[c.Name]; len(defs) == 0 || defs[len(defs)-1] != f {
			ws.constDefs[c.Name] = append(defs, f)
		}
	}
}

// serviceRouteOutput runs the route pass for one dir: its declared routes
// (memoRoutes), SDK and framework defaults, strategies expanded, logout
// routes and origins, sorted without repeats; a service's route list.
func (a *Analyzer) serviceRouteOutput(s *snapshot, dir string, services map[string]*serviceInfo, m *routeMembers, cache *buildCache) *routeOut {
	si := services[dir]
	sf := m.svcFiles(dir, si)
	var out []*patchbayv1.Finding
	if sf != nil {
		out = a.memoRoutes(sf, cache)
		sf.reads = newRouteReads()
	}
	var code, spring []*fileState
	if sm := m.byDir[dir]; sm != nil {
		code, spring = sm.code, sm.spring
	}
	if si != nil {
		out = append(out, a.defaultCallbacks(s, dir, si, code)...)
		out = append(out, a.defaultWebhooks(s, dir, si, code)...)
		out = append(out, a.frameworkCallbacks(s, dir, si, sf, spring)...)
	}
	out = expandStrategyCallbacks(out, services)
	// Every callback of a service learns the service's explicit logout
	// routes and return URLs and the web origins its OAuth flows run on.
	if sf != nil {
		var logout, origins []string
		done := false
		for _, x := range out {
			cb := x.GetCallback()
			if cb == nil || x.GetService() != dir {
				continue
			}
			if !done {
				logout, origins = a.authSurface(sf)
				done = true
			}
			cb.LogoutRoutes = mergeSorted(cb.LogoutRoutes, logout)
			cb.Origins = mergeSorted(cb.Origins, origins)
		}
	}
	sortFindings(out)
	ro := &routeOut{findings: dropRepeats(out)}
	if sf != nil {
		ro.reads, sf.reads = sf.reads, nil
	}
	if si != nil {
		ro.routes = serviceRouteList(sf, ro.findings)
	}
	return ro
}

// allRouteFindings: every dir's route findings, sorted.
func allRouteFindings(outs map[string]*routeOut) []*patchbayv1.Finding {
	var all []*patchbayv1.Finding
	for _, dir := range slices.Sorted(maps.Keys(outs)) {
		all = append(all, outs[dir].findings...)
	}
	sortFindings(all)
	return all
}

func newRouteReads() *routeReads {
	return &routeReads{files: map[string]*fileState{}, funcs: map[string][]scope{}, consts: map[string][]string{}}
}

// routing is takesPartInRouting for f, kept between builds.
func (a *Analyzer) routing(f *fileState, cache *buildCache) bool {
	if e, ok := cache.routing[f.rel]; ok && e.file == f {
		return e.ok
	}
	ok := a.takesPartInRouting(f.rel, f.facts)
	cache.routing[f.rel] = routingFlag{f, ok}
	return ok
}

func (a *Analyzer) takesPartInRouting(rel string, ff *facts.File) bool {
	return len(ff.Routes) > 0 || len(ff.Mounts) > 0 || len(ff.Funcs) > 0 || len(ff.Exports) > 0 || len(ff.Props) > 0 ||
		a.hasWebhookCall(ff) || hasAuthJSImport(ff) || strings.HasSuffix(rel, "__init__.py") || fileRoute.MatchString(rel) || hasAspNetScheme(ff)
}

var (
	logoutPath = regexp.MustCompile(`(?i)(^|/)(log-?out|sign-?out|sign_out|log_out|end-?session)(/|$)`)
	// logoutProp: options naming where a logout returns to.
	logoutProp = regexp.MustCompile(`(?i)(returnto|post_?logout|logout_?(redirect|return)|aftersignout)`)
	// originProp: options whose absolute URL values are origins the flow
	// runs on (cors({origin}), baseURL, absolute callback/redirect URLs) and
	// the CORS allow-lists of other stacks (flask-cors origins, Starlette
	// allow_origins, CORS_ALLOWED_ORIGINS, rack-cors origins, Spring
	// @CrossOrigin/allowedOrigins, ASP.NET WithOrigins, Laravel
	// allowed_origins, Go AllowedOrigins/AllowOrigins).
	originProp = regexp.MustCompile(`(?i)(^origin$|origins$|^crossorigin$|baseurl|callback|redirect|returnto|logout|aftersignout)`)
)

// authSurface: a service's explicit logout routes (routes named logout or
// signout, logout return-to options) and the origins of absolute URLs in
// its auth and CORS options, each sorted and unique.
func (a *Analyzer) authSurface(sf *svcFiles) (logout, origins []string) {
	seenL, seenO := map[string]bool{}, map[string]bool{}
	for _, f := range sf.files {
		for _, r := range f.facts.Routes {
			p := r.Path
			if _, rest, ok := strings.Cut(p, " "); ok && strings.ToUpper(p[:strings.IndexByte(p, ' ')]) == p[:strings.IndexByte(p, ' ')] {
				p = strings.TrimSpace(rest)
			}
			if logoutPath.MatchString(p) {
				for _, prefix := range a.prefixes(sf, f, r.Router, 0) {
					seenL[joinRoute(prefix, p)] = true
				}
			}
		}
		for _, pr := range f.facts.Props {
			origin, route := splitURL(pr.Value)
			if origin != "" && originProp.MatchString(pr.Name) {
				seenO[origin] = true
			}
			if logoutProp.MatchString(pr.Name) && strings.HasPrefix(route, "/") {
				seenL[route] = true
			}
		}
	}
	for l := range seenL {
		logout = append(logout, l)
	}
	for o := range seenO {
		origins = append(origins, o)
	}
	sort.Strings(logout)
	sort.Strings(origins)
	return logout, origins
}

// splitURL splits "https://app.example.com:8443/auth/cb" into its origin
// and path; a bare path has no origin.
func splitURL(v string) (origin, route string) {
	i := strings.Index(v, "://")
	if i < 0 {
		return "", v
	}
	scheme := strings.ToLower(v[:i])
	if scheme != "http" && scheme != "https" {
		return "", ""
	}
	rest := v[i+3:]
	host, route := rest, "/"
	if j := strings.IndexAny(rest, "/?#"); j >= 0 {
		host, route = rest[:j], rest[j:]
		if !strings.HasPrefix(route, "/") {
			route = "/"
		}
	}
	// A wildcard ("https://*.example.com") is a pattern, not an origin a
	// provider can register.
	if host == "" || strings.ContainsAny(host, "${}*") {
		return "", route
	}
	return scheme + "://" + strings.ToLower(host), route
}

func mergeSorted(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(append([]string(nil), a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func (a *Analyzer) hasWebhookCall(ff *facts.File) bool {
	for _, c := range ff.Calls {
		if a.ix.webhookTails[symbolTail(c.Callee)] {
			return true
		}
	}
	return false
}

func hasAuthJSImport(ff *facts.File) bool {
	for _, im := range ff.Imports {
		if _, _, ok := authJSProvider(im.Path); ok {
			return true
		}
	}
	return false
}

// authJSPackages are the NextAuth/Auth.js packages whose provider modules
// configure a callback each, and the basePath each serves by default.
var authJSPackages = []struct{ pkg, basePath string }{
	{"next-auth", "/api/auth"},
	{"@auth/nextjs", "/api/auth"},
	{"@auth/sveltekit", "/auth"},
	{"@auth/express", "/auth"},
	{"@auth/solid-start", "/api/auth"},
	{"@auth/qwik", "/auth"},
	{"@auth/core", "/auth"},
}

// authJSProvider: for an import of an Auth.js provider module
// ("next-auth/providers/github", "@auth/sveltekit/providers/google"), the
// provider's name and its package's default basePath.
func authJSProvider(importPath string) (name, basePath string, ok bool) {
	for _, p := range authJSPackages {
		if n, found := strings.CutPrefix(importPath, p.pkg+"/providers/"); found && n != "" {
			return n, p.basePath, true
		}
	}
	return "", "", false
}

func (a *Analyzer) serviceRoutes(sf *svcFiles) []*patchbayv1.Finding {
	rels := sortedKeys(sf.files)
	funcs := map[string][]scope{} // function name -> definitions in the service
	for _, rel := range rels {
		f := sf.files[rel]
		for _, fn := range f.facts.Funcs {
			funcs[fn.Name] = append(funcs[fn.Name], scope{f, fn.Span})
		}
	}
	depProviders := map[string]bool{}
	for _, d := range sf.deps {
		if p := a.ix.matchDep(providers.Ecosystem(d.Ecosystem), d.Name); p != "" {
			depProviders[p] = true
		}
	}
	routes, filters := splitFilters(a.declaredRoutes(sf, rels))
	sf.routes = routes
	out, covered := a.routeHooks(sf, routes, filters, funcs, depProviders)
	for _, rel := range rels {
		out = append(out, a.unroutedWebhooks(sf, rel, covered, depProviders)...)
		out = append(out, a.optionCallbacks(sf, sf.files[rel], depProviders)...)
	}
	return out
}

// splitFilters: filters (Sinatra's before "/x") run before the routes of
// their path; a signature check there covers those routes.
func splitFilters(all []*routeRef) (routes, filters []*routeRef) {
	for _, rr := range all {
		if rr.route.Method == facts.MethodFilter {
			filters = append(filters, rr)
		} else {
			routes = append(routes, rr)
		}
	}
	return routes, filters
}

// routeHooks: the webhook and callback findings on the service's routes,
// and the verification calls they cover.
func (a *Analyzer) routeHooks(sf *svcFiles, routes, filters []*routeRef, funcs map[string][]scope, depProviders map[string]bool) ([]*patchbayv1.Finding, map[*fileState][]facts.Span) {
	var out []*patchbayv1.Finding
	covered := map[*fileState][]facts.Span{} // verification calls already reported via a route
	for _, rr := range routes {
		rr.scopes = append(handlerScopes(rr, funcs, sf), rr.via...)
		for _, fl := range filters {
			if fl.full == rr.full || fl.full == "/*" || fl.full == "/" && fl.route.Path == "" {
				rr.scopes = append(rr.scopes, handlerScopes(fl, funcs, sf)...)
			}
		}
		site, siteSpan := handlerSite(sf, rr, funcs)
		provider, verification, at := a.verification(rr.scopes, depProviders)
		if provider != "" {
			covered[at.file] = append(covered[at.file], at.span)
			site, siteSpan = evidenceSite(rr, funcs, at, site, siteSpan)
			wf := a.webhookFinding(sf, site, siteSpan, provider, rr.route.Method, rr.full, verification, events(rr.scopes))
			wf.GetWebhook().SecretEnv = secretEnv(rr.scopes, at)
			out = append(out, wf)
		} else if provider, mark, mat := a.markIn(rr.scopes); provider != "" {
			site, siteSpan = evidenceSite(rr, funcs, mat, site, siteSpan)
			out = append(out, a.webhookFinding(sf, site, siteSpan, provider, rr.route.Method, rr.full, "reads "+mark, events(rr.scopes)))
		}
		if callbackPath.MatchString(rr.full) || exchangesCode(rr.scopes) {
			out = append(out, a.callbackFinding(sf, site, siteSpan, a.callbackProvider(rr.full, site, depProviders), rr.full, nil, "explicit"))
		}
	}
	return out, covered
}

// unroutedWebhooks: verification outside any recognised route reports the
// enclosing function, so the handler is still known (route unknown).
func (a *Analyzer) unroutedWebhooks(sf *svcFiles, rel string, covered map[*fileState][]facts.Span, depProviders map[string]bool) []*patchbayv1.Finding {
	f := sf.files[rel]
	var out []*patchbayv1.Finding
	for _, c := range f.facts.Calls {
		if !a.ix.webhookTails[symbolTail(c.Callee)] {
			continue
		}
		p, sym := a.matchWebhook(f, c.Callee, depProviders)
		if p == "" || spanIn(covered[f], c.Span) {
			continue
		}
		sc := scope{f, c.Span}
		for _, fn := range f.facts.Funcs {
			if fn.Span.Contains(c.Span) && (sc.span == c.Span || sc.span.Contains(fn.Span)) {
				sc = scope{f, fn.Span}
			}
		}
		// A PHP file outside any framework is served as it is: its
		// path under the document root is the route.
		route := ""
		if f.fe.language == "php" {
			route = servedPHPRoute(sf, rel)
		}
		out = append(out, a.webhookFinding(sf, f, firstLineSpan(sc.span), p, "", route, sym, events([]scope{sc})))
	}
	return out
}

// optionCallbacks: passport strategies, NextAuth basePath, SDK options
// naming the callback (callbackURL: "/auth/callback").
func (a *Analyzer) optionCallbacks(sf *svcFiles, f *fileState, depProviders map[string]bool) []*patchbayv1.Finding {
	var out []*patchbayv1.Finding
	for _, pr := range f.facts.Props {
		n := strings.ToLower(pr.Name)
		if !strings.Contains(n, "callback") && !strings.Contains(n, "redirect") || logoutProp.MatchString(n) {
			continue // post_logout_redirect_uri is a logout return, not a callback
		}
		route := pr.Value
		if i := strings.Index(route, "://"); i >= 0 {
			if j := strings.Index(route[i+3:], "/"); j >= 0 {
				route = route[i+3+j:]
			} else {
				route = "/"
			}
		}
		if !strings.HasPrefix(route, "/") {
			continue
		}
		out = append(out, a.callbackFinding(sf, f, pr.Span, a.callbackProvider(route, f, depProviders), route, nil, "explicit"))
	}
	return out
}

// plausibleRoute: in JavaScript and Go, `x.get("...")` is a route only
// when its path is one (headers.get("x-hub-signature-256"),
// r.Header.Get("X-GitHub-Event") are not); their routers' paths always
// start with "/". Decorator routes (NestJS @Post("stripe")) have no
// receiver and may omit it.
func plausibleRoute(f *fileState, router, p string) bool {
	if router == "" || f.fe.ecosystem != providers.NPM && f.fe.ecosystem != providers.Go && f.fe.ecosystem != providers.Composer && f.fe.ecosystem != providers.Maven {
		return true
	}
	return p == "" || p[0] == '/' || p[0] == '*'
}

// aspNetSchemes: ASP.NET Core's authentication handlers and the scheme
// their default CallbackPath (/signin-<scheme>) names.
var aspNetSchemes = map[string]string{
	"AddGoogle": "google", "AddGitHub": "github", "AddMicrosoftAccount": "microsoft",
	"AddFacebook": "facebook", "AddTwitter": "twitter",
}

func hasAspNetScheme(ff *facts.File) bool {
	for _, c := range ff.Calls {
		if aspNetSchemes[symbolTail(c.Callee)] != "" {
			return true
		}
	}
	return false
}

// codeExchanges are the calls that finish an OAuth authorization-code
// flow by hand or through a framework helper; a route whose handling makes
// one is the flow's callback, whatever it is called. Matched on the
// callee's last segment ("*" ends a prefix).
var codeExchanges = []string{
	"exchangeCodeForSession", // Supabase
	"fetch_token",            // requests-oauthlib, authlib
	"authorize_access_token", // authlib
	"defineOAuth*",           // nuxt-auth-utils defineOAuthGitHubEventHandler
	"getOAuthAccessToken",
	"exchange_code_for_token",
}

// exchangesCode: does a call in the scopes exchange an authorization code?
// Socialite::driver('github')->user() counts too.
func exchangesCode(scopes []scope) bool {
	for _, sc := range scopes {
		for _, c := range sc.file.facts.Calls {
			if !sc.span.Contains(c.Span) {
				continue
			}
			if isCodeExchange(c.Callee) {
				return true
			}
		}
	}
	return false
}

func isCodeExchange(callee string) bool {
	if strings.Contains(callee, "Socialite::driver(") && strings.HasSuffix(callee, "->user") {
		return true
	}
	tail := symbolTail(callee)
	for _, x := range codeExchanges {
		if p, ok := strings.CutSuffix(x, "*"); ok && strings.HasPrefix(tail, p) || tail == x {
			return true
		}
	}
	return false
}

// phpDocRoots are the folders PHP hosting serves as the document root.
var phpDocRoots = []string{"public", "public_html", "webroot", "htdocs", "www", "web"}

// servedPHPRoute: the URL path of a PHP file served as it is
// (public/webhook.php -> /webhook.php), "" when a framework routes the
// service's requests (Laravel, Symfony, Slim, ...) or the file is outside
// the document root.
func servedPHPRoute(sf *svcFiles, rel string) string {
	for _, d := range sf.deps {
		if d.Ecosystem == "composer" && (strings.HasPrefix(d.Name, "laravel/") || strings.HasPrefix(d.Name, "symfony/framework") ||
			strings.HasPrefix(d.Name, "slim/") || strings.HasPrefix(d.Name, "cakephp/") || strings.HasPrefix(d.Name, "yiisoft/")) {
			return ""
		}
	}
	p := local(sf, rel)
	for _, root := range phpDocRoots {
		if rest, ok := strings.CutPrefix(p, root+"/"); ok {
			return "/" + rest
		}
	}
	if !strings.Contains(p, "/") {
		return "/" + p // a site served from the repository root
	}
	return ""
}

// handlerSite is where a route's finding is reported: the handler's
// definition when the route names one defined in another file (a
// controller action, a Django view), else the registration.
func handlerSite(sf *svcFiles, rr *routeRef, funcs map[string][]scope) (*fileState, facts.Span) {
	if h := rr.route.Handler; h != "" {
		name := lastDotSegment(h)
		defs := handlerDefs(rr, funcs, nil)
		if len(defs) > 1 && !strings.Contains(h, "#") {
			defs = importedDefs(sf, rr.file, name, defs)
		}
		if len(defs) == 1 && defs[0].file != rr.file {
			return defs[0].file, firstLineSpan(defs[0].span)
		}
	}
	return rr.file, rr.route.Span
}

// importedDefs narrows a name's definitions to the ones the file imports
// it from (two views named GoogleLoginApi, each urls.py importing its own).
func importedDefs(sf *svcFiles, from *fileState, name string, defs []scope) []scope {
	mod, _ := importedModule(sf, from, name)
	return defsIn(defs, mod)
}

// defsIn: the definitions in file f (none for nil).
func defsIn(defs []scope, f *fileState) []scope {
	var out []scope
	for _, d := range defs {
		if f != nil && d.file == f {
			out = append(out, d)
		}
	}
	return out
}

// handlerDepth bounds how far calls are followed from a route's handler to
// the helper that verifies the provider's signature.
const handlerDepth = 4

// handlerScopes: the spans a route's handling covers: its own body, its
// named handler, and the functions they call, transitively (to
// handlerDepth), found by name in the service and then in the workspace.
// handlerDefs: the definitions of the function a route names as its
// handler, in the service (funcs) or else anywhere (all). A Rails
// "admin/reports#show" is that controller's action only (every controller
// has a show); when no controller file defines it, a single definition of
// the action anywhere is taken.
func handlerDefs(rr *routeRef, funcs map[string][]scope, all *svcFiles) []scope {
	lookup := func(callee string) []scope {
		if defs := callableFrom(funcs[lastDotSegment(callee)], rr.file); len(defs) > 0 {
			return defs
		}
		return all.funcDefs(callee, rr.file)
	}
	h := rr.route.Handler
	if ctrl, action, ok := strings.Cut(h, "#"); ok {
		defs := lookup(action)
		var out []scope
		for _, d := range defs {
			if strings.HasSuffix(d.file.rel, "controllers/"+ctrl+"_controller.rb") {
				out = append(out, d)
			}
		}
		if len(out) == 0 && len(defs) == 1 {
			out = defs
		}
		return out
	}
	if h == "" {
		return nil
	}
	return lookup(h)
}

func handlerScopes(rr *routeRef, funcs map[string][]scope, all *svcFiles) []scope {
	scopes := []scope{{rr.file, rr.route.Body}}
	lookup := func(callee string, from *fileState) []scope {
		if defs := callableFrom(funcs[lastDotSegment(callee)], from); len(defs) > 0 {
			return defs
		}
		return all.funcDefs(callee, from)
	}
	scopes = append(scopes, handlerDefs(rr, funcs, all)...)
	// have is scopes as a set: a name defined in many files (a workspace
	// holding several copies of an app) would otherwise make each check a
	// walk over every scope found so far.
	have := make(map[scope]bool, len(scopes))
	for _, sc := range scopes {
		have[sc] = true
	}
	frontier := scopes
	for depth := 0; depth < handlerDepth && len(frontier) > 0; depth++ {
		var next []scope
		for _, sc := range frontier {
			for _, c := range sc.file.facts.Calls {
				if !sc.span.Contains(c.Span) {
					continue
				}
				for _, def := range lookup(c.Callee, sc.file) {
					if !have[def] && !def.span.Contains(sc.span) {
						have[def] = true
						scopes = append(scopes, def)
						next = append(next, def)
					}
				}
			}
		}
		frontier = next
	}
	return scopes
}

// markIn: the first provider webhook header or marker read inside the
// scopes.
func (a *Analyzer) markIn(scopes []scope) (provider, mark string, at scope) {
	for _, sc := range scopes {
		for _, m := range sc.file.facts.Marks {
			if sc.span.Contains(m.Span) {
				if p := a.ix.markProvider(m.Value); p != "" {
					return p, m.Value, scope{sc.file, m.Span}
				}
			}
		}
	}
	return "", "", scope{}
}

// evidenceSite: when the route's named handler has several definitions
// (methods of one name on different types), the one holding the evidence
// is the handler.
func evidenceSite(rr *routeRef, funcs map[string][]scope, at scope, site *fileState, siteSpan facts.Span) (*fileState, facts.Span) {
	if site != rr.file || rr.route.Handler == "" {
		return site, siteSpan
	}
	for _, d := range handlerDefs(rr, funcs, nil) {
		if d.file == at.file && d.span.Contains(at.span) && d.file != rr.file {
			return d.file, firstLineSpan(d.span)
		}
	}
	return site, siteSpan
}

// dupOfMethodRoute: a route without a method that another pattern also
// matched with explicit methods (@app.route(..., methods=[...])).
func dupOfMethodRoute(all []facts.Route, r facts.Route) bool {
	if r.Method != "" {
		return false
	}
	for _, o := range all {
		if o.Method != "" && o.Span == r.Span && o.Path == r.Path {
			return true
		}
	}
	return false
}

// local is rel relative to the service directory.
func local(sf *svcFiles, rel string) string {
	if sf.dir == "." || sf.dir == "" {
		return rel
	}
	return strings.TrimPrefix(rel, sf.dir+"/")
}

// exportedRoutes are the file-system routes of a module whose exported
// handlers name their methods (GET/POST, or Remix's loader/action).
func exportedRoutes(f *fileState, path string, names map[string]string) []*routeRef {
	var out []*routeRef
	for _, ex := range f.facts.Exports {
		method := treesitterMethod(ex)
		if names != nil {
			method = names[ex]
		}
		if method == "" {
			continue
		}
		body := facts.Span{StartLine: 1, StartCol: 1, EndLine: 1 << 30, EndCol: 1}
		for _, fn := range f.facts.Funcs {
			if fn.Name == ex {
				body = fn.Span
			}
		}
		out = append(out, &routeRef{file: f, full: path, route: facts.Route{Method: method, Path: path, Body: body, Span: firstLineSpan(body)}})
	}
	return out
}

// remixPath turns a Remix flat-route file name into a path:
// "api.webhooks.stripe" -> "/api/webhooks/stripe", "$id" -> ":id",
// "_index" -> "", "(optional)" and "_layout" segments vanish.
func remixPath(name string) string {
	var parts []string
	for _, seg := range strings.Split(strings.ReplaceAll(name, "/", "."), ".") {
		switch {
		case seg == "" || seg == "_index" || seg == "index" || strings.HasPrefix(seg, "_"):
			continue
		case strings.HasPrefix(seg, "$"):
			seg = ":" + seg[1:]
		}
		// remix-flat-routes folders: "api+/webhook.ts" is /api/webhook.
		parts = append(parts, strings.TrimSuffix(strings.TrimSuffix(seg, "+"), "_"))
	}
	return "/" + strings.Join(parts, "/")
}

// hasDep: the service declares one of the packages.
func hasDep(sf *svcFiles, names ...string) bool {
	for _, d := range sf.deps {
		if slicesContains(names, d.Name) {
			return true
		}
	}
	return false
}

func hasRemix(sf *svcFiles) bool {
	for _, d := range sf.deps {
		if strings.HasPrefix(d.Name, "@remix-run/") || strings.HasPrefix(d.Name, "@react-router/") {
			return true
		}
	}
	return false
}

// basePath is Next.js's basePath from next.config.*, "" when unset.
func basePath(sf *svcFiles) string {
	for rel, f := range sf.files {
		if !strings.HasPrefix(path.Base(rel), "next.config.") {
			continue
		}
		for _, p := range f.facts.Props {
			if p.Name == "basePath" && strings.HasPrefix(p.Value, "/") {
				return strings.TrimSuffix(p.Value, "/")
			}
		}
	}
	return ""
}

func treesitterMethod(name string) string {
	switch name {
	case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS":
		return name
	}
	return ""
}

// nextPath turns a Next.js directory path into a route: route groups
// "(marketing)" vanish, dynamic segments stay as written.
func nextPath(p string) string {
	var parts []string
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || (strings.HasPrefix(seg, "(") && strings.HasSuffix(seg, ")")) || strings.HasPrefix(seg, "@") {
			continue
		}
		parts = append(parts, seg)
	}
	return "/" + strings.Join(parts, "/")
}

// djangoGroup: a named or plain regex group in an old-style Django url()
// or re_path() pattern.
var djangoGroup = regexp.MustCompile(`\(\?P<(\w+)>[^)]*\)|\([^)]*\)`)

// cleanRegexRoute turns a regex route (Django's url(r'^hooks/(?P<id>\d+)/$'))
// into a path: anchors dropped, groups as {name}.
func cleanRegexRoute(p string) string {
	if !strings.ContainsAny(p, "^$(") {
		return p
	}
	p = strings.TrimPrefix(p, "^")
	p = strings.TrimSuffix(p, "$")
	return djangoGroup.ReplaceAllStringFunc(p, func(g string) string {
		if m := djangoGroup.FindStringSubmatch(g); m[1] != "" {
			return "{" + m[1] + "}"
		}
		return "{}"
	})
}

func joinRoute(prefix, p string) string {
	prefix, p = cleanRegexRoute(prefix), cleanRegexRoute(p)
	if prefix == "" || prefix == "/" {
		if !strings.HasPrefix(p, "/") {
			return "/" + p
		}
		return p
	}
	j := strings.TrimSuffix(prefix, "/") + "/" + strings.TrimPrefix(p, "/")
	if !strings.HasPrefix(j, "/") {
		j = "/" + j
	}
	// A trailing slash the route itself writes is part of it (Django's
	// "webhooks/stripe/"); one left by joining is not.
	if len(j) > 1 && (p == "" || p == "/" || !strings.HasSuffix(p, "/")) {
		j = strings.TrimSuffix(j, "/")
	}
	return j
}

func firstLineSpan(s facts.Span) facts.Span {
	if s.EndLine > s.StartLine {
		return facts.Span{StartLine: s.StartLine, StartCol: s.StartCol, EndLine: s.StartLine, EndCol: s.StartCol}
	}
	return s
}

// definesName: the file defines or exports a function or binding name.
func definesName(f *fileState, name string) bool {
	for _, fn := range f.facts.Funcs {
		if fn.Name == name {
			return true
		}
	}
	return slicesContains(f.facts.Exports, name)
}

// importBinds: the import binds name locally.
func importBinds(im facts.Import, name string) bool {
	for _, n := range im.Names {
		if local, _ := facts.ImportName(n); local == name {
			return true
		}
	}
	return false
}

func firstOr(list []string, def string) string {
	if len(list) > 0 {
		return list[0]
	}
	return def
}

func sortedKeys(m map[string]*fileState) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// calleeSeparators end a callee's qualifier ("a.b", "A::b", "$a->b",
// "A\\b", "C@b").
const calleeSeparators = ".:>\\@"

// lastDotSegment: the function a qualified name ends in: "h.handle",
// "Billing::webhook", "$this->verify", "CallController@newCall".
func lastDotSegment(s string) string {
	if i := strings.LastIndexAny(s, calleeSeparators); i >= 0 {
		return s[i+1:]
	}
	return s
}

func spanIn(list []facts.Span, s facts.Span) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// prefixes lists the prefixes under which router of file f is mounted, by
// following app.use("/api", router) in the same file and mounts of the file's
// module (require/import) in other files of the service.
func (a *Analyzer) prefixes(sf *svcFiles, f *fileState, router string, depth int) []string {
	var out []string
	for _, mp := range a.mountedPrefixesOwn(sf, f, router, depth) {
		out = append(out, mp.prefix)
	}
	sort.Strings(out)
	return out
}

type mountedPrefix struct {
	prefix   string
	override bool // the mount's prefix replaces the router's own
	via      []scope
}

// routePrefixes is prefixes with the mounts each prefix comes through.
func (a *Analyzer) routePrefixes(sf *svcFiles, f *fileState, router string) []mountedPrefix {
	out := a.mountedPrefixesOwn(sf, f, router, 0)
	sort.Slice(out, func(i, j int) bool { return out[i].prefix < out[j].prefix })
	return out
}

// mountedPrefixesOwn: the full prefixes of router in f, each with the
// mounts it comes through. A prefix the router is constructed with (Koa's
// new Router({prefix}), Flask's Blueprint(url_prefix=), FastAPI's
// APIRouter(prefix=)) comes after wherever the router itself is mounted,
// unless that mount replaces it (Flask's register_blueprint(url_prefix=)).
func (a *Analyzer) mountedPrefixesOwn(sf *svcFiles, f *fileState, router string, depth int) []mountedPrefix {
	if depth > 8 {
		return []mountedPrefix{{}}
	}
	own := ""
	if router != "" {
		for _, m := range f.facts.Mounts {
			if m.Target == router && m.Parent == "" && m.Prefix != "" {
				own = m.Prefix
			}
		}
	}
	var out []mountedPrefix
	for _, mp := range a.mountedPrefixes(sf, f, router, depth) {
		if own != "" && !mp.override {
			mp.prefix = joinRoute(mp.prefix, own)
		}
		mp.override = false
		out = append(out, mp)
	}
	return out
}

// mountedPrefixes: the prefixes router is mounted under, without its own;
// {""} when it is not mounted anywhere.
func (a *Analyzer) mountedPrefixes(sf *svcFiles, f *fileState, router string, depth int) []mountedPrefix {
	var out []mountedPrefix
	add := func(g *fileState, m facts.Mount) {
		for _, p := range a.mountedPrefixesOwn(sf, g, m.Parent, depth+1) {
			via := append(append([]scope(nil), p.via...), scope{g, m.Span})
			out = append(out, mountedPrefix{joinRoute(joinRoute(p.prefix, listPrefix(g, m)), sf.mountPrefix(m)), m.Override, via})
		}
	}
	for _, m := range f.facts.Mounts {
		if m.Target == router && router != "" && m.Parent != router && m.Parent != "" {
			add(f, m)
		}
	}
	if len(out) > 0 {
		return out
	}
	for rel, g := range sf.files {
		if g == f {
			continue
		}
		for _, m := range g.facts.Mounts {
			if mountsFile(sf, rel, g, m, f) {
				add(g, m)
			}
		}
	}
	if len(out) == 0 {
		return []mountedPrefix{{}}
	}
	return out
}

// listPrefix: the prefix of the Django urlpatterns list that holds mount
// m, when the same module includes that list under one
// (path("login/", include(login_urlpatterns))).
func listPrefix(g *fileState, m facts.Mount) string {
	for _, fn := range g.facts.Funcs {
		if !fn.Span.Contains(m.Span) || fn.Span == m.Span {
			continue
		}
		for _, o := range g.facts.Mounts {
			if o.Target == fn.Name && !fn.Span.Contains(o.Span) {
				return o.Prefix
			}
		}
	}
	return ""
}

// mountsFile: does mount m in file g (at rel) mount a router defined in f?
// JavaScript: a relative require/import (inline or bound to the target).
// Python: a module the target was imported from (`from billing import bp`),
// or Django's include("billing.urls"). Go: a function of the same package
// or of an imported package of the service (r.Mount("/api", api.Routes())).
func mountsFile(sf *svcFiles, rel string, g *fileState, m facts.Mount, f *fileState) bool {
	if m.Target == "" || g.fe == nil {
		return false
	}
	switch g.fe.language {
	case "python":
		// `from billing import bp` then include(bp); `from app.routes.webhooks
		// import router as webhooks` then include_router(webhooks.router):
		// the name is a module's attribute, or itself a submodule.
		head, _, _ := strings.Cut(m.Target, ".")
		if bound, ok := pyBinding(sf, g, func(local string) bool { return local == m.Target || local == head }, f, 0); ok {
			return bound
		}
		if strings.Contains(m.Target, ".") && !strings.ContainsAny(m.Target, " ()") {
			return resolvePyModule(sf, rel, m.Target) == f
		}
		return false
	case "go":
		if f.fe == nil || f.fe.language != "go" {
			return false
		}
		target := strings.TrimSuffix(m.Target, "()")
		pkg, fn, qualified := strings.Cut(target, ".")
		if !qualified {
			fn = pkg
			if path.Dir(rel) != path.Dir(f.rel) {
				return false
			}
		} else {
			dir := path.Dir(local(sf, f.rel))
			found := false
			for _, im := range g.facts.Imports {
				name := im.Alias
				if name == "" {
					name = path.Base(im.Path)
				}
				if name == pkg && dir != "." && strings.HasSuffix(im.Path, "/"+dir) {
					found = true
				}
			}
			if !found {
				return false
			}
		}
		for _, d := range f.facts.Funcs {
			if d.Name == fn {
				return true
			}
		}
		return false
	}
	module := m.Target
	if !strings.HasPrefix(module, ".") {
		module = ""
		for _, im := range g.facts.Imports {
			if !strings.HasPrefix(im.Path, ".") {
				continue
			}
			if im.Alias == m.Target || importBinds(im, m.Target) {
				module = im.Path
			}
		}
	}
	if module == "" {
		return false
	}
	return jsReexports(sf, resolveModule(sf, rel, module), m.Target, f, 0)
}

// jsReexports: is mod the file f, or a barrel (index.ts) re-exporting name
// from it (export { name } from "./x", export * from "./x")?
func jsReexports(sf *svcFiles, mod *fileState, name string, f *fileState, depth int) bool {
	if mod == nil || depth > 3 {
		return false
	}
	if mod == f {
		// Reached through a barrel: f must define the name (export *
		// passes every module's names on).
		return depth == 0 || definesName(f, name)
	}
	if mod.facts == nil {
		return false
	}
	for _, im := range mod.facts.Imports {
		if !strings.HasPrefix(im.Path, ".") || im.Form != "import" || len(im.Names) > 0 && !importBinds(im, name) {
			continue
		}
		if jsReexports(sf, resolveModule(sf, mod.rel, im.Path), name, f, depth+1) {
			return true
		}
	}
	return false
}

// reexports: does Python module mod define name, or re-export it from f
// (a package's __init__.py: `from .github import blueprint as
// github_blueprint`)?
func reexports(sf *svcFiles, mod *fileState, name string, f *fileState, depth int) bool {
	if mod == nil || depth > 3 {
		return false
	}
	if mod == f {
		return true
	}
	bound, _ := pyBinding(sf, mod, func(local string) bool { return local == name }, f, depth+1)
	return bound
}

// pyBinding follows the first from-import of module mod whose local name
// matches: the name is a submodule (`from . import stripe_webhook`), or an
// attribute of the module imported, possibly re-exported further. ok is
// false when no import binds a matching name.
func pyBinding(sf *svcFiles, mod *fileState, match func(local string) bool, f *fileState, depth int) (bound, ok bool) {
	for _, im := range mod.facts.Imports {
		for _, n := range im.Names {
			local, orig := facts.ImportName(n)
			if !match(local) {
				continue
			}
			sub := im.Path + "." + orig
			if strings.HasSuffix(im.Path, ".") {
				sub = im.Path + orig
			}
			if resolvePyModule(sf, mod.rel, sub) == f {
				return true, true
			}
			return reexports(sf, resolvePyModule(sf, mod.rel, im.Path), orig, f, depth), true
		}
	}
	return false, false
}

// resolvePyModule finds a Python module ("billing.urls", ".billing") from
// the importing file's package upwards to the service root.
func resolvePyModule(sf *svcFiles, from, module string) *fileState {
	dir := path.Dir(from)
	if strings.HasPrefix(module, ".") {
		rest := strings.TrimLeft(module, ".")
		for i := 1; i < len(module)-len(rest); i++ {
			dir = path.Dir(dir)
		}
		module = rest
	}
	p := strings.ReplaceAll(module, ".", "/")
	for {
		for _, cand := range []string{path.Join(dir, p+".py"), path.Join(dir, p, "__init__.py")} {
			if f, ok := sf.files[cand]; ok {
				return f
			}
		}
		if dir == "." || dir == "/" || dir == sf.dir {
			return nil
		}
		dir = path.Dir(dir)
	}
}

func resolveModule(sf *svcFiles, from, module string) *fileState {
	base := path.Join(path.Dir(from), module)
	for _, ext := range []string{"", ".js", ".ts", ".mjs", ".cjs", ".jsx", ".tsx", "/index.js", "/index.ts"} {
		if f, ok := sf.files[base+ext]; ok {
			return f
		}
		if f, ok := sf.file(base + ext); ok {
			return f // a barrel that only re-exports
		}
	}
	return nil
}

// matchWebhook: is the call a provider's webhook verification? Qualified
// symbols ("webhooks.constructEvent") are specific enough on their own; bare
// names need the provider imported in the file or declared by the service.
func (a *Analyzer) matchWebhook(f *fileState, callee string, depProviders map[string]bool) (string, string) {
	eco := f.fe.ecosystem
	if eco == providers.Go {
		if p, sym := a.ix.matchCall(a.ix.webhooks, eco, callee, nil); p != "" {
			return p, sym
		}
		return "", ""
	}
	imported := map[string]bool{}
	for _, im := range f.facts.Imports {
		if p, _ := a.ix.matchImport(eco, im.Path); p != "" {
			imported[p] = true
		}
	}
	for _, w := range a.ix.webhooks[eco] {
		if !calleeMatches(callee, w.symbol) {
			continue
		}
		if strings.ContainsAny(w.symbol, ".:") || imported[w.provider] || depProviders[w.provider] {
			return w.provider, callee
		}
	}
	return "", ""
}

func (a *Analyzer) verification(scopes []scope, depProviders map[string]bool) (string, string, scope) {
	for _, sc := range scopes {
		for _, c := range sc.file.facts.Calls {
			if !sc.span.Contains(c.Span) {
				continue
			}
			if p, sym := a.matchWebhook(sc.file, c.Callee, depProviders); p != "" {
				return p, sym, scope{sc.file, c.Span}
			}
		}
	}
	return "", "", scope{}
}

// secretEnv is the variable a handler's signing secret is read from: the
// one secret-looking env read in the handler and the helpers it calls, else
// the one at the top level of the verify call's file (const secret =
// process.env.X). "" when that is not a single name.
func secretEnv(scopes []scope, at scope) string {
	pick := func(keep func(sc scope, e facts.Env) bool) string {
		name := ""
		for _, sc := range scopes {
			for _, e := range sc.file.facts.Env {
				if !keep(sc, e) || !secretName.MatchString(e.Name) {
					continue
				}
				if name != "" && name != e.Name {
					return "\x00"
				}
				name = e.Name
			}
		}
		return name
	}
	n := pick(func(sc scope, e facts.Env) bool { return sc.span.Contains(e.Span) })
	if n == "" && at.file != nil {
		scopes = []scope{at}
		n = pick(func(sc scope, e facts.Env) bool {
			if sc.file != at.file {
				return false
			}
			for _, fn := range at.file.facts.Funcs {
				if fn.Span.Contains(e.Span) {
					return false
				}
			}
			for _, r := range at.file.facts.Routes {
				if r.Body.Contains(e.Span) {
					return false // another handler's read
				}
			}
			return true
		})
	}
	if n == "\x00" {
		return ""
	}
	return n
}

var secretName = regexp.MustCompile(`WEBHOOK|WHSEC|SIGNING|ENDPOINT_SECRET|HOOK_SECRET`)

func events(scopes []scope) []string {
	seen := map[string]bool{}
	var out []string
	for _, sc := range scopes {
		for _, l := range sc.file.facts.Events {
			if sc.span.Contains(l.Span) && eventValue.MatchString(l.Value) && !seen[l.Value] {
				seen[l.Value] = true
				out = append(out, l.Value)
			}
		}
	}
	sort.Strings(out)
	return out
}

// identityNames maps the names identity providers go by in callback routes
// and strategy names (/auth/google/callback, /login/github/authorized) to
// catalogue ids, as each provider declares them (Signatures.IdentityNames);
// "" marks well-known providers outside the catalogue, whose routes must
// not be attributed to whatever auth SDK the service imports.
var identityNames = registryNames(func(s providers.Signatures) []string { return s.IdentityNames },
	"facebook", "twitter", "discord", "spotify", "apple", "linkedin", "gitlab", "bitbucket", "twitch",
	"instagram", "reddit", "yahoo", "deezer", "strava", "dropbox", "zoom", "notion", "x")

// registryNames maps the names names() declares per registered provider to
// its id, and each of outside to "".
func registryNames(names func(providers.Signatures) []string, outside ...string) map[string]string {
	out := map[string]string{}
	for _, n := range outside {
		out[n] = ""
	}
	for _, p := range catalog.All() {
		for _, n := range names(p.Signatures) {
			out[n] = p.ID
		}
	}
	return out
}

// providerInRoute: the identity provider a route names in one of its
// segments or words, and whether it names one at all.
func providerInRoute(route string) (string, bool) {
	words := strings.FieldsFunc(strings.ToLower(route), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	for _, w := range words {
		if p, ok := identityNames[w]; ok {
			return p, true
		}
	}
	return "", false
}

// callbackProvider attributes an explicit callback route: the provider
// the route names (/auth/google/callback is Google's whatever else the
// service uses), else the auth SDK of the file or service.
func (a *Analyzer) callbackProvider(route string, f *fileState, depProviders map[string]bool) string {
	if p, ok := providerInRoute(route); ok {
		return p
	}
	return a.authProvider(f, depProviders)
}

// authProvider is the identity provider a callback route belongs to: the
// auth SDK the file imports, else the one the service depends on.
func (a *Analyzer) authProvider(f *fileState, depProviders map[string]bool) string {
	auth := []string{"auth0", "okta", "clerk", "supabase", "github", "slack", "azure", "gcp", "aws", "firebase"}
	for _, want := range auth {
		for _, im := range f.facts.Imports {
			if p, _ := a.ix.matchImport(f.fe.ecosystem, im.Path); p == want {
				return p
			}
		}
	}
	for _, want := range auth[:4] {
		if depProviders[want] {
			return want
		}
	}
	return ""
}

func (a *Analyzer) webhookFinding(sf *svcFiles, f *fileState, at facts.Span, provider, method, route, verification string, evs []string) *patchbayv1.Finding {
	x := a.locFinding(sf, f, at, patchbayv1.FindingKind_WEBHOOK_HANDLER, provider)
	x.Detail = &patchbayv1.Finding_Webhook{Webhook: &patchbayv1.WebhookHandler{Route: route, Method: method, Events: evs, Verification: verification}}
	return withID(x, method+" "+route)
}

func (a *Analyzer) callbackFinding(sf *svcFiles, f *fileState, at facts.Span, provider, route string, logout []string, source string) *patchbayv1.Finding {
	x := a.locFinding(sf, f, at, patchbayv1.FindingKind_OAUTH_CALLBACK, provider)
	x.Detail = &patchbayv1.Finding_Callback{Callback: &patchbayv1.OAuthCallback{Route: route, LogoutRoutes: logout, Source: source}}
	return withID(x, route)
}

func (a *Analyzer) locFinding(sf *svcFiles, f *fileState, at facts.Span, kind patchbayv1.FindingKind, provider string) *patchbayv1.Finding {
	ev := ""
	ev = f.lines.line(at.StartLine)
	return &patchbayv1.Finding{
		Kind:     kind,
		Provider: provider,
		Service:  sf.dir,
		Location: &patchbayv1.Location{Path: f.rel, StartLine: at.StartLine, StartColumn: at.StartCol, EndLine: at.EndLine, EndColumn: at.EndCol},
		Evidence: ev,
		Language: f.fe.language,
	}
}

// defaultCallbacks reports the callback routes SDKs serve by default, at
// the code file that brings the SDK in (see sdkSite), else at the
// dependency.
func (a *Analyzer) defaultCallbacks(s *snapshot, dir string, si *serviceInfo, code []*fileState) []*patchbayv1.Finding {
	var out []*patchbayv1.Finding
	a.eachSDKDefault(s, si, code, func(p providers.Provider, d facts.Dep, manifest *fileState) {
		for _, cb := range p.Signatures.Callbacks {
			if string(cb.Ecosystem) != d.Ecosystem || cb.Package != d.Name || !majorIn(d.Version, cb.MinMajor, cb.MaxMajor) {
				continue
			}
			x := a.sdkDefaultFinding(dir, manifest, d, code, cb.Package, nil, cb.Calls, "auth", patchbayv1.FindingKind_OAUTH_CALLBACK, p.ID)
			if x == nil {
				continue
			}
			if x.GetLocation().GetPath() == manifest.rel {
				servedByPage(s, dir, cb.Route, x)
			}
			x.Detail = &patchbayv1.Finding_Callback{Callback: &patchbayv1.OAuthCallback{Route: cb.Route, LogoutRoutes: cb.LogoutRoutes, Source: cb.Source}}
			out = append(out, withID(x, cb.Route))
		}
	})
	return out
}

// pageRoutes are the files a page router serves a route from, for a
// route "/confirm": Nuxt's pages/confirm.vue (or pages/confirm/index.vue,
// under app/ or src/ too).
var pageRoutes = []string{"pages%s.vue", "pages%s/index.vue", "app/pages%s.vue", "src/pages%s.vue"}

// servedByPage moves a default callback found only at the manifest to the
// page that serves its route, when the service has one: the library
// returns the browser there (@nuxtjs/supabase's /confirm).
func servedByPage(s *snapshot, dir, route string, x *patchbayv1.Finding) {
	for _, pat := range pageRoutes {
		rel := fmt.Sprintf(pat, strings.TrimSuffix(route, "/"))
		if dir != "." && dir != "" {
			rel = dir + "/" + rel
		}
		if f := s.files[rel]; f != nil && f.fe != nil {
			x.Location = &patchbayv1.Location{Path: rel, StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 1}
			x.Language = f.fe.language
			x.Evidence = lineOf(f, 1)
			return
		}
	}
}

// defaultWebhooks reports the webhook routes SDKs and framework
// integrations serve by default (Bolt's /slack/events, go-githubapp's
// /api/github/hook), like defaultCallbacks.
func (a *Analyzer) defaultWebhooks(s *snapshot, dir string, si *serviceInfo, code []*fileState) []*patchbayv1.Finding {
	var out []*patchbayv1.Finding
	a.eachSDKDefault(s, si, code, func(p providers.Provider, d facts.Dep, manifest *fileState) {
		for _, wd := range p.Signatures.WebhookDefaults {
			if string(wd.Ecosystem) != d.Ecosystem || wd.Package != d.Name {
				continue
			}
			x := a.sdkDefaultFinding(dir, manifest, d, code, wd.Package, wd.UnlessImports, wd.Calls, "", patchbayv1.FindingKind_WEBHOOK_HANDLER, p.ID)
			if x == nil {
				continue
			}
			x.Detail = &patchbayv1.Finding_Webhook{Webhook: &patchbayv1.WebhookHandler{Route: wd.Route, Method: "POST", Verification: wd.Source}}
			out = append(out, withID(x, "POST "+wd.Route))
		}
	})
	return out
}

// eachSDKDefault calls fn for every dependency of the service's manifests
// that some provider declares defaults for.
func (a *Analyzer) eachSDKDefault(s *snapshot, si *serviceInfo, code []*fileState, fn func(providers.Provider, facts.Dep, *fileState)) {
	for _, rel := range si.svc.Manifests {
		f := s.files[rel]
		if f == nil || f.facts == nil || f.manifest == nil {
			continue
		}
		for _, d := range f.facts.Deps {
			for _, p := range a.ix.defaults[depKey{d.Ecosystem, d.Name}] {
				fn(p, d, f)
			}
		}
	}
}

// sdkDefaultFinding places a default route: at the first code file that
// imports the package (preferring one whose path says prefer, skipping
// files that import one of unless), else at the dependency when unless is
// empty; nil when only files of the unless kind use it (Bolt in socket
// mode serves no HTTP route).
func (a *Analyzer) sdkDefaultFinding(dir string, manifest *fileState, d facts.Dep, code []*fileState, pkg string, unless, calls []string, prefer string, kind patchbayv1.FindingKind, provider string) *patchbayv1.Finding {
	site, at := sdkSite(code, pkg, unless, calls, prefer)
	if site == nil {
		if len(unless) > 0 || len(calls) > 0 {
			return nil
		}
		x := &patchbayv1.Finding{
			Kind: kind, Provider: provider, Service: dir, Language: manifest.manifest.Language,
			Location: &patchbayv1.Location{Path: manifest.rel, StartLine: d.Span.StartLine, StartColumn: d.Span.StartCol, EndLine: d.Span.EndLine, EndColumn: d.Span.EndCol},
			Evidence: lineOf(manifest, d.Span.StartLine),
		}
		return x
	}
	return &patchbayv1.Finding{
		Kind: kind, Provider: provider, Service: dir, Language: site.fe.language,
		Location: &patchbayv1.Location{Path: site.rel, StartLine: at.StartLine, StartColumn: at.StartCol, EndLine: at.EndLine, EndColumn: at.EndCol},
		Evidence: lineOf(site, at.StartLine),
	}
}

// sdkSite: the code file that imports pkg (its import paths start with
// the package name, '-' and '_' alike) and, when calls are given, makes
// one of those calls (reported there).
func sdkSite(code []*fileState, pkg string, unless, calls []string, prefer string) (*fileState, facts.Span) {
	norm := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, "-", "_")) }
	want := norm(pkg)
	var first *fileState
	var firstAt facts.Span
	for _, f := range code {
		var at *facts.Span
		skip := false
		for i, im := range f.facts.Imports {
			p := norm(im.Path)
			for _, u := range unless {
				if strings.HasPrefix(p, norm(u)) {
					skip = true
				}
			}
			if at == nil && (p == want || strings.HasPrefix(p, want+"/") || strings.HasPrefix(p, want+".")) {
				at = &f.facts.Imports[i].Span
			}
		}
		if skip || at == nil && len(calls) == 0 {
			continue
		}
		if len(calls) > 0 {
			var call *facts.Span
			for i, c := range f.facts.Calls {
				for _, want := range calls {
					callee := c.Callee
					if f.fe.ecosystem == providers.Go {
						_, callee = goCallee(callee) // "githubapp.NewEventDispatcher"
					}
					if calleeMatches(callee, want) || symbolTail(callee) == symbolTail(want) && !strings.Contains(want, ".") {
						call = &f.facts.Calls[i].Span
					}
				}
			}
			if call == nil || at == nil {
				continue
			}
			at = call
		}
		if prefer != "" && strings.Contains(strings.ToLower(f.rel), prefer) {
			return f, *at
		}
		if first == nil {
			first, firstAt = f, *at
		}
	}
	return first, firstAt
}

func lineOf(f *fileState, line uint32) string {
	return f.lines.line(line)
}

// majorIn reports whether a version constraint's first number is within
// [min, max] (0 = unbounded). Unknown versions match only unbounded ranges.
func majorIn(version string, min, max int) bool {
	if min == 0 && max == 0 {
		return true
	}
	i := strings.IndexAny(version, "0123456789")
	if i < 0 {
		return max == 0 // "latest", "*": assume the newest major
	}
	j := i
	for j < len(version) && version[j] >= '0' && version[j] <= '9' {
		j++
	}
	major, err := strconv.Atoi(version[i:j])
	if err != nil {
		return false
	}
	return (min == 0 || major >= min) && (max == 0 || major <= max)
}

// authJSProviders maps NextAuth/Auth.js provider modules to provider ids
// (Signatures.AuthJSModules).
var authJSProviders = registryNames(func(s providers.Signatures) []string { return s.AuthJSModules })
