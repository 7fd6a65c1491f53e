package engine_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/engine"
	"github.com/patchbay-dev/patchbay/engine/enginetest"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/store"
)

const root = "/src/ws/shop"

// rig is one engine over one database, like one daemon process.
type rig struct {
	t       testing.TB
	dbPath  string
	st      *store.Store
	eng     *engine.Engine
	things  *enginetest.Things
	secrets *engine.MemorySecrets
	mu      sync.Mutex
	want    []engine.Desired
	env     store.Environment
}

func noCreds(context.Context, string, string) (engine.Credentials, error) {
	return engine.Credentials{"token": "x"}, nil
}

func newRig(t testing.TB, things *enginetest.Things, opts func(*engine.Options)) *rig {
	t.Helper()
	r := &rig{t: t, dbPath: filepath.Join(t.TempDir(), "state.db"), things: things, secrets: engine.NewMemorySecrets()}
	r.open(opts)
	env, err := r.eng.CreateEnvironment(context.Background(), store.Environment{WorkspaceRoot: root, Name: "local", FrontendURL: "https://dev.example.net:3000"})
	if err != nil {
		t.Fatal(err)
	}
	r.env = env
	return r
}

// open starts a new engine on the rig's database, as a restarted daemon does.
func (r *rig) open(opts func(*engine.Options)) {
	r.t.Helper()
	if r.st != nil {
		r.st.Close()
	}
	st, err := store.Open(context.Background(), r.dbPath, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	o := engine.Options{
		Store: st, Types: []engine.ResourceType{r.things}, Credentials: engine.CredentialFunc(noCreds),
		Secrets: r.secrets, Source: &engine.StaticSource{}, RetryBase: time.Millisecond, RetryMax: 20 * time.Millisecond,
		Desire: func(engine.DesiredInput) ([]engine.Desired, []string) {
			r.mu.Lock()
			defer r.mu.Unlock()
			return append([]engine.Desired(nil), r.want...), nil
		},
	}
	if opts != nil {
		opts(&o)
	}
	eng, err := engine.New(context.Background(), o)
	if err != nil {
		r.t.Fatal(err)
	}
	r.st, r.eng = st, eng
	r.t.Cleanup(func() { st.Close() })
}

func (r *rig) setWant(ds ...engine.Desired) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.want = ds
}

func thing(name, parent string, extra ...string) engine.Desired {
	d := engine.Desired{Key: engine.Key{Provider: "fake", Type: "thing", Name: name}, Props: engine.Props{"name": {name}, "tags": extra},
		Service: "web", Reason: "test"}
	if parent != "" {
		d.Props["parent"] = []string{parent}
		d.DependsOn = []engine.Key{{Provider: "fake", Type: "thing", Name: parent}}
	}
	return d
}

func (r *rig) plan(destroy bool) *engine.Plan {
	r.t.Helper()
	p, err := r.eng.Plan(context.Background(), root, "local", destroy)
	if err != nil {
		r.t.Fatalf("Plan: %v", err)
	}
	return p
}

func actions(p *engine.Plan) map[string]engine.Action {
	out := map[string]engine.Action{}
	for _, s := range p.Steps {
		out[s.Key.Name] = s.Action
	}
	return out
}

// recorder is a Hook that keeps every event.
type recorder struct {
	engine.BaseHook
	mu     sync.Mutex
	steps  []string
	finals []patchbayv1.OperationState
}

func (h *recorder) StepChanged(_ engine.OperationInfo, s engine.Step, st patchbayv1.StepState, _ string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.steps = append(h.steps, s.Key.Name+":"+strings.TrimPrefix(st.String(), "STEP_STATE_"))
}

func (h *recorder) OperationFinished(_ engine.OperationInfo, st patchbayv1.OperationState, _ error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.finals = append(h.finals, st)
}

func (r *rig) apply(p *engine.Plan) (engine.Result, *recorder) {
	r.t.Helper()
	h := &recorder{}
	res, err := r.eng.Apply(context.Background(), p.ID, h)
	if err != nil {
		r.t.Fatalf("Apply: %v (failed steps %v)", err, res.Failed)
	}
	return res, h
}

// checkConverged asserts that the provider holds exactly the wanted things,
// once each, and that every token in the secret store is the one the
// provider issued.
func (r *rig) checkConverged() {
	r.t.Helper()
	objs := r.things.Objects()
	var got, want []string
	for n := range objs {
		got = append(got, n)
	}
	for _, d := range r.want {
		want = append(want, d.Key.Name)
	}
	if d := cmp.Diff(sorted(want), sorted(got)); d != "" {
		r.t.Fatalf("provider objects (-want +got):\n%s", d)
	}
	for _, d := range r.want {
		res, err := r.st.GetResource(context.Background(), r.env.ID, "fake", "thing", d.Key.Name)
		if err != nil {
			r.t.Fatalf("resource %s not recorded: %v", d.Key.Name, err)
		}
		if res.ProviderID != objs[d.Key.Name].ID || res.Status != store.StatusPresent {
			r.t.Fatalf("resource %s recorded as %s/%s, provider has %s", d.Key.Name, res.ProviderID, res.Status, objs[d.Key.Name].ID)
		}
		if !res.CreatedByPatchbay {
			continue // an adopted object's once-only secret was never Patchbay's
		}
		tok, err := r.secrets.Get(context.Background(), strings.Join([]string{"patchbay", r.env.ID, "fake", "thing", d.Key.Name, "token"}, "/"))
		if err != nil || tok != r.things.Token(res.ProviderID) {
			r.t.Fatalf("secret of %s: stored %q (%v), provider issued %q", d.Key.Name, tok, err, r.things.Token(res.ProviderID))
		}
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestPlanApplyDestroy(t *testing.T) {
	t.Parallel()
	r := newRig(t, enginetest.NewThings(), nil)
	adopted := r.things.Seed(engine.Props{"name": {"legacy"}, "tags": {"old"}})
	r.setWant(thing("db", ""), thing("api", "db"), thing("legacy", "", "new"))

	p := r.plan(false)
	if d := cmp.Diff(map[string]engine.Action{"db": engine.ActionCreate, "api": engine.ActionCreate, "legacy": engine.ActionAdopt}, actions(p)); d != "" {
		t.Fatalf("first plan actions (-want +got):\n%s\n%s", d, p.Summary())
	}
	if !strings.Contains(p.Summary(), `+ create fake thing "api"`) || !strings.Contains(p.Summary(), "tags: old → new") {
		t.Errorf("summary is not readable:\n%s", p.Summary())
	}
	res, h := r.apply(p)
	if res.State != patchbayv1.OperationState_OPERATION_STATE_COMPLETED || len(h.finals) != 1 {
		t.Fatalf("apply: %+v finals=%v", res, h.finals)
	}
	if calls := r.things.Calls(); !strings.Contains(strings.Join(calls, ","), "create") {
		t.Fatalf("calls = %v", calls)
	}
	r.checkConverged()

	// Applying again changes nothing, and an applied plan cannot run twice.
	p2 := r.plan(false)
	if p2.HasChanges() {
		t.Fatalf("second plan has changes:\n%s", p2.Summary())
	}
	if _, err := r.eng.Apply(context.Background(), p.ID, nil); !errors.Is(err, engine.ErrConflict) {
		t.Errorf("re-applying an applied plan: err = %v, want ErrConflict", err)
	}

	// A changed property is an update that replaces the whole list.
	r.setWant(thing("db", "", "big"), thing("api", "db"), thing("legacy", "", "new"))
	p3 := r.plan(false)
	if got := actions(p3)["db"]; got != engine.ActionUpdate {
		t.Fatalf("db action = %s\n%s", got, p3.Summary())
	}
	r.apply(p3)
	if tags := r.things.Objects()["db"].Props["tags"]; !cmp.Equal(tags, []string{"big"}) {
		t.Errorf("db tags = %v", tags)
	}

	// Destroy deletes what Patchbay created, child first, and leaves the
	// adopted thing where it is.
	h2 := &recorder{}
	dres, err := r.eng.Destroy(context.Background(), root, "local", h2)
	if err != nil {
		t.Fatalf("Destroy: %v %v", err, dres.Failed)
	}
	objs := r.things.Objects()
	if len(objs) != 1 || objs["legacy"].ID != adopted {
		t.Errorf("after destroy the provider has %v, want only the adopted %s", objs, adopted)
	}
	if keys := r.secrets.Keys(); len(keys) != 0 {
		t.Errorf("secrets left after destroy: %v", keys)
	}
	if rows, _ := r.st.ListResources(context.Background(), r.env.ID); len(rows) != 0 {
		t.Errorf("resources left after destroy: %v", rows)
	}
	if err := r.eng.DeleteEnvironment(context.Background(), root, "local"); err != nil {
		t.Errorf("delete environment after destroy: %v", err)
	}
}

func TestDeleteEnvironmentWithResourcesIsRefused(t *testing.T) {
	t.Parallel()
	r := newRig(t, enginetest.NewThings(), nil)
	r.setWant(thing("db", ""))
	r.apply(r.plan(false))
	if err := r.eng.DeleteEnvironment(context.Background(), root, "local"); !errors.Is(err, engine.ErrConflict) {
		t.Errorf("err = %v, want ErrConflict", err)
	}
}

func TestRetriesThrottlingAndReportsFailures(t *testing.T) {
	t.Parallel()
	r := newRig(t, enginetest.NewThings(), nil)
	r.things.Fail("create", &enginetest.ThrottleError{After: 5 * time.Millisecond})
	r.things.Fail("create", &enginetest.ThrottleError{After: 5 * time.Millisecond})
	r.setWant(thing("db", ""))
	r.apply(r.plan(false))
	r.checkConverged()
	creates := 0
	for _, c := range r.things.Calls() {
		if c == "create" {
			creates++
		}
	}
	if creates != 3 {
		t.Errorf("create calls = %d, want 3 (two throttled, one success)", creates)
	}

	// A non-retryable error fails its step, skips dependents and fails the
	// operation with one final event.
	r.setWant(thing("db", ""), thing("cache", ""), thing("worker", "cache"))
	r.things.Fail("create", errors.New("500 internal error, not marked retryable"))
	h := &recorder{}
	res, err := r.eng.Apply(context.Background(), r.plan(false).ID, h)
	if err == nil || res.State != patchbayv1.OperationState_OPERATION_STATE_FAILED {
		t.Fatalf("apply with a failing step: res=%+v err=%v", res, err)
	}
	if len(h.finals) != 1 || h.finals[0] != patchbayv1.OperationState_OPERATION_STATE_FAILED {
		t.Errorf("final events = %v", h.finals)
	}
	if !contains(h.steps, "worker:SKIPPED") {
		t.Errorf("dependent step not skipped: %v", h.steps)
	}
	// The next plan picks the work up and converges.
	r.apply(r.plan(false))
	r.checkConverged()
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// cancelingRecorder records like recorder and cancels the apply when its
// first step starts.
type cancelingRecorder struct {
	recorder
	once   sync.Once
	cancel context.CancelFunc
}

func (h *cancelingRecorder) StepChanged(op engine.OperationInfo, s engine.Step, st patchbayv1.StepState, msg string) {
	h.recorder.StepChanged(op, s, st, msg)
	if st == patchbayv1.StepState_STEP_STATE_RUNNING {
		h.once.Do(h.cancel)
	}
}

func TestCancelEndsWithCanceledEvent(t *testing.T) {
	t.Parallel()
	things := enginetest.NewThings()
	things.SetLatency(200 * time.Millisecond)
	r := newRig(t, things, func(o *engine.Options) { o.Parallelism = 1 })
	r.setWant(thing("a", ""), thing("b", ""), thing("c", ""))
	p := r.plan(false)
	// Cancelled once the first step has started (not after a fixed time:
	// on a loaded machine the apply may not have begun by then).
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h := &cancelingRecorder{cancel: cancel}
	res, err := r.eng.Apply(ctx, p.ID, h)
	if !errors.Is(err, context.Canceled) || res.State != patchbayv1.OperationState_OPERATION_STATE_CANCELED {
		t.Fatalf("res=%+v err=%v", res, err)
	}
	if len(h.finals) != 1 {
		t.Errorf("final events = %v, want exactly one", h.finals)
	}
	things.SetLatency(0)
	r.apply(r.plan(false))
	r.checkConverged()
}

func TestLostSecretIsRotated(t *testing.T) {
	t.Parallel()
	for _, idem := range []bool{true, false} {
		t.Run(fmt.Sprintf("idempotent=%v", idem), func(t *testing.T) {
			t.Parallel()
			things := enginetest.NewThings()
			things.Idempotent = idem
			r := newRig(t, things, nil)
			r.setWant(thing("db", ""))
			r.apply(r.plan(false))
			old := things.Objects()["db"].ID
			for _, k := range r.secrets.Keys() {
				_ = r.secrets.Delete(context.Background(), k)
			}
			p := r.plan(false)
			if actions(p)["db"] != engine.ActionRotate || !strings.Contains(p.Summary(), "secret token: lost") {
				t.Fatalf("plan after losing the secret:\n%s", p.Summary())
			}
			r.apply(p)
			r.checkConverged()
			if things.Objects()["db"].ID == old {
				t.Error("rotation kept the old object")
			}
		})
	}
}

// TestCrashConvergence kills the engine at a random journal point, many
// times, then starts a new engine on the same database and secret store and
// re-plans until nothing is left to do. The provider must then hold every
// wanted object exactly once, with its secret captured.
func TestCrashConvergence(t *testing.T) {
	t.Parallel()
	runs := 60
	if testing.Short() {
		runs = 15
	}
	for _, idem := range []bool{true, false} {
		t.Run(fmt.Sprintf("idempotent=%v", idem), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
			for i := range runs {
				things := enginetest.NewThings()
				things.Idempotent = idem
				var points []string
				kill := 1 + rng.IntN(40)
				var n int
				var pmu sync.Mutex
				r := newRig(t, things, func(o *engine.Options) {
					o.KillSwitch = func(point string) bool {
						pmu.Lock()
						defer pmu.Unlock()
						n++
						points = append(points, point)
						return n == kill
					}
				})
				// Phase mix: create, then change and lose a secret, so kills
				// land in creates, updates, deletes and rotations.
				r.setWant(thing("db", ""), thing("api", "db"), thing("cache", ""), thing("old", ""))
				p := r.plan(false)
				_, _ = r.eng.Apply(context.Background(), p.ID, nil)
				r.open(nil) // restart without kill switch
				r.converge(t, i, points)
				r.setWant(thing("db", "", "v2"), thing("api", "db"), thing("cache", ""), thing("new", ""))
				_ = r.secrets.Delete(context.Background(), strings.Join([]string{"patchbay", r.env.ID, "fake", "thing", "cache", "token"}, "/"))
				n, kill, points = 0, 1+rng.IntN(40), nil
				r.open(func(o *engine.Options) {
					o.KillSwitch = func(point string) bool {
						pmu.Lock()
						defer pmu.Unlock()
						n++
						points = append(points, point)
						return n == kill
					}
				})
				_, _ = r.eng.Apply(context.Background(), r.plan(false).ID, nil)
				r.open(nil)
				r.converge(t, i, points)
			}
		})
	}
}

func (r *rig) converge(t *testing.T, run int, points []string) {
	t.Helper()
	for attempt := 0; ; attempt++ {
		p := r.plan(false)
		if !p.HasChanges() {
			break
		}
		if attempt == 4 {
			t.Fatalf("run %d (killed after %v): still not converged:\n%s", run, points, p.Summary())
		}
		if res, err := r.eng.Apply(context.Background(), p.ID, nil); err != nil {
			t.Fatalf("run %d (killed after %v): apply after restart: %v %v\n%s", run, points, err, res.Failed, p.Summary())
		}
	}
	r.checkConverged()
}

func TestApplyRunsIndependentStepsInParallel(t *testing.T) {
	t.Parallel()
	things := enginetest.NewThings()
	// Long enough that the journal writes around each call (slow under
	// -race on a loaded machine) cannot keep the calls from overlapping.
	things.SetLatency(150 * time.Millisecond)
	r := newRig(t, things, func(o *engine.Options) { o.Parallelism = 5 })
	var ds []engine.Desired
	for i := range 10 {
		ds = append(ds, thing(fmt.Sprintf("t%02d", i), ""))
	}
	r.setWant(ds...)
	r.apply(r.plan(false))
	if got := things.MaxInflight(); got != 5 {
		t.Errorf("max concurrent provider calls = %d, want the bound 5", got)
	}
	r.checkConverged()
}

// BenchmarkApply30Independent applies 30 independent resources against a
// fake with 50 ms latency per call. With parallelism 30 one apply takes
// about one resource's chain of calls (the critical path: each resource is
// looked up, then created, one after the other), not 30 of them. The
// critical path is measured from the calls the fake saw, not assumed.
func BenchmarkApply30Independent(b *testing.B) {
	const latency = 50 * time.Millisecond
	for range b.N {
		b.StopTimer()
		things := enginetest.NewThings()
		things.SetLatency(latency)
		r := newRig(b, things, func(o *engine.Options) { o.Parallelism = 30 })
		var ds []engine.Desired
		for i := range 30 {
			ds = append(ds, thing(fmt.Sprintf("t%02d", i), ""))
		}
		r.setWant(ds...)
		things.SetLatency(0)
		p := r.plan(false)
		things.SetLatency(latency)
		before := len(things.Calls())
		b.StartTimer()
		start := time.Now()
		if _, err := r.eng.Apply(context.Background(), p.ID, nil); err != nil {
			b.Fatal(err)
		}
		el := time.Since(start)
		b.StopTimer()
		// Calls per resource during the apply, each a full latency, in
		// sequence within a resource: that chain is the critical path.
		perResource := float64(len(things.Calls())-before) / float64(len(ds))
		critical := time.Duration(perResource * float64(latency))
		b.ReportMetric(float64(el.Milliseconds()), "ms/apply")
		b.ReportMetric(float64(critical.Milliseconds()), "ms-critical-path")
		b.ReportMetric(float64(el)/float64(critical), "x-critical-path")
		if sum := time.Duration(len(ds)) * critical; el > sum/3 {
			b.Fatalf("apply took %s: closer to the sum (%s) than to the critical path (%s)", el, sum, critical)
		}
		b.StartTimer()
	}
}

func TestWorkspaceRootsAreNormalized(t *testing.T) {
	t.Parallel()
	r := newRig(t, enginetest.NewThings(), nil)
	ctx := context.Background()
	if _, err := r.eng.GetEnvironment(ctx, root+"/", "local"); err != nil {
		t.Errorf("trailing slash: %v", err)
	}
	if _, err := r.eng.Plan(ctx, "ws/shop", "local", false); !errors.Is(err, engine.ErrInvalid) {
		t.Errorf("relative root: err = %v, want ErrInvalid", err)
	}
	if _, err := r.eng.CreateEnvironment(ctx, store.Environment{WorkspaceRoot: root + "/./", Name: "local"}); !errors.Is(err, engine.ErrExists) {
		t.Errorf("same workspace spelled differently: err = %v, want ErrExists", err)
	}
	for _, bad := range []store.Environment{
		{WorkspaceRoot: root, Name: "has space"},
		{WorkspaceRoot: root, Name: "x", FrontendURL: "localhost:3000"},
		{WorkspaceRoot: root, Name: "y", APIURL: "https://a.example/?q=1"},
		{WorkspaceRoot: root, Name: "z", ExtraOrigins: []string{"ftp://a.example"}},
	} {
		if _, err := r.eng.CreateEnvironment(ctx, bad); !errors.Is(err, engine.ErrInvalid) {
			t.Errorf("CreateEnvironment(%+v): err = %v, want ErrInvalid", bad, err)
		}
	}
}
