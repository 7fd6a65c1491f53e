package analyzer

import (
	"os"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// walkDir is a directory open for the walk: its entries are stat'ed
// relative to it (fstatat), so the kernel resolves one path component per
// file instead of the whole path from the workspace root.
type walkDir struct {
	f  *os.File
	fd int
}

// openDir opens dir and lists it in name order.
func openDir(dir string) (walkDir, []os.DirEntry, error) {
	f, err := os.Open(dir)
	if err != nil {
		return walkDir{}, nil, err
	}
	ents, err := f.ReadDir(-1)
	if err != nil {
		f.Close()
		return walkDir{}, nil, err
	}
	slices.SortFunc(ents, func(a, b os.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return walkDir{f, int(f.Fd())}, ents, nil
}

// stat returns the size and modification time (ns) of the entry name
// (a regular file; abs gives its path, for errors), following a symlink.
func (d walkDir) stat(name string, abs func() string) (size, mtime int64, err error) {
	st, err := d.fstatat(name, 0)
	if err != nil {
		return 0, 0, &os.PathError{Op: "stat", Path: abs(), Err: err}
	}
	return st.Size, st.Mtim.Nano(), nil
}

// fstatat stats the entry name relative to the directory, retrying when
// a signal interrupts the call.
func (d walkDir) fstatat(name string, flags int) (unix.Stat_t, error) {
	var st unix.Stat_t
	for {
		err := unix.Fstatat(d.fd, name, &st, flags)
		if err != unix.EINTR {
			return st, err
		}
	}
}

func (d walkDir) close() { d.f.Close() }

// hasEntry: ents (in name order) has name.
func hasEntry(ents []os.DirEntry, name string) bool {
	_, ok := slices.BinarySearchFunc(ents, name, func(e os.DirEntry, n string) int { return strings.Compare(e.Name(), n) })
	return ok
}

// id is the device and inode of the entry name (not following a symlink).
func (d walkDir) id(name string, abs func() string) ([2]uint64, error) {
	st, err := d.fstatat(name, unix.AT_SYMLINK_NOFOLLOW)
	if err != nil {
		return [2]uint64{}, &os.PathError{Op: "lstat", Path: abs(), Err: err}
	}
	return [2]uint64{uint64(st.Dev), uint64(st.Ino)}, nil
}
