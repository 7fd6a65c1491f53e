package daemon

import (
	"context"
	"net/http"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/gen/patchbay/v1/patchbayv1connect"
	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/vault"
)

// addCredentialRoutes mounts CredentialService and AssistantService, or
// their Unimplemented handlers when no credential service is configured.
func (s *Server) addCredentialRoutes(add func(string, http.Handler), opts ...connect.HandlerOption) {
	c := s.cfg.Credentials
	if c == nil {
		add(patchbayv1connect.NewCredentialServiceHandler(patchbayv1connect.UnimplementedCredentialServiceHandler{}, opts...))
		add(patchbayv1connect.NewAssistantServiceHandler(patchbayv1connect.UnimplementedAssistantServiceHandler{}, opts...))
		return
	}
	add(patchbayv1connect.NewCredentialServiceHandler(&credentialServer{c}, opts...))
	add(patchbayv1connect.NewAssistantServiceHandler(&assistantServer{s}, opts...))
}

// credentialServer implements patchbayv1connect.CredentialServiceHandler.
// Secret values come in; only masked hints and diagnoses go out.
type credentialServer struct{ c *vault.Credentials }

func (h *credentialServer) ListProviders(context.Context, *connect.Request[patchbayv1.ListProvidersRequest]) (*connect.Response[patchbayv1.ListProvidersResponse], error) {
	out := &patchbayv1.ListProvidersResponse{}
	for _, p := range h.c.Providers() {
		out.Providers = append(out.Providers, toProtoProvider(p))
	}
	return connect.NewResponse(out), nil
}

func (h *credentialServer) ListCredentials(ctx context.Context, req *connect.Request[patchbayv1.ListCredentialsRequest]) (*connect.Response[patchbayv1.ListCredentialsResponse], error) {
	st := h.c.Store()
	out := &patchbayv1.ListCredentialsResponse{Backend: st.Backend(), Locked: st.Locked()}
	if out.Locked {
		return connect.NewResponse(out), nil
	}
	list, err := h.c.List(ctx, req.Msg.GetProvider())
	if err != nil {
		return nil, err
	}
	for _, s := range list {
		out.Profiles = append(out.Profiles, toProtoProfile(s))
	}
	return connect.NewResponse(out), nil
}

func (h *credentialServer) SaveCredentials(ctx context.Context, req *connect.Request[patchbayv1.SaveCredentialsRequest]) (*connect.Response[patchbayv1.SaveCredentialsResponse], error) {
	m := req.Msg
	r, err := h.c.Save(ctx, vault.SaveInput{Provider: m.GetProvider(), Profile: m.GetProfile(), Values: m.GetValues(), Force: m.GetForce(), Merge: m.GetMerge()})
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&patchbayv1.SaveCredentialsResponse{Profile: toProtoProfile(r.Summary), Check: toProtoCheck(&r.Check), Saved: r.Saved}), nil
}

func (h *credentialServer) CheckCredentials(ctx context.Context, req *connect.Request[patchbayv1.CheckCredentialsRequest]) (*connect.Response[patchbayv1.CheckCredentialsResponse], error) {
	m := req.Msg
	res, err := h.c.Check(ctx, m.GetProvider(), m.GetProfile(), m.GetValues())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&patchbayv1.CheckCredentialsResponse{Result: toProtoCheck(&res)}), nil
}

func (h *credentialServer) DeleteCredentials(ctx context.Context, req *connect.Request[patchbayv1.DeleteCredentialsRequest]) (*connect.Response[patchbayv1.DeleteCredentialsResponse], error) {
	if err := h.c.Delete(ctx, req.Msg.GetProvider(), req.Msg.GetProfile()); err != nil {
		return nil, err
	}
	return connect.NewResponse(&patchbayv1.DeleteCredentialsResponse{}), nil
}

func (h *credentialServer) StartOAuth(ctx context.Context, req *connect.Request[patchbayv1.StartOAuthRequest]) (*connect.Response[patchbayv1.StartOAuthResponse], error) {
	st, err := h.c.StartOAuth(ctx, req.Msg.GetProvider(), req.Msg.GetProfile(), req.Msg.GetValues())
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&patchbayv1.StartOAuthResponse{AuthorizeUrl: st.URL, State: st.State}), nil
}

func (h *credentialServer) AnswerCredentialRequest(ctx context.Context, req *connect.Request[patchbayv1.AnswerCredentialRequestRequest]) (*connect.Response[patchbayv1.AnswerCredentialRequestResponse], error) {
	m := req.Msg
	r, err := h.c.Answer(ctx, m.GetRequestId(), m.GetValues(), m.GetCancel(), m.GetForce())
	if err != nil {
		return nil, err
	}
	out := &patchbayv1.AnswerCredentialRequestResponse{Saved: r.Saved}
	if !m.GetCancel() {
		out.Check = toProtoCheck(&r.Check)
	}
	return connect.NewResponse(out), nil
}

func (h *credentialServer) UnlockKeyring(_ context.Context, req *connect.Request[patchbayv1.UnlockKeyringRequest]) (*connect.Response[patchbayv1.UnlockKeyringResponse], error) {
	if err := h.c.Store().Unlock(req.Msg.GetPassphrase()); err != nil {
		return nil, err
	}
	return connect.NewResponse(&patchbayv1.UnlockKeyringResponse{Backend: h.c.Store().Backend()}), nil
}

// credentialEvents publishes the credential domain's events on the bus.
type credentialEvents struct{ s *Server }

func (e credentialEvents) CredentialsChanged(provider, profile string, deleted bool) {
	e.s.publish(&patchbayv1.Event{Payload: &patchbayv1.Event_CredentialsChanged{
		CredentialsChanged: &patchbayv1.CredentialsChanged{Provider: provider, Profile: profile, Deleted: deleted}}})
}

func (e credentialEvents) RequestOpened(r vault.Request) {
	e.s.publish(&patchbayv1.Event{Payload: &patchbayv1.Event_CredentialRequest{CredentialRequest: toProtoRequest(r)}})
}

func (e credentialEvents) RequestClosed(id, outcome string) {
	e.s.publish(&patchbayv1.Event{Payload: &patchbayv1.Event_CredentialRequestClosed{
		CredentialRequestClosed: &patchbayv1.CredentialRequestClosed{Id: id, Outcome: outcome}}})
}

// pendingCredentialRequests is the snapshot's list of open requests.
func (s *Server) pendingCredentialRequests() []*patchbayv1.CredentialRequest {
	if s.cfg.Credentials == nil {
		return nil
	}
	var out []*patchbayv1.CredentialRequest
	for _, r := range s.cfg.Credentials.Pending() {
		out = append(out, toProtoRequest(r))
	}
	return out
}

var protoKinds = map[providers.FieldKind]patchbayv1.FieldKind{
	providers.FieldText:   patchbayv1.FieldKind_FIELD_KIND_TEXT,
	providers.FieldSecret: patchbayv1.FieldKind_FIELD_KIND_SECRET,
	providers.FieldFile:   patchbayv1.FieldKind_FIELD_KIND_FILE,
	providers.FieldSelect: patchbayv1.FieldKind_FIELD_KIND_SELECT,
	providers.FieldOAuth:  patchbayv1.FieldKind_FIELD_KIND_OAUTH,
}

func toProtoProvider(p providers.Provider) *patchbayv1.ProviderInfo {
	spec := p.Credentials
	info := &patchbayv1.ProviderInfo{Id: p.ID, DisplayName: p.DisplayName, Steps: spec.Steps, Permissions: spec.Permissions,
		DocsUrl: spec.DocsURL, Oauth: spec.OAuth, EndpointEnv: providers.EndpointEnvPrefix + spec.Endpoint}
	switch p.Category {
	case providers.Cloud:
		info.Category = patchbayv1.ProviderCategory_PROVIDER_CATEGORY_CLOUD
	case providers.Service:
		info.Category = patchbayv1.ProviderCategory_PROVIDER_CATEGORY_SERVICE
	}
	for _, f := range spec.Fields {
		info.Fields = append(info.Fields, &patchbayv1.FormField{Name: f.Name, Label: f.Label, Kind: protoKinds[f.Kind], Required: f.Required,
			Pattern: f.Pattern, PatternMessage: f.PatternMessage, Placeholder: f.Placeholder, Help: f.Help, Options: f.Options,
			DefaultValue: f.Default, Secret: f.Secret()})
	}
	return info
}

func toProtoCheck(r *providers.CheckResult) *patchbayv1.CheckResult {
	if r == nil {
		return nil
	}
	out := &patchbayv1.CheckResult{Status: patchbayv1.CheckStatus(r.Status), Summary: r.Summary, Fix: r.Fix, Account: r.Account,
		MissingPermissions: r.MissingPermissions, Field: r.Field, RetryAfterSeconds: uint32(r.RetryAfter.Seconds())}
	for _, p := range r.Permissions {
		out.Permissions = append(out.Permissions, &patchbayv1.PermissionCheck{Name: p.Name,
			Verdict: patchbayv1.PermissionVerdict(p.Verdict), Detail: p.Detail})
	}
	if !r.CheckedAt.IsZero() {
		out.CheckedAt = timestamppb.New(r.CheckedAt)
	}
	return out
}

func toProtoProfile(s vault.Summary) *patchbayv1.CredentialProfile {
	out := &patchbayv1.CredentialProfile{Provider: s.Provider, Profile: s.Profile, Hints: s.Hints, LastCheck: toProtoCheck(s.LastCheck)}
	if !s.UpdatedAt.IsZero() {
		out.UpdatedAt = timestamppb.New(s.UpdatedAt)
	}
	return out
}

func toProtoRequest(r vault.Request) *patchbayv1.CredentialRequest {
	return &patchbayv1.CredentialRequest{Id: r.ID, Provider: r.Provider, Profile: r.Profile, Reason: r.Reason,
		Problem: toProtoCheck(r.Problem), ExpiresAt: timestamppb.New(r.ExpiresAt)}
}
