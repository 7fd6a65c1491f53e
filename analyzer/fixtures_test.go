package analyzer

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protojson"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/analyzer")

const fixtureDir = "../testdata/analyzer"

// TestFixtures analyzes every workspace in testdata/analyzer and compares
// services, findings and diagnostics with <name>.golden.json exactly.
// Run `go test ./analyzer -run TestFixtures -update` to rewrite them.
func TestFixtures(t *testing.T) {
	t.Parallel()
	ents, err := os.ReadDir(fixtureDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			root, err := filepath.Abs(filepath.Join(fixtureDir, name))
			if err != nil {
				t.Fatal(err)
			}
			a := New(Options{NoGoPackages: true})
			res, err := a.Analyze(context.Background(), root, Request{})
			if err != nil {
				t.Fatal(err)
			}
			got := goldenJSON(t, res)
			golden := filepath.Join(fixtureDir, name+".golden.json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if d := cmp.Diff(string(want), string(got)); d != "" {
				t.Errorf("%s differs from the golden file (-want +got):\n%s", name, d)
			}
		})
	}
}

// goldenJSON renders a result without the parts that vary between machines
// and runs (absolute root, timings).
func goldenJSON(t *testing.T, res *Result) []byte {
	t.Helper()
	msg := &patchbayv1.AnalyzeResponse{Services: res.Services, Findings: res.Findings, Diagnostics: res.Diagnostics}
	raw, err := protojson.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	return buf.Bytes()
}
