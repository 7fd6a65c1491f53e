package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"
	"time"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/store"
)

// OperationInfo identifies a running apply or destroy for hooks.
type OperationInfo struct {
	ID     string
	Kind   string // "apply" or "destroy"
	PlanID string
	Done   int
	Total  int
}

// Hook receives progress. The engine serializes calls, so implementations
// need no locking; they must not block for long.
type Hook interface {
	OperationStarted(op OperationInfo)
	StepChanged(op OperationInfo, step Step, state patchbayv1.StepState, message string)
	// OperationFinished is called exactly once per operation, whatever
	// happens (unless the process dies).
	OperationFinished(op OperationInfo, state patchbayv1.OperationState, err error)
}

// BaseHook ignores everything; embed it to implement only what you need.
type BaseHook struct{}

func (BaseHook) OperationStarted(OperationInfo) {}
func (BaseHook) StepChanged(OperationInfo, Step, patchbayv1.StepState, string) {
}
func (BaseHook) OperationFinished(OperationInfo, patchbayv1.OperationState, error) {}

// ProgressHook turns hook calls into OperationProgress messages, the shape
// the API streams and the event bus carries.
func ProgressHook(fn func(*patchbayv1.OperationProgress)) Hook { return progressHook{fn} }

type progressHook struct {
	fn func(*patchbayv1.OperationProgress)
}

func (h progressHook) base(op OperationInfo) *patchbayv1.OperationProgress {
	return &patchbayv1.OperationProgress{OperationId: op.ID, Kind: op.Kind, Done: uint32(op.Done), Total: uint32(op.Total),
		State: patchbayv1.OperationState_OPERATION_STATE_RUNNING}
}

func (h progressHook) OperationStarted(op OperationInfo) {
	p := h.base(op)
	p.Message = fmt.Sprintf("%s started: %d steps", op.Kind, op.Total)
	h.fn(p)
}

func (h progressHook) StepChanged(op OperationInfo, s Step, st patchbayv1.StepState, msg string) {
	p := h.base(op)
	p.StepId, p.StepState, p.Message = s.ID, st, msg
	h.fn(p)
}

func (h progressHook) OperationFinished(op OperationInfo, st patchbayv1.OperationState, err error) {
	p := h.base(op)
	p.State = st
	p.Message = fmt.Sprintf("%s %s", op.Kind, opStateWord[st])
	if err != nil {
		p.Message += ": " + err.Error()
	}
	h.fn(p)
}

var opStateWord = map[patchbayv1.OperationState]string{
	patchbayv1.OperationState_OPERATION_STATE_COMPLETED: "completed",
	patchbayv1.OperationState_OPERATION_STATE_FAILED:    "failed",
	patchbayv1.OperationState_OPERATION_STATE_CANCELED:  "canceled",
}

// Result summarizes a finished operation.
type Result struct {
	OperationID string
	PlanID      string
	State       patchbayv1.OperationState
	// Failed maps step id to its error message.
	Failed map[string]string
}

// Apply executes a pending plan. Only the newest plan of an environment is
// pending, and approving it is a compare-and-swap, so a plan runs once.
func (e *Engine) Apply(ctx context.Context, planID string, hook Hook) (Result, error) {
	return e.applyPlan(ctx, planID, "apply", hook)
}

// Destroy plans the removal of everything the environment created (adopted
// objects are only forgotten) and applies it.
// The environment is locked before its destroy plan is made, so the plan
// sees everything a concurrent apply created.
func (e *Engine) Destroy(ctx context.Context, root, envName string, hook Hook) (Result, error) {
	clean, err := cleanRoot(root)
	if err != nil {
		return Result{}, err
	}
	env, err := e.environment(ctx, clean, envName)
	if err != nil {
		return Result{}, err
	}
	lctx, unlock, err := e.lockEnvironment(ctx, env.ID, envName, "destroy")
	if err != nil {
		return Result{}, err
	}
	defer unlock()
	p, err := e.Plan(lctx, root, envName, true)
	if err != nil {
		return Result{}, err
	}
	return e.applyLocked(lctx, p.ID, "destroy", hook)
}

func (e *Engine) applyPlan(ctx context.Context, planID, kind string, hook Hook) (Result, error) {
	plan, state, err := e.LoadPlan(ctx, planID)
	if err != nil {
		return Result{}, err
	}
	if state != store.PlanPending {
		return Result{}, fmt.Errorf("plan %s is %s, not pending; make a new plan: %w", planID, state, ErrConflict)
	}
	lctx, unlock, err := e.lockEnvironment(ctx, plan.EnvironmentID, plan.Environment, kind)
	if err != nil {
		return Result{}, err
	}
	defer unlock()
	return e.applyLocked(lctx, planID, kind, hook)
}

// applyLocked applies a plan whose environment lock the caller holds.
func (e *Engine) applyLocked(ctx context.Context, planID, kind string, hook Hook) (Result, error) {
	if hook == nil {
		hook = BaseHook{}
	}
	plan, state, err := e.LoadPlan(ctx, planID)
	if err != nil {
		return Result{}, err
	}
	if state != store.PlanPending {
		return Result{}, fmt.Errorf("plan %s is %s, not pending; make a new plan: %w", planID, state, ErrConflict)
	}
	if err := e.checkpoint("plan:approve"); err != nil {
		return Result{}, err
	}
	if err := e.st.BeginApply(ctx, planID); err != nil {
		switch {
		case errors.Is(err, store.ErrNotPending):
			return Result{}, fmt.Errorf("plan %s is no longer pending; make a new plan: %w", planID, ErrConflict)
		case errors.Is(err, store.ErrInUse):
			return Result{}, fmt.Errorf("another apply of environment %q is running; wait for it, then plan again: %w", plan.Environment, ErrConflict)
		}
		return Result{}, err
	}
	dbOp, err := e.st.StartOperation(ctx, store.Operation{Kind: kind, PlanID: planID})
	if err != nil {
		return Result{}, err
	}
	r := &run{e: e, hook: hook, plan: plan, info: OperationInfo{ID: dbOp.ID, Kind: kind, PlanID: planID, Total: len(plan.Steps)},
		creds: newCredCache(e.opts.Credentials), failed: map[string]string{}}
	return r.execute(ctx)
}

// run is one apply in progress.
type run struct {
	e     *Engine
	hook  Hook
	plan  *Plan
	creds *credCache

	mu     sync.Mutex // guards info, failed and hook calls
	info   OperationInfo
	failed map[string]string
}

func (r *run) stepEvent(s Step, st patchbayv1.StepState, msg string) {
	if r.e.dead.Load() {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if st == patchbayv1.StepState_STEP_STATE_DONE || st == patchbayv1.StepState_STEP_STATE_FAILED || st == patchbayv1.StepState_STEP_STATE_SKIPPED {
		r.info.Done++
	}
	r.hook.StepChanged(r.info, s, st, msg)
}

// execute is the operation helper: it always ends with exactly one final
// event and a recorded operation state, even on cancellation.
func (r *run) execute(ctx context.Context) (res Result, err error) {
	e := r.e
	r.hook.OperationStarted(r.info)
	e.audit(ctx, r.info.Kind+".start", "plan:"+r.plan.ID, fmt.Sprintf("environment=%s steps=%d", r.plan.Environment, len(r.plan.Steps)))
	defer func() {
		if e.dead.Load() {
			// A killed engine is a dead process: it writes and says nothing.
			err = ErrKilled
			return
		}
		st := patchbayv1.OperationState_OPERATION_STATE_COMPLETED
		planState, word := store.PlanApplied, "completed"
		switch {
		case ctx.Err() != nil:
			st, planState, word = patchbayv1.OperationState_OPERATION_STATE_CANCELED, store.PlanCanceled, "canceled"
			err = ctx.Err()
		case len(r.failed) > 0:
			st, planState, word = patchbayv1.OperationState_OPERATION_STATE_FAILED, store.PlanFailed, "failed"
			first := slices.Sorted(maps.Keys(r.failed))[0]
			err = fmt.Errorf("%d of %d steps failed; %s: %s", len(r.failed), len(r.plan.Steps), first, r.failed[first])
		}
		bg := context.WithoutCancel(ctx)
		if _, serr := e.st.SetPlanState(bg, r.plan.ID, planState); serr != nil {
			e.log.Error("record plan state", "plan", r.plan.ID, "err", serr)
		}
		// A plan someone made while this ran was computed from state this
		// apply has since changed: it is refused whole, not step by step.
		if serr := e.st.SupersedePending(bg, r.plan.EnvironmentID); serr != nil {
			e.log.Error("supersede stale plans", "environment", r.plan.Environment, "err", serr)
		}
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if serr := e.st.FinishOperation(bg, r.info.ID, word, msg); serr != nil {
			e.log.Error("record operation state", "operation", r.info.ID, "err", serr)
		}
		e.audit(bg, r.info.Kind+"."+word, "plan:"+r.plan.ID, msg)
		r.mu.Lock()
		r.hook.OperationFinished(r.info, st, err)
		r.mu.Unlock()
		res = Result{OperationID: r.info.ID, PlanID: r.plan.ID, State: st, Failed: r.failed}
		if st == patchbayv1.OperationState_OPERATION_STATE_COMPLETED {
			err = nil
		}
	}()

	r.walk(ctx)
	if !e.dead.Load() && ctx.Err() == nil && !r.plan.Destroy {
		if rerr := r.recordRelationships(context.WithoutCancel(ctx)); rerr != nil {
			e.log.Warn("record relationships", "err", rerr)
		}
	}
	return res, err
}

// walk runs every step once its dependencies are done, at most
// Parallelism provider-bound steps at a time. A step whose dependency failed
// or was skipped is skipped.
func (r *run) walk(ctx context.Context) {
	steps := r.plan.Steps
	idx := map[string]int{}
	for i, s := range steps {
		idx[s.ID] = i
	}
	done := make([]chan struct{}, len(steps))
	ok := make([]bool, len(steps))
	for i := range done {
		done[i] = make(chan struct{})
	}
	sem := make(chan struct{}, r.e.opts.Parallelism)
	var wg sync.WaitGroup
	for i := range steps {
		r.stepEvent(steps[i], patchbayv1.StepState_STEP_STATE_PENDING, "waiting")
	}
	for i := range steps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done[i])
			s := steps[i]
			for _, dep := range s.DependsOn {
				j, known := idx[dep]
				if !known {
					continue
				}
				<-done[j]
				if !ok[j] {
					r.stepEvent(s, patchbayv1.StepState_STEP_STATE_SKIPPED, "skipped: "+dep+" did not complete")
					return
				}
			}
			if s.Action == ActionNoop {
				ok[i] = true
				r.stepEvent(s, patchbayv1.StepState_STEP_STATE_DONE, "unchanged")
				return
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				r.stepEvent(s, patchbayv1.StepState_STEP_STATE_SKIPPED, "canceled before it started")
				return
			}
			defer func() { <-sem }()
			if ctx.Err() != nil || r.e.dead.Load() {
				r.stepEvent(s, patchbayv1.StepState_STEP_STATE_SKIPPED, "canceled before it started")
				return
			}
			r.stepEvent(s, patchbayv1.StepState_STEP_STATE_RUNNING, string(s.Action)+" "+s.Key.String())
			msg, err := r.step(ctx, s)
			if err != nil {
				if !errors.Is(err, ErrKilled) {
					r.mu.Lock()
					r.failed[s.ID] = err.Error()
					r.mu.Unlock()
				}
				r.stepEvent(s, patchbayv1.StepState_STEP_STATE_FAILED, err.Error())
				return
			}
			ok[i] = true
			r.stepEvent(s, patchbayv1.StepState_STEP_STATE_DONE, msg)
		}()
	}
	wg.Wait()
}

func (r *run) recordRelationships(ctx context.Context) error {
	var rels []store.Relationship
	for _, s := range r.plan.Steps {
		if s.Action == ActionDelete || s.Action == ActionForget {
			continue
		}
		if s.Service != "" {
			rels = append(rels, store.Relationship{From: "service:" + s.Service, To: resourceNode(s.Key), Kind: "uses"})
		}
		for _, d := range s.DependsOnKeys {
			rels = append(rels, store.Relationship{From: resourceNode(s.Key), To: resourceNode(d), Kind: "depends_on"})
		}
	}
	sort.Slice(rels, func(i, j int) bool { return rels[i].From+rels[i].To < rels[j].From+rels[j].To })
	return r.e.st.ReplaceRelationships(ctx, r.plan.EnvironmentID, rels)
}

// call runs one provider call, retrying 429/5xx with the provider's
// Retry-After or exponential backoff with jitter.
func (e *Engine) call(ctx context.Context, what string, fn func(ctx context.Context) error) error {
	for attempt := 1; ; attempt++ {
		if e.dead.Load() {
			return ErrKilled
		}
		err := fn(ctx)
		if e.dead.Load() {
			// The process "died" during the call: its answer is lost.
			return ErrKilled
		}
		if err == nil {
			return nil
		}
		retry, wait := retryable(err)
		if !retry || attempt >= e.opts.MaxAttempts || ctx.Err() != nil {
			return err
		}
		if wait <= 0 {
			backoff := e.opts.RetryBase << (attempt - 1)
			if backoff > e.opts.RetryMax || backoff <= 0 {
				backoff = e.opts.RetryMax
			}
			// Full jitter keeps parallel steps from retrying in lockstep.
			wait = backoff/2 + rand.N(backoff/2+1)
		}
		if wait > e.opts.RetryMax {
			wait = e.opts.RetryMax
		}
		e.log.Info("provider call throttled or failed; retrying", "call", what, "attempt", attempt, "wait", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}
