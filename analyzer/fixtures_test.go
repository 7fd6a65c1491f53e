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

// TestIncrementalMatchesCold: for every fixture, and for a workspace whose
// services read each other's files, deleting any one file and putting it
// back, each analyzed incrementally, gives what a new analyzer gives for
// the same tree. Routes and route findings are reused per service between
// builds (routeMemo); this proves the reuse notices every cross-file read
// (other services' functions, modules and constants).
func TestIncrementalMatchesCold(t *testing.T) {
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
			root := t.TempDir()
			if err := os.CopyFS(root, os.DirFS(filepath.Join(fixtureDir, name))); err != nil {
				t.Fatal(err)
			}
			checkIncremental(t, root)
		})
	}
	t.Run("cross-service", func(t *testing.T) {
		t.Parallel()
		root := t.TempDir()
		writeFiles(t, root, map[string]string{
			// a's route names a handler that b defines.
			"a/go.mod":  "module example.com/a\n\ngo 1.22\n\nrequire github.com/stripe/stripe-go/v82 v82.0.0\n",
			"a/main.go": "package main\n\nimport \"net/http\"\n\nfunc main() {\n\thttp.HandleFunc(\"/hooks/stripe\", stripeHook)\n\thttp.ListenAndServe(\":8080\", nil)\n}\n",
			"b/go.mod":  "module example.com/b\n\ngo 1.22\n\nrequire github.com/stripe/stripe-go/v82 v82.0.0\n",
			"b/hooks.go": "package b\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/stripe/stripe-go/v82/webhook\"\n)\n\n" +
				"func stripeHook(w http.ResponseWriter, r *http.Request) {\n\tevent, err := webhook.ConstructEvent(nil, r.Header.Get(\"Stripe-Signature\"), \"\")\n\t_, _ = event, err\n}\n",
			// c's router prefix is a constant d defines.
			"c/requirements.txt": "fastapi\nauthlib\n",
			"c/main.py":          "from fastapi import FastAPI\nfrom config import settings\nfrom auth import router\n\napp = FastAPI()\napp.include_router(router, prefix=settings.API_V1_STR)\n",
			"c/auth.py":          "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n@router.get(\"/auth/callback\")\nasync def auth_callback(request):\n    token = await oauth.google.authorize_access_token(request)\n",
			"d/requirements.txt": "pydantic\n",
			"d/config.py":        "from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n    API_V1_STR: str = \"/api/v1\"\n\nsettings = Settings()\n",
			// e mounts a router another file defines.
			"e/package.json":    `{"type": "module", "dependencies": {"express": "4", "stripe": "14"}}`,
			"e/app.js":          "import express from 'express';\nimport { hooks } from './routes/hooks.js';\nconst app = express();\napp.use('/api', hooks);\n",
			"e/routes/hooks.js": "import express from 'express';\nimport Stripe from 'stripe';\nexport const hooks = express.Router();\nhooks.post('/stripe', (req, res) => {\n  Stripe.webhooks.constructEvent(req.body, req.headers['stripe-signature'], 'x');\n});\n",
		})
		checkIncremental(t, root)
	})
}

// checkIncremental deletes each file of root and puts it back, comparing
// each incremental analysis with a cold one.
func checkIncremental(t *testing.T, root string) {
	t.Helper()
	var rels []string
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			rel, _ := filepath.Rel(root, p)
			rels = append(rels, filepath.ToSlash(rel))
		}
		return nil
	})
	ctx := context.Background()
	cold := func() string {
		res, err := New(Options{NoGoPackages: true}).Analyze(ctx, root, Request{})
		if err != nil {
			t.Fatal(err)
		}
		return string(goldenJSON(t, res))
	}
	a := New(Options{NoGoPackages: true})
	inc := func(rel string) string {
		res, err := a.Analyze(ctx, root, Request{Changed: []string{rel}})
		if err != nil {
			t.Fatal(err)
		}
		return string(goldenJSON(t, res))
	}
	whole := inc("")
	if os.Getenv("PATCHBAY_DEBUG_INCREMENTAL") != "" {
		t.Log(whole)
	}
	for _, rel := range rels {
		p := filepath.Join(root, filepath.FromSlash(rel))
		content, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(cold(), inc(rel)); d != "" {
			t.Fatalf("without %s: incremental differs from cold (-cold +incremental):\n%s", rel, d)
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(whole, inc(rel)); d != "" {
			t.Fatalf("%s back: incremental differs from the first analysis (-first +incremental):\n%s", rel, d)
		}
	}
}
