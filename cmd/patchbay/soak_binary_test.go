package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/99designs/keyring"

	"github.com/patchbay-dev/patchbay/daemon"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/vault"
)

// The soak tests (`make soak`, docs/reliability.md) run the real binary
// against the patchbay-fakes command for PATCHBAY_SOAK_DURATION in all
// (default 8 s, the short variant `make test` runs, both tests at once): the first half is the
// kill loop, the second the load test. Both stop by themselves at their
// deadline or their count bound (PATCHBAY_SOAK_ROUNDS, PATCHBAY_SOAK_CALLS)
// and everything listens on loopback only.

const soakPassphrase = "patchbay soak passphrase"

// soakBudget is the time one soak test gets, and whether this is the long
// run of `make soak`.
func soakBudget(t *testing.T) (time.Duration, bool) {
	t.Helper()
	v := os.Getenv("PATCHBAY_SOAK_DURATION")
	if v == "" {
		return 4 * time.Second, false
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 || d > 2*time.Hour {
		t.Fatalf("PATCHBAY_SOAK_DURATION=%q: want a duration up to 2h", v)
	}
	return d / 2, true
}

func soakLimit(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive count", name, v)
	}
	return n
}

// fakesState is the -state answer of patchbay-fakes.
type fakesState struct {
	StripeEndpoints []struct {
		ID, URL, Secret string
	} `json:"stripe_endpoints"`
	Auth0Apps []struct {
		ClientID     string   `json:"client_id"`
		Callbacks    []string `json:"callbacks"`
		ClientSecret string   `json:"client_secret"`
	} `json:"auth0_apps"`
}

type fakesProcess struct {
	Env         map[string]string            `json:"env"`
	Credentials map[string]map[string]string `json:"credentials"`
	State       string                       `json:"state"`
}

var (
	fakesOnce sync.Once
	fakesBin  string
	fakesErr  error
)

// startFakes builds and runs patchbay-fakes -json -state, as a user would
// with go run, and stops it when the test ends.
func startFakes(t *testing.T) *fakesProcess {
	t.Helper()
	fakesOnce.Do(func() {
		dir, err := os.MkdirTemp("", "patchbay-fakes")
		if err != nil {
			fakesErr = err
			return
		}
		fakesBin = filepath.Join(dir, "patchbay-fakes")
		if out, err := exec.Command("go", "build", "-o", fakesBin, "../../providers/providertest/cmd/patchbay-fakes").CombinedOutput(); err != nil {
			fakesErr = fmt.Errorf("build patchbay-fakes: %v\n%s", err, out)
		}
	})
	if fakesErr != nil {
		t.Fatal(fakesErr)
	}
	bin := fakesBin
	cmd := exec.Command(bin, "-json", "-state")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	var f fakesProcess
	if err := json.NewDecoder(stdout).Decode(&f); err != nil {
		t.Fatalf("patchbay-fakes output: %v", err)
	}
	if f.State == "" || f.Env["PATCHBAY_ENDPOINT_STRIPE"] == "" || f.Env["PATCHBAY_ENDPOINT_AUTH0"] == "" {
		t.Fatalf("patchbay-fakes printed %+v", f)
	}
	return &f
}

func (f *fakesProcess) state(t *testing.T) fakesState {
	t.Helper()
	resp, err := http.Get(f.State)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s fakesState
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// soakHome is a daemon home whose file keyring holds the fakes'
// credentials, and a way to run the CLI in it with the given endpoints.
func soakHome(t *testing.T, f *fakesProcess, endpoints map[string]string) (string, func(args ...string) (string, error)) {
	t.Helper()
	home := shortHome(t)
	v, err := vault.Open(vault.Options{Home: home, Backends: []keyring.BackendType{keyring.FileBackend}, Passphrase: soakPassphrase,
		Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"auth0", "stripe"} {
		if err := v.Put(vault.Profile{Provider: p, Name: "default", Values: providers.Values(f.Credentials[p])}); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "PATCHBAY_HOME="+home, "PATCHBAY_KEYRING_BACKEND=file", "PATCHBAY_KEYRING_PASSPHRASE="+soakPassphrase)
	for k, v := range endpoints {
		env = append(env, k+"="+v)
	}
	pb := func(args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, patchbayBin(t), args...)
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	t.Cleanup(func() { _, _ = pb("daemon", "stop") })
	return home, pb
}

// daemonPID is the pid daemon.json names, if that process is a patchbay
// daemon (never signal a pid some other process reused).
func daemonPID(home string) int {
	b, err := os.ReadFile(filepath.Join(home, "daemon.json"))
	if err != nil {
		return 0
	}
	var info struct{ PID int }
	if json.Unmarshal(b, &info) != nil || info.PID <= 0 {
		return 0
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", info.PID))
	if err != nil || !bytes.Contains(cmdline, []byte("patchbay")) || !bytes.Contains(cmdline, []byte("daemon")) {
		return 0
	}
	return info.PID
}

// killer is a loopback proxy in front of a provider fake that SIGKILLs the
// daemon at random provider calls: before the call reaches the provider,
// or after the provider acted but before its answer gets back.
type killer struct {
	home  string
	every int // a kill every 1..every calls

	mu        sync.Mutex
	rng       *rand.Rand
	armed     bool
	countdown int

	calls, before, after atomic.Int64

	// killing is held from just before a SIGKILL until the daemon is dead;
	// epoch (kills begun) moves under it. kills waits for a kill in
	// progress, so a command that starts while one is under way starts
	// after the daemon died, and a command cut by a kill always sees the
	// epoch moved, however late the killing goroutine gets the CPU back.
	killing sync.Mutex
	epoch   int64
}

// kills is the number of kills begun so far; an operation during which it
// changes may fail.
func (k *killer) kills() int64 {
	k.killing.Lock()
	defer k.killing.Unlock()
	return k.epoch
}

func (k *killer) arm(on bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.armed = on
	k.countdown = 1 + k.rng.IntN(k.every)
}

// decide says whether this call kills the daemon, and when: 1 before, 2 after.
func (k *killer) decide() int {
	k.calls.Add(1)
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.armed {
		return 0
	}
	if k.countdown--; k.countdown > 0 {
		return 0
	}
	k.countdown = 1 + k.rng.IntN(k.every)
	return 1 + k.rng.IntN(2)
}

func (k *killer) kill(when int) {
	pid := daemonPID(k.home)
	if pid == 0 {
		return
	}
	k.killing.Lock()
	defer k.killing.Unlock()
	k.epoch++
	if syscall.Kill(pid, syscall.SIGKILL) != nil {
		return
	}
	if when == 1 {
		k.before.Add(1)
	} else {
		k.after.Add(1)
	}
	// The listener closes with the process; wait for it so the daemon
	// cannot answer anything more.
	for i := 0; i < 200 && syscall.Kill(pid, 0) == nil; i++ {
		if st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil && bytes.Contains(st, []byte(") Z ")) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (k *killer) proxy(t *testing.T, target string) string {
	t.Helper()
	base, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		when := k.decide()
		if when == 1 {
			k.kill(when)
			http.Error(w, "killed", http.StatusBadGateway)
			return
		}
		out := r.Clone(r.Context())
		out.RequestURI = ""
		out.URL.Scheme, out.URL.Host = base.Scheme, base.Host
		out.URL.Path = strings.TrimRight(base.Path, "/") + r.URL.Path
		out.Host = base.Host
		resp, err := tr.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if when == 2 {
			k.kill(when)
		}
		for h, vs := range resp.Header {
			w.Header()[h] = vs
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(tr.CloseIdleConnections)
	return srv.URL
}

// soakWorkspace is one workspace of the kill loop and what it should end as.
type soakWorkspace struct {
	i        int
	root     string
	version  int
	frontend string
	present  bool // applied (true) or destroyed (false) last
}

func (w *soakWorkspace) host() string { return fmt.Sprintf("w%d-v%d.example.net", w.i, w.version) }

// soakTally is what the kill loop counts.
type soakTally struct {
	rounds, applies, urlChanges, destroys, interrupted atomic.Int64
	mu                                                 sync.Mutex
	errors                                             []string
}

func (s *soakTally) fail(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.errors) < 20 {
		s.errors = append(s.errors, fmt.Sprintf(format, args...))
	}
}

// TestSoakKillLoop applies, changes URLs and destroys two workspaces at
// once through the real daemon while a proxy in front of the fakes
// SIGKILLs it at random provider calls; the CLI starts a new daemon on the
// next command. In epochs it stops killing, converges every workspace and
// checks the fakes: 0 duplicated resources, 0 orphans, 0 lost secrets.
func TestSoakKillLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binaries and kills daemons")
	}
	budget, long := soakBudget(t)
	if !long {
		t.Parallel()
	}
	maxRounds := soakLimit(t, "PATCHBAY_SOAK_ROUNDS", 100000)
	f := startFakes(t)
	k := &killer{every: 12, rng: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 17))}
	home, pb := soakHome(t, f, map[string]string{
		"PATCHBAY_ENDPOINT_AUTH0":  k.proxy(t, f.Env["PATCHBAY_ENDPOINT_AUTH0"]),
		"PATCHBAY_ENDPOINT_STRIPE": k.proxy(t, f.Env["PATCHBAY_ENDPOINT_STRIPE"]),
	})
	k.home = home
	wss := make([]*soakWorkspace, 2)
	for i := range wss {
		w := &soakWorkspace{i: i, root: filepath.Join(t.TempDir(), fmt.Sprintf("shop%d", i))}
		copyDir(t, filepath.Join("..", "..", "testdata", "provision", "shop"), w.root)
		w.frontend = "https://" + w.host()
		if out, err := pb("env", "create", "soak", "--workspace", w.root, "--frontend-url", w.frontend); err != nil {
			t.Fatalf("env create: %v\n%s", err, out)
		}
		wss[i] = w
	}

	var tally soakTally
	var checks, resources, secrets int
	var dups, orphans, lost, drift int
	start := time.Now()
	deadline := start.Add(budget)
	epoch := 20 * time.Second
	if !long {
		epoch = budget
	}
	for time.Now().Before(deadline) && tally.rounds.Load() < int64(maxRounds) {
		until := time.Now().Add(epoch)
		if until.After(deadline) {
			until = deadline
		}
		k.arm(true)
		var wg sync.WaitGroup
		for _, w := range wss {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(w.i)))
				for time.Now().Before(until) && tally.rounds.Add(1) <= int64(maxRounds) {
					soakRound(pb, k, w, rng, &tally)
				}
			})
		}
		wg.Wait()
		k.arm(false)
		for _, w := range wss {
			drift += soakConverge(t, pb, w)
		}
		d, o, l, r, s := soakCheck(t, pb, f, wss)
		dups, orphans, lost = dups+d, orphans+o, lost+l
		checks, resources, secrets = checks+1, resources+r, secrets+s
	}
	tally.mu.Lock()
	for _, e := range tally.errors {
		t.Error(e)
	}
	tally.mu.Unlock()
	if dups+orphans+lost > 0 {
		t.Errorf("%d duplicated resources, %d orphans, %d lost secrets", dups, orphans, lost)
	}
	t.Logf("kill loop: %s, 2 workspaces: %d rounds (%d applies, %d URL changes, %d destroys, %d interrupted by a kill), %d provider calls, %d SIGKILLs (%d before a call reached the provider, %d after it acted), %d convergence checks of %d resources and %d secrets: %d duplicated, %d orphans, %d lost secrets, %d unexpected errors; %d converging applies that succeeded with changes left",
		time.Since(start).Round(time.Second), min(tally.rounds.Load(), int64(maxRounds)), tally.applies.Load(), tally.urlChanges.Load(), tally.destroys.Load(), tally.interrupted.Load(),
		k.calls.Load(), k.before.Load()+k.after.Load(), k.before.Load(), k.after.Load(), checks, resources, secrets, dups, orphans, lost, len(tally.errors), drift)
}

// soakRound is one random operation of w: apply, URL change and apply, or
// destroy. A command that fails is an error unless a kill happened while it
// ran.
func soakRound(pb func(...string) (string, error), k *killer, w *soakWorkspace, rng *rand.Rand, tally *soakTally) {
	run := func(what string, args ...string) bool {
		before := k.kills()
		out, err := pb(args...)
		if err == nil {
			return true
		}
		if k.kills() != before {
			tally.interrupted.Add(1)
			return false
		}
		tally.fail("workspace %d: %s: %v\n%s", w.i, what, err, out)
		return false
	}
	switch r := rng.IntN(10); {
	case r < 5:
		w.present = true
		if run("apply", "apply", "--workspace", w.root, "--env", "soak", "--yes") {
			tally.applies.Add(1)
		}
	case r < 8:
		w.version++
		w.frontend, w.present = "https://"+w.host(), true
		if run("set-url", "env", "set-url", "soak", "--workspace", w.root, "--frontend-url", w.frontend) &&
			run("apply after a URL change", "apply", "--workspace", w.root, "--env", "soak", "--yes") {
			tally.urlChanges.Add(1)
		}
	default:
		w.present = false
		if run("destroy", "destroy", "--workspace", w.root, "--env", "soak", "--yes") {
			tally.destroys.Add(1)
		}
	}
}

// soakConverge brings w to what its last operation wanted, with no kills,
// until a plan has nothing to do. It returns how many of its applies or
// destroys reported success yet left a plan with changes (an interrupted
// create finished by finding the object, whose old properties stay until
// the next apply: see docs/reliability.md).
func soakConverge(t *testing.T, pb func(...string) (string, error), w *soakWorkspace) (drift int) {
	t.Helper()
	op := []string{"destroy", "--workspace", w.root, "--env", "soak", "--yes"}
	check := []string{"plan", "--destroy", "--workspace", w.root, "--env", "soak"}
	if w.present {
		if out, err := pb("env", "set-url", "soak", "--workspace", w.root, "--frontend-url", w.frontend); err != nil {
			t.Fatalf("workspace %d: set-url after the kills: %v\n%s", w.i, err, out)
		}
		op = []string{"apply", "--workspace", w.root, "--env", "soak", "--yes"}
		check = []string{"plan", "--workspace", w.root, "--env", "soak"}
	}
	for attempt := 0; ; attempt++ {
		out, err := pb(op...)
		plan, perr := "", error(nil)
		if err == nil {
			if plan, perr = pb(check...); perr == nil && strings.Contains(plan, "Nothing to do") {
				return drift
			}
			drift++
			t.Logf("workspace %d: %s succeeded but the next plan has changes:\n%s\nthen %s: %v\n%s", w.i, op[0], out, check[0], perr, plan)
		}
		if attempt == 3 {
			t.Fatalf("workspace %d: not converged after %d tries of %s: %v\n%s\n%s", w.i, attempt+1, op[0], err, out, plan)
		}
	}
}

// soakCheck counts, at the fakes, duplicated resources (more than one per
// workspace and kind), orphans (resources of a destroyed workspace or of
// none, or at an old URL) and lost secrets (the daemon's value is not the
// provider's), and how many resources and secrets it looked at.
func soakCheck(t *testing.T, pb func(...string) (string, error), f *fakesProcess, wss []*soakWorkspace) (dups, orphans, lost, resources, secrets int) {
	t.Helper()
	st := f.state(t)
	owner := func(raw string) (int, string) {
		u, err := url.Parse(raw)
		if err != nil {
			return -1, ""
		}
		var i, v int
		if _, err := fmt.Sscanf(u.Hostname(), "w%d-v%d.example.net", &i, &v); err != nil || i < 0 || i >= len(wss) {
			return -1, u.Hostname()
		}
		return i, u.Hostname()
	}
	type found struct{ ids, secrets []string }
	stripe, auth0 := map[int]*found{}, map[int]*found{}
	add := func(m map[int]*found, raw, id, secret string) {
		resources++
		i, host := owner(raw)
		if i < 0 || !wss[i].present || host != wss[i].host() {
			t.Logf("orphan %s at %s", id, raw)
			orphans++
			return
		}
		if m[i] == nil {
			m[i] = &found{}
		}
		m[i].ids, m[i].secrets = append(m[i].ids, id), append(m[i].secrets, secret)
	}
	for _, e := range st.StripeEndpoints {
		add(stripe, e.URL, e.ID, e.Secret)
	}
	for _, a := range st.Auth0Apps {
		cb := ""
		if len(a.Callbacks) > 0 {
			cb = a.Callbacks[0]
		}
		add(auth0, cb, a.ClientID, a.ClientSecret)
	}
	for _, w := range wss {
		if !w.present {
			continue
		}
		out, err := pb("env", "--workspace", w.root, "--env", "soak", "--format", "json")
		var vars map[string]string
		if err != nil || json.Unmarshal([]byte(out), &vars) != nil {
			t.Fatalf("workspace %d: env: %v\n%s", w.i, err, out)
		}
		for kind, m := range map[string]*found{"stripe": stripe[w.i], "auth0": auth0[w.i]} {
			if m == nil {
				t.Errorf("workspace %d: no %s resource after converging", w.i, kind)
				continue
			}
			dups += len(m.ids) - 1
			secrets++
			want := vars["STRIPE_WEBHOOK_SECRET"]
			if kind == "auth0" {
				want = vars["AUTH0_CLIENT_SECRET"]
			}
			if want == "" || !containsString(m.secrets, want) {
				t.Logf("workspace %d: the daemon's %s secret is not the provider's", w.i, kind)
				lost++
			}
		}
	}
	return dups, orphans, lost, resources, secrets
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestSoakLoad has many clients call the real daemon over its socket at
// once (reads, plans, variables, the system map, event subscribers) against
// the fakes for the soak budget or PATCHBAY_SOAK_CALLS calls, sampling the
// daemon's resident memory and open files: 0 errors, and memory and file
// descriptors flat between the first and the last third of the run.
func TestSoakLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binaries and starts a daemon")
	}
	budget, long := soakBudget(t)
	if !long {
		t.Parallel()
	}
	maxCalls := int64(soakLimit(t, "PATCHBAY_SOAK_CALLS", 50_000_000))
	clients, watchers := 50, 5
	if !long {
		clients = 10
	}
	f := startFakes(t)
	home, pb := soakHome(t, f, map[string]string{
		"PATCHBAY_ENDPOINT_AUTH0": f.Env["PATCHBAY_ENDPOINT_AUTH0"], "PATCHBAY_ENDPOINT_STRIPE": f.Env["PATCHBAY_ENDPOINT_STRIPE"]})
	var roots []string
	for i := range 2 {
		root := filepath.Join(t.TempDir(), fmt.Sprintf("shop%d", i))
		copyDir(t, filepath.Join("..", "..", "testdata", "provision", "shop"), root)
		if out, err := pb("env", "create", "soak", "--workspace", root, "--frontend-url", fmt.Sprintf("https://w%d-v0.example.net", i)); err != nil {
			t.Fatalf("env create: %v\n%s", err, out)
		}
		if out, err := pb("apply", "--workspace", root, "--env", "soak", "--yes"); err != nil {
			t.Fatalf("apply: %v\n%s", err, out)
		}
		roots = append(roots, root)
	}
	info, err := daemon.ReadInfo(home)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(info)

	var calls, errs, events atomic.Int64
	var mu sync.Mutex
	var firstErrs []string
	type stat struct {
		n     int
		total time.Duration
	}
	byMethod := map[string]stat{}
	fail := func(what string, err error) {
		errs.Add(1)
		mu.Lock()
		defer mu.Unlock()
		if len(firstErrs) < 5 {
			firstErrs = append(firstErrs, what+": "+err.Error())
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	deadline := start.Add(budget)
	var samples []usage
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for time.Now().Before(deadline) {
			if s, ok := daemonUsage(info.PID); ok {
				samples = append(samples, s)
			}
			<-tick.C
		}
	}()
	var wg sync.WaitGroup
	for range watchers {
		wg.Go(func() {
			wctx, wcancel := context.WithDeadline(ctx, deadline)
			defer wcancel()
			stream, err := c.Daemon.WatchEvents(wctx, connect.NewRequest(&patchbayv1.WatchEventsRequest{}))
			if err != nil {
				fail("WatchEvents", err)
				return
			}
			defer stream.Close()
			for stream.Receive() {
				events.Add(1)
			}
			if err := stream.Err(); err != nil && wctx.Err() == nil {
				fail("WatchEvents", err)
			}
		})
	}
	for n := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(n), 23))
			for time.Now().Before(deadline) && calls.Add(1) <= maxCalls {
				root := roots[rng.IntN(len(roots))]
				var err error
				what := ""
				t0 := time.Now()
				switch r := rng.IntN(20); {
				case r == 0:
					what = "Plan"
					_, err = c.Provision.Plan(ctx, connect.NewRequest(&patchbayv1.PlanRequest{WorkspaceRoot: root, Environment: "soak"}))
				case r < 4:
					what = "GetEnvironmentVariables"
					_, err = c.Environment.GetEnvironmentVariables(ctx, connect.NewRequest(&patchbayv1.GetEnvironmentVariablesRequest{WorkspaceRoot: root, Environment: "soak", IncludeValues: true}))
				case r < 6:
					what = "GetSystemMap"
					_, err = c.Provision.GetSystemMap(ctx, connect.NewRequest(&patchbayv1.GetSystemMapRequest{WorkspaceRoot: root, Environment: "soak"}))
				case r < 9:
					what = "ListCredentials"
					_, err = c.Credentials.ListCredentials(ctx, connect.NewRequest(&patchbayv1.ListCredentialsRequest{}))
				case r < 12:
					what = "ListProviders"
					_, err = c.Credentials.ListProviders(ctx, connect.NewRequest(&patchbayv1.ListProvidersRequest{}))
				case r < 16:
					what = "ListEnvironments"
					_, err = c.Environment.ListEnvironments(ctx, connect.NewRequest(&patchbayv1.ListEnvironmentsRequest{WorkspaceRoot: root}))
				default:
					what = "Version"
					_, err = c.Daemon.Version(ctx, connect.NewRequest(&patchbayv1.VersionRequest{}))
				}
				if err != nil {
					fail(what, err)
				}
				mu.Lock()
				st := byMethod[what]
				st.n++
				st.total += time.Since(t0)
				byMethod[what] = st
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	<-sampled
	n := min(calls.Load(), maxCalls)
	for _, e := range firstErrs {
		t.Error(e)
	}
	if len(samples) < 6 {
		t.Fatalf("only %d memory samples", len(samples))
	}
	third := len(samples) / 3
	peak := func(ss []usage) (rss int64, fds int) {
		for _, s := range ss {
			rss, fds = max(rss, s.rss), max(fds, s.fds)
		}
		return rss, fds
	}
	firstRSS, firstFDs := peak(samples[:third])
	lastRSS, lastFDs := peak(samples[len(samples)-third:])
	// Flat: the last third's peak within a quarter (and 16 MiB, the Go
	// heap's own slack) of the first third's, and no descriptors leaking.
	if lastRSS > firstRSS*5/4+16<<10 {
		t.Errorf("daemon memory grew: peak RSS %d KiB in the first third, %d KiB in the last", firstRSS, lastRSS)
	}
	if lastFDs > firstFDs+16 {
		t.Errorf("daemon file descriptors grew: %d in the first third, %d in the last", firstFDs, lastFDs)
	}
	var methods []string
	for m, st := range byMethod {
		methods = append(methods, fmt.Sprintf("%s %d (mean %s)", m, st.n, (st.total/time.Duration(st.n)).Round(100*time.Microsecond)))
	}
	slices.Sort(methods)
	t.Logf("load calls: %s", strings.Join(methods, ", "))
	if out, err := pb("plan", "--workspace", roots[0], "--env", "soak"); err != nil || !strings.Contains(out, "Nothing to do") {
		t.Errorf("after the load the plan has changes: %v\n%s", err, out)
	}
	t.Logf("load: %s, %d clients and %d event subscribers: %d calls (%.0f/s), %d errors, %d events; daemon RSS %d MiB peak in the first third, %d MiB in the last (start %d MiB, end %d MiB), open files %d → %d",
		elapsed.Round(time.Second), clients, watchers, n, float64(n)/elapsed.Seconds(), errs.Load(), events.Load(),
		firstRSS>>10, lastRSS>>10, samples[0].rss>>10, samples[len(samples)-1].rss>>10, firstFDs, lastFDs)
}

type usage struct {
	rss int64 // KiB
	fds int
}

// daemonUsage reads a process's resident memory and open descriptors.
func daemonUsage(pid int) (usage, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return usage{}, false
	}
	var u usage
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			u.rss, _ = strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return usage{}, false
	}
	u.fds = len(fds)
	return u, true
}
