package daemon

import (
	"context"
	"errors"
	"fmt"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/patchbay-dev/patchbay/gateway"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// apiKeyAuth authenticates every ActionService call with an API key
// (Authorization: Bearer pbk_...). The guard lets these paths through
// without the daemon token, so this is their only authentication, on TCP
// and on the socket alike; the daemon token is not an API key and fails
// here.
type apiKeyAuth struct{ gw *gateway.Gateway }

type principalKey struct{}

func (a *apiKeyAuth) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		p, err := a.gw.Authenticate(ctx, req.Header().Get("Authorization"))
		if err != nil {
			return nil, err
		}
		return next(context.WithValue(ctx, principalKey{}, p), req)
	}
}

func (a *apiKeyAuth) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

// ActionService has no streaming RPCs; refuse any rather than let one
// through unauthenticated if the contract grows one.
func (a *apiKeyAuth) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		p, err := a.gw.Authenticate(ctx, conn.RequestHeader().Get("Authorization"))
		if err != nil {
			return err
		}
		return next(context.WithValue(ctx, principalKey{}, p), conn)
	}
}

func principal(ctx context.Context) (*gateway.Principal, error) {
	p, ok := ctx.Value(principalKey{}).(*gateway.Principal)
	if !ok {
		// Only reachable if a route is mounted without apiKeyAuth: a bug.
		return nil, connect.NewError(connect.CodeInternal, errors.New("ActionService reached without API-key authentication"))
	}
	return p, nil
}

// actionServer implements patchbayv1connect.ActionServiceHandler.
type actionServer struct{ gw *gateway.Gateway }

func (a *actionServer) ListComponents(ctx context.Context, req *connect.Request[patchbayv1.ListComponentsRequest]) (*connect.Response[patchbayv1.ListComponentsResponse], error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := a.gw.ListComponents(ctx, p, req.Msg.GetProvider())
	if err != nil {
		return nil, err
	}
	out := &patchbayv1.ListComponentsResponse{}
	for _, c := range cs {
		kind := patchbayv1.ComponentKind_COMPONENT_KIND_ACTION
		if c.Kind == gateway.KindTrigger {
			kind = patchbayv1.ComponentKind_COMPONENT_KIND_TRIGGER
		}
		out.Components = append(out.Components, &patchbayv1.Component{Provider: c.Provider, Id: c.ID, Kind: kind,
			Description: c.Description, InputSchema: c.InputSchema, OutputSchema: c.OutputSchema})
	}
	return connect.NewResponse(out), nil
}

func (a *actionServer) RunAction(ctx context.Context, req *connect.Request[patchbayv1.RunActionRequest]) (*connect.Response[patchbayv1.RunActionResponse], error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	m := req.Msg
	out, err := a.gw.RunAction(ctx, p, m.GetProvider(), m.GetAction(), m.GetInput().AsMap(), m.GetIdempotencyKey())
	if err != nil {
		return nil, err
	}
	st, err := structpb.NewStruct(out)
	if err != nil {
		return nil, fmt.Errorf("encoding the %s/%s output: %w", m.GetProvider(), m.GetAction(), err)
	}
	return connect.NewResponse(&patchbayv1.RunActionResponse{Output: st}), nil
}

func (a *actionServer) CreateTrigger(ctx context.Context, req *connect.Request[patchbayv1.CreateTriggerRequest]) (*connect.Response[patchbayv1.CreateTriggerResponse], error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	m := req.Msg
	tr, secret, err := a.gw.CreateTrigger(ctx, p, m.GetProvider(), m.GetTrigger(), m.GetConfig().AsMap(), m.GetTargetUrl())
	if err != nil {
		return nil, err
	}
	pt, err := toProtoTrigger(tr)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&patchbayv1.CreateTriggerResponse{Trigger: pt, SigningSecret: secret}), nil
}

func (a *actionServer) ListTriggers(ctx context.Context, _ *connect.Request[patchbayv1.ListTriggersRequest]) (*connect.Response[patchbayv1.ListTriggersResponse], error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	trs, err := a.gw.ListTriggers(ctx, p)
	if err != nil {
		return nil, err
	}
	out := &patchbayv1.ListTriggersResponse{}
	for _, tr := range trs {
		pt, err := toProtoTrigger(tr)
		if err != nil {
			return nil, err
		}
		out.Triggers = append(out.Triggers, pt)
	}
	return connect.NewResponse(out), nil
}

func (a *actionServer) DeleteTrigger(ctx context.Context, req *connect.Request[patchbayv1.DeleteTriggerRequest]) (*connect.Response[patchbayv1.DeleteTriggerResponse], error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.gw.DeleteTrigger(ctx, p, req.Msg.GetId()); err != nil {
		return nil, err
	}
	return connect.NewResponse(&patchbayv1.DeleteTriggerResponse{}), nil
}

func toProtoTrigger(t gateway.Trigger) (*patchbayv1.Trigger, error) {
	cfg, err := structpb.NewStruct(t.Config)
	if err != nil {
		return nil, fmt.Errorf("encoding trigger %s config: %w", t.ID, err)
	}
	return &patchbayv1.Trigger{Id: t.ID, Provider: t.Provider, Trigger: t.Trigger, Config: cfg, TargetUrl: t.TargetURL,
		CreatedAt: toTS(t.CreatedAt)}, nil
}
