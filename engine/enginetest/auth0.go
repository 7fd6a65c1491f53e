package enginetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Auth0 is a stateful fake of the Auth0 token endpoint and Management API
// clients resource, following providers.md §2: PATCH replaces whole arrays,
// client_secret is returned on create and read (the token has
// read:client_keys), errors use {statusCode, error, message, errorCode}, and
// 429 with Retry-After can be injected.
type Auth0 struct {
	Server       *httptest.Server
	Domain       string
	ClientID     string
	ClientSecret string

	mu         sync.Mutex
	seq        int
	clients    map[string]map[string]any
	tokens     map[string]bool
	throttle   int // next n management calls get 429
	retryAfter string
	calls      []string
	// AfterChange, when set, runs after a request changed state and before
	// the answer is written (with the fake locked): a crash test kills the
	// client here, so the provider has acted but the client never hears.
	AfterChange func(n int)
	changes     int
}

// NewAuth0 starts the fake; Close it with t.Cleanup(f.Server.Close).
func NewAuth0() *Auth0 {
	f := &Auth0{Domain: "patchbay-test.us.auth0.com", ClientID: strings.Repeat("a", 32), ClientSecret: strings.Repeat("s", 40),
		clients: map[string]map[string]any{}, tokens: map[string]bool{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// Credentials returns credentials the fake accepts.
func (f *Auth0) Credentials() map[string]string {
	return map[string]string{"domain": f.Domain, "client_id": f.ClientID, "client_secret": f.ClientSecret}
}

// Throttle makes the next n Management API calls answer 429 with
// Retry-After: retryAfter seconds.
func (f *Auth0) Throttle(n int, retryAfter string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.throttle, f.retryAfter = n, retryAfter
}

// SetAfterChange installs the AfterChange hook.
func (f *Auth0) SetAfterChange(fn func(n int)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.AfterChange = fn
}

func (f *Auth0) changed() {
	f.changes++
	if f.AfterChange != nil {
		f.AfterChange(f.changes)
	}
}

// Clients returns a copy of every client by id.
func (f *Auth0) Clients() map[string]map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]map[string]any{}
	for id, c := range f.clients {
		cp := map[string]any{}
		for k, v := range c {
			cp[k] = v
		}
		out[id] = cp
	}
	return out
}

// Calls returns "METHOD path" of every request.
func (f *Auth0) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// Seed adds a client created outside Patchbay.
func (f *Auth0) Seed(name string, callbacks []string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	id := fmt.Sprintf("%032d", f.seq)
	f.clients[id] = map[string]any{"client_id": id, "name": name, "app_type": "regular_web", "callbacks": callbacks,
		"allowed_logout_urls": []string{}, "web_origins": []string{}, "allowed_origins": []string{}, "client_secret": "seeded-secret-" + id}
	return id
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func mgmtErr(w http.ResponseWriter, status int, errName, msg, code string) {
	body := map[string]any{"statusCode": status, "error": errName, "message": msg}
	if code != "" {
		body["errorCode"] = code
	}
	writeJSON(w, status, body)
}

var arrayFields = []string{"callbacks", "allowed_logout_urls", "web_origins", "allowed_origins"}

func (f *Auth0) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, r.Method+" "+r.URL.Path)
	if r.URL.Path == "/oauth/token" && r.Method == http.MethodPost {
		var in map[string]string
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in["grant_type"] == "" {
			writeJSON(w, 400, map[string]string{"error": "invalid_request", "error_description": "Missing required parameter: grant_type"})
			return
		}
		if in["client_id"] != f.ClientID || in["client_secret"] != f.ClientSecret {
			writeJSON(w, 401, map[string]string{"error": "access_denied", "error_description": "Unauthorized"})
			return
		}
		if in["audience"] != "https://"+f.Domain+"/api/v2/" {
			writeJSON(w, 403, map[string]string{"error": "access_denied", "error_description": "Service not found: " + in["audience"]})
			return
		}
		f.seq++
		tok := fmt.Sprintf("tok-%d", f.seq)
		f.tokens[tok] = true
		writeJSON(w, 200, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 86400,
			"scope": "read:clients create:clients update:clients delete:clients read:client_keys"})
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/api/v2/clients") {
		mgmtErr(w, 404, "Not Found", "Not Found", "")
		return
	}
	if !f.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")] {
		mgmtErr(w, 401, "Unauthorized", "Invalid token", "")
		return
	}
	if f.throttle > 0 {
		f.throttle--
		w.Header().Set("Retry-After", f.retryAfter)
		w.Header().Set("X-RateLimit-Remaining", "0")
		mgmtErr(w, 429, "Too Many Requests", "Global limit has been reached", "too_many_requests")
		return
	}
	rest := strings.Trim(strings.TrimPrefix(r.URL.Path, "/api/v2/clients"), "/")
	id, action, _ := strings.Cut(rest, "/")
	switch {
	case id == "" && r.Method == http.MethodGet:
		ids := make([]string, 0, len(f.clients))
		for id := range f.clients {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		if per <= 0 {
			per = 50
		}
		out := []map[string]any{}
		for i := page * per; i < len(ids) && i < (page+1)*per; i++ {
			c := f.clients[ids[i]]
			cp := map[string]any{}
			for k, v := range c {
				if k != "client_secret" {
					cp[k] = v
				}
			}
			out = append(out, cp)
		}
		writeJSON(w, 200, out)
	case id == "" && r.Method == http.MethodPost:
		var in map[string]any
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			mgmtErr(w, 400, "Bad Request", "Invalid request payload JSON format", "")
			return
		}
		if n, _ := in["name"].(string); n == "" {
			mgmtErr(w, 400, "Bad Request", "Payload validation error: 'Missing required property: name'.", "invalid_body")
			return
		}
		f.seq++
		id := fmt.Sprintf("%032d", f.seq)
		c := map[string]any{"client_id": id, "client_secret": fmt.Sprintf("secret-%d-%s", f.seq, strings.Repeat("x", 24))}
		for _, k := range arrayFields {
			c[k] = []any{}
		}
		for k, v := range in {
			c[k] = v
		}
		f.clients[id] = c
		f.changed()
		writeJSON(w, 201, c)
	case action == "rotate-secret" && r.Method == http.MethodPost:
		c, ok := f.clients[id]
		if !ok {
			mgmtErr(w, 404, "Not Found", "The client does not exist", "inexistent_client")
			return
		}
		f.seq++
		c["client_secret"] = fmt.Sprintf("rotated-%d-%s", f.seq, strings.Repeat("y", 24))
		f.changed()
		writeJSON(w, 200, c)
	case action == "" && r.Method == http.MethodGet:
		c, ok := f.clients[id]
		if !ok {
			mgmtErr(w, 404, "Not Found", "The client does not exist", "inexistent_client")
			return
		}
		writeJSON(w, 200, c)
	case action == "" && r.Method == http.MethodPatch:
		c, ok := f.clients[id]
		if !ok {
			mgmtErr(w, 404, "Not Found", "The client does not exist", "inexistent_client")
			return
		}
		var in map[string]any
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			mgmtErr(w, 400, "Bad Request", "Invalid request payload JSON format", "")
			return
		}
		if _, bad := in["client_id"]; bad {
			mgmtErr(w, 400, "Bad Request", "Payload validation error: 'Additional properties not allowed: client_id'.", "invalid_body")
			return
		}
		// Sent fields replace the stored ones wholesale, arrays included.
		for k, v := range in {
			c[k] = v
		}
		f.changed()
		writeJSON(w, 200, c)
	case action == "" && r.Method == http.MethodDelete:
		if _, ok := f.clients[id]; !ok {
			mgmtErr(w, 404, "Not Found", "The client does not exist", "inexistent_client")
			return
		}
		delete(f.clients, id)
		f.changed()
		w.WriteHeader(http.StatusNoContent)
	default:
		mgmtErr(w, 404, "Not Found", "Not Found", "")
	}
}

// StringList reads a []any JSON array field as strings.
func StringList(v any) []string {
	var out []string
	switch a := v.(type) {
	case []any:
		for _, x := range a {
			s, _ := x.(string)
			out = append(out, s)
		}
	case []string:
		out = append(out, a...)
	}
	sort.Strings(out)
	return out
}
