package vault_test

import (
	"errors"
	"os"
	"testing"

	"github.com/99designs/keyring"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/vault"
)

// TestSecretService runs against a real Secret Service. It needs a session
// bus with an unlocked gnome-keyring, which CI provides with:
//
//	apt-get install -y gnome-keyring dbus-x11
//	dbus-run-session -- sh -c 'echo patchbay | gnome-keyring-daemon --unlock --components=secrets >/dev/null &&
//	  PATCHBAY_TEST_SECRET_SERVICE=1 go test -run TestSecretService ./vault/'
func TestSecretService(t *testing.T) {
	if os.Getenv("PATCHBAY_TEST_SECRET_SERVICE") == "" {
		t.Skip("set PATCHBAY_TEST_SECRET_SERVICE=1 inside a dbus session with gnome-keyring to run")
	}
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
	if err := s.Delete("stripe", "sstest"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("stripe", "sstest"); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}
