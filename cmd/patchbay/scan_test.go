package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// statsLine is the scan's statistics (time taken, files re-analyzed),
// which differ between runs of the same findings.
var statsLine = regexp.MustCompile(`(?m)^\s*"stats":.*$`)

// TestScanExample runs `patchbay scan --json` on the bundled example and
// checks the documented shape: services, findings with camelCase fields and
// enum names, the Stripe webhook with its events, the Auth0 callback.
func TestScanExample(t *testing.T) {
	cmd := newScanCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"--json", "--no-go-packages", "../../testdata/example"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	var res struct {
		Services []struct {
			Path, Language string
			Frameworks     []string
		}
		Findings []struct {
			Kind, Provider string
			Location       struct {
				Path      string
				StartLine int
			}
			EnvVar  *struct{ Name string }
			Webhook *struct {
				Route, Method string
				Events        []string
			}
			Callback *struct{ Route string }
		}
		Diagnostics []json.RawMessage
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if res.Diagnostics == nil {
		t.Error("diagnostics array missing")
	}
	if len(res.Services) != 2 {
		t.Fatalf("services = %+v", res.Services)
	}
	var hook, callback, env bool
	for _, f := range res.Findings {
		switch {
		case f.Kind == "WEBHOOK_HANDLER" && f.Provider == "stripe":
			hook = f.Webhook.Route == "/api/webhooks/stripe" && f.Webhook.Method == "POST" && len(f.Webhook.Events) == 3
		case f.Kind == "OAUTH_CALLBACK" && f.Provider == "auth0":
			callback = f.Callback.Route == "/auth/callback"
		case f.Kind == "ENV_REFERENCE" && f.EnvVar != nil && f.EnvVar.Name == "STRIPE_SECRET_KEY" && f.Location.StartLine > 0:
			env = true
		}
	}
	if !hook || !callback || !env {
		t.Fatalf("webhook %v, callback %v, env %v in\n%s", hook, callback, env, out.String())
	}
}

func TestScanHumanAndErrors(t *testing.T) {
	cmd := newScanCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"../../testdata/example"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"example-api", "stripe", "webhook POST /api/webhooks/stripe · 3 events"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("human output lacks %q:\n%s", want, out.String())
		}
	}
	cmd = newScanCmd()
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"/does/not/exist"})
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("missing dir: %v", err)
	}
}

// TestScanRoutes: --routes lists every route of each service with its
// full path (the router mounted under /api in server.js), method, where
// it is declared and how it was found; without it a count says they are
// there.
func TestScanRoutes(t *testing.T) {
	run := func(args ...string) string {
		cmd := newScanCmd()
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetArgs(append(args, "--no-go-packages", "../../testdata/example"))
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	out := run("--routes", "--explain")
	for _, want := range []string{
		"  routes\n",
		"POST    /api/webhooks/stripe",
		"api/src/webhooks.js:6",
		"mounted at api/src/server.js:6",
		"POST    /api/checkout",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("--routes output lacks %q:\n%s", want, out)
		}
	}
	if out := run(); strings.Contains(out, "  routes\n") || !strings.Contains(out, "routes (--routes lists them)") {
		t.Errorf("without --routes:\n%s", out)
	}
}

// TestScanDiskCache: a scan keeps its per-file cache under the Patchbay
// home (private), a second scan gives the same findings from it, and
// --no-cache neither reads nor writes one.
func TestScanDiskCache(t *testing.T) {
	home := t.TempDir()
	t.Setenv("PATCHBAY_HOME", home)
	run := func(args ...string) string {
		cmd := newScanCmd()
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetArgs(append(args, "--json", "--no-go-packages", "../../testdata/example"))
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	cacheFiles := func() []string {
		m, _ := filepath.Glob(filepath.Join(home, "cache", "analyzer", "*"))
		return m
	}
	cold := run("--no-cache")
	if n := len(cacheFiles()); n != 0 {
		t.Fatalf("--no-cache wrote %d cache files", n)
	}
	first := run()
	files := cacheFiles()
	if len(files) != 1 {
		t.Fatalf("cache files after a scan: %v", files)
	}
	if st, err := os.Stat(files[0]); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("cache file mode: %v %v", st.Mode(), err)
	}
	warm := run()
	strip := func(s string) string { return statsLine.ReplaceAllString(s, "") }
	if !strings.Contains(warm, `"findings"`) || strip(cold) != strip(first) || strip(first) != strip(warm) {
		t.Errorf("findings differ between cold, first and cached scans")
	}
}

// TestScanRenderCache: a re-scan of an unchanged tree prints the JSON kept
// from the previous scan of the same result (the root and stats fresh),
// byte for byte what rendering gives; the kept file is private; an edit
// renders again.
func TestScanRenderCache(t *testing.T) {
	home := t.TempDir()
	t.Setenv("PATCHBAY_HOME", home)
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS("../../testdata/example")); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		cmd := newScanCmd()
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetArgs(append(args, "--json", "--no-go-packages", root))
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	strip := func(s string) string { return statsLine.ReplaceAllString(s, "") }
	kept := func() string {
		m, _ := filepath.Glob(filepath.Join(home, "cache", "scan", "*.json"))
		if len(m) != 1 {
			return ""
		}
		if st, err := os.Stat(m[0]); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("kept JSON mode: %v %v", st.Mode(), err)
		}
		return m[0]
	}
	want := strip(run("--no-cache"))
	run()           // fills the analyzer's cache: an assembled result has no digest
	second := run() // the result from the disk cache: rendered and kept
	file := kept()
	if file == "" {
		t.Fatal("no JSON kept after a re-scan of an unchanged tree")
	}
	if strip(second) != want {
		t.Errorf("re-scan output differs from a --no-cache scan")
	}
	// The next re-scan prints the kept bytes: a marker put into them shows.
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	marked := bytes.Replace(b, []byte(`"findings": [`), []byte(`"findings": [ `), 1)
	if bytes.Equal(marked, b) {
		t.Fatal("kept JSON has no findings array")
	}
	if err := os.WriteFile(file, marked, 0o600); err != nil {
		t.Fatal(err)
	}
	if third := run(); !strings.Contains(third, `"findings": [ `) {
		t.Error("the re-scan rendered again instead of printing the kept JSON")
	}
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if fourth := run(); strip(fourth) != want {
		t.Errorf("output from the kept JSON differs from a --no-cache scan")
	}
	// An edit: the analyzer assembles a new result and scan renders it.
	f := filepath.Join(root, "api", "src", "server.js")
	if err := os.WriteFile(f, append(mustRead(t, f), "\nconst extra = process.env.RENDER_CACHE_EXTRA;\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := run(); !strings.Contains(out, "RENDER_CACHE_EXTRA") || strings.Contains(out, `"findings": [ `) {
		t.Error("after an edit the scan does not print the new finding")
	}
	if out := run(); !strings.Contains(out, "RENDER_CACHE_EXTRA") {
		t.Error("after an edit the re-scan prints the JSON kept from before it")
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHeapBoundFollowsTheLiveHeap: the scan's soft memory limit starts at
// its base, rises to half as much again as the live heap once the heap
// outgrows two thirds of it (so the collector does not run back to back),
// and is lifted when the scan is done.
func TestHeapBoundFollowsTheLiveHeap(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)
	stop := heapBound(8<<20, time.Millisecond)
	if got := debug.SetMemoryLimit(-1); got != 8<<20 {
		t.Fatalf("limit at start = %d, want the base %d", got, 8<<20)
	}
	var hold [][]byte
	for range 48 {
		hold = append(hold, make([]byte, 1<<20))
	}
	deadline := time.Now().Add(10 * time.Second)
	for debug.SetMemoryLimit(-1) < 48<<20 {
		if time.Now().After(deadline) {
			t.Fatalf("with %d MiB live the limit stayed at %d", len(hold), debug.SetMemoryLimit(-1))
		}
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
	if got := debug.SetMemoryLimit(-1); got > 48<<20*2 {
		t.Errorf("limit rose to %d for 48 MiB live, want about half as much again", got)
	}
	runtime.KeepAlive(hold)
	stop()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("limit after stop = %d, want none", got)
	}
}
