package store

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// ErrBackupWithPgDump is Backup's answer on PostgreSQL, whose own tools
// make consistent online backups (docs/teams.md).
var ErrBackupWithPgDump = errors.New("back a PostgreSQL state database up with pg_dump -Fc (restore with pg_restore), and keep the keyset file apart from it")

// Backup writes a consistent copy of a SQLite state database to path
// (which must not exist) while the daemon runs: restore by stopping the
// daemon and putting the copy in place of state.db. The copy is 0600.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.pg {
		return ErrBackupWithPgDump
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("store: backup: %s exists", path)
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	return os.Chmod(path, 0o600)
}
