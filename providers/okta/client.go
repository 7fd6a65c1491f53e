package okta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/patchbay-dev/patchbay/providers"
)

// ErrNotFound is returned for an app or user that does not exist (404
// E0000007).
var ErrNotFound = errors.New("okta: not found")

// errorBody is Okta's error object.
// https://developer.okta.com/docs/reference/error-codes/
type errorBody struct {
	ErrorCode    string `json:"errorCode"`
	ErrorSummary string `json:"errorSummary"`
	ErrorCauses  []struct {
		ErrorSummary string `json:"errorSummary"`
	} `json:"errorCauses"`
}

func decodeError(e *providers.HTTPError, body []byte) {
	var b errorBody
	if json.Unmarshal(body, &b) != nil {
		return
	}
	e.Code, e.Message = b.ErrorCode, b.ErrorSummary
}

// Client calls an org's Management API with an API token.
type Client struct {
	org string
	t   *providers.Transport
}

// NewClient returns a client for the org; base "" means the org URL, or
// PATCHBAY_ENDPOINT_OKTA when set.
func NewClient(orgURL, token, base string, hc *http.Client) *Client {
	return &Client{org: strings.TrimRight(orgURL, "/"), t: &providers.Transport{
		Provider: "okta",
		BaseURL:  providers.Endpoint(base, "OKTA", orgURL, nil),
		HTTP:     hc,
		Header:   http.Header{"Authorization": {"SSWS " + token}, "Accept": {"application/json"}},
		Decode:   decodeError,
		// Okta's rate limits reset within the minute (X-Rate-Limit-Reset,
		// read like Retry-After); the engine retries the rest.
		Retries: 0,
		Backoff: 500 * time.Millisecond,
		MaxWait: time.Minute,
	}}
}

// OrgURL is the org's URL, the issuer of its org authorization server.
func (c *Client) OrgURL() string { return c.org }

func (c *Client) call(ctx context.Context, method, path string, q url.Values, in, out any) error {
	r := providers.Request{Method: method, Path: path, Query: q}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		r.Body, r.ContentType = b, "application/json"
	}
	_, body, err := c.t.Do(ctx, r)
	var he *providers.HTTPError
	if errors.As(err, &he) && he.Status == http.StatusNotFound {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	if err != nil {
		return err
	}
	if out != nil && len(body) > 0 {
		if err := json.Unmarshal(body, out); err != nil {
			return fmt.Errorf("okta: %s %s: decode: %w", method, path, err)
		}
	}
	return nil
}

// App is an OIDC app (name "oidc_client", sign-on mode OPENID_CONNECT).
// https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Application/
type App struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name"`
	Label       string `json:"label"`
	Status      string `json:"status,omitempty"`
	SignOnMode  string `json:"signOnMode"`
	Credentials struct {
		OAuthClient struct {
			ClientID                string `json:"client_id,omitempty"`
			ClientSecret            string `json:"client_secret,omitempty"`
			TokenEndpointAuthMethod string `json:"token_endpoint_auth_method,omitempty"`
		} `json:"oauthClient"`
	} `json:"credentials"`
	Settings struct {
		OAuthClient OAuthSettings `json:"oauthClient"`
	} `json:"settings"`
}

// OAuthSettings are the app's OAuth settings.
type OAuthSettings struct {
	RedirectURIs           []string `json:"redirect_uris"`
	PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris,omitempty"`
	ResponseTypes          []string `json:"response_types"`
	GrantTypes             []string `json:"grant_types"`
	ApplicationType        string   `json:"application_type"`
}

// ListApps lists apps whose name or label starts with q.
func (c *Client) ListApps(ctx context.Context, q string) ([]App, error) {
	var out []App
	err := c.call(ctx, http.MethodGet, "/api/v1/apps", url.Values{"q": {q}, "limit": {"200"}}, nil, &out)
	return out, err
}

// GetApp reads an app (without its client secret).
func (c *Client) GetApp(ctx context.Context, id string) (App, error) {
	var out App
	err := c.call(ctx, http.MethodGet, "/api/v1/apps/"+url.PathEscape(id), nil, nil, &out)
	return out, err
}

// CreateApp creates and activates an app; the answer carries the client
// secret, which later reads do not.
func (c *Client) CreateApp(ctx context.Context, a App) (App, error) {
	var out App
	err := c.call(ctx, http.MethodPost, "/api/v1/apps", url.Values{"activate": {"true"}}, a, &out)
	return out, err
}

// ReplaceApp sets the app's label, application type and redirect URI
// lists. Okta's PUT replaces the whole app, so the current app is read as
// it is (every field, including the ones Patchbay does not model: grant
// types someone added, logo, consent settings) and written back with only
// those values changed.
// https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Application/#tag/Application/operation/replaceApplication
func (c *Client) ReplaceApp(ctx context.Context, id string, a App) (App, error) {
	var cur map[string]any
	if err := c.call(ctx, http.MethodGet, "/api/v1/apps/"+url.PathEscape(id), nil, nil, &cur); err != nil {
		return App{}, err
	}
	cur["label"] = a.Label
	settings := object(cur, "settings")
	o := object(settings, "oauthClient")
	o["redirect_uris"] = nonNil(a.Settings.OAuthClient.RedirectURIs)
	o["post_logout_redirect_uris"] = nonNil(a.Settings.OAuthClient.PostLogoutRedirectURIs)
	if t := a.Settings.OAuthClient.ApplicationType; t != "" {
		o["application_type"] = t
	}
	var out App
	err := c.call(ctx, http.MethodPut, "/api/v1/apps/"+url.PathEscape(id), nil, cur, &out)
	return out, err
}

// object returns m[k] as an object, creating it when absent.
func object(m map[string]any, k string) map[string]any {
	if o, ok := m[k].(map[string]any); ok {
		return o
	}
	o := map[string]any{}
	m[k] = o
	return o
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Secret is one of an app's client secrets.
// https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationSSOCredentialOAuth2ClientAuth/
type Secret struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	ClientSecret string `json:"client_secret"`
	Created      string `json:"created"`
}

// ActiveSecret returns the newest active client secret of the app ("" when
// it has none, as an app with token_endpoint_auth_method "none"). Reading
// the app does not show the secret; the client secrets list does, with
// okta.apps.read.
func (c *Client) ActiveSecret(ctx context.Context, id string) (string, error) {
	var list []Secret
	if err := c.call(ctx, http.MethodGet, "/api/v1/apps/"+url.PathEscape(id)+"/credentials/secrets", nil, nil, &list); err != nil {
		return "", err
	}
	best := Secret{}
	for _, s := range list {
		// created is an RFC 3339 UTC timestamp, so strings order by time.
		if s.Status == "ACTIVE" && s.ClientSecret != "" && s.Created >= best.Created {
			best = s
		}
	}
	return best.ClientSecret, nil
}

// DeleteApp deactivates the app, then deletes it: Okta deletes only
// inactive apps. One already gone counts as deleted.
func (c *Client) DeleteApp(ctx context.Context, id string) error {
	err := c.call(ctx, http.MethodPost, "/api/v1/apps/"+url.PathEscape(id)+"/lifecycle/deactivate", nil, nil, nil)
	if err == nil {
		err = c.call(ctx, http.MethodDelete, "/api/v1/apps/"+url.PathEscape(id), nil, nil, nil)
	}
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// GetUser reads a user by id or login.
func (c *Client) GetUser(ctx context.Context, idOrLogin string) (map[string]any, error) {
	var out map[string]any
	err := c.call(ctx, http.MethodGet, "/api/v1/users/"+url.PathEscape(idOrLogin), nil, nil, &out)
	return out, err
}
