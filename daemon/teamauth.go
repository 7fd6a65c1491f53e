package daemon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/patchbay-dev/patchbay/engine"
	"github.com/patchbay-dev/patchbay/gateway"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/gen/patchbay/v1/patchbayv1connect"
	"github.com/patchbay-dev/patchbay/internal/teams"
)

// A Patchbay server (Serve) authenticates every request with a user token
// and checks the caller's role in the request's team before the handler
// runs; the handlers are the local daemon's, unchanged. Mutations run with
// engine.WithActor(user) and are audited with the user, allowed or not.

// Roles a procedure needs beyond the default: viewer for procedures marked
// NO_SIDE_EFFECTS, member for the rest.
var procedureRoles = map[string]teams.Role{
	// Plan changes nothing at the providers or in environments.
	patchbayv1connect.ProvisionServicePlanProcedure:           teams.Viewer,
	patchbayv1connect.DaemonServiceWatchEventsProcedure:       teams.Viewer,
	patchbayv1connect.AssistantServiceAskProcedure:            teams.Viewer,
	patchbayv1connect.TeamServiceAddMemberProcedure:           teams.Owner,
	patchbayv1connect.TeamServiceRemoveMemberProcedure:        teams.Owner,
	patchbayv1connect.CredentialServiceUnlockKeyringProcedure: teams.Owner,
}

// teamless procedures need an authenticated user but no team.
var teamless = map[string]bool{
	patchbayv1connect.DaemonServiceVersionProcedure: true,
	patchbayv1connect.TeamServiceWhoAmIProcedure:    true,
}

// refusedOnServer are local-daemon procedures a server never runs.
var refusedOnServer = map[string]string{
	patchbayv1connect.DaemonServiceShutdownProcedure: "a Patchbay server is stopped by whoever runs it (SIGTERM), not over the API",
}

// unauthenticatedPrefixes skip the user token: ActionService checks API
// keys, trigger webhooks the provider's signature, and health is for load
// balancers.
var unauthenticatedPrefixes = []string{
	"/" + patchbayv1connect.ActionServiceName + "/",
	gateway.WebhookPathPrefix,
	"/grpc.health.v1.Health/",
}

type callerKey struct{}

func callerFrom(ctx context.Context) *teams.Caller {
	c, _ := ctx.Value(callerKey{}).(*teams.Caller)
	return c
}

// serverGuard authenticates requests on a server's TLS listener. Browsers
// are refused as on a daemon: the extension and the CLI are not browsers,
// and a page must not drive the API with a user's cookie-less token.
type serverGuard struct {
	users *teams.Users
	errw  *connect.ErrorWriter
}

func (g *serverGuard) wrap(next http.Handler) http.Handler {
	refuse := (&guard{errw: g.errw}).refuse
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fromBrowser(r.Header) {
			refuse(w, r, connect.NewError(connect.CodePermissionDenied, errBrowser))
			return
		}
		if hasAnyPrefix(r.URL.Path, unauthenticatedPrefixes) {
			next.ServeHTTP(w, r)
			return
		}
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || tok == "" {
			refuse(w, r, connect.NewError(connect.CodeUnauthenticated,
				errors.New(`missing bearer token: log in with "patchbay login --server URL", or send "Authorization: Bearer pbu_…"`)))
			return
		}
		c, err := g.users.Authenticate(r.Context(), tok)
		if err != nil {
			code := connect.CodeUnavailable // the database did not answer
			if errors.Is(err, teams.ErrUnauthenticated) {
				code = connect.CodeUnauthenticated
			}
			refuse(w, r, connect.NewError(code, err))
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, c)))
	})
}

// teamAuth is the role check and audit of every procedure on a server.
type teamAuth struct{ s *Server }

func (a *teamAuth) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		spec := req.Spec()
		if skipTeamAuth(spec.Procedure) {
			return next(ctx, req)
		}
		msg, _ := req.Any().(proto.Message)
		ctx, team, err := a.authorize(ctx, spec, req.Header(), msg)
		if err == nil {
			var resp connect.AnyResponse
			resp, err = next(ctx, req)
			a.audit(ctx, spec, team, err)
			return resp, err
		}
		a.audit(ctx, spec, team, err)
		return nil, err
	}
}

func (a *teamAuth) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (a *teamAuth) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		spec := conn.Spec()
		if skipTeamAuth(spec.Procedure) {
			return next(ctx, conn)
		}
		ctx, team, err := a.authorize(ctx, spec, conn.RequestHeader(), nil)
		if err == nil {
			err = next(ctx, &rootCheckingConn{StreamingHandlerConn: conn, a: a})
		}
		a.audit(ctx, spec, team, err)
		return err
	}
}

func skipTeamAuth(procedure string) bool {
	return strings.HasPrefix(procedure, "/"+patchbayv1connect.ActionServiceName+"/")
}

// authorize resolves the request's team (its team field, else the
// Patchbay-Team header, else the caller's only team; an empty team field is
// filled in so the handler acts for the same team) and checks the role.
func (a *teamAuth) authorize(ctx context.Context, spec connect.Spec, h http.Header, msg proto.Message) (context.Context, string, error) {
	c := callerFrom(ctx)
	if c == nil {
		return ctx, "", connect.NewError(connect.CodeUnauthenticated, errors.New("no authenticated user"))
	}
	ctx = engine.WithActor(ctx, c.User)
	if why, ok := refusedOnServer[spec.Procedure]; ok {
		return ctx, "", connect.NewError(connect.CodePermissionDenied, errors.New(why))
	}
	if teamless[spec.Procedure] {
		return ctx, "", nil
	}
	var field protoreflect.FieldDescriptor
	named := h.Get(teams.TeamHeader)
	if msg != nil {
		if fd := msg.ProtoReflect().Descriptor().Fields().ByName("team"); fd != nil && fd.Kind() == protoreflect.StringKind {
			field = fd
			if v := msg.ProtoReflect().Get(fd).String(); v != "" {
				named = v
			}
		}
	}
	team, err := c.Team(named)
	if err != nil {
		return ctx, "", toConnectError(a.s.log, spec.Procedure, err)
	}
	if field != nil {
		msg.ProtoReflect().Set(field, protoreflect.ValueOfString(team))
	}
	need, ok := procedureRoles[spec.Procedure]
	if !ok {
		need = teams.Member
		if spec.IdempotencyLevel == connect.IdempotencyNoSideEffects {
			need = teams.Viewer
		}
	}
	if err := c.Require(team, need, shortProcedure(spec.Procedure)); err != nil {
		return ctx, team, toConnectError(a.s.log, spec.Procedure, err)
	}
	// Environments, their plans, resources and services are the team's:
	// the engine finds no other team's.
	ctx = engine.WithTeam(ctx, team)
	if msg != nil && readsWorkspace(spec.Procedure, msg) {
		if err := a.checkRoots(msg.ProtoReflect()); err != nil {
			return ctx, team, err
		}
	}
	return ctx, team, nil
}

// diskFree are the procedures whose workspace root only names a workspace
// (the key of its environments): they read nothing under it, so a laptop's
// checkout, which the server cannot see, may be named. Everything else
// (analysis, the system map, variables, plans without the caller's own
// analysis) reads the workspace on the server's disk.
var diskFree = map[string]bool{
	patchbayv1connect.EnvironmentServiceListEnvironmentsProcedure:  true,
	patchbayv1connect.EnvironmentServiceCreateEnvironmentProcedure: true,
	patchbayv1connect.EnvironmentServiceUpdateEnvironmentProcedure: true,
	patchbayv1connect.EnvironmentServiceDeleteEnvironmentProcedure: true,
	patchbayv1connect.EnvironmentServiceDeleteVariableProcedure:    true,
	patchbayv1connect.ProvisionServiceDestroyProcedure:             true, // a destroy plan reads only the state
}

// readsWorkspace reports whether the request makes the server read the
// workspace it names.
func readsWorkspace(procedure string, msg proto.Message) bool {
	if diskFree[procedure] {
		return false
	}
	if p, ok := msg.(*patchbayv1.PlanRequest); ok && (p.GetAnalysis() != nil || p.GetDestroy()) {
		return false // planned from the caller's analysis, or from the state alone
	}
	return true
}

// audit records every procedure that may change something, with its user
// and outcome (refusals included); reads are not logged.
func (a *teamAuth) audit(ctx context.Context, spec connect.Spec, team string, err error) {
	need := procedureRoles[spec.Procedure]
	if spec.IdempotencyLevel == connect.IdempotencyNoSideEffects || need == teams.Viewer || teamless[spec.Procedure] {
		return
	}
	c := callerFrom(ctx)
	if c == nil || a.s.cfg.Users == nil {
		return
	}
	detail := "ok"
	if err != nil {
		detail = connect.CodeOf(err).String()
	}
	target := ""
	if team != "" {
		target = "team:" + team
	}
	if aerr := a.s.cfg.Users.Audit(ctx, c.User, shortProcedure(spec.Procedure), target, detail); aerr != nil {
		a.s.log.Error("audit log write failed", "procedure", spec.Procedure, "user", c.User, "err", aerr)
	}
}

// shortProcedure drops the package: "ProvisionService/Apply".
func shortProcedure(p string) string {
	return strings.TrimPrefix(p, "/patchbay.v1.")
}

// rootCheckingConn checks the workspace roots of a stream's requests as
// they arrive (the interceptor sees no message before the handler runs).
type rootCheckingConn struct {
	connect.StreamingHandlerConn
	a *teamAuth
}

func (c *rootCheckingConn) Receive(m any) error {
	if err := c.StreamingHandlerConn.Receive(m); err != nil {
		return err
	}
	if pm, ok := m.(proto.Message); ok {
		return c.a.checkRoots(pm.ProtoReflect())
	}
	return nil
}

// checkRoots refuses workspace paths outside the server's workspace roots
// (patchbay server --workspace-root): a server analyzes and plans
// checkouts on its own disk, and a member must not make it read anything
// else. Every string field named root or workspace_root, at any depth,
// is checked; empty ones mean "any" in list requests and pass.
func (a *teamAuth) checkRoots(m protoreflect.Message) error {
	var err error
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Kind() == protoreflect.StringKind && !fd.IsList() && (fd.Name() == "root" || fd.Name() == "workspace_root"):
			err = a.allowedRoot(v.String())
		case fd.Kind() == protoreflect.MessageKind && fd.IsList():
			l := v.List()
			for i := 0; i < l.Len() && err == nil; i++ {
				err = a.checkRoots(l.Get(i).Message())
			}
		case fd.Kind() == protoreflect.MessageKind && !fd.IsMap():
			err = a.checkRoots(v.Message())
		}
		return err == nil
	})
	return err
}

func (a *teamAuth) allowedRoot(p string) error {
	if p == "" {
		return nil
	}
	roots := a.s.cfg.WorkspaceRoots
	if len(roots) == 0 {
		return connect.NewError(connect.CodePermissionDenied,
			errors.New("this server serves no workspaces: start it with --workspace-root DIR (the folder of the checkouts it may analyze)"))
	}
	if !filepath.IsAbs(p) {
		return connect.NewError(connect.CodeInvalidArgument, fmt.Errorf("workspace %s: want an absolute path on the server", quote(p)))
	}
	candidates := []string{filepath.Clean(p)}
	if real, err := filepath.EvalSymlinks(p); err == nil {
		candidates = append(candidates, real) // a link out of a root must not pass
	}
	for _, c := range candidates {
		if !underAny(c, roots) {
			return connect.NewError(connect.CodePermissionDenied,
				fmt.Errorf("workspace %s is not under this server's workspace roots (%s)", quote(p), strings.Join(roots, ", ")))
		}
	}
	return nil
}

func underAny(p string, roots []string) bool {
	for _, r := range roots {
		if rel, err := filepath.Rel(r, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return true
		}
	}
	return false
}
