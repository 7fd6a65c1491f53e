// Package frontendtest holds the checks every tree-sitter language front end
// runs in its own package: a smoke test of its embedded query and a fuzz
// target. It is imported by tests only.
package frontendtest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/analyzer/facts"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter"
)

// Sample is a small source file in the front end's language with the first
// import path and the first env var name its extraction must report.
type Sample struct {
	Src         string
	FirstImport string
	FirstEnv    string
}

// Smoke checks that every variant of the embedded query compiles and that
// the query still finds what it is for.
func Smoke(t *testing.T, lang *treesitter.Lang, s Sample) {
	t.Helper()
	t.Parallel()
	if err := lang.Compile(); err != nil {
		t.Fatal(err)
	}
	if q, _ := lang.Query(); q.PatternCount() == 0 {
		t.Fatal("empty query")
	}
	f, err := lang.Extract(context.Background(), []byte(s.Src))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Imports) == 0 || f.Imports[0].Path != s.FirstImport {
		t.Errorf("imports = %+v, want first %q", f.Imports, s.FirstImport)
	}
	if len(f.Env) == 0 || f.Env[0].Name != s.FirstEnv {
		t.Errorf("env = %+v, want first %q", f.Env, s.FirstEnv)
	}
}

// MaxPerFile is the analyzer's per-file budget, which no input may exceed.
const MaxPerFile = 5 * time.Second

// Fuzz: malformed, truncated, deeply nested and non-UTF-8 input never
// panics or runs past the per-file budget, and every span is well formed.
// `go test` runs the seeds; `make fuzz` fuzzes each front end for a while.
func Fuzz(f *testing.F, lang *treesitter.Lang, s Sample) {
	src := []byte(s.Src)
	f.Add(src)
	f.Add(src[:len(src)/2])
	f.Add([]byte("\xff\xfe\x00"))
	f.Add([]byte("((((((((((((((((((((((((((((((((((((((((((((((((((("))
	// Pathological nesting around the sample (what once took minutes) and
	// just under the depth limit, where the query is slowest.
	f.Add([]byte(strings.Repeat("(", 50_000) + s.Src + strings.Repeat(")", 50_000)))
	f.Add([]byte(strings.Repeat("(\n", treesitter.MaxNesting-1) + s.Src + strings.Repeat(")\n", treesitter.MaxNesting-1)))
	f.Add([]byte(strings.Repeat("[{", treesitter.MaxNesting/2) + s.Src))
	f.Fuzz(func(t *testing.T, src []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), MaxPerFile)
		defer cancel()
		start := time.Now()
		out, err := lang.Extract(ctx, src)
		if d := time.Since(start); d > MaxPerFile+500*time.Millisecond {
			t.Fatalf("%d bytes took %v, past the %v per-file budget", len(src), d, MaxPerFile)
		}
		if err != nil {
			return
		}
		for _, e := range out.Env {
			checkSpan(t, e.Span)
		}
		for _, i := range out.Imports {
			checkSpan(t, i.Span)
		}
	})
}

func checkSpan(t *testing.T, sp facts.Span) {
	t.Helper()
	if sp.StartLine == 0 || sp.EndLine < sp.StartLine {
		t.Fatalf("bad span %+v", sp)
	}
}
