package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/internal/pgtest"
)

// patchbayBin builds the binary once per test run (or uses PATCHBAY_BIN,
// which make test sets to the binary it just built).
func patchbayBin(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("PATCHBAY_BIN"); p != "" {
		return p
	}
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "patchbay-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "patchbay")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = &buildError{out: string(out), err: err}
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// run runs the binary with a private home and returns stdout, stderr.
func run(t *testing.T, home string, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, patchbayBin(t), args...)
	cmd.Env = append(os.Environ(), "PATCHBAY_HOME="+home)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

func shortHome(t *testing.T) string {
	t.Helper()
	home, err := os.MkdirTemp("", "pb")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Stop a daemon a failed test may have left behind.
		if b, err := os.ReadFile(filepath.Join(home, "daemon.json")); err == nil {
			var info struct{ PID int }
			if json.Unmarshal(b, &info) == nil && info.PID > 0 {
				if p, err := os.FindProcess(info.PID); err == nil {
					_ = p.Kill()
				}
			}
		}
		os.RemoveAll(home)
	})
	return home
}

func TestVersion(t *testing.T) {
	out, _, err := run(t, shortHome(t), "version", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]string
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("version --json is not JSON: %v\n%s", err, out)
	}
	if v["version"] == "" || !strings.HasPrefix(v["go"], "go") {
		t.Errorf("version = %v", v)
	}
	if _, ok := v["daemon"]; ok {
		t.Errorf("version reports a daemon although none runs: %v", v)
	}
}

func TestAutoStartStatusStop(t *testing.T) {
	home := shortHome(t)
	if _, stderr, err := run(t, home, "daemon", "status"); err == nil || !strings.Contains(stderr, "not running") {
		t.Fatalf("status before start: err=%v stderr=%q, want 'not running' and a non-zero exit", err, stderr)
	}
	if _, stderr, err := run(t, home, "--no-start", "analyze", t.TempDir()); err == nil || !strings.Contains(stderr, "not running") {
		t.Fatalf("--no-start analyze: err=%v stderr=%q", err, stderr)
	}

	ws := t.TempDir()
	out, stderr, err := run(t, home, "analyze", "--json", ws)
	if err != nil {
		t.Fatalf("analyze (auto-start): %v\n%s", err, stderr)
	}
	if !strings.Contains(out, `"root"`) {
		t.Errorf("analyze --json output has no root: %s", out)
	}
	if _, err := os.Stat(filepath.Join(home, "daemon.json")); err != nil {
		t.Fatalf("auto-started daemon wrote no daemon.json: %v", err)
	}

	out, _, err = run(t, home, "daemon", "status")
	if err != nil || !strings.Contains(out, "running:") {
		t.Fatalf("status: %v\n%s", err, out)
	}
	out, _, err = run(t, home, "version")
	if err != nil || !strings.Contains(out, "(running)") {
		t.Errorf("version with a daemon: %v\n%s", err, out)
	}

	// A second daemon on the same home is refused with a clear message.
	_, stderr, err = run(t, home, "daemon")
	if err == nil || !strings.Contains(stderr, "already running") {
		t.Errorf("second daemon: err=%v stderr=%q", err, stderr)
	}

	out, _, err = run(t, home, "daemon", "stop")
	if err != nil || !strings.Contains(out, "stopped") {
		t.Fatalf("stop: %v\n%s", err, out)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(home, "daemon.json")); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("daemon.json still present after stop")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestDaemonStopsOnSIGTERM(t *testing.T) {
	home := shortHome(t)
	cmd := exec.Command(patchbayBin(t), "daemon", "--port", "0")
	cmd.Env = append(os.Environ(), "PATCHBAY_HOME="+home)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.Contains(line, "listening on 127.0.0.1:") {
		t.Fatalf("daemon banner = %q, %v", line, err)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("daemon exit after SIGINT: %v", err)
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("daemon did not stop on SIGINT")
	}
	if _, err := os.Stat(filepath.Join(home, "daemon.json")); !os.IsNotExist(err) {
		t.Errorf("daemon.json left after graceful stop: %v", err)
	}
}

func TestEventsStream(t *testing.T) {
	home := shortHome(t)
	if _, stderr, err := run(t, home, "analyze", t.TempDir()); err != nil {
		t.Fatalf("analyze: %v\n%s", err, stderr)
	}
	defer run(t, home, "daemon", "stop")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, patchbayBin(t), "events")
	cmd.Env = append(os.Environ(), "PATCHBAY_HOME="+home)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Snapshot *struct {
			Workspaces []struct{ Root string }
		}
	}
	if err := json.Unmarshal([]byte(line), &ev); err != nil || ev.Snapshot == nil {
		t.Fatalf("first event line = %q (%v), want a snapshot", line, err)
	}
	if len(ev.Snapshot.Workspaces) != 1 {
		t.Errorf("snapshot workspaces = %+v, want the one analyzed", ev.Snapshot.Workspaces)
	}
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	code := pgtest.Main(m) // m.Run, then stop PostgreSQL if a test started it
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}
