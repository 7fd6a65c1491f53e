// Package sendgridtest is an in-repo fake of the SendGrid v3 API following
// providers.md §13: Bearer API keys with scopes, {"errors":[{"field",
// "message"}]} bodies and GET /v3/scopes, and, for provisioning
// (provisioning.go), stateful API keys (value shown once, PUT replaces
// scopes, a key cannot grant scopes it lacks, at most 100) and event
// webhooks of the multiple-webhooks API with signing (public key).
package sendgridtest

import (
	"net/http"
	"strings"
	"sync"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// Key is a valid key holding FullScopes.
const Key = "SG.patchbayFakeKeyId00.patchbayFakeSecret000000000000"

// FullScopes are the scopes of Key.
var FullScopes = []string{"mail.send", "api_keys.create", "api_keys.read", "api_keys.delete", "api_keys.update",
	"user.webhooks.event.settings.read", "user.webhooks.event.settings.update", "scopes.read"}

// Credentials returns credential values for Key.
func (s *Server) Credentials() map[string]string { return map[string]string{"api_key": Key} }

// Server is the fake.
type Server struct {
	*providertest.Server
	mu   sync.Mutex
	keys map[string][]string
	st   state
}

// New starts the fake with Key registered.
func New(tb providertest.T) *Server {
	s := &Server{keys: map[string][]string{Key: FullScopes}}
	s.Server = providertest.New(tb, writeFault)
	s.Handle("GET /v3/scopes", func(w http.ResponseWriter, r *http.Request) {
		scopes, ok := s.Auth(w, r)
		if !ok {
			return
		}
		// The key's own scopes, with those SendGrid adds to every key.
		providertest.WriteJSON(w, 200, map[string]any{"scopes": withImplicit(scopes)})
	})
	s.handleProvisioning()
	return s
}

// AddKey registers a key with scopes.
func (s *Server) AddKey(key string, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[key] = scopes
}

// RemoveKey revokes a key.
func (s *Server) RemoveKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.keys, key)
}

// Auth checks the key, writing SendGrid's 401.
func (s *Server) Auth(w http.ResponseWriter, r *http.Request) ([]string, bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		WriteError(w, 401, "authorization required")
		return nil, false
	}
	key, _ := strings.CutPrefix(h, "Bearer ")
	s.mu.Lock()
	scopes, ok := s.keys[key]
	s.mu.Unlock()
	if !ok {
		WriteError(w, 401, "The provided authorization grant is invalid, expired, or revoked")
		return nil, false
	}
	return scopes, true
}

// WriteError writes SendGrid's error envelope.
func WriteError(w http.ResponseWriter, status int, msg string) {
	providertest.WriteJSON(w, status, map[string]any{"errors": []any{map[string]any{"field": nil, "message": msg}}})
}

func writeFault(w http.ResponseWriter, _ *http.Request, f providertest.Fault) {
	switch f.Kind {
	case providertest.Unauthorized, providertest.Expired:
		WriteError(w, 401, "The provided authorization grant is invalid, expired, or revoked")
	case providertest.Forbidden:
		WriteError(w, 403, "access forbidden")
	case providertest.RateLimited:
		WriteError(w, 429, "too many requests")
	default:
		WriteError(w, 500, "internal server error")
	}
}
