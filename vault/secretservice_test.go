package vault_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/99designs/keyring"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/vault"
)

// insideEnv marks the re-executed test process that runs inside its own
// D-Bus session with an unlocked gnome-keyring.
const insideEnv = "PATCHBAY_TEST_SECRET_SERVICE"

// TestSecretService runs the store against a real Secret Service. The
// keyring package looks for the session bus when the process starts, so the
// test re-executes itself under dbus-run-session with gnome-keyring
// (Debian: apt-get install -y gnome-keyring dbus-daemon). Without those it
// skips, or fails when PATCHBAY_REQUIRE_TOOLS is set (make test).
func TestSecretService(t *testing.T) {
	if os.Getenv(insideEnv) != "" {
		secretServiceRoundTrip(t)
		return
	}
	for _, tool := range []string{"dbus-run-session", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("PATCHBAY_REQUIRE_TOOLS") != "" {
				t.Fatalf("%s not found (apt-get install -y gnome-keyring dbus-daemon)", tool)
			}
			t.Skipf("%s not found (apt-get install -y gnome-keyring dbus-daemon)", tool)
		}
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// A throwaway HOME keeps the login keyring gnome-keyring creates out of
	// the user's own.
	home := t.TempDir()
	cmd := exec.CommandContext(ctx, "dbus-run-session", "--", "sh", "-c",
		`echo patchbay-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$0" -test.run '^TestSecretService$' -test.v`, exe)
	cmd.Env = append(os.Environ(), insideEnv+"=1", "HOME="+home, "XDG_DATA_HOME="+home+"/data", "XDG_RUNTIME_DIR="+home)
	out, err := cmd.CombinedOutput()
	t.Logf("secret service run:\n%s", out)
	if err != nil {
		t.Fatalf("Secret Service test failed: %v", err)
	}
}

func secretServiceRoundTrip(t *testing.T) {
	s, err := vault.Open(vault.Options{Backends: []keyring.BackendType{keyring.SecretServiceBackend}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Backend() != "secret-service" {
		t.Fatalf("backend = %q", s.Backend())
	}
	p := vault.Profile{Provider: "stripe", Name: "sstest", Values: providers.Values{"secret_key": "sk_test_secretservice000000"}}
	if err := s.Put(p); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Delete("stripe", "sstest") })
	// Writing twice keeps one item.
	if err := s.Put(p); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get("stripe", "sstest")
	if err != nil || got.Values["secret_key"] != p.Values["secret_key"] {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	list, err := s.List("stripe")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, x := range list {
		if x.Name == "sstest" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("List has %d sstest profiles, want 1", n)
	}
	if err := s.PutSecret("whsec/test", "whsec_abc"); err != nil {
		t.Fatal(err)
	}
	if v, err := s.GetSecret("whsec/test"); err != nil || v != "whsec_abc" {
		t.Fatalf("GetSecret = %q, %v", v, err)
	}
	if err := s.Delete("stripe", "sstest"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("stripe", "sstest"); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}
