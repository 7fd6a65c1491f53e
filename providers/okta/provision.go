package okta

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers"
)

// AppType is the "okta/oidc_app" resource type: a web OIDC app with the
// service's redirect URIs (callbacks) and post-logout redirect URIs.
type AppType struct {
	opts providers.HTTPOptions
	mu   sync.Mutex
	byID map[string]*Client
}

// NewAppType returns the type.
func NewAppType(o providers.HTTPOptions) *AppType {
	return &AppType{opts: o, byID: map[string]*Client{}}
}

func (a *AppType) Provider() string { return "okta" }
func (a *AppType) Type() string     { return "oidc_app" }

// Info: reading an app does not show its client secret, but the app's
// client secrets list does (okta.apps.read), so a lost secret is read back
// and an adopted app's secret can be injected. The redirect URI lists are
// shared: URIs someone else put on an adopted app stay.
func (a *AppType) Info() providers.TypeInfo {
	return providers.TypeInfo{Secrets: []string{"client_secret"}, SecretsReadable: true,
		SharedLists: []string{"redirect_uris", "post_logout_redirect_uris"}}
}

func (a *AppType) client(c providers.Credentials) (*Client, error) {
	if c["org_url"] == "" || c["api_token"] == "" {
		return nil, fmt.Errorf("okta credentials need org_url and api_token")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	k := c["org_url"] + "\x00" + c["api_token"]
	if cl := a.byID[k]; cl != nil {
		return cl, nil
	}
	cl := NewClient(c["org_url"], c["api_token"], a.opts.BaseURL, a.opts.Client)
	a.byID[k] = cl
	return cl, nil
}

// withSecret reads the app's active client secret into st.
func withSecret(ctx context.Context, cl *Client, st providers.State) (providers.State, error) {
	if st.Secrets["client_secret"] != "" {
		return st, nil
	}
	sec, err := cl.ActiveSecret(ctx, st.ID)
	if err != nil {
		return providers.State{}, err
	}
	if sec != "" {
		st.Secrets = map[string]string{"client_secret": sec}
	}
	return st, nil
}

func appState(cl *Client, app App) providers.State {
	o := app.Settings.OAuthClient
	st := providers.State{
		ID: app.ID,
		Props: providers.Props{"name": {app.Label}, "app_type": {o.ApplicationType},
			"redirect_uris": o.RedirectURIs, "post_logout_redirect_uris": o.PostLogoutRedirectURIs},
		Outputs: map[string]string{"client_id": app.Credentials.OAuthClient.ClientID, "org_url": cl.OrgURL(),
			"domain": strings.TrimPrefix(cl.OrgURL(), "https://"), "issuer": cl.OrgURL()},
	}
	if s := app.Credentials.OAuthClient.ClientSecret; s != "" {
		st.Secrets = map[string]string{"client_secret": s}
	}
	return st
}

func appOf(p providers.Props) App {
	var a App
	a.Name, a.SignOnMode, a.Label = "oidc_client", "OPENID_CONNECT", p.Get("name")
	a.Credentials.OAuthClient.TokenEndpointAuthMethod = "client_secret_basic"
	a.Settings.OAuthClient = OAuthSettings{RedirectURIs: p["redirect_uris"], PostLogoutRedirectURIs: p["post_logout_redirect_uris"],
		ResponseTypes: []string{"code"}, GrantTypes: []string{"authorization_code"}, ApplicationType: p.Get("app_type")}
	return a
}

func (a *AppType) Read(ctx context.Context, c providers.Credentials, id string) (providers.State, error) {
	cl, err := a.client(c)
	if err != nil {
		return providers.State{}, err
	}
	app, err := cl.GetApp(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return providers.State{}, fmt.Errorf("okta app %s: %w", id, providers.ErrGone)
	}
	if err != nil {
		return providers.State{}, err
	}
	return withSecret(ctx, cl, appState(cl, app))
}

// Lookup matches active OIDC apps by exact label: q matches the start of
// a name or label, so the answer is filtered. 200 is the page size Okta
// allows; apps sharing a "<workspace>-<service>-<env>" prefix beyond that
// are not expected.
func (a *AppType) Lookup(ctx context.Context, c providers.Credentials, desired providers.Props) ([]providers.State, error) {
	cl, err := a.client(c)
	if err != nil {
		return nil, err
	}
	apps, err := cl.ListApps(ctx, desired.Get("name"))
	if err != nil {
		return nil, err
	}
	var out []providers.State
	for _, app := range apps {
		if app.Label == desired.Get("name") && app.Name == "oidc_client" && app.Status == "ACTIVE" {
			st, err := withSecret(ctx, cl, appState(cl, app))
			if err != nil {
				return nil, err
			}
			out = append(out, st)
		}
	}
	return out, nil
}

func (a *AppType) Create(ctx context.Context, c providers.Credentials, desired providers.Props, _ string) (providers.State, error) {
	cl, err := a.client(c)
	if err != nil {
		return providers.State{}, err
	}
	app, err := cl.CreateApp(ctx, appOf(desired))
	if err != nil {
		return providers.State{}, err
	}
	return appState(cl, app), nil
}

func (a *AppType) Update(ctx context.Context, c providers.Credentials, id string, desired providers.Props) (providers.State, error) {
	cl, err := a.client(c)
	if err != nil {
		return providers.State{}, err
	}
	app, err := cl.ReplaceApp(ctx, id, appOf(desired))
	if errors.Is(err, ErrNotFound) {
		return providers.State{}, fmt.Errorf("okta app %s: %w", id, providers.ErrGone)
	}
	if err != nil {
		return providers.State{}, err
	}
	return appState(cl, app), nil
}

func (a *AppType) Delete(ctx context.Context, c providers.Credentials, id string) error {
	cl, err := a.client(c)
	if err != nil {
		return err
	}
	return cl.DeleteApp(ctx, id)
}

// Desire gives every service with Okta OAuth callbacks a web OIDC app:
// redirect URIs = frontend URL + the detected callback routes, post-logout
// redirect URIs = the frontend URL and the detected logout routes.
func Desire(in providers.DesiredInput) ([]providers.Desired, []string) {
	type acc struct{ callbacks, logouts, reasons []string }
	bySvc := map[string]*acc{}
	for _, f := range in.Findings {
		if f.GetKind() != patchbayv1.FindingKind_OAUTH_CALLBACK || f.GetProvider() != "okta" {
			continue
		}
		x := bySvc[f.GetService()]
		if x == nil {
			x = &acc{}
			bySvc[f.GetService()] = x
		}
		cb := f.GetCallback()
		x.callbacks = append(x.callbacks, cb.GetRoute())
		x.logouts = append(x.logouts, cb.GetLogoutRoutes()...)
		x.reasons = append(x.reasons, "OAuth callback "+cb.GetRoute()+" at "+providers.Where(f))
	}
	env := in.Environment
	svcs := providers.SortedKeys(bySvc)
	sort.Strings(svcs)
	var out []providers.Desired
	var warnings []string
	for _, svc := range svcs {
		x := bySvc[svc]
		name := in.ServiceName(svc)
		if env.FrontendURL == "" {
			warnings = append(warnings, fmt.Sprintf("okta: service %s has OAuth callbacks but environment %q has no frontend URL; set one with `patchbay env set-url`", name, env.Name))
			continue
		}
		front := strings.TrimRight(env.FrontendURL, "/")
		var callbacks []string
		for _, r := range x.callbacks {
			callbacks = append(callbacks, providers.ResolveURL(front, r))
		}
		logouts := []string{front}
		for _, r := range x.logouts {
			logouts = append(logouts, providers.ResolveURL(front, r))
		}
		out = append(out, providers.Desired{
			Key: providers.Key{Provider: "okta", Type: "oidc_app", Name: name},
			Props: providers.Props{"name": {in.ResourceName(name, env.Name)}, "app_type": {"web"},
				"redirect_uris": providers.NormList(callbacks), "post_logout_redirect_uris": providers.NormList(logouts)},
			Profile: in.Profile("okta"),
			Reason:  strings.Join(providers.NormList(x.reasons), "; "),
			Service: svc,
			// The names the okta signatures attribute to Okta (and Auth.js's).
			Bindings: []providers.Binding{
				{Names: []string{"OKTA_CLIENT_ID", "AUTH_OKTA_ID", "OKTA_OAUTH2_CLIENT_ID"}, Output: "client_id"},
				{Names: []string{"OKTA_CLIENT_SECRET", "AUTH_OKTA_SECRET", "OKTA_OAUTH2_CLIENT_SECRET"}, Output: "client_secret", Secret: true},
				{Names: []string{"OKTA_ISSUER", "AUTH_OKTA_ISSUER", "OKTA_OAUTH2_ISSUER"}, Output: "issuer"},
				{Names: []string{"OKTA_ORG_URL", "OKTA_CLIENT_ORGURL"}, Output: "org_url"},
				{Names: []string{"OKTA_DOMAIN"}, Output: "domain"},
			},
		})
	}
	return out, warnings
}
