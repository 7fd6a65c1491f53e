package analyzer

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// editSnippets are lines a random edit appends, per file extension: env
// reads, functions, constants, routes, imports and webhook checks, so that
// edits move files in and out of the route pass and change what other
// services read.
var editSnippets = map[string][]string{
	".js":   {"const k = process.env.EDIT_KEY;", "function stripeHook(req, res) {}", "import Stripe from 'stripe';", "app.post('/hooks/edit', stripeHook);", "export const API_PREFIX = '/edit';", "router.get('/auth/callback', cb);"},
	".ts":   {"const k = process.env.EDIT_KEY;", "export function handler() {}", "import { Resend } from 'resend';", "export async function POST(req: Request) { stripe.webhooks.constructEvent(a, b, c) }"},
	".py":   {"import os\nKEY = os.environ[\"EDIT_KEY\"]", "def stripe_hook(request):\n    pass", "API_V1_STR = \"/edit\"", "@app.post(\"/hooks/edit\")\ndef edit_hook():\n    pass", "import stripe"},
	".go":   {"var k = os.Getenv(\"EDIT_KEY\")", "func stripeHook(w http.ResponseWriter, r *http.Request) {}", "func init() { http.HandleFunc(\"/hooks/edit\", stripeHook) }"},
	".rb":   {"KEY = ENV['EDIT_KEY']", "def callback; end", "post '/hooks/edit' do\nend"},
	".php":  {"$k = getenv('EDIT_KEY');", "function handle() {}", "Route::post('/hooks/edit', [HookController::class, 'handle']);"},
	".java": {"class Edit { String k = System.getenv(\"EDIT_KEY\"); }", "@PostMapping(\"/hooks/edit\") public void edit() {}"},
	".cs":   {"var k = Environment.GetEnvironmentVariable(\"EDIT_KEY\");", "app.MapPost(\"/hooks/edit\", () => 1);"},
	".env":  {"EDIT_KEY=1", "STRIPE_SECRET_KEY=sk_test_x"},
}

// TestAssembleEditsRandom: every fixture in one workspace (so services
// read each other's functions and constants), then chains of random edits
// of one to three code or env files — a snippet appended, the content of
// another file of the same kind, half the file, the original back — each
// analyzed incrementally. After each, the result must be exactly (order
// included) what assembling the same snapshot from scratch gives, and most
// builds must have taken the incremental path.
func TestAssembleEditsRandom(t *testing.T) {
	root := copyTree(t, fixtureDir)
	byExt := map[string][]string{}
	orig := map[string][]byte{}
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		ext := path.Ext(rel)
		if strings.HasPrefix(path.Base(rel), ".env") {
			ext = ".env"
		}
		if _, ok := editSnippets[ext]; !ok {
			return nil
		}
		f, _ := fileKind(rel)
		if f == kindSpring || f == kindManifest {
			return nil
		}
		b, _ := os.ReadFile(p)
		orig[rel] = b
		byExt[ext] = append(byExt[ext], rel)
		return nil
	})
	var exts []string
	for e := range byExt {
		exts = append(exts, e)
	}
	slices.Sort(exts)
	if len(exts) < 6 {
		t.Fatalf("only %d kinds of editable files in the fixtures", len(exts))
	}
	ctx := context.Background()
	a := New(Options{NoGoPackages: true})
	if _, err := a.Analyze(ctx, root, Request{}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	steps := 300
	if testing.Short() {
		steps = 80
	}
	for step := 0; step < steps; step++ {
		var changed []string
		for n := 1 + rng.IntN(3); n > 0; n-- {
			ext := exts[rng.IntN(len(exts))]
			rel := byExt[ext][rng.IntN(len(byExt[ext]))]
			p := filepath.Join(root, filepath.FromSlash(rel))
			cur, _ := os.ReadFile(p)
			var next []byte
			switch op := rng.IntN(4); op {
			case 0:
				sn := editSnippets[ext][rng.IntN(len(editSnippets[ext]))]
				next = append(append(slices.Clone(cur), '\n'), strings.ReplaceAll(sn, "EDIT", fmt.Sprintf("EDIT%d", rng.IntN(3)))+"\n"...)
			case 1:
				next = orig[byExt[ext][rng.IntN(len(byExt[ext]))]]
			case 2:
				lines := strings.SplitAfter(string(cur), "\n")
				next = []byte(strings.Join(lines[:len(lines)/2], ""))
			default:
				next = orig[rel]
			}
			if err := os.WriteFile(p, next, 0o644); err != nil {
				t.Fatal(err)
			}
			changed = append(changed, rel)
		}
		got, err := a.Analyze(ctx, root, Request{Changed: changed})
		if err != nil {
			t.Fatal(err)
		}
		want := a.assemble(a.published(root), newBuildCache())
		if d := cmp.Diff(cachedJSON(t, want), cachedJSON(t, got)); d != "" {
			t.Fatalf("step %d (%v): incremental assembly differs from a whole one (-whole +incremental):\n%s", step, changed, d)
		}
	}
	if n := a.editAssemblies.Load(); n < int64(steps)*3/4 {
		t.Errorf("%d of %d builds assembled incrementally, want most", n, steps)
	}
}
