package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSIGTERMDuringSlowAnalyze: the daemon exits within 1 s of SIGTERM even
// while an Analyze is busy with pathological files (it once kept a core
// busy for minutes after being asked to stop).
func TestSIGTERMDuringSlowAnalyze(t *testing.T) {
	home := shortHome(t)
	ws := t.TempDir()
	block := "x = " + strings.Repeat("(ENV[\"A\"] + ", 120) + "ENV[\"A\"]" + strings.Repeat(")", 120) + "\n"
	for i := range 8 {
		if err := os.WriteFile(filepath.Join(ws, "slow"+string(rune('a'+i))+".rb"), []byte(strings.Repeat(block, 200)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	deep := "import os\nx = " + strings.Repeat("(\n", 50_000) + "os.environ[\"A\"]" + strings.Repeat(")\n", 50_000)
	if err := os.WriteFile(filepath.Join(ws, "deep.py"), []byte(deep), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(patchbayBin(t), "daemon")
	cmd.Env = append(os.Environ(), "PATCHBAY_HOME="+home, "PATCHBAY_KEYRING_BACKEND=file", "PATCHBAY_KEYRING_PASSPHRASE=sigterm test")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() { _ = cmd.Process.Kill() }()
	sock := filepath.Join(home, "daemon.sock")
	for deadline := time.Now().Add(15 * time.Second); ; {
		if _, err := os.Stat(filepath.Join(home, "daemon.json")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("daemon did not start:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", sock)
	}}}
	go func() {
		resp, err := hc.Post("http://localhost/patchbay.v1.WorkspaceService/Analyze", "application/json", strings.NewReader(`{"root":"`+ws+`"}`))
		if err == nil {
			resp.Body.Close()
		}
	}()
	time.Sleep(500 * time.Millisecond) // the Analyze is deep in the files now
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		if d := time.Since(sent); d > time.Second {
			t.Errorf("daemon exited %v after SIGTERM, want ≤ 1 s", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("daemon still running 10 s after SIGTERM\n%s", stderr.String())
	}
}
