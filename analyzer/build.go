package analyzer

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"time"

	"google.golang.org/protobuf/proto"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// build makes the snapshot that follows prev (nil: from scratch). It finds
// the files to look at (the changed paths, or a walk), reuses prev's state
// of every file whose stamp is unchanged, extracts the rest, loads the Go
// modules and assembles the result. overlays is the build's own copy;
// cache belongs to the workspace's build side.
func (a *Analyzer) build(ctx context.Context, root string, prev *snapshot, changed []string, overlays map[string][]byte, cache *buildCache) (*snapshot, error) {
	start := time.Now()
	if a.buildHook != nil {
		a.buildHook()
	}
	st, err := os.Stat(root)
	if err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%w: %s", ErrInvalidRoot, root)
	}
	if len(changed) > 0 {
		prev = resolveDisk(prev)
	}
	next := &snapshot{root: root, files: map[string]*fileState{}, goMods: map[string]*goModState{}}
	tm := &Timings{}
	lc := &langCounter{}
	gl := a.startGoLoads(ctx, root, prev, overlays)
	var todo []walkEntry
	coldAnalyzed := 0
	incremental := prev != nil && len(changed) > 0 && !needsWalk(changed)
	switch {
	case incremental:
		todo = a.changedEntries(root, prev, next, changed, overlays)
	case prev == nil:
		todo, coldAnalyzed, err = a.coldScan(ctx, root, next, overlays, gl, tm, lc)
	default:
		todo, err = a.rescan(ctx, root, next, overlays, tm)
	}
	if err != nil {
		return nil, err
	}
	// A cache file decoded while the walk ran (see diskcache.go).
	if prev = resolveDisk(prev); prev != nil {
		next.disk = prev.disk
	}
	if gl != nil {
		gl.prev = prev
	}
	work := reuseUnchanged(prev, next, todo, overlays, incremental)
	t0 := time.Now()
	analyzed := a.analyzeFiles(ctx, root, work, overlays, lc, sameContent(prev, work))
	tm.Extract += time.Since(t0)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, fsx := range analyzed {
		next.files[fsx.rel] = fsx
	}
	next.setRels(prev, analyzed)
	t0 = time.Now()
	pruneDiskGoMods(root, prev, next)
	var modFiles []string
	if incremental && !slices.ContainsFunc(changed, func(c string) bool { return filepath.Base(c) == "go.mod" }) {
		modFiles = make([]string, 0, len(prev.goMods))
		for dir := range prev.goMods {
			modFiles = append(modFiles, path.Join(dir, "go.mod"))
		}
	}
	a.loadGoModules(ctx, root, prev, next, gl, modFiles)
	tm.GoPackages = time.Since(t0) // the wait after the other languages
	var edits []string
	if incremental {
		edits = editedFiles(prev, next, changed)
	}
	if !a.finish(prev, next, cache, edits, len(work)+coldAnalyzed, tm, lc, start) {
		// The disk cache's facts did not decode: start again without it.
		return a.build(ctx, root, nil, changed, overlays, cache)
	}
	return next, nil
}

// editedFiles are the changed paths (once each) whose state in next is not
// prev's.
func editedFiles(prev, next *snapshot, changed []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range changed {
		rel := filepath.ToSlash(filepath.Clean(c))
		if !seen[rel] && prev.files[rel] != next.files[rel] {
			out = append(out, rel)
		}
		seen[rel] = true
	}
	return out
}

// sameContent returns prev's states of the files in work that were read
// from disk (they have a content hash), so that a file whose size or
// mtime changed but not its bytes keeps its facts (analyzeFile). States
// from the disk cache are decoded first; nil when they do not decode.
func sameContent(prev *snapshot, work []walkEntry) map[string]*fileState {
	if prev == nil {
		return nil
	}
	var out map[string]*fileState
	for _, e := range work {
		if old, ok := prev.files[e.rel]; ok && old.hash != (contentHash{}) && old.overlay == 0 {
			if out == nil {
				if !prev.disk.hydrate() {
					return nil
				}
				out = map[string]*fileState{}
			}
			out[e.rel] = old
		}
	}
	return out
}

// changedEntries starts an incremental build: next shares every file of
// prev, less the changed paths that are gone, ignored or not analyzable;
// the others are returned to be looked at again.
func (a *Analyzer) changedEntries(root string, prev, next *snapshot, changed []string, overlays map[string][]byte) []walkEntry {
	next.files = maps.Clone(prev.files)
	next.walkDiag, next.seen = prev.walkDiag, prev.seen
	var todo []walkEntry
	for _, c := range changed {
		rel := filepath.ToSlash(filepath.Clean(c))
		abs := filepath.Join(root, filepath.FromSlash(rel))
		fi, err := os.Stat(abs)
		_, hasOverlay := overlays[rel]
		if err == nil && !insideRoot(root, abs) {
			err = errOutsideRoot // a path through a symlink out of the workspace
		}
		if (err != nil || !fi.Mode().IsRegular()) && !hasOverlay {
			delete(next.files, rel)
			continue
		}
		if a.ignoredPath(root, rel) || (!isCandidate(rel)) {
			delete(next.files, rel)
			continue
		}
		e := walkEntry{rel: rel}
		if err == nil {
			e.size, e.mtime = fi.Size(), fi.ModTime().UnixNano()
		}
		todo = append(todo, e)
	}
	return todo
}

// coldScan analyzes files while it walks (there is nothing to reuse),
// starting each Go module's load as its go.mod is met. It returns the
// overlays of files not on disk, still to analyze, and how many files it
// analyzed.
func (a *Analyzer) coldScan(ctx context.Context, root string, next *snapshot, overlays map[string][]byte, gl *goLoads, tm *Timings, lc *langCounter) ([]walkEntry, int, error) {
	ch := make(chan walkEntry, 4096)
	done := make(chan struct{})
	var diags []*patchbayv1.Diagnostic
	var seen int
	go func() {
		defer close(done)
		defer close(ch)
		t0 := time.Now()
		_, diags, seen = a.walk(ctx, root, func(e walkEntry) {
			if _, ov := overlays[e.rel]; !ov {
				gl.start(e.rel, e.size, e.mtime, 0)
			}
			ch <- e
		})
		tm.Walk = time.Since(t0)
	}()
	t0 := time.Now()
	streamed := a.analyzeStream(ctx, root, ch, overlays, lc, nil)
	tm.Extract = time.Since(t0)
	<-done
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	next.walkDiag, next.seen = diags, seen
	for _, fsx := range streamed {
		next.files[fsx.rel] = fsx
	}
	var todo []walkEntry
	for rel := range overlays {
		if _, onDisk := next.files[rel]; !onDisk && isCandidate(rel) {
			todo = append(todo, walkEntry{rel: rel})
		}
	}
	return todo, len(streamed), nil
}

// rescan walks the tree again (a previous snapshot exists, but which
// files exist may have changed) and returns every file found, with the
// overlays of files not on disk.
func (a *Analyzer) rescan(ctx context.Context, root string, next *snapshot, overlays map[string][]byte, tm *Timings) ([]walkEntry, error) {
	t0 := time.Now()
	entries, diags, seen := a.walk(ctx, root, nil)
	tm.Walk = time.Since(t0)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	next.walkDiag, next.seen = diags, seen
	todo := entries
	for rel := range overlays {
		if !containsRel(entries, rel) && isCandidate(rel) {
			todo = append(todo, walkEntry{rel: rel})
		}
	}
	return todo, nil
}

// reuseUnchanged puts into next prev's state of every file in todo whose
// size, mtime and overlay are unchanged, and returns the others.
func reuseUnchanged(prev, next *snapshot, todo []walkEntry, overlays map[string][]byte, incremental bool) []walkEntry {
	var work []walkEntry
	for _, e := range todo {
		ov, hasOverlay := overlays[e.rel]
		var oh uint64
		if hasOverlay {
			oh = hashBytes(ov)
		}
		if prev != nil {
			if old, ok := prev.files[e.rel]; ok && old.size == e.size && old.mtime == e.mtime && old.overlay == oh && !(incremental && e.size == 0 && oh == 0 && old.mtime == 0) {
				next.files[e.rel] = old
				continue
			}
		}
		work = append(work, e)
	}
	return work
}

// finish sets next's result and timings: prev's result again when nothing
// the findings derive from changed, else a newly assembled one. It
// returns false, with nothing set, when next's files from the disk cache
// cannot be decoded.
func (a *Analyzer) finish(prev, next *snapshot, cache *buildCache, edits []string, reanalyzed int, tm *Timings, lc *langCounter, start time.Time) bool {
	t0 := time.Now()
	var res *Result
	if reanalyzed == 0 && sameInputs(prev, next) {
		// The previous result stands (results are never modified once
		// returned); only its stats are new.
		cp := *prev.result
		cp.Stats = proto.Clone(prev.result.Stats).(*patchbayv1.AnalysisStats)
		res = &cp
		next.findingHint = prev.findingHint
		if cache.asm != nil && cache.asm.snap == prev {
			cache.asm.snap = next // the same files: what it kept holds for next
		}
	} else {
		if !next.disk.hydrate() {
			return false
		}
		if prev != nil {
			next.findingHint = prev.findingHint
		}
		if res = a.assembleEdits(prev, next, edits, cache); res != nil {
			a.editAssemblies.Add(1)
		} else {
			res = a.assemble(next, cache)
		}
		next.findingHint = len(res.Findings)
	}
	tm.Assemble = time.Since(t0)
	tm.Total = time.Since(start)
	tm.Languages = lc.m
	next.timings = tm
	res.Stats.FilesReanalyzed = uint32(reanalyzed)
	res.Stats.DurationMs = uint32(time.Since(start).Milliseconds())
	next.result = res
	return true
}
