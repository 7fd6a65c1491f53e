package analyzer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
	"unicode/utf8"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"

	"github.com/patchbay-dev/patchbay/analyzer/envfiles"
	"github.com/patchbay-dev/patchbay/analyzer/facts"
	"github.com/patchbay-dev/patchbay/analyzer/manifests"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter"
)

// analyzeFiles extracts facts from files with a bounded worker pool.
// same maps paths to a previous state to keep if the content is unchanged
// (see sameContent).
func (a *Analyzer) analyzeFiles(ctx context.Context, root string, work []walkEntry, overlays map[string][]byte, lc *langCounter, same map[string]*fileState) []*fileState {
	ch := make(chan walkEntry)
	go func() {
		defer close(ch)
		for _, e := range work {
			if ctx.Err() != nil {
				return
			}
			ch <- e
		}
	}()
	return a.analyzeStream(ctx, root, ch, overlays, lc, same)
}

// analyzeStream analyzes the files sent on in with a bounded worker pool,
// until in is closed.
func (a *Analyzer) analyzeStream(ctx context.Context, root string, in <-chan walkEntry, overlays map[string][]byte, lc *langCounter, same map[string]*fileState) []*fileState {
	workers := a.opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		out []*fileState
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 0, 64<<10)
			var mine []*fileState
			for e := range in {
				if ctx.Err() != nil {
					continue // drain
				}
				if f := a.analyzeFile(ctx, root, e, overlays[e.rel], &buf, lc, same[e.rel]); f != nil {
					mine = append(mine, f)
				}
			}
			mu.Lock()
			out = append(out, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}

// analyzeFile reads and extracts one file. It never panics: a bug in a
// front end becomes a diagnostic for that file.
// analyzeFile reads into *buf (reused by the worker: nothing keeps a
// reference to the file's bytes after this returns). old, when set, is the
// file's previous state: its facts are kept if the bytes read are the same.
func (a *Analyzer) analyzeFile(ctx context.Context, root string, e walkEntry, overlay []byte, buf *[]byte, lc *langCounter, old *fileState) (st *fileState) {
	st = &fileState{rel: e.rel, size: e.size, mtime: e.mtime}
	defer func() {
		if r := recover(); r != nil {
			a.opts.Logger.Error("analyzer panic", "path", e.rel, "panic", r, "stack", string(debug.Stack()))
			st.facts = nil
			st.diag = diag(e.rel, "error", fmt.Sprintf("internal error while analyzing: %v", r))
		}
	}()
	st.kind, st.fe = fileKind(e.rel)
	if st.kind == kindTSConfig {
		return st // only its presence counts
	}
	src, ok := a.source(root, e, overlay, buf, st)
	if !ok {
		return st
	}
	if overlay == nil {
		st.hash = hashContent(src)
		if old != nil && old.hash == st.hash {
			cp := *old
			cp.size, cp.mtime = st.size, st.mtime
			return &cp
		}
	}
	if st.kind == kindCode {
		a.extractCode(ctx, st, src, lc)
	} else {
		extractData(st, src)
	}
	st.lines = evidenceLines(st.facts, src)
	return st
}

const (
	kindCode     = "code"
	kindTSConfig = "tsconfig"
)

// fileKind says what a file is by its path: a manifest, an env or config
// file of some kind, or code (with its front end).
func fileKind(rel string) (string, *frontEnd) {
	base := path.Base(rel)
	switch {
	case manifests.IsManifest(base):
		return kindManifest, nil
	case base == "tsconfig.json":
		return kindTSConfig, nil
	case base == configFile:
		return kindPatchbay, nil
	case springConfigName.MatchString(base):
		return kindSpring, nil
	case envfiles.IsConfig(rel) && envfiles.Kind(base) == "":
		return kindConfig, nil
	case envfiles.Kind(base) != "":
		return envfiles.Kind(base), nil
	}
	return kindCode, frontEndFor(rel)
}

// source returns the file's content, the overlay's if it has one, as
// valid UTF-8. A file too large, unreadable, binary or (code) minified is
// not analyzed: st gets the diagnostic and ok is false.
func (a *Analyzer) source(root string, e walkEntry, overlay []byte, buf *[]byte, st *fileState) (src []byte, ok bool) {
	tooLarge := func() bool {
		st.diag = diag(e.rel, "skipped", fmt.Sprintf("file is larger than %d bytes", a.opts.MaxFileSize))
		return false
	}
	if overlay != nil {
		src = overlay
		st.overlay = hashBytes(overlay)
		st.size = e.size
	} else {
		if e.size > a.opts.MaxFileSize {
			return nil, tooLarge()
		}
		a.reads.Add(1)
		b, err := readFile(filepath.Join(root, filepath.FromSlash(e.rel)), buf)
		if err != nil {
			st.diag = diag(e.rel, "error", "cannot read: "+errText(err))
			return nil, false
		}
		src = b
		if buf != nil && cap(b) > cap(*buf) && cap(b) <= 4<<20 {
			*buf = b[:0]
		}
	}
	switch {
	case int64(len(src)) > a.opts.MaxFileSize:
		return nil, tooLarge()
	case isBinary(src):
		st.diag = diag(e.rel, "skipped", "binary file")
		return nil, false
	case st.kind == kindCode && isMinified(path.Base(e.rel), src):
		st.diag = diag(e.rel, "skipped", "minified or generated file")
		return nil, false
	}
	if !utf8.Valid(src) {
		src = bytes.ToValidUTF8(src, []byte("\uFFFD"))
	}
	return src, true
}

// extractData reads the facts of a file that is not code: manifests, env
// files, compose files, Dockerfiles, Spring and other configuration, and
// patchbay.json.
func extractData(st *fileState, src []byte) {
	base := path.Base(st.rel)
	switch st.kind {
	case kindManifest:
		m, err := manifests.Parse(base, src)
		if err != nil {
			st.diag = diag(st.rel, "error", "cannot parse manifest: "+err.Error())
			return
		}
		st.manifest = m
		st.facts = &facts.File{Deps: m.Deps}
		if len(m.Problems) > 0 {
			st.diag = diag(st.rel, "error", m.Problems[0])
		}
	case kindDotenv:
		st.facts = &facts.File{Env: envfiles.Dotenv(src)}
	case kindCompose:
		env, err := envfiles.Compose(src)
		if err != nil {
			st.diag = diag(st.rel, "error", "cannot parse compose file: "+firstLine(err.Error()))
			return
		}
		st.facts = &facts.File{Env: env}
	case kindDocker:
		st.facts = &facts.File{Env: envfiles.Dockerfile(src)}
	case kindSpring:
		st.facts = &facts.File{Props: springRegistrations(base, src)}
	case kindPatchbay:
		o, err := parseOverrides(src)
		if err != nil {
			st.diag = diag(st.rel, "error", err.Error())
			return
		}
		st.overrides = o
		st.facts = &facts.File{}
	case kindConfig:
		st.facts = &facts.File{Env: envfiles.Config(src)}
	}
}

// extractCode reads the facts of a code file with as little work as its
// content allows: none when the prefilter finds nothing the file could
// contribute, the lexical env path when env reads are all it has, else a
// parse for the parts it needs.
func (a *Analyzer) extractCode(ctx context.Context, st *fileState, src []byte, lc *langCounter) {
	if st.fe.language == "go" {
		st.netHTTP = bytes.Contains(src, []byte(`"net/http"`))
	}
	parts, ok, lexable := a.parts(st.fe, src)
	// Next.js/SvelteKit/Remix/Nuxt: the path is the route; controllers
	// and views hold the handlers that routes elsewhere name.
	handlers := handlerFile.MatchString(st.rel)
	byPath := handlers || fileRoute.MatchString(st.rel)
	if !ok && !byPath {
		lc.add(st.fe.language, func(t *LangTimings) { t.Files++; t.Skipped++ })
		st.facts = &facts.File{}
		return
	}
	if byPath {
		parts = treesitter.All
	} else if parts == treesitter.Base && lexable && !a.noLex {
		if env, ok := jsEnvLex(src, st.fe == feTS); ok {
			lc.add(st.fe.language, func(t *LangTimings) { t.Files++; t.Lexed++ })
			st.facts = &facts.File{Env: env}
			return
		}
	}
	a.parseCode(ctx, st, src, parts, handlers, lc)
}

// parseCode runs the file's front end for parts, within the per-file
// timeout, and keeps the facts the signature tables can use.
func (a *Analyzer) parseCode(ctx context.Context, st *fileState, src []byte, parts treesitter.Parts, handlers bool, lc *langCounter) {
	fctx, cancel := context.WithTimeout(ctx, a.opts.FileTimeout)
	defer cancel()
	a.parses.Add(1)
	t0 := time.Now()
	f, err := st.fe.extract(fctx, st.rel, src, parts)
	took := time.Since(t0)
	lc.add(st.fe.language, func(t *LangTimings) { t.Files++; t.Parsed++; t.Bytes += int64(len(src)); t.ParseTime += took })
	if err != nil {
		st.diag = a.parseFailure(ctx, st.rel, err)
		return
	}
	if parts == treesitter.All {
		f.Marks = a.ix.findMarks(src)
	}
	if st.fe.language == "java" {
		dropOwnJavaImports(f, src)
	}
	a.ix.prune(f, handlers)
	st.facts = f
	if len(f.Errors) > 0 {
		st.diag = diag(st.rel, "error", firstLine(f.Errors[0]))
	}
}

// parseFailure is the diagnostic of a front end's error: the per-file
// timeout (not the analysis being canceled), a tree too deep, or a parse
// error.
func (a *Analyzer) parseFailure(ctx context.Context, rel string, err error) *patchbayv1.Diagnostic {
	switch {
	case errors.Is(err, treesitter.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		return diag(rel, "timeout", fmt.Sprintf("analysis took longer than %s; file skipped", a.opts.FileTimeout))
	case errors.Is(err, treesitter.ErrTooDeep):
		return diag(rel, "skipped", firstLine(err.Error())+"; file skipped")
	}
	return diag(rel, "error", "cannot parse: "+firstLine(err.Error()))
}
