// Package gatewaytest holds in-repo fakes of the provider endpoints the
// gateway's actions and triggers call, following providers.md: auth
// schemes, request encodings, success bodies and error shapes (Stripe's
// {"error":{...}}, SendGrid's {"errors":[...]}, Twilio's {code,message},
// Slack's plain-text codes, GitHub's {message}, Mailgun's {message}).
// Each fake records the requests it accepted and can inject faults.
package gatewaytest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Credentials the fakes accept.
const (
	StripeKey     = "sk_test_51GatewayFakeKey000000000000"
	SendGridKey   = "SG.gatewayfakekeyid.gatewayfakesecret0000000000"
	TwilioSID     = "AC0123456789abcdef0123456789abcdef"
	TwilioToken   = "0123456789abcdef0123456789abcdef"
	SlackPath     = "/services/T0000FAKE/B0000FAKE/gatewayFakeWebhookSecret00"
	GitHubToken   = "ghp_gatewayFakeToken000000000000000000"
	MailgunKey    = "key-gatewayfakemailgun000000000000"
	MailgunDomain = "mg.example.test"
)

// Request is a request a fake accepted.
type Request struct {
	Method, Path string
	Header       http.Header
	Form         url.Values
	JSON         map[string]any
}

// Fault makes the next Count requests to Path (or any path when empty)
// fail with Status, Body and headers.
type Fault struct {
	Path   string
	Status int
	Body   string
	Header map[string]string
	Count  int
}

// Server is one provider's fake.
type Server struct {
	*httptest.Server
	mu     sync.Mutex
	reqs   []Request
	faults []*Fault
	mux    *http.ServeMux
	state  map[string]map[string]any // id → object
}

func newServer(tb testing.TB) *Server {
	s := &Server{mux: http.NewServeMux(), state: map[string]map[string]any{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	for i, f := range s.faults {
		if f.Count > 0 && (f.Path == "" || f.Path == r.URL.Path) {
			f.Count--
			if f.Count == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			s.mu.Unlock()
			for k, v := range f.Header {
				w.Header().Set(k, v)
			}
			w.WriteHeader(f.Status)
			io.WriteString(w, f.Body)
			return
		}
	}
	s.mu.Unlock()
	s.mux.ServeHTTP(w, r)
}

// Inject adds a fault.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Count == 0 {
		f.Count = 1
	}
	s.faults = append(s.faults, &f)
}

// Requests returns the accepted requests so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Object returns a stored object by id.
func (s *Server) Object(id string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.state[id]
	return o, ok
}

func (s *Server) record(r *http.Request) Request {
	rec := Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone()}
	body, _ := io.ReadAll(r.Body)
	switch ct := r.Header.Get("Content-Type"); {
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		rec.Form, _ = url.ParseQuery(string(body))
	case strings.HasPrefix(ct, "application/json"):
		_ = json.Unmarshal(body, &rec.JSON)
	}
	s.mu.Lock()
	s.reqs = append(s.reqs, rec)
	s.mu.Unlock()
	return rec
}

func (s *Server) put(id string, o map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state[id] = o
}

func (s *Server) remove(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.state[id]
	delete(s.state, id)
	return ok
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func randID(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// ---- Stripe (providers.md §1) ----

// NewStripe is a stateful Stripe fake: customers, products, prices and
// webhook endpoints (whose whsec_ secret is returned on create only).
// Missing required parameters give 400 invalid_request_error with param;
// an unknown key gives 401; Idempotency-Key replays the stored response.
func NewStripe(tb testing.TB) *Server {
	s := newServer(tb)
	idem := map[string][]byte{}
	var idemMu sync.Mutex
	auth := func(w http.ResponseWriter, r *http.Request) bool {
		key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if u, _, ok := r.BasicAuth(); ok {
			key = u
		}
		if key != StripeKey {
			masked := key
			if len(masked) > 4 {
				masked = "sk_test_****" + masked[len(masked)-4:]
			}
			writeJSON(w, 401, map[string]any{"error": map[string]any{"type": "invalid_request_error",
				"message": "Invalid API Key provided: " + masked}})
			return false
		}
		return true
	}
	create := func(prefix, object string, required ...string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if !auth(w, r) {
				return
			}
			rec := s.record(r)
			ik := r.Header.Get("Idempotency-Key")
			if ik != "" {
				idemMu.Lock()
				prev, ok := idem[ik]
				idemMu.Unlock()
				if ok {
					w.Header().Set("Idempotency-Key", ik)
					w.Header().Set("Idempotent-Replayed", "true")
					w.Header().Set("Content-Type", "application/json")
					w.Write(prev)
					return
				}
			}
			for _, p := range required {
				if rec.Form.Get(p) == "" && len(rec.Form[p+"[]"]) == 0 {
					writeJSON(w, 400, map[string]any{"error": map[string]any{"type": "invalid_request_error",
						"code": "parameter_missing", "param": p, "message": "Missing required param: " + p + "."}})
					return
				}
			}
			o := map[string]any{"id": randID(prefix, 8), "object": object, "created": 1700000000, "livemode": false}
			for k, v := range rec.Form {
				if !strings.Contains(k, "[") {
					o[k] = v[0]
				}
			}
			switch object {
			case "price":
				if p, ok := s.Object(rec.Form.Get("product")); !ok || p["object"] != "product" {
					writeJSON(w, 400, map[string]any{"error": map[string]any{"type": "invalid_request_error",
						"code": "resource_missing", "param": "product", "message": "No such product: '" + rec.Form.Get("product") + "'"}})
					return
				}
				var amt int
				fmt.Sscan(rec.Form.Get("unit_amount"), &amt)
				o["unit_amount"] = amt
				o["active"] = true
				o["type"] = "one_time"
				if rec.Form.Get("recurring[interval]") != "" {
					o["type"] = "recurring"
				}
			case "product":
				o["active"] = rec.Form.Get("active") != "false"
			case "webhook_endpoint":
				o["enabled_events"] = rec.Form["enabled_events[]"]
				o["secret"] = randID("whsec_", 16)
			}
			s.put(o["id"].(string), o)
			b, _ := json.Marshal(o)
			if ik != "" {
				idemMu.Lock()
				idem[ik] = b
				idemMu.Unlock()
				w.Header().Set("Idempotency-Key", ik)
			}
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Request-Id", randID("req_", 6))
			w.Write(b)
		}
	}
	s.mux.HandleFunc("POST /v1/customers", create("cus_", "customer"))
	s.mux.HandleFunc("POST /v1/products", create("prod_", "product", "name"))
	s.mux.HandleFunc("POST /v1/prices", create("price_", "price", "currency", "product"))
	s.mux.HandleFunc("POST /v1/webhook_endpoints", create("we_", "webhook_endpoint", "url", "enabled_events"))
	s.mux.HandleFunc("DELETE /v1/webhook_endpoints/{id}", func(w http.ResponseWriter, r *http.Request) {
		if !auth(w, r) {
			return
		}
		s.record(r)
		id := r.PathValue("id")
		if !s.remove(id) {
			writeJSON(w, 404, map[string]any{"error": map[string]any{"type": "invalid_request_error", "code": "resource_missing",
				"param": "id", "message": "No such webhook endpoint: '" + id + "'"}})
			return
		}
		writeJSON(w, 200, map[string]any{"id": id, "object": "webhook_endpoint", "deleted": true})
	})
	return s
}

// ---- SendGrid (§13) ----

// NewSendGrid fakes POST /v3/mail/send: 202 with X-Message-Id, 401 for a
// wrong key, 400 with field errors for a body without personalizations.
func NewSendGrid(tb testing.TB) *Server {
	s := newServer(tb)
	s.mux.HandleFunc("POST /v3/mail/send", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+SendGridKey {
			writeJSON(w, 401, map[string]any{"errors": []any{map[string]any{"field": nil,
				"message": "The provided authorization grant is invalid, expired, or revoked"}}})
			return
		}
		rec := s.record(r)
		if rec.JSON == nil {
			writeJSON(w, 400, map[string]any{"errors": []any{map[string]any{"field": nil, "message": "Bad Request"}}})
			return
		}
		if _, ok := rec.JSON["personalizations"]; !ok {
			writeJSON(w, 400, map[string]any{"errors": []any{map[string]any{"field": "personalizations",
				"message": "The personalizations field is required and must have at least one personalization."}}})
			return
		}
		w.Header().Set("X-Message-Id", randID("", 11))
		w.WriteHeader(http.StatusAccepted)
	})
	return s
}

// ---- Twilio (§14) ----

// NewTwilio fakes Messages.json: Basic auth with the Account SID and Auth
// Token, 201 with a message resource, 401/20003 and 400/21211 errors.
func NewTwilio(tb testing.TB) *Server {
	s := newServer(tb)
	s.mux.HandleFunc("POST /2010-04-01/Accounts/{sid}/Messages.json", func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != TwilioSID || p != TwilioToken || r.PathValue("sid") != TwilioSID {
			writeJSON(w, 401, map[string]any{"code": 20003, "message": "Authenticate",
				"more_info": "https://www.twilio.com/docs/errors/20003", "status": 401})
			return
		}
		rec := s.record(r)
		to := rec.Form.Get("To")
		if !strings.HasPrefix(to, "+") {
			writeJSON(w, 400, map[string]any{"code": 21211, "message": "The 'To' number " + to + " is not a valid phone number.",
				"more_info": "https://www.twilio.com/docs/errors/21211", "status": 400})
			return
		}
		writeJSON(w, 201, map[string]any{"sid": randID("SM", 16), "status": "queued", "to": to, "from": rec.Form.Get("From"),
			"body": rec.Form.Get("Body"), "account_sid": TwilioSID, "date_created": "Thu, 30 Jul 2015 20:12:31 +0000"})
	})
	return s
}

// ---- Slack (§12) ----

// NewSlack fakes one incoming webhook at SlackPath: 200 "ok", 400
// "no_text" without text, 404 "no_service" for any other path.
func NewSlack(tb testing.TB) *Server {
	s := newServer(tb)
	s.mux.HandleFunc("POST /services/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != SlackPath {
			w.WriteHeader(404)
			io.WriteString(w, "no_service")
			return
		}
		rec := s.record(r)
		if rec.JSON == nil {
			w.WriteHeader(400)
			io.WriteString(w, "invalid_payload")
			return
		}
		if t, _ := rec.JSON["text"].(string); t == "" {
			w.WriteHeader(400)
			io.WriteString(w, "no_text")
			return
		}
		io.WriteString(w, "ok")
	})
	return s
}

// SlackWebhookURL is the webhook URL of the fake, as a user would save it.
func SlackWebhookURL() string { return "https://hooks.slack.com" + SlackPath }

// ---- GitHub (§11) ----

// NewGitHub fakes issue creation and repository webhooks for any repo:
// 401 "Bad credentials", 404 for repos named "private", 422 for a missing
// title, hooks with ids and 204 deletes.
func NewGitHub(tb testing.TB) *Server {
	s := newServer(tb)
	auth := func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("Authorization") != "Bearer "+GitHubToken {
			writeJSON(w, 401, map[string]any{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"})
			return false
		}
		if r.PathValue("repo") == "private" {
			writeJSON(w, 404, map[string]any{"message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"})
			return false
		}
		return true
	}
	var next int64 = 1
	s.mux.HandleFunc("POST /repos/{owner}/{repo}/issues", func(w http.ResponseWriter, r *http.Request) {
		if !auth(w, r) {
			return
		}
		rec := s.record(r)
		if t, _ := rec.JSON["title"].(string); t == "" {
			writeJSON(w, 422, map[string]any{"message": "Validation Failed", "status": "422",
				"errors": []any{map[string]any{"resource": "Issue", "code": "missing_field", "field": "title"}}})
			return
		}
		s.mu.Lock()
		n := next
		next++
		s.mu.Unlock()
		writeJSON(w, 201, map[string]any{"id": 1000 + n, "number": n, "state": "open", "title": rec.JSON["title"],
			"html_url": fmt.Sprintf("https://github.com/%s/%s/issues/%d", r.PathValue("owner"), r.PathValue("repo"), n)})
	})
	s.mux.HandleFunc("POST /repos/{owner}/{repo}/hooks", func(w http.ResponseWriter, r *http.Request) {
		if !auth(w, r) {
			return
		}
		rec := s.record(r)
		s.mu.Lock()
		n := next
		next++
		s.mu.Unlock()
		cfg, _ := rec.JSON["config"].(map[string]any)
		hook := map[string]any{"id": n, "name": "web", "active": true, "events": rec.JSON["events"],
			"config": map[string]any{"url": cfg["url"], "content_type": cfg["content_type"], "insecure_ssl": "0", "secret": "********"}}
		// The fake keeps the real secret so tests can sign deliveries.
		stored := map[string]any{"secret": cfg["secret"], "url": cfg["url"], "hook": hook}
		s.put(fmt.Sprintf("hook_%d", n), stored)
		writeJSON(w, 201, hook)
	})
	s.mux.HandleFunc("DELETE /repos/{owner}/{repo}/hooks/{id}", func(w http.ResponseWriter, r *http.Request) {
		if !auth(w, r) {
			return
		}
		s.record(r)
		if !s.remove("hook_" + r.PathValue("id")) {
			writeJSON(w, 404, map[string]any{"message": "Not Found", "status": "404"})
			return
		}
		w.WriteHeader(204)
	})
	return s
}

// ---- Mailgun (§15) ----

// NewMailgun fakes POST /v3/{domain}/messages with Basic api:<key>: 200
// {"id","message":"Queued. Thank you."}, 401 "Forbidden", 404 for an
// unknown domain, 400 {"message"} for a missing field.
func NewMailgun(tb testing.TB) *Server {
	s := newServer(tb)
	s.mux.HandleFunc("POST /v3/{domain}/messages", func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != "api" || p != MailgunKey {
			w.WriteHeader(401)
			io.WriteString(w, "Forbidden")
			return
		}
		if r.PathValue("domain") != MailgunDomain {
			writeJSON(w, 404, map[string]any{"message": "Domain not found: " + r.PathValue("domain")})
			return
		}
		rec := s.record(r)
		for _, f := range []string{"from", "to", "subject"} {
			if rec.Form.Get(f) == "" {
				writeJSON(w, 400, map[string]any{"message": "'" + f + "' parameter is missing"})
				return
			}
		}
		writeJSON(w, 200, map[string]any{"id": "<" + randID("", 8) + "@" + MailgunDomain + ">", "message": "Queued. Thank you."})
	})
	return s
}

// BasicAuth is a helper for tests that build requests by hand.
func BasicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}
