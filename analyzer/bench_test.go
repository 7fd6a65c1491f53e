package analyzer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func benchWorkspace(b *testing.B, n int) string {
	root := b.TempDir()
	files := map[string]string{"package.json": `{"dependencies": {"stripe": "1"}}`}
	for i := 0; i < n; i++ {
		files[fmt.Sprintf("src/m%03d/f%05d.js", i%100, i)] = fmt.Sprintf("import Stripe from 'stripe';\nconst v%d = process.env.VAR_%d;\n", i, i)
	}
	writeFiles(b, root, files)
	return root
}

// BenchmarkIncremental: one saved file in a 10,000-file workspace.
func BenchmarkIncremental(b *testing.B) {
	root := benchWorkspace(b, 10_000)
	a := New(Options{})
	ctx := context.Background()
	if _, err := a.Analyze(ctx, root, Request{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		writeFiles(b, root, map[string]string{"src/m007/f00007.js": fmt.Sprintf("const x = process.env.CHANGED_%d;\n", i)})
		if _, err := a.Analyze(ctx, root, Request{Changed: []string{"src/m007/f00007.js"}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkColdScan: a full analysis of a 2,000-file workspace.
func BenchmarkColdScan(b *testing.B) {
	root := benchWorkspace(b, 2_000)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := New(Options{})
		if _, err := a.Analyze(ctx, root, Request{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCorpus scans $PATCHBAY_BENCH_CORPUS cold (see
// scripts/bench-analyzer.sh for building one from the module cache).
func BenchmarkCorpus(b *testing.B) {
	root := os.Getenv("PATCHBAY_BENCH_CORPUS")
	if root == "" {
		b.Skip("set PATCHBAY_BENCH_CORPUS to a directory")
	}
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		a := New(Options{NoGoPackages: true})
		res, err := a.Analyze(ctx, root, Request{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Stats.FilesSeen), "files")
		b.ReportMetric(float64(len(res.Findings)), "findings")
	}
}

// corpusRoot is $PATCHBAY_BENCH_CORPUS (scripts/bench/README.md builds
// the benchmark corpus); benchmarks over it are skipped without one.
func corpusRoot(b *testing.B) string {
	root := os.Getenv("PATCHBAY_BENCH_CORPUS")
	if root == "" {
		b.Skip("set PATCHBAY_BENCH_CORPUS to a directory")
	}
	return root
}

// BenchmarkCorpusUnchanged: an analysis of the corpus with nothing
// changed since the last (what the daemon does for an Analyze call).
func BenchmarkCorpusUnchanged(b *testing.B) {
	root := corpusRoot(b)
	a := New(Options{NoGoPackages: true})
	ctx := context.Background()
	if _, err := a.Analyze(ctx, root, Request{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := a.Analyze(ctx, root, Request{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCorpusWatchOpen: opening a Watch on an analyzed corpus (the
// analysis is reused; what is left is watching every directory).
func BenchmarkCorpusWatchOpen(b *testing.B) {
	root := corpusRoot(b)
	a := New(Options{NoGoPackages: true})
	ctx := context.Background()
	if _, err := a.Analyze(ctx, root, Request{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		wctx, cancel := context.WithCancel(ctx)
		ch, err := a.Watch(wctx, root)
		if err != nil {
			b.Fatal(err)
		}
		<-ch
		cancel()
		for range ch {
		}
	}
}

// BenchmarkCorpusDiskCache: a new Analyzer (a new process: nothing in
// memory) analyzing the unchanged corpus from its disk cache (load the
// cache file, walk, compare stamps, reuse the cached result).
func BenchmarkCorpusDiskCache(b *testing.B) {
	root := corpusRoot(b)
	opts := Options{NoGoPackages: true, CacheDir: b.TempDir()}
	ctx := context.Background()
	if _, err := New(opts).Analyze(ctx, root, Request{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := New(opts)
		res, err := a.Analyze(ctx, root, Request{})
		if err != nil {
			b.Fatal(err)
		}
		if n := a.reads.Load(); n != 0 {
			b.Fatalf("%d files read: the cache was not used", n)
		}
		b.ReportMetric(float64(len(res.Findings)), "findings")
	}
}

// BenchmarkCorpusIncremental: one saved file in the analyzed corpus (what
// the daemon does between a file write and the Watch message).
func BenchmarkCorpusIncremental(b *testing.B) {
	root := corpusRoot(b)
	rel := os.Getenv("PATCHBAY_BENCH_FILE")
	if rel == "" {
		rel = "vercel__examples/starter/personalization-builder-io/pages/api/attributes.ts"
	}
	path := filepath.Join(root, rel)
	orig, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = os.WriteFile(path, orig, 0o644) })
	a := New(Options{NoGoPackages: true})
	ctx := context.Background()
	if _, err := a.Analyze(ctx, root, Request{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		content := append(append([]byte{}, orig...), fmt.Sprintf("\nconst v%d = process.env.BENCH_CHANGED_%d;\n", i, i)...)
		if err := os.WriteFile(path, content, 0o644); err != nil {
			b.Fatal(err)
		}
		if _, err := a.Analyze(ctx, root, Request{Changed: []string{rel}}); err != nil {
			b.Fatal(err)
		}
	}
}
