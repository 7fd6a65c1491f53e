package auth0

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/patchbay-dev/patchbay/providers"
)

// ClientType is the "auth0/client" resource type: an application with
// callbacks, logout URLs and origins.
type ClientType struct {
	opts providers.HTTPOptions
	mu   sync.Mutex
	mgmt map[string]*Management // by domain+client_id, to reuse tokens
}

// NewClientType returns the type.
func NewClientType(o providers.HTTPOptions) *ClientType {
	return &ClientType{opts: o, mgmt: map[string]*Management{}}
}

func (a *ClientType) Provider() string { return "auth0" }
func (a *ClientType) Type() string     { return "client" }
func (a *ClientType) Info() providers.TypeInfo {
	return providers.TypeInfo{Secrets: []string{"client_secret"}, SecretsReadable: true,
		SharedLists: []string{"callbacks", "allowed_logout_urls", "web_origins", "allowed_origins"}}
}

func (a *ClientType) client(c providers.Credentials) (*Management, error) {
	domain := NormalizeDomain(c["domain"])
	if domain == "" || c["client_id"] == "" || c["client_secret"] == "" {
		return nil, fmt.Errorf("auth0 credentials need domain, client_id and client_secret")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	k := domain + "\x00" + c["client_id"] + "\x00" + c["client_secret"]
	if m := a.mgmt[k]; m != nil {
		return m, nil
	}
	m := NewManagement(domain, c["client_id"], c["client_secret"], a.opts.BaseURL, a.opts.Client)
	a.mgmt[k] = m
	return m, nil
}

func auth0State(m *Management, app Application) providers.State {
	st := providers.State{
		ID: app.ClientID,
		Props: providers.Props{
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

func auth0App(p providers.Props) Application {
	return Application{Name: p.Get("name"), AppType: p.Get("app_type"), Callbacks: p["callbacks"],
		AllowedLogoutURLs: p["allowed_logout_urls"], WebOrigins: p["web_origins"], AllowedOrigins: p["allowed_origins"]}
}

func (a *ClientType) Read(ctx context.Context, c providers.Credentials, id string) (providers.State, error) {
	m, err := a.client(c)
	if err != nil {
		return providers.State{}, err
	}
	app, err := m.GetClient(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return providers.State{}, fmt.Errorf("auth0 client %s: %w", id, providers.ErrGone)
	}
	if err != nil {
		return providers.State{}, err
	}
	return auth0State(m, app), nil
}

func (a *ClientType) Lookup(ctx context.Context, c providers.Credentials, desired providers.Props) ([]providers.State, error) {
	m, err := a.client(c)
	if err != nil {
		return nil, err
	}
	apps, err := m.FindClients(ctx, desired.Get("name"))
	if err != nil {
		return nil, err
	}
	var out []providers.State
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

func (a *ClientType) Create(ctx context.Context, c providers.Credentials, desired providers.Props, _ string) (providers.State, error) {
	m, err := a.client(c)
	if err != nil {
		return providers.State{}, err
	}
	app, err := m.CreateClient(ctx, auth0App(desired))
	if err != nil {
		return providers.State{}, err
	}
	return auth0State(m, app), nil
}

func (a *ClientType) Update(ctx context.Context, c providers.Credentials, id string, desired providers.Props) (providers.State, error) {
	m, err := a.client(c)
	if err != nil {
		return providers.State{}, err
	}
	app, err := m.UpdateClient(ctx, id, auth0App(desired))
	if errors.Is(err, ErrNotFound) {
		return providers.State{}, fmt.Errorf("auth0 client %s: %w", id, providers.ErrGone)
	}
	if err != nil {
		return providers.State{}, err
	}
	return auth0State(m, app), nil
}

func (a *ClientType) Delete(ctx context.Context, c providers.Credentials, id string) error {
	m, err := a.client(c)
	if err != nil {
		return err
	}
	return m.DeleteClient(ctx, id)
}

// RotateSecret uses Auth0's rotate-secret: same client, new secret.
func (a *ClientType) RotateSecret(ctx context.Context, c providers.Credentials, id string) (providers.State, error) {
	m, err := a.client(c)
	if err != nil {
		return providers.State{}, err
	}
	app, err := m.RotateSecret(ctx, id)
	if err != nil {
		return providers.State{}, err
	}
	return auth0State(m, app), nil
}
