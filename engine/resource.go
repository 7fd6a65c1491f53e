package engine

import (
	"context"
	"errors"
	"fmt"
	"github.com/patchbay-dev/patchbay/providers"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// The resource contract is the providers' (providers/resource.go); these
// names keep the engine's API as it was.
type (
	Props         = providers.Props
	Key           = providers.Key
	State         = providers.State
	Credentials   = providers.Credentials
	TypeInfo      = providers.TypeInfo
	ResourceType  = providers.ResourceType
	SecretRotator = providers.SecretRotator
	HTTPOptions   = providers.HTTPOptions
)

// ErrGone is returned by Read for an object that does not exist.
var ErrGone = providers.ErrGone

func normList(v []string) []string { return providers.NormList(v) }

// CredentialSource gives the engine provider credentials; the daemon backs
// it with the vault.
type CredentialSource interface {
	Credentials(ctx context.Context, provider, profile string) (Credentials, error)
}

// ErrNoCredentials is what a CredentialSource returns (wrapped) when no
// credentials are saved for the provider profile. Plan then skips that
// provider's resources with a warning instead of failing as a whole.
var ErrNoCredentials = errors.New("no credentials saved")

// CredentialFunc adapts a function to CredentialSource.
type CredentialFunc func(ctx context.Context, provider, profile string) (Credentials, error)

// Credentials calls f.
func (f CredentialFunc) Credentials(ctx context.Context, provider, profile string) (Credentials, error) {
	return f(ctx, provider, profile)
}

// SecretStore keeps provisioned secrets (the keyring vault in the daemon).
type SecretStore interface {
	Put(ctx context.Context, key, value string) error
	// Get returns ErrSecretNotFound when the key holds nothing.
	Get(ctx context.Context, key string) (string, error)
	Delete(ctx context.Context, key string) error
}

// ErrSecretNotFound is what SecretStore.Get returns for a missing key.
var ErrSecretNotFound = errors.New("secret not found")

// ErrSecretDamaged is what SecretStore.Get returns for a key whose item
// exists but cannot be read; plans name it instead of calling it lost.
var ErrSecretDamaged = errors.New("secret is damaged")

// MemorySecrets is an in-memory SecretStore for tests and dry runs.
type MemorySecrets struct {
	mu sync.Mutex
	m  map[string]string
}

// NewMemorySecrets returns an empty store.
func NewMemorySecrets() *MemorySecrets { return &MemorySecrets{m: map[string]string{}} }

func (m *MemorySecrets) Put(_ context.Context, key, value string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[key] = value
	return nil
}

func (m *MemorySecrets) Get(_ context.Context, key string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[key]
	if !ok {
		return "", fmt.Errorf("%s: %w", key, ErrSecretNotFound)
	}
	return v, nil
}

func (m *MemorySecrets) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, key)
	return nil
}

// Keys lists the stored keys, sorted.
func (m *MemorySecrets) Keys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for k := range m.m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// secretKey names a resource's secret in the SecretStore. It uses the
// environment id, not its name, so renaming or re-creating an environment
// never picks up another one's secrets.
func secretKey(envID string, k Key, secret string) string {
	return strings.Join([]string{"patchbay", envID, k.Provider, k.Type, k.Name, secret}, "/")
}

// retryable reports whether err is worth retrying and how long the provider
// asked to wait (0: use backoff). Provider clients mark their errors with
// Retryable() and RetryAfter() methods, so the engine needs no provider
// imports to decide.
func retryable(err error) (bool, time.Duration) {
	var r interface{ Retryable() bool }
	if !errors.As(err, &r) || !r.Retryable() {
		return false, 0
	}
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) {
		return true, ra.RetryAfter()
	}
	return true, 0
}

// definitive reports whether a failed create certainly made nothing at the
// provider (a 4xx answer), as opposed to an outcome we cannot know (timeout,
// 5xx, cancellation).
func definitive(err error) bool {
	var d interface{ Definitive() bool }
	return errors.As(err, &d) && d.Definitive()
}

// lookupOne calls Lookup and returns the first match that is not one of
// the excluded ids (an object being retired by a rotation).
func lookupOne(ctx context.Context, t ResourceType, c Credentials, desired Props, exclude ...string) (State, bool, error) {
	matches, err := t.Lookup(ctx, c, desired)
	if err != nil {
		return State{}, false, err
	}
	for _, m := range matches {
		if !slices.Contains(exclude, m.ID) {
			return m, true, nil
		}
	}
	return State{}, false, nil
}

// effectiveProps is what to send to the provider: desired, plus, for shared
// lists, the entries present at the provider that Patchbay never managed.
func effectiveProps(info TypeInfo, desired, observed, managed Props) Props {
	out := desired.Clone()
	for _, k := range info.SharedLists {
		if _, ok := desired[k]; !ok {
			continue
		}
		keep := slices.Clone(desired[k])
		for _, v := range observed[k] {
			if !slices.Contains(managed[k], v) {
				keep = append(keep, v)
			}
		}
		out[k] = normList(keep)
	}
	return out
}

// unionProps merges b's list entries into a, for recording a superset of
// managed values while a change is in flight.
func unionProps(a, b Props) Props {
	out := a.Clone()
	for k, v := range b {
		out[k] = normList(append(slices.Clone(out[k]), v...))
	}
	return out
}
