// Package gcptest is an in-repo fake of Google's OAuth token endpoint and
// Cloud Resource Manager following providers.md §4: the JWT-bearer grant
// (RS256 assertions verified against registered public keys), token errors
// {"error","error_description"}, and testIamPermissions with the Google
// API error envelope.
package gcptest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// Project is the fake's project.
const Project = "patchbay-dev-123"

// Account is a service account.
type Account struct {
	Email string
	Keys  map[string]*rsa.PublicKey // key id -> public key
	// Permissions held on Project.
	Permissions []string
}

// Server is the fake.
type Server struct {
	*providertest.Server
	mu       sync.Mutex
	accounts map[string]*Account
	tokens   map[string]string // token -> email
	disabled map[string]bool   // project -> CRM API disabled
}

// New starts the fake. The token endpoint is URL + "/token".
func New(tb providertest.T) *Server {
	s := &Server{accounts: map[string]*Account{}, tokens: map[string]string{}, disabled: map[string]bool{}}
	s.Server = providertest.New(tb, writeFault)
	s.Handle("POST /token", s.token)
	s.Handle("POST /v1/projects/{call}", s.testIamPermissions)
	return s
}

// NewKey creates a key for a service account (creating the account with
// perms if needed) and returns the JSON key file, token_uri pointing at the
// fake.
func (s *Server) NewKey(tb providertest.T, email string, perms ...string) string {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	kid := hex.EncodeToString(b)
	s.mu.Lock()
	a := s.accounts[email]
	if a == nil {
		a = &Account{Email: email, Keys: map[string]*rsa.PublicKey{}, Permissions: perms}
		s.accounts[email] = a
	}
	a.Keys[kid] = &key.PublicKey
	s.mu.Unlock()
	file, _ := json.Marshal(map[string]string{
		"type": "service_account", "project_id": Project, "private_key_id": kid,
		"private_key":  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email": email, "client_id": "100000000000000000001",
		"auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": s.URL + "/token",
		"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs", "universe_domain": "googleapis.com",
	})
	return string(file)
}

// DeleteKeys removes every key of the account (the files stop working).
func (s *Server) DeleteKeys(email string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.accounts[email]; a != nil {
		a.Keys = map[string]*rsa.PublicKey{}
	}
}

// DisableAPI makes the project's Resource Manager API answer SERVICE_DISABLED.
func (s *Server) DisableAPI(project string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.disabled[project] = true
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	if r.PostForm.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		tokenError(w, 400, "unsupported_grant_type", "Invalid grant_type: "+r.PostForm.Get("grant_type"))
		return
	}
	parts := strings.Split(r.PostForm.Get("assertion"), ".")
	if len(parts) != 3 {
		tokenError(w, 400, "invalid_grant", "Invalid JWT.")
		return
	}
	var hdr struct {
		Kid string `json:"kid"`
	}
	var claims struct {
		Iss string `json:"iss"`
		Aud string `json:"aud"`
		Iat int64  `json:"iat"`
		Exp int64  `json:"exp"`
	}
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	cb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	_ = json.Unmarshal(hb, &hdr)
	_ = json.Unmarshal(cb, &claims)
	s.mu.Lock()
	a := s.accounts[claims.Iss]
	var pub *rsa.PublicKey
	if a != nil {
		pub = a.Keys[hdr.Kid]
	}
	s.mu.Unlock()
	now := time.Now().Unix()
	switch {
	case a == nil:
		tokenError(w, 400, "invalid_grant", "Invalid grant: account not found")
		return
	case claims.Aud != s.URL+"/token":
		tokenError(w, 400, "invalid_grant", "Invalid JWT: Failed audience check.")
		return
	case claims.Exp-claims.Iat > 3600 || claims.Iat > now+300 || claims.Exp < now-300:
		tokenError(w, 400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.")
		return
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if pub == nil || rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) != nil {
		tokenError(w, 400, "invalid_grant", "Invalid JWT Signature.")
		return
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	tok := "ya29.fake" + hex.EncodeToString(b)
	s.mu.Lock()
	s.tokens[tok] = a.Email
	s.mu.Unlock()
	providertest.WriteJSON(w, 200, map[string]any{"access_token": tok, "expires_in": 3599, "token_type": "Bearer"})
}

func (s *Server) testIamPermissions(w http.ResponseWriter, r *http.Request) {
	project, ok := strings.CutSuffix(r.PathValue("call"), ":testIamPermissions")
	if !ok {
		APIError(w, 404, "NOT_FOUND", "Not found", "")
		return
	}
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	email, known := s.tokens[tok]
	a := s.accounts[email]
	disabled := s.disabled[project]
	s.mu.Unlock()
	switch {
	case !known:
		APIError(w, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.", "ACCESS_TOKEN_TYPE_UNSUPPORTED")
		return
	case disabled:
		APIError(w, 403, "PERMISSION_DENIED", "Cloud Resource Manager API has not been used in project "+project+" before or it is disabled.", "SERVICE_DISABLED")
		return
	case project != Project:
		APIError(w, 403, "PERMISSION_DENIED", "The caller does not have permission", "")
		return
	}
	var in struct {
		Permissions []string `json:"permissions"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	held := []string{}
	for _, p := range in.Permissions {
		if slices.Contains(a.Permissions, p) {
			held = append(held, p)
		}
	}
	providertest.WriteJSON(w, 200, map[string]any{"permissions": held})
}

func tokenError(w http.ResponseWriter, status int, code, desc string) {
	providertest.WriteJSON(w, status, map[string]any{"error": code, "error_description": desc})
}

// APIError writes the Google API error envelope.
func APIError(w http.ResponseWriter, status int, st, msg, reason string) {
	e := map[string]any{"code": status, "message": msg, "status": st}
	if reason != "" {
		e["details"] = []any{map[string]any{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "googleapis.com"}}
	}
	providertest.WriteJSON(w, status, map[string]any{"error": e})
}

func writeFault(w http.ResponseWriter, r *http.Request, f providertest.Fault) {
	token := r.URL.Path == "/token"
	switch {
	case token && f.Kind == providertest.Unauthorized:
		tokenError(w, 401, "invalid_client", "The OAuth client was not found.")
	case token && f.Kind == providertest.Expired:
		tokenError(w, 400, "invalid_grant", "Invalid JWT Signature.")
	case token && f.Kind == providertest.Forbidden:
		tokenError(w, 403, "access_denied", "Service account is disabled.")
	case f.Kind == providertest.Unauthorized || f.Kind == providertest.Expired:
		APIError(w, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.", "")
	case f.Kind == providertest.Forbidden:
		APIError(w, 403, "PERMISSION_DENIED", "The caller does not have permission", "IAM_PERMISSION_DENIED")
	case f.Kind == providertest.RateLimited:
		APIError(w, 429, "RESOURCE_EXHAUSTED", "Quota exceeded.", "RATE_LIMIT_EXCEEDED")
	default:
		APIError(w, 503, "UNAVAILABLE", "The service is currently unavailable.", "")
	}
}
