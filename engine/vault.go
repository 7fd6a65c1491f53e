package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/patchbay-dev/patchbay/vault"
)

// VaultCredentials reads provider credentials from the keyring vault.
type VaultCredentials struct{ Store *vault.Store }

// Credentials implements CredentialSource.
func (v VaultCredentials) Credentials(_ context.Context, provider, profile string) (Credentials, error) {
	p, err := v.Store.Get(provider, profile)
	if errors.Is(err, vault.ErrNotFound) {
		return nil, fmt.Errorf("%s profile %q: %w", provider, profile, ErrNoCredentials)
	}
	if err != nil {
		return nil, err
	}
	return Credentials(p.Values), nil
}

// VaultSecrets keeps provisioned secrets in the keyring vault.
type VaultSecrets struct{ Store *vault.Store }

// Put implements SecretStore.
func (v VaultSecrets) Put(_ context.Context, key, value string) error {
	return v.Store.PutSecret(key, value)
}

// Get implements SecretStore.
func (v VaultSecrets) Get(_ context.Context, key string) (string, error) {
	s, err := v.Store.GetSecret(key)
	if errors.Is(err, vault.ErrNotFound) {
		return "", fmt.Errorf("%s: %w", key, ErrSecretNotFound)
	}
	if errors.Is(err, vault.ErrDamaged) {
		// Not ErrSecretNotFound: the plan says it is unreadable, not gone.
		return "", fmt.Errorf("keyring item %s is damaged (unreadable): %w", key, ErrSecretDamaged)
	}
	return s, err
}

// Delete implements SecretStore.
func (v VaultSecrets) Delete(_ context.Context, key string) error { return v.Store.DeleteSecret(key) }
