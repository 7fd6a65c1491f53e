package gateway

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// Idempotency keys make RunAction retries safe for every provider, not only
// those (Stripe) that honour an Idempotency-Key themselves: the first
// successful output is remembered for idemTTL and replayed to a retry with
// the same key and input; the same key with a different input is refused,
// as Stripe does. Failures are not remembered, so a retry re-runs them.
// Concurrent calls with one key wait for the first instead of racing it.
const (
	idemTTL     = 24 * time.Hour
	idemMaxKeys = 10000
)

type idemEntry struct {
	inputHash [32]byte
	done      chan struct{}
	out       map[string]any
	ok        bool
	at        time.Time
}

type idemCache struct {
	mu  sync.Mutex
	now func() time.Time
	m   map[string]*idemEntry
}

func newIdemCache(now func() time.Time) *idemCache {
	return &idemCache{now: now, m: map[string]*idemEntry{}}
}

func hashInput(in map[string]any) [32]byte {
	b, _ := json.Marshal(in) // map keys are sorted, so equal inputs hash equally
	return sha256.Sum256(b)
}

// begin returns a replayed output (replay true), or an entry the caller
// owns and must finish.
func (c *idemCache) begin(key string, in map[string]any) (out map[string]any, replay bool, own *idemEntry, err error) {
	h := hashInput(in)
	for {
		c.mu.Lock()
		now := c.now()
		e := c.m[key]
		if e != nil && e.ok && now.Sub(e.at) > idemTTL {
			delete(c.m, key)
			e = nil
		}
		if e == nil {
			if len(c.m) >= idemMaxKeys {
				c.evict(now)
			}
			e = &idemEntry{inputHash: h, done: make(chan struct{})}
			c.m[key] = e
			c.mu.Unlock()
			return nil, false, e, nil
		}
		c.mu.Unlock()
		if e.inputHash != h {
			return nil, false, nil, fmt.Errorf("%w: idempotency key was already used with a different input", ErrInvalidArgument)
		}
		<-e.done
		if e.ok {
			return e.out, true, nil, nil
		}
		// The first call failed and released the key; try to own it.
	}
}

// finish records the owner's result; a failure frees the key.
func (c *idemCache) finish(key string, e *idemEntry, out map[string]any, ok bool) {
	c.mu.Lock()
	e.out, e.ok, e.at = out, ok, c.now()
	if !ok {
		delete(c.m, key)
	}
	c.mu.Unlock()
	close(e.done)
}

// evict drops expired entries, then the oldest finished ones, so a flood of
// distinct keys cannot grow memory without bound. Called with mu held.
func (c *idemCache) evict(now time.Time) {
	var oldestKey string
	var oldest time.Time
	for k, e := range c.m {
		if !e.ok {
			continue
		}
		if now.Sub(e.at) > idemTTL {
			delete(c.m, k)
			continue
		}
		if oldestKey == "" || e.at.Before(oldest) {
			oldestKey, oldest = k, e.at
		}
	}
	if len(c.m) >= idemMaxKeys && oldestKey != "" {
		delete(c.m, oldestKey)
	}
}
