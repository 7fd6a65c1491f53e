package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"time"
)

// Environment locks (migration 0005) serialize applies and destroys of one
// environment across every process that shares the database. On
// PostgreSQL the lock is a session advisory lock on a connection the
// holder keeps open: PostgreSQL frees it the moment that process dies, and
// while the process lives nobody else can take it, however slow it is. On
// SQLite (one machine) it is a lease row renewed every LeaseTTL/3.

// ErrLocked is what a LockedError is.
var ErrLocked = errors.New("environment is locked")

// LockInfo describes who holds an environment's lock.
type LockInfo struct {
	EnvironmentID string
	Owner         string // user@host, or the server user
	Operation     string // apply, destroy
	Since         time.Time
}

// LockedError is returned when another holder has the lock.
type LockedError struct{ LockInfo }

func (e *LockedError) Error() string {
	return fmt.Sprintf("locked by %s since %s (%s)", e.Owner, e.Since.Local().Format(time.DateTime), e.Operation)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// LeaseTTL is how long a SQLite lease outlives its last renewal.
var LeaseTTL = 15 * time.Second

// pgHeartbeat is how often a PostgreSQL holder checks its connection.
const pgHeartbeat = 2 * time.Second

// EnvLock is a held environment lock.
type EnvLock struct {
	s      *Store
	info   LockInfo
	holder string
	conn   *sql.Conn // PostgreSQL: the session holding the advisory lock

	lost     chan struct{}
	lostOnce sync.Once
	stop     chan struct{}
	done     chan struct{}
	release  sync.Once
}

// Info describes the lock.
func (l *EnvLock) Info() LockInfo { return l.info }

// Lost is closed when the lock can no longer be vouched for (the
// connection holding it broke, or the lease was not renewed in time): the
// holder must stop provider calls.
func (l *EnvLock) Lost() <-chan struct{} { return l.lost }

func (l *EnvLock) markLost() { l.lostOnce.Do(func() { close(l.lost) }) }

// envLockKey is the advisory lock key of an environment.
func envLockKey(envID string) int64 {
	h := fnv.New64a()
	h.Write([]byte("patchbay-env:" + envID))
	return int64(h.Sum64())
}

// LockEnvironment takes envID's lock for owner's operation without
// waiting; a *LockedError (errors.Is ErrLocked) says who has it.
func (s *Store) LockEnvironment(ctx context.Context, envID, owner, operation string) (*EnvLock, error) {
	l := &EnvLock{s: s, holder: NewID("lock"), lost: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{}),
		info: LockInfo{EnvironmentID: envID, Owner: owner, Operation: operation, Since: parseStamp(s.stamp())}}
	if s.pg {
		if err := s.lockPG(ctx, l); err != nil {
			return nil, err
		}
	} else if err := s.lockLease(ctx, l); err != nil {
		return nil, err
	}
	go l.keep()
	return l, nil
}

func (s *Store) lockPG(ctx context.Context, l *EnvLock) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: lock environment: %w", err)
	}
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, envLockKey(l.info.EnvironmentID)).Scan(&got); err != nil {
		conn.Close()
		return fmt.Errorf("store: lock environment: %w", err)
	}
	if !got {
		conn.Close()
		return s.lockedBy(ctx, l.info.EnvironmentID)
	}
	l.conn = conn
	if _, err := (pgQuerier{conn}).ExecContext(ctx, `INSERT INTO environment_locks (environment_id, holder, owner, operation, acquired_at, expires_at)
		VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (environment_id) DO UPDATE SET holder = excluded.holder, owner = excluded.owner,
		operation = excluded.operation, acquired_at = excluded.acquired_at, expires_at = 0`,
		l.info.EnvironmentID, l.holder, l.info.Owner, l.info.Operation, optStamp(l.info.Since)); err != nil {
		l.closeConn(ctx)
		return fmt.Errorf("store: lock environment: %w", err)
	}
	return nil
}

func (s *Store) lockLease(ctx context.Context, l *EnvLock) error {
	now := s.now()
	res, err := s.q.ExecContext(ctx, `INSERT INTO environment_locks (environment_id, holder, owner, operation, acquired_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (environment_id) DO UPDATE SET holder = excluded.holder, owner = excluded.owner,
		operation = excluded.operation, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
		WHERE environment_locks.expires_at < ?`,
		l.info.EnvironmentID, l.holder, l.info.Owner, l.info.Operation, optStamp(l.info.Since), ms(now.Add(LeaseTTL)), ms(now))
	if err != nil {
		return fmt.Errorf("store: lock environment: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return s.lockedBy(ctx, l.info.EnvironmentID)
	}
	return nil
}

func (s *Store) lockedBy(ctx context.Context, envID string) error {
	info, held, err := s.EnvironmentLock(ctx, envID)
	if err != nil {
		return err
	}
	if !held {
		// Released between the attempt and the look: the caller may retry,
		// but saying who had it is still right.
		info = LockInfo{EnvironmentID: envID, Owner: "another process", Operation: "apply", Since: s.now()}
	}
	return &LockedError{info}
}

// keep renews a lease, or watches the connection of an advisory lock,
// until Unlock.
func (l *EnvLock) keep() {
	defer close(l.done)
	every := LeaseTTL / 3
	if l.conn != nil {
		every = pgHeartbeat
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), every)
		var err error
		if l.conn != nil {
			err = l.conn.PingContext(ctx)
		} else {
			var res sql.Result
			res, err = l.s.q.ExecContext(ctx, `UPDATE environment_locks SET expires_at = ? WHERE environment_id = ? AND holder = ?`,
				ms(l.s.now().Add(LeaseTTL)), l.info.EnvironmentID, l.holder)
			if err == nil {
				if n, _ := res.RowsAffected(); n == 0 {
					err = errors.New("lease taken over")
				}
			}
		}
		cancel()
		if err != nil {
			l.s.log.Error("store: environment lock lost", "environment", l.info.EnvironmentID, "err", err)
			l.markLost()
			return
		}
	}
}

// Recover fails the environment's plans and operations still recorded as
// applying or running: whoever ran them held this lock, so they died.
func (l *EnvLock) Recover(ctx context.Context) error {
	s, env, now := l.s, l.info.EnvironmentID, l.s.stamp()
	if _, err := s.q.ExecContext(ctx, `UPDATE operations SET state = 'failed', error = 'interrupted: its process stopped during the operation', finished_at = ?
		WHERE state = 'running' AND plan_id IN (SELECT id FROM plans WHERE environment_id = ? AND state = ?)`, now, env, PlanApplying); err != nil {
		return fmt.Errorf("store: recover environment: %w", err)
	}
	if _, err := s.q.ExecContext(ctx, `UPDATE plans SET state = ?, updated_at = ? WHERE environment_id = ? AND state = ?`,
		PlanFailed, now, env, PlanApplying); err != nil {
		return fmt.Errorf("store: recover environment: %w", err)
	}
	return nil
}

// SupersedePending marks the environment's pending plans superseded: an
// apply of it just ended, so they describe a state that is gone.
func (s *Store) SupersedePending(ctx context.Context, envID string) error {
	if _, err := s.q.ExecContext(ctx, `UPDATE plans SET state = ?, updated_at = ? WHERE environment_id = ? AND state = ?`,
		PlanSuperseded, s.stamp(), envID, PlanPending); err != nil {
		return fmt.Errorf("store: supersede plans: %w", err)
	}
	return nil
}

// Unlock releases the lock. It is safe to call more than once.
func (l *EnvLock) Unlock(ctx context.Context) error {
	var err error
	l.release.Do(func() {
		close(l.stop)
		<-l.done
		ctx := context.WithoutCancel(ctx)
		if l.conn != nil {
			_, _ = (pgQuerier{l.conn}).ExecContext(ctx, `DELETE FROM environment_locks WHERE environment_id = ? AND holder = ?`,
				l.info.EnvironmentID, l.holder)
			err = l.closeConn(ctx)
			return
		}
		_, err = l.s.q.ExecContext(ctx, `DELETE FROM environment_locks WHERE environment_id = ? AND holder = ?`,
			l.info.EnvironmentID, l.holder)
	})
	return err
}

// closeConn unlocks and gives the session back; a session whose unlock
// failed is thrown away, which ends it and so frees its lock.
func (l *EnvLock) closeConn(ctx context.Context) error {
	var unlocked bool
	err := l.conn.QueryRowContext(ctx, `SELECT pg_advisory_unlock($1)`, envLockKey(l.info.EnvironmentID)).Scan(&unlocked)
	if err != nil || !unlocked {
		_ = l.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	cerr := l.conn.Close()
	if err != nil {
		return fmt.Errorf("store: unlock environment: %w", err)
	}
	return cerr
}

// EnvironmentLock reports who holds envID's lock, if anyone does.
func (s *Store) EnvironmentLock(ctx context.Context, envID string) (LockInfo, bool, error) {
	var info LockInfo
	var since string
	var expires int64
	err := s.q.QueryRowContext(ctx, `SELECT environment_id, owner, operation, acquired_at, expires_at FROM environment_locks
		WHERE environment_id = ?`, envID).Scan(&info.EnvironmentID, &info.Owner, &info.Operation, &since, &expires)
	held := err == nil
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	if err != nil {
		return LockInfo{}, false, fmt.Errorf("store: environment lock: %w", err)
	}
	info.Since = parseStamp(since)
	if s.pg {
		// The row may outlive a holder that died; the advisory lock cannot.
		live, err := s.advisoryHeld(ctx, envID)
		if err != nil {
			return LockInfo{}, false, err
		}
		if live && !held {
			info = LockInfo{EnvironmentID: envID, Owner: "another process", Operation: "apply", Since: s.now()}
		}
		return info, live, nil
	}
	return info, held && expires >= ms(s.now()), nil
}

func (s *Store) advisoryHeld(ctx context.Context, envID string) (bool, error) {
	k := uint64(envLockKey(envID))
	var n int
	err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND classid::int8 = ? AND objid::int8 = ? AND objsubid = 1`, int64(k>>32), int64(k&0xffffffff)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: environment lock: %w", err)
	}
	return n > 0, nil
}
