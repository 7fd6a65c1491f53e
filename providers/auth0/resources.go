package auth0

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/patchbay-dev/patchbay/providers"
)

// ErrNotFound is returned for a client that does not exist.
var ErrNotFound = errors.New("auth0: not found")

// APIError is a Management API or token endpoint error. Message never
// contains credentials.
type APIError struct {
	Status    int
	Code      string // errorCode, or the OAuth "error"
	Message   string
	retryWait time.Duration
}

func (e *APIError) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("auth0: %d %s: %s", e.Status, e.Code, e.Message)
	}
	return fmt.Sprintf("auth0: %d: %s", e.Status, e.Message)
}

// Retryable is true for rate limits and server errors.
func (e *APIError) Retryable() bool { return e.Status == http.StatusTooManyRequests || e.Status >= 500 }

// RetryAfter is the wait Auth0 asked for (Retry-After, or x-ratelimit-reset).
func (e *APIError) RetryAfter() time.Duration { return e.retryWait }

// Definitive is true when Auth0 refused the request, so it changed nothing.
func (e *APIError) Definitive() bool {
	return e.Status >= 400 && e.Status < 500 && e.Status != http.StatusTooManyRequests
}

// Application is an Auth0 client (application). Arrays are always sent in
// full because PATCH replaces them.
type Application struct {
	ClientID          string   `json:"client_id,omitempty"`
	Name              string   `json:"name"`
	AppType           string   `json:"app_type,omitempty"`
	Callbacks         []string `json:"callbacks"`
	AllowedLogoutURLs []string `json:"allowed_logout_urls"`
	WebOrigins        []string `json:"web_origins"`
	AllowedOrigins    []string `json:"allowed_origins"`
	// ClientSecret comes back on create, and on read with read:client_keys.
	ClientSecret string `json:"client_secret,omitempty"`
}

// Management is a small Auth0 Management API v2 client for applications.
// It fetches a client-credentials token once and reuses it until shortly
// before it expires, since Auth0 rate-limits the token endpoint.
type Management struct {
	domain, clientID, clientSecret string
	base                           string
	hc                             *http.Client

	mu      sync.Mutex
	token   string
	expires time.Time
}

// NewManagement returns a client for the tenant domain. baseURL overrides
// https://<domain> (tests, proxies); the token audience always names the
// real domain.
func NewManagement(domain, clientID, clientSecret, baseURL string, hc *http.Client) *Management {
	if baseURL == "" {
		baseURL = "https://" + domain
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Management{domain: domain, clientID: clientID, clientSecret: clientSecret, base: strings.TrimRight(baseURL, "/"), hc: hc}
}

// Domain is the tenant domain.
func (m *Management) Domain() string { return m.domain }

func (m *Management) accessToken(ctx context.Context) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.token != "" && time.Now().Before(m.expires) {
		return m.token, nil
	}
	body, _ := json.Marshal(map[string]string{
		"grant_type": "client_credentials", "client_id": m.clientID, "client_secret": m.clientSecret,
		"audience": "https://" + m.domain + "/api/v2/",
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.base+"/oauth/token", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := m.hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("auth0: token request: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		var te struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		_ = json.Unmarshal(raw, &te)
		return "", &APIError{Status: resp.StatusCode, Code: te.Error, Message: te.Description, retryWait: retryWait(resp.Header)}
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if err := json.Unmarshal(raw, &tok); err != nil || tok.AccessToken == "" {
		return "", fmt.Errorf("auth0: token endpoint returned no access_token")
	}
	m.token = tok.AccessToken
	m.expires = time.Now().Add(time.Duration(tok.ExpiresIn)*time.Second - time.Minute)
	return m.token, nil
}

// retryWait reads Retry-After (seconds or an HTTP-date) or
// x-ratelimit-reset (epoch seconds), the one way every client does.
func retryWait(h http.Header) time.Duration { return providers.RetryAfter(h, time.Now()) }

func (m *Management) do(ctx context.Context, method, path string, in, out any) error {
	for attempt := 0; ; attempt++ {
		tok, err := m.accessToken(ctx)
		if err != nil {
			return err
		}
		var body io.Reader
		if in != nil {
			b, err := json.Marshal(in)
			if err != nil {
				return err
			}
			body = bytes.NewReader(b)
		}
		req, err := http.NewRequestWithContext(ctx, method, m.base+path, body)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		if in != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := m.hc.Do(req)
		if err != nil {
			return fmt.Errorf("auth0: %s %s: %w", method, path, err)
		}
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
		resp.Body.Close()
		if resp.StatusCode == http.StatusUnauthorized && attempt == 0 {
			// The cached token expired or was revoked: fetch a new one once.
			m.mu.Lock()
			m.token = ""
			m.mu.Unlock()
			continue
		}
		if resp.StatusCode == http.StatusNotFound {
			return fmt.Errorf("auth0: %s %s: %w", method, path, ErrNotFound)
		}
		if resp.StatusCode >= 300 {
			var me struct {
				Message   string `json:"message"`
				ErrorCode string `json:"errorCode"`
				Error     string `json:"error"`
			}
			_ = json.Unmarshal(raw, &me)
			code := me.ErrorCode
			if code == "" {
				code = me.Error
			}
			return &APIError{Status: resp.StatusCode, Code: code, Message: me.Message, retryWait: retryWait(resp.Header)}
		}
		if out != nil && len(raw) > 0 {
			if err := json.Unmarshal(raw, out); err != nil {
				return fmt.Errorf("auth0: %s %s: decode: %w", method, path, err)
			}
		}
		return nil
	}
}

// Calls are the Auth0 calls Patchbay makes (the Management class below, and
// the credential check) with the Management API scopes each needs
// (https://auth0.com/docs/api/management/v2/clients, the "Scopes" of each
// endpoint). RequiredScopes, and so the credential form, derive from them;
// TestCallsDeclareScopes records the calls the resource clients make
// against the fake and checks them against this table.
var Calls = providers.APICalls{
	// accessToken: the client-credentials grant needs no scope.
	{Op: "POST /oauth/token"},
	// FindClients (and the credential check).
	{Op: "GET /api/v2/clients", Needs: []string{"read:clients"}},
	// CreateClient: the answer carries client_secret.
	{Op: "POST /api/v2/clients", Needs: []string{"create:clients"}},
	// GetClient: client_secret is in the answer only with read:client_keys,
	// and Read and Lookup return the secret.
	{Op: "GET /api/v2/clients/{id}", Needs: []string{"read:clients", "read:client_keys"}},
	// UpdateClient.
	{Op: "PATCH /api/v2/clients/{id}", Needs: []string{"update:clients"}},
	// DeleteClient.
	{Op: "DELETE /api/v2/clients/{id}", Needs: []string{"delete:clients"}},
	// RotateSecret.
	{Op: "POST /api/v2/clients/{id}/rotate-secret", Needs: []string{"update:client_keys"}},
}

// update is what PATCH may send: client_id and client_secret are not
// writable there.
type update struct {
	Name              string   `json:"name"`
	AppType           string   `json:"app_type,omitempty"`
	Callbacks         []string `json:"callbacks"`
	AllowedLogoutURLs []string `json:"allowed_logout_urls"`
	WebOrigins        []string `json:"web_origins"`
	AllowedOrigins    []string `json:"allowed_origins"`
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// CreateClient creates an application; the answer carries client_secret.
func (m *Management) CreateClient(ctx context.Context, a Application) (Application, error) {
	in := update{Name: a.Name, AppType: a.AppType, Callbacks: nonNil(a.Callbacks), AllowedLogoutURLs: nonNil(a.AllowedLogoutURLs),
		WebOrigins: nonNil(a.WebOrigins), AllowedOrigins: nonNil(a.AllowedOrigins)}
	var out Application
	err := m.do(ctx, http.MethodPost, "/api/v2/clients", in, &out)
	return out, err
}

// GetClient reads an application (ErrNotFound when it does not exist).
func (m *Management) GetClient(ctx context.Context, id string) (Application, error) {
	var out Application
	err := m.do(ctx, http.MethodGet, "/api/v2/clients/"+url.PathEscape(id), nil, &out)
	return out, err
}

// UpdateClient replaces the application's settings; arrays are sent whole.
func (m *Management) UpdateClient(ctx context.Context, id string, a Application) (Application, error) {
	in := update{Name: a.Name, AppType: a.AppType, Callbacks: nonNil(a.Callbacks), AllowedLogoutURLs: nonNil(a.AllowedLogoutURLs),
		WebOrigins: nonNil(a.WebOrigins), AllowedOrigins: nonNil(a.AllowedOrigins)}
	var out Application
	err := m.do(ctx, http.MethodPatch, "/api/v2/clients/"+url.PathEscape(id), in, &out)
	return out, err
}

// DeleteClient deletes an application; one that is already gone is success.
func (m *Management) DeleteClient(ctx context.Context, id string) error {
	err := m.do(ctx, http.MethodDelete, "/api/v2/clients/"+url.PathEscape(id), nil, nil)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// RotateSecret replaces the client secret and returns the new one.
func (m *Management) RotateSecret(ctx context.Context, id string) (Application, error) {
	var out Application
	err := m.do(ctx, http.MethodPost, "/api/v2/clients/"+url.PathEscape(id)+"/rotate-secret", nil, &out)
	return out, err
}

// FindClients returns the applications with exactly this name, paging
// through the list (the API has no name filter).
func (m *Management) FindClients(ctx context.Context, name string) ([]Application, error) {
	var out []Application
	for page := 0; page < 100; page++ {
		var batch []Application
		q := url.Values{"page": {strconv.Itoa(page)}, "per_page": {"50"},
			"fields": {"client_id,name,app_type,callbacks,allowed_logout_urls,web_origins,allowed_origins"}, "include_fields": {"true"}}
		if err := m.do(ctx, http.MethodGet, "/api/v2/clients?"+q.Encode(), nil, &batch); err != nil {
			return nil, err
		}
		for _, a := range batch {
			if a.Name == name {
				out = append(out, a)
			}
		}
		if len(batch) < 50 {
			return out, nil
		}
	}
	return out, nil
}
