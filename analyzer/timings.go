package analyzer

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"time"
)

// Timings is where one analysis spent its time, for docs/benchmarks.md and
// `patchbay scan --timings`. Phases overlap: a cold scan reads and parses
// files while it walks, and loads Go modules alongside.
type Timings struct {
	// Walk is the directory walk; Extract the per-file work (read,
	// prefilter, lex or parse), from the first file to the last; GoPackages
	// the go/packages loads; Assemble turning facts into findings.
	Walk, Extract, GoPackages, Assemble, Total time.Duration
	// Languages counts, per language, what the per-file work did.
	Languages map[string]*LangTimings
}

// LangTimings counts the files of one language by what they needed.
type LangTimings struct {
	// Files were read; Skipped passed no prefilter; Lexed were answered by
	// a lexical path; Parsed went through a parser (Bytes of them), in
	// ParseTime summed over workers.
	Files, Skipped, Lexed, Parsed int
	Bytes                         int64
	ParseTime                     time.Duration
}

// langCounter collects LangTimings from the workers.
type langCounter struct {
	mu sync.Mutex
	m  map[string]*LangTimings
}

func (c *langCounter) add(lang string, f func(*LangTimings)) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*LangTimings{}
	}
	lt := c.m[lang]
	if lt == nil {
		lt = &LangTimings{}
		c.m[lang] = lt
	}
	f(lt)
}

// Write prints the timings as a small table.
func (t *Timings) Write(w io.Writer) {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d.Microseconds())/1000) }
	fmt.Fprintf(w, "walk %s · extract %s · go/packages %s · assemble %s · total %s\n",
		ms(t.Walk), ms(t.Extract), ms(t.GoPackages), ms(t.Assemble), ms(t.Total))
	langs := make([]string, 0, len(t.Languages))
	for l := range t.Languages {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	fmt.Fprintf(w, "%-11s %7s %7s %7s %7s %9s %9s\n", "language", "files", "skipped", "lexed", "parsed", "KiB", "parse")
	for _, l := range langs {
		lt := t.Languages[l]
		fmt.Fprintf(w, "%-11s %7d %7d %7d %7d %9d %9s\n", l, lt.Files, lt.Skipped, lt.Lexed, lt.Parsed, lt.Bytes>>10, ms(lt.ParseTime))
	}
}
