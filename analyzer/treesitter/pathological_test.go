package treesitter_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/analyzer/treesitter"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter/csharp"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter/java"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter/javascript"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter/php"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter/python"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter/ruby"
	"github.com/patchbay-dev/patchbay/analyzer/treesitter/typescript"
)

// nestingCase wraps an env read in n parentheses, in each language's syntax.
type nestingCase struct {
	lang         *treesitter.Lang
	prefix, read string
	suffix       string
}

var nestingCases = []nestingCase{
	{javascript.Lang, "const x = ", "process.env.A", ";\n"},
	{typescript.TS, "const x: string = ", "process.env.A", ";\n"},
	{typescript.TSX, "const x = ", "process.env.A", ";\n"},
	{python.Lang, "import os\nx = ", `os.environ["A"]`, "\n"},
	{ruby.Lang, "x = ", `ENV["A"]`, "\n"},
	{php.Lang, "<?php\n$x = ", `getenv("A")`, ";\n"},
	{java.Lang, "class A { String x = ", `System.getenv("A")`, "; }\n"},
	{csharp.Lang, "class A { string x = ", `Environment.GetEnvironmentVariable("A")`, "; }\n"},
}

func (c nestingCase) src(n int) []byte {
	return []byte(c.prefix + strings.Repeat("(", n) + c.read + strings.Repeat(")", n) + c.suffix)
}

// manyReads nests n env reads, each one level deeper than the last: every
// read's hooks climb from deep in the tree.
func (c nestingCase) manyReads(n int) []byte {
	var b strings.Builder
	b.WriteString(c.prefix)
	for range n {
		b.WriteString("(" + c.read + " + ")
	}
	b.WriteString(c.read)
	b.WriteString(strings.Repeat(")", n))
	b.WriteString(c.suffix)
	return []byte(b.String())
}

// TestDeepNestingIsBounded: 50,000 nested parentheses around an env read
// (1.3 s at 4k, minutes at 50k before the wrapper climb was bounded) finish
// well inside the per-file budget in every front end, or hit it; never
// run past it.
func TestDeepNestingIsBounded(t *testing.T) {
	t.Parallel()
	for _, c := range nestingCases {
		t.Run(c.lang.Name, func(t *testing.T) {
			t.Parallel()
			if _, err := c.lang.Extract(context.Background(), c.src(treesitter.MaxNesting+1)); !errors.Is(err, treesitter.ErrTooDeep) {
				t.Errorf("%d levels: err = %v, want ErrTooDeep", treesitter.MaxNesting+1, err)
			}
			for _, src := range [][]byte{c.src(50_000), c.manyReads(3_000), c.src(treesitter.MaxNesting - 2),
				[]byte(strings.Repeat(string(c.manyReads(treesitter.MaxNesting-2)), 20))} {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				start := time.Now()
				_, err := c.lang.Extract(ctx, src)
				cancel()
				if d := time.Since(start); d > 5500*time.Millisecond {
					t.Errorf("%d bytes: took %v (err %v), past the 5 s budget", len(src), d, err)
				}
			}
		})
	}
}

// TestCanceledExtractStopsQuickly: cancellation is seen inside the parse
// and the query loop, not only between files. Not parallel: it measures
// latency, which other tests' CPU load on a 2-core machine would distort.
func TestCanceledExtractStopsQuickly(t *testing.T) {
	for _, c := range nestingCases {
		t.Run(c.lang.Name, func(t *testing.T) {
			_ = c.lang.Compile()
			// Big enough to keep tree-sitter busy for well over 100 ms.
			src := []byte(strings.Repeat(string(c.manyReads(treesitter.MaxNesting-2)), 200))
			// Best of three: on a loaded 2-core machine (go test runs
			// packages at once) one attempt can lose the CPU for a while.
			var took []time.Duration
			for range 3 {
				d := cancelLatency(t, func(ctx context.Context) { _, _ = c.lang.Extract(ctx, src) })
				if d <= 100*time.Millisecond {
					return
				}
				took = append(took, d)
			}
			t.Errorf("stopped %v after cancel, want ≤ 100 ms", took)
		})
	}
}

// cancelLatency runs fn, cancels it after 30 ms and returns how long fn
// took to return after that.
func cancelLatency(t *testing.T, fn func(context.Context)) time.Duration {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan time.Time, 1)
	go func() {
		fn(ctx)
		done <- time.Now()
	}()
	time.Sleep(30 * time.Millisecond)
	canceled := time.Now()
	cancel()
	select {
	case end := <-done:
		return end.Sub(canceled)
	case <-time.After(10 * time.Second):
		t.Fatal("ignored cancellation")
	}
	return 0
}
