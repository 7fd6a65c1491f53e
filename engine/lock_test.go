package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/engine"
	"github.com/patchbay-dev/patchbay/engine/enginetest"
	"github.com/patchbay-dev/patchbay/internal/pgtest"
	"github.com/patchbay-dev/patchbay/providers/auth0/auth0test"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/store"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// newSharedRig is a provider rig whose state is a fresh PostgreSQL
// database, the way a team's daemons share one.
func newSharedRig(t *testing.T) *providerRig {
	r := &providerRig{t: t, dbPath: pgtest.Database(t), auth0: auth0test.New(t), stripe: stripetest.New(t),
		secrets: &enginetest.FileSecrets{Path: filepath.Join(t.TempDir(), "secrets.json")}}
	r.open(nil)
	if _, err := r.eng.CreateEnvironment(context.Background(), store.Environment{WorkspaceRoot: root, Name: "local",
		FrontendURL: "https://dev.example.net:3000", ExtraOrigins: []string{"http://127.0.0.1:3000"}}); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestApplyRefusedWhileLocked: while someone holds the environment's
// lock, a plan warns and apply and destroy are refused, both naming the
// holder and the time; on SQLite and on PostgreSQL alike.
func TestApplyRefusedWhileLocked(t *testing.T) {
	t.Parallel()
	for name, rig := range map[string]func(*testing.T) *providerRig{"sqlite": newProviderRig, "postgres": newSharedRig} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			r := rig(t)
			env := r.env()
			held, err := r.st.LockEnvironment(ctx, env.ID, "alice@laptop", "apply")
			if err != nil {
				t.Fatal(err)
			}
			p, err := r.eng.Plan(ctx, root, "local", false)
			if err != nil {
				t.Fatal(err)
			}
			if w := r.eng.LockWarning(ctx, env.ID); !strings.Contains(w, "locked by alice@laptop since ") {
				t.Errorf("plan warning = %q", w)
			}
			_, err = r.eng.Apply(ctx, p.ID, nil)
			if !errors.Is(err, engine.ErrConflict) || !strings.Contains(err.Error(), `environment "local" is locked by alice@laptop since `) {
				t.Errorf("apply while locked: %v", err)
			}
			if _, err := r.eng.Destroy(ctx, root, "local", nil); !errors.Is(err, engine.ErrConflict) || !strings.Contains(err.Error(), "locked by alice@laptop") {
				t.Errorf("destroy while locked: %v", err)
			}
			if n := len(r.auth0.Apps()) + len(r.stripe.Endpoints()); n != 0 {
				t.Errorf("%d objects created while locked", n)
			}
			held.Unlock(ctx)
			if w := r.eng.LockWarning(ctx, env.ID); w != "" {
				t.Errorf("warning after unlock: %q", w)
			}
			// The refused plan is still pending and applies now.
			if res, err := r.eng.Apply(ctx, p.ID, nil); err != nil {
				t.Fatalf("apply after unlock: %v %v", err, res.Failed)
			}
			r.checkProviders("https://dev.example.net:3000")
		})
	}
}

// TestConcurrentAppliesWithKills runs two processes that plan and apply
// the same environment of one PostgreSQL database at the same moment, and
// SIGKILLs one, both or neither at random points. After each round the
// parent converges, and the fakes must hold exactly one Auth0 application
// and one Stripe endpoint: never a duplicate.
func TestConcurrentAppliesWithKills(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("spawns processes")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 19))
	r := newSharedRig(t)
	cfg := helperConfig{DB: r.dbPath, Secrets: r.secrets.(*enginetest.FileSecrets).Path, Auth0URL: r.auth0.URL,
		StripeURL: r.stripe.URL, Auth0: r.auth0.Credentials(), Stripe: r.stripe.Credentials()}
	raw, _ := json.Marshal(cfg)
	fronts := []string{"https://dev.example.net:3000", "https://shop.example.dev", "https://staging.shop.example.dev"}
	refused, kills := 0, 0
	for round := range 12 {
		front := fronts[round%len(fronts)]
		if round > 0 {
			env := r.env()
			env.FrontendURL = front
			if _, err := r.eng.UpdateEnvironment(context.Background(), env); err != nil {
				t.Fatal(err)
			}
		}
		r.st.Close()
		r.st = nil

		cmds := make([]*exec.Cmd, 2)
		var mu sync.Mutex
		var outs [2]strings.Builder
		for i := range cmds {
			cmd := exec.Command(exe, "-test.run=^TestHelperApplyProcess$")
			cmd.Env = append(os.Environ(), "PATCHBAY_KILL_HELPER="+string(raw))
			cmd.Stdout, cmd.Stderr = &outs[i], &outs[i]
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			cmds[i] = cmd
		}
		killed := make([]bool, 2)
		kill := func(i int) {
			mu.Lock()
			defer mu.Unlock()
			if !killed[i] {
				killed[i] = true
				_ = cmds[i].Process.Kill()
			}
		}
		// Kill by delay (anywhere: start-up, plan, lock, a provider call)
		// or at the first provider change (someone holds the lock and is
		// mid-apply).
		for i := range cmds {
			switch rng.IntN(3) {
			case 0:
				d := time.Duration(rng.IntN(60_000)) * time.Microsecond
				time.AfterFunc(d, func() { kill(i) })
			case 1:
				victim := i
				var once sync.Once
				hook := func(int) { once.Do(func() { kill(victim) }) }
				if rng.IntN(2) == 0 {
					r.auth0.SetAfterChange(hook)
				} else {
					r.stripe.SetAfterChange(hook)
				}
			}
		}
		for i, cmd := range cmds {
			err := cmd.Wait()
			mu.Lock()
			k := killed[i]
			mu.Unlock()
			switch out := outs[i].String(); {
			case k:
				kills++
			case err == nil:
			case strings.Contains(out, "locked by"), strings.Contains(out, "not pending"), strings.Contains(out, "no longer pending"):
				// Lost the race: the other held the lock, or planned
				// after this one and superseded its plan.
				refused++
			default:
				t.Errorf("round %d child %d failed without being killed:\n%s", round, i, out)
			}
		}
		r.auth0.SetAfterChange(nil)
		r.stripe.SetAfterChange(nil)
		if n := len(r.auth0.Apps()); n > 1 {
			t.Fatalf("round %d: %d Auth0 applications after concurrent applies", round, n)
		}
		if n := len(r.stripe.Endpoints()); n > 1 {
			t.Fatalf("round %d: %d Stripe endpoints after concurrent applies", round, n)
		}

		r.open(nil)
		for attempt := 0; ; attempt++ {
			p, err := r.eng.Plan(context.Background(), root, "local", false)
			if err != nil {
				t.Fatal(err)
			}
			if !p.HasChanges() {
				break
			}
			if attempt == 3 {
				t.Fatalf("round %d does not converge:\n%s", round, p.Summary())
			}
			if res, err := r.eng.Apply(context.Background(), p.ID, nil); err != nil {
				t.Fatalf("round %d: %v %v", round, err, res.Failed)
			}
		}
		r.checkProviders(front)
	}
	t.Logf("%d children killed, %d refused because the other held the lock or had planned later", kills, refused)
}
