package store

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func openTest(t *testing.T) (*Store, string) {
	t.Helper()
	path := testDatabase(t)
	s, err := Open(context.Background(), path, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestMigrations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, path := openTest(t)

	v, err := s.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v != LatestVersion() || v < 1 {
		t.Fatalf("schema version = %d, want %d", v, LatestVersion())
	}

	var tables []string
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	sort.Strings(tables)
	want := []string{"api_key_audit", "api_key_triggers", "api_keys", "audit_log", "environment_locks", "environments", "journal", "operations", "plans", "relationships", "resources", "schema_migrations", "sealed_secrets", "server_tokens", "server_users", "services", "team_members", "trigger_deliveries", "trigger_events_seen"}
	if d := cmp.Diff(want, tables); d != "" {
		t.Errorf("tables (-want +got):\n%s", d)
	}

	var mode string
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}

	// Reopening an up-to-date database applies nothing and keeps data.
	if _, err := s.CreateEnvironment(ctx, Environment{WorkspaceRoot: "/ws", Name: "local"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s2.Close()
	var applied int
	if err := s2.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM schema_migrations").Scan(&applied); err != nil || applied != LatestVersion() {
		t.Errorf("schema_migrations rows = %d, %v; want %d", applied, err, LatestVersion())
	}
	if _, err := s2.GetEnvironment(ctx, "", "/ws", "local"); err != nil {
		t.Errorf("environment lost across reopen: %v", err)
	}

	// A database from a newer binary is refused rather than misread.
	if _, err := s2.db.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 'x')", LatestVersion()+1); err != nil {
		t.Fatal(err)
	}
	s2.Close()
	if s3, err := Open(ctx, path, nil); err == nil {
		s3.Close()
		t.Fatal("Open accepted a database with a newer schema")
	}
}

func TestMigrationVersionsAreContiguous(t *testing.T) {
	t.Parallel()
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range ms {
		if m.version != i+1 {
			t.Errorf("migration %s has version %d, want %d", m.name, m.version, i+1)
		}
	}
}

func TestEnvironments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := openTest(t)

	e, err := s.CreateEnvironment(ctx, Environment{WorkspaceRoot: "/ws", Name: "local", FrontendURL: "http://localhost:3000",
		APIURL: "http://localhost:4000", ExtraOrigins: []string{"http://127.0.0.1:3000"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateEnvironment(ctx, Environment{WorkspaceRoot: "/ws", Name: "local"}); !errors.Is(err, ErrExists) {
		t.Errorf("duplicate create: err = %v, want ErrExists", err)
	}
	if _, err := s.CreateEnvironment(ctx, Environment{WorkspaceRoot: "/other", Name: "local"}); err != nil {
		t.Errorf("same name in another workspace: %v", err)
	}

	e.FrontendURL = "https://app.example.com"
	e.ExtraOrigins = nil
	got, err := s.UpdateEnvironment(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if got.FrontendURL != "https://app.example.com" || len(got.ExtraOrigins) != 0 || got.ID != e.ID {
		t.Errorf("after update: %+v", got)
	}
	if _, err := s.UpdateEnvironment(ctx, Environment{WorkspaceRoot: "/ws", Name: "nope"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("update missing: err = %v, want ErrNotFound", err)
	}

	list, err := s.ListEnvironments(ctx, "", "/ws")
	if err != nil || len(list) != 1 {
		t.Fatalf("list = %v, %v", list, err)
	}

	// An environment that still tracks resources cannot be deleted.
	if _, err := s.PutResource(ctx, Resource{EnvironmentID: e.ID, Provider: "stripe", Type: "webhook_endpoint", Name: "api",
		CreatedByPatchbay: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteEnvironment(ctx, "", "/ws", "local"); !errors.Is(err, ErrInUse) {
		t.Errorf("delete with resources: err = %v, want ErrInUse", err)
	}
	rs, _ := s.ListResources(ctx, e.ID)
	for _, r := range rs {
		if err := s.DeleteResource(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteEnvironment(ctx, "", "/ws", "local"); err != nil {
		t.Errorf("delete: %v", err)
	}
	if _, err := s.GetEnvironment(ctx, "", "/ws", "local"); !errors.Is(err, ErrNotFound) {
		t.Errorf("get after delete: err = %v", err)
	}
}

// TestEnvironmentsByTeam: a team sees, changes and deletes only its own
// environments and services; two teams may each have one of a name.
func TestEnvironmentsByTeam(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := openTest(t)
	a, err := s.CreateEnvironment(ctx, Environment{Team: "alpha", WorkspaceRoot: "/ws", Name: "staging", FrontendURL: "https://a.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.CreateEnvironment(ctx, Environment{Team: "beta", WorkspaceRoot: "/ws", Name: "staging", FrontendURL: "https://b.example.com"})
	if err != nil {
		t.Fatalf("same workspace and name in another team: %v", err)
	}
	if _, err := s.CreateEnvironment(ctx, Environment{Team: "alpha", WorkspaceRoot: "/ws", Name: "staging"}); !errors.Is(err, ErrExists) {
		t.Errorf("duplicate in one team: err = %v, want ErrExists", err)
	}
	local, err := s.CreateEnvironment(ctx, Environment{WorkspaceRoot: "/ws", Name: "local"})
	if err != nil || local.Team != DefaultTeam {
		t.Fatalf("no team: %+v, %v; want team %q", local, err, DefaultTeam)
	}
	for team, want := range map[string][]string{"alpha": {a.ID}, "beta": {b.ID}, "": {local.ID}, DefaultTeam: {local.ID}, "gamma": nil} {
		list, err := s.ListEnvironments(ctx, team, "")
		var got []string
		for _, e := range list {
			got = append(got, e.ID)
		}
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("team %q lists %v, %v; want %v", team, got, err, want)
		}
	}
	if got, err := s.GetEnvironment(ctx, "beta", "/ws", "staging"); err != nil || got.ID != b.ID || got.Team != "beta" {
		t.Errorf("beta's staging = %+v, %v", got, err)
	}
	if _, err := s.GetEnvironment(ctx, "gamma", "/ws", "staging"); !errors.Is(err, ErrNotFound) {
		t.Errorf("another team's environment: err = %v, want ErrNotFound", err)
	}
	if _, err := s.UpdateEnvironment(ctx, Environment{Team: "gamma", WorkspaceRoot: "/ws", Name: "staging", FrontendURL: "https://evil.example.com"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("update of another team's environment: err = %v, want ErrNotFound", err)
	}
	if err := s.DeleteEnvironment(ctx, "gamma", "/ws", "staging"); !errors.Is(err, ErrNotFound) {
		t.Errorf("delete of another team's environment: err = %v, want ErrNotFound", err)
	}
	if got, _ := s.GetEnvironment(ctx, "alpha", "/ws", "staging"); got.FrontendURL != "https://a.example.com" {
		t.Errorf("alpha's staging changed: %+v", got)
	}
	if err := s.DeleteEnvironment(ctx, "alpha", "/ws", "staging"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetEnvironment(ctx, "beta", "/ws", "staging"); err != nil {
		t.Errorf("deleting alpha's staging took beta's: %v", err)
	}

	if err := s.ReplaceServices(ctx, "alpha", "/ws", []Service{{Path: "api", Name: "api"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceServices(ctx, "beta", "/ws", []Service{{Path: "web", Name: "web"}}); err != nil {
		t.Fatal(err)
	}
	for team, want := range map[string]string{"alpha": "api", "beta": "web"} {
		svcs, err := s.ListServices(ctx, team, "/ws")
		if err != nil || len(svcs) != 1 || svcs[0].Path != want || svcs[0].Team != team {
			t.Errorf("team %s services = %+v, %v; want only %s", team, svcs, err, want)
		}
	}
}

func TestResources(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := openTest(t)
	e, err := s.CreateEnvironment(ctx, Environment{WorkspaceRoot: "/ws", Name: "local"})
	if err != nil {
		t.Fatal(err)
	}
	in := Resource{EnvironmentID: e.ID, Provider: "auth0", Type: "client", Name: "web", Status: StatusCreating,
		IdempotencyKey: "k1", Props: map[string][]string{"callbacks": {"http://a/cb"}}}
	r, err := s.PutResource(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	r.Status = StatusPresent
	r.ProviderID = "cid_1"
	r.Outputs = map[string]string{"client_id": "cid_1"}
	r.SecretNames = []string{"client_secret"}
	r2, err := s.PutResource(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.GetResource(ctx, e.ID, "auth0", "client", "web")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(r2, got, cmpopts.EquateApproxTime(0)); d != "" {
		t.Errorf("round trip (-put +get):\n%s", d)
	}
	if got.Status != StatusPresent || got.ProviderID != "cid_1" || got.SecretNames[0] != "client_secret" {
		t.Errorf("update not applied: %+v", got)
	}
	if _, err := s.PutResource(ctx, Resource{EnvironmentID: e.ID, Provider: "auth0", Type: "client", Name: "web"}); !errors.Is(err, ErrExists) {
		t.Errorf("duplicate identity: err = %v, want ErrExists", err)
	}
}

func TestPlansJournalAudit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := openTest(t)
	e, _ := s.CreateEnvironment(ctx, Environment{WorkspaceRoot: "/ws", Name: "local"})

	p1, err := s.SavePlan(ctx, Plan{EnvironmentID: e.ID, Body: []byte("one")})
	if err != nil {
		t.Fatal(err)
	}
	p2, err := s.SavePlan(ctx, Plan{EnvironmentID: e.ID, Body: []byte("two")})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetPlan(ctx, p1.ID); got.State != PlanSuperseded {
		t.Errorf("older plan state = %q, want superseded", got.State)
	}
	ok, err := s.SetPlanState(ctx, p2.ID, PlanApplying, PlanPending)
	if err != nil || !ok {
		t.Fatalf("approve: %v %v", ok, err)
	}
	if ok, _ := s.SetPlanState(ctx, p2.ID, PlanApplying, PlanPending); ok {
		t.Error("a plan was approved twice")
	}
	if got, _ := s.GetPlan(ctx, p2.ID); string(got.Body) != "two" {
		t.Errorf("body = %q", got.Body)
	}

	for _, ph := range []string{PhaseBefore, PhaseAfter} {
		if err := s.AppendJournal(ctx, JournalEntry{OperationID: "op1", StepID: "s1", ResourceID: "r1", Call: "create", Phase: ph}); err != nil {
			t.Fatal(err)
		}
	}
	js, err := s.ListJournal(ctx, JournalFilter{ResourceID: "r1"})
	if err != nil || len(js) != 2 || js[0].Phase != PhaseBefore || js[1].Phase != PhaseAfter {
		t.Errorf("journal = %+v, %v", js, err)
	}

	for _, a := range []string{"a", "b", "c"} {
		if err := s.Audit(ctx, "cli", a, "env:local", ""); err != nil {
			t.Fatal(err)
		}
	}
	as, err := s.ListAudit(ctx, 2)
	if err != nil || len(as) != 2 || as[0].Action != "b" || as[1].Action != "c" {
		t.Errorf("audit = %+v, %v", as, err)
	}
}

// TestMigrationKeepsData builds a version-1 database with a resource, then
// opens it with this binary: the row must survive the upgrade with the new
// column at its default.
func TestMigrationKeepsData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 2 {
		t.Skip("only one migration")
	}
	// Open without migrating, by hand: a v1 database as the previous release
	// left it.
	db, err := sqlOpen(path)
	if err != nil {
		t.Fatal(err)
	}
	v1 := newStore(db, slog.New(slog.DiscardHandler))
	if err := v1.migrateTo(ctx, ms, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := v1.db.ExecContext(ctx, `INSERT INTO environments (id, workspace_root, name, created_at, updated_at) VALUES ('env_1', '/ws', 'local', 'x', 'x')`); err != nil {
		t.Fatal(err)
	}
	if _, err := v1.db.ExecContext(ctx, `INSERT INTO resources (id, environment_id, provider, type, name, provider_id, created_by_patchbay, status, props, created_at, updated_at)
		VALUES ('res_1', 'env_1', 'stripe', 'webhook_endpoint', 'api', 'we_1', 1, 'present', '{"url":["http://a"]}', 'x', 'x')`); err != nil {
		t.Fatal(err)
	}
	if _, err := v1.db.ExecContext(ctx, `INSERT INTO services (workspace_root, path, name, updated_at) VALUES ('/ws', 'api', 'api', 'x')`); err != nil {
		t.Fatal(err)
	}
	v1.Close()

	s, err := Open(ctx, path, nil)
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
	if r.ProviderID != "we_1" || r.Props["url"][0] != "http://a" || r.ManagedProps == nil || len(r.ManagedProps) != 0 {
		t.Errorf("row after upgrade: %+v", r)
	}
	checkUpgradedEnvironment(t, s)
	var fkProblems int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_foreign_key_check`).Scan(&fkProblems); err != nil || fkProblems != 0 {
		t.Errorf("foreign key check after the rebuild: %d problems, %v", fkProblems, err)
	}
}

// checkUpgradedEnvironment: the environment a version-1 database held is
// the default team's after the upgrade, its service too, and the resource
// still holds it (the rebuild kept the foreign key to the new table).
func checkUpgradedEnvironment(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	env, err := s.GetEnvironment(ctx, DefaultTeam, "/ws", "local")
	if err != nil || env.ID != "env_1" || env.Team != DefaultTeam {
		t.Errorf("environment after upgrade = %+v, %v", env, err)
	}
	if svcs, err := s.ListServices(ctx, DefaultTeam, "/ws"); err != nil || len(svcs) != 1 || svcs[0].Path != "api" {
		t.Errorf("services after upgrade = %+v, %v", svcs, err)
	}
	if err := s.DeleteEnvironment(ctx, DefaultTeam, "/ws", "local"); !errors.Is(err, ErrInUse) {
		t.Errorf("delete of an environment with a resource after upgrade: err = %v, want ErrInUse", err)
	}
	if _, err := s.CreateEnvironment(ctx, Environment{Team: "beta", WorkspaceRoot: "/ws", Name: "local"}); err != nil {
		t.Errorf("another team's environment of the same name after upgrade: %v", err)
	}
	if _, err := s.PutResource(ctx, Resource{EnvironmentID: "env_missing", Provider: "stripe", Type: "webhook_endpoint", Name: "x", CreatedByPatchbay: true}); err == nil {
		t.Error("a resource of a missing environment was accepted after upgrade: the foreign key is gone")
	}
}
