// Package oktatest is the in-repo fake of an Okta org for credential
// checks, provisioning and actions. It follows Okta's published docs:
//
//   - Management API authentication with an API token ("Authorization:
//     SSWS <token>"), https://developer.okta.com/docs/guides/create-an-api-token/
//   - the Apps API for OIDC apps (list with q, create, get, replace with PUT,
//     deactivate, delete only once inactive),
//     https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Application/
//   - the app's client secrets list (GET /api/v1/apps/{id}/credentials/secrets),
//     the one read that shows a secret after creation,
//     https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationSSOCredentialOAuth2ClientAuth/
//   - the Users API (users/me, a user by id or login),
//     https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/
//   - the error object {"errorCode","errorSummary","errorLink","errorId",
//     "errorCauses"} and its codes (E0000001 validation, E0000006 access
//     denied, E0000007 not found, E0000011 invalid token, E0000047 rate
//     limit), https://developer.okta.com/docs/reference/error-codes/
//   - rate-limit headers X-Rate-Limit-Limit/-Remaining/-Reset (epoch
//     seconds), https://developer.okta.com/docs/reference/rl-best-practices/
//
// The client secret of an app is returned when it is created and not on
// later reads. Faults are injected through the embedded providertest.Server.
package oktatest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// The fake org's API token and its owner.
const (
	Token     = "00PatchbayFakeOktaApiToken000000000000000"
	AdminID   = "00uPatchbayAdmin0001"
	AdminMail = "admin@example.test"
)

// OAuthClient is an app's credentials.oauthClient.
type OAuthClient struct {
	ClientID                string `json:"client_id,omitempty"`
	ClientSecret            string `json:"client_secret,omitempty"`
	TokenEndpointAuthMethod string `json:"token_endpoint_auth_method,omitempty"`
	AutoKeyRotation         bool   `json:"autoKeyRotation,omitempty"`
}

// OAuthSettings is an app's settings.oauthClient.
type OAuthSettings struct {
	RedirectURIs           []string `json:"redirect_uris"`
	PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris,omitempty"`
	ResponseTypes          []string `json:"response_types,omitempty"`
	GrantTypes             []string `json:"grant_types,omitempty"`
	ApplicationType        string   `json:"application_type,omitempty"`
}

// App is an OIDC app as the Apps API shows it.
type App struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name"`
	Label       string `json:"label"`
	Status      string `json:"status,omitempty"`
	SignOnMode  string `json:"signOnMode"`
	Created     string `json:"created,omitempty"`
	Credentials struct {
		OAuthClient OAuthClient `json:"oauthClient"`
	} `json:"credentials"`
	Settings struct {
		OAuthClient OAuthSettings `json:"oauthClient"`
	} `json:"settings"`
}

// User is a user as the Users API shows it.
type User struct {
	ID      string            `json:"id"`
	Status  string            `json:"status"`
	Profile map[string]string `json:"profile"`
}

// Server is the fake org.
type Server struct {
	*providertest.Server

	mu    sync.Mutex
	apps  map[string]*App
	order []string
	users map[string]*User
	// Admin says whether the token's owner administers apps; false makes
	// the Apps API answer E0000006, as for a user without an admin role
	// that covers apps.
	admin bool
	// readOnly makes the owner a Read-only Administrator, who "can view"
	// the org's applications but not change them
	// (https://help.okta.com/oie/en-us/content/topics/security/administrators-read-only-admin.htm):
	// the Apps API's reads answer, its writes are E0000006.
	readOnly bool
}

// New starts the fake; it stops when tb cleans up.
func New(tb providertest.T) *Server {
	tb.Helper()
	s := &Server{apps: map[string]*App{}, users: map[string]*User{}, admin: true}
	s.Server = providertest.New(tb, writeFault)
	s.users[AdminID] = &User{ID: AdminID, Status: "ACTIVE", Profile: map[string]string{"login": AdminMail, "email": AdminMail,
		"firstName": "Pat", "lastName": "Admin"}}
	s.Handle("GET /api/v1/users/me", s.auth(false, s.me))
	s.Handle("GET /api/v1/users/{id}", s.auth(false, s.user))
	s.Handle("GET /api/v1/apps", s.auth(true, s.list))
	s.Handle("POST /api/v1/apps", s.auth(true, s.create))
	s.Handle("GET /api/v1/apps/{id}", s.auth(true, s.get))
	s.Handle("PUT /api/v1/apps/{id}", s.auth(true, s.replace))
	s.Handle("DELETE /api/v1/apps/{id}", s.auth(true, s.delete))
	s.Handle("POST /api/v1/apps/{id}/lifecycle/deactivate", s.auth(true, s.deactivate))
	s.Handle("GET /api/v1/apps/{id}/credentials/secrets", s.auth(true, s.secrets))
	s.Handle("/", func(w http.ResponseWriter, r *http.Request) {
		Error(w, http.StatusNotFound, "E0000022", "The endpoint does not support the provided HTTP method")
	})
	return s
}

// Credentials returns form values for the fake org (its URL is the
// fake's own, as PATCHBAY_ENDPOINT_OKTA would point a real client).
func (s *Server) Credentials() map[string]string {
	return map[string]string{"org_url": "https://patchbay-dev.okta.com", "api_token": Token}
}

// SetAdmin makes the token's owner an app administrator or not.
func (s *Server) SetAdmin(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.admin = on
}

// SetReadOnlyAdmin makes the token's owner a Read-only Administrator (on)
// or gives them back the app administrator role (off).
func (s *Server) SetReadOnlyAdmin(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readOnly = on
}

// AddUser adds a user and returns its id.
func (s *Server) AddUser(login string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := "00u" + randHex(8)
	s.users[id] = &User{ID: id, Status: "ACTIVE", Profile: map[string]string{"login": login, "email": login}}
	return id
}

// Seed adds an active web OIDC app made outside Patchbay (in the Admin
// Console) with the given redirect URIs, and returns its id. It also
// allows the refresh_token grant, which Patchbay does not set and must
// keep.
func (s *Server) Seed(label string, redirectURIs []string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := &App{Name: "oidc_client", Label: label, SignOnMode: "OPENID_CONNECT"}
	a.Settings.OAuthClient = OAuthSettings{RedirectURIs: redirectURIs, ResponseTypes: []string{"code"},
		GrantTypes: []string{"authorization_code", "refresh_token"}, ApplicationType: "web"}
	s.insert(a, true)
	return a.ID
}

// Apps returns the org's apps by id.
func (s *Server) Apps() map[string]App {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]App{}
	for id, a := range s.apps {
		out[id] = *a
	}
	return out
}

// Secret returns an app's client secret (the fake keeps it; reads hide it).
func (s *Server) Secret(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.apps[id]; a != nil {
		return a.Credentials.OAuthClient.ClientSecret
	}
	return ""
}

// Error writes Okta's error object.
func Error(w http.ResponseWriter, status int, code, summary string, causes ...string) {
	body := map[string]any{"errorCode": code, "errorSummary": summary, "errorLink": code, "errorId": "oae" + randHex(10)}
	cs := []map[string]string{}
	for _, c := range causes {
		cs = append(cs, map[string]string{"errorSummary": c})
	}
	body["errorCauses"] = cs
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func writeFault(w http.ResponseWriter, r *http.Request, f providertest.Fault) {
	switch f.Kind {
	case providertest.Unauthorized, providertest.Expired:
		Error(w, http.StatusUnauthorized, "E0000011", "Invalid token provided")
	case providertest.Forbidden:
		Error(w, http.StatusForbidden, "E0000006", "You do not have permission to perform the requested action")
	case providertest.RateLimited:
		rateHeaders(w, time.Now().Add(f.RetryAfter))
		Error(w, http.StatusTooManyRequests, "E0000047", "API call exceeded rate limit due to too many requests.")
	default:
		Error(w, http.StatusInternalServerError, "E0000009", "Internal Server Error")
	}
}

func rateHeaders(w http.ResponseWriter, reset time.Time) {
	w.Header().Set("X-Rate-Limit-Limit", "100")
	w.Header().Set("X-Rate-Limit-Remaining", "0")
	w.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(reset.Unix(), 10))
}

func (s *Server) auth(apps bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "SSWS "+Token {
			Error(w, http.StatusUnauthorized, "E0000011", "Invalid token provided")
			return
		}
		s.mu.Lock()
		admin, readOnly := s.admin, s.readOnly
		s.mu.Unlock()
		if apps && (!admin || readOnly && r.Method != http.MethodGet) {
			Error(w, http.StatusForbidden, "E0000006", "You do not have permission to perform the requested action")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		h(w, r)
	}
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = json.NewEncoder(w).Encode(s.users[AdminID])
}

// user finds a user by id or by login, as GET /api/v1/users/{id} does.
func (s *Server) user(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[id]
	for _, x := range s.users {
		if u == nil && strings.EqualFold(x.Profile["login"], id) {
			u = x
		}
	}
	if u == nil {
		Error(w, http.StatusNotFound, "E0000007", "Not found: Resource not found: "+id+" (User)")
		return
	}
	_ = json.NewEncoder(w).Encode(u)
}

// public hides the client secret, which only the create answer carries.
func public(a *App) App {
	c := *a
	c.Credentials.OAuthClient.ClientSecret = ""
	return c
}

// list: q matches the start of an app's name or label, case-insensitively.
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	q := strings.ToLower(r.URL.Query().Get("q"))
	limit := 20
	if l, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && l > 0 {
		limit = min(l, 200)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []App{}
	for _, id := range s.order {
		a := s.apps[id]
		if q == "" || strings.HasPrefix(strings.ToLower(a.Label), q) || strings.HasPrefix(strings.ToLower(a.Name), q) {
			out = append(out, public(a))
		}
		if len(out) == limit {
			break
		}
	}
	_ = json.NewEncoder(w).Encode(out)
}

// validApp refuses, with 400 E0000001 "Api validation failed" and one
// errorCause per field, what the Apps API refuses for an OIDC app
// (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Application/#tag/Application/operation/createApplication,
// OpenIdConnectApplicationSettingsClient):
//   - a missing label (required);
//   - an app that is not name "oidc_client" with signOnMode OPENID_CONNECT;
//   - a web app without redirect_uris (required for web, native and browser
//     apps);
//   - a redirect or post-logout redirect URI that is not an absolute http(s)
//     URI, or that has a fragment (RFC 6749 §3.1.2: "The endpoint URI MUST
//     NOT include a fragment component").
func validApp(a *App) []string {
	var causes []string
	if strings.TrimSpace(a.Label) == "" {
		causes = append(causes, "label: The field cannot be left blank")
	}
	if a.Name != "oidc_client" || a.SignOnMode != "OPENID_CONNECT" {
		causes = append(causes, "signOnMode: An OIDC app must have name oidc_client and signOnMode OPENID_CONNECT")
	}
	o := a.Settings.OAuthClient
	if o.ApplicationType == "web" && len(o.RedirectURIs) == 0 {
		causes = append(causes, "redirect_uris: At least one redirect URI is required for a web application")
	}
	check := func(field string, uris []string) {
		for _, u := range uris {
			p, err := url.Parse(u)
			switch {
			case err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "":
				causes = append(causes, field+": '"+u+"' is not a valid absolute URI")
			case p.Fragment != "" || strings.Contains(u, "#"):
				causes = append(causes, field+": '"+u+"' must not contain a fragment")
			}
		}
	}
	check("redirect_uris", o.RedirectURIs)
	check("post_logout_redirect_uris", o.PostLogoutRedirectURIs)
	return causes
}

func decodeApp(w http.ResponseWriter, r *http.Request) (*App, bool) {
	var a App
	if err := json.NewDecoder(r.Body).Decode(&a); err != nil {
		Error(w, http.StatusBadRequest, "E0000003", "The request body was not well-formed.")
		return nil, false
	}
	if causes := validApp(&a); len(causes) > 0 {
		Error(w, http.StatusBadRequest, "E0000001", "Api validation failed: "+strings.Join(causes, "; "), causes...)
		return nil, false
	}
	return &a, true
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	a, ok := decodeApp(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.insert(a, r.URL.Query().Get("activate") != "false")
	_ = json.NewEncoder(w).Encode(a)
}

// insert gives a new app its ids and, unless its token endpoint auth
// method is "none" (a public client), a client secret.
func (s *Server) insert(a *App, active bool) {
	a.ID = "0oa" + randHex(8)
	a.Status = "ACTIVE"
	if !active {
		a.Status = "INACTIVE"
	}
	a.Created = time.Now().UTC().Format(time.RFC3339)
	a.Credentials.OAuthClient.ClientID = "0oa" + randHex(8)
	if a.Credentials.OAuthClient.TokenEndpointAuthMethod == "" {
		a.Credentials.OAuthClient.TokenEndpointAuthMethod = "client_secret_basic"
	}
	if a.Credentials.OAuthClient.TokenEndpointAuthMethod != "none" {
		a.Credentials.OAuthClient.ClientSecret = randHex(20)
	}
	s.apps[a.ID] = a
	s.order = append(s.order, a.ID)
	s.Changed()
}

// secrets lists the app's client secrets: the active one, with its value.
func (s *Server) secrets(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.find(w, r.PathValue("id"))
	if a == nil {
		return
	}
	out := []map[string]string{}
	if sec := a.Credentials.OAuthClient.ClientSecret; sec != "" {
		out = append(out, map[string]string{"id": "ocs" + a.ID[3:], "status": "ACTIVE", "client_secret": sec,
			"created": a.Created, "lastUpdated": a.Created})
	}
	_ = json.NewEncoder(w).Encode(out)
}

func (s *Server) find(w http.ResponseWriter, id string) *App {
	a := s.apps[id]
	if a == nil {
		Error(w, http.StatusNotFound, "E0000007", "Not found: Resource not found: "+id+" (AppInstance)")
	}
	return a
}

func (s *Server) get(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.find(w, r.PathValue("id")); a != nil {
		_ = json.NewEncoder(w).Encode(public(a))
	}
}

// replace is PUT: the body replaces the app's label and settings; the id,
// client id and secret stay.
func (s *Server) replace(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.find(w, r.PathValue("id"))
	if cur == nil {
		return
	}
	a, ok := decodeApp(w, r)
	if !ok {
		return
	}
	cur.Label = a.Label
	cur.Settings = a.Settings
	s.Changed()
	_ = json.NewEncoder(w).Encode(public(cur))
}

func (s *Server) deactivate(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.find(w, r.PathValue("id")); a != nil {
		a.Status = "INACTIVE"
		s.Changed()
		_, _ = w.Write([]byte("{}"))
	}
}

// delete removes an inactive app; an active one must be deactivated first
// ("Deletes an inactive application").
func (s *Server) delete(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("id")
	a := s.find(w, id)
	if a == nil {
		return
	}
	if a.Status == "ACTIVE" {
		Error(w, http.StatusForbidden, "E0000056", "Delete application forbidden.", "The application must be deactivated before it can be deleted.")
		return
	}
	delete(s.apps, id)
	for i, x := range s.order {
		if x == id {
			s.order = append(s.order[:i], s.order[i+1:]...)
			break
		}
	}
	s.Changed()
	w.WriteHeader(http.StatusNoContent)
}

// Labels returns the apps' labels, sorted.
func (s *Server) Labels() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, a := range s.apps {
		out = append(out, a.Label)
	}
	sort.Strings(out)
	return out
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
