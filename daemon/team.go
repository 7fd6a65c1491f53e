package daemon

import (
	"context"
	"errors"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/internal/teams"
	"github.com/patchbay-dev/patchbay/store"
)

// teamServer implements patchbayv1connect.TeamService. Roles are checked by
// teamAuth before these run.
type teamServer struct{ s *Server }

var errNotAServer = connect.NewError(connect.CodeFailedPrecondition,
	errors.New("this is a local daemon: teams, members and their roles live on a Patchbay server (patchbay server; patchbay login --server URL)"))

func (h *teamServer) WhoAmI(ctx context.Context, _ *connect.Request[patchbayv1.WhoAmIRequest]) (*connect.Response[patchbayv1.WhoAmIResponse], error) {
	c := callerFrom(ctx)
	if h.s.cfg.Users == nil || c == nil {
		return nil, errNotAServer
	}
	out := &patchbayv1.WhoAmIResponse{User: c.User, PublicUrl: h.s.cfg.PublicURL}
	for _, t := range c.Teams() {
		out.Memberships = append(out.Memberships, &patchbayv1.Membership{Team: t, User: c.User, Role: toProtoRole(c.Roles[t])})
	}
	return connect.NewResponse(out), nil
}

func (h *teamServer) ListMembers(ctx context.Context, req *connect.Request[patchbayv1.ListMembersRequest]) (*connect.Response[patchbayv1.ListMembersResponse], error) {
	if h.s.cfg.Users == nil {
		return nil, errNotAServer
	}
	ms, err := h.s.cfg.Users.Members(ctx, req.Msg.GetTeam())
	if err != nil {
		return nil, err
	}
	out := &patchbayv1.ListMembersResponse{}
	for _, m := range ms {
		out.Members = append(out.Members, toProtoMember(m))
	}
	return connect.NewResponse(out), nil
}

func (h *teamServer) AddMember(ctx context.Context, req *connect.Request[patchbayv1.AddMemberRequest]) (*connect.Response[patchbayv1.AddMemberResponse], error) {
	if h.s.cfg.Users == nil {
		return nil, errNotAServer
	}
	m := req.Msg
	tok, err := h.s.cfg.Users.Add(ctx, m.GetTeam(), m.GetUser(), fromProtoRole(m.GetRole()))
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&patchbayv1.AddMemberResponse{
		Member: &patchbayv1.Membership{Team: m.GetTeam(), User: m.GetUser(), Role: m.GetRole()}, Token: tok,
	}), nil
}

func (h *teamServer) RemoveMember(ctx context.Context, req *connect.Request[patchbayv1.RemoveMemberRequest]) (*connect.Response[patchbayv1.RemoveMemberResponse], error) {
	if h.s.cfg.Users == nil {
		return nil, errNotAServer
	}
	if err := h.s.cfg.Users.Remove(ctx, req.Msg.GetTeam(), req.Msg.GetUser()); err != nil {
		return nil, err
	}
	return connect.NewResponse(&patchbayv1.RemoveMemberResponse{}), nil
}

func (h *teamServer) ListAudit(ctx context.Context, req *connect.Request[patchbayv1.ListAuditRequest]) (*connect.Response[patchbayv1.ListAuditResponse], error) {
	if h.s.cfg.Users == nil {
		return nil, errNotAServer
	}
	limit := int(req.Msg.GetLimit())
	if limit <= 0 || limit > 10000 {
		limit = 100
	}
	entries, err := h.s.cfg.Users.ListAudit(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := &patchbayv1.ListAuditResponse{}
	for _, e := range entries {
		out.Entries = append(out.Entries, &patchbayv1.AuditEntry{At: timestamppb.New(e.At), User: e.Actor, Action: e.Action, Target: e.Target, Detail: e.Detail})
	}
	return connect.NewResponse(out), nil
}

func toProtoRole(r teams.Role) patchbayv1.Role {
	switch r {
	case teams.Owner:
		return patchbayv1.Role_ROLE_OWNER
	case teams.Member:
		return patchbayv1.Role_ROLE_MEMBER
	case teams.Viewer:
		return patchbayv1.Role_ROLE_VIEWER
	}
	return patchbayv1.Role_ROLE_UNSPECIFIED
}

func fromProtoRole(r patchbayv1.Role) teams.Role {
	switch r {
	case patchbayv1.Role_ROLE_OWNER:
		return teams.Owner
	case patchbayv1.Role_ROLE_MEMBER:
		return teams.Member
	case patchbayv1.Role_ROLE_VIEWER:
		return teams.Viewer
	}
	return teams.None
}

func toProtoMember(m store.Member) *patchbayv1.Membership {
	r, _ := teams.ParseRole(m.Role)
	return &patchbayv1.Membership{Team: m.Team, User: m.User, Role: toProtoRole(r)}
}
