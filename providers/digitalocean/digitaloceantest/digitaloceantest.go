// Package digitaloceantest is an in-repo fake of the DigitalOcean API
// following providers.md §6: Bearer tokens with scopes and the error body
// {"id","message","request_id"}.
package digitaloceantest

import (
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// Token is a valid full-access token.
const Token = "dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// Server is the fake.
type Server struct {
	*providertest.Server
	mu     sync.Mutex
	tokens map[string][]string // token -> scopes; nil scopes = full access
	// status and message are the account's status ("active", "warning"
	// or "locked", https://docs.digitalocean.com/reference/api/digitalocean/#tag/Account)
	// and its status_message.
	status, message string
}

// New starts the fake with Token registered.
func New(tb providertest.T) *Server {
	s := &Server{tokens: map[string][]string{Token: nil}, status: "active"}
	s.Server = providertest.New(tb, writeFault)
	s.Handle("GET /v2/account", func(w http.ResponseWriter, r *http.Request) {
		if !s.Auth(w, r, "account:read") {
			return
		}
		s.mu.Lock()
		status, message := s.status, s.message
		s.mu.Unlock()
		providertest.WriteJSON(w, 200, map[string]any{"account": map[string]any{
			"droplet_limit": 25, "email": "dev@example.com", "uuid": "b6fr89dbf6d9156cace5f3c78dc9851d957381ef",
			"email_verified": true, "status": status, "status_message": message, "team": map[string]any{"uuid": "5df3e3004a17e242b7c20ca6c9fc25b701a47ece", "name": "Patchbay Team"}}})
	})
	return s
}

// SetAccountStatus sets what GET /v2/account says of the account.
func (s *Server) SetAccountStatus(status, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.message = status, message
}

// AddToken registers a token limited to scopes.
func (s *Server) AddToken(token string, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = scopes
}

// Auth checks the bearer token and scope, writing DigitalOcean's error.
func (s *Server) Auth(w http.ResponseWriter, r *http.Request, scope string) bool {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	scopes, ok := s.tokens[tok]
	s.mu.Unlock()
	if !ok {
		WriteError(w, 401, "unauthorized", "Unable to authenticate you.")
		return false
	}
	if scopes != nil && !slices.Contains(scopes, scope) {
		WriteError(w, 403, "forbidden", "You do not have permission to perform this action.")
		return false
	}
	return true
}

// WriteError writes DigitalOcean's error body.
func WriteError(w http.ResponseWriter, status int, id, msg string) {
	providertest.WriteJSON(w, status, map[string]any{"id": id, "message": msg, "request_id": "4d9d8375-3c56-4925-a3e7-eb137fed17e9"})
}

func writeFault(w http.ResponseWriter, _ *http.Request, f providertest.Fault) {
	switch f.Kind {
	case providertest.Unauthorized, providertest.Expired:
		WriteError(w, 401, "unauthorized", "Unable to authenticate you.")
	case providertest.Forbidden:
		WriteError(w, 403, "forbidden", "You do not have permission to perform this action.")
	case providertest.RateLimited:
		w.Header().Set("ratelimit-remaining", "0")
		WriteError(w, 429, "too_many_requests", "API rate limit exceeded.")
	default:
		WriteError(w, 500, "server_error", "Server Error")
	}
}
