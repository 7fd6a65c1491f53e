package golang

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"golang.org/x/tools/go/packages"
)

// Module is what go/packages says about one Go module of the workspace.
type Module struct {
	// Path and GoVersion come from the main module.
	Path      string
	GoVersion string
	// Files maps absolute file names to the package name they declare,
	// for the files the build includes.
	Files map[string]string
	// Problems are package errors, one line each (missing modules, type
	// errors are not loaded here).
	Problems []string
}

// LoadTimeout bounds one go/packages load.
const LoadTimeout = 30 * time.Second

// Load asks go/packages about the module rooted at dir, with the smallest
// mode that answers "which packages, files and imports, which module, what
// cannot be resolved": no syntax, no types, no dependency graph. It never
// touches the network (GOPROXY=off) and never edits the workspace's go.mod or
// go.sum: GOFLAGS is cleared so the go command's default applies (-mod=vendor
// with a consistent vendor directory, else -mod=readonly), where -mod=mod
// would add requirements and go.sum lines from the module cache. A failed
// load returns an error; callers fall back to go/parser.
//
// overlay maps absolute file names to unsaved editor contents
// (packages.Config.Overlay): the go command reads them instead of the
// files on disk, so the load describes what the editor shows.
func Load(ctx context.Context, dir string, overlay map[string][]byte) (*Module, error) {
	ctx, cancel := context.WithTimeout(ctx, LoadTimeout)
	defer cancel()
	cfg := &packages.Config{
		Mode:    packages.NeedName | packages.NeedFiles | packages.NeedModule | packages.NeedImports,
		Context: ctx,
		Dir:     dir,
		Env:     append(os.Environ(), "GOFLAGS=", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local"),
		Tests:   true,
		Overlay: overlay,
	}
	pkgs, err := packages.Load(cfg, "./...")
	if ctxErr := ctx.Err(); ctxErr != nil {
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			return nil, fmt.Errorf("go/packages load timed out after %s", LoadTimeout)
		}
		return nil, ctxErr
	}
	if err != nil {
		return nil, fmt.Errorf("go/packages: %s", firstLine(err.Error()))
	}
	m := &Module{Files: map[string]string{}}
	seen := map[string]bool{}
	for _, p := range pkgs {
		if p.Module != nil && p.Module.Main && m.Path == "" {
			m.Path, m.GoVersion = p.Module.Path, p.Module.GoVersion
		}
		for _, f := range p.GoFiles {
			m.Files[filepath.Clean(f)] = p.Name
		}
		add := func(errs []packages.Error) {
			for _, e := range errs {
				msg := firstLine(e.Msg)
				if e.Pos != "" {
					msg = filepath.Base(e.Pos) + ": " + msg
				}
				if !seen[msg] {
					seen[msg] = true
					m.Problems = append(m.Problems, msg)
				}
			}
		}
		add(p.Errors)
		// Imports are stubs (no NeedDeps); a stub with errors is an import
		// the build cannot resolve, e.g. a module missing from the cache.
		for _, imp := range p.Imports {
			add(imp.Errors)
		}
	}
	sort.Strings(m.Problems)
	return m, nil
}
