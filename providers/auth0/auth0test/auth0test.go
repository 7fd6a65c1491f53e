// Package auth0test is the in-repo fake of an Auth0 tenant, following
// providers.md §2, for credential checks and provisioning alike:
// client-credentials tokens at /oauth/token (JSON, form or HTTP Basic) with
// the token-endpoint error shapes, JWT access tokens carrying "scope", and
// the Management API clients resource with scope checks, the envelope
// {"statusCode","error","message","errorCode"}, rate-limit headers, PATCH
// replacing whole arrays and client_secret shown only to tokens holding
// read:client_keys. Faults are injected through the embedded
// providertest.Server.
package auth0test

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// The fake tenant and its Patchbay (machine-to-machine) application.
const (
	Domain       = "patchbay-dev.us.auth0.com"
	ClientID     = "PatchbayFakeClientId000000000000"
	ClientSecret = "patchbayFakeClientSecret_0000000000000000000000"
)

// AllScopes are granted to ClientID: the Management API scopes of the
// clients endpoints (https://auth0.com/docs/api/management/v2/clients),
// which is what an application authorized for exactly Patchbay's calls
// holds. Tokens carry the granted scopes in the "scope" claim and the
// token answer's "scope" field
// (https://auth0.com/docs/secure/tokens/access-tokens/management-api-access-tokens/get-management-api-access-tokens-for-production).
var AllScopes = []string{
	"read:clients", "create:clients", "update:clients", "delete:clients", "read:client_keys", "update:client_keys",
}

// Client is an application registered as credentials for the Management
// API (see AddClient).
type Client struct {
	Secret string
	// Scopes granted for the Management API; nil means no client grant.
	Scopes []string
	// NoClientCredentials makes the grant type unavailable (SPA apps).
	NoClientCredentials bool
}

// App is an application as the Management API shows it.
type App struct {
	ClientID                string            `json:"client_id"`
	Name                    string            `json:"name"`
	Description             string            `json:"description,omitempty"`
	AppType                 string            `json:"app_type,omitempty"`
	Callbacks               []string          `json:"callbacks"`
	AllowedLogoutURLs       []string          `json:"allowed_logout_urls"`
	WebOrigins              []string          `json:"web_origins"`
	AllowedOrigins          []string          `json:"allowed_origins"`
	GrantTypes              []string          `json:"grant_types"`
	TokenEndpointAuthMethod string            `json:"token_endpoint_auth_method"`
	OIDCConformant          bool              `json:"oidc_conformant"`
	ClientMetadata          map[string]string `json:"client_metadata"`
	ClientSecret            string            `json:"client_secret,omitempty"`
}

type app struct {
	App
	// grant is the client grant for the Management API (nil: none).
	grant []string
	// credential apps are the fake's own (New, AddClient), left out of Apps.
	credential bool
}

type token struct {
	scopes  []string
	expires time.Time
}

// Server is the fake tenant.
type Server struct {
	*providertest.Server

	mu     sync.Mutex
	apps   map[string]*app
	order  []string // client ids, oldest first, as the list pages them
	tokens map[string]token
}

// New starts the fake with ClientID registered; it stops when tb cleans up.
func New(tb providertest.T) *Server {
	tb.Helper()
	s := &Server{apps: map[string]*app{}, tokens: map[string]token{}}
	s.Server = providertest.New(tb, writeFault)
	s.add(ClientID, "Patchbay", Client{Secret: ClientSecret, Scopes: AllScopes})
	s.Handle("POST /oauth/token", s.token)
	s.Handle("GET /api/v2/clients", s.mgmt("read:clients", s.list))
	s.Handle("POST /api/v2/clients", s.mgmt("create:clients", s.create))
	s.Handle("GET /api/v2/clients/{id}", s.mgmt("read:clients", s.get))
	s.Handle("PATCH /api/v2/clients/{id}", s.mgmt("update:clients", s.update))
	s.Handle("DELETE /api/v2/clients/{id}", s.mgmt("delete:clients", s.delete))
	s.Handle("POST /api/v2/clients/{id}/rotate-secret", s.mgmt("update:client_keys", s.rotate))
	s.Handle("/", func(w http.ResponseWriter, r *http.Request) { MgmtError(w, http.StatusNotFound, "Not Found", "") })
	return s
}

// Credentials returns form values for ClientID.
func (s *Server) Credentials() map[string]string {
	return map[string]string{"domain": Domain, "client_id": ClientID, "client_secret": ClientSecret}
}

// AddClient registers (or replaces) a credential application.
func (s *Server) AddClient(id string, c Client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.add(id, id, c)
}

func (s *Server) add(id, name string, c Client) {
	grants := []string{"client_credentials"}
	typ := "non_interactive"
	if c.NoClientCredentials {
		grants, typ = []string{"authorization_code", "implicit", "refresh_token"}, "spa"
	}
	if _, ok := s.apps[id]; !ok {
		s.order = append(s.order, id)
	}
	s.apps[id] = &app{App: App{ClientID: id, Name: name, AppType: typ, Callbacks: []string{}, AllowedLogoutURLs: []string{},
		WebOrigins: []string{}, AllowedOrigins: []string{}, GrantTypes: grants, TokenEndpointAuthMethod: "client_secret_post",
		OIDCConformant: true, ClientMetadata: map[string]string{}, ClientSecret: c.Secret},
		grant: slices.Clone(c.Scopes), credential: true}
}

// Seed adds a regular web application created outside Patchbay and returns
// its client id.
func (s *Server) Seed(name string, callbacks []string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := newApp(name, "regular_web")
	a.Callbacks = slices.Clone(callbacks)
	s.insert(a)
	return a.ClientID
}

// Apps returns the tenant's applications by client id, secrets included,
// leaving out the credential applications (New, AddClient): what the code
// under test created, and what Seed added.
func (s *Server) Apps() map[string]App {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]App{}
	for id, a := range s.apps {
		if !a.credential {
			out[id] = a.clone()
		}
	}
	return out
}

// ExpireTokens makes every access token issued so far expired, as if a day
// had passed.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, t := range s.tokens {
		t.expires = time.Now().Add(-time.Second)
		s.tokens[k] = t
	}
}

func (a *app) clone() App {
	c := a.App
	for _, l := range []*[]string{&c.Callbacks, &c.AllowedLogoutURLs, &c.WebOrigins, &c.AllowedOrigins, &c.GrantTypes} {
		*l = slices.Clone(*l)
	}
	c.ClientMetadata = make(map[string]string, len(a.ClientMetadata))
	for k, v := range a.ClientMetadata {
		c.ClientMetadata[k] = v
	}
	return c
}

func newApp(name, typ string) *app {
	auth := "client_secret_post"
	if typ == "spa" || typ == "native" {
		auth = "none"
	}
	return &app{App: App{ClientID: randomString(32), Name: name, AppType: typ, Callbacks: []string{}, AllowedLogoutURLs: []string{},
		WebOrigins: []string{}, AllowedOrigins: []string{}, GrantTypes: []string{"authorization_code", "implicit", "refresh_token", "client_credentials"},
		TokenEndpointAuthMethod: auth, OIDCConformant: true, ClientMetadata: map[string]string{}, ClientSecret: randomString(64)}}
}

func (s *Server) insert(a *app) {
	s.apps[a.ClientID] = a
	s.order = append(s.order, a.ClientID)
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func randomString(n int) string {
	b := make([]byte, n)
	for i := range b {
		k, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alnum))))
		b[i] = alnum[k.Int64()]
	}
	return string(b)
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	in := map[string]string{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			tokenError(w, http.StatusBadRequest, "invalid_request", "Invalid JSON body")
			return
		}
	} else {
		_ = r.ParseForm()
		for k := range r.PostForm {
			in[k] = r.PostForm.Get(k)
		}
	}
	if id, secret, ok := r.BasicAuth(); ok {
		in["client_id"], in["client_secret"] = id, secret
	}
	switch in["grant_type"] {
	case "":
		tokenError(w, http.StatusBadRequest, "invalid_request", "Missing required parameter: grant_type")
		return
	case "client_credentials":
	default:
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant type: "+in["grant_type"])
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[in["client_id"]]
	switch {
	case !ok || a.ClientSecret != in["client_secret"]:
		tokenError(w, http.StatusUnauthorized, "access_denied", "Unauthorized")
		return
	case in["audience"] != "https://"+Domain+"/api/v2/":
		tokenError(w, http.StatusForbidden, "access_denied", "Service not found: "+in["audience"])
		return
	case !slices.Contains(a.GrantTypes, "client_credentials"):
		tokenError(w, http.StatusForbidden, "unauthorized_client", "Grant type 'client_credentials' not allowed for the client.")
		return
	case a.grant == nil:
		tokenError(w, http.StatusForbidden, "access_denied", `Client is not authorized to access "https://`+Domain+`/api/v2/". You need to create a "client-grant" associated to this API.`)
		return
	}
	scopes := a.grant
	if req := strings.Fields(in["scope"]); len(req) > 0 {
		var extra []string
		for _, sc := range req {
			if !slices.Contains(a.grant, sc) {
				extra = append(extra, sc)
			}
		}
		if len(extra) > 0 {
			tokenError(w, http.StatusForbidden, "access_denied", "Client has not been granted scopes: "+strings.Join(extra, ", "))
			return
		}
		scopes = req
	}
	scope := strings.Join(scopes, " ")
	now := time.Now()
	jti := make([]byte, 8)
	_, _ = rand.Read(jti)
	payload, _ := json.Marshal(map[string]any{"iss": "https://" + Domain + "/", "sub": a.ClientID + "@clients", "aud": in["audience"],
		"iat": now.Unix(), "exp": now.Add(24 * time.Hour).Unix(), "scope": scope, "gty": "client-credentials", "jti": hex.EncodeToString(jti)})
	tok := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + base64.RawURLEncoding.EncodeToString(payload) + ".fakesig"
	s.tokens[tok] = token{scopes: slices.Clone(scopes), expires: now.Add(24 * time.Hour)}
	providertest.WriteJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 86400, "scope": scope})
}

// Auth checks a Management API bearer token and its scope, writing Auth0's
// error when it fails, and returns the token's scopes. Callers hold s.mu.
func (s *Server) auth(w http.ResponseWriter, r *http.Request, scope string) ([]string, bool) {
	rateHeaders(w, 49, time.Now().Add(time.Second))
	raw, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	t, ok := s.tokens[raw]
	switch {
	case !ok:
		MgmtError(w, http.StatusUnauthorized, "Invalid token", "")
		return nil, false
	case time.Now().After(t.expires):
		expiredToken(w)
		return nil, false
	case !slices.Contains(t.scopes, scope):
		MgmtError(w, http.StatusForbidden, "Insufficient scope, expected any of: "+scope, "insufficient_scope")
		return nil, false
	}
	return t.scopes, true
}

// Auth is auth for routes other packages add to the mux.
func (s *Server) Auth(w http.ResponseWriter, r *http.Request, scope string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.auth(w, r, scope)
	return ok
}

// rateHeaders are the x-ratelimit-* headers Auth0 sends on every
// Management API answer.
func rateHeaders(w http.ResponseWriter, remaining int, reset time.Time) {
	w.Header().Set("X-RateLimit-Limit", "50")
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
}

// view renders an app the way the caller may see it: client_secret only
// for tokens with read:client_keys (or when always is set: create and
// rotate answers), and only the requested fields.
func view(a *app, scopes []string, always bool, r *http.Request) map[string]any {
	raw, _ := json.Marshal(a.App)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	if !always && !slices.Contains(scopes, "read:client_keys") {
		delete(m, "client_secret")
	}
	if r == nil || r.URL.Query().Get("fields") == "" {
		return m
	}
	fields := strings.Split(r.URL.Query().Get("fields"), ",")
	include := r.URL.Query().Get("include_fields") != "false"
	for k := range m {
		if slices.Contains(fields, k) != include {
			delete(m, k)
		}
	}
	return m
}

// mgmt wraps a Management API handler: it locks the fake, checks the
// token's scope and, on routes naming a client, finds it (a is nil on the
// collection routes).
func (s *Server) mgmt(scope string, h func(w http.ResponseWriter, r *http.Request, scopes []string, a *app)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		scopes, ok := s.auth(w, r, scope)
		if !ok {
			return
		}
		var a *app
		if id := r.PathValue("id"); id != "" {
			if a = s.apps[id]; a == nil {
				MgmtError(w, http.StatusNotFound, "The client does not exist", "inexistent_client")
				return
			}
		}
		h(w, r, scopes, a)
	}
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, scopes []string, _ *app) {
	q := r.URL.Query()
	page, err1 := atoiDefault(q.Get("page"), 0)
	per, err2 := atoiDefault(q.Get("per_page"), 50)
	if err1 != nil || err2 != nil || page < 0 || per < 1 || per > 100 {
		MgmtError(w, http.StatusBadRequest, "Query validation error: 'page' and 'per_page' must be integers, per_page between 1 and 100.", "invalid_query_string")
		return
	}
	out := []map[string]any{}
	for i := page * per; i < len(s.order) && i < (page+1)*per; i++ {
		out = append(out, view(s.apps[s.order[i]], scopes, false, r))
	}
	if q.Get("include_totals") == "true" {
		providertest.WriteJSON(w, http.StatusOK, map[string]any{"start": page * per, "limit": per, "length": len(out), "total": len(s.order), "clients": out})
		return
	}
	providertest.WriteJSON(w, http.StatusOK, out)
}

func atoiDefault(s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	return strconv.Atoi(s)
}

func (s *Server) get(w http.ResponseWriter, r *http.Request, scopes []string, a *app) {
	providertest.WriteJSON(w, http.StatusOK, view(a, scopes, false, r))
}

func (s *Server) create(w http.ResponseWriter, r *http.Request, _ []string, _ *app) {
	in, ok := decodeBody(w, r, false)
	if !ok {
		return
	}
	if in.Name == nil || *in.Name == "" {
		MgmtError(w, http.StatusBadRequest, "Payload validation error: 'Missing required property: name'.", "invalid_body")
		return
	}
	typ := "regular_web"
	if in.AppType != nil {
		typ = *in.AppType
	}
	a := newApp(*in.Name, typ)
	in.apply(a)
	s.insert(a)
	s.Changed()
	providertest.WriteJSON(w, http.StatusCreated, view(a, nil, true, nil))
}

func (s *Server) update(w http.ResponseWriter, r *http.Request, scopes []string, a *app) {
	in, ok := decodeBody(w, r, true)
	if !ok {
		return
	}
	if in.Name != nil && *in.Name == "" {
		MgmtError(w, http.StatusBadRequest, "Payload validation error: 'String is too short (0 chars), minimum 1' on property name.", "invalid_body")
		return
	}
	in.apply(a)
	s.Changed()
	providertest.WriteJSON(w, http.StatusOK, view(a, scopes, false, nil))
}

func (s *Server) delete(w http.ResponseWriter, _ *http.Request, _ []string, a *app) {
	delete(s.apps, a.ClientID)
	s.order = slices.DeleteFunc(s.order, func(id string) bool { return id == a.ClientID })
	s.Changed()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) rotate(w http.ResponseWriter, _ *http.Request, _ []string, a *app) {
	a.ClientSecret = randomString(64)
	s.Changed()
	providertest.WriteJSON(w, http.StatusOK, view(a, nil, true, nil))
}

// body holds the writable properties; nil means not sent, so PATCH keeps
// the stored value, while a sent array replaces the stored one whole.
type body struct {
	Name                    *string            `json:"name"`
	Description             *string            `json:"description"`
	AppType                 *string            `json:"app_type"`
	Callbacks               *[]string          `json:"callbacks"`
	AllowedLogoutURLs       *[]string          `json:"allowed_logout_urls"`
	WebOrigins              *[]string          `json:"web_origins"`
	AllowedOrigins          *[]string          `json:"allowed_origins"`
	GrantTypes              *[]string          `json:"grant_types"`
	TokenEndpointAuthMethod *string            `json:"token_endpoint_auth_method"`
	OIDCConformant          *bool              `json:"oidc_conformant"`
	ClientMetadata          *map[string]string `json:"client_metadata"`
	ClientSecret            *string            `json:"client_secret"`
}

var (
	appTypes    = []string{"spa", "native", "non_interactive", "regular_web"}
	authMethods = []string{"none", "client_secret_post", "client_secret_basic"}
)

func decodeBody(w http.ResponseWriter, r *http.Request, patch bool) (body, bool) {
	var in body
	invalid := func(msg string) (body, bool) {
		MgmtError(w, http.StatusBadRequest, "Payload validation error: "+msg, "invalid_body")
		return in, false
	}
	var props map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&props); err != nil {
		MgmtError(w, http.StatusBadRequest, "Invalid request payload JSON format", "")
		return in, false
	}
	known := map[string]bool{"name": true, "description": true, "app_type": true, "callbacks": true, "allowed_logout_urls": true,
		"web_origins": true, "allowed_origins": true, "grant_types": true, "token_endpoint_auth_method": true, "oidc_conformant": true,
		"client_metadata": true, "client_secret": patch}
	var extra []string
	for k := range props {
		if !known[k] {
			extra = append(extra, k)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return invalid(fmt.Sprintf("'Additional properties not allowed: %s'.", strings.Join(extra, ",")))
	}
	for k, v := range props {
		one, _ := json.Marshal(map[string]json.RawMessage{k: v})
		if err := json.Unmarshal(one, &in); err != nil {
			return invalid(fmt.Sprintf("'Expected a different type' on property %s.", k))
		}
	}
	if in.AppType != nil && !slices.Contains(appTypes, *in.AppType) {
		return invalid(fmt.Sprintf("'No enum match for: \"%s\"' on property app_type.", *in.AppType))
	}
	if in.TokenEndpointAuthMethod != nil && !slices.Contains(authMethods, *in.TokenEndpointAuthMethod) {
		return invalid(fmt.Sprintf("'No enum match for: \"%s\"' on property token_endpoint_auth_method.", *in.TokenEndpointAuthMethod))
	}
	if in.ClientMetadata != nil && len(*in.ClientMetadata) > 10 {
		return invalid(fmt.Sprintf("'Too many properties defined (%d), maximum 10' on property client_metadata.", len(*in.ClientMetadata)))
	}
	// client_metadata: "string values (max 255 chars)", field names at most
	// 255 characters (Management API, clients: create a client,
	// https://auth0.com/docs/api/management/v2/clients/post-clients).
	if in.ClientMetadata != nil {
		for k, v := range *in.ClientMetadata {
			if len(k) > 255 || len(v) > 255 {
				return invalid(fmt.Sprintf("'String is too long (%d chars), maximum 255' on property client_metadata.%s.", max(len(k), len(v)), k))
			}
		}
	}
	// callbacks must be URLs: Auth0 answers "Object didn't pass validation
	// for format callback-url: …" on property callbacks[i]
	// (https://github.com/auth0/auth0-deploy-cli/issues/155); a wildcard is
	// allowed in the subdomain, custom schemes for native apps.
	if in.Callbacks != nil {
		for i, u := range *in.Callbacks {
			if !callbackURL(u) {
				return invalid(fmt.Sprintf("'Object didn't pass validation for format callback-url: %s' on property callbacks[%d].", u, i))
			}
		}
	}
	// Allowed Web Origins are origins: scheme, host and port, no path
	// ("web origins field can not contain relative paths",
	// https://github.com/auth0/docs/pull/5885; Application Settings,
	// https://auth0.com/docs/get-started/applications/application-settings).
	// The exact message is not documented; the envelope is.
	if in.WebOrigins != nil {
		for i, u := range *in.WebOrigins {
			if !webOrigin(u) {
				return invalid(fmt.Sprintf("'Object didn't pass validation for format url-origin: %s' on property web_origins[%d].", u, i))
			}
		}
	}
	return in, true
}

func callbackURL(u string) bool {
	p, err := url.Parse(strings.Replace(u, "*.", "wildcard.", 1))
	return err == nil && p.Scheme != "" && (p.Host != "" || p.Scheme != "http" && p.Scheme != "https")
}

func webOrigin(u string) bool {
	p, err := url.Parse(strings.Replace(u, "*.", "wildcard.", 1))
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != "" && (p.Path == "" || p.Path == "/") && p.RawQuery == "" && p.Fragment == ""
}

func (in body) apply(a *app) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	list := func(dst *[]string, v *[]string) {
		if v != nil {
			*dst = append([]string{}, *v...)
		}
	}
	set(&a.Name, in.Name)
	set(&a.Description, in.Description)
	set(&a.AppType, in.AppType)
	set(&a.TokenEndpointAuthMethod, in.TokenEndpointAuthMethod)
	set(&a.ClientSecret, in.ClientSecret)
	list(&a.Callbacks, in.Callbacks)
	list(&a.AllowedLogoutURLs, in.AllowedLogoutURLs)
	list(&a.WebOrigins, in.WebOrigins)
	list(&a.AllowedOrigins, in.AllowedOrigins)
	list(&a.GrantTypes, in.GrantTypes)
	if in.OIDCConformant != nil {
		a.OIDCConformant = *in.OIDCConformant
	}
	if in.ClientMetadata != nil {
		a.ClientMetadata = map[string]string{}
		for k, v := range *in.ClientMetadata {
			a.ClientMetadata[k] = v
		}
	}
}

func tokenError(w http.ResponseWriter, status int, code, desc string) {
	providertest.WriteJSON(w, status, map[string]any{"error": code, "error_description": desc})
}

// MgmtError writes the Management API error envelope.
func MgmtError(w http.ResponseWriter, status int, msg, code string) {
	body := map[string]any{"statusCode": status, "error": http.StatusText(status), "message": msg}
	if code != "" {
		body["errorCode"] = code
	}
	providertest.WriteJSON(w, status, body)
}

func expiredToken(w http.ResponseWriter) {
	const msg = "Expired token received for JSON Web Token validation"
	providertest.WriteJSON(w, http.StatusUnauthorized, map[string]any{"statusCode": http.StatusUnauthorized, "error": "Unauthorized",
		"message": msg, "attributes": map[string]string{"error": msg}})
}

func writeFault(w http.ResponseWriter, r *http.Request, f providertest.Fault) {
	if r.URL.Path == "/oauth/token" {
		switch f.Kind {
		case providertest.Unauthorized, providertest.Expired:
			tokenError(w, http.StatusUnauthorized, "access_denied", "Unauthorized")
		case providertest.Forbidden:
			tokenError(w, http.StatusForbidden, "access_denied", `Client is not authorized to access "https://`+Domain+`/api/v2/". You need to create a "client-grant" associated to this API.`)
		case providertest.RateLimited:
			tokenError(w, http.StatusTooManyRequests, "access_denied", "Global limit has been reached")
		default:
			tokenError(w, http.StatusInternalServerError, "server_error", "Internal error")
		}
		return
	}
	switch f.Kind {
	case providertest.Unauthorized:
		MgmtError(w, http.StatusUnauthorized, "Invalid token", "")
	case providertest.Expired:
		expiredToken(w)
	case providertest.Forbidden:
		MgmtError(w, http.StatusForbidden, "Insufficient scope, expected any of: read:clients", "insufficient_scope")
	case providertest.RateLimited:
		// The reset time says the same as Retry-After (none: now).
		rateHeaders(w, 0, time.Now().Add(f.RetryAfter))
		MgmtError(w, http.StatusTooManyRequests, "Global limit has been reached", "too_many_requests")
	default:
		MgmtError(w, http.StatusInternalServerError, "Internal error", "")
	}
}
