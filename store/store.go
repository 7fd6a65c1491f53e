// Package store is Patchbay's embedded state database: services,
// environments, provisioned resources and their provider ids, relationships,
// plans, the operation journal and the audit log.
//
// It is SQLite through modernc.org/sqlite (pure Go, so the daemon builds
// without cgo) in WAL mode, with versioned migrations embedded in the binary.
// Secrets never go here; rows only name the secrets a resource has so the
// engine can find them in the keyring.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Errors callers branch on.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
	// ErrInUse is returned when deleting something other rows still need.
	ErrInUse = errors.New("in use")
)

// querier is what both *sql.DB and *sql.Tx offer, so every method works
// inside and outside a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// scanner is what *sql.Row and *sql.Rows share.
type scanner interface{ Scan(...any) error }

// collectRows scans every row with scan and closes rows.
func collectRows[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Store is a handle on the state database. It is safe for concurrent use.
type Store struct {
	// writeMu queues this process's write transactions in Go: SQLite takes
	// one writer at a time anyway, and its busy handler waits by sleeping,
	// which made parallel apply steps stall on each other.
	writeMu *sync.Mutex
	db      *sql.DB
	q       querier
	log     *slog.Logger
	now     func() time.Time
	pg      bool // PostgreSQL (postgres.go); SQLite otherwise
	inTx    bool // q is a transaction (InTx)
}

// Option configures Open.
type Option func(*Store)

// WithClock replaces time.Now, for tests that compare timestamps.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// Open opens (creating if needed) the database at path and migrates it to
// the newest schema. A postgres:// or postgresql:// URL opens that
// PostgreSQL database instead (postgres.go).
func Open(ctx context.Context, path string, log *slog.Logger, opts ...Option) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if IsDatabaseURL(path) {
		return openPostgres(ctx, path, log, opts...)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: create directory for %s: %w", path, err)
	}
	if err := restrictFiles(path); err != nil {
		return nil, fmt.Errorf("store: restrict %s: %w", path, err)
	}
	db, err := sqlOpen(path)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := newStore(db, log)
	for _, o := range opts {
		o(s)
	}
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		db.Close()
		return nil, fmt.Errorf("store: %s: journal mode is %q, want wal", path, mode)
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := restrictFiles(path); err != nil {
		log.Warn("store: cannot restrict database permissions", "err", err)
	}
	return s, nil
}

func newStore(db *sql.DB, log *slog.Logger) *Store {
	return &Store{writeMu: new(sync.Mutex), db: db, q: db, log: log, now: time.Now}
}

func sqlOpen(path string) (*sql.DB, error) {
	// busy_timeout makes concurrent writers (another process included) wait
	// instead of failing with SQLITE_BUSY; foreign_keys is per connection,
	// hence in the DSN; immediate transactions take the write lock up front
	// so two writers never deadlock upgrading read locks.
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	return sql.Open("sqlite", dsn)
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// InTx runs fn with a Store whose methods all run in one transaction,
// committed when fn returns nil.
func (s *Store) InTx(ctx context.Context, fn func(tx *Store) error) error {
	if s.pg {
		return retryDeadlocks(ctx, func() error { return s.inTxOnce(ctx, fn) })
	}
	return s.inTxOnce(ctx, fn)
}

func (s *Store) inTxOnce(ctx context.Context, fn func(tx *Store) error) error {
	if s.writeMu != nil {
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	inner := *s
	inner.q = tx
	inner.inTx = true
	if s.pg {
		inner.q = pgQuerier{tx}
	}
	if err := fn(&inner); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		prefix, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(prefix)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration %q: name must start with a positive version and '_'", e.Name())
		}
		b, err := migrationFiles.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		for line := range strings.Lines(string(b)) {
			if name, ok := strings.CutPrefix(strings.TrimSpace(line), "-- engine:"); ok && strings.TrimSpace(name) != "sqlite" && strings.TrimSpace(name) != "postgres" {
				return nil, fmt.Errorf("store: migration %q: unknown engine section %q (sqlite or postgres)", e.Name(), strings.TrimSpace(name))
			}
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("store: migration %q: versions must be 1..n without gaps", m.name)
		}
	}
	return ms, nil
}

// LatestVersion is the schema version this binary migrates to.
func LatestVersion() int {
	ms, err := loadMigrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

// SchemaVersion reports the database's current schema version.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.q.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v)
	return v, err
}

func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	return s.migrateTo(ctx, ms, len(ms))
}

// migrateTo applies ms up to version target; tests use it to build
// databases of older versions.
func (s *Store) migrateTo(ctx context.Context, ms []migration, target int) error {
	if err := s.InTx(ctx, func(tx *Store) error {
		if err := tx.lockMigrations(ctx); err != nil {
			return err
		}
		create := `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`
		if tx.pg {
			create = pgMigrationSQL(create)
		}
		_, err := tx.q.ExecContext(ctx, create)
		return err
	}); err != nil {
		return fmt.Errorf("store: migrations table: %w", err)
	}
	current, err := s.SchemaVersion(ctx)
	if err != nil {
		return fmt.Errorf("store: read schema version: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("store: database schema version %d is newer than this binary's %d; upgrade patchbay", current, len(ms))
	}
	for _, m := range ms[current:target] {
		// Each migration and its bookkeeping row commit together, so a crash
		// mid-migration leaves the previous version intact.
		applied := false
		err := s.migrationTx(ctx, func(tx *Store) error {
			// Daemons starting together on one PostgreSQL database take
			// turns; the one that comes second finds the work done.
			if err := tx.lockMigrations(ctx); err != nil {
				return err
			}
			if v, err := tx.SchemaVersion(ctx); err != nil || v >= m.version {
				return err
			}
			applied = true
			body := engineSQL(m.sql, tx.pg)
			if tx.pg {
				body = pgMigrationSQL(body)
			}
			if _, err := tx.q.ExecContext(ctx, body); err != nil {
				return fmt.Errorf("store: migration %s: %w", m.name, err)
			}
			_, err := tx.q.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.version, m.name, tx.stamp())
			return err
		})
		if err != nil {
			return err
		}
		if applied {
			s.log.Info("store: migrated", "version", m.version, "name", m.name)
		}
	}
	return nil
}

// migrationTx runs one migration in a transaction. On SQLite that
// transaction runs with foreign keys off, on a connection of its own, and
// commits only if PRAGMA foreign_key_check then finds nothing: SQLite's
// way of changing a table's constraints is rebuilding it, and dropping the
// old table with foreign keys on would cascade to, or be restricted by, the
// rows referencing it (https://www.sqlite.org/lang_altertable.html#otheralter).
// foreign_keys cannot change inside a transaction, hence the connection.
func (s *Store) migrationTx(ctx context.Context, fn func(tx *Store) error) error {
	if s.pg {
		return s.InTx(ctx, fn)
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: migration connection: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		return fmt.Errorf("store: migration: foreign keys off: %w", err)
	}
	defer func() {
		// The connection goes back to the pool: it must enforce them again.
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON"); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	inner := *s
	inner.q = tx
	inner.inTx = true
	inner.writeMu = nil
	if err := fn(&inner); err != nil {
		_ = tx.Rollback()
		return err
	}
	rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("store: migration: foreign key check: %w", err)
	}
	bad := rows.Next()
	rows.Close()
	if bad {
		_ = tx.Rollback()
		return fmt.Errorf("store: migration would leave rows referencing missing ones (PRAGMA foreign_key_check); nothing changed")
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// engineSQL keeps the parts of a migration for one engine. A migration is
// the same for both unless it has sections: a line "-- engine: sqlite" or
// "-- engine: postgres" starts the part only that engine runs, up to the
// next such line; what comes before the first is common. SQLite has no
// ALTER TABLE ... DROP CONSTRAINT, so a changed constraint is a table
// rebuild there and one statement on PostgreSQL.
func engineSQL(body string, pg bool) string {
	var b strings.Builder
	keep := true
	for line := range strings.Lines(body) {
		if name, ok := strings.CutPrefix(strings.TrimSpace(line), "-- engine:"); ok {
			name = strings.TrimSpace(name)
			keep = name == "postgres" && pg || name == "sqlite" && !pg
			continue
		}
		if keep {
			b.WriteString(line)
		}
	}
	return b.String()
}

func (s *Store) stamp() string { return s.now().UTC().Format(time.RFC3339Nano) }

func parseStamp(v string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, v)
	return t
}

func isUniqueViolation(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "UNIQUE constraint failed") || pgErrCode(err) == "23505")
}

func isForeignKeyViolation(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "FOREIGN KEY constraint failed") || pgErrCode(err) == "23503")
}

// lockMigrations makes concurrent migrations of one PostgreSQL database
// take turns, until the end of the transaction; SQLite's immediate
// transactions already do.
func (s *Store) lockMigrations(ctx context.Context) error {
	if !s.pg {
		return nil
	}
	_, err := s.q.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(migrationLockKey))
	return err
}
