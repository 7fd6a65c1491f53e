package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/patchbay-dev/patchbay/analyzer"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

func newScanCmd() *cobra.Command {
	var (
		asJSON       bool
		explain      bool
		routes       bool
		noGoPackages bool
		noCache      bool
		cpuProfile   string
		memProfile   string
		timings      bool
	)
	cmd := &cobra.Command{
		Use:   "scan [--json|--explain|--routes] DIR",
		Short: "Analyze a workspace once, without the daemon",
		Long: `Analyze a workspace once, without the daemon, and print its services and
findings: SDK usage, manifest dependencies, env-var reads, webhook handlers and
OAuth callbacks. --json prints {"services": [...], "findings": [...],
"diagnostics": [...]} in protojson (camelCase) form; --explain adds the
evidence behind each finding; --routes lists every HTTP route each service
serves, with its full path (prefixes and mounts applied) and where it is
declared. Findings can be corrected in the service's patchbay.json (see
docs/provisioning.md). Each file's facts are kept under the state directory
(cache/analyzer), so a re-scan reads and parses only files that changed, and
the JSON printed for an unchanged result is kept (cache/scan) and printed
again; --no-cache analyzes every file and leaves both alone.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root, err := filepath.Abs(args[0])
			if err != nil {
				return err
			}
			st, err := os.Stat(root)
			switch {
			case errors.Is(err, os.ErrNotExist):
				return fmt.Errorf("scan: %s does not exist", args[0])
			case err != nil:
				return fmt.Errorf("scan: %w", err)
			case !st.IsDir():
				return fmt.Errorf("scan: %s is not a directory", args[0])
			}
			if os.Getenv("GOMEMLIMIT") == "" {
				defer heapBound(180<<20, 50*time.Millisecond)()
			}
			if cpuProfile != "" {
				stop, err := startCPUProfile(cpuProfile)
				if err != nil {
					return err
				}
				defer stop()
			}
			opts := analyzer.Options{NoGoPackages: noGoPackages}
			var rendered *renderCache
			if !noCache {
				// Per-file facts kept between scans (see analyzer/diskcache.go),
				// and the JSON last printed for the root (renderCache).
				if home, err := homeDir(); err == nil {
					opts.CacheDir = filepath.Join(home, "cache", "analyzer")
					rendered = newRenderCache(filepath.Join(home, "cache", "scan"), root)
				}
			}
			if timings {
				opts.Logger, _ = newLogger("debug", false)
			}
			a := analyzer.New(opts)
			res, err := a.Analyze(cmd.Context(), root, analyzer.Request{})
			if err != nil {
				return err
			}
			if memProfile != "" {
				if err := writeHeapProfile(memProfile); err != nil {
					return err
				}
			}
			if t := a.Timings(root); timings && t != nil {
				t.Write(cmd.ErrOrStderr())
			}
			msg := &patchbayv1.AnalyzeResponse{
				Root: res.Root, Services: res.Services, Findings: res.Findings, Diagnostics: res.Diagnostics, Stats: res.Stats,
			}
			if asJSON && rendered != nil && res.Digest != "" {
				return writeAnalysisJSONCached(cmd.OutOrStdout(), msg, rendered, res.Digest)
			}
			return printAnalysis(cmd.OutOrStdout(), msg, printOptions{json: asJSON, explain: explain, routes: routes})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (protojson, camelCase)")
	cmd.Flags().BoolVar(&explain, "explain", false, "show the evidence behind each finding")
	cmd.Flags().BoolVar(&routes, "routes", false, "list every HTTP route each service serves")
	cmd.Flags().BoolVar(&noGoPackages, "no-go-packages", false, "parse Go files without loading modules through go/packages")
	cmd.Flags().BoolVar(&noCache, "no-cache", false, "analyze every file, without the per-file cache kept under the state directory")
	cmd.Flags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the scan to `FILE` (go tool pprof)")
	cmd.Flags().BoolVar(&timings, "timings", false, "print where the scan spent its time to stderr")
	cmd.Flags().StringVar(&memProfile, "memprofile", "", "write a profile of the heap live once the analysis is done to `FILE` (go tool pprof)")
	_ = cmd.Flags().MarkHidden("cpuprofile")
	_ = cmd.Flags().MarkHidden("memprofile")
	_ = cmd.Flags().MarkHidden("timings")
	return cmd
}

// printOptions are scan's and analyze's output flags.
type printOptions struct {
	json, explain, routes bool
}

// printAnalysis prints an analysis as JSON or for people. Shared by scan
// (local) and analyze (through the daemon).
func printAnalysis(w io.Writer, res *patchbayv1.AnalyzeResponse, o printOptions) error {
	if o.json {
		return writeAnalysisJSON(w, res)
	}
	return printHuman(w, res, o)
}

// writeAnalysisJSON renders the response with protojson's field names and
// enum names, one service, finding or diagnostic per line, and always has
// the services, findings and diagnostics arrays (even when empty) so scripts
// can index them. Elements are encoded a batch at a time, the batch's
// elements in parallel, into a buffered writer: a 300,000-file scan does
// not hold its whole output twice in memory, and a 40,000-finding one does
// not spend its time in one write per line.
func writeAnalysisJSON(w io.Writer, res *patchbayv1.AnalyzeResponse) error {
	out := bufio.NewWriterSize(w, 256<<10)
	writeJSONHead(out, res)
	if err := writeJSONBody(out, res); err != nil {
		return err
	}
	return writeJSONTail(out, res)
}

// writeJSONHead, writeJSONBody and writeJSONTail are writeAnalysisJSON's
// parts: the root; the services, findings and diagnostics (what
// renderCache keeps); the stats.
func writeJSONHead(out *bufio.Writer, res *patchbayv1.AnalyzeResponse) {
	root, _ := json.Marshal(res.GetRoot())
	fmt.Fprintf(out, "{\n  \"root\": %s,\n", root)
}

func writeJSONBody(w io.Writer, res *patchbayv1.AnalyzeResponse) error {
	bw := &errWriter{w: w}
	list := func(name string, n int, at func(int) proto.Message) {
		bw.printf("  %q: [", name)
		for from := 0; from < n && bw.err == nil; from += jsonBatch {
			lines, err := renderJSON(from, min(n, from+jsonBatch), at)
			if err != nil {
				bw.err = err
				return
			}
			for i, line := range lines {
				if from+i > 0 {
					bw.printf(",")
				}
				bw.printf("\n    %s", line)
			}
		}
		if n > 0 {
			bw.printf("\n  ")
		}
		bw.printf("]")
	}
	list("services", len(res.GetServices()), func(i int) proto.Message { return res.GetServices()[i] })
	bw.printf(",\n")
	list("findings", len(res.GetFindings()), func(i int) proto.Message { return res.GetFindings()[i] })
	bw.printf(",\n")
	list("diagnostics", len(res.GetDiagnostics()), func(i int) proto.Message { return res.GetDiagnostics()[i] })
	return bw.err
}

func writeJSONTail(out *bufio.Writer, res *patchbayv1.AnalyzeResponse) error {
	if res.GetStats() != nil {
		lines, err := renderJSON(0, 1, func(int) proto.Message { return res.GetStats() })
		if err != nil {
			return err
		}
		fmt.Fprintf(out, ",\n  \"stats\": %s", lines[0])
	}
	out.WriteString("\n}\n")
	return out.Flush()
}

// jsonBatch is how many elements writeAnalysisJSON renders at once.
const jsonBatch = 2048

// renderJSON renders elements [from, to) as compact protojson, one line
// each, spread over the CPUs.
func renderJSON(from, to int, at func(int) proto.Message) ([][]byte, error) {
	lines := make([][]byte, to-from)
	errs := make([]error, to-from)
	workers := min(runtime.GOMAXPROCS(0), to-from)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := from + w; i < to; i += workers {
				raw, err := protojson.Marshal(at(i))
				if err != nil {
					errs[i-from] = err
					continue
				}
				var line bytes.Buffer
				if err := json.Compact(&line, raw); err != nil {
					errs[i-from] = err
					continue
				}
				lines[i-from] = line.Bytes()
			}
		}(w)
	}
	wg.Wait()
	return lines, errors.Join(errs...)
}

func printHuman(w io.Writer, res *patchbayv1.AnalyzeResponse, o printOptions) error {
	bw := &errWriter{w: w}
	stats := res.GetStats()
	bw.printf("%s\n", res.GetRoot())
	bw.printf("%d services · %d findings · %d diagnostics · %d files analyzed in %d ms\n",
		len(res.GetServices()), len(res.GetFindings()), len(res.GetDiagnostics()), stats.GetFilesAnalyzed(), stats.GetDurationMs())

	byService := map[string][]*patchbayv1.Finding{}
	for _, f := range res.GetFindings() {
		byService[f.GetService()] = append(byService[f.GetService()], f)
	}
	services := append([]*patchbayv1.Service(nil), res.GetServices()...)
	if _, ok := byService[""]; ok {
		services = append(services, &patchbayv1.Service{Path: "", Name: "(outside any service)"})
	}
	for _, svc := range services {
		bw.printf("\n%s", svc.GetName())
		var about []string
		if svc.GetLanguage() != "" {
			about = append(about, svc.GetLanguage())
		}
		about = append(about, svc.GetFrameworks()...)
		if len(about) > 0 {
			bw.printf("  (%s)", strings.Join(about, ", "))
		}
		if svc.GetPath() != "" {
			bw.printf("  %s/", strings.TrimSuffix(svc.GetPath(), "/"))
		}
		if n := len(svc.GetRoutes()); n > 0 && !o.routes {
			bw.printf("  · %d routes (--routes lists them)", n)
		}
		bw.printf("\n")
		if o.routes && len(svc.GetRoutes()) > 0 {
			bw.printf("  routes\n")
			for _, r := range svc.GetRoutes() {
				l := r.GetLocation()
				bw.printf("    %-7s %-44s %-44s %s\n", routeMethod(r.GetMethod()), r.GetPath(), fmt.Sprintf("%s:%d", l.GetPath(), l.GetStartLine()), r.GetSource())
				if o.explain {
					for _, m := range r.GetMounts() {
						bw.printf("      mounted at %s:%d\n", m.GetPath(), m.GetStartLine())
					}
				}
			}
		}
		byProvider := map[string][]*patchbayv1.Finding{}
		for _, f := range byService[svc.GetPath()] {
			byProvider[f.GetProvider()] = append(byProvider[f.GetProvider()], f)
		}
		provs := make([]string, 0, len(byProvider))
		for p := range byProvider {
			provs = append(provs, p)
		}
		sort.Slice(provs, func(i, j int) bool {
			if (provs[i] == "") != (provs[j] == "") {
				return provs[j] == ""
			}
			return provs[i] < provs[j]
		})
		for _, p := range provs {
			name := p
			if name == "" {
				name = "unattributed"
			}
			bw.printf("  %s\n", name)
			for _, f := range byProvider[p] {
				l := f.GetLocation()
				bw.printf("    %-28s %-44s %s\n", kindLabel(f), fmt.Sprintf("%s:%d:%d", l.GetPath(), l.GetStartLine(), l.GetStartColumn()), f.GetEvidence())
				if o.explain {
					for _, why := range analyzer.Explain(f) {
						bw.printf("      because %s\n", why)
					}
				}
			}
		}
	}
	if len(res.GetDiagnostics()) > 0 {
		bw.printf("\ndiagnostics\n")
		for _, d := range res.GetDiagnostics() {
			bw.printf("  %-8s %s: %s\n", d.GetSeverity(), d.GetPath(), d.GetMessage())
		}
	}
	return bw.err
}

// routeMethod names a route's method for people: ANY when it answers every
// method.
func routeMethod(m string) string {
	if m == "" {
		return "ANY"
	}
	return m
}

func kindLabel(f *patchbayv1.Finding) string {
	switch d := f.GetDetail().(type) {
	case *patchbayv1.Finding_EnvVar:
		return "env " + d.EnvVar.GetName()
	case *patchbayv1.Finding_Sdk:
		if d.Sdk.GetForm() == "constructor" {
			return "sdk client"
		}
		return "sdk " + d.Sdk.GetForm()
	case *patchbayv1.Finding_Dependency:
		return "dependency"
	case *patchbayv1.Finding_Webhook:
		label := "webhook " + d.Webhook.GetMethod() + " " + d.Webhook.GetRoute()
		if n := len(d.Webhook.GetEvents()); n > 0 {
			label += fmt.Sprintf(" · %d events", n)
		}
		return label
	case *patchbayv1.Finding_Callback:
		label := "oauth callback " + d.Callback.GetRoute()
		if l := d.Callback.GetLogoutRoutes(); len(l) > 0 {
			label += " · logout " + strings.Join(l, ", ")
		}
		if o := d.Callback.GetOrigins(); len(o) > 0 {
			label += " · origins " + strings.Join(o, ", ")
		}
		return label
	}
	return f.GetKind().String()
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

// startCPUProfile profiles the process into file until the returned stop
// is called (docs/benchmarks.md uses it for the account of the time).
func startCPUProfile(file string) (stop func(), err error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, fmt.Errorf("scan: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("scan: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// writeHeapProfile writes what the heap holds after a collection: the
// analysis result and what the analyzer keeps for the next one.
func writeHeapProfile(file string) error {
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("scan: %w", err)
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("scan: %w", err)
	}
	return f.Close()
}

// heapBound keeps a scan's heap near what it holds: a soft memory limit
// of base (a scan of an ordinary tree stays under it), raised to half as
// much again as the live heap whenever the live heap passes two thirds of
// the limit. A fixed limit below the live heap of a very large tree would
// have the collector run back to back (a quarter to a half of the CPU at
// 300,000 files); this way its work stays proportional to what is
// allocated, as with GOGC=50, once the tree outgrows base.
func heapBound(base int64, every time.Duration) (stop func()) {
	debug.SetMemoryLimit(base)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		limit := base
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				return
			}
			if live := int64(sample[0].Value.Uint64()); live > limit*2/3 {
				limit = live * 3 / 2
				debug.SetMemoryLimit(limit)
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
		debug.SetMemoryLimit(math.MaxInt64)
	}
}
