package enginetest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Stripe is a stateful fake of Stripe's webhook endpoints following
// providers.md §1: form-encoded bodies with enabled_events[], the whsec_
// secret only in the create answer, at most 16 endpoints, Idempotency-Key
// replay (same key, other parameters: idempotency_error), the
// {"error":{type,code,message}} envelope, and no Retry-After on 429.
type Stripe struct {
	Server *httptest.Server
	Key    string

	mu        sync.Mutex
	seq       int
	endpoints map[string]map[string]any
	order     []string
	secrets   map[string]string
	idem      map[string]idemEntry
	throttle  int
	calls     []string
	// AfterChange, when set, runs after a request changed state and before
	// the answer is written (with the fake locked): a crash test kills the
	// client here, so the provider has acted but the client never hears.
	AfterChange func(n int)
	changes     int
}

type idemEntry struct {
	params string
	status int
	body   []byte
}

// NewStripe starts the fake.
func NewStripe() *Stripe {
	f := &Stripe{Key: "sk_test_patchbayfake", endpoints: map[string]map[string]any{}, secrets: map[string]string{}, idem: map[string]idemEntry{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// Credentials returns credentials the fake accepts.
func (f *Stripe) Credentials() map[string]string { return map[string]string{"secret_key": f.Key} }

// Throttle makes the next n calls answer 429 rate_limit.
func (f *Stripe) Throttle(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.throttle = n
}

// Endpoints returns the endpoints by id (without secrets).
func (f *Stripe) Endpoints() map[string]map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]map[string]any{}
	for id, e := range f.endpoints {
		out[id] = e
	}
	return out
}

// Secret returns the signing secret issued for an endpoint.
func (f *Stripe) Secret(id string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.secrets[id]
}

// Calls returns "METHOD path" of every request.
func (f *Stripe) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// Seed adds an endpoint created outside Patchbay.
func (f *Stripe) Seed(u string, events []string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	ep, _ := f.create(u, events, "", nil)
	return ep["id"].(string)
}

func stripeErr(w http.ResponseWriter, status int, typ, code, msg string) {
	e := map[string]any{"type": typ, "message": msg}
	if code != "" {
		e["code"] = code
	}
	writeJSON(w, status, map[string]any{"error": e})
}

func (f *Stripe) create(u string, events []string, desc string, meta map[string]string) (map[string]any, string) {
	f.seq++
	id := fmt.Sprintf("we_%04d", f.seq)
	var b [16]byte
	_, _ = rand.Read(b[:])
	secret := "whsec_" + hex.EncodeToString(b[:])
	if meta == nil {
		meta = map[string]string{}
	}
	ep := map[string]any{"id": id, "object": "webhook_endpoint", "url": u, "enabled_events": events, "description": desc,
		"metadata": meta, "status": "enabled", "livemode": false}
	f.endpoints[id] = ep
	f.order = append(f.order, id)
	f.secrets[id] = secret
	return ep, secret
}

func formParams(form url.Values) (u string, events []string, desc string, meta map[string]string, unknown string) {
	meta = map[string]string{}
	for k, vs := range form {
		switch {
		case k == "url":
			u = vs[0]
		case k == "enabled_events[]":
			events = append(events, vs...)
		case k == "description":
			desc = vs[0]
		case strings.HasPrefix(k, "metadata[") && strings.HasSuffix(k, "]"):
			meta[strings.TrimSuffix(strings.TrimPrefix(k, "metadata["), "]")] = vs[0]
		default:
			unknown = k
		}
	}
	return
}

func (f *Stripe) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, r.Method+" "+r.URL.Path)
	w.Header().Set("Request-Id", fmt.Sprintf("req_%d", len(f.calls)))
	if r.Header.Get("Authorization") != "Bearer "+f.Key {
		stripeErr(w, 401, "invalid_request_error", "", "Invalid API Key provided: sk_test_****")
		return
	}
	if f.throttle > 0 {
		f.throttle--
		stripeErr(w, 429, "invalid_request_error", "rate_limit", "Request rate limit exceeded.")
		return
	}
	if err := r.ParseForm(); err != nil {
		stripeErr(w, 400, "invalid_request_error", "", "Invalid form body")
		return
	}
	key := r.Header.Get("Idempotency-Key")
	if key != "" && r.Method == http.MethodPost {
		w.Header().Set("Idempotency-Key", key)
		if prev, ok := f.idem[key]; ok {
			if prev.params != r.URL.Path+"?"+r.PostForm.Encode() {
				stripeErr(w, 400, "idempotency_error", "", "Keys for idempotent requests can only be used with the same parameters they were first used with.")
				return
			}
			w.Header().Set("Idempotent-Replayed", "true")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(prev.status)
			_, _ = w.Write(prev.body)
			return
		}
	}
	rec := httptest.NewRecorder()
	f.route(rec, r)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	if key != "" && r.Method == http.MethodPost && rec.Code < 500 {
		f.idem[key] = idemEntry{params: r.URL.Path + "?" + r.PostForm.Encode(), status: rec.Code, body: rec.Body.Bytes()}
	}
	if rec.Code < 300 && r.Method != http.MethodGet {
		f.changes++
		if f.AfterChange != nil {
			f.AfterChange(f.changes)
		}
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// SetAfterChange installs the AfterChange hook.
func (f *Stripe) SetAfterChange(fn func(n int)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.AfterChange = fn
}

func (f *Stripe) route(w http.ResponseWriter, r *http.Request) {
	rest := strings.Trim(strings.TrimPrefix(r.URL.Path, "/v1/webhook_endpoints"), "/")
	if !strings.HasPrefix(r.URL.Path, "/v1/webhook_endpoints") {
		stripeErr(w, 404, "invalid_request_error", "", fmt.Sprintf("Unrecognized request URL (%s: %s).", r.Method, r.URL.Path))
		return
	}
	switch {
	case rest == "" && r.Method == http.MethodPost:
		u, events, desc, meta, unknown := formParams(r.PostForm)
		if unknown != "" {
			stripeErr(w, 400, "invalid_request_error", "parameter_unknown", "Received unknown parameter: "+unknown)
			return
		}
		if u == "" || len(events) == 0 {
			stripeErr(w, 400, "invalid_request_error", "parameter_missing", "Missing required param: url and enabled_events.")
			return
		}
		if len(f.endpoints) >= 16 {
			stripeErr(w, 400, "invalid_request_error", "", "You have reached the maximum of 16 test webhook endpoints.")
			return
		}
		ep, secret := f.create(u, events, desc, meta)
		out := map[string]any{}
		for k, v := range ep {
			out[k] = v
		}
		out["secret"] = secret
		writeJSON(w, 200, out)
	case rest == "" && r.Method == http.MethodGet:
		ids := slices.Clone(f.order)
		slices.Reverse(ids) // newest first, as Stripe lists
		after := r.URL.Query().Get("starting_after")
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		if limit <= 0 || limit > 100 {
			limit = 10
		}
		started := after == ""
		data := []map[string]any{}
		more := false
		for _, id := range ids {
			if !started {
				started = id == after
				continue
			}
			if len(data) == limit {
				more = true
				break
			}
			data = append(data, f.endpoints[id])
		}
		writeJSON(w, 200, map[string]any{"object": "list", "url": "/v1/webhook_endpoints", "has_more": more, "data": data})
	case rest != "":
		ep, ok := f.endpoints[rest]
		if !ok {
			stripeErr(w, 404, "invalid_request_error", "resource_missing", "No such webhook endpoint: '"+rest+"'")
			return
		}
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, 200, ep)
		case http.MethodPost:
			u, events, desc, meta, unknown := formParams(r.PostForm)
			if unknown != "" {
				stripeErr(w, 400, "invalid_request_error", "parameter_unknown", "Received unknown parameter: "+unknown)
				return
			}
			if u != "" {
				ep["url"] = u
			}
			if len(events) > 0 {
				ep["enabled_events"] = events
			}
			if _, ok := r.PostForm["description"]; ok {
				ep["description"] = desc
			}
			m := ep["metadata"].(map[string]string)
			for k, v := range meta {
				m[k] = v
			}
			writeJSON(w, 200, ep)
		case http.MethodDelete:
			delete(f.endpoints, rest)
			f.order = slices.DeleteFunc(f.order, func(s string) bool { return s == rest })
			writeJSON(w, 200, map[string]any{"id": rest, "object": "webhook_endpoint", "deleted": true})
		default:
			stripeErr(w, 404, "invalid_request_error", "", fmt.Sprintf("Unrecognized request URL (%s: %s).", r.Method, r.URL.Path))
		}
	default:
		stripeErr(w, 404, "invalid_request_error", "", fmt.Sprintf("Unrecognized request URL (%s: %s).", r.Method, r.URL.Path))
	}
}

// EndpointURLs lists every endpoint URL, sorted.
func (f *Stripe) EndpointURLs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, e := range f.endpoints {
		out = append(out, e["url"].(string))
	}
	sort.Strings(out)
	return out
}
