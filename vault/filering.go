package vault

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/99designs/keyring"
	jose "github.com/dvsekhvalnov/jose2go"
	"github.com/mtibben/percent"
)

// fileRing is the encrypted file keyring. It reads and writes exactly what
// 99designs/keyring's file backend does (one JWE file per item, named by
// the percent-encoded key, PBES2-HS256+A128KW / A256GCM with the
// passphrase), so existing keyrings keep working, but it writes each item
// atomically: a temporary file in the same directory, fsync, rename over
// the item, fsync of the directory. The upstream backend writes with a
// plain os.WriteFile, which a crash or SIGKILL can cut off and leave a
// 0-byte item behind.
//
// An item that exists but cannot be read (empty, truncated, not a JWE,
// encrypted with another passphrase, not an item) is reported as
// errDamagedItem, never as a missing item, so callers can tell "the
// secret is gone" from "the keyring file is broken" and say which.
type fileRing struct {
	dir      string
	password func(string) (string, error)
}

// tempPrefix starts the names of files being written; Keys skips them (a
// crash can leave one behind) and no item name starts with '.'.
const tempPrefix = ".tmp-"

// errDamagedItem is a file item that cannot be read; errTornItem one that
// is empty or cut off (a write that a crash interrupted, before writes
// were atomic), which no passphrase could open.
var (
	errDamagedItem = errors.New("keyring item is damaged")
	errTornItem    = fmt.Errorf("%w: empty or truncated", errDamagedItem)
)

func newFileRing(dir string, password func(string) (string, error)) *fileRing {
	return &fileRing{dir: dir, password: password}
}

func (k *fileRing) ensureDir() error {
	if k.dir == "" {
		return errors.New("no directory for the file keyring")
	}
	if err := os.MkdirAll(k.dir, 0o700); err != nil {
		return err
	}
	// The folder may have existed with a looser mode (or been made under a
	// permissive umask): items are encrypted, but their names say which
	// providers are configured.
	return os.Chmod(k.dir, 0o700)
}

func (k *fileRing) filename(key string) string {
	return filepath.Join(k.dir, percent.Encode(key, "/"))
}

func (k *fileRing) pass() (string, error) {
	p, err := k.password("Enter passphrase to unlock " + k.dir)
	if err != nil {
		return "", err
	}
	return p, nil
}

// Get implements keyring.Keyring.
func (k *fileRing) Get(key string) (keyring.Item, error) {
	b, err := os.ReadFile(k.filename(key))
	if errors.Is(err, os.ErrNotExist) {
		return keyring.Item{}, keyring.ErrKeyNotFound
	}
	if err != nil {
		return keyring.Item{}, err
	}
	pass, err := k.pass()
	if err != nil {
		return keyring.Item{}, err
	}
	if len(b) == 0 || strings.Count(string(b), ".") != 4 {
		return keyring.Item{}, fmt.Errorf("%w: %s", errTornItem, filepath.Base(k.filename(key)))
	}
	payload, _, err := jose.Decode(string(b), pass)
	if err != nil {
		return keyring.Item{}, fmt.Errorf("%w: %s cannot be decrypted with the keyring's passphrase", errDamagedItem, filepath.Base(k.filename(key)))
	}
	var item keyring.Item
	if err := json.Unmarshal([]byte(payload), &item); err != nil {
		return keyring.Item{}, fmt.Errorf("%w: %s does not hold a keyring item", errDamagedItem, filepath.Base(k.filename(key)))
	}
	return item, nil
}

// GetMetadata implements keyring.Keyring.
func (k *fileRing) GetMetadata(key string) (keyring.Metadata, error) {
	fi, err := os.Stat(k.filename(key))
	if errors.Is(err, os.ErrNotExist) {
		return keyring.Metadata{}, keyring.ErrKeyNotFound
	}
	if err != nil {
		return keyring.Metadata{}, err
	}
	return keyring.Metadata{ModificationTime: fi.ModTime()}, nil
}

// Set implements keyring.Keyring: the item is replaced atomically.
func (k *fileRing) Set(item keyring.Item) error {
	b, err := json.Marshal(item)
	if err != nil {
		return err
	}
	pass, err := k.pass()
	if err != nil {
		return err
	}
	token, err := jose.Encrypt(string(b), jose.PBES2_HS256_A128KW, jose.A256GCM, pass,
		jose.Headers(map[string]any{"created": time.Now().String()}))
	if err != nil {
		return err
	}
	if err := k.ensureDir(); err != nil {
		return err
	}
	return writeFileAtomic(k.filename(item.Key), []byte(token))
}

// Remove implements keyring.Keyring; the removal is made durable.
func (k *fileRing) Remove(key string) error {
	if err := os.Remove(k.filename(key)); err != nil {
		return err
	}
	return syncDir(k.dir)
}

// removeStaleTemps deletes temporary files a crash left behind; young ones
// may belong to a write in progress in another process.
func (k *fileRing) removeStaleTemps(now time.Time) {
	ents, err := os.ReadDir(k.dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), tempPrefix) {
			continue
		}
		if fi, err := e.Info(); err == nil && now.Sub(fi.ModTime()) > time.Minute {
			os.Remove(filepath.Join(k.dir, e.Name()))
		}
	}
}

// Keys implements keyring.Keyring.
func (k *fileRing) Keys() ([]string, error) {
	ents, err := os.ReadDir(k.dir)
	if errors.Is(err, os.ErrNotExist) {
		return []string{}, nil
	}
	if err != nil {
		return nil, err
	}
	keys := []string{}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") || !e.Type().IsRegular() {
			continue
		}
		keys = append(keys, percent.Decode(e.Name()))
	}
	return keys, nil
}

// writeFileAtomic replaces path with data, mode 0600: the new content is
// complete on disk before it takes the old one's name, and the rename is
// made durable, so a crash at any point leaves either the old item or the
// new one, never a torn one.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	ok = true
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}
