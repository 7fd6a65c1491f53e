// Package supabasetest is an in-repo fake of one hosted Supabase project's
// API gateway and Auth server, as far as Patchbay's credential check uses
// them. It follows Supabase's documentation and sources:
//
//   - every /auth/v1/* route sits behind the gateway's key-auth, which
//     answers 401 {"message":"No API key found in request","hint":...}
//     without an apikey header and 401 {"message":"Invalid API key",
//     "hint":...} for a key the project does not know
//     (supabase/supabase docker/volumes/api/kong.yml;
//     https://supabase.com/docs/guides/api/api-keys);
//   - GET /auth/v1/settings returns the public Auth settings
//     ({"external":{...},"disable_signup":...}; supabase/auth README,
//     "GET /settings");
//   - GET /auth/v1/admin/users needs the service role: Auth answers 403
//     {"code":403,"error_code":"not_admin","msg":"User not allowed"} to
//     other roles (supabase/auth internal/api/admin.go, requireAdmin).
//
// Keys: the legacy JWTs (role anon / service_role, ref Ref) and the newer
// sb_publishable_ / sb_secret_ keys.
package supabasetest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// The fake project.
const (
	Ref        = "patchbayfakeproject0"
	ProjectURL = "https://" + Ref + ".supabase.co"

	PublishableKey = "sb_publishable_PatchbayFakePublishable00"
	SecretKey      = "sb_secret_PatchbayFakeSecretKey000000000"
)

// Legacy keys of the fake project, JWTs as the dashboard shows them
// (unverifiable signature: nothing here checks it).
var (
	AnonKey        = LegacyKey(Ref, "anon")
	ServiceRoleKey = LegacyKey(Ref, "service_role")
)

// LegacyKey builds a legacy API key for project ref with role.
func LegacyKey(ref, role string) string {
	enc := base64.RawURLEncoding.EncodeToString
	claims, _ := json.Marshal(map[string]any{"iss": "supabase", "ref": ref, "role": role, "iat": 1700000000, "exp": 2015576000})
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc(claims) + "." + enc([]byte("patchbay-fake-signature-"+role))
}

// Server is the fake project.
type Server struct {
	*providertest.Server
	mu sync.Mutex
	// keys maps each key the project accepts to its Postgres role.
	keys map[string]string
}

// New starts the fake with the four keys above.
func New(tb providertest.T) *Server {
	s := &Server{keys: map[string]string{
		AnonKey: "anon", ServiceRoleKey: "service_role", PublishableKey: "anon", SecretKey: "service_role",
	}}
	s.Server = providertest.New(tb, writeFault)
	s.Handle("GET /auth/v1/settings", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := s.keyAuth(w, r); !ok {
			return
		}
		providertest.WriteJSON(w, http.StatusOK, map[string]any{
			"external":           map[string]bool{"anonymous_users": false, "email": true, "phone": false, "github": true, "google": false},
			"disable_signup":     false,
			"mailer_autoconfirm": false,
			"phone_autoconfirm":  false,
			"sms_provider":       "twilio",
			"saml_enabled":       false,
		})
	})
	s.Handle("GET /auth/v1/admin/users", func(w http.ResponseWriter, r *http.Request) {
		role, ok := s.keyAuth(w, r)
		if !ok {
			return
		}
		// With a legacy key the Authorization JWT decides the role; the
		// gateway turns an sb_ key into a JWT of the key's role.
		if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			s.mu.Lock()
			role = s.keys[bearer]
			s.mu.Unlock()
		}
		if role != "service_role" {
			providertest.WriteJSON(w, http.StatusForbidden, map[string]any{"code": 403, "error_code": "not_admin", "msg": "User not allowed"})
			return
		}
		providertest.WriteJSON(w, http.StatusOK, map[string]any{"users": []any{}, "aud": "authenticated"})
	})
	return s
}

// Credentials returns form values the fake accepts; point
// PATCHBAY_ENDPOINT_SUPABASE at s.URL.
func (s *Server) Credentials() map[string]string {
	return map[string]string{"url": ProjectURL, "anon_key": PublishableKey, "service_role_key": SecretKey}
}

// AddKey makes the project accept key with role ("anon" or "service_role").
func (s *Server) AddKey(key, role string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[key] = role
}

// RemoveKey revokes a key, as rotating it in the dashboard does.
func (s *Server) RemoveKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.keys, key)
}

// keyAuth is the gateway's key-auth: the apikey header (or query
// parameter) must be one of the project's keys.
func (s *Server) keyAuth(w http.ResponseWriter, r *http.Request) (string, bool) {
	key := r.Header.Get("apikey")
	if key == "" {
		key = r.URL.Query().Get("apikey")
	}
	if key == "" {
		providertest.WriteJSON(w, http.StatusUnauthorized, map[string]string{"message": "No API key found in request",
			"hint": "No `apikey` request header or url param was found."})
		return "", false
	}
	s.mu.Lock()
	role, ok := s.keys[key]
	s.mu.Unlock()
	if !ok {
		writeInvalid(w)
		return "", false
	}
	return role, true
}

func writeInvalid(w http.ResponseWriter) {
	providertest.WriteJSON(w, http.StatusUnauthorized, map[string]string{"message": "Invalid API key",
		"hint": "Double check your Supabase `anon` or `service_role` API key."})
}

// writeFault renders faults in the gateway's shapes. Supabase keys do not
// expire on their own, so Expired looks like a revoked key.
func writeFault(w http.ResponseWriter, r *http.Request, f providertest.Fault) {
	switch f.Kind {
	case providertest.Unauthorized, providertest.Expired:
		writeInvalid(w)
	case providertest.Forbidden:
		providertest.WriteJSON(w, http.StatusForbidden, map[string]string{"message": "You cannot consume this service"})
	case providertest.RateLimited:
		providertest.WriteJSON(w, http.StatusTooManyRequests, map[string]string{"message": "API rate limit exceeded"})
	default:
		providertest.DefaultErrors(w, r, f)
	}
}
