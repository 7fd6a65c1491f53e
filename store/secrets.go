package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Sealed secrets (migration 0006). The store only ever sees ciphertext:
// callers seal values first (engine.SealedSecrets).

// PutSealedSecret stores the ciphertext of secret name, replacing it.
func (s *Store) PutSealedSecret(ctx context.Context, name string, ciphertext []byte) error {
	if _, err := s.q.ExecContext(ctx, `INSERT INTO sealed_secrets (name, ciphertext, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
		name, ciphertext, s.stamp()); err != nil {
		return fmt.Errorf("store: put secret: %w", err)
	}
	return nil
}

// GetSealedSecret returns the ciphertext of secret name, or ErrNotFound.
func (s *Store) GetSealedSecret(ctx context.Context, name string) ([]byte, error) {
	var ct []byte
	err := s.q.QueryRowContext(ctx, `SELECT ciphertext FROM sealed_secrets WHERE name = ?`, name).Scan(&ct)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: secret: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: get secret: %w", err)
	}
	return ct, nil
}

// DeleteSealedSecret removes secret name; a missing one is not an error.
func (s *Store) DeleteSealedSecret(ctx context.Context, name string) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM sealed_secrets WHERE name = ?`, name); err != nil {
		return fmt.Errorf("store: delete secret: %w", err)
	}
	return nil
}
