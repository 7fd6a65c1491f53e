// Package mailguntest is an in-repo fake of the Mailgun API following
// providers.md §15: Basic auth "api:<key>", GET /v4/domains, POST
// /v3/{domain}/messages, {"message"} bodies. Start one per region.
package mailguntest

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
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
	sent    []Message
	seq     int
}

// New starts the fake with Key and Domain.
func New(tb providertest.T) *Server {
	s := &Server{keys: map[string]bool{Key: true}, domains: []string{Domain}}
	s.Server = providertest.New(tb, writeFault)
	s.Handle("GET /v4/domains", func(w http.ResponseWriter, r *http.Request) {
		if !s.Auth(w, r) {
			return
		}
		// Paged by limit ("Max: 1000. Default: 100") and skip ("Default:
		// 0"); total_count is the whole list's length
		// (https://documentation.mailgun.com/docs/mailgun/api-reference/send/mailgun/domains/get-v4-domains).
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
				// The domain object of GET /v4/domains
				// (https://documentation.mailgun.com/docs/mailgun/api-reference/send/mailgun/domains/get-v4-domains).
				items = append(items, map[string]any{"name": d, "state": "active", "type": "custom", "id": fmt.Sprintf("%024x", i+1),
					"created_at": "Thu, 13 Oct 2022 18:59:39 GMT", "is_disabled": false, "require_tls": false, "skip_verification": false,
					"smtp_login": "postmaster@" + d, "spam_action": "disabled", "web_prefix": "email", "web_scheme": "https", "wildcard": false})
			}
		}
		total := len(s.domains)
		s.mu.Unlock()
		providertest.WriteJSON(w, 200, map[string]any{"total_count": total, "items": items})
	})
	s.Handle("POST /v3/{domain}/messages", s.send)
	return s
}

// Message is a message the fake accepted.
type Message struct {
	Domain, ID string
	Form       url.Values
}

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.sent...)
}

// send follows POST /v3/{domain_name}/messages
// (https://documentation.mailgun.com/docs/mailgun/api-reference/send/mailgun/messages/post-v3--domain-name--messages):
// a form body (multipart/form-data; Mailgun also takes
// application/x-www-form-urlencoded); from, to and subject required; "in
// order to send you must provide one of the following parameters: 'text',
// 'html', 'amp-html' or 'template'"; send options (o:, h:, v:, t:) at most
// 16KB together; a domain of another account is 404 "Domain not found";
// the answer is {"id": "<…@domain>", "message": "Queued. Thank you."}.
func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	if !s.Auth(w, r) {
		return
	}
	domain := r.PathValue("domain")
	s.mu.Lock()
	known := slices.Contains(s.domains, domain)
	s.mu.Unlock()
	if !known {
		providertest.WriteJSON(w, 404, map[string]any{"message": "Domain not found: " + domain})
		return
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	switch ct {
	case "multipart/form-data":
		err = r.ParseMultipartForm(32 << 20)
	case "application/x-www-form-urlencoded":
		err = r.ParseForm()
	default:
		providertest.WriteJSON(w, 400, map[string]any{"message": "Unsupported Content-Type: expected multipart/form-data or application/x-www-form-urlencoded"})
		return
	}
	if err != nil {
		providertest.WriteJSON(w, 400, map[string]any{"message": "Invalid request body"})
		return
	}
	form := r.PostForm
	if r.MultipartForm != nil {
		form = url.Values(r.MultipartForm.Value)
	}
	for _, k := range []string{"from", "to", "subject"} {
		if strings.TrimSpace(strings.Join(form[k], "")) == "" {
			providertest.WriteJSON(w, 400, map[string]any{"message": "'" + k + "' parameter is missing"})
			return
		}
	}
	if form.Get("text") == "" && form.Get("html") == "" && form.Get("amp-html") == "" && form.Get("template") == "" {
		providertest.WriteJSON(w, 400, map[string]any{"message": "Need at least one of 'text', 'html', 'amp-html' or 'template' parameters specified"})
		return
	}
	options := 0
	for k, vs := range form {
		if strings.HasPrefix(k, "o:") || strings.HasPrefix(k, "h:") || strings.HasPrefix(k, "v:") || strings.HasPrefix(k, "t:") {
			for _, v := range vs {
				options += len(k) + len(v)
			}
		}
	}
	if options > 16<<10 {
		providertest.WriteJSON(w, 400, map[string]any{"message": "Send options (parameters starting with o:, h:, v:, or t:) are limited to 16 KB total"})
		return
	}
	s.mu.Lock()
	s.seq++
	id := fmt.Sprintf("<20260101000000.%d@%s>", s.seq, domain)
	s.sent = append(s.sent, Message{Domain: domain, ID: id, Form: form})
	s.mu.Unlock()
	s.Changed()
	providertest.WriteJSON(w, 200, map[string]any{"id": id, "message": "Queued. Thank you."})
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
