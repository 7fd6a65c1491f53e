package daemon

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/patchbay-dev/patchbay/daemon/hooks"
	"github.com/patchbay-dev/patchbay/gateway"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/gen/patchbay/v1/patchbayv1connect"
)

// addGatewayRoutes mounts ApiKeyService (daemon token, via the guard),
// ActionService (API keys only, via apiKeyAuth) and the trigger webhook
// route, or the Unimplemented handlers when no gateway is configured.
func (s *Server) addGatewayRoutes(add func(string, http.Handler), opts ...connect.HandlerOption) {
	gw := s.cfg.Gateway
	if gw == nil {
		add(patchbayv1connect.NewApiKeyServiceHandler(patchbayv1connect.UnimplementedApiKeyServiceHandler{}, opts...))
		add(patchbayv1connect.NewActionServiceHandler(patchbayv1connect.UnimplementedActionServiceHandler{}, opts...))
		return
	}
	add(patchbayv1connect.NewApiKeyServiceHandler(&apiKeyServer{gw}, opts...))
	actionOpts := append(opts[:len(opts):len(opts)], connect.WithInterceptors(&apiKeyAuth{gw}))
	add(patchbayv1connect.NewActionServiceHandler(&actionServer{gw}, actionOpts...))
	add(gateway.WebhookPathPrefix, hooks.Handler(gw))
}

// apiKeyServer implements patchbayv1connect.ApiKeyServiceHandler. It is
// reachable only with the daemon token (or the socket): the guard enforces
// that, and an API key is never accepted as a daemon token.
type apiKeyServer struct{ gw *gateway.Gateway }

func (a *apiKeyServer) CreateApiKey(ctx context.Context, req *connect.Request[patchbayv1.CreateApiKeyRequest]) (*connect.Response[patchbayv1.CreateApiKeyResponse], error) {
	m := req.Msg
	k, tok, err := a.gw.CreateKey(ctx, gateway.KeySpec{Team: m.GetTeam(), Name: m.GetName(), Grants: fromProtoGrants(m.GetGrants()),
		ExpiresAt: fromTS(m.GetExpiresAt()), RateLimitPerMinute: int(m.GetRateLimitPerMinute())})
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&patchbayv1.CreateApiKeyResponse{Key: toProtoKey(k), Token: tok}), nil
}

func (a *apiKeyServer) ListApiKeys(ctx context.Context, req *connect.Request[patchbayv1.ListApiKeysRequest]) (*connect.Response[patchbayv1.ListApiKeysResponse], error) {
	keys, err := a.gw.ListKeys(ctx, req.Msg.GetTeam())
	if err != nil {
		return nil, err
	}
	out := &patchbayv1.ListApiKeysResponse{}
	for _, k := range keys {
		out.Keys = append(out.Keys, toProtoKey(k))
	}
	return connect.NewResponse(out), nil
}

func (a *apiKeyServer) GetApiKey(ctx context.Context, req *connect.Request[patchbayv1.GetApiKeyRequest]) (*connect.Response[patchbayv1.GetApiKeyResponse], error) {
	k, err := a.gw.GetKey(ctx, req.Msg.GetTeam(), req.Msg.GetId())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&patchbayv1.GetApiKeyResponse{Key: toProtoKey(k)}), nil
}

func (a *apiKeyServer) UpdateApiKey(ctx context.Context, req *connect.Request[patchbayv1.UpdateApiKeyRequest]) (*connect.Response[patchbayv1.UpdateApiKeyResponse], error) {
	m := req.Msg
	k, err := a.gw.UpdateKey(ctx, m.GetId(), gateway.KeySpec{Team: m.GetTeam(), Name: m.GetName(), Grants: fromProtoGrants(m.GetGrants()),
		ExpiresAt: fromTS(m.GetExpiresAt()), RateLimitPerMinute: int(m.GetRateLimitPerMinute())})
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&patchbayv1.UpdateApiKeyResponse{Key: toProtoKey(k)}), nil
}

func (a *apiKeyServer) RegenerateApiKey(ctx context.Context, req *connect.Request[patchbayv1.RegenerateApiKeyRequest]) (*connect.Response[patchbayv1.RegenerateApiKeyResponse], error) {
	k, tok, err := a.gw.RegenerateKey(ctx, req.Msg.GetTeam(), req.Msg.GetId())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&patchbayv1.RegenerateApiKeyResponse{Key: toProtoKey(k), Token: tok}), nil
}

func (a *apiKeyServer) DeleteApiKey(ctx context.Context, req *connect.Request[patchbayv1.DeleteApiKeyRequest]) (*connect.Response[patchbayv1.DeleteApiKeyResponse], error) {
	if err := a.gw.DeleteKey(ctx, req.Msg.GetTeam(), req.Msg.GetId(), req.Msg.GetForce()); err != nil {
		return nil, err
	}
	return connect.NewResponse(&patchbayv1.DeleteApiKeyResponse{}), nil
}

func (a *apiKeyServer) ListApiKeyAudit(ctx context.Context, req *connect.Request[patchbayv1.ListApiKeyAuditRequest]) (*connect.Response[patchbayv1.ListApiKeyAuditResponse], error) {
	entries, err := a.gw.Audit(ctx, req.Msg.GetTeam(), req.Msg.GetId(), int(req.Msg.GetLimit()))
	if err != nil {
		return nil, err
	}
	out := &patchbayv1.ListApiKeyAuditResponse{}
	for _, e := range entries {
		out.Entries = append(out.Entries, &patchbayv1.ApiKeyAuditEntry{At: toTS(e.At), KeyId: e.KeyID, Call: e.Call,
			Provider: e.Provider, Component: e.Target, Profile: e.Profile, Outcome: e.Outcome})
	}
	return connect.NewResponse(out), nil
}

// ListAvailableComponents serves the whole catalogue to the daemon token so
// the editor can build grants; it reveals no key, credential or team data.
func (a *apiKeyServer) ListAvailableComponents(_ context.Context, req *connect.Request[patchbayv1.ListAvailableComponentsRequest]) (*connect.Response[patchbayv1.ListAvailableComponentsResponse], error) {
	provider := strings.ToLower(strings.TrimSpace(req.Msg.GetProvider()))
	out := &patchbayv1.ListAvailableComponentsResponse{}
	for _, c := range gateway.Catalogue() {
		if provider != "" && c.Provider != provider {
			continue
		}
		out.Components = append(out.Components, toProtoComponent(c))
	}
	if provider != "" && len(out.Components) == 0 {
		return nil, connect.NewError(connect.CodeNotFound, fmt.Errorf("no components for provider %q", provider))
	}
	return connect.NewResponse(out), nil
}

func toProtoComponent(c gateway.Component) *patchbayv1.Component {
	kind := patchbayv1.ComponentKind_COMPONENT_KIND_ACTION
	if c.Kind == gateway.KindTrigger {
		kind = patchbayv1.ComponentKind_COMPONENT_KIND_TRIGGER
	}
	return &patchbayv1.Component{Provider: c.Provider, Id: c.ID, Kind: kind,
		Description: c.Description, InputSchema: c.InputSchema, OutputSchema: c.OutputSchema}
}

func fromProtoGrants(gs []*patchbayv1.Grant) []gateway.Grant {
	out := make([]gateway.Grant, 0, len(gs))
	for _, g := range gs {
		out = append(out, gateway.Grant{Provider: g.GetProvider(), Components: g.GetComponents(), Profile: g.GetProfile()})
	}
	return out
}

func toProtoKey(k gateway.Key) *patchbayv1.ApiKey {
	out := &patchbayv1.ApiKey{Id: k.ID, Team: k.Team, Name: k.Name, TokenHint: k.TokenHint,
		CreatedAt: toTS(k.CreatedAt), ExpiresAt: toTS(k.ExpiresAt), LastUsedAt: toTS(k.LastUsedAt),
		RateLimitPerMinute: uint32(k.RateLimitPerMinute)}
	for _, g := range k.Grants {
		out.Grants = append(out.Grants, &patchbayv1.Grant{Provider: g.Provider, Components: g.Components, Profile: g.Profile})
	}
	return out
}

func toTS(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func fromTS(ts *timestamppb.Timestamp) time.Time {
	if ts == nil {
		return time.Time{}
	}
	return ts.AsTime()
}
