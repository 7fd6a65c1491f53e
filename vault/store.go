// Package vault keeps provider credentials and provisioned secrets in the OS
// keyring (github.com/99designs/keyring): the platform's own service where
// there is one (Secret Service, Keychain, Windows Credential Manager), an
// encrypted file under PATCHBAY_HOME with a passphrase where not. It also
// runs the credential domain on top: live checks before saving, masked
// listings, credential requests to the editor and the Netlify OAuth flow.
//
// Nothing this package returns, logs or wraps in an error carries a secret
// value; tests scan every output for the secrets they store.
package vault

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/99designs/keyring"

	"github.com/patchbay-dev/patchbay/providers"
)

// PassphraseEnv names the variable holding the file keyring's passphrase.
const PassphraseEnv = "PATCHBAY_KEYRING_PASSPHRASE"

const (
	credPrefix   = "patchbay/cred/"
	secretPrefix = "patchbay/secret/"
	// checkKey holds a fixed value so a passphrase can be verified before
	// any credential is written with it.
	checkKey = "patchbay/keyring-check"
)

// Options configure a Store.
type Options struct {
	// Home is the state directory; the file keyring lives in Home/keyring.
	Home string
	// Backends restricts the backends tried, in order. Nil means the OS
	// service where present, else the encrypted file.
	Backends []keyring.BackendType
	// Passphrase unlocks the file backend; empty falls back to
	// PATCHBAY_KEYRING_PASSPHRASE, else the store starts locked.
	Passphrase string
	// Collection is the Secret Service collection; "login" (the one
	// desktops unlock at login) by default, so no extra prompt appears.
	Collection string
	Getenv     func(string) string
	Logger     *slog.Logger
}

// Profile is one saved credential set.
type Profile struct {
	Provider  string                 `json:"provider"`
	Name      string                 `json:"profile"`
	Values    providers.Values       `json:"values"`
	UpdatedAt time.Time              `json:"updated_at"`
	LastCheck *providers.CheckResult `json:"last_check,omitempty"`
	// Damaged marks a listed profile whose keyring item cannot be read
	// (ErrDamaged); it has no values.
	Damaged bool `json:"-"`
}

// Store is the keyring. It is safe for concurrent use.
type Store struct {
	log     *slog.Logger
	backend string
	dir     string

	mu         sync.Mutex
	ring       keyring.Keyring
	passphrase string
}

// defaultBackends prefers the platform's own secret service. KeyCtl (lost
// at reboot), KWallet and pass are left out: they are rarely what a user
// of this machine expects to hold credentials.
var defaultBackends = []keyring.BackendType{
	keyring.SecretServiceBackend, keyring.KeychainBackend, keyring.WinCredBackend, keyring.FileBackend,
}

// Open opens the keyring. With the file backend and no passphrase the
// store opens locked: reads and writes fail with ErrLocked until Unlock.
func Open(opts Options) (*Store, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if opts.Collection == "" {
		opts.Collection = "login"
	}
	backends := opts.Backends
	if backends == nil {
		backends = defaultBackends
	}
	s := &Store{log: log, dir: filepath.Join(opts.Home, "keyring")}
	s.passphrase = opts.Passphrase
	if s.passphrase == "" {
		s.passphrase = getenv(PassphraseEnv)
	}
	if opts.Home == "" && contains(backends, keyring.FileBackend) {
		return nil, fmt.Errorf("vault: no home directory for the file keyring: %w", ErrInvalidArgument)
	}
	ring, err := keyring.Open(keyring.Config{
		AllowedBackends:         backends,
		ServiceName:             "patchbay",
		LibSecretCollectionName: opts.Collection,
		KeychainName:            "login",
		FileDir:                 s.dir,
		FilePasswordFunc:        s.filePassword,
	})
	if err != nil {
		return nil, fmt.Errorf("vault: no usable keyring backend (tried %v): %w", backends, err)
	}
	s.ring = ring
	s.backend = backendName(ring)
	if s.backend == string(keyring.FileBackend) {
		// Same files, written atomically (see fileRing).
		fr := newFileRing(s.dir, s.filePassword)
		if err := fr.ensureDir(); err != nil {
			return nil, fmt.Errorf("vault: file keyring: %w", err)
		}
		fr.removeStaleTemps(time.Now())
		s.ring = fr
	}
	if s.backend == string(keyring.FileBackend) && s.passphrase != "" {
		if err := s.verifyPassphrase(); err != nil {
			return nil, err
		}
	}
	log.Info("keyring opened", "backend", s.backend)
	return s, nil
}

func backendName(r keyring.Keyring) string {
	// keyring does not expose the chosen backend; the concrete types'
	// names tell it.
	t := fmt.Sprintf("%T", r)
	switch {
	case strings.Contains(t, "file"):
		return string(keyring.FileBackend)
	case strings.Contains(t, "secrets"):
		return string(keyring.SecretServiceBackend)
	case strings.Contains(t, "keychain"):
		return string(keyring.KeychainBackend)
	case strings.Contains(t, "wincred"):
		return string(keyring.WinCredBackend)
	}
	return t
}

// Backend names the backend in use ("secret-service", "file", ...).
func (s *Store) Backend() string { return s.backend }

// Locked reports whether the file keyring still needs its passphrase.
func (s *Store) Locked() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.backend == string(keyring.FileBackend) && s.passphrase == ""
}

// filePassword is called by the file backend; it never prompts on a
// terminal (the daemon has none), it fails with ErrLocked instead.
func (s *Store) filePassword(string) (string, error) {
	if s.passphrase == "" {
		return "", ErrLocked
	}
	return s.passphrase, nil
}

// Unlock sets the file keyring's passphrase after checking it against the
// keyring's check item (a fresh keyring accepts any non-empty passphrase
// and keeps it).
func (s *Store) Unlock(passphrase string) error {
	if s.backend != string(keyring.FileBackend) {
		return nil
	}
	if passphrase == "" {
		return fmt.Errorf("vault: empty passphrase: %w", ErrInvalidArgument)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.passphrase
	s.passphrase = passphrase
	// fileRing asks for the passphrase on every use, so the new one
	// counts at once.
	prev := s.ring
	s.ring = newFileRing(s.dir, s.filePassword)
	if err := s.verifyPassphraseLocked(); err != nil {
		s.passphrase, s.ring = old, prev
		return err
	}
	return nil
}

func (s *Store) verifyPassphrase() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.verifyPassphraseLocked()
}

func (s *Store) verifyPassphraseLocked() error {
	item, err := s.ring.Get(checkKey)
	switch {
	case errors.Is(err, keyring.ErrKeyNotFound), errors.Is(err, errTornItem):
		// A torn check item (cut off by a crash) says nothing about the
		// passphrase; it is written again.
		return s.ring.Set(keyring.Item{Key: checkKey, Data: []byte("patchbay"), Label: "Patchbay keyring check"})
	case err != nil:
		// jose reports a wrong passphrase as a decryption failure.
		return ErrBadPassphrase
	case string(item.Data) != "patchbay":
		return ErrBadPassphrase
	}
	return nil
}

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,62}$`)

// ValidName checks a provider id or profile name: lower-case letters,
// digits, '.', '_' and '-', so keys and file names stay unambiguous.
func ValidName(kind, name string) error {
	if !namePattern.MatchString(name) {
		return fmt.Errorf("vault: %s name %q must be lower-case letters, digits, '.', '_' or '-': %w", kind, name, ErrInvalidArgument)
	}
	return nil
}

// credKey names a profile's item; an empty profile is the default one, so
// callers that pass "" (engine, gateway) find what the CLI saved.
func credKey(provider, profile string) string {
	if profile == "" {
		profile = DefaultProfile
	}
	return credPrefix + provider + "/" + profile
}

func (s *Store) keyringErr(op string, err error) error {
	if errors.Is(err, ErrLocked) {
		return ErrLocked
	}
	if errors.Is(err, keyring.ErrKeyNotFound) {
		return ErrNotFound
	}
	if errors.Is(err, errDamagedItem) {
		return fmt.Errorf("vault: keyring %s: %w (%v)", op, ErrDamaged, err)
	}
	// Backend errors carry D-Bus or file paths, never values.
	return fmt.Errorf("vault: keyring %s failed: %w", op, err)
}

func (s *Store) ready() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.backend == string(keyring.FileBackend) && s.passphrase == "" {
		return ErrLocked
	}
	return nil
}

// Get returns a profile, or ErrNotFound.
func (s *Store) Get(provider, profile string) (Profile, error) {
	if err := s.ready(); err != nil {
		return Profile{}, err
	}
	s.mu.Lock()
	item, err := s.ring.Get(credKey(provider, profile))
	s.mu.Unlock()
	if errors.Is(err, errDamagedItem) {
		return Profile{}, damagedProfileErr(provider, profile)
	}
	if err != nil {
		return Profile{}, s.keyringErr("read", err)
	}
	var p Profile
	if err := json.Unmarshal(item.Data, &p); err != nil {
		return Profile{}, damagedProfileErr(provider, profile)
	}
	return p, nil
}

// damagedProfileErr names the damaged profile and how to fix it.
func damagedProfileErr(provider, profile string) error {
	return fmt.Errorf("vault: stored credentials %s/%s: %w; %s", provider, profileName(profile), ErrDamaged, DamagedFix(provider, profile))
}

// DamagedFix is what to do about a damaged profile.
func DamagedFix(provider, profile string) string {
	return fmt.Sprintf("delete them with `patchbay creds delete %s --profile %s` and save them again with `patchbay creds set %s --profile %s`",
		provider, profileName(profile), provider, profileName(profile))
}

// Put stores a profile, replacing any previous one.
func (s *Store) Put(p Profile) error {
	if err := ValidName("provider", p.Provider); err != nil {
		return err
	}
	p.Name = profileName(p.Name)
	if err := ValidName("profile", p.Name); err != nil {
		return err
	}
	if err := s.ready(); err != nil {
		return err
	}
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := credKey(p.Provider, p.Name)
	if err := s.removeBeforeSet(key); err != nil {
		return s.keyringErr("replace", err)
	}
	err = s.ring.Set(keyring.Item{Key: key, Data: data, Label: key,
		Description: "Patchbay credentials for " + p.Provider + " (" + p.Name + ")"})
	if err != nil {
		return s.keyringErr("write", err)
	}
	return nil
}

// removeBeforeSet: the Secret Service backend adds rather than replaces
// items with the same label in some daemons; removing first keeps one item
// per key. The file ring replaces atomically, and removing first would
// open a window in which a crash loses the item.
func (s *Store) removeBeforeSet(key string) error {
	if _, atomic := s.ring.(*fileRing); atomic {
		return nil
	}
	if err := s.ring.Remove(key); err != nil && !errors.Is(err, keyring.ErrKeyNotFound) && !os.IsNotExist(err) {
		return err
	}
	return nil
}

// Delete removes a profile, damaged or not; ErrNotFound when there is none.
func (s *Store) Delete(provider, profile string) error {
	if err := s.ready(); err != nil {
		return err
	}
	if _, err := s.Get(provider, profile); err != nil && !errors.Is(err, ErrDamaged) {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ring.Remove(credKey(provider, profile)); err != nil {
		return s.keyringErr("delete", err)
	}
	return nil
}

// List returns the profiles of provider (all providers when empty),
// sorted by provider then name.
func (s *Store) List(provider string) ([]Profile, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	keys, err := s.ring.Keys()
	s.mu.Unlock()
	if err != nil {
		return nil, s.keyringErr("list", err)
	}
	var out []Profile
	seen := map[string]bool{}
	for _, k := range keys {
		rest, ok := strings.CutPrefix(k, credPrefix)
		if !ok || seen[k] {
			continue
		}
		seen[k] = true
		prov, name, ok := strings.Cut(rest, "/")
		if !ok || (provider != "" && prov != provider) {
			continue
		}
		p, err := s.Get(prov, name)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if errors.Is(err, ErrDamaged) {
			// One broken item must not hide (or break) the others.
			s.log.Warn("damaged keyring item", "provider", prov, "profile", name)
			p = Profile{Provider: prov, Name: name, Damaged: true}
		} else if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Provider != out[j].Provider {
			return out[i].Provider < out[j].Provider
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// PutSecret stores a provisioned secret (a webhook signing secret, ...).
func (s *Store) PutSecret(name, value string) error {
	if name == "" {
		return fmt.Errorf("vault: empty secret name: %w", ErrInvalidArgument)
	}
	if err := s.ready(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.removeBeforeSet(secretPrefix + name)
	if err := s.ring.Set(keyring.Item{Key: secretPrefix + name, Data: []byte(value), Label: secretPrefix + name}); err != nil {
		return s.keyringErr("write", err)
	}
	return nil
}

// GetSecret returns a stored secret, or ErrNotFound.
func (s *Store) GetSecret(name string) (string, error) {
	if err := s.ready(); err != nil {
		return "", err
	}
	s.mu.Lock()
	item, err := s.ring.Get(secretPrefix + name)
	s.mu.Unlock()
	if err != nil {
		return "", s.keyringErr("read secret "+name, err)
	}
	return string(item.Data), nil
}

// DeleteSecret removes a stored secret; a missing one is not an error.
func (s *Store) DeleteSecret(name string) error {
	if err := s.ready(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ring.Remove(secretPrefix + name); err != nil && !errors.Is(err, keyring.ErrKeyNotFound) && !os.IsNotExist(err) {
		return s.keyringErr("delete", err)
	}
	return nil
}

func contains[T comparable](list []T, x T) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}
