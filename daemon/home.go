package daemon

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// PrepareHome makes the state directory private before anything is
// written to it: it creates it 0700, sets the process umask to 077 (so
// files created later, SQLite's state.db-wal and -shm among them, are
// 0600 whatever the user's umask), and tightens what is already there, in
// case the folder existed with a looser mode or was written under a
// permissive umask: directories 0700, everything else 0600. Symlinks are
// not followed (their targets are not Patchbay's to change).
func PrepareHome(home string) error {
	if home == "" {
		return errors.New("daemon home is not set")
	}
	syscall.Umask(0o077)
	if err := os.MkdirAll(home, 0o700); err != nil {
		return fmt.Errorf("create daemon home: %w", err)
	}
	return filepath.WalkDir(home, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == home {
				return err
			}
			return nil // vanished meanwhile: nothing to tighten
		}
		mode := fs.FileMode(0o600)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			return nil
		case d.IsDir():
			mode = 0o700
		}
		fi, err := d.Info()
		if err != nil || fi.Mode().Perm() == mode || fi.Mode().Perm()&^mode == 0 && !d.IsDir() {
			return nil
		}
		if err := os.Chmod(path, mode); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("restrict %s: %w", path, err)
		}
		return nil
	})
}
