// Package mailguntest is an in-repo fake of the Mailgun API following
// providers.md §15: Basic auth "api:<key>", GET /v4/domains, {"message"}
// bodies. Start one per region.
package mailguntest

import (
	"net/http"
	"strconv"
	"sync"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// Key is a valid key owning Domain.
const Key = "patchbayFakeMailgunKey-0123456789abcdef"

// Domain is the fake account's sending domain.
const Domain = "mg.example.com"

// Server is the fake.
type Server struct {
	*providertest.Server
	mu      sync.Mutex
	keys    map[string]bool
	domains []string
}

// New starts the fake with Key and Domain.
func New(tb providertest.T) *Server {
	s := &Server{keys: map[string]bool{Key: true}, domains: []string{Domain}}
	s.Server = providertest.New(tb, writeFault)
	s.Handle("GET /v4/domains", func(w http.ResponseWriter, r *http.Request) {
		if !s.Auth(w, r) {
			return
		}
		// Paged by limit (default 100, at most 1000) and skip; total_count
		// is the whole list's length.
		limit, skip := 100, 0
		if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n > 0 {
			limit = min(n, 1000)
		}
		if n, err := strconv.Atoi(r.URL.Query().Get("skip")); err == nil && n > 0 {
			skip = n
		}
		s.mu.Lock()
		items := []any{}
		for i, d := range s.domains {
			if i >= skip && len(items) < limit {
				items = append(items, map[string]any{"name": d, "state": "active", "type": "custom"})
			}
		}
		total := len(s.domains)
		s.mu.Unlock()
		providertest.WriteJSON(w, 200, map[string]any{"total_count": total, "items": items})
	})
	return s
}

// SetKeys replaces the accepted keys and domains (for a second region).
func (s *Server) SetKeys(keys []string, domains []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = map[string]bool{}
	for _, k := range keys {
		s.keys[k] = true
	}
	s.domains = domains
}

// Auth checks Basic auth.
func (s *Server) Auth(w http.ResponseWriter, r *http.Request) bool {
	user, pass, _ := r.BasicAuth()
	s.mu.Lock()
	ok := user == "api" && s.keys[pass]
	s.mu.Unlock()
	if !ok {
		w.WriteHeader(401)
		_, _ = w.Write([]byte("Forbidden"))
		return false
	}
	return true
}

func writeFault(w http.ResponseWriter, _ *http.Request, f providertest.Fault) {
	switch f.Kind {
	case providertest.Unauthorized, providertest.Expired:
		w.WriteHeader(401)
		_, _ = w.Write([]byte("Forbidden"))
	case providertest.Forbidden:
		providertest.WriteJSON(w, 403, map[string]any{"message": "Domain sending keys are not allowed for this endpoint"})
	case providertest.RateLimited:
		providertest.WriteJSON(w, 429, map[string]any{"message": "Too many requests"})
	default:
		providertest.WriteJSON(w, 500, map[string]any{"message": "Internal Server Error"})
	}
}
