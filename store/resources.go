package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Resource statuses.
const (
	// StatusCreating marks a resource whose create call was journaled but
	// whose answer was not recorded yet: it may or may not exist.
	StatusCreating = "creating"
	StatusPresent  = "present"
)

// Resource is one object at a provider that an environment tracks.
type Resource struct {
	ID            string
	EnvironmentID string
	Provider      string
	Type          string
	// Name identifies the resource inside its environment; it is Patchbay's
	// name, not the provider's id.
	Name       string
	ProviderID string
	// CreatedByPatchbay is false for adopted resources, which destroy never
	// deletes.
	CreatedByPatchbay bool
	Status            string
	IdempotencyKey    string
	Profile           string
	Props             map[string][]string
	// ManagedProps are the values Patchbay applied (a superset while a
	// change is in flight); list entries outside it belong to someone else.
	ManagedProps map[string][]string
	Outputs      map[string]string
	SecretNames  []string
	// RetiringProviderID is an object replaced by a rotation and not yet
	// deleted.
	RetiringProviderID string
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

const resourceColumns = `id, environment_id, provider, type, name, provider_id, created_by_patchbay, status,
	idempotency_key, profile, props, outputs, secret_names, retiring_provider_id, created_at, updated_at, managed_props`

func scanResource(row scanner) (Resource, error) {
	var r Resource
	var created int
	var props, outputs, secrets, createdAt, updatedAt, managed string
	if err := row.Scan(&r.ID, &r.EnvironmentID, &r.Provider, &r.Type, &r.Name, &r.ProviderID, &created, &r.Status,
		&r.IdempotencyKey, &r.Profile, &props, &outputs, &secrets, &r.RetiringProviderID, &createdAt, &updatedAt, &managed); err != nil {
		return Resource{}, err
	}
	r.CreatedByPatchbay = created != 0
	for _, f := range []struct {
		src string
		dst any
	}{{props, &r.Props}, {outputs, &r.Outputs}, {secrets, &r.SecretNames}, {managed, &r.ManagedProps}} {
		if err := json.Unmarshal([]byte(f.src), f.dst); err != nil {
			return Resource{}, fmt.Errorf("store: resource %s: %w", r.ID, err)
		}
	}
	r.CreatedAt, r.UpdatedAt = parseStamp(createdAt), parseStamp(updatedAt)
	return r, nil
}

// PutResource inserts or replaces a resource row (by id).
func (s *Store) PutResource(ctx context.Context, r Resource) (Resource, error) {
	if r.ID == "" {
		r.ID = NewID("res")
	}
	if r.Status == "" {
		r.Status = StatusPresent
	}
	if r.Props == nil {
		r.Props = map[string][]string{}
	}
	if r.Outputs == nil {
		r.Outputs = map[string]string{}
	}
	if r.ManagedProps == nil {
		r.ManagedProps = map[string][]string{}
	}
	if r.SecretNames == nil {
		r.SecretNames = []string{}
	}
	now := s.stamp()
	created := 0
	if r.CreatedByPatchbay {
		created = 1
	}
	_, err := s.q.ExecContext(ctx, `INSERT INTO resources (`+resourceColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET provider_id = excluded.provider_id,
			created_by_patchbay = excluded.created_by_patchbay, status = excluded.status,
			idempotency_key = excluded.idempotency_key, profile = excluded.profile, props = excluded.props,
			outputs = excluded.outputs, secret_names = excluded.secret_names,
			retiring_provider_id = excluded.retiring_provider_id, updated_at = excluded.updated_at,
			managed_props = excluded.managed_props`,
		r.ID, r.EnvironmentID, r.Provider, r.Type, r.Name, r.ProviderID, created, r.Status,
		r.IdempotencyKey, r.Profile, marshalJSON(r.Props), marshalJSON(r.Outputs), marshalJSON(r.SecretNames),
		r.RetiringProviderID, now, now, marshalJSON(r.ManagedProps))
	if isUniqueViolation(err) {
		return Resource{}, fmt.Errorf("store: resource %s/%s %q: %w", r.Provider, r.Type, r.Name, ErrExists)
	}
	if err != nil {
		return Resource{}, fmt.Errorf("store: put resource %s/%s %q: %w", r.Provider, r.Type, r.Name, err)
	}
	// The row is what was written; skipping the re-read matters when every
	// apply step writes twice. created_at is kept by the upsert.
	if r.CreatedAt.IsZero() {
		r.CreatedAt = parseStamp(now)
	}
	r.UpdatedAt = parseStamp(now)
	return r, nil
}

// GetResourceByID returns one resource.
func (s *Store) GetResourceByID(ctx context.Context, id string) (Resource, error) {
	r, err := scanResource(s.q.QueryRowContext(ctx, `SELECT `+resourceColumns+` FROM resources WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Resource{}, fmt.Errorf("store: resource %s: %w", id, ErrNotFound)
	}
	return r, err
}

// GetResource returns an environment's resource by its Patchbay identity.
func (s *Store) GetResource(ctx context.Context, envID, provider, typ, name string) (Resource, error) {
	r, err := scanResource(s.q.QueryRowContext(ctx, `SELECT `+resourceColumns+` FROM resources
		WHERE environment_id = ? AND provider = ? AND type = ? AND name = ?`, envID, provider, typ, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Resource{}, fmt.Errorf("store: resource %s/%s %q: %w", provider, typ, name, ErrNotFound)
	}
	return r, err
}

// ListResources returns an environment's resources ordered by identity.
func (s *Store) ListResources(ctx context.Context, envID string) ([]Resource, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+resourceColumns+` FROM resources
		WHERE environment_id = ? ORDER BY provider, type, name`, envID)
	if err != nil {
		return nil, fmt.Errorf("store: list resources: %w", err)
	}
	return collectRows(rows, scanResource)
}

// DeleteResource forgets a resource row.
func (s *Store) DeleteResource(ctx context.Context, id string) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM resources WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: delete resource %s: %w", id, err)
	}
	return nil
}

// Service is a directory of a workspace with a manifest, as last analyzed.
type Service struct {
	Team          string
	WorkspaceRoot string
	Path          string
	Name          string
	Language      string
	Providers     []string
}

// ReplaceServices records the services of a team's workspace, dropping the
// ones no longer present.
func (s *Store) ReplaceServices(ctx context.Context, team, workspaceRoot string, svcs []Service) error {
	team = teamOrDefault(team)
	return s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM services WHERE team = ? AND workspace_root = ?`, team, workspaceRoot); err != nil {
			return fmt.Errorf("store: replace services: %w", err)
		}
		now := tx.stamp()
		for _, sv := range svcs {
			if sv.Providers == nil {
				sv.Providers = []string{}
			}
			if _, err := tx.q.ExecContext(ctx, `INSERT INTO services (team, workspace_root, path, name, language, providers, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, team, workspaceRoot, sv.Path, sv.Name, sv.Language, marshalJSON(sv.Providers), now); err != nil {
				return fmt.Errorf("store: replace services: %s: %w", sv.Path, err)
			}
		}
		return nil
	})
}

// ListServices returns a team's workspace's recorded services by path.
func (s *Store) ListServices(ctx context.Context, team, workspaceRoot string) ([]Service, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT team, workspace_root, path, name, language, providers FROM services
		WHERE team = ? AND workspace_root = ? ORDER BY path`, teamOrDefault(team), workspaceRoot)
	if err != nil {
		return nil, fmt.Errorf("store: list services: %w", err)
	}
	defer rows.Close()
	var out []Service
	for rows.Next() {
		var sv Service
		var providers string
		if err := rows.Scan(&sv.Team, &sv.WorkspaceRoot, &sv.Path, &sv.Name, &sv.Language, &providers); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(providers), &sv.Providers); err != nil {
			return nil, fmt.Errorf("store: service %s: %w", sv.Path, err)
		}
		out = append(out, sv)
	}
	return out, rows.Err()
}

// Relationship is an edge of the system map ("service:api" uses
// "resource:res_1").
type Relationship struct {
	From string
	To   string
	Kind string
}

// ReplaceRelationships records an environment's relationships.
func (s *Store) ReplaceRelationships(ctx context.Context, envID string, rels []Relationship) error {
	return s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM relationships WHERE environment_id = ?`, envID); err != nil {
			return fmt.Errorf("store: replace relationships: %w", err)
		}
		for _, r := range rels {
			if _, err := tx.q.ExecContext(ctx, `INSERT INTO relationships (environment_id, from_node, to_node, kind)
				VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, envID, r.From, r.To, r.Kind); err != nil {
				return fmt.Errorf("store: replace relationships: %w", err)
			}
		}
		return nil
	})
}

// ListRelationships returns an environment's relationships in insertion order.
func (s *Store) ListRelationships(ctx context.Context, envID string) ([]Relationship, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT from_node, to_node, kind FROM relationships
		WHERE environment_id = ? ORDER BY id`, envID)
	if err != nil {
		return nil, fmt.Errorf("store: list relationships: %w", err)
	}
	defer rows.Close()
	var out []Relationship
	for rows.Next() {
		var r Relationship
		if err := rows.Scan(&r.From, &r.To, &r.Kind); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
