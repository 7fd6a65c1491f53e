package store

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// TestEngineEnv set to "postgres" makes the store's portable tests run on
// a fresh PostgreSQL database each (TestStoreSuiteOnPostgres sets it).
const TestEngineEnv = "PATCHBAY_TEST_STORE"

// portableTests are the tests that use only the store's API, so they prove
// both engines alike.
const portableTests = `^(TestEnvironments|TestEnvironmentsByTeam|TestResources|TestPlansJournalAudit|TestAPIKeyRows|TestAPIKeyAuditRows|TestTriggerDeliveryOutbox|TestClaimTriggerDeliveriesConcurrently|TestEnvironmentLock.*|TestBackupRestore|TestServerUsers)$`

func testDatabase(t *testing.T) string {
	t.Helper()
	if os.Getenv(TestEngineEnv) == "postgres" {
		return pgtest.Database(t)
	}
	return filepath.Join(t.TempDir(), "state.db")
}

// TestStoreSuiteOnPostgres runs the portable store tests again, in a child
// test process, with every store on PostgreSQL.
func TestStoreSuiteOnPostgres(t *testing.T) {
	t.Parallel()
	if os.Getenv(TestEngineEnv) != "" {
		t.Skip("already the child")
	}
	pgtest.Start(t) // fail here, naming the missing package, rather than in the child
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run="+portableTests, "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), TestEngineEnv+"=postgres")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("store tests on PostgreSQL: %v\n%s", err, out)
	}
	passed := regexp.MustCompile(`(?m)^--- PASS: (\w+)`).FindAllStringSubmatch(string(out), -1)
	var names []string
	for _, m := range passed {
		names = append(names, m[1])
	}
	if len(names) < 7 {
		t.Fatalf("only %v passed on PostgreSQL:\n%s", names, out)
	}
	t.Logf("passed on PostgreSQL: %s", strings.Join(names, " "))
}

// TestPostgresMigrations opens one PostgreSQL database from several
// "daemons" at once: they migrate it exactly once, to the same tables as
// SQLite, and reopening keeps the data.
func TestPostgresMigrations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.Database(t)
	var wg sync.WaitGroup
	stores := make([]*Store, 4)
	errs := make([]error, 4)
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = Open(ctx, url, nil) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("daemon %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	s := stores[0]
	var applied int
	if err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&applied); err != nil || applied != LatestVersion() {
		t.Errorf("schema_migrations rows = %d, %v; want %d", applied, err, LatestVersion())
	}

	rows, err := s.q.QueryContext(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)
	if err != nil {
		t.Fatal(err)
	}
	var pgTables []string
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		pgTables = append(pgTables, n)
	}
	rows.Close()
	sort.Strings(pgTables)

	lite, _ := openTest(t)
	rows, err = lite.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	var liteTables []string
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		liteTables = append(liteTables, n)
	}
	rows.Close()
	sort.Strings(liteTables)
	if os.Getenv(TestEngineEnv) == "" {
		if d := cmp.Diff(liteTables, pgTables); d != "" {
			t.Errorf("tables (-sqlite +postgres):\n%s", d)
		}
	}

	// One daemon's write is the others' read.
	if _, err := stores[1].CreateEnvironment(ctx, Environment{WorkspaceRoot: "/ws", Name: "staging"}); err != nil {
		t.Fatal(err)
	}
	if _, err := stores[2].GetEnvironment(ctx, "", "/ws", "staging"); err != nil {
		t.Errorf("another daemon does not see the environment: %v", err)
	}
	if _, err := stores[3].CreateEnvironment(ctx, Environment{WorkspaceRoot: "/ws", Name: "staging"}); !errors.Is(err, ErrExists) {
		t.Errorf("duplicate from another daemon: err = %v, want ErrExists", err)
	}

	// A database from a newer binary is refused rather than misread.
	if _, err := s.q.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 'x')", LatestVersion()+1); err != nil {
		t.Fatal(err)
	}
	if s5, err := Open(ctx, url, nil); err == nil {
		s5.Close()
		t.Fatal("Open accepted a database with a newer schema")
	}
}

// TestPostgresUpgradeKeepsData migrates a version-1 PostgreSQL database
// with a resource to the newest schema.
func TestPostgresUpgradeKeepsData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.Database(t)
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Rebuild it at version 1 by hand, as the previous release left it.
	s, err = Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `DROP SCHEMA public CASCADE; CREATE SCHEMA public`); err != nil {
		t.Fatal(err)
	}
	if err := s.migrateTo(ctx, ms, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.q.ExecContext(ctx, `INSERT INTO environments (id, workspace_root, name, created_at, updated_at) VALUES ('env_1', '/ws', 'local', 'x', 'x')`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.q.ExecContext(ctx, `INSERT INTO resources (id, environment_id, provider, type, name, provider_id, created_by_patchbay, status, props, created_at, updated_at)
		VALUES ('res_1', 'env_1', 'stripe', 'webhook_endpoint', 'api', 'we_1', 1, 'present', '{"url":["http://a"]}', 'x', 'x')`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.q.ExecContext(ctx, `INSERT INTO services (workspace_root, path, name, updated_at) VALUES ('/ws', 'api', 'api', 'x')`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, url, nil)
	if err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	defer s.Close()
	if v, _ := s.SchemaVersion(ctx); v != LatestVersion() {
		t.Errorf("version after upgrade = %d", v)
	}
	r, err := s.GetResourceByID(ctx, "res_1")
	if err != nil {
		t.Fatal(err)
	}
	if r.ProviderID != "we_1" || r.Props["url"][0] != "http://a" || len(r.ManagedProps) != 0 {
		t.Errorf("row after upgrade: %+v", r)
	}
	checkUpgradedEnvironment(t, s)
}

func TestRebind(t *testing.T) {
	t.Parallel()
	got := rebind(`SELECT '?' FROM t WHERE a = ? AND (? = '' OR b = ?)`)
	if want := `SELECT '?' FROM t WHERE a = $1 AND ($2 = '' OR b = $3)`; got != want {
		t.Errorf("rebind = %q, want %q", got, want)
	}
	if got := pgMigrationSQL("seq INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER NOT NULL, body BLOB"); got != "seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, n BIGINT NOT NULL, body BYTEA" {
		t.Errorf("migration = %q", got)
	}
}
