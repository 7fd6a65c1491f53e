package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/patchbay-dev/patchbay/store"
)

// Sealer is envelope encryption (internal/sealed's Tink AEAD): the
// associated data binds a ciphertext to the secret's name, so a row copied
// under another name does not decrypt.
type Sealer interface {
	Encrypt(plaintext, associatedData []byte) ([]byte, error)
	Decrypt(ciphertext, associatedData []byte) ([]byte, error)
}

// SealedSecrets keeps provisioned secrets in the (shared) state database,
// sealed: every daemon with the keyset reads what any of them provisioned,
// and the database holds ciphertext only.
type SealedSecrets struct {
	Store  *store.Store
	Sealer Sealer
}

// Put implements SecretStore.
func (s SealedSecrets) Put(ctx context.Context, key, value string) error {
	ct, err := s.Sealer.Encrypt([]byte(value), []byte(key))
	if err != nil {
		return fmt.Errorf("seal secret %s: %w", key, err)
	}
	return s.Store.PutSealedSecret(ctx, key, ct)
}

// Get implements SecretStore.
func (s SealedSecrets) Get(ctx context.Context, key string) (string, error) {
	ct, err := s.Store.GetSealedSecret(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return "", ErrSecretNotFound
	}
	if err != nil {
		return "", err
	}
	pt, err := s.Sealer.Decrypt(ct, []byte(key))
	if err != nil {
		// Another keyset, or a damaged row: say so rather than "lost".
		return "", fmt.Errorf("secret %s does not open with this keyset: %w", key, ErrSecretDamaged)
	}
	return string(pt), nil
}

// Delete implements SecretStore.
func (s SealedSecrets) Delete(ctx context.Context, key string) error {
	return s.Store.DeleteSealedSecret(ctx, key)
}
