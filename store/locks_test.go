package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestEnvironmentLock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := openTest(t)
	a, err := s.LockEnvironment(ctx, "env_1", "alice@laptop", "apply")
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.LockEnvironment(ctx, "env_1", "bob@ci", "destroy")
	var le *LockedError
	if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
		t.Fatalf("second lock: err = %v, want a LockedError", err)
	}
	if le.Owner != "alice@laptop" || le.Operation != "apply" || time.Since(le.Since) > time.Minute {
		t.Errorf("locked by %+v", le.LockInfo)
	}
	if info, held, err := s.EnvironmentLock(ctx, "env_1"); err != nil || !held || info.Owner != "alice@laptop" {
		t.Errorf("EnvironmentLock = %+v, %v, %v", info, held, err)
	}
	// Another environment is not affected.
	other, err := s.LockEnvironment(ctx, "env_2", "bob@ci", "apply")
	if err != nil {
		t.Fatalf("other environment: %v", err)
	}
	defer other.Unlock(ctx)

	if err := a.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.Unlock(ctx); err != nil {
		t.Errorf("second unlock: %v", err)
	}
	if _, held, _ := s.EnvironmentLock(ctx, "env_1"); held {
		t.Error("still held after unlock")
	}
	b, err := s.LockEnvironment(ctx, "env_1", "bob@ci", "destroy")
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	b.Unlock(ctx)
}

// TestEnvironmentLockRace has many holders race for one environment: at
// every moment at most one holds it.
func TestEnvironmentLockRace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := openTest(t)
	var inside, maxInside, wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 10 {
				l, err := s.LockEnvironment(ctx, "env_1", "worker", "apply")
				if errors.Is(err, ErrLocked) {
					continue
				}
				if err != nil {
					t.Errorf("worker %d: %v", i, err)
					return
				}
				n := inside.Add(1)
				if n > maxInside.Load() {
					maxInside.Store(n)
				}
				wins.Add(1)
				time.Sleep(time.Millisecond)
				inside.Add(-1)
				if err := l.Unlock(ctx); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if maxInside.Load() != 1 || wins.Load() == 0 {
		t.Errorf("holders at once = %d, holdings = %d", maxInside.Load(), wins.Load())
	}
}

// TestEnvironmentLockHolderDies: a holder that stops without unlocking
// (a killed process) does not keep the environment locked: on PostgreSQL
// its session ends and the lock with it; on SQLite its lease lapses.
func TestEnvironmentLockHolderDies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, path := openTest(t)
	var offset atomic.Int64
	later, err := Open(ctx, path, nil, WithClock(func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }))
	if err != nil {
		t.Fatal(err)
	}
	defer later.Close()

	l, err := s.LockEnvironment(ctx, "env_1", "alice@laptop", "apply")
	if err != nil {
		t.Fatal(err)
	}
	// Die: no more renewals, no unlock.
	close(l.stop)
	<-l.done
	if l.conn != nil {
		_ = l.conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	if !s.pg {
		if _, err := later.LockEnvironment(ctx, "env_1", "bob@ci", "apply"); !errors.Is(err, ErrLocked) {
			t.Fatalf("before the lease lapses: err = %v, want ErrLocked", err)
		}
		offset.Store(int64(LeaseTTL + time.Second))
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := later.LockEnvironment(ctx, "env_1", "bob@ci", "apply")
		if err == nil {
			b.Unlock(ctx)
			break
		}
		if !errors.Is(err, ErrLocked) || time.Now().After(deadline) {
			t.Fatalf("after the holder died: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
