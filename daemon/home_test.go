package daemon

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestPrepareHomeTightensAnExistingHome: a PATCHBAY_HOME that existed 0755
// with 0644 files is made 0700/0600 at start, and later files are private
// whatever the umask. Not parallel: the umask is process-wide.
func TestPrepareHomeTightensAnExistingHome(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	home := filepath.Join(t.TempDir(), "home")
	if err := os.MkdirAll(filepath.Join(home, "keyring"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"state.db-wal", "daemon.log", "keyring/item"} {
		if err := os.WriteFile(filepath.Join(home, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	outside := filepath.Join(t.TempDir(), "other")
	if err := os.WriteFile(outside, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(home, "link")); err != nil {
		t.Fatal(err)
	}
	if err := PrepareHome(home); err != nil {
		t.Fatal(err)
	}
	if cur := syscall.Umask(0o022); cur != 0o077 {
		t.Errorf("umask after PrepareHome = %o, want 077 (files created later must be private)", cur)
	}
	want := map[string]os.FileMode{".": 0o700, "keyring": 0o700, "state.db-wal": 0o600, "daemon.log": 0o600, "keyring/item": 0o600}
	for f, m := range want {
		fi, err := os.Stat(filepath.Join(home, f))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != m {
			t.Errorf("%s is %o, want %o", f, fi.Mode().Perm(), m)
		}
	}
	if fi, _ := os.Stat(outside); fi.Mode().Perm() != 0o644 {
		t.Errorf("a symlink's target outside the home was changed to %o", fi.Mode().Perm())
	}
}
