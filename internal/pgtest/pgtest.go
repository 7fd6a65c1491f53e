// Package pgtest starts a real PostgreSQL server for tests: Debian's
// packages (scripts/system-deps.sh installs them), initdb in a temporary
// folder, one server per test process listening only on a Unix socket in
// that folder, and a fresh database per test. Run as root it runs the
// server as the postgres user, which initdb insists on.
//
// A test binary that uses it calls Main from TestMain so the server stops
// and its folder goes when the tests end; the server also dies with the
// test process (parent-death signal) if that is killed.
package pgtest

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	neturl "net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// Server is a running PostgreSQL.
type Server struct {
	Dir    string // data directory; the socket is in it too
	BinDir string // initdb, postgres, pg_dump, ...
	cmd    *exec.Cmd
	cred   *syscall.Credential
}

var (
	once    sync.Once
	shared  *Server
	failure error
	dbSeq   atomic.Int64
)

// Main runs the tests and stops the server if one was started.
func Main(m *testing.M) int {
	code := m.Run()
	if shared != nil {
		shared.Stop()
	}
	return code
}

// Start returns the process's server, starting it on first use. A machine
// without PostgreSQL fails the test with the command that installs it.
func Start(t testing.TB) *Server {
	t.Helper()
	once.Do(func() { shared, failure = start() })
	if failure != nil {
		t.Fatalf("pgtest: %v", failure)
	}
	return shared
}

// Database creates a fresh, empty database and returns its URL; it is
// dropped when the test ends.
func Database(t testing.TB) string {
	t.Helper()
	s := Start(t)
	name := fmt.Sprintf("t%d_%d", os.Getpid(), dbSeq.Add(1))
	admin, err := sql.Open("pgx", s.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", s.URL("postgres"))
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
	})
	return s.URL(name)
}

// URL is the address of database name on s.
func (s *Server) URL(name string) string {
	return "postgres://postgres@/" + name + "?host=" + s.Dir + "&sslmode=disable"
}

// Command returns a command running one of PostgreSQL's programs (pg_dump,
// psql, ...) as the server's user.
func (s *Server) Command(ctx context.Context, program string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(s.BinDir, program), args...)
	cmd.Dir = s.Dir
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	return cmd
}

// Stop stops the server and removes its folder.
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(syscall.SIGQUIT) // immediate shutdown: the data is thrown away
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
		}
	}
	_ = os.RemoveAll(filepath.Dir(s.Dir))
}

// BinDir finds PostgreSQL's programs: on PATH, else the newest
// /usr/lib/postgresql/<version>/bin (Debian puts them there).
func BinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Dir(real), nil
		}
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("PostgreSQL is not installed: run scripts/system-deps.sh (apt-get install postgresql)")
}

func version(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func start() (*Server, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	root, err := os.MkdirTemp("", "pbpg-")
	if err != nil {
		return nil, err
	}
	s := &Server{Dir: filepath.Join(root, "data"), BinDir: bin}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(root)
			return nil, fmt.Errorf("running as root needs the postgres user (apt-get install postgresql creates it): %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(root, uid, gid); err != nil {
			os.RemoveAll(root)
			return nil, err
		}
	}
	var out bytes.Buffer
	initdb := s.Command(context.Background(), "initdb", "-D", s.Dir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	initdb.Dir = root
	initdb.Stdout, initdb.Stderr = &out, &out
	if err := initdb.Run(); err != nil {
		os.RemoveAll(root)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out.String())
	}
	// Unix socket only (no TCP at all), and durability off: test data is
	// thrown away.
	cmd := s.Command(context.Background(), "postgres", "-D", s.Dir, "-k", s.Dir, "-c", "listen_addresses=",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300",
		"-c", "shared_buffers=32MB")
	cmd.Dir = root
	logf, err := os.Create(filepath.Join(root, "postgres.log"))
	if err != nil {
		os.RemoveAll(root)
		return nil, err
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	if err := cmd.Start(); err != nil {
		os.RemoveAll(root)
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s.cmd = cmd
	deadline := time.Now().Add(30 * time.Second)
	for {
		db, err := sql.Open("pgx", s.URL("postgres"))
		if err == nil {
			err = db.Ping()
			db.Close()
		}
		if err == nil {
			return s, nil
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(root, "postgres.log"))
			s.Stop()
			return nil, fmt.Errorf("postgres did not start: %v\n%s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Dump is pg_dump's plain-text dump of the database at url (made by
// Database): what a backup of it, or anyone reading the disk, would see.
func Dump(t testing.TB, url string) []byte {
	t.Helper()
	s := Start(t)
	u, err := neturl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	cmd := s.Command(context.Background(), "pg_dump", "-h", s.Dir, "-U", "postgres", "--no-owner", strings.TrimPrefix(u.Path, "/"))
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, errb.String())
	}
	return out.Bytes()
}
