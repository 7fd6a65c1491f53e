// Package analyzer turns workspace files into services and findings.
//
// The findings are the API's own messages (gen/patchbay/v1): the analyzer is
// the producer of that model, so it does not keep a copy of it. It imports
// neither the daemon nor connect nor the keyring (see layering_test.go).
//
// Shape (gopls's cache.Snapshot): the Analyzer keeps one immutable snapshot
// per workspace root. Analyze builds the next snapshot from the previous one,
// re-extracting only files whose size, mtime or overlay changed (or the
// paths the caller names), and assembles findings from per-file facts with
// the providers' signature tables (providers/<name>/signatures.go). A
// snapshot is published whole once built and never modified afterwards:
// caches live on the build side (workspace.findings), readers load the
// published snapshot without waiting for a build under way (Snapshot,
// Timings), and builds of one root take turns. With Options.CacheDir, the
// last snapshot of a root is also written down (diskcache.go): a new
// process starts from it instead of from scratch.
package analyzer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/catalog"
)

// Options configure an Analyzer.
type Options struct {
	Logger *slog.Logger
	// Providers to detect; nil means catalog.All().
	Providers []providers.Provider
	// MaxFileSize: larger files are skipped with a diagnostic (default
	// 256 KiB: hand-written sources are smaller; bundles and generated
	// code are not where SDKs are configured).
	MaxFileSize int64
	// FileTimeout bounds the analysis of one file (default 5s).
	FileTimeout time.Duration
	// Workers is the number of files analyzed in parallel (default GOMAXPROCS).
	Workers int
	// NoGoPackages skips the go/packages load of Go modules (fixture tests
	// and benchmarks whose modules are not in the module cache).
	NoGoPackages bool
	// CacheDir, when set, keeps each workspace's per-file facts in a file
	// under it between processes (see diskcache.go): an analysis with no
	// snapshot in memory starts from that file, so a re-scan of an
	// unchanged tree extracts nothing. Request.Full ignores it.
	CacheDir string
}

// Request says what to analyze in one call.
type Request struct {
	// Changed lists paths (relative to the root) known to have changed.
	// With a previous snapshot, only these are looked at again (a path that
	// ends in "/" names a directory, and a changed .gitignore, make the
	// analysis walk the tree again, still re-parsing only changed files).
	// Without Changed, every file's size and mtime are checked.
	Changed []string
	// Full discards any cached snapshot.
	Full bool
}

// Result is one analysis of a workspace.
type Result struct {
	Root        string
	Services    []*patchbayv1.Service
	Findings    []*patchbayv1.Finding
	Diagnostics []*patchbayv1.Diagnostic
	Stats       *patchbayv1.AnalysisStats
	// Digest, when set, identifies the content of Services, Findings and
	// Diagnostics: two results with the same digest have the same content
	// (so a caller may reuse what it rendered of one for the other). It is
	// set on results read back from the disk cache (Options.CacheDir) and
	// kept while nothing changes; a newly assembled result has none.
	Digest string
}

// Analyzer analyzes workspaces, keeping a snapshot per root.
type Analyzer struct {
	opts Options
	ix   *index

	mu         sync.Mutex
	workspaces map[string]*workspace

	// reads and parses count file reads and front-end parses over the
	// Analyzer's life, so tests can check the incremental mechanism (what
	// was re-read and re-parsed) instead of timing it.
	reads, parses atomic.Int64
	// editAssemblies counts builds assembled by assembleEdits.
	editAssemblies atomic.Int64
	// noLex turns off the lexical env path (tests compare both paths).
	noLex bool
	// buildHook, when set, runs at the start of every build (tests hold a
	// build with it).
	buildHook func()

	prefilterOnce sync.Once
	filters       map[*frontEnd]*prefilter
	hookFilters   map[*frontEnd]*prefilter

	// keyOnce computes key, the disk cache's version key (cacheKey).
	keyOnce sync.Once
	key     [32]byte
}

// workspace is the per-root state: the published snapshot, the overlays
// and the build-side caches. Builds of one root take turns (build);
// different roots build in parallel.
type workspace struct {
	// cur is the published snapshot, nil before the first analysis.
	// Readers load it without any lock; it is never modified once stored.
	cur atomic.Pointer[snapshot]

	// build serialises builds and guards the fields below it.
	build sync.Mutex
	// findings is what one build keeps for the next (see buildCache).
	findings *buildCache

	// ovMu guards overlays, so recording one never waits for a build: a
	// build works on a copy taken when it starts.
	ovMu     sync.Mutex
	overlays map[string][]byte
}

// overlaySnapshot returns a copy of the overlays (the contents themselves
// are never modified: SetOverlay stores a fresh copy).
func (ws *workspace) overlaySnapshot() map[string][]byte {
	ws.ovMu.Lock()
	defer ws.ovMu.Unlock()
	return maps.Clone(ws.overlays)
}

// ErrInvalidRoot is returned for a root that is not an absolute path to a
// directory.
var ErrInvalidRoot = errors.New("workspace root must be an absolute path to a directory")

// New returns an Analyzer.
func New(opts Options) *Analyzer {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Providers == nil {
		opts.Providers = catalog.All()
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = 256 << 10
	}
	if opts.FileTimeout <= 0 {
		opts.FileTimeout = 5 * time.Second
	}
	return &Analyzer{opts: opts, ix: newIndex(opts.Providers), workspaces: map[string]*workspace{}}
}

// WarmUp compiles every language's queries now instead of on first use, so
// that a long-running process (the daemon) answers its first analysis
// without that cost. It logs, rather than returns, a query that does not
// compile: the analysis that needs it reports the same error.
func (a *Analyzer) WarmUp() {
	seen := map[*frontEnd]bool{}
	for _, fe := range extFrontEnds {
		if fe.ts == nil || seen[fe] {
			continue
		}
		seen[fe] = true
		if err := fe.ts.Compile(); err != nil {
			a.opts.Logger.Error("analyzer query does not compile", "language", fe.language, "err", err)
		}
	}
}

func (a *Analyzer) workspace(root string) *workspace {
	a.mu.Lock()
	defer a.mu.Unlock()
	ws := a.workspaces[root]
	if ws == nil {
		ws = &workspace{overlays: map[string][]byte{}, findings: newBuildCache()}
		a.workspaces[root] = ws
	}
	return ws
}

// Analyze analyzes the workspace at root (an absolute path).
func (a *Analyzer) Analyze(ctx context.Context, root string, req Request) (*Result, error) {
	if !filepath.IsAbs(root) {
		return nil, fmt.Errorf("%w: %q", ErrInvalidRoot, root)
	}
	root = filepath.Clean(root)
	ws := a.workspace(root)
	ws.build.Lock()
	defer ws.build.Unlock()
	prev := ws.cur.Load()
	if req.Full {
		prev = nil
	} else if prev == nil {
		prev = a.loadDisk(root)
	}
	next, err := a.build(ctx, root, prev, req.Changed, ws.overlaySnapshot(), ws.findings)
	if err != nil {
		return nil, err
	}
	if prev = resolveDisk(prev); next.result.Stats.FilesReanalyzed > 0 || !sameInputs(prev, next) {
		a.saveDisk(root, next)
	}
	ws.cur.Store(next)
	return next.result, nil
}

// Snapshot returns the result of the last completed analysis of root (nil
// before the first one) without waiting for an analysis under way: a
// reader gets the previous result while the next is built. The result is
// shared and must not be modified.
func (a *Analyzer) Snapshot(root string) *Result {
	if s := a.published(root); s != nil {
		return s.result
	}
	return nil
}

// published returns root's published snapshot, nil when there is none
// (without making a workspace for a root never analyzed).
func (a *Analyzer) published(root string) *snapshot {
	a.mu.Lock()
	ws := a.workspaces[filepath.Clean(root)]
	a.mu.Unlock()
	if ws == nil {
		return nil
	}
	return ws.cur.Load()
}

// SetOverlay records unsaved editor content for rel (relative to root), or
// clears it when content is nil, and re-analyzes that file. It returns the
// file's findings after the change.
func (a *Analyzer) SetOverlay(ctx context.Context, root, rel string, content []byte) ([]*patchbayv1.Finding, error) {
	if !filepath.IsAbs(root) {
		return nil, fmt.Errorf("%w: %q", ErrInvalidRoot, root)
	}
	root = filepath.Clean(root)
	rel = filepath.ToSlash(filepath.Clean(rel))
	if rel == "." || filepath.IsAbs(rel) || len(rel) >= 2 && rel[:2] == ".." {
		return nil, fmt.Errorf("%w: overlay path %q must be relative to the root", ErrInvalidRoot, rel)
	}
	ws := a.workspace(root)
	ws.ovMu.Lock()
	if content == nil {
		delete(ws.overlays, rel)
	} else {
		ws.overlays[rel] = append([]byte(nil), content...)
	}
	ws.ovMu.Unlock()
	res, err := a.Analyze(ctx, root, Request{Changed: []string{rel}})
	if err != nil {
		return nil, err
	}
	var out []*patchbayv1.Finding
	for _, f := range res.Findings {
		if f.GetLocation().GetPath() == rel {
			out = append(out, f)
		}
	}
	return out, nil
}

// Timings says where the last analysis of root spent its time (nil before
// the first one), without waiting for an analysis under way. Like the
// result, it is shared and must not be modified.
func (a *Analyzer) Timings(root string) *Timings {
	if s := a.published(root); s != nil {
		return s.timings
	}
	return nil
}

// Forget drops the snapshot and overlays of root.
func (a *Analyzer) Forget(root string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.workspaces, filepath.Clean(root))
}
