package analyzer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"

	"github.com/patchbay-dev/patchbay/analyzer/envfiles"
	"github.com/patchbay-dev/patchbay/analyzer/facts"
	"github.com/patchbay-dev/patchbay/analyzer/golang"
	"github.com/patchbay-dev/patchbay/analyzer/manifests"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter"
	"github.com/patchbay-dev/patchbay/providers"
)

// snapshot is one immutable analysis of a workspace: build fills it in and
// publishes it, and from then on nothing writes to it or to what it points
// to. Files are shared between snapshots: a fileState never changes after
// it is built. Caches that change from one build to the next live on the
// build side (workspace.findings), not here.
type snapshot struct {
	root     string
	files    map[string]*fileState // analyzable files by relative path
	walkDiag []*patchbayv1.Diagnostic
	seen     int
	goMods   map[string]*goModState // by service dir
	result   *Result
	// rels is files' keys, sorted; shared with the previous snapshot when
	// no file was added or removed.
	rels        []string
	findingHint int
	timings     *Timings
	// disk is set on snapshots whose files came from the disk cache (and
	// on those built from them): their facts are decoded on first need
	// (see diskcache.go). diskGo: the loaded Go modules' file digests,
	// checked once against the first build's files (pruneDiskGoMods).
	disk   *diskLoad
	diskGo map[string]string
	// pending: this snapshot is a stand-in for one still being decoded
	// from disk (resolveDisk); it has nothing else.
	pending *diskPending
}

// sortedRels returns the sorted paths of the files (set by build).
func (s *snapshot) sortedRels() []string { return s.rels }

// setRels fills in rels, reusing prev's when the set of paths is the same.
func (s *snapshot) setRels(prev *snapshot, analyzed []*fileState) {
	if prev != nil && len(prev.files) == len(s.files) && prev.rels != nil {
		same := true
		for _, fsx := range analyzed {
			if _, ok := prev.files[fsx.rel]; !ok {
				same = false
				break
			}
		}
		if same {
			s.rels = prev.rels
			return
		}
	}
	s.rels = make([]string, 0, len(s.files))
	for rel := range s.files {
		s.rels = append(s.rels, rel)
	}
	sort.Strings(s.rels)
}

// relsUnder returns the sorted paths of files under dir ("." is the root).
func (s *snapshot) relsUnder(dir string) []string {
	rels := s.sortedRels()
	if dir == "." {
		return rels
	}
	prefix := dir + "/"
	lo := sort.SearchStrings(rels, prefix)
	hi := lo + sort.Search(len(rels)-lo, func(i int) bool { return !strings.HasPrefix(rels[lo+i], prefix) })
	return rels[lo:hi]
}

// fileState is what one file contributed: its stamp and its facts.
type fileState struct {
	rel      string
	kind     string    // kindManifest, kindDotenv, ... or "code"
	fe       *frontEnd // for code
	size     int64
	mtime    int64
	overlay  uint64 // hash of overlay content, 0 when read from disk
	facts    *facts.File
	manifest *manifests.Manifest
	diag     *patchbayv1.Diagnostic
	lines    evidence
	// netHTTP: a Go file that imports net/http (seen without parsing).
	netHTTP bool
	// overrides: a patchbay.json's "analyzer" section.
	overrides *overrides
	// hash is the content read from disk (zero when not read): a file
	// whose stamp changed but not its bytes keeps its facts.
	hash contentHash
}

type goModState struct {
	stamp string
	mod   *golang.Module
	err   error
}

type walkEntry struct {
	rel   string
	size  int64
	mtime int64
}

// sameInputs reports whether next holds exactly prev's per-file states, Go
// module loads and walk diagnostics, so that assembling it would give
// prev's result again.
func sameInputs(prev, next *snapshot) bool {
	if prev == nil || prev.result == nil || len(prev.files) != len(next.files) ||
		len(prev.goMods) != len(next.goMods) || len(prev.walkDiag) != len(next.walkDiag) || prev.seen != next.seen {
		return false
	}
	for rel, f := range next.files {
		if prev.files[rel] != f {
			return false
		}
	}
	for dir, m := range next.goMods {
		if prev.goMods[dir] != m {
			return false
		}
	}
	for i, d := range next.walkDiag {
		if !proto.Equal(d, prev.walkDiag[i]) {
			return false
		}
	}
	return true
}

// needsWalk: a changed .gitignore or directory can change which files exist.
func needsWalk(changed []string) bool {
	for _, c := range changed {
		if path.Base(filepath.ToSlash(c)) == ".gitignore" || strings.HasSuffix(c, "/") {
			return true
		}
	}
	return false
}

func containsRel(entries []walkEntry, rel string) bool {
	for _, e := range entries {
		if e.rel == rel {
			return true
		}
	}
	return false
}

func hashBytes(b []byte) uint64 {
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64() | 1
}

// isCandidate reports whether a file name is one the analyzer reads.
func isCandidate(rel string) bool {
	base := path.Base(rel)
	return manifests.IsManifest(base) || envfiles.Kind(base) != "" || frontEndFor(rel) != nil ||
		base == "tsconfig.json" || springConfigName.MatchString(base) || envfiles.IsConfig(rel) || base == configFile
}

// ignoredPath checks a single path against skipDirs and the .gitignore
// files on the way down to it (used for incremental updates).
func (a *Analyzer) ignoredPath(root, rel string) bool {
	ig := &ignorer{}
	parts := strings.Split(rel, "/")
	dir := ""
	for i, p := range parts {
		ig = ig.withFile(root, dir)
		isDir := i < len(parts)-1
		if isDir {
			if _, skip := skipDirs[p]; skip || silentDirs[p] {
				return true
			}
		}
		dir = joinRel(dir, p)
		if ig.ignored(dir, isDir) {
			return true
		}
	}
	return false
}

// ignorerAt returns the rules in force inside dir (relative to root): those
// of every .gitignore from the root down to dir itself.
func ignorerAt(root, dir string) *ignorer {
	ig := (&ignorer{}).withFile(root, "")
	if dir == "" {
		return ig
	}
	cur := ""
	for _, p := range strings.Split(dir, "/") {
		cur = joinRel(cur, p)
		ig = ig.withFile(root, cur)
	}
	return ig
}

// withFile adds the rules of dir's .gitignore, if it has one.
func (ig *ignorer) withFile(root, dir string) *ignorer {
	if b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(dir), ".gitignore")); err == nil {
		return ig.with(dir, b)
	}
	return ig
}

// errOutsideRoot: a path resolves, through symlinks, outside the root.
var errOutsideRoot = errors.New("outside the workspace")

// within reports whether target (symlinks resolved) is realRoot or below it.
func within(realRoot, target string) bool {
	rel, err := filepath.Rel(realRoot, target)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// insideRoot reports whether abs, a path under root, stays inside root
// once every symlink on the way is resolved.
func insideRoot(root, abs string) bool {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return false
	}
	target, err := filepath.EvalSymlinks(abs)
	return err == nil && within(realRoot, target)
}

// specialKind names a file type the analyzer never reads.
func specialKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "device"
	}
	return "not a regular file"
}

// linkTarget says whether the walk follows the symlink at abs (rel) and
// whether it leads to a directory: only to a directory or regular file
// inside the root. d says why a link is not followed (nil for a link to a
// special file the .gitignore rules ignore).
func linkTarget(realRoot, abs, rel string, ig *ignorer) (isDir, follow bool, d *patchbayv1.Diagnostic) {
	target, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return false, false, diag(rel, "skipped", "broken symlink or symlink loop")
	}
	if !within(realRoot, target) {
		return false, false, diag(rel, "skipped", "symlink points outside the workspace; not followed")
	}
	fi, err := os.Stat(target)
	if err != nil {
		return false, false, diag(rel, "skipped", "broken symlink")
	}
	if !fi.IsDir() && !fi.Mode().IsRegular() {
		if !ig.ignored(rel, false) {
			return false, false, diag(rel, "skipped", "symlink to a "+specialKind(fi.Mode())+"; not read")
		}
		return false, false, nil
	}
	return fi.IsDir(), true, nil
}

func relOrDot(rel string) string {
	if rel == "" {
		return "."
	}
	return rel
}

func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func diag(path, severity, msg string) *patchbayv1.Diagnostic {
	return &patchbayv1.Diagnostic{Path: path, Severity: severity, Message: msg}
}

// parts is the cheap prefilter, one pass over the file: a file that names
// no provider package and no env-reading token cannot produce findings of
// its own and is not parsed at all; one that does is queried only for what
// it can contribute: calls (SDK clients) when it names a provider, routes
// when it registers or mounts routes that look like webhooks or callbacks
// (the signature check itself may sit in a helper elsewhere).
//
// lexable reports that the file's only env forms are ones the lexical path
// reads (see jsEnvLex).
func (a *Analyzer) parts(fe *frontEnd, src []byte) (parts treesitter.Parts, ok, lexable bool) {
	a.prefilterOnce.Do(func() {
		a.filters = map[*frontEnd]*prefilter{}
		a.hookFilters = map[*frontEnd]*prefilter{}
		for _, f := range extFrontEnds {
			if _, ok := a.filters[f]; ok {
				continue
			}
			p := newPrefilter().
				add(classLexEnv, f.lexEnvNeedles).
				add(classEnv, f.envNeedles).
				addChecked(classEnv, f.envCalls, f.envCallCheck).
				add(classImport, a.ix.needles[f.ecosystem]).
				addChecked(classImport, a.ix.moduleNeedles[f.ecosystem], moduleEnd).
				add(classMount, mountNeedles[f.language]).
				add(classMount, corsNeedles[f.language]).
				add(classRoute, routeNeedles[f.language])
			h := newPrefilter().add(classHook, webhookNeedles).add(classHook, a.ix.markNeedles())
			if f.ecosystem == providers.NPM {
				p.addChecked(classMount, needles("basePath", "prefix"), jsKeyWithPath)
				p.addChecked(classEnv, needles("env.", "ENV."), envAliasMember)
				h.addChecked(classHook, jsOAuthNeedles, jsKeyOrPath)
			} else {
				h.add(classHook, oauthNeedles)
			}
			a.filters[f], a.hookFilters[f] = p, h
		}
	})
	found := a.filters[fe].scan(src)
	// Ruby and PHP autoload SDK classes (Bundler, Composer): a webhook check
	// needs no import there, so env-reading files qualify too.
	hookable := classImport | classRoute
	if fe.ecosystem == providers.RubyGems || fe.ecosystem == providers.Composer {
		hookable |= classEnv | classLexEnv
	}
	hook := found&hookable != 0 && a.hookFilters[fe].match(src)
	switch {
	case found&(classMount|classRoute) != 0, hook:
		// A route that may be a webhook or callback (its handler may sit
		// in another file, and verify there or not at all), or a
		// provider's webhook check that a route elsewhere may call.
		return treesitter.All, true, false
	case found&classImport != 0:
		return treesitter.Calls, true, false
	}
	return treesitter.Base, found&(classEnv|classLexEnv) != 0, found&classEnv == 0
}

// handlerFile matches files that by convention hold the handlers routes
// name from elsewhere (Rails "settings#callback", Laravel
// 'CallController@newCall', Django views.fn).
var handlerFile = regexp.MustCompile(`(?i)(^|/)controllers/[^/]+\.(rb|php|cs|py|js|ts)$|_controller\.rb$|Controller\.(php|cs|java|kt)$|(^|/)(views|apis?|handlers)\.py$|(^|/)__init__\.py$`)

// fileRoute matches files whose path makes them routes.
var fileRoute = regexp.MustCompile(`(^|/)(app/.*route\.[jt]sx?|pages/api/.*\.[jt]sx?|routes/.*\+server\.[jt]s|app/routes/.*\.[jt]sx?|server/(api|routes)/.*\.m?[jt]s)$`)

// mountNeedles: files that mount routers under a prefix are parsed on sight.
var mountNeedles = map[string][][]byte{
	"javascript": jsMountNeedles,
	"typescript": jsMountNeedles,
	"python":     needles("register_blueprint", "include_router", "include(", "_blueprint(", "allauth.socialaccount.providers.", "social_core.backends."),
	"go":         needles(".Mount("),
}

// corsNeedles: CORS allow-lists usually sit in config files that import no
// provider and define no route (settings.py, config/cors.php,
// initializers/cors.rb), so they are parsed on sight like mounts: their
// origins belong to the service's OAuth callbacks.
var corsNeedles = map[string][][]byte{
	"python": needles("CORS(", "cross_origin(", "CORSMiddleware", "CORS_ALLOWED_ORIGINS"),
	"ruby":   needles("origins ", "omniauth ", "provider :", "devise_for "),
	"java":   needles("@CrossOrigin", "allowedOrigins("),
	"csharp": needles("WithOrigins(", "AddGoogle(", "AddGitHub(", "AddMicrosoftAccount(", "AddFacebook(", "AddTwitter(", "AddOAuth("),
	"php":    needles("allowed_origins"),
	"go":     needles("AllowedOrigins", "AllowOrigins"),
}

// jsMountNeedles: Express/Koa use("/x"), NestJS controllers, Koa
// router.routes(). Koa's new Router({prefix}), Fastify's register(plugin,
// {prefix}) and Next.js's and NextAuth's basePath are added with a context
// check: an option whose value is a path (see needlecheck.go).
var jsMountNeedles = append(needles(".use(\"/", ".use('/", "@Controller(", ".routes())", "setGlobalPrefix("), authJSNeedles()...)

// authJSNeedles: an Auth.js provider module import configures a callback.
func authJSNeedles() [][]byte {
	var out [][]byte
	for _, p := range authJSPackages {
		out = append(out, []byte(p.pkg+"/providers/"))
	}
	return out
}

// Hook needles make a file that imports a provider or defines routes worth
// parsing for routes, handler functions and options. Webhook words count
// anywhere (a signature check may sit in any helper). OAuth words count
// anywhere in most languages; in JavaScript/TypeScript, where library code
// says "callback" everywhere, they count only as an option key with a
// literal value or inside a quoted path, and cover every word the callback,
// logout and origin rules in routes.go look for.
var (
	webhookNeedles = needles("ebhook", "Hook", "hook", "ignature")
	oauthNeedles   = needles("allback", "redirect", "oauth", "OAuth", "logout", "signout", "origin: ")
	jsOAuthNeedles = append(needles("edirect", "ogout", "ogOut", "og-out", "og_out", "ignout", "ignOut", "ign-out", "ign_out",
		"nd-session", "ndsession", "ndSession", "eturnTo", "eturn_to", "rigin", "signin-oidc"), oauthNeedles...)
)

var jsRouteNeedles = needles(".post(\"/", ".post('/", ".post(`/", ".get(\"/", ".get('/", ".all(\"/", ".all('/",
	".put(\"/", ".put('/", ".patch(\"/", ".patch('/", ".delete(\"/", ".delete('/", "@Get(", "@Put(", "@Patch(", "@Delete(",
	"export async function PUT", "export async function PATCH", "export async function DELETE", "export const GET", "export async function loader", "export const loader",
	"export async function POST", "export function POST", "export const POST", "export async function GET", "export function GET",
	"export async function action", "export const action", "@Post(")

// routeNeedles make files that define routes or mounts worth parsing even
// without provider imports (a webhook route verifies through a helper).
var routeNeedles = map[string][][]byte{
	"javascript": jsRouteNeedles,
	"typescript": jsRouteNeedles,
	"go": needles("HandleFunc", ".POST(", ".Post(", ".Handle(", ".Route(", ".GET(\"/", ".Get(\"/", ".PUT(\"/", ".Put(\"/",
		".PATCH(\"/", ".Patch(\"/", ".DELETE(\"/", ".Delete(\"/", ".Any(\"/", ".Method(\"/",
		"= \"/"), // a path constant a route names from another file (facts.File.Consts)
	"python": needles(".route(", ".post(", "path(", ".get(\"/", ".get('/", ".put(\"/", ".put('/", ".patch(\"/", ".patch('/",
		".delete(\"/", ".delete('/", ".api_route("),
	"ruby": needles("post ", "get \"", "get '", "match \"", "match '", "resources :", "resource :", "namespace :", "scope ", "devise_for ",
		"put \"", "put '", "patch \"", "patch '", "delete \"", "delete '"),
	"php":    needles("Route::"),
	"java":   needles("Mapping", "post(\"/", "get(\"/", "put(\"/", "patch(\"/", "delete(\"/"),
	"csharp": needles("MapPost", "[HttpPost", "MapGet", "MapPut", "MapPatch", "MapDelete", "MapMethods", "[HttpGet", "[HttpPut", "[HttpPatch", "[HttpDelete", "[Route("),
}

func isBinary(src []byte) bool {
	n := len(src)
	if n > 8000 {
		n = 8000
	}
	return bytes.IndexByte(src[:n], 0) >= 0
}

func isMinified(base string, src []byte) bool {
	if strings.Contains(base, ".min.") || strings.HasSuffix(base, ".bundle.js") {
		return true
	}
	if len(src) < 4096 {
		return false
	}
	lines := bytes.Count(src, []byte("\n")) + 1
	return len(src)/lines > 500
}

// evidence holds the source lines that findings quote, sorted by line, so
// the file's bytes need not stay in memory.
type evidence []lineText

type lineText struct {
	line uint32
	text string
}

// line returns the (trimmed) text of a 1-based line, "" if not kept.
func (e evidence) line(n uint32) string {
	i := sort.Search(len(e), func(i int) bool { return e[i].line >= n })
	if i < len(e) && e[i].line == n {
		return e[i].text
	}
	return ""
}

// evidenceLines keeps the source lines that findings may quote.
func evidenceLines(f *facts.File, src []byte) evidence {
	if f == nil {
		return nil
	}
	var want []uint32
	add := func(sp facts.Span) { want = append(want, sp.StartLine) }
	for _, x := range f.Imports {
		add(x.Span)
	}
	for _, x := range f.Env {
		add(x.Span)
	}
	for _, x := range f.Calls {
		add(x.Span)
	}
	for _, x := range f.Deps {
		add(x.Span)
	}
	for _, x := range f.Routes {
		add(x.Span)
	}
	for _, x := range f.Funcs {
		add(x.Span)
	}
	for _, x := range f.Props {
		add(x.Span)
	}
	if len(want) == 0 {
		return nil
	}
	sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
	var out evidence
	line, start, k := uint32(1), 0, 0
	for i := 0; i <= len(src) && k < len(want); i++ {
		if i == len(src) || src[i] == '\n' {
			for k < len(want) && want[k] < line {
				k++
			}
			if k < len(want) && want[k] == line {
				out = append(out, lineText{line, trimEvidence(string(src[start:i]))})
			}
			line++
			start = i + 1
		}
	}
	return out
}

func trimEvidence(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 200 {
		cut := 200
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// goLoads runs go/packages for the Go modules of one analysis alongside
// the other languages: a load starts as soon as the walk meets a go.mod
// (the go command then works while this process parses), at most
// goLoadWorkers at a time.
type goLoads struct {
	ctx  context.Context
	root string
	prev *snapshot
	// overlays of the build (relative paths), handed to go/packages.
	overlays map[string][]byte
	sem      chan struct{}
	mu       sync.Mutex
	// started maps a module directory to its load, keyed by go.mod stamp.
	started map[string]*goLoad
}

type goLoad struct {
	stamp string
	done  chan struct{}
	st    *goModState
}

// goLoadWorkers bounds concurrent go/packages loads: each runs `go list`,
// which uses a core of its own while it works.
const goLoadWorkers = 2

// goModStamp identifies what a module's load depends on: its go.mod
// (size, mtime, overlay hash) and the overlays of its Go files, go.mod and
// go.sum, which go/packages reads instead of the files on disk.
func goModStamp(dir string, size, mtime int64, overlay uint64, overlays map[string][]byte) string {
	stamp := fmt.Sprintf("%d/%d/%d", size, mtime, overlay)
	rels := moduleOverlays(dir, overlays)
	if len(rels) == 0 {
		return stamp
	}
	h := fnv.New64a()
	for _, rel := range rels {
		h.Write([]byte(rel))
		h.Write([]byte{0})
		h.Write(overlays[rel])
		h.Write([]byte{0})
	}
	return fmt.Sprintf("%s/%x", stamp, h.Sum64())
}

// moduleOverlays returns, sorted, the overlaid paths under dir that the go
// command reads: Go files, go.mod and go.sum.
func moduleOverlays(dir string, overlays map[string][]byte) []string {
	var rels []string
	for rel := range overlays {
		if dir != "." && !strings.HasPrefix(rel, dir+"/") {
			continue
		}
		if base := path.Base(rel); strings.HasSuffix(base, ".go") || base == "go.mod" || base == "go.sum" {
			rels = append(rels, rel)
		}
	}
	sort.Strings(rels)
	return rels
}

// startGoLoads returns nil when go/packages is off.
func (a *Analyzer) startGoLoads(ctx context.Context, root string, prev *snapshot, overlays map[string][]byte) *goLoads {
	if a.opts.NoGoPackages {
		return nil
	}
	return &goLoads{ctx: ctx, root: root, prev: prev, overlays: overlays, sem: make(chan struct{}, goLoadWorkers), started: map[string]*goLoad{}}
}

// start begins loading the module of the go.mod at rel, unless the
// previous snapshot has it at the same stamp or it is already under way.
func (g *goLoads) start(rel string, size, mtime int64, overlay uint64) {
	if g == nil || path.Base(rel) != "go.mod" {
		return
	}
	dir := path.Dir(rel)
	stamp := goModStamp(dir, size, mtime, overlay, g.overlays)
	if g.prev != nil {
		if old, ok := g.prev.goMods[dir]; ok && old.stamp == stamp {
			return
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if l, ok := g.started[dir]; ok && l.stamp == stamp {
		return
	}
	l := &goLoad{stamp: stamp, done: make(chan struct{})}
	g.started[dir] = l
	go func() {
		defer close(l.done)
		select {
		case g.sem <- struct{}{}:
		case <-g.ctx.Done():
			l.st = &goModState{stamp: stamp, err: g.ctx.Err()}
			return
		}
		defer func() { <-g.sem }()
		mod, err := golang.Load(g.ctx, filepath.Join(g.root, filepath.FromSlash(dir)), g.absOverlays(dir))
		l.st = &goModState{stamp: stamp, mod: mod, err: err}
	}()
}

// absOverlays returns the overlays of the module at dir by absolute file
// name, as packages.Config.Overlay wants them (nil when there are none).
func (g *goLoads) absOverlays(dir string) map[string][]byte {
	rels := moduleOverlays(dir, g.overlays)
	if len(rels) == 0 {
		return nil
	}
	out := make(map[string][]byte, len(rels))
	for _, rel := range rels {
		out[filepath.Join(g.root, filepath.FromSlash(rel))] = g.overlays[rel]
	}
	return out
}

// loadGoModules collects go/packages results for every Go module of next,
// reusing the previous snapshot's for unchanged go.mod files and starting
// the loads the walk did not; a failed or partial load becomes a
// diagnostic on the go.mod.
// modFiles, when set, are the go.mod paths of next (an edit that touched
// no go.mod keeps prev's); otherwise every file is looked at.
func (a *Analyzer) loadGoModules(ctx context.Context, root string, prev, next *snapshot, g *goLoads, modFiles []string) {
	if g == nil {
		return
	}
	type want struct{ dir, stamp string }
	var wants []want
	each := func(yield func(string, *fileState) bool) {
		if modFiles == nil {
			for rel, f := range next.files {
				if !yield(rel, f) {
					return
				}
			}
			return
		}
		for _, rel := range modFiles {
			if f := next.files[rel]; f != nil && !yield(rel, f) {
				return
			}
		}
	}
	for rel, f := range each {
		if path.Base(rel) != "go.mod" || f.manifest == nil {
			continue
		}
		dir := path.Dir(rel)
		stamp := goModStamp(dir, f.size, f.mtime, f.overlay, g.overlays)
		if prev != nil {
			if old, ok := prev.goMods[dir]; ok && old.stamp == stamp {
				next.goMods[dir] = old
				continue
			}
		}
		g.start(rel, f.size, f.mtime, f.overlay)
		wants = append(wants, want{dir, stamp})
	}
	for _, w := range wants {
		g.mu.Lock()
		l := g.started[w.dir]
		g.mu.Unlock()
		<-l.done
		next.goMods[w.dir] = l.st
	}
}

// sortFindings orders findings by path, position, kind and provider.
func sortFindings(fs []*patchbayv1.Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return findingLess(fs[i], fs[j]) })
}

func findingLess(x, y *patchbayv1.Finding) bool {
	a, b := x.GetLocation(), y.GetLocation()
	if a.GetPath() != b.GetPath() {
		return a.GetPath() < b.GetPath()
	}
	if a.GetStartLine() != b.GetStartLine() {
		return a.GetStartLine() < b.GetStartLine()
	}
	if a.GetStartColumn() != b.GetStartColumn() {
		return a.GetStartColumn() < b.GetStartColumn()
	}
	if x.GetKind() != y.GetKind() {
		return x.GetKind() < y.GetKind()
	}
	return x.GetProvider() < y.GetProvider()
}

// readFile reads a whole file into buf's storage when it fits.
func readFile(name string, buf *[]byte) ([]byte, error) {
	// O_NONBLOCK: a file swapped for a FIFO after the walk looked at it
	// must not block a worker on open.
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %s", name, specialKind(fi.Mode()))
	}
	var b []byte
	if buf != nil {
		b = (*buf)[:0]
	}
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
