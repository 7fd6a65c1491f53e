package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/gen/patchbay/v1/patchbayv1connect"
)

// watchDaemon serves the two calls `run --watch` makes: the contract
// (GetEnvironmentVariables, one variable whose value the test sets) and
// the event stream, which the test can refuse (down), end (drop) or feed.
type watchDaemon struct {
	patchbayv1connect.UnimplementedDaemonServiceHandler
	patchbayv1connect.UnimplementedEnvironmentServiceHandler
	mu     sync.Mutex
	value  string
	down   atomic.Bool
	events chan *patchbayv1.Event
	drop   chan struct{}
	calls  atomic.Int32 // GetEnvironmentVariables
}

func (d *watchDaemon) set(v string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.value = v
}

func (d *watchDaemon) GetEnvironmentVariables(context.Context, *connect.Request[patchbayv1.GetEnvironmentVariablesRequest]) (*connect.Response[patchbayv1.GetEnvironmentVariablesResponse], error) {
	d.calls.Add(1)
	d.mu.Lock()
	defer d.mu.Unlock()
	return connect.NewResponse(&patchbayv1.GetEnvironmentVariablesResponse{Satisfied: true, Variables: []*patchbayv1.EnvironmentVariable{
		{Name: "SESSION_SECRET", Value: d.value, Provided: true, Satisfied: true, Service: ".", Kind: patchbayv1.VariableSource_VARIABLE_SOURCE_GENERATED},
	}}), nil
}

func (d *watchDaemon) WatchEvents(ctx context.Context, _ *connect.Request[patchbayv1.WatchEventsRequest], s *connect.ServerStream[patchbayv1.WatchEventsResponse]) error {
	if d.down.Load() {
		return connect.NewError(connect.CodeUnavailable, errors.New("down"))
	}
	if err := s.Send(&patchbayv1.WatchEventsResponse{Event: &patchbayv1.Event{Payload: &patchbayv1.Event_Snapshot{Snapshot: &patchbayv1.Snapshot{}}}}); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-d.drop:
			return connect.NewError(connect.CodeResourceExhausted, errors.New("dropped"))
		case ev := <-d.events:
			if err := s.Send(&patchbayv1.WatchEventsResponse{Event: ev}); err != nil {
				return err
			}
		}
	}
}

func startWatchDaemon(t *testing.T) (*watchDaemon, *runner) {
	t.Helper()
	d := &watchDaemon{value: "v1", events: make(chan *patchbayv1.Event), drop: make(chan struct{})}
	mux := http.NewServeMux()
	mux.Handle(patchbayv1connect.NewDaemonServiceHandler(d))
	mux.Handle(patchbayv1connect.NewEnvironmentServiceHandler(d))
	hs := httptest.NewUnstartedServer(mux)
	hs.EnableHTTP2 = true
	hs.Start()
	t.Cleanup(hs.Close)
	cmd := &cobra.Command{}
	cmd.SetErr(&bytes.Buffer{})
	return d, &runner{cmd: cmd, c: clientsAt(hs.Client(), hs.URL), root: "/src/app", env: "local", args: []string{"true"}, captured: map[string]string{}}
}

type waitResult struct {
	next    map[string]string
	changed []string
	err     error
}

func waitAsync(ctx context.Context, r *runner, cur map[string]string, feed *changeFeed, every time.Duration) chan waitResult {
	ch := make(chan waitResult, 1)
	go func() {
		next, changed, err := r.waitChange(ctx, cur, make(chan error, 1), feed, every)
		ch <- waitResult{next, changed, err}
	}()
	return ch
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func expectChange(t *testing.T, ch chan waitResult, within time.Duration, want string) map[string]string {
	t.Helper()
	select {
	case res := <-ch:
		if res.err != nil || !slices.Equal(res.changed, []string{"SESSION_SECRET"}) || res.next["SESSION_SECRET"] != want {
			t.Fatalf("waitChange = %v, %v, %v; want SESSION_SECRET changed to %s", res.next, res.changed, res.err, want)
		}
		return res.next
	case <-time.After(within):
		t.Fatalf("no change seen within %s", within)
		return nil
	}
}

// TestWatchFollowsTheEventStream: with the poll an hour apart, an event for
// the run's environment makes it see a rotated value at once; events for
// other environments or workspaces fetch nothing.
func TestWatchFollowsTheEventStream(t *testing.T) {
	d, r := startWatchDaemon(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	feed := newChangeFeed()
	go r.follow(ctx, feed)
	waitFor(t, "the stream to be up", feed.live.Load)
	<-feed.kick // the snapshot's check is due; the values are those fetched below
	cur, err := r.values(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	before := d.calls.Load()
	for _, ev := range []*patchbayv1.EnvironmentChanged{{WorkspaceRoot: "/src/app", Name: "staging"}, {WorkspaceRoot: "/src/other", Name: "local"}} {
		d.events <- &patchbayv1.Event{Payload: &patchbayv1.Event_EnvironmentChanged{EnvironmentChanged: ev}}
	}
	d.set("v2")
	res := waitAsync(ctx, r, cur, feed, time.Hour)
	d.events <- &patchbayv1.Event{Payload: &patchbayv1.Event_EnvironmentChanged{EnvironmentChanged: &patchbayv1.EnvironmentChanged{WorkspaceRoot: "/src/app/", Name: "local"}}}
	expectChange(t, res, 5*time.Second, "v2")
	if n := d.calls.Load() - before; n != 1 {
		t.Errorf("%d contract fetches, want 1 (only the event for this environment)", n)
	}
}

// TestWatchPollsOnlyWhileTheStreamIsDown: while the daemon refuses the
// stream the values are polled; once it is back the poll stops and its
// snapshot, after a drop, catches what changed meanwhile.
func TestWatchPollsOnlyWhileTheStreamIsDown(t *testing.T) {
	d, r := startWatchDaemon(t)
	d.down.Store(true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	feed := newChangeFeed()
	feed.minBackoff, feed.maxBackoff = 20*time.Millisecond, 100*time.Millisecond
	go r.follow(ctx, feed)
	cur := map[string]string{"SESSION_SECRET": "v1"}

	// Down: the poll sees the rotation.
	d.set("v2")
	cur = expectChange(t, waitAsync(ctx, r, cur, feed, 100*time.Millisecond), 5*time.Second, "v2")

	// Back (reconnected with backoff): no poll, the next event tells.
	d.down.Store(false)
	waitFor(t, "the stream to reconnect", feed.live.Load)
	select {
	case <-feed.kick: // the snapshot's
	case <-time.After(5 * time.Second):
		t.Fatal("the reconnected stream's snapshot asked for no check")
	}
	d.set("v3")
	wctx, wcancel := context.WithCancel(ctx)
	res := waitAsync(wctx, r, cur, feed, 50*time.Millisecond)
	select {
	case got := <-res:
		t.Fatalf("polled while the stream was up: %v", got)
	case <-time.After(500 * time.Millisecond):
	}
	wcancel()
	<-res
	res = waitAsync(ctx, r, cur, feed, time.Hour)
	d.events <- &patchbayv1.Event{Payload: &patchbayv1.Event_CredentialsChanged{CredentialsChanged: &patchbayv1.CredentialsChanged{Provider: "stripe"}}}
	cur = expectChange(t, res, 5*time.Second, "v3")

	// Dropped, changed meanwhile, reconnected: the snapshot's check sees it.
	d.down.Store(true)
	close(d.drop)
	waitFor(t, "the drop to be noticed", func() bool { return !feed.live.Load() })
	d.set("v4")
	res = waitAsync(ctx, r, cur, feed, time.Hour)
	d.down.Store(false)
	expectChange(t, res, 5*time.Second, "v4")
}

func TestWatchAffects(t *testing.T) {
	r := &runner{root: "/src/app", env: "local"}
	op := func(kind string, st patchbayv1.OperationState) *patchbayv1.Event {
		return &patchbayv1.Event{Payload: &patchbayv1.Event_Operation{Operation: &patchbayv1.OperationProgress{Kind: kind, State: st}}}
	}
	envEv := func(root, name string) *patchbayv1.Event {
		return &patchbayv1.Event{Payload: &patchbayv1.Event_EnvironmentChanged{EnvironmentChanged: &patchbayv1.EnvironmentChanged{WorkspaceRoot: root, Name: name}}}
	}
	analysis := func(root string) *patchbayv1.Event {
		return &patchbayv1.Event{Payload: &patchbayv1.Event_AnalysisUpdated{AnalysisUpdated: &patchbayv1.AnalysisUpdated{Workspace: &patchbayv1.WorkspaceSummary{Root: root}}}}
	}
	for _, c := range []struct {
		name string
		ev   *patchbayv1.Event
		want bool
	}{
		{"snapshot", &patchbayv1.Event{Payload: &patchbayv1.Event_Snapshot{Snapshot: &patchbayv1.Snapshot{}}}, true},
		{"credentials", &patchbayv1.Event{Payload: &patchbayv1.Event_CredentialsChanged{CredentialsChanged: &patchbayv1.CredentialsChanged{Provider: "stripe"}}}, true},
		{"this environment", envEv("/src/app", "local"), true},
		{"another environment", envEv("/src/app", "prod"), false},
		{"another workspace", envEv("/src/shop", "local"), false},
		{"apply completed", op("apply", patchbayv1.OperationState_OPERATION_STATE_COMPLETED), true},
		{"destroy failed", op("destroy", patchbayv1.OperationState_OPERATION_STATE_FAILED), true},
		{"apply running", op("apply", patchbayv1.OperationState_OPERATION_STATE_RUNNING), false},
		{"analysis done", op("analyze", patchbayv1.OperationState_OPERATION_STATE_COMPLETED), false},
		{"this workspace analyzed", analysis("/src/app"), true},
		{"another workspace analyzed", analysis("/src/shop"), false},
		{"credential request", &patchbayv1.Event{Payload: &patchbayv1.Event_CredentialRequest{CredentialRequest: &patchbayv1.CredentialRequest{}}}, false},
	} {
		if got := r.affects(c.ev); got != c.want {
			t.Errorf("%s: affects = %v, want %v", c.name, got, c.want)
		}
	}
}
