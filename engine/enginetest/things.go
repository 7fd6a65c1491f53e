// Package enginetest holds fakes for engine tests: a generic in-memory
// resource type (Things) and secret stores. The Auth0 and Stripe fakes are
// providers/auth0/auth0test and providers/stripe/stripetest.
package enginetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/patchbay-dev/patchbay/engine"
)

// Things is a generic provider resource ("fake/thing") held in memory. A
// thing has a unique "name" and may name a "parent" that must exist when it
// is created and may not be deleted while children exist, so calls in the
// wrong order fail as they would at a real provider. Create yields a
// once-only secret "token".
type Things struct {
	ProviderName string
	// Idempotent makes Create honour idempotency keys (replay returns the
	// first answer, token included).
	Idempotent bool
	// Latency is added to every call, for benchmarks.
	Latency time.Duration

	mu     sync.Mutex
	seq    int
	objs   map[string]engine.State
	tokens map[string]string
	idem   map[string]engine.State
	faults []fault
	calls  []string
	// Inflight tracks concurrent calls to measure parallelism.
	inflight, maxInflight int
}

type fault struct {
	call string
	err  error
}

// NewThings returns an empty fake for provider "fake".
func NewThings() *Things {
	return &Things{ProviderName: "fake", objs: map[string]engine.State{}, tokens: map[string]string{}, idem: map[string]engine.State{}}
}

// ThrottleError is a 429 with Retry-After.
type ThrottleError struct{ After time.Duration }

func (e *ThrottleError) Error() string {
	return fmt.Sprintf("429 too many requests (retry after %s)", e.After)
}
func (e *ThrottleError) Retryable() bool             { return true }
func (e *ThrottleError) RetryAfter() time.Duration   { return e.After }
func (e *ThrottleError) Definitive() bool            { return false }
func (*Things) errorf(format string, a ...any) error { return &refusal{fmt.Sprintf(format, a...)} }

type refusal struct{ msg string }

func (e *refusal) Error() string    { return "400 " + e.msg }
func (e *refusal) Definitive() bool { return true }

// Fail queues err for the next call named call ("create", "read", "update",
// "delete", "lookup").
func (f *Things) Fail(call string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, fault{call, err})
}

func (f *Things) enter(ctx context.Context, call string) error {
	f.mu.Lock()
	f.calls = append(f.calls, call)
	f.inflight++
	if f.inflight > f.maxInflight {
		f.maxInflight = f.inflight
	}
	var err error
	for i, ft := range f.faults {
		if ft.call == call {
			err = ft.err
			f.faults = append(f.faults[:i], f.faults[i+1:]...)
			break
		}
	}
	latency := f.Latency
	f.mu.Unlock()
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-ctx.Done():
			t.Stop()
			f.leave()
			return ctx.Err()
		case <-t.C:
		}
	}
	if err != nil {
		f.leave()
	}
	return err
}

func (f *Things) leave() {
	f.mu.Lock()
	f.inflight--
	f.mu.Unlock()
}

// SetLatency changes Latency while calls may be running.
func (f *Things) SetLatency(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Latency = d
}

// MaxInflight reports the most calls seen at once.
func (f *Things) MaxInflight() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.maxInflight
}

// Calls returns the calls made so far.
func (f *Things) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// Objects returns the existing things by name.
func (f *Things) Objects() map[string]engine.State {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]engine.State{}
	for _, o := range f.objs {
		if _, dup := out[o.Props.Get("name")]; dup {
			// Two things with one name is exactly the duplicate bug tests
			// look for; make it visible.
			out[o.Props.Get("name")+"#dup-"+o.ID] = o
			continue
		}
		out[o.Props.Get("name")] = o
	}
	return out
}

// Count returns how many things exist.
func (f *Things) Count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.objs)
}

// Token returns the once-only secret of a thing (for test assertions).
func (f *Things) Token(id string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tokens[id]
}

// Seed creates a thing outside Patchbay (to test adoption).
func (f *Things) Seed(props engine.Props) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	id := fmt.Sprintf("thing_%d", f.seq)
	f.objs[id] = engine.State{ID: id, Props: props.Clone(), Outputs: map[string]string{"id": id}}
	f.tokens[id] = "seeded-" + id
	return id
}

func (f *Things) Provider() string { return f.ProviderName }
func (f *Things) Type() string     { return "thing" }
func (f *Things) Info() engine.TypeInfo {
	return engine.TypeInfo{Idempotent: f.Idempotent, Secrets: []string{"token"}}
}

func (f *Things) public(s engine.State) engine.State {
	return engine.State{ID: s.ID, Props: s.Props.Clone(), Outputs: map[string]string{"id": s.ID, "name": s.Props.Get("name")}}
}

func (f *Things) Read(ctx context.Context, _ engine.Credentials, id string) (engine.State, error) {
	if err := f.enter(ctx, "read"); err != nil {
		return engine.State{}, err
	}
	defer f.leave()
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.objs[id]
	if !ok {
		return engine.State{}, fmt.Errorf("thing %s: %w", id, engine.ErrGone)
	}
	return f.public(o), nil
}

func (f *Things) Lookup(ctx context.Context, _ engine.Credentials, desired engine.Props) ([]engine.State, error) {
	if err := f.enter(ctx, "lookup"); err != nil {
		return nil, err
	}
	defer f.leave()
	f.mu.Lock()
	defer f.mu.Unlock()
	ids := make([]string, 0, len(f.objs))
	for id := range f.objs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var out []engine.State
	for _, id := range ids {
		if f.objs[id].Props.Get("name") == desired.Get("name") {
			out = append(out, f.public(f.objs[id]))
		}
	}
	return out, nil
}

func randomToken() string {
	var b [12]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+: it crashes instead)
	return "tok_" + hex.EncodeToString(b[:])
}

func (f *Things) Create(ctx context.Context, _ engine.Credentials, desired engine.Props, key string) (engine.State, error) {
	if err := f.enter(ctx, "create"); err != nil {
		return engine.State{}, err
	}
	defer f.leave()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Idempotent && key != "" {
		if prev, ok := f.idem[key]; ok {
			return prev, nil
		}
	}
	if desired.Get("name") == "" {
		return engine.State{}, f.errorf("name is required")
	}
	if p := desired.Get("parent"); p != "" && !f.hasName(p) {
		return engine.State{}, f.errorf("parent %q does not exist (created out of order?)", p)
	}
	f.seq++
	id := fmt.Sprintf("thing_%d", f.seq)
	st := engine.State{ID: id, Props: desired.Clone()}
	f.objs[id] = st
	tok := randomToken()
	f.tokens[id] = tok
	out := f.public(st)
	out.Secrets = map[string]string{"token": tok}
	if f.Idempotent && key != "" {
		f.idem[key] = out
	}
	return out, nil
}

func (f *Things) hasName(n string) bool {
	for _, o := range f.objs {
		if o.Props.Get("name") == n {
			return true
		}
	}
	return false
}

func (f *Things) Update(ctx context.Context, _ engine.Credentials, id string, desired engine.Props) (engine.State, error) {
	if err := f.enter(ctx, "update"); err != nil {
		return engine.State{}, err
	}
	defer f.leave()
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.objs[id]
	if !ok {
		return engine.State{}, fmt.Errorf("thing %s: %w", id, engine.ErrGone)
	}
	// Replace semantics, like Auth0 arrays: what is not sent is dropped.
	o.Props = desired.Clone()
	f.objs[id] = o
	return f.public(o), nil
}

func (f *Things) Delete(ctx context.Context, _ engine.Credentials, id string) error {
	if err := f.enter(ctx, "delete"); err != nil {
		return err
	}
	defer f.leave()
	f.mu.Lock()
	defer f.mu.Unlock()
	o, ok := f.objs[id]
	if !ok {
		return nil
	}
	twins := 0
	for _, c := range f.objs {
		if c.Props.Get("name") == o.Props.Get("name") {
			twins++
		}
	}
	for _, c := range f.objs {
		// A replacement with the same name (a rotation) keeps children valid.
		if twins == 1 && c.Props.Get("parent") == o.Props.Get("name") {
			return f.errorf("thing %s still has child %s (deleted out of order?)", id, c.ID)
		}
	}
	delete(f.objs, id)
	return nil
}

// ErrNotThrottle is a non-retryable failure for fault injection.
var ErrNotThrottle = errors.New("boom")
