package vault_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/99designs/keyring"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/catalog"
	"github.com/patchbay-dev/patchbay/vault"
)

// itemFile is the file keyring's file for a profile (the 99designs layout:
// the percent-encoded key).
func itemFile(home, provider, profile string) string {
	return filepath.Join(home, "keyring", "patchbay%2Fcred%2F"+provider+"%2F"+profile)
}

// TestFileKeyringWritesAreAtomic: a reader never sees a half-written item
// while another store rewrites it. With a plain os.WriteFile (truncate,
// then write) the reader keeps catching the empty file.
func TestFileKeyringWritesAreAtomic(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	w := fileStore(t, home, passphrase)
	r := fileStore(t, home, passphrase)
	p := vault.Profile{Provider: "stripe", Name: "default", Values: providers.Values{"secret_key": "sk_test_" + strings.Repeat("x", 4000)}}
	if err := w.Put(p); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := w.Put(p); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	deadline := time.Now().Add(1500 * time.Millisecond)
	reads := 0
	for time.Now().Before(deadline) {
		if _, err := r.Get("stripe", "default"); err != nil {
			close(stop)
			wg.Wait()
			t.Fatalf("read %d during rewrites: %v", reads, err)
		}
		reads++
	}
	close(stop)
	wg.Wait()
	ents, _ := os.ReadDir(filepath.Join(home, "keyring"))
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

// TestFileKeyringSurvivesSIGKILL kills a process that saves in a loop, many
// times, at random moments; every item must stay readable.
func TestFileKeyringSurvivesSIGKILL(t *testing.T) {
	if os.Getenv("PATCHBAY_VAULT_WRITER") != "" {
		return // the child's body is in TestMain-free helper below
	}
	t.Parallel()
	home := t.TempDir()
	_ = fileStore(t, home, passphrase)
	rounds := 30
	if testing.Short() {
		rounds = 10
	}
	for i := range rounds {
		cmd := exec.Command(os.Args[0], "-test.run=^TestVaultWriterChild$")
		cmd.Env = append(os.Environ(), "PATCHBAY_VAULT_WRITER="+home)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(20+i*7%60) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		s := fileStore(t, home, passphrase)
		list, err := s.List("")
		if err != nil {
			t.Fatalf("round %d: list: %v", i, err)
		}
		for _, p := range list {
			if p.Damaged {
				t.Fatalf("round %d: %s/%s damaged by a kill during a write", i, p.Provider, p.Name)
			}
		}
	}
}

// TestVaultWriterChild is the process TestFileKeyringSurvivesSIGKILL kills.
func TestVaultWriterChild(t *testing.T) {
	home := os.Getenv("PATCHBAY_VAULT_WRITER")
	if home == "" {
		t.Skip("helper process")
	}
	s := fileStore(t, home, passphrase)
	for i := 0; ; i++ {
		p := vault.Profile{Provider: "stripe", Name: fmt.Sprintf("p%d", i%4), Values: providers.Values{"secret_key": fmt.Sprintf("sk_test_%0400d", i)}}
		if err := s.Put(p); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDamagedItemNeverBreaksOthers: one 0-byte item (what a kill during a
// non-atomic write left) is listed as damaged with its fix, the others are
// listed normally, it can be deleted and saved over.
func TestDamagedItemNeverBreaksOthers(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	s := fileStore(t, home, passphrase)
	if err := s.Put(vault.Profile{Provider: "aws", Name: "default", Values: providers.Values{"access_key_id": "AKIAX"}}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(itemFile(home, "stripe", "default"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// A restarted daemon opens the keyring with the damaged item present.
	s = fileStore(t, home, passphrase)

	if _, err := s.Get("stripe", "default"); !errors.Is(err, vault.ErrDamaged) || errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("Get damaged: err = %v, want ErrDamaged (and not ErrNotFound)", err)
	} else if !strings.Contains(err.Error(), "patchbay creds delete stripe --profile default") {
		t.Errorf("error %q does not say how to fix it", err)
	}
	if p, err := s.Get("aws", "default"); err != nil || p.Values["access_key_id"] != "AKIAX" {
		t.Fatalf("Get other provider: %v, %v", p, err)
	}

	creds := vault.New(vault.Config{Store: s, Catalog: catalog.Get, All: catalog.All})
	ctx := context.Background()
	list, err := creds.List(ctx, "")
	if err != nil {
		t.Fatalf("List with a damaged item: %v", err)
	}
	var got []string
	for _, p := range list {
		got = append(got, fmt.Sprintf("%s/%s damaged=%v", p.Provider, p.Profile, p.Damaged))
		if p.Damaged {
			if p.LastCheck == nil || p.LastCheck.Status != providers.StatusMalformed ||
				!strings.HasPrefix(p.LastCheck.Summary, vault.DamagedSummary) || !strings.Contains(p.LastCheck.Fix, "creds delete stripe") {
				t.Errorf("damaged summary = %+v", p.LastCheck)
			}
		}
	}
	if want := "aws/default damaged=false stripe/default damaged=true"; strings.Join(got, " ") != want {
		t.Errorf("List = %v, want %s", got, want)
	}
	res, err := creds.Check(ctx, "stripe", "default", nil)
	if err != nil || res.Status != providers.StatusMalformed {
		t.Errorf("Check damaged = %+v, %v", res, err)
	}
	// The assistant's listing goes through the same path.
	var replies []string
	if err := creds.Assist(ctx, "what credentials do I have configured?", func(r vault.Reply) error { replies = append(replies, r.Text); return nil }); err != nil {
		t.Fatalf("ask with a damaged item: %v", err)
	}
	if len(replies) != 1 || !strings.Contains(replies[0], "damaged") || !strings.Contains(replies[0], "AKIA") && !strings.Contains(replies[0], "Amazon") && !strings.Contains(replies[0], "AWS") {
		t.Errorf("assistant listing = %q", replies)
	}

	if err := creds.Delete(ctx, "stripe", "default"); err != nil {
		t.Fatalf("delete damaged: %v", err)
	}
	if _, err := s.Get("stripe", "default"); !errors.Is(err, vault.ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}

	// A damaged item can also be saved over (creds set).
	if err := os.WriteFile(itemFile(home, "stripe", "default"), []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(vault.Profile{Provider: "stripe", Name: "default", Values: providers.Values{"secret_key": "sk_test_1"}}); err != nil {
		t.Fatal(err)
	}
	if p, err := s.Get("stripe", "default"); err != nil || p.Values["secret_key"] != "sk_test_1" {
		t.Errorf("after save over damaged: %v, %v", p, err)
	}
}

// TestTornCheckItem: a 0-byte passphrase-check item is not a wrong
// passphrase; it is written again.
func TestTornCheckItem(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	_ = fileStore(t, home, passphrase)
	if err := os.WriteFile(filepath.Join(home, "keyring", "patchbay%2Fkeyring-check"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_ = fileStore(t, home, passphrase)
	if _, err := vault.Open(vault.Options{Home: home, Backends: []keyring.BackendType{keyring.FileBackend}, Passphrase: "wrong", Getenv: func(string) string { return "" }}); !errors.Is(err, vault.ErrBadPassphrase) {
		t.Errorf("wrong passphrase after repair: %v", err)
	}
}

// TestDamagedSecretIsNotMissing: a provisioned secret whose item is broken
// is reported as damaged, never as not found.
func TestDamagedSecretIsNotMissing(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	s := fileStore(t, home, passphrase)
	if err := s.PutSecret("env_1/stripe/webhook_secret", "whsec_1"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "keyring", "patchbay%2Fsecret%2Fenv_1%2Fstripe%2Fwebhook_secret"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetSecret("env_1/stripe/webhook_secret"); !errors.Is(err, vault.ErrDamaged) || errors.Is(err, vault.ErrNotFound) {
		t.Errorf("GetSecret damaged: %v", err)
	}
	if err := s.DeleteSecret("env_1/stripe/webhook_secret"); err != nil {
		t.Errorf("DeleteSecret damaged: %v", err)
	}
}
