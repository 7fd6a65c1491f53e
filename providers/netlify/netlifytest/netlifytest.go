// Package netlifytest is an in-repo fake of the Netlify API and its OAuth
// authorize page following providers.md §9: Bearer tokens, {"code",
// "message"} errors, GET /api/v1/user, the authorization-code exchange at
// /oauth/token, and an /authorize page that consents at once (as a user
// clicking "Authorize" would) and redirects to the loopback URI.
package netlifytest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// The fake's OAuth application and a valid token.
const (
	ClientID     = "patchbayFakeNetlifyClientId0000"
	ClientSecret = "patchbayFakeNetlifyClientSecret0"
	Token        = "nfp_patchbayFakeToken00000000000000"
)

type grant struct {
	clientID, redirectURI, challenge string
}

// Server is the fake (API and app host in one).
type Server struct {
	*providertest.Server
	mu         sync.Mutex
	tokens     map[string]bool
	codes      map[string]grant
	deny       bool
	challenges []string
}

// Challenges returns the PKCE challenges seen on /authorize.
func (s *Server) Challenges() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.challenges...)
}

// New starts the fake with Token valid.
func New(tb providertest.T) *Server {
	s := &Server{tokens: map[string]bool{Token: true}, codes: map[string]grant{}}
	s.Server = providertest.New(tb, writeFault)
	s.Handle("GET /api/v1/user", func(w http.ResponseWriter, r *http.Request) {
		if !s.Auth(w, r) {
			return
		}
		providertest.WriteJSON(w, 200, map[string]any{"id": "5f0000000000000000000001", "uid": "dev", "full_name": "Dev", "email": "dev@example.com", "site_count": 2})
	})
	s.Handle("GET /authorize", s.authorize)
	s.Handle("POST /oauth/token", s.token)
	return s
}

func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if q.Get("client_id") != ClientID || err != nil || q.Get("response_type") != "code" {
		WriteError(w, 400, "Invalid OAuth request")
		return
	}
	back := redirect.Query()
	back.Set("state", q.Get("state"))
	s.mu.Lock()
	s.challenges = append(s.challenges, q.Get("code_challenge"))
	if s.deny {
		back.Set("error", "access_denied")
	} else {
		code := random()
		s.codes[code] = grant{clientID: ClientID, redirectURI: redirect.String(), challenge: q.Get("code_challenge")}
		back.Set("code", code)
	}
	s.mu.Unlock()
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	f := r.PostForm
	s.mu.Lock()
	g, ok := s.codes[f.Get("code")]
	delete(s.codes, f.Get("code")) // codes are single-use
	s.mu.Unlock()
	sum := sha256.Sum256([]byte(f.Get("code_verifier")))
	switch {
	case f.Get("grant_type") != "authorization_code":
		providertest.WriteJSON(w, 400, map[string]any{"error": "unsupported_grant_type"})
	case !ok || g.redirectURI != f.Get("redirect_uri"):
		providertest.WriteJSON(w, 400, map[string]any{"error": "invalid_grant"})
	case f.Get("client_id") != ClientID || f.Get("client_secret") != ClientSecret:
		providertest.WriteJSON(w, 401, map[string]any{"error": "invalid_client"})
	case g.challenge != "" && base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		providertest.WriteJSON(w, 400, map[string]any{"error": "invalid_grant", "error_description": "PKCE verification failed"})
	default:
		tok := "nfp_" + random()
		s.mu.Lock()
		s.tokens[tok] = true
		s.mu.Unlock()
		providertest.WriteJSON(w, 200, map[string]any{"access_token": tok, "token_type": "Bearer", "created_at": 1700000000})
	}
}

// Deny makes the authorize page answer error=access_denied.
func (s *Server) Deny() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deny = true
}

// Revoke invalidates a token.
func (s *Server) Revoke(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, tok)
}

// Auth checks the bearer token.
func (s *Server) Auth(w http.ResponseWriter, r *http.Request) bool {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	ok := s.tokens[tok]
	s.mu.Unlock()
	if !ok {
		WriteError(w, 401, "Access Denied: your token is invalid")
		return false
	}
	return true
}

// WriteError writes Netlify's error body.
func WriteError(w http.ResponseWriter, status int, msg string) {
	providertest.WriteJSON(w, status, map[string]any{"code": status, "message": msg})
}

func random() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func writeFault(w http.ResponseWriter, _ *http.Request, f providertest.Fault) {
	switch f.Kind {
	case providertest.Unauthorized, providertest.Expired:
		WriteError(w, 401, "Access Denied: your token is invalid")
	case providertest.Forbidden:
		WriteError(w, 403, "Forbidden")
	case providertest.RateLimited:
		WriteError(w, 429, "Too Many Requests")
	default:
		WriteError(w, 500, "Internal Server Error")
	}
}
