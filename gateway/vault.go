package gateway

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

// VaultSource is the part of the credential vault (vault.Credentials) the
// gateway uses: a profile's values, and a live check of a saved profile
// (values nil).
type VaultSource interface {
	Values(ctx context.Context, provider, profile string) (providers.Values, error)
	Check(ctx context.Context, provider, profile string, values providers.Values) (providers.CheckResult, error)
}

// VaultSecrets is the vault's provisioned-secret store (vault.Store).
type VaultSecrets interface {
	PutSecret(name, value string) error
	GetSecret(name string) (string, error)
	DeleteSecret(name string) error
}

// FromVault adapts the vault: credentials (notFound is the vault's
// missing-profile sentinel, mapped to ErrNoCredentials), a checker that
// runs the provider's live validation, and the keyring for trigger secrets.
func FromVault(src VaultSource, secrets VaultSecrets, notFound error) (Credentials, ConnectionChecker, SecretStore) {
	return vaultCreds{src, notFound}, vaultChecker{src}, vaultSecretStore{secrets, notFound}
}

type vaultCreds struct {
	src      VaultSource
	notFound error
}

func (v vaultCreds) Get(ctx context.Context, provider, profile string) (map[string]string, error) {
	vals, err := v.src.Values(ctx, provider, profile)
	if v.notFound != nil && errors.Is(err, v.notFound) {
		return nil, fmt.Errorf("%s/%s: %w", provider, profile, ErrNoCredentials)
	}
	if err != nil {
		return nil, err
	}
	return vals.Clone(), nil
}

type vaultChecker struct{ src VaultSource }

// Check turns the provider's diagnosis into the refusal reason: summary,
// missing permissions and the fix, all free of secrets by the provider
// packages' contract.
func (v vaultChecker) Check(ctx context.Context, provider, profile string) (bool, string, error) {
	res, err := v.src.Check(ctx, provider, profile, nil)
	if err != nil {
		return false, "", err
	}
	if res.OK() {
		return true, "", nil
	}
	parts := []string{res.Status.String()}
	if res.Summary != "" {
		parts = append(parts, strings.TrimSuffix(res.Summary, "."))
	}
	if len(res.MissingPermissions) > 0 {
		parts = append(parts, "missing permissions: "+strings.Join(res.MissingPermissions, ", "))
	}
	if res.Fix != "" {
		parts = append(parts, "fix: "+strings.TrimSuffix(res.Fix, "."))
	}
	return false, strings.Join(parts, "; "), nil
}

type vaultSecretStore struct {
	s        VaultSecrets
	notFound error
}

func (v vaultSecretStore) Put(_ context.Context, name, value string) error {
	return v.s.PutSecret(name, value)
}

func (v vaultSecretStore) Get(_ context.Context, name string) (string, error) {
	s, err := v.s.GetSecret(name)
	if v.notFound != nil && errors.Is(err, v.notFound) {
		return "", fmt.Errorf("secret %q: %w", name, ErrNotFound)
	}
	return s, err
}

func (v vaultSecretStore) Delete(_ context.Context, name string) error { return v.s.DeleteSecret(name) }
