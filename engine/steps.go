package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	"github.com/patchbay-dev/patchbay/store"
)

// idempotencyWindow is how long providers remember idempotency keys (Stripe:
// about 24 hours); an older unfinished create is resumed by lookup instead of
// replay, because a replay could create a second object.
const idempotencyWindow = 23 * time.Hour

func newIdempotencyKey() string { return "patchbay-" + store.NewID("idem") }

// record writes a journal entry, together with fn's row changes in one
// transaction, between two kill-switch points. Writes ignore cancellation:
// once a provider call has succeeded its result must be recorded.
func (r *run) record(ctx context.Context, s Step, resID, call, phase, idem, pid, detail string, fn func(tx *store.Store) error) error {
	point := call + ":" + phase
	if err := r.e.checkpoint(point + ":pre"); err != nil {
		return err
	}
	bg := context.WithoutCancel(ctx)
	err := r.e.st.InTx(bg, func(tx *store.Store) error {
		if fn != nil {
			if err := fn(tx); err != nil {
				return err
			}
		}
		return tx.AppendJournal(bg, store.JournalEntry{OperationID: r.info.ID, PlanID: r.plan.ID, StepID: s.ID, ResourceID: resID,
			Call: call, Phase: phase, IdempotencyKey: idem, ProviderID: pid, Detail: detail})
	})
	if err != nil {
		return err
	}
	return r.e.checkpoint(point)
}

// recordFailure journals a provider call that failed with cause. The
// caller returns cause either way; a journal that cannot take the entry is
// logged, not swallowed.
func (r *run) recordFailure(ctx context.Context, s Step, resID, call, pid string, cause error) {
	if err := r.record(ctx, s, resID, call, store.PhaseError, "", pid, cause.Error(), nil); err != nil && !errors.Is(err, ErrKilled) {
		r.e.log.Warn("journal: cannot record a failed provider call", "step", s.ID, "call", call, "err", err)
	}
}

func (r *run) step(ctx context.Context, s Step) (string, error) {
	t, err := r.e.typeOf(s.Key)
	if err != nil {
		return "", err
	}
	if s.Action == ActionForget {
		return r.forget(ctx, s, t)
	}
	profile := s.Profile
	if profile == "" {
		profile = "default"
	}
	c, err := r.creds.get(ctx, s.Key.Provider, profile)
	if err != nil {
		return "", err
	}
	switch s.Action {
	case ActionCreate:
		return r.create(ctx, s, t, c)
	case ActionUpdate:
		return r.update(ctx, s, t, c)
	case ActionAdopt:
		return r.adopt(ctx, s, t, c)
	case ActionDelete:
		return r.delete(ctx, s, t, c)
	case ActionRotate:
		return r.rotate(ctx, s, t, c)
	}
	return "", fmt.Errorf("engine: step %s has unknown action %q", s.ID, s.Action)
}

func (r *run) create(ctx context.Context, s Step, t ResourceType, c Credentials) (string, error) {
	e := r.e
	row, err := e.st.GetResource(ctx, r.plan.EnvironmentID, s.Key.Provider, s.Key.Type, s.Key.Name)
	exists := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	resume := exists && row.Status == store.StatusCreating
	if exists && !resume && (s.ResourceID == "" || row.ProviderID != s.ProviderID) {
		return "", fmt.Errorf("%s changed since the plan was made (now %s); plan again: %w", s.Key, row.ProviderID, ErrConflict)
	}
	if resume {
		if err := r.record(ctx, s, row.ID, "create", store.PhaseBefore, row.IdempotencyKey, "", "resume", nil); err != nil {
			return "", err
		}
	} else {
		if !exists {
			row = store.Resource{ID: store.NewID("res"), EnvironmentID: r.plan.EnvironmentID, Provider: s.Key.Provider,
				Type: s.Key.Type, Name: s.Key.Name}
		}
		row.Status, row.ProviderID, row.CreatedByPatchbay = store.StatusCreating, "", true
		row.IdempotencyKey, row.Profile, row.Props, row.ManagedProps = newIdempotencyKey(), s.Profile, s.Props, s.Managed
		if err := r.record(ctx, s, row.ID, "create", store.PhaseBefore, row.IdempotencyKey, "", "", func(tx *store.Store) error {
			var err error
			row, err = tx.PutResource(ctx, row)
			return err
		}); err != nil {
			if errors.Is(err, store.ErrExists) {
				// Recorded by another apply since this step read the state
				// (a new row, or one deleted and recorded again under a new
				// id): nothing was created at the provider; plan again.
				return "", fmt.Errorf("%s changed since the plan was made (created meanwhile); plan again: %w", s.Key, ErrConflict)
			}
			return "", err
		}
	}
	st, preexisting, err := r.createObject(ctx, s, t, c, row, resume)
	if err != nil {
		if errors.Is(err, ErrKilled) {
			return "", err
		}
		var forgetRow func(tx *store.Store) error
		if definitive(err) {
			// The provider refused: nothing exists, so nothing to resume.
			forgetRow = func(tx *store.Store) error { return tx.DeleteResource(ctx, row.ID) }
		}
		if rerr := r.record(ctx, s, row.ID, "create", store.PhaseError, row.IdempotencyKey, "", err.Error(), forgetRow); rerr != nil {
			return "", rerr
		}
		return "", err
	}
	if preexisting && !resume {
		// Someone created it between plan and apply: adopt, never own.
		row.CreatedByPatchbay = false
	}
	if err := r.finishCreate(ctx, s, t, row, st); err != nil {
		return "", err
	}
	if preexisting {
		return fmt.Sprintf("found existing %s", st.ID), nil
	}
	return fmt.Sprintf("created %s", st.ID), nil
}

// createObject makes the provider object for a row in status creating. On
// resume it replays the idempotency key (which returns the first answer,
// once-only secrets included) or, for types without keys, looks the object
// up first so a create that reached the provider is not repeated.
func (r *run) createObject(ctx context.Context, s Step, t ResourceType, c Credentials, row store.Resource, resume bool) (State, bool, error) {
	info := t.Info()
	useLookup := !info.Idempotent || (resume && time.Since(row.UpdatedAt) > idempotencyWindow)
	if useLookup {
		var st State
		var found bool
		err := r.e.call(ctx, "lookup "+s.ID, func(ctx context.Context) error {
			var err error
			st, found, err = lookupOne(ctx, t, c, row.Props, row.RetiringProviderID)
			return err
		})
		if err != nil {
			return State{}, false, err
		}
		if found {
			if err := r.record(ctx, s, row.ID, "lookup", store.PhaseAfter, "", st.ID, "found", nil); err != nil {
				return State{}, false, err
			}
			return st, true, nil
		}
	}
	key := ""
	if info.Idempotent {
		key = row.IdempotencyKey
	}
	var st State
	err := r.e.call(ctx, "create "+s.ID, func(ctx context.Context) error {
		var err error
		st, err = t.Create(ctx, c, row.Props, key)
		return err
	})
	return st, false, err
}

// finishCreate stores the secrets first, then records the object: a crash in
// between leaves the row in status creating, and the resume replays the
// create and stores the same secrets again.
func (r *run) finishCreate(ctx context.Context, s Step, t ResourceType, row store.Resource, st State) error {
	if err := r.putSecrets(ctx, s, row.ID, st.Secrets); err != nil {
		return err
	}
	row.Status, row.ProviderID = store.StatusPresent, st.ID
	row.Props, row.Outputs = st.Props, st.Outputs
	row.SecretNames = mergeNames(row.SecretNames, st.Secrets)
	return r.record(ctx, s, row.ID, "create", store.PhaseAfter, row.IdempotencyKey, st.ID, "", func(tx *store.Store) error {
		_, err := tx.PutResource(ctx, row)
		return err
	})
}

func mergeNames(names []string, secrets map[string]string) []string {
	out := slices.Clone(names)
	for k := range secrets {
		out = append(out, k)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

func (r *run) putSecrets(ctx context.Context, s Step, resID string, secrets map[string]string) error {
	for _, name := range slices.Sorted(maps.Keys(secrets)) {
		if err := r.e.checkpoint("secret:put:pre"); err != nil {
			return err
		}
		if err := r.e.opts.Secrets.Put(context.WithoutCancel(ctx), secretKey(r.plan.EnvironmentID, s.Key, name), secrets[name]); err != nil {
			// Never include the value; the name says enough.
			return fmt.Errorf("engine: store secret %s of %s: %w", name, s.Key, err)
		}
		if err := r.e.checkpoint("secret:put"); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) update(ctx context.Context, s Step, t ResourceType, c Credentials) (string, error) {
	e := r.e
	row, err := e.st.GetResourceByID(ctx, s.ResourceID)
	if err != nil {
		return "", err
	}
	if row.ProviderID != s.ProviderID || row.Status != store.StatusPresent {
		return "", fmt.Errorf("%s changed since the plan was made (now %s, %s); plan again: %w", s.Key, row.ProviderID, row.Status, ErrConflict)
	}
	// Until the provider answers, Patchbay may already manage both the old
	// and the new values; recording the union keeps a crash from turning
	// its own stale entries into "someone else's".
	row.ManagedProps = unionProps(row.ManagedProps, s.Managed)
	if err := r.record(ctx, s, row.ID, "update", store.PhaseBefore, "", row.ProviderID, "", func(tx *store.Store) error {
		_, err := tx.PutResource(ctx, row)
		return err
	}); err != nil {
		return "", err
	}
	var st State
	err = e.call(ctx, "update "+s.ID, func(ctx context.Context) error {
		var err error
		st, err = t.Update(ctx, c, row.ProviderID, s.Props)
		return err
	})
	if err != nil {
		if errors.Is(err, ErrKilled) {
			return "", err
		}
		if errors.Is(err, ErrGone) {
			err = fmt.Errorf("%s (%s) disappeared at the provider; plan again to re-create it: %w", s.Key, row.ProviderID, err)
		}
		r.recordFailure(ctx, s, row.ID, "update", row.ProviderID, err)
		return "", err
	}
	info := t.Info()
	if lost, _ := e.lostSecrets(ctx, r.plan.EnvironmentID, s.Key, info); len(lost) > 0 && info.SecretsReadable && !hasAll(st.Secrets, lost) {
		err := e.call(ctx, "read "+s.ID, func(ctx context.Context) error {
			var err error
			st, err = t.Read(ctx, c, row.ProviderID)
			return err
		})
		if err != nil {
			return "", err
		}
		if !hasAll(st.Secrets, lost) {
			return "", fmt.Errorf("%s: the provider did not return %v (does the credential have the scope to read it?)", s.Key, lost)
		}
	}
	if err := r.putSecrets(ctx, s, row.ID, st.Secrets); err != nil {
		return "", err
	}
	row.Props, row.Outputs, row.ManagedProps = st.Props, st.Outputs, s.Managed
	row.SecretNames = mergeNames(row.SecretNames, st.Secrets)
	if err := r.record(ctx, s, row.ID, "update", store.PhaseAfter, "", row.ProviderID, "", func(tx *store.Store) error {
		_, err := tx.PutResource(ctx, row)
		return err
	}); err != nil {
		return "", err
	}
	return fmt.Sprintf("updated %s (%d changes)", row.ProviderID, len(s.Changes)), nil
}

func hasAll(m map[string]string, names []string) bool {
	for _, n := range names {
		if m[n] == "" {
			return false
		}
	}
	return true
}

func (r *run) adopt(ctx context.Context, s Step, t ResourceType, c Credentials) (string, error) {
	e := r.e
	resID := store.NewID("res")
	if err := r.record(ctx, s, resID, "adopt", store.PhaseBefore, "", s.ProviderID, "", nil); err != nil {
		return "", err
	}
	var st State
	err := e.call(ctx, "read "+s.ID, func(ctx context.Context) error {
		var err error
		st, err = t.Read(ctx, c, s.ProviderID)
		return err
	})
	if err != nil {
		return "", err
	}
	if len(diff(st.Props, s.Props)) > 0 {
		secrets := st.Secrets
		err := e.call(ctx, "update "+s.ID, func(ctx context.Context) error {
			var err error
			st, err = t.Update(ctx, c, s.ProviderID, s.Props)
			return err
		})
		if err != nil {
			return "", err
		}
		if len(st.Secrets) == 0 {
			st.Secrets = secrets
		}
	}
	if err := r.putSecrets(ctx, s, resID, st.Secrets); err != nil {
		return "", err
	}
	row := store.Resource{ID: resID, EnvironmentID: r.plan.EnvironmentID, Provider: s.Key.Provider, Type: s.Key.Type, Name: s.Key.Name,
		ProviderID: st.ID, CreatedByPatchbay: false, Status: store.StatusPresent, Profile: s.Profile, Props: st.Props,
		ManagedProps: s.Managed, Outputs: st.Outputs, SecretNames: mergeNames(nil, st.Secrets)}
	if err := r.record(ctx, s, resID, "adopt", store.PhaseAfter, "", st.ID, "", func(tx *store.Store) error {
		_, err := tx.PutResource(ctx, row)
		return err
	}); err != nil {
		if errors.Is(err, store.ErrExists) {
			// Another apply recorded this resource since the plan read
			// the state (adopting or creating the same object): nothing
			// changed at the provider; plan again.
			return "", fmt.Errorf("%s changed since the plan was made (recorded meanwhile); plan again: %w", s.Key, ErrConflict)
		}
		return "", err
	}
	return fmt.Sprintf("adopted %s (Patchbay will never delete it)", st.ID), nil
}

func (r *run) delete(ctx context.Context, s Step, t ResourceType, c Credentials) (string, error) {
	e := r.e
	row, err := e.st.GetResourceByID(ctx, s.ResourceID)
	if errors.Is(err, store.ErrNotFound) {
		return "already gone", nil
	}
	if err != nil {
		return "", err
	}
	if !row.CreatedByPatchbay {
		return "", fmt.Errorf("engine: refusing to delete %s (%s): Patchbay did not create it", s.Key, row.ProviderID)
	}
	var ids []string
	if row.ProviderID != "" {
		ids = append(ids, row.ProviderID)
	} else if row.Status == store.StatusCreating {
		// The create may have reached the provider without being recorded.
		var st State
		var found bool
		err := e.call(ctx, "lookup "+s.ID, func(ctx context.Context) error {
			var err error
			st, found, err = lookupOne(ctx, t, c, row.Props, row.RetiringProviderID)
			return err
		})
		if err != nil {
			return "", err
		}
		if found {
			ids = append(ids, st.ID)
		}
	}
	if row.RetiringProviderID != "" {
		ids = append(ids, row.RetiringProviderID)
	}
	for _, id := range ids {
		if err := r.deleteObject(ctx, s, t, c, row.ID, id); err != nil {
			return "", err
		}
	}
	if err := r.dropSecrets(ctx, s, t, row); err != nil {
		return "", err
	}
	if err := r.record(ctx, s, row.ID, "forget", store.PhaseAfter, "", "", "deleted at the provider", func(tx *store.Store) error {
		return tx.DeleteResource(ctx, row.ID)
	}); err != nil {
		return "", err
	}
	if len(ids) == 0 {
		return "nothing existed at the provider", nil
	}
	return fmt.Sprintf("deleted %v", ids), nil
}

func (r *run) deleteObject(ctx context.Context, s Step, t ResourceType, c Credentials, resID, id string) error {
	if err := r.record(ctx, s, resID, "delete", store.PhaseBefore, "", id, "", nil); err != nil {
		return err
	}
	err := r.e.call(ctx, "delete "+s.ID, func(ctx context.Context) error { return t.Delete(ctx, c, id) })
	if err != nil {
		if !errors.Is(err, ErrKilled) {
			r.recordFailure(ctx, s, resID, "delete", id, err)
		}
		return err
	}
	return r.record(ctx, s, resID, "delete", store.PhaseAfter, "", id, "", nil)
}

func (r *run) dropSecrets(ctx context.Context, s Step, t ResourceType, row store.Resource) error {
	names := slices.Concat(row.SecretNames, t.Info().Secrets)
	sort.Strings(names)
	for _, name := range slices.Compact(names) {
		if err := r.e.opts.Secrets.Delete(context.WithoutCancel(ctx), secretKey(r.plan.EnvironmentID, s.Key, name)); err != nil &&
			!errors.Is(err, ErrSecretNotFound) {
			return fmt.Errorf("engine: delete secret %s of %s: %w", name, s.Key, err)
		}
	}
	return nil
}

func (r *run) forget(ctx context.Context, s Step, t ResourceType) (string, error) {
	row, err := r.e.st.GetResourceByID(ctx, s.ResourceID)
	if errors.Is(err, store.ErrNotFound) {
		return "already forgotten", nil
	}
	if err != nil {
		return "", err
	}
	// Only Patchbay's own copies of the secrets go; the object stays.
	if err := r.dropSecrets(ctx, s, t, row); err != nil {
		return "", err
	}
	if err := r.record(ctx, s, row.ID, "forget", store.PhaseAfter, "", row.ProviderID, "adopted; left at the provider", func(tx *store.Store) error {
		return tx.DeleteResource(ctx, row.ID)
	}); err != nil {
		return "", err
	}
	return fmt.Sprintf("forgot %s; it stays at %s", row.ProviderID, s.Key.Provider), nil
}

// rotate replaces a lost secret. In place when the type can; otherwise as a
// resumable state machine recorded on the row: retire the old id and create
// a new object (status creating), record it (present), delete the retired
// one.
func (r *run) rotate(ctx context.Context, s Step, t ResourceType, c Credentials) (string, error) {
	e := r.e
	row, err := e.st.GetResourceByID(ctx, s.ResourceID)
	if err != nil {
		return "", err
	}
	if rot, ok := t.(SecretRotator); ok && row.Status == store.StatusPresent && row.RetiringProviderID == "" {
		if err := r.record(ctx, s, row.ID, "rotate", store.PhaseBefore, "", row.ProviderID, "in place", nil); err != nil {
			return "", err
		}
		var st State
		if err := e.call(ctx, "rotate "+s.ID, func(ctx context.Context) error {
			var err error
			st, err = rot.RotateSecret(ctx, c, row.ProviderID)
			return err
		}); err != nil {
			return "", err
		}
		if err := r.putSecrets(ctx, s, row.ID, st.Secrets); err != nil {
			return "", err
		}
		row.SecretNames = mergeNames(row.SecretNames, st.Secrets)
		if err := r.record(ctx, s, row.ID, "rotate", store.PhaseAfter, "", row.ProviderID, "", func(tx *store.Store) error {
			_, err := tx.PutResource(ctx, row)
			return err
		}); err != nil {
			return "", err
		}
		return "rotated the secret in place", nil
	}
	if !row.CreatedByPatchbay {
		return "", fmt.Errorf("engine: refusing to replace %s (%s): Patchbay did not create it", s.Key, row.ProviderID)
	}
	if row.Status == store.StatusPresent && row.RetiringProviderID == "" {
		row.RetiringProviderID, row.ProviderID, row.Status = row.ProviderID, "", store.StatusCreating
		row.IdempotencyKey = newIdempotencyKey()
		if s.Props != nil {
			row.Props, row.ManagedProps = s.Props, s.Managed
		}
		if err := r.record(ctx, s, row.ID, "rotate", store.PhaseBefore, row.IdempotencyKey, row.RetiringProviderID, "replace", func(tx *store.Store) error {
			var err error
			row, err = tx.PutResource(ctx, row)
			return err
		}); err != nil {
			return "", err
		}
	}
	newID := row.ProviderID
	if row.Status == store.StatusCreating {
		st, _, err := r.createObject(ctx, s, t, c, row, true)
		if err != nil {
			return "", err
		}
		if err := r.finishCreate(ctx, s, t, row, st); err != nil {
			return "", err
		}
		newID = st.ID
		if row, err = e.st.GetResourceByID(ctx, row.ID); err != nil {
			return "", err
		}
	}
	old := row.RetiringProviderID
	if old != "" {
		if err := r.deleteObject(ctx, s, t, c, row.ID, old); err != nil {
			return "", err
		}
		row.RetiringProviderID = ""
		if err := r.record(ctx, s, row.ID, "rotate", store.PhaseAfter, "", row.ProviderID, "retired "+old, func(tx *store.Store) error {
			_, err := tx.PutResource(ctx, row)
			return err
		}); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("replaced %s with %s", old, newID), nil
}
