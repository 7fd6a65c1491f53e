package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/patchbay-dev/patchbay/providers/auth0"
	"github.com/patchbay-dev/patchbay/providers/stripe"
)

// HTTPOptions point provider clients somewhere else than production
// (PATCHBAY_ENDPOINT_<PROVIDER>, fakes in tests).
type HTTPOptions struct {
	BaseURL string
	Client  *http.Client
}

// DefaultTypes are the resource types Patchbay provisions, with the other
// providers at their production endpoints (see AllTypes).
func DefaultTypes(auth0Opts, stripeOpts HTTPOptions) []ResourceType {
	return AllTypes(Endpoints{Auth0: auth0Opts, Stripe: stripeOpts})
}

// Auth0Clients is the "auth0/client" resource type: an application with
// callbacks, logout URLs and origins.
type Auth0Clients struct {
	opts HTTPOptions
	mu   sync.Mutex
	mgmt map[string]*auth0.Management // by domain+client_id, to reuse tokens
}

// NewAuth0Clients returns the type.
func NewAuth0Clients(o HTTPOptions) *Auth0Clients {
	return &Auth0Clients{opts: o, mgmt: map[string]*auth0.Management{}}
}

func (a *Auth0Clients) Provider() string { return "auth0" }
func (a *Auth0Clients) Type() string     { return "client" }
func (a *Auth0Clients) Info() TypeInfo {
	return TypeInfo{Secrets: []string{"client_secret"}, SecretsReadable: true,
		SharedLists: []string{"callbacks", "allowed_logout_urls", "web_origins", "allowed_origins"}}
}

func (a *Auth0Clients) client(c Credentials) (*auth0.Management, error) {
	domain := auth0.NormalizeDomain(c["domain"])
	if domain == "" || c["client_id"] == "" || c["client_secret"] == "" {
		return nil, fmt.Errorf("auth0 credentials need domain, client_id and client_secret")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	k := domain + "\x00" + c["client_id"] + "\x00" + c["client_secret"]
	if m := a.mgmt[k]; m != nil {
		return m, nil
	}
	m := auth0.NewManagement(domain, c["client_id"], c["client_secret"], a.opts.BaseURL, a.opts.Client)
	a.mgmt[k] = m
	return m, nil
}

func auth0State(m *auth0.Management, app auth0.Application) State {
	st := State{
		ID: app.ClientID,
		Props: Props{
			"name": {app.Name}, "app_type": {app.AppType}, "callbacks": app.Callbacks,
			"allowed_logout_urls": app.AllowedLogoutURLs, "web_origins": app.WebOrigins, "allowed_origins": app.AllowedOrigins,
		},
		Outputs: map[string]string{"client_id": app.ClientID, "domain": m.Domain(), "issuer": "https://" + m.Domain() + "/"},
	}
	if app.ClientSecret != "" {
		st.Secrets = map[string]string{"client_secret": app.ClientSecret}
	}
	return st
}

func auth0App(p Props) auth0.Application {
	return auth0.Application{Name: p.Get("name"), AppType: p.Get("app_type"), Callbacks: p["callbacks"],
		AllowedLogoutURLs: p["allowed_logout_urls"], WebOrigins: p["web_origins"], AllowedOrigins: p["allowed_origins"]}
}

func (a *Auth0Clients) Read(ctx context.Context, c Credentials, id string) (State, error) {
	m, err := a.client(c)
	if err != nil {
		return State{}, err
	}
	app, err := m.GetClient(ctx, id)
	if errors.Is(err, auth0.ErrNotFound) {
		return State{}, fmt.Errorf("auth0 client %s: %w", id, ErrGone)
	}
	if err != nil {
		return State{}, err
	}
	return auth0State(m, app), nil
}

func (a *Auth0Clients) Lookup(ctx context.Context, c Credentials, desired Props) ([]State, error) {
	m, err := a.client(c)
	if err != nil {
		return nil, err
	}
	apps, err := m.FindClients(ctx, desired.Get("name"))
	if err != nil {
		return nil, err
	}
	var out []State
	for _, app := range apps {
		// The list omits secrets; read each match so adoption captures it.
		full, err := m.GetClient(ctx, app.ClientID)
		if err != nil {
			return nil, err
		}
		out = append(out, auth0State(m, full))
	}
	return out, nil
}

func (a *Auth0Clients) Create(ctx context.Context, c Credentials, desired Props, _ string) (State, error) {
	m, err := a.client(c)
	if err != nil {
		return State{}, err
	}
	app, err := m.CreateClient(ctx, auth0App(desired))
	if err != nil {
		return State{}, err
	}
	return auth0State(m, app), nil
}

func (a *Auth0Clients) Update(ctx context.Context, c Credentials, id string, desired Props) (State, error) {
	m, err := a.client(c)
	if err != nil {
		return State{}, err
	}
	app, err := m.UpdateClient(ctx, id, auth0App(desired))
	if errors.Is(err, auth0.ErrNotFound) {
		return State{}, fmt.Errorf("auth0 client %s: %w", id, ErrGone)
	}
	if err != nil {
		return State{}, err
	}
	return auth0State(m, app), nil
}

func (a *Auth0Clients) Delete(ctx context.Context, c Credentials, id string) error {
	m, err := a.client(c)
	if err != nil {
		return err
	}
	return m.DeleteClient(ctx, id)
}

// RotateSecret uses Auth0's rotate-secret: same client, new secret.
func (a *Auth0Clients) RotateSecret(ctx context.Context, c Credentials, id string) (State, error) {
	m, err := a.client(c)
	if err != nil {
		return State{}, err
	}
	app, err := m.RotateSecret(ctx, id)
	if err != nil {
		return State{}, err
	}
	return auth0State(m, app), nil
}

// StripeWebhooks is the "stripe/webhook_endpoint" resource type.
type StripeWebhooks struct{ opts HTTPOptions }

// NewStripeWebhooks returns the type.
func NewStripeWebhooks(o HTTPOptions) *StripeWebhooks { return &StripeWebhooks{opts: o} }

func (s *StripeWebhooks) Provider() string { return "stripe" }
func (s *StripeWebhooks) Type() string     { return "webhook_endpoint" }
func (s *StripeWebhooks) Info() TypeInfo {
	return TypeInfo{Idempotent: true, Secrets: []string{"webhook_secret"}, SharedLists: []string{"enabled_events"}}
}

func (s *StripeWebhooks) client(c Credentials) (*stripe.Webhooks, error) {
	if c["secret_key"] == "" {
		return nil, fmt.Errorf("stripe credentials need secret_key")
	}
	return stripe.NewWebhooks(c["secret_key"], s.opts.BaseURL, s.opts.Client), nil
}

func stripeState(w stripe.WebhookEndpoint) State {
	st := State{
		ID:      w.ID,
		Props:   Props{"url": {w.URL}, "enabled_events": w.EnabledEvents, "description": {w.Description}},
		Outputs: map[string]string{"id": w.ID, "url": w.URL},
	}
	if w.Secret != "" {
		st.Secrets = map[string]string{"webhook_secret": w.Secret}
	}
	return st
}

func stripeParams(p Props) stripe.WebhookEndpointParams {
	return stripe.WebhookEndpointParams{URL: p.Get("url"), EnabledEvents: p["enabled_events"], Description: p.Get("description"),
		Metadata: map[string]string{"managed_by": "patchbay"}}
}

func (s *StripeWebhooks) Read(ctx context.Context, c Credentials, id string) (State, error) {
	w, err := s.client(c)
	if err != nil {
		return State{}, err
	}
	ep, err := w.Get(ctx, id)
	if errors.Is(err, stripe.ErrNotFound) {
		return State{}, fmt.Errorf("stripe webhook endpoint %s: %w", id, ErrGone)
	}
	if err != nil {
		return State{}, err
	}
	return stripeState(ep), nil
}

// Lookup matches by URL: Stripe has no names, and an endpoint at the same
// URL receives the same events.
func (s *StripeWebhooks) Lookup(ctx context.Context, c Credentials, desired Props) ([]State, error) {
	w, err := s.client(c)
	if err != nil {
		return nil, err
	}
	eps, err := w.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []State
	// Stripe lists newest first; adoption prefers the oldest.
	for i := len(eps) - 1; i >= 0; i-- {
		if eps[i].URL == desired.Get("url") {
			out = append(out, stripeState(eps[i]))
		}
	}
	return out, nil
}

func (s *StripeWebhooks) Create(ctx context.Context, c Credentials, desired Props, key string) (State, error) {
	w, err := s.client(c)
	if err != nil {
		return State{}, err
	}
	ep, err := w.Create(ctx, stripeParams(desired), key)
	if err != nil {
		return State{}, err
	}
	return stripeState(ep), nil
}

func (s *StripeWebhooks) Update(ctx context.Context, c Credentials, id string, desired Props) (State, error) {
	w, err := s.client(c)
	if err != nil {
		return State{}, err
	}
	ep, err := w.Update(ctx, id, stripeParams(desired))
	if errors.Is(err, stripe.ErrNotFound) {
		return State{}, fmt.Errorf("stripe webhook endpoint %s: %w", id, ErrGone)
	}
	if err != nil {
		return State{}, err
	}
	return stripeState(ep), nil
}

func (s *StripeWebhooks) Delete(ctx context.Context, c Credentials, id string) error {
	w, err := s.client(c)
	if err != nil {
		return err
	}
	return w.Delete(ctx, id)
}
