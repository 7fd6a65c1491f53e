package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/patchbay-dev/patchbay/store"
)

// Approvals lets a tool that may not apply on its own (the MCP server, an
// agent) ask the user to approve a plan. The request is published (the
// daemon puts it on the event stream); the editor or the CLI answers it.
// Approving a request applies nothing: the requester applies the plan it
// asked about once it hears the answer.
type Approvals struct {
	engine  *Engine
	timeout time.Duration
	now     func() time.Time

	mu      sync.Mutex
	pending map[string]*approvalWait
	events  ApprovalEvents
}

// ApprovalRequest is one open request.
type ApprovalRequest struct {
	ID, PlanID, WorkspaceRoot, Environment string
	Team                                   string // the plan's environment's
	Destroy                                bool
	Requester                              string
	Summary                                string
	ExpiresAt                              time.Time
}

// ApprovalOutcome is how a request closed.
type ApprovalOutcome string

// Outcomes of an approval request.
const (
	ApprovalApproved ApprovalOutcome = "approved"
	ApprovalDenied   ApprovalOutcome = "denied"
	ApprovalTimeout  ApprovalOutcome = "timeout"
	ApprovalCanceled ApprovalOutcome = "canceled"
)

// ApprovalEvents receives request openings and closings.
type ApprovalEvents interface {
	ApprovalOpened(ApprovalRequest)
	ApprovalClosed(id string, outcome ApprovalOutcome)
}

// ErrApprovalNotFound means no open approval request has that id.
var ErrApprovalNotFound = errors.New("engine: no open approval request with that id (it was answered, timed out or its requester went away)")

// ErrNothingToApprove means the plan changes nothing or was applied already.
var ErrNothingToApprove = errors.New("engine: the plan has nothing left to approve")

// DefaultApprovalTimeout is how long a request waits for the user.
const DefaultApprovalTimeout = 5 * time.Minute

type approvalWait struct {
	req  ApprovalRequest
	done chan ApprovalOutcome // buffered, receives once
}

// NewApprovals returns an empty request registry for plans of e.
func NewApprovals(e *Engine, events ApprovalEvents) *Approvals {
	return &Approvals{engine: e, timeout: DefaultApprovalTimeout, now: time.Now, pending: map[string]*approvalWait{}, events: events}
}

// Request opens an approval request for a stored plan and waits for the
// answer, the timeout (0: DefaultApprovalTimeout) or the end of ctx.
func (a *Approvals) Request(ctx context.Context, planID, requester string, timeout time.Duration) (string, ApprovalOutcome, error) {
	p, state, err := a.engine.LoadPlan(ctx, planID)
	if err != nil {
		return "", "", err
	}
	if state != store.PlanPending || !p.HasChanges() {
		return "", "", fmt.Errorf("%w: plan %s is %s", ErrNothingToApprove, planID, orNone(state))
	}
	if timeout <= 0 {
		timeout = a.timeout
	}
	if requester == "" {
		requester = "a tool"
	}
	b := make([]byte, 6)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+: it crashes instead)
	w := &approvalWait{
		req: ApprovalRequest{ID: "apr_" + hex.EncodeToString(b), Team: teamOrDefault(ctx), PlanID: p.ID, WorkspaceRoot: p.WorkspaceRoot, Environment: p.Environment,
			Destroy: p.Destroy, Requester: requester, Summary: p.Summary(), ExpiresAt: a.now().Add(timeout).UTC()},
		done: make(chan ApprovalOutcome, 1),
	}
	a.mu.Lock()
	a.pending[w.req.ID] = w
	a.mu.Unlock()
	a.events.ApprovalOpened(w.req)

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case o := <-w.done:
		return w.req.ID, o, nil
	case <-timer.C:
		a.close(w.req.ID, ApprovalTimeout)
		return w.req.ID, ApprovalTimeout, nil
	case <-ctx.Done():
		a.close(w.req.ID, ApprovalCanceled)
		return w.req.ID, ApprovalCanceled, ctx.Err()
	}
}

// Answer approves or denies an open request of ctx's team (WithTeam);
// another team's is not found.
func (a *Approvals) Answer(ctx context.Context, id string, approve bool) error {
	o := ApprovalDenied
	if approve {
		o = ApprovalApproved
	}
	a.mu.Lock()
	w, ok := a.pending[id]
	a.mu.Unlock()
	if !ok || w.req.Team != teamOrDefault(ctx) {
		return ErrApprovalNotFound
	}
	w, ok = a.close(id, o)
	if !ok {
		return ErrApprovalNotFound
	}
	w.done <- o
	return nil
}

// Pending returns the open requests, oldest expiry first: of every team
// when team is "", else of that team only.
func (a *Approvals) Pending(team string) []ApprovalRequest {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]ApprovalRequest, 0, len(a.pending))
	for _, w := range a.pending {
		if team == "" || w.req.Team == team {
			out = append(out, w.req)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ExpiresAt.Before(out[j].ExpiresAt) })
	return out
}

func (a *Approvals) close(id string, o ApprovalOutcome) (*approvalWait, bool) {
	a.mu.Lock()
	w, ok := a.pending[id]
	delete(a.pending, id)
	a.mu.Unlock()
	if ok {
		a.engine.log.Info("approval request closed", "id", id, "plan", w.req.PlanID, "outcome", string(o))
		a.events.ApprovalClosed(id, o)
	}
	return w, ok
}
