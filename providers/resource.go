package providers

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sort"
)

// This file is the resource contract: what a provider implements so that the
// engine can plan and apply its objects (in the manner of a Terraform
// resource). The engine holds no provider knowledge; it loops over the
// ResourceTypes the registry's providers declare.

// HTTPOptions point a provider's clients somewhere else than production
// (PATCHBAY_ENDPOINT_<KEY>, fakes in tests).
type HTTPOptions struct {
	BaseURL string
	Client  *http.Client
}

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

// NormList sorts and de-duplicates, dropping empty strings.
func NormList(v []string) []string {
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

// Matches reports whether observed has every property of desired, lists
// compared as sets (what a plan would show as no change).
func Matches(observed, desired Props) bool {
	_, differs := FirstDifference(observed, desired)
	return !differs
}

// FirstDifference returns the first property, in name order, whose
// desired value observed does not have.
func FirstDifference(observed, desired Props) (string, bool) {
	keys := make([]string, 0, len(desired))
	for k := range desired {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !slices.Equal(NormList(desired[k]), NormList(observed[k])) {
			return k, true
		}
	}
	return "", false
}
