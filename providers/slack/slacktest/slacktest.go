// Package slacktest is an in-repo fake of Slack incoming webhooks following
// providers.md §12: plain-text bodies ("ok", "no_text", "invalid_token",
// "no_service", ...), 429 rate_limited with Retry-After.
package slacktest

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// Path is the path of the fake's live webhook; the URL a user would paste
// is "https://hooks.slack.com" + Path.
const Path = "/services/T00PATCHBAY/B00PATCHBAY/patchbayFakeWebhookSecret01"

// Hook states.
const (
	Live     = "live"
	Removed  = "no_service"
	Archived = "channel_is_archived"
)

// Server is the fake.
type Server struct {
	*providertest.Server
	mu    sync.Mutex
	hooks map[string]string
	// Posted are the messages that were really posted.
	posted []string
}

// New starts the fake with the live hook at Path.
func New(tb providertest.T) *Server {
	s := &Server{hooks: map[string]string{Path: Live}}
	s.Server = providertest.New(tb, writeFault)
	s.Handle("POST /services/{team}/{bot}/{secret}", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		state, ok := s.hooks[r.URL.Path]
		s.mu.Unlock()
		switch {
		case !ok:
			text(w, 403, "invalid_token")
			return
		case state == Removed:
			text(w, 404, "no_service")
			return
		case state == Archived:
			text(w, 410, "channel_is_archived")
			return
		}
		raw, _ := io.ReadAll(r.Body)
		var msg struct {
			Text   string `json:"text"`
			Blocks []any  `json:"blocks"`
		}
		if err := json.Unmarshal(raw, &msg); err != nil {
			text(w, 400, "invalid_payload")
			return
		}
		if msg.Text == "" && len(msg.Blocks) == 0 {
			text(w, 400, "no_text")
			return
		}
		s.mu.Lock()
		s.posted = append(s.posted, msg.Text)
		s.mu.Unlock()
		text(w, 200, "ok")
	})
	return s
}

// SetHook sets the state of the hook at path.
func (s *Server) SetHook(path, state string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks[path] = state
}

// Posted returns the messages posted so far.
func (s *Server) Posted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.posted...)
}

func text(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func writeFault(w http.ResponseWriter, _ *http.Request, f providertest.Fault) {
	switch f.Kind {
	case providertest.Unauthorized:
		text(w, 403, "invalid_token")
	case providertest.Expired:
		text(w, 404, "no_team")
	case providertest.Forbidden:
		text(w, 403, "action_prohibited")
	case providertest.RateLimited:
		text(w, 429, "rate_limited")
	default:
		text(w, 500, "rollup_error")
	}
}
