package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestBackupRestore copies a live SQLite database and opens the copy as a
// restored state database.
func TestBackupRestore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := openTest(t)
	if _, err := s.CreateEnvironment(ctx, Environment{WorkspaceRoot: "/ws", Name: "prod"}); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	err := s.Backup(ctx, backup)
	if s.pg {
		if !errors.Is(err, ErrBackupWithPgDump) {
			t.Fatalf("Backup on PostgreSQL: %v", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", fi, err)
	}
	if err := s.Backup(ctx, backup); err == nil {
		t.Error("Backup overwrote an existing file")
	}
	restored, err := Open(ctx, backup, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if _, err := restored.GetEnvironment(ctx, "", "/ws", "prod"); err != nil {
		t.Errorf("restored copy lacks the environment: %v", err)
	}
}
