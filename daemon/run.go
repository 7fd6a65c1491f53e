package daemon

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// Info is the content of daemon.json: how clients reach the running daemon.
// The file is 0600 because the token is a credential.
type Info struct {
	// Address is the loopback TCP address ("127.0.0.1:PORT").
	Address string `json:"address"`
	// Socket is the Unix socket path.
	Socket  string `json:"socket"`
	Token   string `json:"token"`
	PID     int    `json:"pid"`
	Version string `json:"version"`
}

// InfoFile returns the path of daemon.json under home.
func InfoFile(home string) string { return filepath.Join(home, "daemon.json") }

// ReadInfo reads daemon.json under home.
func ReadInfo(home string) (*Info, error) {
	b, err := os.ReadFile(InfoFile(home))
	if err != nil {
		return nil, err
	}
	var info Info
	if err := json.Unmarshal(b, &info); err != nil {
		return nil, fmt.Errorf("%s is corrupt: %w", InfoFile(home), err)
	}
	return &info, nil
}

// ErrAlreadyRunning is returned by Run when another daemon holds the lock.
var ErrAlreadyRunning = errors.New("another patchbay daemon is already running with this PATCHBAY_HOME")

// Run listens on the Unix socket and loopback TCP, writes daemon.json and
// serves until ctx is done or a Shutdown RPC arrives; then it shuts down
// gracefully and removes daemon.json and the socket. ready, if not nil, is
// called with the Info once clients can connect.
func (s *Server) Run(ctx context.Context, ready func(*Info)) error {
	home := s.cfg.Home
	if home == "" {
		return errors.New("daemon home is not set")
	}
	if err := PrepareHome(home); err != nil {
		return err
	}
	unlock, err := lockHome(home)
	if err != nil {
		return err
	}
	defer unlock()

	sock := s.cfg.Socket
	if sock == "" {
		sock = filepath.Join(home, "daemon.sock")
	}
	// The lock is ours, so any socket file left behind is stale.
	if err := os.Remove(sock); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("cannot remove the stale socket file", "socket", sock, "err", err)
	}
	ul, err := net.Listen("unix", sock)
	if err != nil {
		return fmt.Errorf("listen on unix socket %s: %w", sock, err)
	}
	defer os.Remove(sock)
	if err := os.Chmod(sock, 0o600); err != nil {
		ul.Close()
		return fmt.Errorf("restrict unix socket: %w", err)
	}
	tl, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(s.cfg.Port)))
	if err != nil {
		ul.Close()
		return fmt.Errorf("listen on 127.0.0.1:%d: %w", s.cfg.Port, err)
	}

	// Long-lived streams (WatchEvents, Apply) end when baseCtx is canceled,
	// so a graceful shutdown does not wait for the editor to hang up.
	baseCtx, cancelBase := context.WithCancel(context.Background())
	defer cancelBase()
	newServer := func(h http.Handler) *http.Server {
		srv := &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			BaseContext:       func(net.Listener) context.Context { return baseCtx },
			Protocols:         new(http.Protocols),
		}
		srv.Protocols.SetHTTP1(true)
		srv.Protocols.SetUnencryptedHTTP2(true)
		return srv
	}
	unixSrv := newServer(s.Handler(false))
	tcpSrv := newServer(s.Handler(true))
	errc := make(chan error, 2)
	go func() { errc <- unixSrv.Serve(ul) }()
	go func() { errc <- tcpSrv.Serve(tl) }()

	info := &Info{Address: tl.Addr().String(), Socket: sock, Token: s.token, PID: os.Getpid(), Version: s.build.Version}
	if err := writeInfo(home, info); err != nil {
		unixSrv.Close()
		tcpSrv.Close()
		return err
	}
	defer os.Remove(InfoFile(home))
	s.log.Info("daemon listening", "address", info.Address, "socket", sock, "version", info.Version)
	if ready != nil {
		ready(info)
	}

	var serveErr error
	select {
	case <-ctx.Done():
	case <-s.stop:
	case serveErr = <-errc:
	}
	s.requestStop()
	cancelBase()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := unixSrv.Shutdown(shutdownCtx); err != nil {
		s.log.Warn("unix socket listener: requests still running at shutdown were cut", "err", err)
	}
	if err := tcpSrv.Shutdown(shutdownCtx); err != nil {
		s.log.Warn("TCP listener: requests still running at shutdown were cut", "err", err)
	}
	s.log.Info("daemon stopped")
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return nil
}

// writeInfo writes daemon.json atomically with mode 0600.
func writeInfo(home string, info *Info) error {
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(home, ".daemon.json.*")
	if err != nil {
		return fmt.Errorf("write daemon.json: %w", err)
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), InfoFile(home))
}

// lockHome takes an exclusive advisory lock on home/daemon.lock so that one
// daemon serves one home. The kernel drops the lock if the process dies.
func lockHome(home string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(home, "daemon.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open daemon lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			if info, rerr := ReadInfo(home); rerr == nil {
				return nil, fmt.Errorf("%w (pid %d, %s)", ErrAlreadyRunning, info.PID, info.Address)
			}
			return nil, ErrAlreadyRunning
		}
		return nil, fmt.Errorf("lock daemon home: %w", err)
	}
	return func() { f.Close() }, nil
}

func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
