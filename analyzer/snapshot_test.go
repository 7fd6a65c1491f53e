package analyzer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/prototext"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// snapshotDigest renders everything a snapshot holds, the per-file states
// it shares with other snapshots included, so that a change to any of it
// after publication shows as a different digest.
func snapshotDigest(s *snapshot) string {
	var b strings.Builder
	fmt.Fprintf(&b, "root=%s seen=%d hint=%d rels=%q goMods=%d\n", s.root, s.seen, s.findingHint, s.rels, len(s.goMods))
	for _, rel := range s.rels {
		f := s.files[rel]
		fmt.Fprintf(&b, "file %+v\n", *f)
		if f.facts != nil {
			fmt.Fprintf(&b, " facts %+v\n", *f.facts)
		}
		if f.manifest != nil {
			fmt.Fprintf(&b, " manifest %+v\n", *f.manifest)
		}
		if f.overrides != nil {
			fmt.Fprintf(&b, " overrides %+v\n", *f.overrides)
		}
		if f.diag != nil {
			fmt.Fprintf(&b, " diag %s\n", prototext.Format(f.diag))
		}
	}
	for _, d := range s.walkDiag {
		fmt.Fprintf(&b, "walk %s\n", prototext.Format(d))
	}
	fmt.Fprintf(&b, "%s", resultDigest(s.result))
	if s.timings != nil {
		fmt.Fprintf(&b, "timings %+v\n", *s.timings)
	}
	return b.String()
}

func resultDigest(r *Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "result %s %s\n", r.Root, prototext.Format(r.Stats))
	for _, x := range r.Services {
		fmt.Fprintf(&b, "service %s\n", prototext.Format(x))
	}
	for _, x := range r.Findings {
		fmt.Fprintf(&b, "finding %s\n", prototext.Format(x))
	}
	for _, x := range r.Diagnostics {
		fmt.Fprintf(&b, "diagnostic %s\n", prototext.Format(x))
	}
	return b.String()
}

// TestPublishedSnapshotIsNeverModified: readers read the published
// snapshot while builds run (under -race any write to what they read is a
// reported race), and every snapshot, with the file states later builds
// share, is the same after the later builds as when it was published.
// The rebuilds change a manifest, which changes every file's service key:
// a findings cache kept on the shared file states would be rewritten.
func TestPublishedSnapshotIsNeverModified(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"package.json": `{"name":"shop","dependencies":{"stripe":"^14.0.0"}}`,
		"src/pay.js":   "const Stripe = require('stripe');\nconst stripe = new Stripe(process.env.STRIPE_SECRET_KEY);\n",
		"src/mail.js":  "const key = process.env.SENDGRID_API_KEY;\n",
		"src/hook.js":  "app.post('/webhooks/stripe', (req, res) => { stripe.webhooks.constructEvent(req.body, sig, secret); });\n",
		".env":         "STRIPE_SECRET_KEY=\nSENDGRID_API_KEY=\n",
	})
	a := New(Options{NoGoPackages: true, Workers: 2})
	ctx := context.Background()
	if _, err := a.Analyze(ctx, root, Request{}); err != nil {
		t.Fatal(err)
	}
	type published struct {
		s      *snapshot
		digest string
	}
	var snaps []published
	record := func() {
		s := a.published(root)
		snaps = append(snaps, published{s, snapshotDigest(s)})
	}
	record()

	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 2 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if r := a.Snapshot(root); r != nil {
					_ = resultDigest(r) // reads every finding, service and diagnostic
				}
				if tm := a.Timings(root); tm != nil {
					_ = fmt.Sprint(*tm)
				}
			}
		}()
	}
	for i := range 6 {
		manifest := fmt.Sprintf(`{"name":"shop%d","dependencies":{"stripe":"^14.0.%d","@sendgrid/mail":"^8.0.0"}}`, i, i)
		writeFiles(t, root, map[string]string{"package.json": manifest})
		if _, err := a.Analyze(ctx, root, Request{Changed: []string{"package.json"}}); err != nil {
			t.Fatal(err)
		}
		record()
		if i%2 == 0 {
			writeFiles(t, root, map[string]string{"src/mail.js": fmt.Sprintf("const key = process.env.SENDGRID_API_KEY_%d;\n", i)})
		}
		if _, err := a.Analyze(ctx, root, Request{}); err != nil {
			t.Fatal(err)
		}
		record()
	}
	close(stop)
	readers.Wait()
	for i, p := range snaps {
		if got := snapshotDigest(p.s); got != p.digest {
			t.Errorf("snapshot %d changed after it was published:\nbefore:\n%s\nafter:\n%s", i, p.digest, got)
		}
	}
	if first, last := snaps[0].s.result, snaps[len(snaps)-1].s.result; len(first.Findings) == len(last.Findings) {
		t.Errorf("the rebuilds changed nothing (%d findings both): the test did not exercise them", len(first.Findings))
	}
}

// TestReaderGetsPreviousSnapshotDuringBuild: while a build is held, the
// last published result and timings come back at once, and the held
// build's result replaces them when it finishes.
func TestReaderGetsPreviousSnapshotDuringBuild(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"package.json": `{"name":"shop","dependencies":{"stripe":"^14.0.0"}}`,
		"src/pay.js":   "const key = process.env.STRIPE_SECRET_KEY;\n",
	})
	a := New(Options{NoGoPackages: true})
	ctx := context.Background()
	if a.Snapshot(root) != nil {
		t.Fatal("a snapshot before the first analysis")
	}
	first, err := a.Analyze(ctx, root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	a.buildHook = func() {
		close(entered)
		<-release
	}
	writeFiles(t, root, map[string]string{"src/pay.js": "const key = process.env.STRIPE_API_KEY;\n"})
	built := make(chan *Result, 1)
	go func() {
		res, err := a.Analyze(ctx, root, Request{Changed: []string{"src/pay.js"}})
		if err != nil {
			t.Error(err)
		}
		built <- res
	}()
	<-entered

	read := make(chan *Result, 1)
	go func() {
		if a.Timings(root) == nil {
			t.Error("no timings while a build is held")
		}
		read <- a.Snapshot(root)
	}()
	select {
	case got := <-read:
		if got != first {
			t.Errorf("reader during the build got %p, want the previous result %p", got, first)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reader blocked by the build")
	}
	close(release)
	next := <-built
	if a.Snapshot(root) != next || next == first {
		t.Fatal("the finished build's result is not the published one")
	}
	if got := envNames(next, "src/pay.js"); len(got) != 1 || got[0] != "STRIPE_API_KEY" {
		t.Errorf("env after the build = %v", got)
	}
}

// TestOverlayReachesGoPackages: an editor overlay is what go/packages
// loads (packages.Config.Overlay), not the file on disk. On disk main.go
// imports nothing; the overlay imports the Stripe SDK, which is not in the
// module's go.mod, so the go command reports it: that diagnostic can only
// come from a load that saw the overlay.
func TestOverlayReachesGoPackages(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"go.mod":  "module example.com/ov\n\ngo 1.22\n",
		"main.go": "package main\n\nfunc main() {}\n",
	})
	a := New(Options{})
	ctx := context.Background()
	res, err := a.Analyze(ctx, root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	if d := diagFor(res, "go.mod"); d != nil {
		t.Fatalf("go.mod diagnostic on disk content: %v", d)
	}
	const sdk = "github.com/stripe/stripe-go/v82"
	unsaved := "package main\n\nimport (\n\t\"os\"\n\n\t\"" + sdk + "\"\n)\n\nfunc main() { _ = stripe.NewClient(os.Getenv(\"STRIPE_SECRET_KEY\")) }\n"
	findings, err := a.SetOverlay(ctx, root, "main.go", []byte(unsaved))
	if err != nil {
		t.Fatal(err)
	}
	var imported bool
	for _, f := range findings {
		imported = imported || f.Kind == patchbayv1.FindingKind_SDK_USAGE && f.GetSdk().GetPackage() == sdk
	}
	if !imported {
		t.Errorf("overlay findings = %v, want the Stripe SDK import", findings)
	}
	d := diagFor(a.Snapshot(root), "go.mod")
	if d == nil || !strings.Contains(d.Message, "go/packages") || !strings.Contains(d.Message, sdk) {
		t.Errorf("go.mod diagnostic = %v, want go/packages reporting the overlay's import of %s", d, sdk)
	}
	if _, err := a.SetOverlay(ctx, root, "main.go", nil); err != nil {
		t.Fatal(err)
	}
	if d := diagFor(a.Snapshot(root), "go.mod"); d != nil {
		t.Errorf("go.mod diagnostic after the overlay is cleared: %v", d)
	}
	if b, err := os.ReadFile(filepath.Join(root, "main.go")); err != nil || strings.Contains(string(b), sdk) {
		t.Errorf("main.go on disk changed: %q, %v", b, err)
	}
}

// TestManifestProblemIsDiagnostic: a package.json part that cannot be read
// is a diagnostic on the file, and its dependencies are still findings.
func TestManifestProblemIsDiagnostic(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"package.json": `{"name":"shop","workspaces":"packages/*","dependencies":{"stripe":"^14.0.0"}}`,
	})
	res, err := New(Options{NoGoPackages: true}).Analyze(context.Background(), root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	if d := diagFor(res, "package.json"); d == nil || d.Severity != "error" || !strings.Contains(d.Message, "workspaces") {
		t.Errorf("package.json diagnostic = %v, want the unreadable workspaces", d)
	}
	if len(res.Findings) != 1 || res.Findings[0].GetDependency().GetPackage() != "stripe" {
		t.Errorf("findings = %v, want the stripe dependency", res.Findings)
	}
	if res.Stats.FilesSkipped != 0 {
		t.Errorf("files skipped = %d: the manifest was analyzed", res.Stats.FilesSkipped)
	}
}
