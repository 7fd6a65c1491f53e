// Package azuretest is an in-repo fake of Microsoft Entra's token endpoint
// and Azure Resource Manager following providers.md §5: AADSTS error
// bodies, ARM {"error":{"code","message"}} errors, subscriptions and
// resource groups. One server plays both hosts (distinct paths).
package azuretest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// The fake directory's valid service principal, subscription and group.
const (
	TenantID       = "11111111-2222-3333-4444-555555555555"
	ClientID       = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
	ClientSecret   = "Pb8Q~patchbayFakeSecretValue000000000000"
	SecretID       = "99999999-8888-7777-6666-555555555555"
	SubscriptionID = "00000000-1111-2222-3333-444444444444"
	ResourceGroup  = "patchbay-rg"
)

// App is an app registration.
type App struct {
	Tenant        string
	Secret        string
	SecretExpired bool
	// Groups the principal has a role on; nil means none.
	Groups []string
	// Actions are the role's actions on those groups; nil means the
	// Reader role's ("*/read"). Contributor is "*" (with NotActions that
	// the fake leaves out).
	Actions []string
}

// Server is the fake.
type Server struct {
	*providertest.Server
	mu      sync.Mutex
	apps    map[string]App
	tokens  map[string]string // token -> client id
	tenants map[string]bool
	subs    map[string]string // subscription -> tenant
	groups  map[string]bool   // sub/group
}

// New starts the fake with the valid principal registered.
func New(tb providertest.T) *Server {
	s := &Server{
		apps:    map[string]App{ClientID: {Tenant: TenantID, Secret: ClientSecret, Groups: []string{ResourceGroup}}},
		tokens:  map[string]string{},
		tenants: map[string]bool{TenantID: true},
		subs:    map[string]string{SubscriptionID: TenantID},
		groups:  map[string]bool{SubscriptionID + "/" + ResourceGroup: true},
	}
	s.Server = providertest.New(tb, writeFault)
	s.Handle("POST /{tenant}/oauth2/v2.0/token", s.token)
	s.Handle("GET /subscriptions/{sub}", func(w http.ResponseWriter, r *http.Request) {
		app, ok := s.Auth(w, r)
		if !ok {
			return
		}
		sub := r.PathValue("sub")
		s.mu.Lock()
		tenant, exists := s.subs[sub]
		s.mu.Unlock()
		switch {
		case !exists:
			ARMError(w, 404, "SubscriptionNotFound", fmt.Sprintf("The subscription '%s' could not be found.", sub))
		case tenant != app.Tenant:
			ARMError(w, 401, "InvalidAuthenticationTokenTenant", "The access token is from the wrong issuer.")
		case len(app.Groups) == 0:
			ARMError(w, 404, "SubscriptionNotFound", fmt.Sprintf("The subscription '%s' could not be found.", sub))
		default:
			providertest.WriteJSON(w, 200, map[string]any{"id": "/subscriptions/" + sub, "subscriptionId": sub, "displayName": "Patchbay Dev", "state": "Enabled", "tenantId": tenant})
		}
	})
	s.Handle("GET /subscriptions/{sub}/resourcegroups/{rg}", func(w http.ResponseWriter, r *http.Request) {
		app, ok := s.Auth(w, r)
		if !ok {
			return
		}
		sub, rg := r.PathValue("sub"), r.PathValue("rg")
		s.mu.Lock()
		exists := s.groups[sub+"/"+rg]
		s.mu.Unlock()
		allowed := false
		for _, g := range app.Groups {
			allowed = allowed || strings.EqualFold(g, rg)
		}
		switch {
		case !allowed:
			ARMError(w, 403, "AuthorizationFailed", fmt.Sprintf("The client '%s' with object id '%s' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/read' over scope '/subscriptions/%s/resourcegroups/%s' or the scope is invalid. If access was recently granted, please refresh your credentials.", ClientID, ClientID, sub, rg))
		case !exists:
			ARMError(w, 404, "ResourceGroupNotFound", fmt.Sprintf("Resource group '%s' could not be found.", rg))
		default:
			providertest.WriteJSON(w, 200, map[string]any{"id": "/subscriptions/" + sub + "/resourceGroups/" + rg, "name": rg, "location": "westeurope", "properties": map[string]any{"provisioningState": "Succeeded"}})
		}
	})
	// Permissions - List For Resource Group: the caller's own effective
	// permissions on the group, one entry per role assignment
	// (https://learn.microsoft.com/en-us/rest/api/authorization/permissions/list-for-resource-group,
	// api-version 2022-04-01: {"value":[{"actions","notActions","dataActions","notDataActions"}]}).
	s.Handle("GET /subscriptions/{sub}/resourcegroups/{rg}/providers/Microsoft.Authorization/permissions", func(w http.ResponseWriter, r *http.Request) {
		app, ok := s.Auth(w, r)
		if !ok {
			return
		}
		sub, rg := r.PathValue("sub"), r.PathValue("rg")
		if r.URL.Query().Get("api-version") == "" {
			ARMError(w, 400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
			return
		}
		allowed := false
		for _, g := range app.Groups {
			allowed = allowed || strings.EqualFold(g, rg)
		}
		if !allowed {
			ARMError(w, 403, "AuthorizationFailed", fmt.Sprintf("The client '%s' with object id '%s' does not have authorization to perform action 'Microsoft.Authorization/permissions/read' over scope '/subscriptions/%s/resourcegroups/%s' or the scope is invalid.", ClientID, ClientID, sub, rg))
			return
		}
		actions := app.Actions
		if actions == nil {
			actions = []string{"*/read"}
		}
		providertest.WriteJSON(w, 200, map[string]any{"value": []any{map[string]any{"actions": actions, "notActions": []string{}, "dataActions": []string{}, "notDataActions": []string{}}}})
	})
	return s
}

// AddApp registers an app registration.
func (s *Server) AddApp(id string, a App) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps[id] = a
	s.tenants[a.Tenant] = true
}

// AddSubscription registers a subscription of tenant.
func (s *Server) AddSubscription(sub, tenant string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subs[sub] = tenant
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	tenant := r.PathValue("tenant")
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	s.mu.Lock()
	app, ok := s.apps[id]
	known := s.tenants[tenant]
	s.mu.Unlock()
	switch {
	case !known:
		TokenError(w, 400, "invalid_request", 90002, fmt.Sprintf("Tenant '%s' not found.", tenant))
	case !ok || app.Tenant != tenant:
		TokenError(w, 400, "unauthorized_client", 700016, fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'.", id, tenant))
	case app.SecretExpired:
		TokenError(w, 401, "invalid_client", 7000222, fmt.Sprintf("The provided client secret keys for app '%s' are expired.", id))
	case app.Secret != secret:
		TokenError(w, 401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '"+id+"'.")
	default:
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		tok := "eyFake." + hex.EncodeToString(b)
		s.mu.Lock()
		s.tokens[tok] = id
		s.mu.Unlock()
		providertest.WriteJSON(w, 200, map[string]any{"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": tok})
	}
}

// Auth checks an ARM bearer token.
func (s *Server) Auth(w http.ResponseWriter, r *http.Request) (App, bool) {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	id, ok := s.tokens[tok]
	app := s.apps[id]
	s.mu.Unlock()
	if !ok {
		ARMError(w, 401, "InvalidAuthenticationToken", "The access token is invalid.")
		return app, false
	}
	return app, true
}

// TokenError writes an Entra token-endpoint error.
func TokenError(w http.ResponseWriter, status int, code string, aadsts int, msg string) {
	now := time.Now().UTC().Format("2006-01-02 15:04:05Z")
	providertest.WriteJSON(w, status, map[string]any{
		"error":             code,
		"error_description": fmt.Sprintf("AADSTS%d: %s Trace ID: 0000 Correlation ID: 0000 Timestamp: %s", aadsts, msg, now),
		"error_codes":       []int{aadsts}, "timestamp": now, "trace_id": "0000", "correlation_id": "0000",
		"error_uri": fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", aadsts),
	})
}

// ARMError writes an ARM error.
func ARMError(w http.ResponseWriter, status int, code, msg string) {
	providertest.WriteJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg}})
}

func writeFault(w http.ResponseWriter, r *http.Request, f providertest.Fault) {
	token := strings.HasSuffix(r.URL.Path, "/oauth2/v2.0/token")
	switch {
	case f.Kind == providertest.Unauthorized && token:
		TokenError(w, 401, "invalid_client", 7000215, "Invalid client secret provided.")
	case f.Kind == providertest.Expired && token:
		TokenError(w, 401, "invalid_client", 7000222, "The provided client secret keys are expired.")
	case f.Kind == providertest.Unauthorized:
		ARMError(w, 401, "InvalidAuthenticationToken", "The access token is invalid.")
	case f.Kind == providertest.Expired:
		ARMError(w, 401, "ExpiredAuthenticationToken", "The access token expiry UTC time '1/1/2020 00:00:00 AM' is earlier than current UTC time.")
	case f.Kind == providertest.Forbidden:
		ARMError(w, 403, "AuthorizationFailed", "The client does not have authorization to perform action 'Microsoft.Resources/subscriptions/read'.")
	case f.Kind == providertest.RateLimited:
		ARMError(w, 429, "TooManyRequests", "The request is being throttled.")
	default:
		ARMError(w, 500, "InternalServerError", "Encountered internal server error.")
	}
}
