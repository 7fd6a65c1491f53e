package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/engine"
	"github.com/patchbay-dev/patchbay/engine/enginetest"
	"github.com/patchbay-dev/patchbay/store"
)

// helperConfig is what the parent hands the child process.
type helperConfig struct {
	DB, Secrets         string
	Auth0URL, StripeURL string
	Auth0, Stripe       map[string]string
}

// TestHelperApplyProcess is not a test: TestProvidersSubprocessKill runs
// the test binary with PATCHBAY_KILL_HELPER set to make it a separate
// process that plans and applies, so it can be killed with SIGKILL.
func TestHelperApplyProcess(t *testing.T) {
	raw := os.Getenv("PATCHBAY_KILL_HELPER")
	if raw == "" {
		t.Skip("only runs as the child of TestProvidersSubprocessKill")
	}
	var cfg helperConfig
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, cfg.DB, nil)
	if err != nil {
		t.Fatal(err)
	}
	svcs, fs := shopFindings()
	eng, err := engine.New(ctx, engine.Options{
		Store: st, Secrets: &enginetest.FileSecrets{Path: cfg.Secrets}, Source: &engine.StaticSource{Services: svcs, Findings: fs},
		Types: engine.DefaultTypes(engine.HTTPOptions{BaseURL: cfg.Auth0URL}, engine.HTTPOptions{BaseURL: cfg.StripeURL}),
		Credentials: engine.CredentialFunc(func(_ context.Context, provider, _ string) (engine.Credentials, error) {
			if provider == "auth0" {
				return cfg.Auth0, nil
			}
			return cfg.Stripe, nil
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := eng.Plan(ctx, root, "local", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Apply(ctx, p.ID, nil); err != nil {
		t.Fatal(err)
	}
}

// TestProvidersSubprocessKill provisions from a child process and kills it
// with SIGKILL at random moments: right after a provider acted but before
// its answer arrived, or after a random delay into the apply. The parent
// then restarts the engine on the same database and secret file and
// converges, with no duplicate and no lost secret.
func TestProvidersSubprocessKill(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("spawns processes")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	for i := range 20 {
		r := newProviderRig(t)
		r.secrets = &enginetest.FileSecrets{Path: filepath.Join(t.TempDir(), "secrets.json")}
		r.open(nil)
		cfg := helperConfig{DB: r.dbPath, Secrets: r.secrets.(*enginetest.FileSecrets).Path, Auth0URL: r.auth0.URL,
			StripeURL: r.stripe.URL, Auth0: r.auth0.Credentials(), Stripe: r.stripe.Credentials()}
		runChild := func(phase string, changesInPhase int) string {
			raw, _ := json.Marshal(cfg)
			cmd := exec.Command(exe, "-test.run=^TestHelperApplyProcess$")
			cmd.Env = append(os.Environ(), "PATCHBAY_KILL_HELPER="+string(raw))
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var once sync.Once
			how := "not killed (finished first)"
			kill := func(why string) { once.Do(func() { how = why; _ = cmd.Process.Kill() }) }
			killAt := 1 + rng.IntN(changesInPhase)
			byDelay := rng.IntN(2) == 0
			d := time.Duration(rng.IntN(2000)) * time.Microsecond
			var mu sync.Mutex
			changes := 0
			hook := func(int) {
				mu.Lock()
				defer mu.Unlock()
				changes++
				switch {
				case byDelay && changes == 1:
					// Land anywhere after work started: in a database
					// write, between calls, inside a call.
					time.AfterFunc(d, func() { kill("killed " + d.String() + " after the first provider change " + phase) })
				case !byDelay && changes == killAt:
					kill(fmt.Sprintf("killed as provider change %d happened %s", killAt, phase))
				}
			}
			r.auth0.SetAfterChange(hook)
			r.stripe.SetAfterChange(hook)
			_ = cmd.Wait()
			r.auth0.SetAfterChange(nil)
			r.stripe.SetAfterChange(nil)
			return how
		}
		converge := func(how, front string) {
			t.Helper()
			t.Logf("run %d: %s", i, how)
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
					t.Fatalf("run %d (%s) does not converge:\n%s", i, how, p.Summary())
				}
				if res, err := r.eng.Apply(context.Background(), p.ID, nil); err != nil {
					t.Fatalf("run %d (%s): %v %v", i, how, err, res.Failed)
				}
			}
			r.checkProviders(front)
		}
		converge(runChild("while creating", 2), "https://dev.example.net:3000")

		// Second phase: a URL change and a lost Stripe secret, so the
		// child updates and rotates when it is killed.
		env := r.env()
		env.FrontendURL = "https://shop.example.dev"
		if _, err := r.eng.UpdateEnvironment(context.Background(), env); err != nil {
			t.Fatal(err)
		}
		_ = r.secrets.Delete(context.Background(), "patchbay/"+env.ID+"/stripe/webhook_endpoint/web/api/webhooks/stripe/webhook_secret")
		converge(runChild("while updating and rotating", 3), "https://shop.example.dev")
	}
}
