package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/user"
	"time"

	"github.com/patchbay-dev/patchbay/store"
)

// Applies and destroys of one environment are serialized across every
// process sharing the state database by the store's environment lock (on
// PostgreSQL an advisory lock that dies with its holder). A second apply
// does not wait: it fails at once saying who holds the lock and since when,
// and plans carry the same words as a warning.

type actorKey struct{}

// WithActor names the user an operation runs for (a Patchbay server's
// authenticated user); locks and the audit log show it.
func WithActor(ctx context.Context, user string) context.Context {
	return context.WithValue(ctx, actorKey{}, user)
}

type teamKey struct{}

// WithTeam names the team an operation runs for (the team a Patchbay
// server resolved for the request): environments, their plans, resources
// and services are that team's, and another team's are not found. Without
// it the engine acts for store.DefaultTeam, a local daemon's.
func WithTeam(ctx context.Context, team string) context.Context {
	return context.WithValue(ctx, teamKey{}, team)
}

// teamOf is the team ctx acts for and whether one was named (a server).
func teamOf(ctx context.Context) (string, bool) {
	if t, ok := ctx.Value(teamKey{}).(string); ok && t != "" {
		return t, true
	}
	return store.DefaultTeam, false
}

// teamOrDefault is the team ctx acts for.
func teamOrDefault(ctx context.Context) string {
	t, _ := teamOf(ctx)
	return t
}

// TeamOf is the team ctx acts for: WithTeam's, else store.DefaultTeam.
func TeamOf(ctx context.Context) string { return teamOrDefault(ctx) }

// LocalOwner is user@host of this process, the default lock owner.
func LocalOwner() string {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	host, _ := os.Hostname()
	if name == "" {
		name = "unknown"
	}
	if host == "" {
		return name
	}
	return name + "@" + host
}

func (e *Engine) owner(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	if e.opts.Owner != "" {
		return e.opts.Owner
	}
	return LocalOwner()
}

// lockEnvironment takes envID's lock for kind. The returned context ends
// when the lock is lost (its connection broke), so provider calls stop;
// release unlocks.
func (e *Engine) lockEnvironment(ctx context.Context, envID, envName, kind string) (context.Context, func(), error) {
	l, err := e.st.LockEnvironment(ctx, envID, e.owner(ctx), kind)
	var le *store.LockedError
	if errors.As(err, &le) {
		return nil, nil, fmt.Errorf("environment %q is %s; wait for it to finish, then plan again: %w", envName, le.Error(), ErrConflict)
	}
	if err != nil {
		return nil, nil, err
	}
	// An apply still marked running here died holding this lock: its plan
	// must not block this one (it is resumed from the journal).
	if err := l.Recover(ctx); err != nil {
		if uerr := l.Unlock(ctx); uerr != nil {
			e.log.Warn("unlock environment", "environment", envName, "err", uerr)
		}
		return nil, nil, err
	}
	lctx, cancel := context.WithCancelCause(ctx)
	stop := make(chan struct{})
	go func() {
		select {
		case <-l.Lost():
			cancel(fmt.Errorf("lost the lock of environment %q", envName))
		case <-stop:
		}
	}()
	return lctx, func() {
		close(stop)
		cancel(nil)
		if err := l.Unlock(context.WithoutCancel(ctx)); err != nil {
			e.log.Warn("unlock environment", "environment", envName, "err", err)
		}
	}, nil
}

// LockWarning is the plan warning for an environment someone is applying
// or destroying right now ("" when nobody is).
func (e *Engine) LockWarning(ctx context.Context, envID string) string {
	info, held, err := e.st.EnvironmentLock(ctx, envID)
	if err != nil || !held {
		return ""
	}
	return fmt.Sprintf("locked by %s since %s (%s running): applying this plan waits for nobody and will be refused until it finishes",
		info.Owner, info.Since.Local().Format(time.DateTime), info.Operation)
}
