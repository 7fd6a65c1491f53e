package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRunWatchRestartsOnEvents: `patchbay run --watch` with the poll an
// hour apart restarts its child within seconds of a rotation or a URL
// change made through the daemon's API (so only the event stream can have
// told it), and does not restart it when a value the child does not get
// changes: another service's secret, a value no code reads.
func TestRunWatchRestartsOnEvents(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a daemon")
	}
	home := shortHome(t)
	ws := filepath.Join(t.TempDir(), "app")
	files := map[string]string{
		"api/package.json": `{"name":"api","dependencies":{"express":"^4"}}`,
		"api/index.js": "const express = require(\"express\");\nconst app = express();\n" +
			"const secret = process.env.SESSION_SECRET;\napp.listen(process.env.PORT || 3000);\n",
		"web/package.json": `{"name":"web","dependencies":{"express":"^4"}}`,
		"web/index.js":     "const express = require(\"express\");\nconst app = express();\nconst s = process.env.JWT_SECRET;\napp.listen(3001);\n",
	}
	for name, body := range files {
		p := filepath.Join(ws, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "PATCHBAY_HOME="+home, "PATCHBAY_KEYRING_BACKEND=file", "PATCHBAY_KEYRING_PASSPHRASE=watch test")
	pb := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, patchbayBin(t), args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("patchbay %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	t.Cleanup(func() {
		cmd := exec.Command(patchbayBin(t), "daemon", "stop")
		cmd.Env = env
		_ = cmd.Run()
	})
	pb("env", "create", "local", "--workspace", ws, "--frontend-url", "http://localhost:3000")

	var logs syncBuffer
	run := exec.Command(patchbayBin(t), "run", "--workspace", ws, "--service", "api", "--watch", "--watch-interval", "1h", "--",
		"sh", "-c", `echo "child start SESSION_SECRET=$SESSION_SECRET PORT=$PORT JWT_SECRET=${JWT_SECRET:-unset}"; exec sleep 600`)
	run.Env, run.Stdout, run.Stderr = env, &logs, &logs
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- run.Wait() }()
	t.Cleanup(func() {
		_ = run.Process.Signal(syscall.SIGTERM)
		select {
		case <-stopped:
		case <-time.After(15 * time.Second):
			_ = run.Process.Kill()
		}
	})
	startLine := regexp.MustCompile(`child start SESSION_SECRET=(\S*) PORT=(\S*) JWT_SECRET=(\S*)`)
	starts := func() [][]string { return startLine.FindAllStringSubmatch(logs.String(), -1) }
	waitStarts := func(n int, within time.Duration) []string {
		t.Helper()
		for deadline := time.Now().Add(within); len(starts()) < n; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the child did not start %d times within %s:\n%s", n, within, logs.String())
			}
		}
		return starts()[n-1]
	}
	first := waitStarts(1, 30*time.Second)
	if first[1] == "" || first[2] != "3000" || first[3] != "unset" {
		t.Fatalf("first start: %q", first[0])
	}

	// Values the child does not get: the web service's secret, a value no
	// code reads. Both are events the run sees; neither restarts the child.
	pb("env", "rotate", "JWT_SECRET", "--workspace", ws, "--service", "web")
	pb("env", "set", "UNREAD_TOKEN", "--generate", "--workspace", ws, "--service", "api")
	time.Sleep(2 * time.Second) // an event-driven check takes milliseconds
	if n := len(starts()); n != 1 || strings.Contains(logs.String(), "restarting") {
		t.Fatalf("the child restarted for a value it does not get (%d starts):\n%s", n, logs.String())
	}

	// A rotation of its secret: restarted within seconds, with the new value.
	began := time.Now()
	pb("env", "rotate", "SESSION_SECRET", "--workspace", ws, "--service", "api")
	second := waitStarts(2, 10*time.Second)
	t.Logf("restarted %s after the rotation", time.Since(began).Round(time.Millisecond))
	if second[1] == first[1] || second[1] == "" || second[2] != "3000" {
		t.Errorf("after the rotation: %q (before: %q)", second[0], first[0])
	}
	if !strings.Contains(logs.String(), "patchbay: SESSION_SECRET changed; restarting sh") {
		t.Errorf("no restart notice naming only SESSION_SECRET:\n%s", logs.String())
	}

	// A URL change: PORT follows the environment's URL.
	pb("env", "set-url", "local", "--workspace", ws, "--frontend-url", "http://localhost:3400")
	third := waitStarts(3, 10*time.Second)
	if third[1] != second[1] || third[2] != "3400" {
		t.Errorf("after the URL change: %q", third[0])
	}
	if n := len(starts()); n != 3 || bytes.Count([]byte(logs.String()), []byte("restarting")) != 2 {
		t.Errorf("%d starts, want 3:\n%s", n, logs.String())
	}
}
