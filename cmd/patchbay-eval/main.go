// Command patchbay-eval scores `patchbay scan --json` on the development
// corpus against its labels (eval/README.md) and prints per-kind precision,
// recall and F1, then every miss and false positive.
//
//	patchbay-eval -corpus DIR [-labels eval/labels] [-bin bin/patchbay] [-repo SUBSTR] [-scans DIR]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/patchbay-dev/patchbay/internal/eval"
)

func main() {
	labels := flag.String("labels", "eval/labels", "folder of label files")
	corpus := flag.String("corpus", os.Getenv("PATCHBAY_CORPUS"), "folder holding the exported repositories (OWNER__NAME)")
	bin := flag.String("bin", "bin/patchbay", "the patchbay binary to measure")
	only := flag.String("repo", "", "score only repositories whose owner/name contains this")
	scans := flag.String("scans", "", "keep each repository's scan output in this folder (OWNER__NAME.json)")
	quiet := flag.Bool("quiet", false, "print the scores only, not every miss")
	flag.Parse()
	if err := run(os.Stdout, *labels, *corpus, *bin, *only, *scans, *quiet); err != nil {
		fmt.Fprintln(os.Stderr, "patchbay-eval:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, labelDir, corpus, bin, only, scanDir string, quiet bool) error {
	if corpus == "" {
		return fmt.Errorf("no corpus: pass -corpus or set PATCHBAY_CORPUS (scripts/eval.sh makes one)")
	}
	labels, err := eval.LoadLabels(labelDir)
	if err != nil {
		return err
	}
	if scanDir != "" {
		if err := os.MkdirAll(scanDir, 0o755); err != nil {
			return err
		}
	}
	total := map[string]*eval.Result{}
	for _, k := range eval.Kinds {
		total[k] = &eval.Result{Kind: k}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "repository\tsdk\tenv\twebhook\tcallback")
	n := 0
	for _, l := range labels {
		if only != "" && !strings.Contains(l.Repo, only) {
			continue
		}
		dir := filepath.Join(corpus, l.Dir())
		if _, err := os.Stat(dir); err != nil {
			return fmt.Errorf("%s is not in the corpus (%s): run scripts/eval.sh", l.Repo, dir)
		}
		out, err := scan(bin, dir)
		if err != nil {
			return fmt.Errorf("%s: %w", l.Repo, err)
		}
		if scanDir != "" {
			if err := os.WriteFile(filepath.Join(scanDir, l.Dir()+".json"), out, 0o644); err != nil {
				return err
			}
		}
		found, err := eval.FromScan(out)
		if err != nil {
			return fmt.Errorf("%s: %w", l.Repo, err)
		}
		res := eval.Score(l, found)
		row := []string{l.Repo}
		for _, k := range eval.Kinds {
			r := res[k]
			row = append(row, fmt.Sprintf("%d/%d +%d", r.TP, r.TP+r.FN(), r.FP()))
			total[k].Add(r)
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
		n++
	}
	tw.Flush()
	fmt.Fprintf(w, "\n(found/labelled +false positives)\n\n%d repositories\n", n)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "kind\tlabelled\tfound\tmissed\tfalse pos.\tprecision\trecall\tF1")
	for _, k := range eval.Kinds {
		r := total[k]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%.3f\t%.3f\t%.3f\n", k, r.TP+r.FN(), r.TP, r.FN(), r.FP(), r.Precision(), r.Recall(), r.F1())
	}
	tw.Flush()
	if quiet {
		return nil
	}
	for _, k := range eval.Kinds {
		r := total[k]
		printItems(w, "missed "+k, r.Misses)
		printItems(w, "false positive "+k, r.FPs)
	}
	return nil
}

func printItems(w io.Writer, title string, ms []eval.Miss) {
	if len(ms) == 0 {
		return
	}
	lines := make([]string, 0, len(ms))
	for _, m := range ms {
		it := m.Item
		s := m.Repo + "  " + it.File
		if it.Line > 0 {
			s += fmt.Sprintf(":%d", it.Line)
		}
		if it.Provider != "" {
			s += "  " + it.Provider
		}
		if it.Name != "" {
			s += "  " + it.Name
		}
		if it.Route != nil {
			s += "  " + strings.TrimSpace(it.Method+" "+*it.Route)
		}
		lines = append(lines, s)
	}
	sort.Strings(lines)
	fmt.Fprintf(w, "\n## %s (%d)\n", title, len(ms))
	for _, s := range lines {
		fmt.Fprintln(w, "  "+s)
	}
}

// scan runs a cold scan (--no-cache: what the analyzer finds, and no
// cache left in the user's Patchbay home); binaries from before the disk
// cache have no such flag and scan cold anyway.
func scan(bin, dir string) ([]byte, error) {
	out, stderr, err := runBin(bin, "scan", "--json", "--no-cache", dir)
	if err != nil && strings.Contains(stderr, "unknown flag: --no-cache") {
		out, stderr, err = runBin(bin, "scan", "--json", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("%s scan: %v: %s", bin, err, strings.TrimSpace(stderr))
	}
	return out, nil
}

func runBin(bin string, args ...string) ([]byte, string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.Bytes(), stderr.String(), err
}
