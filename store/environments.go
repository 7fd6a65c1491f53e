package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// DefaultTeam is the team of a local daemon's environments and of every
// environment made before environments were partitioned by team.
const DefaultTeam = "default"

// Environment is one deployment target of a workspace (local, staging, ...)
// of one team: another team's environments are not found.
type Environment struct {
	ID            string
	Team          string // DefaultTeam when empty
	WorkspaceRoot string
	Name          string
	FrontendURL   string
	APIURL        string
	ExtraOrigins  []string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// NewID returns a random id with a readable prefix ("env_3f9a...").
func NewID(prefix string) string {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("store: crypto/rand failed: " + err.Error())
	}
	return prefix + "_" + hex.EncodeToString(b[:])
}

func marshalJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Only maps and slices of strings reach here; failing is a bug.
		panic("store: marshal: " + err.Error())
	}
	return string(b)
}

// teamOrDefault is the team an empty team means.
func teamOrDefault(team string) string {
	if team == "" {
		return DefaultTeam
	}
	return team
}

// CreateEnvironment records a new environment; ErrExists when the team
// already has one with that name for the workspace.
func (s *Store) CreateEnvironment(ctx context.Context, e Environment) (Environment, error) {
	if e.WorkspaceRoot == "" || e.Name == "" {
		return Environment{}, fmt.Errorf("store: environment needs a workspace root and a name")
	}
	if e.ID == "" {
		e.ID = NewID("env")
	}
	if e.ExtraOrigins == nil {
		e.ExtraOrigins = []string{}
	}
	e.Team = teamOrDefault(e.Team)
	now := s.stamp()
	_, err := s.q.ExecContext(ctx, `INSERT INTO environments
		(id, team, workspace_root, name, frontend_url, api_url, extra_origins, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.Team, e.WorkspaceRoot, e.Name, e.FrontendURL, e.APIURL, marshalJSON(e.ExtraOrigins), now, now)
	if isUniqueViolation(err) {
		return Environment{}, fmt.Errorf("store: environment %q: %w", e.Name, ErrExists)
	}
	if err != nil {
		return Environment{}, fmt.Errorf("store: create environment %q: %w", e.Name, err)
	}
	e.CreatedAt, e.UpdatedAt = parseStamp(now), parseStamp(now)
	return e, nil
}

const envColumns = `id, team, workspace_root, name, frontend_url, api_url, extra_origins, created_at, updated_at`

func scanEnvironment(row scanner) (Environment, error) {
	var e Environment
	var origins, created, updated string
	if err := row.Scan(&e.ID, &e.Team, &e.WorkspaceRoot, &e.Name, &e.FrontendURL, &e.APIURL, &origins, &created, &updated); err != nil {
		return Environment{}, err
	}
	if err := json.Unmarshal([]byte(origins), &e.ExtraOrigins); err != nil {
		return Environment{}, fmt.Errorf("store: environment %s: extra origins: %w", e.Name, err)
	}
	e.CreatedAt, e.UpdatedAt = parseStamp(created), parseStamp(updated)
	return e, nil
}

// GetEnvironment returns the team's named environment of a workspace.
func (s *Store) GetEnvironment(ctx context.Context, team, workspaceRoot, name string) (Environment, error) {
	e, err := scanEnvironment(s.q.QueryRowContext(ctx,
		`SELECT `+envColumns+` FROM environments WHERE team = ? AND workspace_root = ? AND name = ?`, teamOrDefault(team), workspaceRoot, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Environment{}, fmt.Errorf("store: environment %q: %w", name, ErrNotFound)
	}
	return e, err
}

// GetEnvironmentByID returns an environment by id, whatever its team;
// callers acting for a team compare Team.
func (s *Store) GetEnvironmentByID(ctx context.Context, id string) (Environment, error) {
	e, err := scanEnvironment(s.q.QueryRowContext(ctx, `SELECT `+envColumns+` FROM environments WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Environment{}, fmt.Errorf("store: environment %s: %w", id, ErrNotFound)
	}
	return e, err
}

// ListEnvironments returns the team's environments of a workspace by name;
// of all its workspaces when workspaceRoot is empty.
func (s *Store) ListEnvironments(ctx context.Context, team, workspaceRoot string) ([]Environment, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+envColumns+` FROM environments
		WHERE team = ? AND (? = '' OR workspace_root = ?) ORDER BY workspace_root, name`, teamOrDefault(team), workspaceRoot, workspaceRoot)
	if err != nil {
		return nil, fmt.Errorf("store: list environments: %w", err)
	}
	return collectRows(rows, scanEnvironment)
}

// UpdateEnvironment replaces the URLs and origins of an existing environment
// (found by team, workspace root and name).
func (s *Store) UpdateEnvironment(ctx context.Context, e Environment) (Environment, error) {
	if e.ExtraOrigins == nil {
		e.ExtraOrigins = []string{}
	}
	e.Team = teamOrDefault(e.Team)
	res, err := s.q.ExecContext(ctx, `UPDATE environments SET frontend_url = ?, api_url = ?, extra_origins = ?, updated_at = ?
		WHERE team = ? AND workspace_root = ? AND name = ?`,
		e.FrontendURL, e.APIURL, marshalJSON(e.ExtraOrigins), s.stamp(), e.Team, e.WorkspaceRoot, e.Name)
	if err != nil {
		return Environment{}, fmt.Errorf("store: update environment %q: %w", e.Name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Environment{}, fmt.Errorf("store: environment %q: %w", e.Name, ErrNotFound)
	}
	return s.GetEnvironment(ctx, e.Team, e.WorkspaceRoot, e.Name)
}

// DeleteEnvironment removes an environment. It refuses (ErrInUse) while the
// environment still records resources: destroy them first, so nothing at a
// provider is orphaned silently.
func (s *Store) DeleteEnvironment(ctx context.Context, team, workspaceRoot, name string) error {
	e, err := s.GetEnvironment(ctx, team, workspaceRoot, name)
	if err != nil {
		return err
	}
	_, err = s.q.ExecContext(ctx, `DELETE FROM environments WHERE id = ?`, e.ID)
	if isForeignKeyViolation(err) {
		return fmt.Errorf("store: environment %q still has resources; destroy them first: %w", name, ErrInUse)
	}
	if err != nil {
		return fmt.Errorf("store: delete environment %q: %w", name, err)
	}
	return nil
}
