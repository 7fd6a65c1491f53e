package store

import (
	"errors"
	"io/fs"
	"os"
)

// restrictFiles makes a SQLite database and its -wal and -shm files 0600.
// SQLite gives the -wal and -shm files the database file's mode, so the
// database is created 0600 before SQLite opens it (whatever the umask), and
// files left from before (0644 under an older Patchbay) are tightened.
func restrictFiles(path string) error {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}
