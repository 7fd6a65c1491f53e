package analyzer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
	"github.com/patchbay-dev/patchbay/providers"
)

// manifestPriority picks a service's primary manifest when a directory has
// several (a Go service with a package.json for tooling is a Go service).
var manifestPriority = []string{"go.mod", "pom.xml", "build.gradle.kts", "build.gradle", ".csproj", "composer.json",
	"Gemfile", "pyproject.toml", "requirements.txt", "Pipfile", "setup.py", "package.json"}

func priority(base string) int {
	for i, p := range manifestPriority {
		if base == p || (strings.HasPrefix(p, ".") && strings.HasSuffix(base, p)) {
			return i
		}
	}
	if strings.HasPrefix(base, "requirements") {
		return 8
	}
	return len(manifestPriority)
}

// depFrameworks maps a dependency (ecosystem:name, "*" suffix = prefix) to
// the framework it implies.
var depFrameworks = []struct{ dep, framework string }{
	{"npm:express", "express"},
	{"npm:@nestjs/core", "nestjs"},
	{"npm:fastify", "fastify"},
	{"npm:koa", "koa"},
	{"npm:@remix-run/*", "remix"},
	{"npm:@sveltejs/kit", "sveltekit"},
	{"npm:hono", "hono"},
	{"pypi:flask", "flask"},
	{"pypi:django", "django"},
	{"pypi:fastapi", "fastapi"},
	{"go:github.com/gin-gonic/gin", "gin"},
	{"go:github.com/go-chi/chi*", "chi"},
	{"go:github.com/labstack/echo*", "echo"},
	{"go:github.com/gofiber/fiber*", "fiber"},
	{"rubygems:sinatra", "sinatra"},
	{"rubygems:rails", "rails"},
	{"composer:laravel/framework", "laravel"},
	{"composer:symfony/framework-bundle", "symfony"},
	{"maven:org.springframework.boot:*", "spring"},
	{"nuget:Microsoft.AspNetCore*", "aspnet"},
}

type serviceInfo struct {
	svc *patchbayv1.Service
	// manifests are the service's manifests in path order.
	manifests []string
	stamp     string
	deps      []facts.Dep // all deps of the service's manifests (Go versions)
	prov      map[string]bool
}

// buildCache is what a build of one workspace keeps for the next, so that
// an incremental analysis redoes only what the changed files touch. It
// belongs to the build side: only a build, under the workspace's build
// lock, reads or writes it; published snapshots never refer to it.
type buildCache struct {
	// files keeps each file's own findings (fileFindings).
	files findingCache
	// routes keeps each service's routes and route findings (routeMemo).
	routes map[string]*routeMemo
	// routing keeps, per file, whether it takes part in routing.
	routing map[string]routingFlag
	// asm is what the last assembly kept for the next (assembleEdits).
	asm *asmState
}

func newBuildCache() *buildCache {
	return &buildCache{files: findingCache{}, routes: map[string]*routeMemo{}, routing: map[string]routingFlag{}}
}

// prune drops the entries of files s no longer has, once they are a
// quarter of the cache: a stale entry is never used (entries are checked
// against the file they were made for), so pruning after every build
// would only cost an edit a pass over every file.
func (c *buildCache) prune(s *snapshot) {
	if len(c.files) > len(s.files)+len(s.files)/4+16 {
		c.files.prune(s)
	}
	if len(c.routing) > len(s.files)+len(s.files)/4+16 {
		for rel, e := range c.routing {
			if s.files[rel] != e.file {
				delete(c.routing, rel)
			}
		}
	}
}

type routingFlag struct {
	file *fileState
	ok   bool
}

// findingCache keeps each file's own findings between builds. An entry is
// valid for the fileState it was computed from (a changed file gets a new
// one) and the key of its service (dir and the service manifests' stamps).
type findingCache map[string]cachedFindings

type cachedFindings struct {
	file     *fileState
	svcKey   uint64
	findings []*patchbayv1.Finding
}

// get returns f's findings for svcKey, computing them on a miss.
func (c findingCache) get(f *fileState, svcKey uint64, compute func() []*patchbayv1.Finding) []*patchbayv1.Finding {
	if e, ok := c[f.rel]; ok && e.file == f && e.svcKey == svcKey {
		return e.findings
	}
	fs := compute()
	c[f.rel] = cachedFindings{file: f, svcKey: svcKey, findings: fs}
	return fs
}

// prune drops the entries of files s no longer has.
func (c findingCache) prune(s *snapshot) {
	for rel, e := range c {
		if s.files[rel] != e.file {
			delete(c, rel)
		}
	}
}

// assemble turns s's per-file facts into the result. It reads s and
// writes only the result and cache, and keeps in cache.asm what
// assembleEdits needs to redo only what an edit touches.
func (a *Analyzer) assemble(s *snapshot, cache *buildCache) *Result {
	res := &Result{Root: s.root, Stats: &patchbayv1.AnalysisStats{FilesSeen: uint32(s.seen)}}
	services, dirs := a.collectServices(s)
	dirService := map[string]string{}
	serviceOf := func(rel string) string {
		start := path.Dir(rel)
		if svc, ok := dirService[start]; ok {
			return svc
		}
		svc := serviceOfDir(services, start)
		dirService[start] = svc
		return svc
	}
	st := &asmState{snap: s, services: services, dirs: dirs, fileProv: map[string]map[string]int{}}
	perFile := a.perFileFindings(s, res, services, serviceOf, cache.files, st)
	res.Diagnostics = append(res.Diagnostics, goModDiagnostics(s)...)
	routeFs, outs, members := a.routeFindings(s, services, serviceOf, cache)
	st.routes, st.members = outs, members
	res.Findings = mergeFindings(perFile, routeFs)
	res.Findings, st.overrides = applyAllOverrides(s, services, res.Findings)
	explain(res.Findings)
	routeProv := map[string]map[string]bool{}
	for _, f := range res.Findings {
		if isHookOrCallback(f) && f.Provider != "" {
			if services[f.Service] != nil {
				addProv(routeProv, f.Service, f.Provider)
			}
		}
	}
	cache.prune(s)
	res.Diagnostics = append(res.Diagnostics, s.walkDiag...)
	sort.SliceStable(res.Diagnostics, func(i, j int) bool { return res.Diagnostics[i].Path < res.Diagnostics[j].Path })
	for _, dir := range dirs {
		si := services[dir]
		finishService(si, st.fileProv[dir], routeProv[dir], outs[dir])
		res.Services = append(res.Services, si.svc)
	}
	st.res = res
	cache.asm = st
	return res
}

// explain sets the reasons of the webhook and callback findings that have
// none yet (findings kept from an earlier result already have theirs and
// are not written again).
func explain(fs []*patchbayv1.Finding) {
	for _, f := range fs {
		if isHookOrCallback(f) && len(f.Reasons) == 0 {
			if r := Explain(f); len(r) > 0 {
				f.Reasons = r
			}
		}
	}
}

// isHookOrCallback: a webhook handler or OAuth callback finding.
func isHookOrCallback(f *patchbayv1.Finding) bool {
	return f.Kind == patchbayv1.FindingKind_WEBHOOK_HANDLER || f.Kind == patchbayv1.FindingKind_OAUTH_CALLBACK
}

func addProv(m map[string]map[string]bool, svc, p string) {
	if m[svc] == nil {
		m[svc] = map[string]bool{}
	}
	m[svc][p] = true
}

// finishService sets a service's providers (of its files' own findings,
// counted, and of its webhook and callback findings) and its routes.
func finishService(si *serviceInfo, fileProv map[string]int, routeProv map[string]bool, out *routeOut) {
	for p, n := range fileProv {
		if n > 0 {
			si.prov[p] = true
		}
	}
	for p := range routeProv {
		si.prov[p] = true
	}
	for p := range si.prov {
		si.svc.Providers = append(si.svc.Providers, p)
	}
	sort.Strings(si.svc.Providers)
	if out != nil {
		si.svc.Routes = out.routes
	}
}

// collectServices makes a service of every directory with a manifest,
// described from its manifests and files; dirs are in path order.
func (a *Analyzer) collectServices(s *snapshot) (services map[string]*serviceInfo, dirs []string) {
	services = map[string]*serviceInfo{}
	for _, rel := range s.sortedRels() {
		f := s.files[rel]
		if f.kind != kindManifest {
			continue
		}
		dir := path.Dir(rel)
		si := services[dir]
		if si == nil {
			si = &serviceInfo{svc: &patchbayv1.Service{Path: dir}, prov: map[string]bool{}}
			services[dir] = si
			dirs = append(dirs, dir)
		}
		si.manifests = append(si.manifests, rel)
		si.stamp += fmt.Sprintf("%s:%d:%d:%d;", rel, f.size, f.mtime, f.overlay)
		if f.manifest != nil {
			si.deps = append(si.deps, f.manifest.Deps...)
		}
	}
	for _, dir := range dirs {
		si := services[dir]
		si.svc.Manifests = slices.Clone(si.manifests)
		a.describeService(s, si)
	}
	return services, dirs
}

// perFileFindings adds every file's diagnostic and stats to res and
// returns the files' own findings (from the cache when the file and its
// service are unchanged), keeping each file's in st with the providers
// they name per service. Files are visited in path order and each file's
// findings are sorted, so the list is in order.
func (a *Analyzer) perFileFindings(s *snapshot, res *Result, services map[string]*serviceInfo, serviceOf func(string) string, cache findingCache, st *asmState) []*patchbayv1.Finding {
	out := make([]*patchbayv1.Finding, 0, s.findingHint)
	st.perFile = make([][]*patchbayv1.Finding, len(s.sortedRels()))
	svcKeys := map[string]uint64{}
	for i, rel := range s.sortedRels() {
		f := s.files[rel]
		if f.diag != nil {
			res.Diagnostics = append(res.Diagnostics, f.diag)
		}
		analyzed, skipped := fileCounts(f)
		res.Stats.FilesAnalyzed += analyzed
		res.Stats.FilesSkipped += skipped
		if analyzed == 0 || f.facts == nil {
			continue
		}
		svc := serviceOf(rel)
		si := services[svc]
		key, ok := svcKeys[svc]
		if !ok {
			key = serviceKey(svc, si)
			svcKeys[svc] = key
		}
		fs := cache.get(f, key, func() []*patchbayv1.Finding { return a.fileFindings(f, svc, si.allDeps()) })
		if si != nil {
			st.countProv(svc, fs, 1)
		}
		st.perFile[i] = fs
		out = append(out, fs...)
	}
	st.analyzed, st.skipped = res.Stats.FilesAnalyzed, res.Stats.FilesSkipped
	return out
}

// fileCounts is what f adds to the stats' analyzed and skipped files.
func fileCounts(f *fileState) (analyzed, skipped uint32) {
	switch {
	case f.diag != nil && f.facts == nil:
		return 0, 1
	case f.kind == kindTSConfig:
		return 0, 0
	}
	return 1, 0
}

// serviceKey identifies what a file's own findings depend on besides the
// file: its service's directory and manifests (si is nil for a file in no
// service).
func serviceKey(svc string, si *serviceInfo) uint64 {
	stamp := ""
	if si != nil {
		stamp = si.stamp
	}
	return hashBytes([]byte(svc + "\x00" + stamp))
}

// allDeps returns the dependencies of the service's manifests (nil for no
// service).
func (si *serviceInfo) allDeps() []facts.Dep {
	if si == nil {
		return nil
	}
	return si.deps
}

// goModDiagnostics reports each Go module whose go/packages load failed
// or found problems.
func goModDiagnostics(s *snapshot) []*patchbayv1.Diagnostic {
	var out []*patchbayv1.Diagnostic
	for dir, gm := range s.goMods {
		rel := path.Join(dir, "go.mod")
		switch {
		case gm.err != nil:
			out = append(out, diag(rel, "error", gm.err.Error()+"; Go files were parsed with go/parser"))
		case gm.mod != nil && len(gm.mod.Problems) > 0:
			msg := gm.mod.Problems[0]
			if n := len(gm.mod.Problems) - 1; n > 0 {
				msg += fmt.Sprintf(" (and %d more)", n)
			}
			out = append(out, diag(rel, "error", "go/packages: "+msg))
		}
	}
	return out
}

// applyAllOverrides applies the users' corrections: each service's
// patchbay.json (or the root's) declares what was missed and suppresses
// what was wrong.
func applyAllOverrides(s *snapshot, services map[string]*serviceInfo, findings []*patchbayv1.Finding) ([]*patchbayv1.Finding, bool) {
	declared := false
	for _, rel := range s.sortedRels() {
		if f := s.files[rel]; f.kind == kindPatchbay && f.overrides != nil {
			dir := path.Dir(rel)
			if _, ok := services[dir]; ok || dir == "." {
				findings = applyOverrides(findings, dir, f.overrides)
				declared = true
			}
		}
	}
	if declared {
		sortFindings(findings)
	}
	return findings, declared
}

func serviceOfDir(services map[string]*serviceInfo, dir string) string {
	for {
		if _, ok := services[dir]; ok {
			return dir
		}
		if dir == "." || dir == "/" || dir == "" {
			return ""
		}
		dir = path.Dir(dir)
	}
}

func (a *Analyzer) describeService(s *snapshot, si *serviceInfo) {
	svc := si.svc
	sort.Slice(svc.Manifests, func(i, j int) bool {
		pi, pj := priority(path.Base(svc.Manifests[i])), priority(path.Base(svc.Manifests[j]))
		if pi != pj {
			return pi < pj
		}
		return svc.Manifests[i] < svc.Manifests[j]
	})
	primary := s.files[svc.Manifests[0]].manifest
	fw := map[string]bool{}
	for _, rel := range svc.Manifests {
		m := s.files[rel].manifest
		if m == nil {
			continue
		}
		if svc.Name == "" && m.Name != "" {
			svc.Name = m.Name
		}
		for _, f := range m.Frameworks {
			fw[f] = true
		}
		for _, d := range m.Deps {
			for _, df := range depFrameworks {
				eco, name, _ := strings.Cut(df.dep, ":")
				if eco != d.Ecosystem {
					continue
				}
				if d.Name == name || (strings.HasSuffix(name, "*") && strings.HasPrefix(d.Name, name[:len(name)-1])) {
					fw[df.framework] = true
				}
			}
			if d.Ecosystem == "npm" && d.Name == "next" {
				fw[a.nextRouter(s, svc.Path)] = true
			}
		}
	}
	if primary != nil {
		svc.Language = primary.Language
	}
	if svc.Language == "javascript" {
		if _, ok := s.files[path.Join(svc.Path, "tsconfig.json")]; ok {
			svc.Language = "typescript"
		}
		for _, d := range si.deps {
			if d.Name == "typescript" {
				svc.Language = "typescript"
			}
		}
	}
	if svc.Language == "go" && a.serviceUsesNetHTTP(s, svc.Path) {
		fw["net/http"] = true
	}
	if svc.Name == "" {
		svc.Name = path.Base(svc.Path)
		if svc.Path == "." {
			svc.Name = filepath.Base(s.root)
		}
	}
	if i := strings.LastIndex(svc.Name, "/"); i >= 0 && svc.Language == "go" {
		svc.Name = svc.Name[i+1:]
	}
	delete(fw, "")
	for f := range fw {
		svc.Frameworks = append(svc.Frameworks, f)
	}
	sort.Strings(svc.Frameworks)
}

// nextRouter tells the Next.js app router from the pages router by the
// directories present.
func (a *Analyzer) nextRouter(s *snapshot, dir string) string {
	app, pages := false, false
	prefix := dir + "/"
	if dir == "." {
		prefix = ""
	}
	for _, rel := range s.relsUnder(dir) {
		r := strings.TrimPrefix(strings.TrimPrefix(rel, prefix), "src/")
		if strings.HasPrefix(r, "app/") {
			app = true
		}
		if strings.HasPrefix(r, "pages/") {
			pages = true
		}
	}
	switch {
	case app:
		return "nextjs-app"
	case pages:
		return "nextjs-pages"
	}
	return "nextjs"
}

// serviceUsesNetHTTP reports whether a Go file under dir imports net/http.
func (a *Analyzer) serviceUsesNetHTTP(s *snapshot, dir string) bool {
	for _, rel := range s.relsUnder(dir) {
		if s.files[rel].netHTTP {
			return true
		}
	}
	return false
}

// fileFindings matches one file's facts against the signature tables.
func (a *Analyzer) fileFindings(f *fileState, svc string, deps []facts.Dep) []*patchbayv1.Finding {
	var out []*patchbayv1.Finding
	ix := a.ix
	lang := f.kind
	if f.fe != nil {
		lang = f.fe.language
	}
	evidence := func(sp facts.Span) string {
		return f.lines.line(sp.StartLine)
	}
	mk := func(kind patchbayv1.FindingKind, provider string, sp facts.Span, ev string) *patchbayv1.Finding {
		return &patchbayv1.Finding{
			Kind:     kind,
			Provider: provider,
			Service:  svc,
			Location: &patchbayv1.Location{Path: f.rel, StartLine: sp.StartLine, StartColumn: sp.StartCol, EndLine: sp.EndLine, EndColumn: sp.EndCol},
			Evidence: ev,
			Language: lang,
		}
	}
	switch f.kind {
	case kindManifest:
		for _, d := range f.facts.Deps {
			p := ix.matchDep(providers.Ecosystem(d.Ecosystem), d.Name)
			if p == "" {
				continue
			}
			x := mk(patchbayv1.FindingKind_MANIFEST_DEPENDENCY, p, d.Span, evidence(d.Span))
			x.Language = f.manifest.Language
			x.Detail = &patchbayv1.Finding_Dependency{Dependency: &patchbayv1.ManifestDependency{Ecosystem: d.Ecosystem, Package: d.Name, Version: d.Version}}
			out = append(out, withID(x, d.Name))
		}
		return out
	case kindDotenv, kindCompose, kindDocker, kindConfig:
		source := map[string]string{kindDotenv: "dotenv", kindCompose: "compose", kindDocker: "dockerfile", kindConfig: "config"}[f.kind]
		for _, e := range f.facts.Env {
			// Evidence is the name only: values in env files are secrets.
			x := mk(patchbayv1.FindingKind_ENV_REFERENCE, ix.envProvider(e.Name), e.Span, e.Name)
			x.Detail = &patchbayv1.Finding_EnvVar{EnvVar: &patchbayv1.EnvVar{Name: e.Name, Source: source, HasDefault: e.HasDefault}}
			out = append(out, withID(x, e.Name))
		}
		sortFindings(out)
		return out
	}
	if f.fe == nil {
		return nil
	}
	eco := f.fe.ecosystem
	imported := map[string]bool{}
	importCallee := map[string]string{} // require('stripe') text -> provider (JS data flow)
	for _, im := range f.facts.Imports {
		p, _ := ix.matchImport(eco, im.Path)
		if p == "" {
			continue
		}
		imported[p] = true
		importCallee["require('"+im.Path+"')"] = p
		importCallee[`require("`+im.Path+`")`] = p
		x := mk(patchbayv1.FindingKind_SDK_USAGE, p, im.Span, evidence(im.Span))
		sdk := &patchbayv1.SdkUsage{Ecosystem: string(eco), Package: im.Path, Symbol: im.Alias, Form: im.Form}
		if eco == providers.Go {
			sdk.Version = moduleVersion(deps, im.Path)
		}
		x.Detail = &patchbayv1.Finding_Sdk{Sdk: sdk}
		out = append(out, withID(x, im.Path))
	}
	if eco == providers.RubyGems || eco == providers.Composer {
		// Bundler and Composer autoload what the manifest declares: a
		// constant like Stripe::StripeClient needs no require/use.
		for _, d := range deps {
			if p := ix.matchDep(providers.Ecosystem(d.Ecosystem), d.Name); p != "" && d.Ecosystem == string(eco) {
				imported[p] = true
			}
		}
	}
	if len(imported) > 0 || eco == providers.Go {
		for _, c := range f.facts.Calls {
			p, _ := ix.matchCall(ix.constructors, eco, c.Callee, imported)
			if p == "" {
				continue
			}
			symbol := c.Callee
			if eco == providers.Go {
				_, symbol = goCallee(c.Callee)
			}
			if c.New {
				symbol = "new " + symbol
			}
			x := mk(patchbayv1.FindingKind_SDK_USAGE, p, c.Span, evidence(c.Span))
			sdk := &patchbayv1.SdkUsage{Ecosystem: string(eco), Symbol: symbol, Form: "constructor"}
			if eco == providers.Go {
				sdk.Package, _ = goCallee(c.Callee)
				sdk.Version = moduleVersion(deps, sdk.Package)
			}
			x.Detail = &patchbayv1.Finding_Sdk{Sdk: sdk}
			out = append(out, withID(x, symbol))
		}
	}
	out = append(out, a.globalUses(f, svc, deps, out)...)
	for _, e := range f.facts.Env {
		p := ""
		if e.Callee != "" {
			p, _ = ix.matchCall(ix.constructors, eco, e.Callee, imported)
			if p == "" {
				p = importCallee[e.Callee]
			}
		}
		if p == "" {
			p = ix.envProvider(e.Name)
		}
		x := mk(patchbayv1.FindingKind_ENV_REFERENCE, p, e.Span, evidence(e.Span))
		x.Detail = &patchbayv1.Finding_EnvVar{EnvVar: &patchbayv1.EnvVar{Name: e.Name, Source: "code", HasDefault: e.HasDefault}}
		out = append(out, withID(x, e.Name))
	}
	sortFindings(out)
	return out
}

// moduleVersion finds the version of the go.mod requirement that provides
// an import path (longest module-path prefix).
func moduleVersion(deps []facts.Dep, importPath string) string {
	best, version := "", ""
	for _, d := range deps {
		if d.Ecosystem != "go" {
			continue
		}
		if (importPath == d.Name || strings.HasPrefix(importPath, d.Name+"/")) && len(d.Name) > len(best) {
			best, version = d.Name, d.Version
		}
	}
	return version
}

func withID(f *patchbayv1.Finding, key string) *patchbayv1.Finding {
	l := f.Location
	h := sha256.Sum256([]byte(fmt.Sprintf("%d|%s|%s|%d:%d-%d:%d|%s", f.Kind, f.Provider, l.Path, l.StartLine, l.StartColumn, l.EndLine, l.EndColumn, key)))
	f.Id = hex.EncodeToString(h[:8])
	return f
}

// mergeFindings merges two sorted lists, b's items after a's equal ones.
// b is the short one (route findings).
func mergeFindings(a, b []*patchbayv1.Finding) []*patchbayv1.Finding {
	if len(b) == 0 {
		return a
	}
	return insertSorted(a, b, findingLess)
}

var javaPackage = regexp.MustCompile(`(?m)^\s*package\s+([\w.]+)\s*;`)

// dropOwnJavaImports removes imports of the application's own packages: an
// app may live under its vendor's namespace (com.twilio.browsercalls),
// which the vendor's SDK (com.twilio) would otherwise claim. An import that
// shares three or more leading segments with the file's own package is the
// app's, not the SDK's (com.twilio.twiml shares two).
func dropOwnJavaImports(f *facts.File, src []byte) {
	m := javaPackage.FindSubmatch(src)
	if m == nil {
		return
	}
	own := strings.Split(string(m[1]), ".")
	if len(own) < 3 {
		return
	}
	kept := f.Imports[:0]
	for _, im := range f.Imports {
		seg := strings.Split(im.Path, ".")
		shared := 0
		for shared < len(seg) && shared < len(own) && seg[shared] == own[shared] {
			shared++
		}
		if shared < 3 {
			kept = append(kept, im)
		}
	}
	f.Imports = kept
}
