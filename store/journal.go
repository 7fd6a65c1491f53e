package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Plan states.
const (
	PlanPending    = "pending"
	PlanApplying   = "applying"
	PlanApplied    = "applied"
	PlanFailed     = "failed"
	PlanCanceled   = "canceled"
	PlanSuperseded = "superseded"
)

// Plan is a computed plan awaiting approval or applied. Body is the engine's
// serialization; the store does not interpret it.
type Plan struct {
	ID            string
	EnvironmentID string
	Destroy       bool
	State         string
	Body          []byte
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// SavePlan records a new plan and marks the environment's older pending
// plans superseded: only the newest plan reflects the current state.
func (s *Store) SavePlan(ctx context.Context, p Plan) (Plan, error) {
	if s.pg && !s.inTx {
		// Plan writers of one environment queue on its row (as BeginApply
		// does), so concurrent saves never lock plan rows in two orders.
		var saved Plan
		err := s.InTx(ctx, func(tx *Store) error {
			if _, err := tx.q.ExecContext(ctx, `SELECT id FROM environments WHERE id = ? FOR NO KEY UPDATE`, p.EnvironmentID); err != nil {
				return err
			}
			var err error
			saved, err = tx.SavePlan(ctx, p)
			return err
		})
		return saved, err
	}
	if p.ID == "" {
		p.ID = NewID("plan")
	}
	if p.State == "" {
		p.State = PlanPending
	}
	now := s.stamp()
	destroy := 0
	if p.Destroy {
		destroy = 1
	}
	if _, err := s.q.ExecContext(ctx, `UPDATE plans SET state = ?, updated_at = ? WHERE environment_id = ? AND state = ?`,
		PlanSuperseded, now, p.EnvironmentID, PlanPending); err != nil {
		return Plan{}, fmt.Errorf("store: supersede plans: %w", err)
	}
	if _, err := s.q.ExecContext(ctx, `INSERT INTO plans (id, environment_id, destroy, state, body, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, p.ID, p.EnvironmentID, destroy, p.State, p.Body, now, now); err != nil {
		return Plan{}, fmt.Errorf("store: save plan: %w", err)
	}
	p.CreatedAt, p.UpdatedAt = parseStamp(now), parseStamp(now)
	return p, nil
}

// GetPlan returns a plan by id.
func (s *Store) GetPlan(ctx context.Context, id string) (Plan, error) {
	var p Plan
	var destroy int
	var created, updated string
	err := s.q.QueryRowContext(ctx, `SELECT id, environment_id, destroy, state, body, created_at, updated_at FROM plans WHERE id = ?`, id).
		Scan(&p.ID, &p.EnvironmentID, &destroy, &p.State, &p.Body, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return Plan{}, fmt.Errorf("store: plan %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Plan{}, fmt.Errorf("store: get plan %s: %w", id, err)
	}
	p.Destroy = destroy != 0
	p.CreatedAt, p.UpdatedAt = parseStamp(created), parseStamp(updated)
	return p, nil
}

// SetPlanState moves a plan to state, but only from one of the states in
// from (empty: any). It reports whether the plan moved, which makes approving
// a plan a compare-and-swap: two concurrent applies cannot both start it.
func (s *Store) SetPlanState(ctx context.Context, id, state string, from ...string) (bool, error) {
	q := `UPDATE plans SET state = ?, updated_at = ? WHERE id = ?`
	args := []any{state, s.stamp(), id}
	if len(from) > 0 {
		q += ` AND state IN (` + placeholders(len(from)) + `)`
		for _, f := range from {
			args = append(args, f)
		}
	}
	res, err := s.q.ExecContext(ctx, q, args...)
	if err != nil {
		return false, fmt.Errorf("store: set plan %s state: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

func placeholders(n int) string {
	b := make([]byte, 0, 2*n)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '?')
	}
	return string(b)
}

// Operation is one long-running apply or destroy.
type Operation struct {
	ID         string
	Kind       string
	PlanID     string
	State      string
	Error      string
	StartedAt  time.Time
	FinishedAt time.Time
}

// StartOperation records an operation as running.
func (s *Store) StartOperation(ctx context.Context, op Operation) (Operation, error) {
	if op.ID == "" {
		op.ID = NewID("op")
	}
	op.State = "running"
	now := s.stamp()
	if _, err := s.q.ExecContext(ctx, `INSERT INTO operations (id, kind, plan_id, state, started_at) VALUES (?, ?, ?, ?, ?)`,
		op.ID, op.Kind, op.PlanID, op.State, now); err != nil {
		return Operation{}, fmt.Errorf("store: start operation: %w", err)
	}
	op.StartedAt = parseStamp(now)
	return op, nil
}

// FinishOperation records an operation's final state ("completed", "failed",
// "canceled") and error message.
func (s *Store) FinishOperation(ctx context.Context, id, state, errMsg string) error {
	if _, err := s.q.ExecContext(ctx, `UPDATE operations SET state = ?, error = ?, finished_at = ? WHERE id = ?`,
		state, errMsg, s.stamp(), id); err != nil {
		return fmt.Errorf("store: finish operation %s: %w", id, err)
	}
	return nil
}

// GetOperation returns an operation by id.
func (s *Store) GetOperation(ctx context.Context, id string) (Operation, error) {
	var op Operation
	var started, finished string
	err := s.q.QueryRowContext(ctx, `SELECT id, kind, plan_id, state, error, started_at, finished_at FROM operations WHERE id = ?`, id).
		Scan(&op.ID, &op.Kind, &op.PlanID, &op.State, &op.Error, &started, &finished)
	if errors.Is(err, sql.ErrNoRows) {
		return Operation{}, fmt.Errorf("store: operation %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Operation{}, err
	}
	op.StartedAt, op.FinishedAt = parseStamp(started), parseStamp(finished)
	return op, nil
}

// Journal phases.
const (
	PhaseBefore = "before"
	PhaseAfter  = "after"
	PhaseError  = "error"
)

// JournalEntry is one line of the operation journal: a provider call about
// to be made (before) or its outcome (after, error). Detail never holds
// secrets.
type JournalEntry struct {
	Seq            int64
	OperationID    string
	PlanID         string
	StepID         string
	ResourceID     string
	Call           string
	Phase          string
	IdempotencyKey string
	ProviderID     string
	Detail         string
	At             time.Time
}

// AppendJournal appends an entry.
func (s *Store) AppendJournal(ctx context.Context, j JournalEntry) error {
	if _, err := s.q.ExecContext(ctx, `INSERT INTO journal
		(operation_id, plan_id, step_id, resource_id, call, phase, idempotency_key, provider_id, detail, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		j.OperationID, j.PlanID, j.StepID, j.ResourceID, j.Call, j.Phase, j.IdempotencyKey, j.ProviderID, j.Detail, s.stamp()); err != nil {
		return fmt.Errorf("store: journal: %w", err)
	}
	return nil
}

// JournalFilter selects journal entries; empty fields match everything.
type JournalFilter struct {
	OperationID string
	ResourceID  string
}

// ListJournal returns entries in the order they were written.
func (s *Store) ListJournal(ctx context.Context, f JournalFilter) ([]JournalEntry, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT seq, operation_id, plan_id, step_id, resource_id, call, phase,
		idempotency_key, provider_id, detail, at FROM journal
		WHERE (? = '' OR operation_id = ?) AND (? = '' OR resource_id = ?) ORDER BY seq`,
		f.OperationID, f.OperationID, f.ResourceID, f.ResourceID)
	if err != nil {
		return nil, fmt.Errorf("store: list journal: %w", err)
	}
	defer rows.Close()
	var out []JournalEntry
	for rows.Next() {
		var j JournalEntry
		var at string
		if err := rows.Scan(&j.Seq, &j.OperationID, &j.PlanID, &j.StepID, &j.ResourceID, &j.Call, &j.Phase,
			&j.IdempotencyKey, &j.ProviderID, &j.Detail, &at); err != nil {
			return nil, err
		}
		j.At = parseStamp(at)
		out = append(out, j)
	}
	return out, rows.Err()
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	Seq    int64
	At     time.Time
	Actor  string
	Action string
	Target string
	Detail string
}

// Audit appends to the audit log. Detail must not hold secrets.
func (s *Store) Audit(ctx context.Context, actor, action, target, detail string) error {
	if _, err := s.q.ExecContext(ctx, `INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)`,
		s.stamp(), actor, action, target, detail); err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// ListAudit returns the newest limit audit entries, oldest first.
func (s *Store) ListAudit(ctx context.Context, limit int) ([]AuditEntry, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT seq, at, actor, action, target, detail FROM
		(SELECT * FROM audit_log ORDER BY seq DESC LIMIT ?) AS recent ORDER BY seq`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list audit: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var a AuditEntry
		var at string
		if err := rows.Scan(&a.Seq, &at, &a.Actor, &a.Action, &a.Target, &a.Detail); err != nil {
			return nil, err
		}
		a.At = parseStamp(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// MarkInterrupted fails the plans and operations a previous process left
// running: after a crash nothing is applying them any more, and the next
// plan of their environment picks up from the recorded resource states.
func (s *Store) MarkInterrupted(ctx context.Context) error {
	if s.pg {
		return s.markInterruptedShared(ctx)
	}
	if _, err := s.q.ExecContext(ctx, `DELETE FROM environment_locks`); err != nil {
		return fmt.Errorf("store: clear environment locks: %w", err)
	}
	now := s.stamp()
	if _, err := s.q.ExecContext(ctx, `UPDATE plans SET state = ?, updated_at = ? WHERE state = ?`, PlanFailed, now, PlanApplying); err != nil {
		return fmt.Errorf("store: mark interrupted plans: %w", err)
	}
	if _, err := s.q.ExecContext(ctx, `UPDATE operations SET state = 'failed', error = 'interrupted: the daemon stopped during the operation', finished_at = ?
		WHERE state = 'running'`, now); err != nil {
		return fmt.Errorf("store: mark interrupted operations: %w", err)
	}
	return nil
}

// markInterruptedShared is MarkInterrupted for a database other daemons
// use too: an environment's applying plans are failed only while its lock
// is free, so another daemon's running apply is left alone.
func (s *Store) markInterruptedShared(ctx context.Context) error {
	rows, err := s.q.QueryContext(ctx, `SELECT DISTINCT environment_id FROM plans WHERE state = ?`, PlanApplying)
	if err != nil {
		return fmt.Errorf("store: mark interrupted plans: %w", err)
	}
	envs, err := collectRows(rows, func(sc scanner) (string, error) {
		var id string
		return id, sc.Scan(&id)
	})
	if err != nil {
		return fmt.Errorf("store: mark interrupted plans: %w", err)
	}
	for _, env := range envs {
		l, err := s.LockEnvironment(ctx, env, "recovery", "recover")
		if errors.Is(err, ErrLocked) {
			continue
		}
		if err != nil {
			return err
		}
		err = l.Recover(ctx)
		if uerr := l.Unlock(ctx); err == nil {
			err = uerr
		}
		if err != nil {
			return fmt.Errorf("store: mark interrupted plans: %w", err)
		}
	}
	return nil
}

// ErrNotPending is returned when approving a plan that is no longer pending.
var ErrNotPending = errors.New("plan is not pending")

// BeginApply approves a pending plan: it moves it to applying in one
// transaction with the check that no other plan of its environment is
// applying, so two applies never interleave on one environment.
func (s *Store) BeginApply(ctx context.Context, planID string) error {
	return s.InTx(ctx, func(tx *Store) error {
		p, err := tx.GetPlan(ctx, planID)
		if err != nil {
			return err
		}
		if tx.pg {
			// Concurrent transactions of one environment queue on its row,
			// so the check below sees the other's commit.
			if _, err := tx.q.ExecContext(ctx, `SELECT id FROM environments WHERE id = ? FOR NO KEY UPDATE`, p.EnvironmentID); err != nil {
				return err
			}
			if p, err = tx.GetPlan(ctx, planID); err != nil {
				return err
			}
		}
		if p.State != PlanPending {
			return fmt.Errorf("store: plan %s is %s: %w", planID, p.State, ErrNotPending)
		}
		var other string
		err = tx.q.QueryRowContext(ctx, `SELECT id FROM plans WHERE environment_id = ? AND state = ? AND id != ? LIMIT 1`,
			p.EnvironmentID, PlanApplying, planID).Scan(&other)
		if err == nil {
			return fmt.Errorf("store: plan %s of the same environment is being applied: %w", other, ErrInUse)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = tx.SetPlanState(ctx, planID, PlanApplying, PlanPending)
		return err
	})
}
