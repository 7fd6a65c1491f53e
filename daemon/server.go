// Package daemon is Patchbay's transport: Connect, gRPC and gRPC-Web on one
// handler, local security, reflection and health, and the one event stream.
// Handlers are thin: decode, call one domain function, encode; errors are
// mapped to connect codes in one place (errors.go).
package daemon

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"connectrpc.com/connect"
	"connectrpc.com/grpchealth"
	"connectrpc.com/grpcreflect"

	"github.com/patchbay-dev/patchbay/analyzer"
	"github.com/patchbay-dev/patchbay/engine"
	"github.com/patchbay-dev/patchbay/gateway"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/gen/patchbay/v1/patchbayv1connect"
	"github.com/patchbay-dev/patchbay/internal/buildinfo"
	"github.com/patchbay-dev/patchbay/internal/teams"
	"github.com/patchbay-dev/patchbay/vault"
)

// Config holds what the daemon serves. Domain objects are built by the
// caller (cmd/patchbay) and injected here.
type Config struct {
	// Home is the state directory (PATCHBAY_HOME): daemon.json, the socket,
	// the state database and the file keyring live here.
	Home string
	// Port is the loopback TCP port; 0 picks a free one.
	Port int
	// Socket is the Unix socket path; empty means Home/daemon.sock.
	Socket string
	Logger *slog.Logger
	// EventQueue bounds each event subscriber's queue.
	EventQueue int
	// StreamWriteTimeout bounds each write of a response (default
	// DefaultStreamWriteTimeout): a subscriber that stops reading is
	// dropped after it.
	StreamWriteTimeout time.Duration

	Analyzer *analyzer.Analyzer
	// Gateway serves ApiKeyService, ActionService and trigger webhooks; nil
	// leaves them unimplemented.
	Gateway *gateway.Gateway
	// Engine serves EnvironmentService and ProvisionService; nil leaves
	// them unimplemented.
	Engine *engine.Engine
	// Credentials serves CredentialService and AssistantService; nil leaves
	// them unimplemented.
	Credentials *vault.Credentials
	// Users, set by patchbay server, serves TeamService and makes Serve's
	// TLS listener authenticate every request with a user token and check
	// the caller's role (teamauth.go); nil on a local daemon.
	Users *teams.Users
	// PublicURL is the server's public base URL (WhoAmI reports it).
	PublicURL string
	// WorkspaceRoots are the folders (absolute, cleaned, symlinks resolved)
	// under which a server's requests may name workspaces; none refuses
	// every workspace path.
	WorkspaceRoots []string
}

// Server is a configured daemon; Run serves it.
type Server struct {
	cfg     Config
	log     *slog.Logger
	token   string
	started time.Time
	build   buildinfo.Info
	bus     *bus

	analyzer  *analyzer.Analyzer
	approvals *engine.Approvals // nil without an engine

	mu         sync.Mutex
	workspaces map[string]*patchbayv1.WorkspaceSummary

	stopOnce sync.Once
	stop     chan struct{} // closed by the Shutdown RPC
}

// New returns a Server with a fresh random token.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.EventQueue <= 0 {
		cfg.EventQueue = 256
	}
	if cfg.StreamWriteTimeout <= 0 {
		cfg.StreamWriteTimeout = DefaultStreamWriteTimeout
	}
	if cfg.Analyzer == nil {
		cfg.Analyzer = analyzer.New(analyzer.Options{Logger: cfg.Logger})
	}
	cfg.WorkspaceRoots = workspaceRoots(cfg.WorkspaceRoots)
	tok, err := newToken()
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:        cfg,
		log:        cfg.Logger,
		token:      tok,
		started:    time.Now(),
		build:      buildinfo.Get(),
		analyzer:   cfg.Analyzer,
		workspaces: map[string]*patchbayv1.WorkspaceSummary{},
		stop:       make(chan struct{}),
	}
	s.bus = newBus(cfg.EventQueue, s.snapshot)
	if cfg.Credentials != nil {
		cfg.Credentials.SetEvents(credentialEvents{s})
	}
	// The approval registry is the daemon's own state, not a domain object
	// cmd configures: in-memory requests waiting for this daemon's
	// subscribers, announced on its event bus, over the injected engine.
	if cfg.Engine != nil {
		s.approvals = engine.NewApprovals(cfg.Engine, approvalEvents{s})
	}
	return s, nil
}

// workspaceRoots cleans the configured roots and adds each one's
// symlink-free form, so a path is judged both as named and as resolved.
func workspaceRoots(in []string) []string {
	var out []string
	for _, r := range in {
		if r == "" {
			continue
		}
		if abs, err := filepath.Abs(r); err == nil {
			r = abs
		}
		out = append(out, r)
		if real, err := filepath.EvalSymlinks(r); err == nil && real != r {
			out = append(out, real)
		}
	}
	return out
}

// Token returns the bearer token TCP clients must send.
func (s *Server) Token() string { return s.token }

// serviceNames lists every service the daemon mounts, for reflection and
// health.
var serviceNames = []string{
	patchbayv1connect.DaemonServiceName,
	patchbayv1connect.WorkspaceServiceName,
	patchbayv1connect.CredentialServiceName,
	patchbayv1connect.EnvironmentServiceName,
	patchbayv1connect.ProvisionServiceName,
	patchbayv1connect.ApiKeyServiceName,
	patchbayv1connect.ActionServiceName,
	patchbayv1connect.AssistantServiceName,
	patchbayv1connect.TeamServiceName,
}

// routes mounts one handler per service. Services whose issues have not
// landed answer CodeUnimplemented through the generated Unimplemented types.
func (s *Server) routes(opts ...connect.HandlerOption) map[string]http.Handler {
	m := map[string]http.Handler{}
	add := func(path string, h http.Handler) { m[path] = h }
	add(patchbayv1connect.NewDaemonServiceHandler(&daemonServer{s}, opts...))
	add(patchbayv1connect.NewWorkspaceServiceHandler(&workspaceServer{s}, opts...))
	s.addCredentialRoutes(add, opts...)
	if s.cfg.Engine != nil {
		add(patchbayv1connect.NewEnvironmentServiceHandler(&environmentServer{s}, opts...))
		add(patchbayv1connect.NewProvisionServiceHandler(&provisionServer{s}, opts...))
	} else {
		add(patchbayv1connect.NewEnvironmentServiceHandler(patchbayv1connect.UnimplementedEnvironmentServiceHandler{}, opts...))
		add(patchbayv1connect.NewProvisionServiceHandler(patchbayv1connect.UnimplementedProvisionServiceHandler{}, opts...))
	}
	s.addGatewayRoutes(add, opts...)
	add(patchbayv1connect.NewTeamServiceHandler(&teamServer{s}, opts...))
	return m
}

// Handler returns the daemon's full HTTP handler: every service plus gRPC
// reflection (v1 and v1alpha) and health, behind the local-security guard.
// tcp selects the TCP rules (token and Host checks).
func (s *Server) Handler(tcp bool) http.Handler {
	mux := s.mux()
	g := &guard{
		token:           s.token,
		requireToken:    tcp,
		checkHost:       tcp,
		apiKeyPrefixes:  []string{"/" + patchbayv1connect.ActionServiceName + "/"},
		webhookPrefixes: []string{gateway.WebhookPathPrefix},
		errw:            connect.NewErrorWriter(),
		log:             s.log,
	}
	return g.wrap(writeDeadlines(s.cfg.StreamWriteTimeout, mux))
}

// mux mounts every service, reflection and health; outer interceptors run
// before the error mapping (a server's role checks).
func (s *Server) mux(outer ...connect.Interceptor) *http.ServeMux {
	mux := http.NewServeMux()
	opts := []connect.HandlerOption{
		connect.WithInterceptors(append(outer, errorInterceptor(s.log))...),
		connect.WithRecover(func(_ context.Context, spec connect.Spec, _ http.Header, p any) error {
			s.log.Error("panic in handler", "procedure", spec.Procedure, "panic", p)
			return connect.NewError(connect.CodeInternal, errors.New("internal error; see the daemon log"))
		}),
	}
	for path, h := range s.routes(opts...) {
		mux.Handle(path, h)
	}
	reflector := grpcreflect.NewStaticReflector(append(serviceNames[:len(serviceNames):len(serviceNames)],
		grpchealth.HealthV1ServiceName, grpcreflect.ReflectV1ServiceName)...)
	mux.Handle(grpcreflect.NewHandlerV1(reflector))
	mux.Handle(grpcreflect.NewHandlerV1Alpha(reflector))
	mux.Handle(grpchealth.NewHandler(grpchealth.NewStaticChecker(serviceNames...)))
	return mux
}

// publish hands an event to every subscriber. Callers must not hold any
// lock that snapshot() takes.
func (s *Server) publish(ev *patchbayv1.Event) { s.bus.publish(ev, "") }

// publishTeam hands an event about one team's environments to that team's
// subscribers (on a local daemon, to all).
func (s *Server) publishTeam(ev *patchbayv1.Event, team string) { s.bus.publish(ev, team) }

// recordAnalysis remembers a workspace's latest summary for snapshots and
// publishes AnalysisUpdated.
func (s *Server) recordAnalysis(sum *patchbayv1.WorkspaceSummary, changed []string) {
	s.mu.Lock()
	s.workspaces[sum.GetRoot()] = sum
	s.mu.Unlock()
	s.publish(&patchbayv1.Event{Payload: &patchbayv1.Event_AnalysisUpdated{
		AnalysisUpdated: &patchbayv1.AnalysisUpdated{Workspace: sum, ChangedPaths: changed},
	}})
}

func (s *Server) snapshot(team string) *patchbayv1.Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := &patchbayv1.Snapshot{Version: s.build.Version}
	for _, w := range s.workspaces {
		snap.Workspaces = append(snap.Workspaces, w)
	}
	sort.Slice(snap.Workspaces, func(i, j int) bool { return snap.Workspaces[i].Root < snap.Workspaces[j].Root })
	snap.PendingCredentialRequests = s.pendingCredentialRequests()
	snap.PendingApprovalRequests = s.pendingApprovalRequests(team)
	return snap
}

// requestStop asks Run to shut down.
func (s *Server) requestStop() { s.stopOnce.Do(func() { close(s.stop) }) }
