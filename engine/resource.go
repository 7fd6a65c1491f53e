package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Props are a resource's configurable properties. Every value is a list so
// that one shape covers scalars (one element) and arrays; lists are compared
// as sets (order and duplicates ignored) because none of the provider arrays
// Patchbay manages is ordered.
type Props map[string][]string

// Get returns a scalar property ("" when absent).
func (p Props) Get(k string) string {
	if v := p[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// Clone returns a deep copy.
func (p Props) Clone() Props {
	out := make(Props, len(p))
	for k, v := range p {
		out[k] = slices.Clone(v)
	}
	return out
}

// normList sorts and de-duplicates, dropping empty strings.
func normList(v []string) []string {
	out := make([]string, 0, len(v))
	for _, s := range v {
		if s != "" {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// Key identifies a resource inside an environment.
type Key struct {
	Provider string `json:"provider"`
	Type     string `json:"type"`
	Name     string `json:"name"`
}

func (k Key) String() string { return k.Provider + "/" + k.Type + "/" + k.Name }

// State is what a provider reports about one object.
type State struct {
	// ID is the provider's id ("we_123", a client_id).
	ID    string
	Props Props
	// Outputs are non-secret values worth injecting (client_id, domain).
	Outputs map[string]string
	// Secrets are values that must go to the secret store, never to the
	// database, logs or errors. Once-only secrets appear only in the result
	// of Create (or of a replay of it with the same idempotency key).
	Secrets map[string]string
}

// Credentials are one provider profile's credential fields, as the vault
// holds them ("secret_key" for Stripe; "domain", "client_id",
// "client_secret" for Auth0).
type Credentials map[string]string

// TypeInfo describes a resource type's contract.
type TypeInfo struct {
	// Idempotent types accept an idempotency key on Create, and a replay of
	// the same key returns the original object (with its once-only secrets).
	// Other types are looked up by natural key before any create.
	Idempotent bool
	// Secrets lists the secret names the type yields.
	Secrets []string
	// SecretsReadable is true when Read returns the secrets again (Auth0
	// client_secret with read:client_keys); otherwise a lost secret can only
	// be replaced by rotation.
	SecretsReadable bool
	// SharedLists are list properties other parties may also fill (an
	// application's callbacks): entries Patchbay did not put there are kept
	// on update; only Patchbay's own stale entries are removed.
	SharedLists []string
	// Immutable are properties the provider cannot change on an existing
	// object (a Stripe price's amount): a change replaces the object, the
	// way a lost secret is rotated: create new, re-inject, remove old.
	Immutable []string
	// ReplaceReason explains such a replacement in the plan.
	ReplaceReason string
}

// ResourceType is one kind of object at a provider, in the manner of a
// Terraform resource: plan only reads, every call is safe to repeat.
type ResourceType interface {
	Provider() string
	Type() string
	Info() TypeInfo
	// Read returns the object with the given provider id, or ErrGone.
	Read(ctx context.Context, c Credentials, id string) (State, error)
	// Lookup lists the existing objects that match desired by natural key
	// (name, URL), oldest first, for adoption and for resuming an unrecorded
	// create.
	Lookup(ctx context.Context, c Credentials, desired Props) ([]State, error)
	// Create makes a new object. idempotencyKey is empty for types that do
	// not support one.
	Create(ctx context.Context, c Credentials, desired Props, idempotencyKey string) (State, error)
	// Update makes the object match desired, sending whole lists.
	Update(ctx context.Context, c Credentials, id string, desired Props) (State, error)
	// Delete removes the object; an object that is already gone is success.
	Delete(ctx context.Context, c Credentials, id string) error
}

// SecretRotator is implemented by types whose provider can replace a secret
// in place (Auth0 rotate-secret). Others are rotated by creating a new
// object, re-injecting and deleting the old one.
type SecretRotator interface {
	RotateSecret(ctx context.Context, c Credentials, id string) (State, error)
}

// ErrGone is returned by Read for an object that does not exist.
var ErrGone = errors.New("object does not exist at the provider")

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
