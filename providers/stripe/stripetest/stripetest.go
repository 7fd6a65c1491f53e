// Package stripetest is the in-repo fake of the Stripe API, following
// providers.md §1, for credential checks and provisioning alike: Bearer or
// Basic key auth with restricted-key permissions, the error envelope
// {"error":{type,code,message}} with a Request-Id header, GET /v1/account,
// stateful products and prices per account (catalog.go: prices cannot be
// deleted or have their amount changed, products with prices cannot be
// deleted, lookup keys are unique per account), and stateful webhook
// endpoints per account (form bodies with enabled_events[] among Stripe's
// event types (stripe.EventTypes), URLs Stripe can reach (no localhost, no
// private address), the whsec_ secret only in the create answer, at most
// 16 endpoints, Idempotency-Key
// replay and idempotency_error on reuse with other parameters). Faults are
// injected through the embedded providertest.Server.
package stripetest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/stripe"
)

// TestKey is a valid unrestricted test-mode key of the default account.
const TestKey = "sk_test_51PatchbayFakeKey0000000000"

// Account is the default account id.
const Account = "acct_1PatchbayFake"

// DefaultAPIVersion is the fake accounts' default API version. Stripe
// answers a request that has no Stripe-Version header in the account's
// default version, which the account owner sets and upgrades in Workbench,
// and one that has the header in the version it names
// (https://docs.stripe.com/api/versioning, https://docs.stripe.com/api-versions).
// It is older than stripe.APIVersion, so that a request that does not pin
// its version shows in APIVersions.
const DefaultAPIVersion = "2024-06-20"

// MaxWebhookEndpoints is Stripe's limit per account.
const MaxWebhookEndpoints = 16

// APIVersion is the version Stripe answers req in: its Stripe-Version
// header, else the account default.
func APIVersion(req providertest.Request) string {
	if v := req.Header.Get("Stripe-Version"); v != "" {
		return v
	}
	return DefaultAPIVersion
}

// APIVersions records, for each request received so far, "METHOD PATH
// VERSION" with the version it was answered in (APIVersion).
func (s *Server) APIVersions() []string {
	var out []string
	for _, r := range s.Requests() {
		out = append(out, r.Method+" "+r.Path+" "+APIVersion(r))
	}
	return out
}

// Key describes a key the fake accepts.
type Key struct {
	Account string
	Expired bool
	// Restricted keys may only use the listed rak_ permissions; a _write
	// permission includes the matching _read one.
	Restricted bool
	Perms      []string
}

// Endpoint is a webhook endpoint as Stripe shows it (never with its secret).
type Endpoint struct {
	ID            string
	URL           string
	EnabledEvents []string
	Description   string
	Metadata      map[string]string
	APIVersion    string
	Connect       bool
	Disabled      bool
	Created       int64
	Livemode      bool
}

type account struct {
	endpoints map[string]*Endpoint
	order     []string // ids, oldest first
	secrets   map[string]string
	idem      map[string]stored
	catalog   catalog
	customers map[string]*Customer
}

// stored is the answer remembered for an Idempotency-Key.
type stored struct {
	request string
	status  int
	header  http.Header
	body    []byte
}

// Server is the fake.
type Server struct {
	*providertest.Server

	mu       sync.Mutex
	keys     map[string]Key
	accounts map[string]*account
	seq      int
}

// New starts a fake with TestKey registered; it stops when tb cleans up.
func New(tb providertest.T) *Server {
	tb.Helper()
	s := &Server{keys: map[string]Key{TestKey: {Account: Account}}, accounts: map[string]*account{}}
	s.Server = providertest.New(tb, writeFault)
	s.Handle("GET /v1/account", func(w http.ResponseWriter, r *http.Request) {
		k, ok := s.Auth(w, r, "rak_account_read")
		if !ok {
			return
		}
		providertest.WriteJSON(w, http.StatusOK, map[string]any{"id": k.Account, "object": "account", "charges_enabled": true, "country": "US"})
	})
	s.handleCatalog()
	s.Handle("GET /v1/webhook_endpoints", s.accountRoute("rak_webhook_read", listEndpoints))
	s.Handle("POST /v1/webhook_endpoints", s.accountRoute("rak_webhook_write", s.idempotent(s.createEndpoint)))
	s.Handle("GET /v1/webhook_endpoints/{id}", s.accountRoute("rak_webhook_read", getEndpoint))
	s.Handle("POST /v1/webhook_endpoints/{id}", s.accountRoute("rak_webhook_write", s.idempotent(s.updateEndpoint)))
	s.Handle("DELETE /v1/webhook_endpoints/{id}", s.accountRoute("rak_webhook_write", s.deleteEndpoint))
	s.Handle("GET /v1/customers", s.accountRoute("rak_customer_read", listCustomers))
	s.Handle("POST /v1/customers", s.accountRoute("rak_customer_write", s.idempotent(s.createCustomer)))
	s.Handle("/", func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, http.StatusNotFound, "invalid_request_error", "", fmt.Sprintf("Unrecognized request URL (%s: %s).", r.Method, r.URL.Path))
	})
	return s
}

// Credentials returns form values for TestKey.
func (s *Server) Credentials() map[string]string { return map[string]string{"secret_key": TestKey} }

// AddKey registers (or replaces) a key.
func (s *Server) AddKey(key string, k Key) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k.Account == "" {
		k.Account = Account
	}
	s.keys[key] = k
}

// Endpoints returns the default account's webhook endpoints by id.
func (s *Server) Endpoints() map[string]Endpoint {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]Endpoint{}
	for id, e := range s.account(Account).endpoints {
		out[id] = e.clone()
	}
	return out
}

// EndpointURLs lists the default account's endpoint URLs, sorted.
func (s *Server) EndpointURLs() []string {
	var out []string
	for _, e := range s.Endpoints() {
		out = append(out, e.URL)
	}
	sort.Strings(out)
	return out
}

// Secret returns the signing secret issued for an endpoint of the default
// account.
func (s *Server) Secret(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.account(Account).secrets[id]
}

// Seed adds an endpoint of the default account created outside Patchbay
// and returns its id.
func (s *Server) Seed(u string, events []string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := &Endpoint{URL: u, EnabledEvents: slices.Clone(events), Metadata: map[string]string{}}
	s.insert(s.account(Account), e)
	return e.ID
}

func (e *Endpoint) clone() Endpoint {
	c := *e
	c.EnabledEvents = slices.Clone(e.EnabledEvents)
	c.Metadata = make(map[string]string, len(e.Metadata))
	for k, v := range e.Metadata {
		c.Metadata[k] = v
	}
	return c
}

func (e *Endpoint) object() map[string]any {
	var version any
	if e.APIVersion != "" {
		version = e.APIVersion
	}
	status := "enabled"
	if e.Disabled {
		status = "disabled"
	}
	return map[string]any{"id": e.ID, "object": "webhook_endpoint", "url": e.URL, "enabled_events": e.EnabledEvents,
		"description": e.Description, "metadata": e.Metadata, "api_version": version, "application": nil,
		"status": status, "livemode": e.Livemode, "created": e.Created}
}

// account returns an account's state, creating it on first use. Callers
// hold s.mu.
func (s *Server) account(id string) *account {
	a := s.accounts[id]
	if a == nil {
		a = &account{endpoints: map[string]*Endpoint{}, secrets: map[string]string{}, idem: map[string]stored{}}
		s.accounts[id] = a
	}
	return a
}

func (s *Server) insert(a *account, e *Endpoint) string {
	s.seq++
	e.ID = fmt.Sprintf("we_1Fake%08d", s.seq)
	e.Created = time.Now().Unix()
	var b [24]byte
	_, _ = rand.Read(b[:])
	secret := "whsec_" + hex.EncodeToString(b[:])
	a.endpoints[e.ID] = e
	a.order = append(a.order, e.ID)
	a.secrets[e.ID] = secret
	return secret
}

// Auth checks the request's key and that it holds perm (for restricted
// keys), writing Stripe's error when not. Route handlers added by other
// packages use it too.
func (s *Server) Auth(w http.ResponseWriter, r *http.Request, perm string) (Key, bool) {
	w.Header().Set("Request-Id", requestID())
	key := bearerOrBasic(r)
	s.mu.Lock()
	k, ok := s.keys[key]
	s.mu.Unlock()
	switch {
	case key == "":
		WriteError(w, http.StatusUnauthorized, "invalid_request_error", "", "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').")
		return k, false
	case !ok:
		WriteError(w, http.StatusUnauthorized, "invalid_request_error", "", "Invalid API Key provided: "+maskKey(key))
		return k, false
	case k.Expired:
		WriteError(w, http.StatusUnauthorized, "invalid_request_error", "api_key_expired", "Expired API Key provided: "+maskKey(key))
		return k, false
	case k.Restricted && !allows(k.Perms, perm):
		WriteError(w, http.StatusForbidden, "invalid_request_error", "", fmt.Sprintf(
			"The provided key '%s' does not have the required permissions for this endpoint on account '%s'. Having the '%s' permission would allow this request to continue.",
			maskKey(key), k.Account, perm))
		return k, false
	}
	return k, true
}

// allows reports whether perms grant need; write includes read.
func allows(perms []string, need string) bool {
	if slices.Contains(perms, need) {
		return true
	}
	if base, ok := strings.CutSuffix(need, "_read"); ok {
		return slices.Contains(perms, base+"_write")
	}
	return false
}

func requestID() string {
	var b [7]byte
	_, _ = rand.Read(b[:])
	return "req_" + hex.EncodeToString(b[:])
}

// WriteError writes Stripe's error envelope.
func WriteError(w http.ResponseWriter, status int, typ, code, msg string) {
	e := map[string]any{"type": typ, "message": msg}
	if code != "" {
		e["code"] = code
	}
	if w.Header().Get("Request-Id") == "" {
		w.Header().Set("Request-Id", requestID())
	}
	providertest.WriteJSON(w, status, map[string]any{"error": e})
}

type accountHandler func(w http.ResponseWriter, r *http.Request, a *account)

// accountRoute checks the key holds perm, then runs h on the key's account
// with the fake locked.
func (s *Server) accountRoute(perm string, h accountHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		k, ok := s.Auth(w, r, perm)
		if !ok {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		h(w, r, s.account(k.Account))
	}
}

// idempotent wraps a POST handler with Stripe's Idempotency-Key handling:
// the first answer (errors included, short of server errors) is stored per
// account and key and replayed for the same request, and the key reused
// with other parameters is an idempotency_error. It runs locked (see
// accountRoute), so concurrent retries see one result.
func (s *Server) idempotent(h accountHandler) accountHandler {
	return func(w http.ResponseWriter, r *http.Request, a *account) {
		if err := r.ParseForm(); err != nil {
			WriteError(w, http.StatusBadRequest, "invalid_request_error", "", "Invalid request body: "+err.Error())
			return
		}
		key := r.Header.Get("Idempotency-Key")
		if key == "" {
			h(w, r, a)
			return
		}
		if len(key) > 255 {
			WriteError(w, http.StatusBadRequest, "invalid_request_error", "", "Idempotency-Key is too long: it may be at most 255 characters.")
			return
		}
		w.Header().Set("Idempotency-Key", key)
		request := r.URL.Path + "?" + r.PostForm.Encode()
		if prev, ok := a.idem[key]; ok {
			if prev.request != request {
				WriteError(w, http.StatusBadRequest, "idempotency_error", "",
					"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '"+key+"' if you meant to execute a different request.")
				return
			}
			for name, v := range prev.header {
				w.Header()[name] = v
			}
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(prev.status)
			_, _ = w.Write(prev.body)
			return
		}
		rec := httptest.NewRecorder()
		h(rec, r, a)
		if rec.Code < 500 {
			a.idem[key] = stored{request: request, status: rec.Code, header: rec.Header().Clone(), body: rec.Body.Bytes()}
		}
		for name, v := range rec.Header() {
			w.Header()[name] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}
}

// params are the writable webhook-endpoint parameters of a form.
type params struct {
	url, description, apiVersion *string
	connect, disabled            *bool
	events                       []string
	metadata                     map[string]string
}

// readParams parses the form, allowing the names in allowed; it writes the
// error and returns false for anything else.
func readParams(w http.ResponseWriter, form url.Values, allowed ...string) (params, bool) {
	p := params{metadata: map[string]string{}}
	names := make([]string, 0, len(form))
	for k := range form {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := form.Get(k)
		name := k
		if strings.HasPrefix(k, "metadata[") && strings.HasSuffix(k, "]") {
			name = "metadata"
		}
		if !slices.Contains(allowed, name) {
			WriteError(w, http.StatusBadRequest, "invalid_request_error", "parameter_unknown", "Received unknown parameter: "+k)
			return p, false
		}
		switch name {
		case "url":
			p.url = &v
		case "description":
			p.description = &v
		case "api_version":
			p.apiVersion = &v
		case "enabled_events[]":
			p.events = form[k]
		case "metadata":
			p.metadata[strings.TrimSuffix(strings.TrimPrefix(k, "metadata["), "]")] = v
		case "connect", "disabled":
			b, err := strconv.ParseBool(v)
			if err != nil {
				WriteError(w, http.StatusBadRequest, "invalid_request_error", "parameter_invalid_boolean", "Invalid boolean: "+v)
				return p, false
			}
			if name == "connect" {
				p.connect = &b
			} else {
				p.disabled = &b
			}
		}
	}
	if p.url != nil {
		u, err := url.Parse(*p.url)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			WriteError(w, http.StatusBadRequest, "invalid_request_error", "url_invalid", "Invalid URL: "+*p.url)
			return p, false
		}
		if !publiclyAccessible(u.Hostname()) {
			WriteError(w, http.StatusBadRequest, "invalid_request_error", "url_invalid", NotPublicMessage)
			return p, false
		}
	}
	for i, e := range p.events {
		if !slices.Contains(stripe.EventTypes, e) {
			// A value outside an enum is a 400 invalid_request_error
			// naming the parameter, without a code; the wording is the
			// fake's.
			WriteError(w, http.StatusBadRequest, "invalid_request_error", "",
				fmt.Sprintf("Invalid enabled_events[%d]: %q is not an event type Stripe has (https://docs.stripe.com/api/events/types)", i, e))
			return p, false
		}
	}
	return p, true
}

// NotPublicMessage is Stripe's refusal of a webhook endpoint URL it cannot
// reach. The endpoint "must be a publicly accessible HTTPS URL"
// (https://docs.stripe.com/webhooks, "Set up your endpoint"); Stripe
// refuses a loopback or private address on create and update with this
// message (code url_invalid, https://docs.stripe.com/error-codes#url-invalid).
const NotPublicMessage = "Invalid URL: URL must be publicly accessible. Consider using a tool like the Stripe CLI to test webhooks locally: https://github.com/stripe/stripe-cli"

// publiclyAccessible is false for the hosts no one outside the machine or
// its network can reach: localhost names and loopback, private,
// link-local, shared (100.64.0.0/10) and unspecified addresses. Other names
// are taken without resolving them (the fake has no DNS of its own).
func publiclyAccessible(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return false
	}
	ip, err := netip.ParseAddr(h)
	if err != nil {
		return true
	}
	ip = ip.Unmap()
	return !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() || ip.IsMulticast() ||
		netip.MustParsePrefix("100.64.0.0/10").Contains(ip))
}

func (s *Server) createEndpoint(w http.ResponseWriter, r *http.Request, a *account) {
	p, ok := readParams(w, r.PostForm, "url", "enabled_events[]", "description", "metadata", "api_version", "connect")
	if !ok {
		return
	}
	switch {
	case p.url == nil:
		WriteError(w, http.StatusBadRequest, "invalid_request_error", "parameter_missing", "Missing required param: url.")
		return
	case len(p.events) == 0:
		WriteError(w, http.StatusBadRequest, "invalid_request_error", "parameter_missing", "Missing required param: enabled_events.")
		return
	case len(a.endpoints) >= MaxWebhookEndpoints:
		WriteError(w, http.StatusBadRequest, "invalid_request_error", "",
			fmt.Sprintf("You have reached the maximum of %d test webhook endpoints.", MaxWebhookEndpoints))
		return
	}
	e := &Endpoint{URL: *p.url, EnabledEvents: p.events, Metadata: map[string]string{}, Livemode: strings.Contains(bearerOrBasic(r), "_live_")}
	if p.description != nil {
		e.Description = *p.description
	}
	if p.apiVersion != nil {
		e.APIVersion = *p.apiVersion
	}
	if p.connect != nil {
		e.Connect = *p.connect
	}
	mergeMetadata(e.Metadata, p.metadata)
	secret := s.insert(a, e)
	s.Changed()
	out := e.object()
	out["secret"] = secret // only here, never again
	providertest.WriteJSON(w, http.StatusOK, out)
}

// mergeMetadata follows Stripe: keys are merged, an empty value removes one.
func mergeMetadata(dst, src map[string]string) {
	for k, v := range src {
		if v == "" {
			delete(dst, k)
		} else {
			dst[k] = v
		}
	}
}

func (s *Server) updateEndpoint(w http.ResponseWriter, r *http.Request, a *account) {
	e, ok := findEndpoint(w, r, a)
	if !ok {
		return
	}
	// api_version and connect are fixed at creation.
	p, ok := readParams(w, r.PostForm, "url", "enabled_events[]", "description", "metadata", "disabled")
	if !ok {
		return
	}
	if p.url != nil {
		e.URL = *p.url
	}
	if len(p.events) > 0 {
		e.EnabledEvents = p.events
	}
	if p.description != nil {
		e.Description = *p.description
	}
	if p.disabled != nil {
		e.Disabled = *p.disabled
	}
	mergeMetadata(e.Metadata, p.metadata)
	s.Changed()
	providertest.WriteJSON(w, http.StatusOK, e.object())
}

func findEndpoint(w http.ResponseWriter, r *http.Request, a *account) (*Endpoint, bool) {
	id := r.PathValue("id")
	e, ok := a.endpoints[id]
	if !ok {
		WriteError(w, http.StatusNotFound, "invalid_request_error", "resource_missing", "No such webhook endpoint: '"+id+"'")
	}
	return e, ok
}

func getEndpoint(w http.ResponseWriter, r *http.Request, a *account) {
	if e, ok := findEndpoint(w, r, a); ok {
		providertest.WriteJSON(w, http.StatusOK, e.object())
	}
}

func (s *Server) deleteEndpoint(w http.ResponseWriter, r *http.Request, a *account) {
	e, ok := findEndpoint(w, r, a)
	if !ok {
		return
	}
	delete(a.endpoints, e.ID)
	a.order = slices.DeleteFunc(a.order, func(id string) bool { return id == e.ID })
	s.Changed()
	providertest.WriteJSON(w, http.StatusOK, map[string]any{"id": e.ID, "object": "webhook_endpoint", "deleted": true})
}

// listEndpoints pages newest first, as Stripe lists, with limit (1-100,
// default 10) and starting_after.
func listEndpoints(w http.ResponseWriter, r *http.Request, a *account) {
	q := r.URL.Query()
	limit := 10
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			WriteError(w, http.StatusBadRequest, "invalid_request_error", "parameter_invalid_integer", "Invalid integer: "+v+" (limit must be between 1 and 100)")
			return
		}
		limit = n
	}
	ids := slices.Clone(a.order)
	slices.Reverse(ids)
	if after := q.Get("starting_after"); after != "" {
		i := slices.Index(ids, after)
		if i < 0 {
			WriteError(w, http.StatusBadRequest, "invalid_request_error", "resource_missing", "No such webhook endpoint: '"+after+"'")
			return
		}
		ids = ids[i+1:]
	}
	data := []map[string]any{}
	for _, id := range ids[:min(limit, len(ids))] {
		data = append(data, a.endpoints[id].object())
	}
	providertest.WriteJSON(w, http.StatusOK, map[string]any{"object": "list", "url": "/v1/webhook_endpoints", "has_more": len(ids) > limit, "data": data})
}

func writeFault(w http.ResponseWriter, _ *http.Request, f providertest.Fault) {
	switch f.Kind {
	case providertest.Unauthorized:
		WriteError(w, http.StatusUnauthorized, "invalid_request_error", "", "Invalid API Key provided: sk_test_****0000")
	case providertest.Expired:
		WriteError(w, http.StatusUnauthorized, "invalid_request_error", "api_key_expired", "Expired API Key provided: sk_test_****0000")
	case providertest.Forbidden:
		WriteError(w, http.StatusForbidden, "invalid_request_error", "", "The provided key 'rk_test_***0000' does not have the required permissions for this endpoint on account '"+Account+"'. Having the 'rak_webhook_read' permission would allow this request to continue.")
	case providertest.RateLimited:
		// Stripe sends no Retry-After of its own (the base adds one only
		// when the fault asks for it) but says whether to retry.
		w.Header().Set("Stripe-Should-Retry", "true")
		WriteError(w, http.StatusTooManyRequests, "invalid_request_error", "rate_limit", "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.")
	default:
		w.Header().Set("Stripe-Should-Retry", "true")
		WriteError(w, http.StatusInternalServerError, "api_error", "", "An unknown error occurred.")
	}
}

func bearerOrBasic(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if t, ok := strings.CutPrefix(h, "Bearer "); ok {
		return t
	}
	if b, ok := strings.CutPrefix(h, "Basic "); ok {
		raw, err := base64.StdEncoding.DecodeString(b)
		if err == nil {
			user, _, _ := strings.Cut(string(raw), ":")
			return user
		}
	}
	return ""
}

func maskKey(k string) string {
	i := strings.LastIndex(k, "_")
	if i < 0 || len(k) < 4 {
		return "****"
	}
	return k[:i+1] + "****" + k[len(k)-4:]
}
