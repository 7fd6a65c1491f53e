package daemon_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// grpcurlPath finds the grpcurl the Makefile installs into .bin/, or one on
// PATH. Set PATCHBAY_REQUIRE_TOOLS=1 (make test does) to fail instead of
// skipping when it is missing.
func grpcurlPath(t *testing.T) string {
	t.Helper()
	if p, err := filepath.Abs(filepath.Join("..", ".bin", "grpcurl")); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("grpcurl"); err == nil {
		return p
	}
	if os.Getenv("PATCHBAY_REQUIRE_TOOLS") != "" {
		t.Fatal("grpcurl not found in .bin/ or PATH; run `make tools`")
	}
	t.Skip("grpcurl not installed; run `make tools`")
	return ""
}

func TestGrpcurl(t *testing.T) {
	grpcurl := grpcurlPath(t)
	info := startDaemon(t)
	auth := "Authorization: Bearer " + info.Token
	run := func(args ...string) (string, error) {
		out, err := exec.Command(grpcurl, args...).CombinedOutput()
		return string(out), err
	}

	out, err := run("-plaintext", "-H", auth, info.Address, "list")
	if err != nil {
		t.Fatalf("grpcurl list: %v\n%s", err, out)
	}
	for _, svc := range []string{"patchbay.v1.DaemonService", "patchbay.v1.WorkspaceService", "patchbay.v1.CredentialService", "grpc.health.v1.Health"} {
		if !strings.Contains(out, svc) {
			t.Errorf("grpcurl list does not show %s:\n%s", svc, out)
		}
	}

	out, err = run("-plaintext", "-H", auth, info.Address, "describe", "patchbay.v1.DaemonService")
	if err != nil || !strings.Contains(out, "rpc WatchEvents") {
		t.Errorf("grpcurl describe: %v\n%s", err, out)
	}

	out, err = run("-plaintext", "-H", auth, "-d", "{}", info.Address, "patchbay.v1.DaemonService/Version")
	if err != nil || !strings.Contains(out, `"api": "patchbay.v1"`) {
		t.Errorf("grpcurl Version: %v\n%s", err, out)
	}

	out, err = run("-plaintext", "-H", auth, info.Address, "grpc.health.v1.Health/Check")
	if err != nil || !strings.Contains(out, "SERVING") {
		t.Errorf("grpcurl health: %v\n%s", err, out)
	}

	out, err = run("-plaintext", info.Address, "list")
	if err == nil || !strings.Contains(out, "Unauthenticated") {
		t.Errorf("grpcurl list without token should be refused as Unauthenticated: %v\n%s", err, out)
	}
}
