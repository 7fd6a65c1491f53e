package analyzer

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/analyzer/treesitter"
)

// TestSymlinkOutsideRootIsNotFollowed: `ln -s /usr usrlink` once made a
// scan read 110,547 files from outside the workspace.
func TestSymlinkOutsideRootIsNotFollowed(t *testing.T) {
	t.Parallel()
	root, outside := t.TempDir(), t.TempDir()
	writeFiles(t, root, map[string]string{"app/main.py": "import os\nos.environ[\"INSIDE\"]\n"})
	writeFiles(t, outside, map[string]string{"lib/leak.py": "import os\nos.environ[\"OUTSIDE\"]\n", "one.py": "import os\nos.environ[\"OUTSIDE_FILE\"]\n"})
	for link, target := range map[string]string{
		"outlink":         outside,
		"app/filelink.py": filepath.Join(outside, "one.py"),
		"inlink":          filepath.Join(root, "app"), // inside: followed (once)
	} {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(link))); err != nil {
			t.Fatal(err)
		}
	}
	res, err := New(Options{}).Analyze(context.Background(), root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if p := f.GetLocation().GetPath(); strings.HasPrefix(p, "outlink") || p == "app/filelink.py" {
			t.Errorf("finding from outside the workspace: %s", p)
		}
	}
	for _, p := range []string{"outlink", "app/filelink.py"} {
		if d := diagFor(res, p); d == nil || !strings.Contains(d.Message, "outside the workspace") {
			t.Errorf("%s: diagnostic = %v, want one saying it points outside", p, d)
		}
	}
	if got := envNames(res, "app/main.py"); len(got) != 1 {
		t.Errorf("app/main.py env = %v", got)
	}
	// The same escape through an incremental update naming the path.
	a := New(Options{})
	if _, err := a.Analyze(context.Background(), root, Request{}); err != nil {
		t.Fatal(err)
	}
	res, err = a.Analyze(context.Background(), root, Request{Changed: []string{"outlink/lib/leak.py", "app/filelink.py"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := envNames(res, "outlink/lib/leak.py"); len(got) != 0 {
		t.Errorf("incremental update read through the symlink: %v", got)
	}
}

func TestSymlinkLoopIsCut(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"a/main.py": "import os\nos.environ[\"A\"]\n"})
	if err := os.Symlink(root, filepath.Join(root, "a", "loop")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("self", filepath.Join(root, "self")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := New(Options{}).Analyze(ctx, root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	if d := diagFor(res, "a/loop"); d == nil || !strings.Contains(d.Message, "loop") {
		t.Errorf("a/loop: diagnostic = %v", d)
	}
	if d := diagFor(res, "self"); d == nil || !strings.Contains(d.Message, "loop") {
		t.Errorf("self: diagnostic = %v", d)
	}
}

// TestLinkedDirectoryListedUnderItsOwnPath: a directory reachable directly
// and through a symlink that sorts before it (Vercel's build output has
// another.func -> index.func) is analyzed under its own path, and the link
// is reported, whichever directory the parallel walk reads first; many
// directories make the workers race.
func TestLinkedDirectoryListedUnderItsOwnPath(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	files := map[string]string{"z-real/app.py": "import os\nos.environ[\"LINKED\"]\n"}
	for i := 0; i < 200; i++ {
		files[fmt.Sprintf("d%03d/x.txt", i)] = "x"
	}
	writeFiles(t, root, files)
	if err := os.Symlink("z-real", filepath.Join(root, "a-link")); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		res, err := New(Options{NoGoPackages: true}).Analyze(context.Background(), root, Request{})
		if err != nil {
			t.Fatal(err)
		}
		var paths []string
		for _, f := range res.Findings {
			paths = append(paths, f.GetLocation().GetPath())
		}
		if !slices.Equal(paths, []string{"z-real/app.py"}) {
			t.Fatalf("findings at %v, want z-real/app.py only", paths)
		}
		if d := diagFor(res, "a-link"); d == nil || !strings.Contains(d.Message, "already visited") {
			t.Fatalf("a-link: diagnostic = %v", d)
		}
	}
}

// TestSpecialFilesAreSkippedWithDiagnostic: FIFOs (reading one blocks) and
// sockets are never read, and the scan says so.
func TestSpecialFilesAreSkippedWithDiagnostic(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"main.py": "import os\nos.environ[\"A\"]\n"})
	if err := syscall.Mkfifo(filepath.Join(root, "pipe.py"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", filepath.Join(root, "s.sock"))
	if err != nil {
		t.Skip("cannot make a socket here:", err)
	}
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := New(Options{}).Analyze(ctx, root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	if d := diagFor(res, "pipe.py"); d == nil || !strings.Contains(d.Message, "FIFO") {
		t.Errorf("pipe.py: diagnostic = %v", d)
	}
	if d := diagFor(res, "s.sock"); d == nil || !strings.Contains(d.Message, "socket") {
		t.Errorf("s.sock: diagnostic = %v", d)
	}
	// Named in an incremental update, the FIFO is still not opened.
	a := New(Options{})
	if _, err := a.Analyze(ctx, root, Request{}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Analyze(ctx, root, Request{Changed: []string{"pipe.py"}}); err != nil {
		t.Fatal(err)
	}
}

// TestTooDeepFileIsSkipped: a file nested past treesitter.MaxNesting is
// skipped with a diagnostic, at once.
func TestTooDeepFileIsSkipped(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	n := 50_000
	writeFiles(t, root, map[string]string{"deep.py": "import os\nx = " + strings.Repeat("(\n", n) + "os.environ[\"A\"]" + strings.Repeat(")\n", n) + "\n"})
	start := time.Now()
	res, err := New(Options{}).Analyze(context.Background(), root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
	if d := diagFor(res, "deep.py"); d == nil || d.Severity != "skipped" || !strings.Contains(d.Message, "nest") {
		t.Errorf("deep.py: diagnostic = %v", d)
	}
}

// TestCanceledAnalyzeStopsQuickly: a canceled Analyze returns within
// 100 ms even while its workers are deep inside slow files. Not parallel:
// it measures latency.
func TestCanceledAnalyzeStopsQuickly(t *testing.T) {
	root := t.TempDir()
	block := "x = " + strings.Repeat("(ENV[\"A\"] + ", treesitter.MaxNesting-2) + "ENV[\"A\"]" + strings.Repeat(")", treesitter.MaxNesting-2) + "\n"
	files := map[string]string{}
	for i := range 16 {
		files["lib/slow"+string(rune('a'+i))+".rb"] = strings.Repeat(block, 150)
	}
	// And what once ignored cancellation for minutes: 50,000 nested
	// parentheses, whose every level cost a walk from the root.
	for i := range 4 {
		files["deep"+string(rune('a'+i))+".py"] = "import os\nx = " + strings.Repeat("(\n", 50_000) + "os.environ[\"A\"]" + strings.Repeat(")\n", 50_000) + "\n"
	}
	writeFiles(t, root, files)
	a := New(Options{})
	// Best of three: a loaded 2-core machine can take the CPU away.
	var took []time.Duration
	for range 3 {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan time.Time, 1)
		go func() {
			_, _ = a.Analyze(ctx, root, Request{})
			done <- time.Now()
		}()
		time.Sleep(300 * time.Millisecond)
		canceled := time.Now()
		cancel()
		select {
		case end := <-done:
			if d := end.Sub(canceled); d > 100*time.Millisecond {
				took = append(took, d)
				continue
			}
			return
		case <-time.After(10 * time.Second):
			t.Fatal("Analyze ignored cancellation")
		}
	}
	t.Errorf("Analyze returned %v after cancel, want ≤ 100 ms", took)
}
