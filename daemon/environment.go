package daemon

import (
	"context"
	"path/filepath"

	"connectrpc.com/connect"

	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/store"
)

// environmentServer implements patchbayv1connect.EnvironmentServiceHandler.
type environmentServer struct{ s *Server }

func envToProto(e store.Environment) *patchbayv1.Environment {
	return &patchbayv1.Environment{WorkspaceRoot: e.WorkspaceRoot, Name: e.Name, FrontendUrl: e.FrontendURL, ApiUrl: e.APIURL,
		ExtraOrigins: e.ExtraOrigins}
}

func envFromProto(e *patchbayv1.Environment) store.Environment {
	return store.Environment{WorkspaceRoot: e.GetWorkspaceRoot(), Name: e.GetName(), FrontendURL: e.GetFrontendUrl(), APIURL: e.GetApiUrl(),
		ExtraOrigins: e.GetExtraOrigins()}
}

// changed tells event subscribers (the editor's views, `patchbay run
// --watch`) about an environment created, edited or deleted, or a value
// kept for one of its variables set, generated, rotated or deleted, by
// anyone: the CLI, an agent, another window.
// Only the environment's team hears of it on a server.
func (h *environmentServer) changed(ctx context.Context, root, name string, deleted bool) {
	h.s.publishTeam(&patchbayv1.Event{Payload: &patchbayv1.Event_EnvironmentChanged{
		EnvironmentChanged: &patchbayv1.EnvironmentChanged{WorkspaceRoot: filepath.Clean(root), Name: name, Deleted: deleted}}}, engine.TeamOf(ctx))
}

func (h *environmentServer) ListEnvironments(ctx context.Context, req *connect.Request[patchbayv1.ListEnvironmentsRequest]) (*connect.Response[patchbayv1.ListEnvironmentsResponse], error) {
	envs, err := h.s.cfg.Engine.ListEnvironments(ctx, req.Msg.GetWorkspaceRoot())
	if err != nil {
		return nil, err
	}
	out := &patchbayv1.ListEnvironmentsResponse{}
	for _, e := range envs {
		out.Environments = append(out.Environments, envToProto(e))
	}
	return connect.NewResponse(out), nil
}

func (h *environmentServer) CreateEnvironment(ctx context.Context, req *connect.Request[patchbayv1.CreateEnvironmentRequest]) (*connect.Response[patchbayv1.CreateEnvironmentResponse], error) {
	e, err := h.s.cfg.Engine.CreateEnvironment(ctx, envFromProto(req.Msg.GetEnvironment()))
	if err != nil {
		return nil, err
	}
	h.changed(ctx, e.WorkspaceRoot, e.Name, false)
	return connect.NewResponse(&patchbayv1.CreateEnvironmentResponse{Environment: envToProto(e)}), nil
}

func (h *environmentServer) UpdateEnvironment(ctx context.Context, req *connect.Request[patchbayv1.UpdateEnvironmentRequest]) (*connect.Response[patchbayv1.UpdateEnvironmentResponse], error) {
	e, err := h.s.cfg.Engine.UpdateEnvironment(ctx, envFromProto(req.Msg.GetEnvironment()))
	if err != nil {
		return nil, err
	}
	h.changed(ctx, e.WorkspaceRoot, e.Name, false)
	return connect.NewResponse(&patchbayv1.UpdateEnvironmentResponse{Environment: envToProto(e)}), nil
}

func (h *environmentServer) DeleteEnvironment(ctx context.Context, req *connect.Request[patchbayv1.DeleteEnvironmentRequest]) (*connect.Response[patchbayv1.DeleteEnvironmentResponse], error) {
	if err := h.s.cfg.Engine.DeleteEnvironment(ctx, req.Msg.GetWorkspaceRoot(), req.Msg.GetName()); err != nil {
		return nil, err
	}
	h.changed(ctx, req.Msg.GetWorkspaceRoot(), req.Msg.GetName(), true)
	return connect.NewResponse(&patchbayv1.DeleteEnvironmentResponse{}), nil
}

func (h *environmentServer) GetEnvironmentVariables(ctx context.Context, req *connect.Request[patchbayv1.GetEnvironmentVariablesRequest]) (*connect.Response[patchbayv1.GetEnvironmentVariablesResponse], error) {
	vars, err := h.s.cfg.Engine.Variables(ctx, req.Msg.GetWorkspaceRoot(), req.Msg.GetEnvironment(), req.Msg.GetIncludeValues())
	if err != nil {
		return nil, err
	}
	out := &patchbayv1.GetEnvironmentVariablesResponse{Satisfied: true}
	for _, v := range engine.ProtoVariables(vars) {
		if svc := req.Msg.GetService(); svc != "" && v.GetService() != svc {
			continue
		}
		out.Variables = append(out.Variables, v)
		out.Satisfied = out.Satisfied && v.GetSatisfied()
	}
	return connect.NewResponse(out), nil
}

func (h *environmentServer) SetVariable(ctx context.Context, req *connect.Request[patchbayv1.SetVariableRequest]) (*connect.Response[patchbayv1.SetVariableResponse], error) {
	m := req.Msg
	v, err := h.s.cfg.Engine.SetVariable(ctx, m.GetWorkspaceRoot(), m.GetEnvironment(), m.GetService(), m.GetName(), m.GetValue(), m.GetSecret(), m.GetGenerate())
	if err != nil {
		return nil, err
	}
	h.changed(ctx, m.GetWorkspaceRoot(), m.GetEnvironment(), false)
	v.Value = ""
	return connect.NewResponse(&patchbayv1.SetVariableResponse{Variable: engine.ProtoVariables([]engine.Variable{v})[0]}), nil
}

func (h *environmentServer) DeleteVariable(ctx context.Context, req *connect.Request[patchbayv1.DeleteVariableRequest]) (*connect.Response[patchbayv1.DeleteVariableResponse], error) {
	m := req.Msg
	if err := h.s.cfg.Engine.DeleteVariable(ctx, m.GetWorkspaceRoot(), m.GetEnvironment(), m.GetService(), m.GetName()); err != nil {
		return nil, err
	}
	h.changed(ctx, m.GetWorkspaceRoot(), m.GetEnvironment(), false)
	return connect.NewResponse(&patchbayv1.DeleteVariableResponse{}), nil
}
