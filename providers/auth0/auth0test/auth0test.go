// Package auth0test is an in-repo fake of an Auth0 tenant following
// providers.md §2: client-credentials tokens at /oauth/token with the
// token-endpoint error shapes, JWT access tokens carrying "scope", and the
// Management API envelope {"statusCode","error","message","errorCode"}.
package auth0test

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// The fake tenant's valid application.
const (
	Domain       = "patchbay-dev.us.auth0.com"
	ClientID     = "PatchbayFakeClientId000000000000"
	ClientSecret = "patchbayFakeClientSecret_0000000000000000000000"
)

// AllScopes are granted to ClientID.
var AllScopes = []string{
	"read:clients", "create:clients", "update:clients", "delete:clients", "read:client_keys",
	"read:resource_servers", "create:resource_servers", "update:resource_servers", "delete:resource_servers",
	"read:client_grants", "create:client_grants",
}

// Client is an application of the tenant.
type Client struct {
	Secret string
	// Scopes granted for the Management API; nil means no client grant.
	Scopes []string
	// NoClientCredentials makes the grant type unavailable (SPA apps).
	NoClientCredentials bool
}

// Server is the fake tenant.
type Server struct {
	*providertest.Server
	mu      sync.Mutex
	clients map[string]Client
	tokens  map[string][]string
}

// New starts the fake with ClientID registered.
func New(tb providertest.T) *Server {
	s := &Server{clients: map[string]Client{ClientID: {Secret: ClientSecret, Scopes: AllScopes}}, tokens: map[string][]string{}}
	s.Server = providertest.New(tb, writeFault)
	s.Handle("POST /oauth/token", s.token)
	s.Handle("GET /api/v2/clients", func(w http.ResponseWriter, r *http.Request) {
		if !s.Auth(w, r, "read:clients") {
			return
		}
		providertest.WriteJSON(w, 200, []any{map[string]any{"client_id": ClientID, "name": "Patchbay"}})
	})
	return s
}

// AddClient registers an application.
func (s *Server) AddClient(id string, c Client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[id] = c
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	var in map[string]string
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		_ = json.NewDecoder(r.Body).Decode(&in)
	} else {
		_ = r.ParseForm()
		in = map[string]string{}
		for k := range r.PostForm {
			in[k] = r.PostForm.Get(k)
		}
	}
	if in["grant_type"] == "" {
		tokenError(w, 400, "invalid_request", "Missing required parameter: grant_type")
		return
	}
	s.mu.Lock()
	c, ok := s.clients[in["client_id"]]
	s.mu.Unlock()
	switch {
	case !ok || c.Secret != in["client_secret"]:
		tokenError(w, 401, "access_denied", "Unauthorized")
		return
	case in["audience"] != "https://"+Domain+"/api/v2/":
		tokenError(w, 403, "access_denied", "Service not found: "+in["audience"])
		return
	case c.NoClientCredentials:
		tokenError(w, 403, "unauthorized_client", "Grant type 'client_credentials' not allowed for the client.")
		return
	case c.Scopes == nil:
		tokenError(w, 403, "access_denied", `Client is not authorized to access "https://`+Domain+`/api/v2/". You need to create a "client-grant" associated to this API.`)
		return
	}
	scope := strings.Join(c.Scopes, " ")
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	payload, _ := json.Marshal(map[string]any{"iss": "https://" + Domain + "/", "sub": in["client_id"] + "@clients", "aud": in["audience"],
		"iat": time.Now().Unix(), "exp": time.Now().Add(24 * time.Hour).Unix(), "scope": scope, "gty": "client-credentials", "jti": hex.EncodeToString(b)})
	tok := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + base64.RawURLEncoding.EncodeToString(payload) + ".fakesig"
	s.mu.Lock()
	s.tokens[tok] = c.Scopes
	s.mu.Unlock()
	providertest.WriteJSON(w, 200, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 86400, "scope": scope})
}

// Auth checks a Management API bearer token and scope.
func (s *Server) Auth(w http.ResponseWriter, r *http.Request, scope string) bool {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	scopes, ok := s.tokens[tok]
	s.mu.Unlock()
	if !ok {
		MgmtError(w, 401, "Invalid token", "")
		return false
	}
	if !slices.Contains(scopes, scope) {
		MgmtError(w, 403, "Insufficient scope, expected any of: "+scope, "insufficient_scope")
		return false
	}
	return true
}

func tokenError(w http.ResponseWriter, status int, code, desc string) {
	providertest.WriteJSON(w, status, map[string]any{"error": code, "error_description": desc})
}

// MgmtError writes the Management API error envelope.
func MgmtError(w http.ResponseWriter, status int, msg, code string) {
	body := map[string]any{"statusCode": status, "error": http.StatusText(status), "message": msg}
	if code != "" {
		body["errorCode"] = code
	}
	providertest.WriteJSON(w, status, body)
}

func writeFault(w http.ResponseWriter, r *http.Request, f providertest.Fault) {
	if r.URL.Path == "/oauth/token" {
		switch f.Kind {
		case providertest.Unauthorized, providertest.Expired:
			tokenError(w, 401, "access_denied", "Unauthorized")
		case providertest.Forbidden:
			tokenError(w, 403, "access_denied", `Client is not authorized to access "https://`+Domain+`/api/v2/". You need to create a "client-grant" associated to this API.`)
		case providertest.RateLimited:
			tokenError(w, 429, "access_denied", "Global limit has been reached")
		default:
			tokenError(w, 500, "server_error", "Internal error")
		}
		return
	}
	switch f.Kind {
	case providertest.Unauthorized:
		MgmtError(w, 401, "Invalid token", "")
	case providertest.Expired:
		MgmtError(w, 401, "Expired token received for JSON Web Token validation", "")
	case providertest.Forbidden:
		MgmtError(w, 403, "Insufficient scope, expected any of: read:clients", "insufficient_scope")
	case providertest.RateLimited:
		MgmtError(w, 429, "Too many requests", "too_many_requests")
	default:
		MgmtError(w, 500, "Internal error", "")
	}
}
