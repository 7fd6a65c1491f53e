package daemon

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"connectrpc.com/connect"
)

// ServeOptions configure Serve, the network listener of a Patchbay server.
type ServeOptions struct {
	// Listen is host:port (":8443" for every interface).
	Listen string
	// CertFile and KeyFile are the PEM certificate (chain) and its key.
	CertFile, KeyFile string
}

// Serve is `patchbay server`: the daemon's API over TLS (HTTP/2 and
// HTTP/1.1, so Connect, gRPC and gRPC-Web all work) for many users. Every
// request needs a user token (Config.Users) except ActionService (API keys),
// trigger webhooks and health; each procedure checks the caller's role.
// No daemon.json is written and no Unix socket opened. ready, if not nil,
// gets the listening address.
func (s *Server) Serve(ctx context.Context, opts ServeOptions, ready func(addr string)) error {
	if s.cfg.Users == nil {
		return errors.New("a server needs users: Config.Users is not set")
	}
	cert, err := tls.LoadX509KeyPair(opts.CertFile, opts.KeyFile)
	if err != nil {
		return fmt.Errorf("load TLS certificate %s and key %s: %w", opts.CertFile, opts.KeyFile, err)
	}
	l, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", opts.Listen, err)
	}
	baseCtx, cancelBase := context.WithCancel(context.Background())
	defer cancelBase()
	srv := &http.Server{
		Handler:           s.ServerHandler(),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return baseCtx },
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}},
		Protocols:         new(http.Protocols),
	}
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetHTTP2(true)
	errc := make(chan error, 1)
	go func() { errc <- srv.ServeTLS(l, "", "") }()
	s.log.Info("server listening", "address", l.Addr().String(), "public_url", s.cfg.PublicURL, "version", s.build.Version)
	if ready != nil {
		ready(l.Addr().String())
	}
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	s.requestStop()
	cancelBase()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		s.log.Warn("requests still running at shutdown were cut", "err", err)
	}
	s.log.Info("server stopped")
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return nil
}

// ServerHandler is the server's HTTP handler: every service behind the user
// token and role checks.
func (s *Server) ServerHandler() http.Handler {
	g := &serverGuard{users: s.cfg.Users, errw: connect.NewErrorWriter()}
	return g.wrap(writeDeadlines(s.cfg.StreamWriteTimeout, s.mux(&teamAuth{s})))
}
