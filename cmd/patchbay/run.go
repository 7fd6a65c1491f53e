package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

func newRunCmd() *cobra.Command {
	var wf workspaceFlags
	var service string
	var watch, keepEndpoints bool
	var interval time.Duration
	cmd := &cobra.Command{
		Use:   "run [--env NAME] [--service DIR] [--watch] -- CMD [ARGS...]",
		Short: "Run a command with the environment's variables injected",
		Long: `Run a command with the variables Patchbay provides for an environment,
under the names the code reads. The child gets your environment minus
Patchbay's own variables (PATCHBAY_*: the keyring passphrase, tokens and
endpoint overrides; --keep-endpoints keeps PATCHBAY_ENDPOINT_*), with the
app's variables over it; nothing is written to disk.

Where the environment's URL cannot be reached by Stripe, Patchbay starts
` + "`stripe listen --forward-to <route>`" + ` (when the Stripe CLI is installed),
captures the whsec_ it prints and injects it.

With --watch, the command is restarted when a value it gets changes (a
rotated secret, a changed URL, a new apply): patchbay follows the daemon's
event stream and checks the values again on every event that may change
them. While the stream is down it checks every --watch-interval and
reconnects with backoff.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root, c, err := wf.open(cmd.Context())
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			r := &runner{cmd: cmd, c: c, root: root, env: wf.env, service: service, args: args, keepEndpoints: keepEndpoints, captured: map[string]string{}}
			defer r.stopForwarders()
			vals, err := r.values(ctx, true)
			if err != nil {
				return err
			}
			var feed *changeFeed
			if watch {
				feed = newChangeFeed()
				go r.follow(ctx, feed)
			}
			for {
				child, done, err := r.start(vals)
				if err != nil {
					return err
				}
				if !watch {
					select {
					case err := <-done:
						return childResult(args[0], err)
					case <-ctx.Done():
						return childResult(args[0], stopChild(child, done))
					}
				}
				next, changed, err := r.waitChange(ctx, vals, done, feed, interval)
				if err != nil {
					return err
				}
				if next == nil { // the child exited, or we were stopped
					if ctx.Err() != nil {
						return childResult(args[0], stopChild(child, done))
					}
					return childResult(args[0], <-done)
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "patchbay: %s changed; restarting %s\n", strings.Join(changed, ", "), args[0])
				if err := stopChild(child, done); err != nil && !isSignalExit(err) {
					fmt.Fprintf(cmd.ErrOrStderr(), "patchbay: %s stopped: %v\n", args[0], err)
				}
				vals = next
			}
		},
	}
	wf.add(cmd)
	cmd.Flags().StringVar(&service, "service", "", "only this service's variables (its directory); all services when empty")
	cmd.Flags().BoolVar(&watch, "watch", false, "restart the command when a value it gets changes")
	cmd.Flags().DurationVar(&interval, "watch-interval", 2*time.Second, "how often --watch checks the values while the daemon's event stream is down")
	cmd.Flags().BoolVar(&keepEndpoints, "keep-endpoints", false, "pass PATCHBAY_ENDPOINT_* (provider endpoint overrides) to the command")
	// Flags after CMD belong to CMD.
	cmd.Flags().SetInterspersed(false)
	return cmd
}

type runner struct {
	cmd           *cobra.Command
	c             *client
	root, env     string
	service       string
	args          []string
	keepEndpoints bool
	// captured holds the secrets local forwarders printed, by forward URL.
	captured   map[string]string
	forwarders []*exec.Cmd
}

// values fetches the contract and resolves it to the child's variables,
// starting local forwarders the first time they are needed.
func (r *runner) values(ctx context.Context, first bool) (map[string]string, error) {
	vars, err := fetchVariables(ctx, r.c, r.root, r.env, r.service, true)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	from := map[string]string{}
	for _, v := range vars {
		val, ok := v.GetValue(), v.GetProvided()
		if f := v.GetForward(); f != nil && v.GetKind() == patchbayv1.VariableSource_VARIABLE_SOURCE_LOCAL_FORWARD {
			val, ok, err = r.forwarded(ctx, f, first)
			if err != nil {
				return nil, err
			}
			if !ok && first {
				fmt.Fprintf(r.cmd.ErrOrStderr(), "patchbay: note: %s is not provided: %s\n", v.GetName(), v.GetFix())
			}
		} else if !ok && first && !v.GetSatisfied() {
			fmt.Fprintf(r.cmd.ErrOrStderr(), "patchbay: note: %s (service %s) is not provided: %s; fix: %s\n", v.GetName(), v.GetService(), v.GetSource(), v.GetFix())
		}
		if !ok {
			continue
		}
		if prev, dup := out[v.GetName()]; dup && prev != val {
			if first {
				fmt.Fprintf(r.cmd.ErrOrStderr(), "patchbay: note: %s differs between services %s and %s; using %s's (pass --service)\n", v.GetName(), from[v.GetName()], v.GetService(), from[v.GetName()])
			}
			continue
		}
		out[v.GetName()], from[v.GetName()] = val, v.GetService()
	}
	return out, nil
}

var whsec = regexp.MustCompile(`whsec_[A-Za-z0-9]+`)

// forwarded returns the secret a local forwarder printed, starting it when
// it is not running yet.
func (r *runner) forwarded(ctx context.Context, f *patchbayv1.LocalForward, first bool) (string, bool, error) {
	if s, ok := r.captured[f.GetForwardTo()]; ok {
		return s, true, nil
	}
	if len(f.GetCommand()) == 0 || !first {
		return "", false, nil
	}
	exe, err := exec.LookPath(f.GetCommand()[0])
	if err != nil {
		return "", false, nil
	}
	fc := exec.Command(exe, f.GetCommand()[1:]...)
	fc.Env = childEnv(os.Environ(), f.GetEnv(), false)
	fc.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	pr, pw := io.Pipe()
	fc.Stdout, fc.Stderr = pw, pw
	if err := fc.Start(); err != nil {
		return "", false, fmt.Errorf("start %s: %w", strings.Join(f.GetCommand(), " "), err)
	}
	r.forwarders = append(r.forwarders, fc)
	exited := make(chan struct{})
	go func() { _ = fc.Wait(); pw.Close(); close(exited) }()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			if m := whsec.FindString(line); m != "" && !sent {
				found <- m
				sent = true
				continue
			}
			if sent {
				fmt.Fprintf(r.cmd.ErrOrStderr(), "%s: %s\n", f.GetProvider(), line)
			}
		}
		if !sent {
			close(found)
		}
	}()
	select {
	case s, ok := <-found:
		if !ok {
			return "", false, fmt.Errorf("%s exited without printing a webhook signing secret", strings.Join(f.GetCommand(), " "))
		}
		r.captured[f.GetForwardTo()] = s
		fmt.Fprintf(r.cmd.ErrOrStderr(), "patchbay: %s forwards events to %s (%s)\n", f.GetProvider(), f.GetForwardTo(), strings.Join(f.GetCommand()[:2], " "))
		return s, true, nil
	case <-time.After(60 * time.Second):
		return "", false, fmt.Errorf("%s printed no webhook signing secret within 60s", strings.Join(f.GetCommand(), " "))
	case <-ctx.Done():
		return "", false, ctx.Err()
	}
}

func (r *runner) stopForwarders() {
	for _, f := range r.forwarders {
		if f.Process != nil {
			_ = syscall.Kill(-f.Process.Pid, syscall.SIGTERM)
		}
	}
}

func (r *runner) start(vals map[string]string) (*exec.Cmd, chan error, error) {
	child := exec.Command(r.args[0], r.args[1:]...)
	child.Env = childEnv(os.Environ(), vals, r.keepEndpoints)
	child.Stdin, child.Stdout, child.Stderr = r.cmd.InOrStdin(), r.cmd.OutOrStdout(), r.cmd.ErrOrStderr()
	// Its own process group, so a restart stops everything it started
	// (npm run dev → node).
	child.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := child.Start(); err != nil {
		return nil, nil, fmt.Errorf("run %s: %w", r.args[0], err)
	}
	done := make(chan error, 1)
	go func() { done <- child.Wait() }()
	return child, done, nil
}

// changeFeed is what the event stream tells the restart loop: kick has a
// value when the values should be checked again (kicks coalesce), live is
// set while the stream is up (the poll is then not needed).
type changeFeed struct {
	kick chan struct{}
	live atomic.Bool
	// The reconnect backoff of the stream.
	minBackoff, maxBackoff time.Duration
}

func newChangeFeed() *changeFeed {
	return &changeFeed{kick: make(chan struct{}, 1), minBackoff: 250 * time.Millisecond, maxBackoff: 30 * time.Second}
}

func (f *changeFeed) poke() {
	select {
	case f.kick <- struct{}{}:
	default: // a check is already due
	}
}

// follow subscribes to the daemon's event stream until ctx ends, poking
// feed on every event that may change the child's values, and reconnects
// with backoff when the stream ends (daemon restarted, subscriber dropped
// for falling behind). The first event of every subscription is a
// snapshot, which pokes too: what changed while the stream was down is
// caught then.
func (r *runner) follow(ctx context.Context, feed *changeFeed) {
	backoff := feed.minBackoff
	for {
		got, err := r.followOnce(ctx, feed)
		feed.live.Store(false)
		if ctx.Err() != nil {
			return
		}
		if got {
			backoff = feed.minBackoff
			fmt.Fprintf(r.cmd.ErrOrStderr(), "patchbay: the daemon's event stream ended (%v); reconnecting, checking the values meanwhile\n", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, feed.maxBackoff)
	}
}

// followOnce reads one subscription; got reports whether it delivered its
// snapshot (it was up).
func (r *runner) followOnce(ctx context.Context, feed *changeFeed) (got bool, err error) {
	stream, err := r.c.Daemon.WatchEvents(ctx, connect.NewRequest(&patchbayv1.WatchEventsRequest{}))
	if err != nil {
		return false, err
	}
	defer stream.Close()
	for stream.Receive() {
		ev := stream.Msg().GetEvent()
		if ev.GetSnapshot() != nil {
			got = true
			feed.live.Store(true)
		}
		if r.affects(ev) {
			feed.poke()
		}
	}
	if err := stream.Err(); err != nil {
		return got, err
	}
	return got, errors.New("the daemon closed it")
}

// affects tells whether ev may change a value the child gets: an edit of
// its environment (URLs, a value set, generated, rotated or deleted), a
// finished apply or destroy, a saved or deleted credential (the values
// derived from it), a new analysis of its workspace (what the code reads),
// or a snapshot (a new subscription).
func (r *runner) affects(ev *patchbayv1.Event) bool {
	switch p := ev.GetPayload().(type) {
	case *patchbayv1.Event_Snapshot, *patchbayv1.Event_CredentialsChanged:
		return true
	case *patchbayv1.Event_EnvironmentChanged:
		e := p.EnvironmentChanged
		return sameRoot(e.GetWorkspaceRoot(), r.root) && (r.env == "" || e.GetName() == r.env)
	case *patchbayv1.Event_AnalysisUpdated:
		return sameRoot(p.AnalysisUpdated.GetWorkspace().GetRoot(), r.root)
	case *patchbayv1.Event_Operation:
		op := p.Operation
		finished := op.GetState() == patchbayv1.OperationState_OPERATION_STATE_COMPLETED ||
			op.GetState() == patchbayv1.OperationState_OPERATION_STATE_FAILED ||
			op.GetState() == patchbayv1.OperationState_OPERATION_STATE_CANCELED
		return finished && (op.GetKind() == "apply" || op.GetKind() == "destroy")
	}
	return false
}

func sameRoot(a, b string) bool {
	return a != "" && filepath.Clean(a) == filepath.Clean(b)
}

// waitChange checks the values again whenever feed says they may have
// changed, and every interval while feed's stream is down (or always, with
// no feed), until one the child gets changes (returning the new values and
// the changed names), the child exits or ctx ends (nil).
func (r *runner) waitChange(ctx context.Context, cur map[string]string, done chan error, feed *changeFeed, every time.Duration) (map[string]string, []string, error) {
	t := time.NewTicker(every)
	defer t.Stop()
	var kick chan struct{}
	if feed != nil {
		kick = feed.kick
	}
	for {
		select {
		case err := <-done:
			done <- err // for the caller
			return nil, nil, nil
		case <-ctx.Done():
			return nil, nil, nil
		case <-kick:
		case <-t.C:
			if feed != nil && feed.live.Load() {
				continue // the stream says when to look
			}
		}
		next, err := r.values(ctx, false)
		if err != nil {
			if ctx.Err() != nil {
				return nil, nil, nil
			}
			fmt.Fprintf(r.cmd.ErrOrStderr(), "patchbay: cannot check the values: %v\n", err)
			continue
		}
		if changed := changedNames(cur, next); len(changed) > 0 {
			return next, changed, nil
		}
	}
}

// changedNames are the names whose values differ between cur and next,
// sorted.
func changedNames(cur, next map[string]string) []string {
	var changed []string
	for n, v := range next {
		if old, ok := cur[n]; !ok || old != v {
			changed = append(changed, n)
		}
	}
	for n := range cur {
		if _, ok := next[n]; !ok {
			changed = append(changed, n)
		}
	}
	sort.Strings(changed)
	return changed
}

// stopChild ends the child's process group: SIGTERM, then SIGKILL after 10s.
func stopChild(child *exec.Cmd, done chan error) error {
	_ = syscall.Kill(-child.Process.Pid, syscall.SIGTERM)
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-child.Process.Pid, syscall.SIGKILL)
		return <-done
	}
}

func isSignalExit(err error) bool {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return true
		}
	}
	return false
}

func childResult(name string, err error) error {
	if err == nil {
		return nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code := ee.ExitCode()
		if code < 0 {
			code = 130
		}
		return &exitError{code: code, err: fmt.Errorf("%s exited with status %d", name, code)}
	}
	return fmt.Errorf("run %s: %w", name, err)
}

// childEnv is the user's environment minus Patchbay's own variables (the
// keyring passphrase, tokens, endpoint overrides unless keepEndpoints),
// with vals over it.
func childEnv(base []string, vals map[string]string, keepEndpoints bool) []string {
	out := make([]string, 0, len(base)+len(vals))
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		if _, over := vals[name]; over {
			continue
		}
		if strings.HasPrefix(name, "PATCHBAY_") && !(keepEndpoints && strings.HasPrefix(name, "PATCHBAY_ENDPOINT_")) {
			continue
		}
		out = append(out, kv)
	}
	names := make([]string, 0, len(vals))
	for n := range vals {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		out = append(out, n+"="+vals[n])
	}
	return out
}
