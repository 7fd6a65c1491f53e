package daemon

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"connectrpc.com/connect"

	"github.com/patchbay-dev/patchbay/engine"
	"github.com/patchbay-dev/patchbay/store"
	"github.com/patchbay-dev/patchbay/vault"
)

const modulePath = "github.com/patchbay-dev/patchbay"

// sentinel is an exported package-level Err* variable found in the source.
type sentinel struct {
	pkg, name string // import path, identifier
	pos       string // file:line, for the failure message
	alias     string // "pkg.Name" when declared as another sentinel (engine.ErrNotFound = store.ErrNotFound)
}

func (s sentinel) key() string { return s.pkg + "." + s.name }

// isDomainPackage says which packages' sentinels must be in errorTable:
// everything under the module but the transport (daemon), the binary
// (cmd), generated code, provider packages (engine, gateway and vault
// translate their errors) and test helpers (enginetest, pgtest, ...).
func isDomainPackage(rel string) bool {
	if rel == "" {
		return false
	}
	first := strings.SplitN(rel, "/", 2)[0]
	switch first {
	case "daemon", "cmd", "gen", "providers", "ide", "testdata", "eval", "scripts", "docs", "proto":
		return false
	}
	for _, elem := range strings.Split(rel, "/") {
		if strings.HasSuffix(elem, "test") {
			return false
		}
	}
	return true
}

// importsOf maps a file's import names to import paths.
func importsOf(f *ast.File, pkgNames map[string]string) map[string]string {
	m := map[string]string{}
	for _, im := range f.Imports {
		path, _ := strconv.Unquote(im.Path.Value)
		name := pkgNames[path]
		if name == "" {
			name = path[strings.LastIndex(path, "/")+1:]
		}
		if im.Name != nil {
			name = im.Name.Name
		}
		m[name] = path
	}
	return m
}

// refName resolves an expression naming a package-level variable
// (Name or pkg.Name) to "importpath.Name", or "".
func refName(e ast.Expr, self string, imports map[string]string) string {
	switch e := e.(type) {
	case *ast.Ident:
		return self + "." + e.Name
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok && imports[x.Name] != "" {
			return imports[x.Name] + "." + e.Sel.Name
		}
	}
	return ""
}

type parsedPackage struct {
	path  string
	name  string
	files []*ast.File
}

// parseModule parses the non-test Go files of every package in the module.
func parseModule(t *testing.T, root string) (*token.FileSet, []parsedPackage) {
	t.Helper()
	fset := token.NewFileSet()
	var pkgs []parsedPackage
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata") {
			return filepath.SkipDir
		}
		if path != root {
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir // another module
			}
		}
		matches, _ := filepath.Glob(filepath.Join(path, "*.go"))
		rel, _ := filepath.Rel(root, path)
		p := parsedPackage{path: modulePath}
		if rel != "." {
			p.path += "/" + filepath.ToSlash(rel)
		}
		for _, file := range matches {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			p.name = f.Name.Name
			p.files = append(p.files, f)
		}
		if len(p.files) > 0 {
			pkgs = append(pkgs, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fset, pkgs
}

// domainSentinels finds every exported package-level Err* variable of the
// domain packages of the module rooted at root.
func domainSentinels(t *testing.T, root string) []sentinel {
	t.Helper()
	fset, pkgs := parseModule(t, root)
	pkgNames := map[string]string{}
	for _, p := range pkgs {
		pkgNames[p.path] = p.name
	}
	var out []sentinel
	for _, p := range pkgs {
		if !isDomainPackage(strings.TrimPrefix(strings.TrimPrefix(p.path, modulePath), "/")) {
			continue
		}
		for _, f := range p.files {
			imports := importsOf(f, pkgNames)
			for _, decl := range f.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok || gd.Tok != token.VAR {
					continue
				}
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, id := range vs.Names {
						if !strings.HasPrefix(id.Name, "Err") || !id.IsExported() || len(id.Name) == 3 {
							continue
						}
						s := sentinel{pkg: p.path, name: id.Name, pos: fset.Position(id.Pos()).String()}
						if i < len(vs.Values) {
							if ref := refName(vs.Values[i], p.path, imports); ref != "" {
								s.alias = ref
							}
						}
						out = append(out, s)
					}
				}
			}
		}
	}
	return out
}

// tableEntries reads errorTable's sentinels out of errors.go's source.
func tableEntries(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "errors.go", nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	imports := importsOf(f, nil)
	for name, path := range imports {
		// Module packages are named after their folder, but say so.
		if strings.HasPrefix(path, modulePath) && name != path[strings.LastIndex(path, "/")+1:] {
			t.Fatalf("errors.go imports %s as %s; the test resolves names by folder", path, name)
		}
	}
	var refs []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "errorTable" {
			return true
		}
		lit := vs.Values[0].(*ast.CompositeLit)
		for _, elt := range lit.Elts {
			entry := elt.(*ast.CompositeLit)
			ref := refName(entry.Elts[0], modulePath+"/daemon", imports)
			if ref == "" {
				t.Fatalf("%s: errorTable entry is not a package-level sentinel", fset.Position(entry.Pos()))
			}
			refs = append(refs, ref)
		}
		return false
	})
	if len(refs) == 0 {
		t.Fatal("errorTable not found in errors.go")
	}
	return refs
}

func TestErrorTableCoversEverySentinel(t *testing.T) {
	t.Parallel()
	sentinels := domainSentinels(t, "..")
	refs := tableEntries(t)
	if len(refs) != len(errorTable) {
		t.Fatalf("read %d errorTable entries from the source, the table has %d", len(refs), len(errorTable))
	}

	inTable := map[string]bool{}
	for _, r := range refs {
		if inTable[r] {
			t.Errorf("errorTable lists %s twice", r)
		}
		inTable[r] = true
	}
	known := map[string]bool{}
	for _, s := range sentinels {
		known[s.key()] = true
	}
	for _, s := range sentinels {
		if inTable[s.key()] || s.alias != "" && inTable[s.alias] {
			continue
		}
		t.Errorf("%s: %s.%s has no connect code: add it to errorTable in daemon/errors.go", s.pos, s.pkg[strings.LastIndex(s.pkg, "/")+1:], s.name)
	}
	for _, r := range refs {
		if !known[r] {
			t.Errorf("errorTable lists %s, which is not an exported sentinel of a domain package", r)
		}
	}

	// The discovery must see what is known to be there, or it proves nothing.
	for _, want := range []string{
		modulePath + "/store.ErrLocked",
		modulePath + "/vault.ErrLocked",
		modulePath + "/engine.ErrNotFound",
		modulePath + "/internal/teams.ErrDenied",
		modulePath + "/analyzer/treesitter.ErrTimeout",
	} {
		if !known[want] {
			t.Errorf("sentinel discovery missed %s (found %d sentinels)", want, len(sentinels))
		}
	}
}

func TestToConnectErrorCodes(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, c := range errorTable {
		err := fmt.Errorf("doing something: %w", c.err)
		if got := connect.CodeOf(toConnectError(log, "/test", err)); got != c.code {
			t.Errorf("%v: code %v, want %v", c.err, got, c.code)
		}
	}

	cases := []struct {
		name string
		err  error
		want connect.Code
	}{
		{"canceled before the table", fmt.Errorf("x: %w (%w)", context.Canceled, store.ErrNotFound), connect.CodeCanceled},
		// The outer package's class wins over the cause it wraps, every time.
		{"engine before vault", fmt.Errorf("x: %w (%w)", engine.ErrNoCredentials, vault.ErrRequestCanceled), connect.CodeFailedPrecondition},
		{"engine's alias is store's", fmt.Errorf("x: %w", engine.ErrNotFound), connect.CodeNotFound},
		{"a LockedError is ErrLocked", fmt.Errorf("x: %w", &store.LockedError{}), connect.CodeFailedPrecondition},
		{"connect error kept", connect.NewError(connect.CodeAborted, errors.New("x")), connect.CodeAborted},
		{"unclassified", errors.New("x"), connect.CodeUnknown},
	}
	for _, tc := range cases {
		for range 20 { // a map's order would show up as a flake here
			if got := connect.CodeOf(toConnectError(log, "/test", tc.err)); got != tc.want {
				t.Fatalf("%s: code %v, want %v", tc.name, got, tc.want)
			}
		}
	}
}

// TestSentinelDiscoveryBites proves the coverage check can fail: a
// sentinel in a domain package that the table does not list is reported.
func TestSentinelDiscoveryBites(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	dir := filepath.Join(root, "engine")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := "package engine\n\nimport \"errors\"\n\nvar (\n\tErrFresh = errors.New(\"fresh\")\n\terrHidden = errors.New(\"hidden\")\n)\n"
	if err := os.WriteFile(filepath.Join(dir, "e.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range domainSentinels(t, root) {
		names = append(names, s.key())
	}
	if want := modulePath + "/engine.ErrFresh"; len(names) != 1 || names[0] != want {
		t.Fatalf("found %v, want [%s]", names, want)
	}
}
