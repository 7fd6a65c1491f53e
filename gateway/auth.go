package gateway

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/patchbay-dev/patchbay/store"
)

// Principal is an authenticated API key: what a runtime call may do.
type Principal struct {
	KeyID  string
	Team   string
	Grants []Grant
	limit  int
}

// grant returns the grant covering provider/component, if any.
func (p *Principal) grant(provider, component string) (Grant, bool) {
	for _, g := range p.Grants {
		if g.Provider != provider {
			continue
		}
		for _, c := range g.Components {
			if c == component {
				return g, true
			}
		}
	}
	return Grant{}, false
}

// One message for every token that does not match a live key, so a caller
// cannot tell a wrong secret from a deleted key.
var errBadKey = fmt.Errorf("%w: invalid API key: send \"Authorization: Bearer pbk_...\" with a current key (keys are shown once at creation or regeneration)", ErrUnauthenticated)

// touchEvery bounds how often last_used_at is written per key: once a
// minute is precise enough for a "last used" column and keeps hot keys from
// turning every call into a database write.
const touchEvery = time.Minute

// Authenticate resolves an Authorization header value to a principal.
// Wrong, revoked, regenerated-away and expired keys are ErrUnauthenticated;
// a key over its rate limit is ErrRateLimited.
func (g *Gateway) Authenticate(ctx context.Context, authorization string) (*Principal, error) {
	token, ok := strings.CutPrefix(authorization, "Bearer ")
	if !ok || token == "" {
		return nil, fmt.Errorf("%w: missing API key: send \"Authorization: Bearer pbk_...\"", ErrUnauthenticated)
	}
	id, _, ok := splitToken(strings.TrimSpace(token))
	if !ok {
		return nil, errBadKey
	}
	row, err := g.st.LookupAPIKey(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		// Hash anyway so a missing id costs the same as a wrong secret.
		subtle.ConstantTimeCompare(hashToken(token), make([]byte, 32))
		return nil, errBadKey
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(hashToken(strings.TrimSpace(token)), row.TokenHash) != 1 {
		return nil, errBadKey
	}
	now := g.now()
	if !row.ExpiresAt.IsZero() && !now.Before(row.ExpiresAt) {
		g.audit(ctx, row.Team, row.ID, "Authenticate", "", "", "", fmt.Errorf("%w: expired", ErrUnauthenticated))
		return nil, fmt.Errorf("%w: API key %s expired at %s; ask for a new key or extend it", ErrUnauthenticated,
			row.ID, row.ExpiresAt.UTC().Format(time.RFC3339))
	}
	k := fromStore(row)
	p := &Principal{KeyID: k.ID, Team: k.Team, Grants: k.Grants, limit: k.RateLimitPerMinute}
	if p.limit <= 0 {
		p.limit = g.cfg.DefaultRateLimit
	}
	if wait, ok := g.limiter.take(p.KeyID, p.limit); !ok {
		g.audit(ctx, p.Team, p.KeyID, "Authenticate", "", "", "", ErrRateLimited)
		return nil, fmt.Errorf("%w: API key %s allows %d requests per minute; retry in %s", ErrRateLimited, p.KeyID, p.limit,
			wait.Round(time.Millisecond))
	}
	g.touch(ctx, p.KeyID, now)
	return p, nil
}

func (g *Gateway) touch(ctx context.Context, id string, now time.Time) {
	g.touchMu.Lock()
	last, seen := g.touched[id]
	if seen && now.Sub(last) < touchEvery {
		g.touchMu.Unlock()
		return
	}
	g.touched[id] = now
	g.touchMu.Unlock()
	if err := g.st.TouchAPIKey(context.WithoutCancel(ctx), id, now); err != nil {
		g.log.Warn("gateway: cannot record last use", "key", id, "err", err)
	}
}

// limiter is one token bucket per key: capacity = the per-minute limit,
// refilled continuously, so a key may burst its whole minute then proceeds
// at limit/60 per second.
type limiter struct {
	mu      sync.Mutex
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	limit  int
	at     time.Time
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, buckets: map[string]*bucket{}}
}

// take spends one token; when none is left it reports how long until one is.
func (l *limiter) take(id string, perMinute int) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[id]
	if b == nil || b.limit != perMinute {
		b = &bucket{tokens: float64(perMinute), limit: perMinute, at: now}
		l.buckets[id] = b
	}
	rate := float64(perMinute) / 60 // tokens per second
	if el := now.Sub(b.at).Seconds(); el > 0 {
		b.tokens = math.Min(float64(perMinute), b.tokens+el*rate)
	}
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return time.Duration((1 - b.tokens) / rate * float64(time.Second)), false
}

func (l *limiter) forget(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.buckets, id)
}
