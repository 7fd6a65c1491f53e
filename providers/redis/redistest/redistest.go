// Package redistest is an in-repo fake of the Redis Cloud API following
// providers.md §8: x-api-key / x-api-secret-key headers, GET /v1/, and 429
// on the per-minute window. Its 401 body is a guess (the sheet keys off the
// status only).
package redistest

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// Valid keys of the fake's account.
const (
	AccountKey = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4"
	UserKey    = "S9r8Q7p6O5n4M3l2K1j0I9h8G7f6E5d4"
)

// RequestsPerMinute is the API's rate limit per API key: "more than 400
// requests/minute per API key" answer 429 Too Many Requests
// (https://support.redislabs.com/hc/en-us/articles/27542828392210-Using-the-Redis-Cloud-REST-API-with-Essentials-Subscriptions).
const RequestsPerMinute = 400

// Server is the fake. Mount provisioning routes under /v1 on Mux.
type Server struct {
	*providertest.Server
	mu   sync.Mutex
	keys map[[2]string]bool
	// window counts each key pair's requests in the current minute.
	window      map[[2]string]int
	windowStart time.Time
}

// New starts the fake with the valid key pair registered. The base URL for
// PATCHBAY_ENDPOINT_REDIS is URL + "/v1".
func New(tb providertest.T) *Server {
	s := &Server{keys: map[[2]string]bool{{AccountKey, UserKey}: true}, window: map[[2]string]int{}, windowStart: time.Now()}
	s.Server = providertest.New(tb, writeFault)
	s.Handle("GET /v1/{$}", func(w http.ResponseWriter, r *http.Request) {
		if !s.Auth(w, r) {
			return
		}
		providertest.WriteJSON(w, 200, map[string]any{"account": map[string]any{
			"id": 40131, "name": "Patchbay Dev", "createdTimestamp": "2024-01-01T00:00:00Z",
			"key": map[string]any{"name": "patchbay", "accountId": 40131, "accountName": "Patchbay Dev", "allowedSourceIps": []string{"0.0.0.0/0"}}}})
	})
	return s
}

// Auth checks the key pair ("every API request must use the account key
// and a user key", in the x-api-key and x-api-secret-key headers:
// https://redis.io/docs/latest/operate/rc/api/get-started/) and the
// per-minute rate limit.
func (s *Server) Auth(w http.ResponseWriter, r *http.Request) bool {
	pair := [2]string{r.Header.Get("x-api-key"), r.Header.Get("x-api-secret-key")}
	s.mu.Lock()
	ok := s.keys[pair]
	var used int
	if ok {
		if now := time.Now(); now.Sub(s.windowStart) >= time.Minute {
			s.window, s.windowStart = map[[2]string]int{}, now
		}
		s.window[pair]++
		used = s.window[pair]
	}
	s.mu.Unlock()
	if !ok {
		WriteError(w, 401, "UNAUTHORIZED", "Authentication failed for API key")
		return false
	}
	if used > RequestsPerMinute {
		w.Header().Set("X-Rate-Limit-Remaining", "0")
		WriteError(w, 429, "TOO_MANY_REQUESTS", "Rate limit exceeded")
		return false
	}
	w.Header().Set("X-Rate-Limit-Remaining", strconv.Itoa(RequestsPerMinute-used))
	return true
}

// WriteError writes an error body.
func WriteError(w http.ResponseWriter, status int, typ, msg string) {
	providertest.WriteJSON(w, status, map[string]any{"error": map[string]any{"type": typ, "status": http.StatusText(status), "description": msg}})
}

func writeFault(w http.ResponseWriter, _ *http.Request, f providertest.Fault) {
	switch f.Kind {
	case providertest.Unauthorized, providertest.Expired:
		WriteError(w, 401, "UNAUTHORIZED", "Authentication failed for API key")
	case providertest.Forbidden:
		WriteError(w, 403, "FORBIDDEN", "Source IP is not allowed")
	case providertest.RateLimited:
		w.Header().Set("X-Rate-Limit-Remaining", "0")
		WriteError(w, 429, "TOO_MANY_REQUESTS", "Rate limit exceeded")
	default:
		WriteError(w, 500, "INTERNAL_SERVER_ERROR", "Internal error")
	}
}
