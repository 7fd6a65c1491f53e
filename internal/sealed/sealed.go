// Package sealed is envelope encryption for secrets kept in a shared state
// database, with Tink (github.com/tink-crypto/tink-go/v2): every value is
// encrypted with its own fresh AES-256-GCM data key, and that data key is
// encrypted with the key-encryption key from a keyset file. The row
// stores only the wrapped data key and the ciphertext; the keyset file
// stays on the machines (or the server) allowed to read secrets.
package sealed

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/insecurecleartextkeyset"
	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// KeysetEnv names the keyset file a daemon seals secrets with.
const KeysetEnv = "PATCHBAY_KEYSET_FILE"

// CreateKeyset writes a new AES-256-GCM key-encryption keyset to path
// (JSON, mode 0600). It refuses to overwrite an existing file: losing the
// keyset loses every secret sealed with it.
func CreateKeyset(path string) error {
	h, err := keyset.NewHandle(aead.AES256GCMKeyTemplate())
	if err != nil {
		return fmt.Errorf("sealed: new keyset: %w", err)
	}
	var buf bytes.Buffer
	if err := insecurecleartextkeyset.Write(h, keyset.NewJSONWriter(&buf)); err != nil {
		return fmt.Errorf("sealed: encode keyset: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("sealed: %w", err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Open returns the envelope AEAD of the keyset at path.
func Open(path string) (tink.AEAD, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sealed: keyset: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("sealed: keyset %s is readable by others (mode %o); chmod 600 it", path, fi.Mode().Perm())
	}
	h, err := insecurecleartextkeyset.Read(keyset.NewJSONReader(f))
	if err != nil {
		return nil, fmt.Errorf("sealed: keyset %s: %w", path, err)
	}
	kek, err := aead.New(h)
	if err != nil {
		return nil, fmt.Errorf("sealed: keyset %s: %w", path, err)
	}
	return aead.NewKMSEnvelopeAEAD2(aead.AES256GCMKeyTemplate(), kek), nil
}
