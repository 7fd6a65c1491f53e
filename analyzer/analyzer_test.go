package analyzer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

func writeFiles(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func envNames(res *Result, path string) []string {
	var out []string
	for _, f := range res.Findings {
		if f.GetLocation().GetPath() == path && f.GetEnvVar() != nil {
			out = append(out, f.GetEnvVar().GetName())
		}
	}
	return out
}

func diagFor(res *Result, path string) *patchbayv1.Diagnostic {
	for _, d := range res.Diagnostics {
		if d.Path == path {
			return d
		}
	}
	return nil
}

func TestIncrementalAndOverlay(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"package.json": `{"dependencies": {"stripe": "1"}}`,
		"a.js":         "const k = process.env.A;\n",
		"b.js":         "const k = process.env.B;\n",
	})
	a := New(Options{})
	ctx := context.Background()
	res, err := a.Analyze(ctx, root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Stats.FilesReanalyzed; got != 3 {
		t.Fatalf("first analysis parsed %d files, want 3", got)
	}
	// Nothing changed: the snapshot is reused.
	res, _ = a.Analyze(ctx, root, Request{})
	if got := res.Stats.FilesReanalyzed; got != 0 {
		t.Fatalf("unchanged workspace re-parsed %d files", got)
	}
	// A saved file (named by the caller) is the only one re-parsed.
	writeFiles(t, root, map[string]string{"a.js": "const k = process.env.A2 || 'x';\n"})
	res, _ = a.Analyze(ctx, root, Request{Changed: []string{"a.js"}})
	if got := res.Stats.FilesReanalyzed; got != 1 {
		t.Fatalf("re-parsed %d files, want 1", got)
	}
	if got := envNames(res, "a.js"); len(got) != 1 || got[0] != "A2" {
		t.Fatalf("a.js env = %v", got)
	}
	if got := envNames(res, "b.js"); len(got) != 1 || got[0] != "B" {
		t.Fatalf("b.js env = %v (lost unchanged file)", got)
	}
	// An unsaved editor buffer overrides the disk.
	fs, err := a.SetOverlay(ctx, root, "b.js", []byte("const s = process.env.STRIPE_SECRET_KEY;\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].GetEnvVar().GetName() != "STRIPE_SECRET_KEY" || fs[0].GetProvider() != "stripe" {
		t.Fatalf("overlay findings = %v", fs)
	}
	// A new file that exists only in the editor.
	fs, _ = a.SetOverlay(ctx, root, "new.ts", []byte("const t = process.env.NEW;\n"))
	if len(fs) != 1 {
		t.Fatalf("overlay-only file findings = %v", fs)
	}
	// Clearing the overlay goes back to the disk content.
	fs, _ = a.SetOverlay(ctx, root, "b.js", nil)
	if len(fs) != 1 || fs[0].GetEnvVar().GetName() != "B" {
		t.Fatalf("after clearing overlay = %v", fs)
	}
	// A deleted file disappears.
	os.Remove(filepath.Join(root, "a.js"))
	res, _ = a.Analyze(ctx, root, Request{Changed: []string{"a.js"}})
	if got := envNames(res, "a.js"); len(got) != 0 {
		t.Fatalf("deleted file still has findings %v", got)
	}
	// A relative root is refused.
	if _, err := a.Analyze(ctx, "relative/dir", Request{}); err == nil {
		t.Fatal("relative root accepted")
	}
}

func TestRobustness(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	big := strings.Repeat("// padding\n", 200_000)
	writeFiles(t, root, map[string]string{
		"package.json":            `{"name": "r"}`,
		".gitignore":              "ignored/\n*.gen.js\n!keep.gen.js\n",
		"ignored/a.js":            "process.env.IGNORED\n",
		"x.gen.js":                "process.env.GENERATED\n",
		"keep.gen.js":             "process.env.KEPT\n",
		"node_modules/m/index.js": "process.env.DEP\n",
		"big.js":                  big + "process.env.BIG\n",
		"bin.js":                  "process.env.X\x00\x01",
		"bad-utf8.py":             "import os\nx = os.environ['GOOD']\ny = '\xff\xfe'\n",
		"broken.ts":               "const a = process.env.PARTIAL;\nconst = = ; {{{{",
		"deep.js":                 strings.Repeat("[", 100_000) + "process.env.DEEP" + strings.Repeat("]", 100_000),
		"bad.json/package.json":   "{not json",
		"lib/app.min.js":          "process.env.MIN",
	})
	// A symlink loop and a dangling link.
	if err := os.Symlink(root, filepath.Join(root, "loop")); err != nil {
		t.Fatal(err)
	}
	os.Symlink(filepath.Join(root, "missing"), filepath.Join(root, "dangling.js"))
	// An unreadable file (ignored when running as root, which can read it).
	writeFiles(t, root, map[string]string{"secret.js": "process.env.UNREADABLE\n"})
	os.Chmod(filepath.Join(root, "secret.js"), 0o000)

	a := New(Options{})
	done := make(chan struct{})
	var res *Result
	var err error
	go func() {
		defer close(done)
		res, err = a.Analyze(context.Background(), root, Request{})
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("analysis hung")
	}
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]bool{}
	for _, f := range res.Findings {
		if e := f.GetEnvVar(); e != nil {
			all[e.GetName()] = true
		}
	}
	for _, name := range []string{"IGNORED", "GENERATED", "DEP", "BIG", "X", "MIN"} {
		if all[name] {
			t.Errorf("%s should have been skipped", name)
		}
	}
	for _, name := range []string{"KEPT", "GOOD", "PARTIAL"} {
		if !all[name] {
			t.Errorf("%s missing from findings", name)
		}
	}
	for path, want := range map[string]string{
		"node_modules":          "skipped",
		"big.js":                "skipped",
		"bin.js":                "skipped",
		"broken.ts":             "error",
		"bad.json/package.json": "error",
		"lib/app.min.js":        "skipped",
		"loop":                  "skipped",
		"dangling.js":           "skipped",
	} {
		d := diagFor(res, path)
		if d == nil || d.Severity != want {
			t.Errorf("diagnostic for %s = %v, want severity %s", path, d, want)
		}
	}
}

func TestFileTimeout(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	var b strings.Builder
	for b.Len() < 900_000 {
		b.WriteString("a(b(c(d(e(f(g(h(process.env.X))))))));\n")
	}
	writeFiles(t, root, map[string]string{"slow.js": b.String()})
	a := New(Options{FileTimeout: time.Millisecond, MaxFileSize: 4 << 20})
	a.noLex = true // the file must reach the parser, whose time is bounded
	res, err := a.Analyze(context.Background(), root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	if d := diagFor(res, "slow.js"); d == nil || d.Severity != "timeout" {
		t.Fatalf("diagnostic = %v, want a timeout", d)
	}
}

func TestWatch(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"a.js": "process.env.A\n"})
	a := New(Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := a.Watch(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	first := <-ch
	if got := envNames(first.Result, "a.js"); len(got) != 1 {
		t.Fatalf("initial = %v", got)
	}
	writeFiles(t, root, map[string]string{"sub/b.py": "import os\nos.getenv('B')\n"})
	writeFiles(t, root, map[string]string{"a.js": "process.env.A2\n"})
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev := <-ch:
			if ev.Err != nil {
				t.Fatal(ev.Err)
			}
			if a2, b := envNames(ev.Result, "a.js"), envNames(ev.Result, "sub/b.py"); len(a2) == 1 && a2[0] == "A2" && len(b) == 1 {
				return
			}
		case <-deadline:
			t.Fatal("watch did not report the change")
		}
	}
}

// TestSavedFileReanalyzedAlone: in a 10,000-file workspace, a saved file the
// editor names is the only file read and parsed again, and its findings
// update while every other file's findings are kept. How long that takes is
// BenchmarkIncremental's business, not a test's.
func TestSavedFileReanalyzedAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 10,000-file workspace")
	}
	t.Parallel()
	root := t.TempDir()
	const n = 10_000
	files := map[string]string{"package.json": `{"dependencies": {"stripe": "1"}}`}
	for i := 0; i < n; i++ {
		files[fmt.Sprintf("src/m%03d/f%05d.js", i%100, i)] = fmt.Sprintf("import Stripe from 'stripe';\nconst v%d = process.env.VAR_%d;\n", i, i)
	}
	writeFiles(t, root, files)
	a := New(Options{})
	ctx := context.Background()
	res, err := a.Analyze(ctx, root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := a.reads.Load(), int64(n+1); got != want {
		t.Fatalf("cold scan read %d files, want %d", got, want)
	}
	if got, want := a.parses.Load(), int64(n); got != want {
		t.Fatalf("cold scan parsed %d files, want %d", got, want)
	}
	total := len(res.Findings)
	const saved = "src/m007/f00007.js"
	for i := 0; i < 3; i++ {
		reads, parses := a.reads.Load(), a.parses.Load()
		writeFiles(t, root, map[string]string{saved: fmt.Sprintf("import Stripe from 'stripe';\nconst x = process.env.CHANGED_%d;\n", i)})
		res, err := a.Analyze(ctx, root, Request{Changed: []string{saved}})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Stats.FilesReanalyzed; got != 1 {
			t.Fatalf("save %d: stats.files_reanalyzed = %d, want 1", i, got)
		}
		if got := a.reads.Load() - reads; got != 1 {
			t.Fatalf("save %d: %d files read, want 1", i, got)
		}
		if got := a.parses.Load() - parses; got != 1 {
			t.Fatalf("save %d: %d files parsed, want 1", i, got)
		}
		want := []string{fmt.Sprintf("CHANGED_%d", i)}
		if diff := cmp.Diff(want, envNames(res, saved)); diff != "" {
			t.Fatalf("save %d: env reads of the saved file (-want +got):\n%s", i, diff)
		}
		if diff := cmp.Diff([]string{"VAR_8"}, envNames(res, "src/m008/f00008.js")); diff != "" {
			t.Fatalf("save %d: an unchanged file's findings (-want +got):\n%s", i, diff)
		}
		// Still one import and one env read in the saved file.
		if got := len(res.Findings); got != total {
			t.Fatalf("save %d: %d findings, want %d", i, got, total)
		}
	}
}

// TestWebhookAcrossThreeFiles: the route is defined in routes/billing.js,
// mounted under /api/v1 in app.js and verified in lib/stripe.js.
func TestWebhookAcrossThreeFiles(t *testing.T) {
	t.Parallel()
	root, _ := filepath.Abs(filepath.Join(fixtureDir, "routes-js"))
	res, err := New(Options{}).Analyze(context.Background(), root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	var hooks []*patchbayv1.Finding
	for _, f := range res.Findings {
		if f.Kind == patchbayv1.FindingKind_WEBHOOK_HANDLER && f.Provider == "stripe" {
			hooks = append(hooks, f)
		}
	}
	if len(hooks) != 1 {
		t.Fatalf("stripe webhook handlers = %v", hooks)
	}
	w := hooks[0].GetWebhook()
	if hooks[0].GetLocation().GetPath() != "src/routes/billing.js" || w.GetRoute() != "/api/v1/webhooks/stripe" || w.GetMethod() != "POST" ||
		strings.Join(w.GetEvents(), ",") != "customer.subscription.updated,invoice.paid" || w.GetVerification() != "stripe.webhooks.constructEvent" {
		t.Fatalf("webhook = %v at %v", w, hooks[0].GetLocation())
	}
}

// TestGoPackagesFallback: a module go/packages cannot load (a requirement
// missing from the module cache, GOPROXY=off) gets a diagnostic on its
// go.mod, and its files are still analyzed with go/parser.
func TestGoPackagesFallback(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"go.mod":  "module example.com/broken\n\ngo 1.22\n\nrequire github.com/stripe/stripe-go/v82 v82.999.0\n",
		"main.go": "package main\n\nimport (\n\t\"os\"\n\n\t\"github.com/stripe/stripe-go/v82\"\n)\n\nfunc main() { _ = stripe.NewClient(os.Getenv(\"STRIPE_SECRET_KEY\")) }\n",
	})
	res, err := New(Options{}).Analyze(context.Background(), root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	if d := diagFor(res, "go.mod"); d == nil || d.Severity != "error" {
		t.Errorf("go.mod diagnostic = %v, want an error from go/packages", d)
	}
	var sdk, client bool
	for _, f := range res.Findings {
		if s := f.GetSdk(); s != nil && f.GetLocation().GetPath() == "main.go" {
			sdk = sdk || s.GetForm() == "import" && s.GetVersion() == "v82.999.0"
			client = client || s.GetForm() == "constructor"
		}
	}
	if !sdk || !client {
		t.Fatalf("findings without go/packages = %v", res.Findings)
	}
}

// TestMountedRoutes: prefixes that live away from the route (Koa router
// prefixes and routes(), Fastify register, Django include, a Flask
// blueprint registered in another module, chi Mount across Go packages)
// and event types read from the X-GitHub-Event header.
func TestMountedRoutes(t *testing.T) {
	t.Parallel()
	root, _ := filepath.Abs(filepath.Join(fixtureDir, "routes-mounts"))
	res, err := New(Options{NoGoPackages: true}).Analyze(context.Background(), root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	type hook struct{ Path, Provider, Method, Route, Events string }
	var got []hook
	for _, f := range res.Findings {
		if w := f.GetWebhook(); w != nil {
			got = append(got, hook{f.GetLocation().GetPath(), f.GetProvider(), w.GetMethod(), w.GetRoute(), strings.Join(w.GetEvents(), ",")})
		}
	}
	want := []hook{
		{"django/billing/views.py", "stripe", "", "/api/webhooks/stripe/", "invoice.payment_failed"},
		{"fastify/src/routes/billing.js", "stripe", "POST", "/api/v2/webhooks/stripe", "checkout.session.completed"},
		{"flask/app/billing.py", "stripe", "POST", "/api/billing/webhook", "customer.created"},
		{"gh/server.js", "github", "POST", "/github/events", "issues,pull_request,push"},
		{"gosvc/internal/api/routes.go", "github", "POST", "/api/github/webhook", "push,workflow_run"},
		{"koa/src/webhooks.js", "stripe", "POST", "/api/hooks/stripe", "invoice.paid"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("webhook handlers (-want +got):\n%s", diff)
	}
}

// TestOAuthLogoutAndOrigins: the express-openid-connect default callback
// carries the SDK's logout route, the app's explicit one under its mount
// prefix, the logout return URL, and the origins from baseURL and CORS.
func TestOAuthLogoutAndOrigins(t *testing.T) {
	t.Parallel()
	root, _ := filepath.Abs(filepath.Join(fixtureDir, "oauth-logout"))
	res, err := New(Options{NoGoPackages: true}).Analyze(context.Background(), root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	var got []*patchbayv1.OAuthCallback
	for _, f := range res.Findings {
		if cb := f.GetCallback(); cb != nil {
			got = append(got, cb)
		}
	}
	want := []*patchbayv1.OAuthCallback{{
		Route:        "/callback",
		LogoutRoutes: []string{"/account/sign-out", "/goodbye", "/logout"},
		Source:       "express-openid-connect default",
		Origins:      []string{"https://admin.example.com", "https://app.example.com"},
	}}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Fatalf("callbacks (-want +got):\n%s", diff)
	}
}

// TestCORSOriginsByStack: each stack's CORS allow-list, written literally,
// reaches the service's OAuth callback; wildcards, wildcard hosts and
// non-CORS settings do not.
func TestCORSOriginsByStack(t *testing.T) {
	t.Parallel()
	root, _ := filepath.Abs(filepath.Join(fixtureDir, "oauth-origins"))
	res, err := New(Options{NoGoPackages: true}).Analyze(context.Background(), root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, f := range res.Findings {
		if cb := f.GetCallback(); cb != nil {
			got[f.GetService()] = append(got[f.GetService()], cb.GetOrigins()...)
		}
	}
	tests := []struct {
		service string
		want    []string
	}{
		{"flask", []string{"https://admin.example.com:8443", "https://api-client.example.com", "https://app.example.com"}},
		{"fastapi", []string{"http://localhost:3000", "https://dashboard.example.com"}},
		{"django", []string{"https://portal.example.com", "https://portal.example.org"}},
		{"rails", []string{"https://shop.example.com", "https://shop.example.net"}},
		{"spring", []string{"https://profile.example.com", "https://profile.example.org", "https://single.example.com", "https://spa.example.com"}},
		{"aspnet", []string{"https://beta.spa.example.com", "https://spa.example.com"}},
		{"laravel", []string{"https://admin.store.example.com", "https://store.example.com"}},
		{"gochi", []string{"https://web.example.com"}},
		{"gogin", []string{"http://localhost:5173", "https://gin.example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.service, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, got[tt.service]); diff != "" {
				t.Errorf("origins (-want +got):\n%s", diff)
			}
		})
	}
}
