package daemon

import (
	"context"
	"errors"
	"fmt"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/patchbay-dev/patchbay/analyzer"
	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers/catalog"
	"github.com/patchbay-dev/patchbay/vault"
)

// provisionServer implements patchbayv1connect.ProvisionServiceHandler.
type provisionServer struct{ s *Server }

func (h *provisionServer) Plan(ctx context.Context, req *connect.Request[patchbayv1.PlanRequest]) (*connect.Response[patchbayv1.PlanResponse], error) {
	var opts []engine.PlanOption
	if req.Msg.GetAskForCredentials() && h.s.cfg.Credentials != nil {
		opts = append(opts, engine.WithCredentials(askingCredentials{h.s.cfg.Credentials, req.Msg.GetEnvironment()}))
	}
	if a := req.Msg.GetAnalysis(); a != nil {
		opts = append(opts, engine.WithAnalysis(&engine.Analysis{Services: a.GetServices(), Findings: a.GetFindings(), Configs: a.GetConfigFiles()}))
	}
	p, err := h.s.cfg.Engine.Plan(ctx, req.Msg.GetWorkspaceRoot(), req.Msg.GetEnvironment(), req.Msg.GetDestroy(), opts...)
	if err != nil {
		return nil, err
	}
	if w := h.s.cfg.Engine.LockWarning(ctx, p.EnvironmentID); w != "" {
		p.Warnings = append(p.Warnings, w)
	}
	return connect.NewResponse(&patchbayv1.PlanResponse{Plan: p.Proto()}), nil
}

// askingCredentials is the engine's credential source for a plan the editor
// started: missing or invalid credentials become a CredentialRequest on the
// event stream, and the plan waits for the answer. A canceled or timed-out
// request leaves the step out with the usual "connect X first" warning.
type askingCredentials struct {
	creds *vault.Credentials
	env   string
}

func (a askingCredentials) Credentials(ctx context.Context, provider, profile string) (engine.Credentials, error) {
	name := provider
	if p, ok := catalog.Get(provider); ok {
		name = p.DisplayName
	}
	vals, err := a.creds.Require(ctx, provider, profile, fmt.Sprintf("Planning environment %q needs your %s credentials.", a.env, name))
	if errors.Is(err, vault.ErrRequestCanceled) || errors.Is(err, vault.ErrRequestTimeout) {
		return nil, fmt.Errorf("%s profile %q: %w (%w)", provider, profile, engine.ErrNoCredentials, err)
	}
	if err != nil {
		return nil, err
	}
	return engine.Credentials(vals), nil
}

// progress streams each progress message to the caller and publishes it on
// the event bus, so the editor sees operations the CLI started. A caller
// that went away does not stop the bus copy (nor the operation); it is
// logged once and not sent to again.
func (h *provisionServer) progress(ctx context.Context, send func(*patchbayv1.OperationProgress) error) engine.Hook {
	gone := false // the engine serializes hook calls
	team := engine.TeamOf(ctx)
	return engine.ProgressHook(func(p *patchbayv1.OperationProgress) {
		h.s.publishTeam(&patchbayv1.Event{Time: timestamppb.Now(), Payload: &patchbayv1.Event_Operation{Operation: p}}, team)
		if gone {
			return
		}
		if err := send(p); err != nil {
			gone = true
			h.s.log.Info("progress stream closed by its caller; the operation goes on, the event bus carries its progress",
				"operation", p.GetOperationId(), "err", err)
		}
	})
}

func (h *provisionServer) Apply(ctx context.Context, req *connect.Request[patchbayv1.ApplyRequest], stream *connect.ServerStream[patchbayv1.ApplyResponse]) error {
	hook := h.progress(ctx, func(p *patchbayv1.OperationProgress) error {
		return stream.Send(&patchbayv1.ApplyResponse{Progress: p})
	})
	return operationErr(h.s.cfg.Engine.Apply(ctx, req.Msg.GetPlanId(), hook))
}

func (h *provisionServer) Destroy(ctx context.Context, req *connect.Request[patchbayv1.DestroyRequest], stream *connect.ServerStream[patchbayv1.DestroyResponse]) error {
	hook := h.progress(ctx, func(p *patchbayv1.OperationProgress) error {
		return stream.Send(&patchbayv1.DestroyResponse{Progress: p})
	})
	return operationErr(h.s.cfg.Engine.Destroy(ctx, req.Msg.GetWorkspaceRoot(), req.Msg.GetEnvironment(), hook))
}

// operationErr is the stream's error: once an operation has started, its
// outcome (completed, failed, canceled) travels in the final progress
// message, so only a failure to start is an RPC error.
func operationErr(res engine.Result, err error) error {
	if res.OperationID != "" {
		return nil
	}
	return err
}

func (h *provisionServer) GetSystemMap(ctx context.Context, req *connect.Request[patchbayv1.GetSystemMapRequest]) (*connect.Response[patchbayv1.GetSystemMapResponse], error) {
	m, err := h.s.cfg.Engine.SystemMap(ctx, req.Msg.GetWorkspaceRoot(), req.Msg.GetEnvironment())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(m), nil
}

// AnalyzerSource lets the engine read findings from the daemon's analyzer
// (its snapshot makes repeated reads cheap).
type AnalyzerSource struct{ Analyzer *analyzer.Analyzer }

// Analysis implements engine.Source.
func (a AnalyzerSource) Analysis(ctx context.Context, root string) ([]*patchbayv1.Service, []*patchbayv1.Finding, error) {
	res, err := a.Analyzer.Analyze(ctx, root, analyzer.Request{})
	if err != nil {
		return nil, nil, err
	}
	return res.Services, res.Findings, nil
}
