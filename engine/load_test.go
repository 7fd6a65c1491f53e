package engine_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/engine"
	"github.com/patchbay-dev/patchbay/internal/pgtest"
	"github.com/patchbay-dev/patchbay/internal/sealed"
	"github.com/patchbay-dev/patchbay/providers/auth0/auth0test"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/store"
)

// TestLoad has 20 clients on 5 daemons (engines with their own connection
// pools) plan and apply 10 environments of one PostgreSQL database against
// the in-process fakes, changing URLs as they go, for
// PATCHBAY_LOAD_DURATION (default 3s inside `make test`; `make load` runs
// the 60 s of docs/load-test.md). Everything is loopback: the fakes are
// httptest servers and PostgreSQL listens on a Unix socket. It must end
// with 0 errors and, per environment, exactly one Auth0 application and
// one Stripe endpoint: 0 duplicates.
func TestLoad(t *testing.T) {
	t.Parallel()
	duration := 3 * time.Second
	if v := os.Getenv("PATCHBAY_LOAD_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > 10*time.Minute {
			t.Fatalf("PATCHBAY_LOAD_DURATION=%q: want a duration up to 10m", v)
		}
		duration = d
	}
	const clients, daemons, envs = 20, 5, 10
	ctx := context.Background()
	url := pgtest.Database(t)
	keyset := filepath.Join(t.TempDir(), "keyset.json")
	if err := sealed.CreateKeyset(keyset); err != nil {
		t.Fatal(err)
	}
	aead, err := sealed.Open(keyset)
	if err != nil {
		t.Fatal(err)
	}
	auth0, stripe := auth0test.New(t), stripetest.New(t)
	svcs, fs := shopFindings()
	engines := make([]*engine.Engine, daemons)
	for i := range engines {
		st, err := store.Open(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		engines[i], err = engine.New(ctx, engine.Options{
			Store: st, Secrets: engine.SealedSecrets{Store: st, Sealer: aead},
			Source: &engine.StaticSource{Services: svcs, Findings: fs},
			Types:  engine.DefaultTypes(engine.HTTPOptions{BaseURL: auth0.URL}, engine.HTTPOptions{BaseURL: stripe.URL}),
			Credentials: engine.CredentialFunc(func(_ context.Context, provider, _ string) (engine.Credentials, error) {
				if provider == "auth0" {
					return auth0.Credentials(), nil
				}
				return stripe.Credentials(), nil
			}),
			Owner: fmt.Sprintf("daemon%d", i),
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Each environment is its own workspace copy, so its Auth0
	// application and Stripe endpoint are its own.
	roots := make([]string, envs)
	for i := range roots {
		roots[i] = filepath.Join(t.TempDir(), fmt.Sprintf("shop%d", i))
		copyShop(t, roots[i])
		if _, err := engines[0].CreateEnvironment(ctx, store.Environment{WorkspaceRoot: roots[i], Name: "staging",
			FrontendURL: fmt.Sprintf("https://env%d.example.net", i)}); err != nil {
			t.Fatal(err)
		}
	}

	var plans, applies, updates, refused, errs atomic.Int64
	var mu sync.Mutex
	var planLat, applyLat []time.Duration
	var firstErr error
	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(c), 19))
			eng := engines[c%daemons]
			fail := func(err error) {
				errs.Add(1)
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
			for time.Now().Before(deadline) {
				i := rng.IntN(envs)
				if rng.IntN(10) == 0 {
					// A URL change, so there is work to apply.
					env, err := eng.GetEnvironment(ctx, roots[i], "staging")
					if err != nil {
						fail(err)
						continue
					}
					env.FrontendURL = fmt.Sprintf("https://env%d-v%d.example.net", i, rng.IntN(3))
					if _, err := eng.UpdateEnvironment(ctx, env); err != nil {
						fail(err)
						continue
					}
					updates.Add(1)
				}
				t0 := time.Now()
				p, err := eng.Plan(ctx, roots[i], "staging", false)
				if err != nil {
					fail(err)
					continue
				}
				plans.Add(1)
				mu.Lock()
				planLat = append(planLat, time.Since(t0))
				mu.Unlock()
				if !p.HasChanges() {
					continue
				}
				t0 = time.Now()
				res, err := eng.Apply(ctx, p.ID, nil)
				switch {
				case errors.Is(err, engine.ErrConflict), stale(res):
					// Locked by another client, its plan superseded, or a
					// step found its resource changed since the plan (a
					// plan read state just before another apply ended).
					refused.Add(1)
				case err != nil:
					fail(fmt.Errorf("%w (every failed step: %v)", err, res.Failed))
				default:
					applies.Add(1)
					mu.Lock()
					applyLat = append(applyLat, time.Since(t0))
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		t.Errorf("%d errors; first: %v", errs.Load(), firstErr)
	}

	// Converge, then count: one application and one endpoint per
	// environment, and nothing else at the fakes.
	for i := range roots {
		for attempt := 0; ; attempt++ {
			p, err := engines[0].Plan(ctx, roots[i], "staging", false)
			if err != nil {
				t.Fatal(err)
			}
			if !p.HasChanges() {
				break
			}
			if attempt == 3 {
				t.Fatalf("environment %d does not converge:\n%s", i, p.Summary())
			}
			if res, err := engines[0].Apply(ctx, p.ID, nil); err != nil {
				t.Fatalf("converge %d: %v %v", i, err, res.Failed)
			}
		}
	}
	if n := len(auth0.Apps()); n != envs {
		t.Errorf("Auth0 applications = %d, want %d (one per environment)", n, envs)
	}
	if n := len(stripe.Endpoints()); n != envs {
		t.Errorf("Stripe endpoints = %d, want %d (one per environment)", n, envs)
	}
	t.Logf("load: %d clients on %d daemons, %d environments, %s: %d plans (p50 %s, p95 %s, p99 %s), %d applies (p50 %s, p95 %s, p99 %s), %d URL changes, %d refused (locked or superseded), %d errors; %d Auth0 applications, %d Stripe endpoints",
		clients, daemons, envs, duration, plans.Load(), pct(planLat, 50), pct(planLat, 95), pct(planLat, 99),
		applies.Load(), pct(applyLat, 50), pct(applyLat, 95), pct(applyLat, 99), updates.Load(), refused.Load(), errs.Load(),
		len(auth0.Apps()), len(stripe.Endpoints()))
}

// stale reports whether every failed step of res refused to act on a
// resource that changed since the plan.
func stale(res engine.Result) bool {
	if len(res.Failed) == 0 {
		return false
	}
	for _, msg := range res.Failed {
		if !strings.Contains(msg, "changed since the plan was made") {
			return false
		}
	}
	return true
}

func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)*p/100].Round(100 * time.Microsecond)
}

// copyShop makes an empty workspace folder; the findings are static.
func copyShop(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}
