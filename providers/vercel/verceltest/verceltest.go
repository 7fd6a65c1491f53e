// Package verceltest is an in-repo fake of the Vercel API following
// providers.md §10: Bearer tokens, 403 {"error":{"code":"forbidden",
// "invalidToken":true}} for bad tokens, team membership and token expiry.
package verceltest

import (
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// Token is a valid token of user "dev", member of team TeamID.
const Token = "vercelFakeToken0123456789abcdef"

// TeamID is the fake's team.
const TeamID = "team_patchbayfake"

// Token describes a token the fake accepts.
type TokenInfo struct {
	// Teams are the teams the token reaches.
	Teams     []string
	ExpiresAt time.Time
	// The token's access scopes (Get Auth Token Metadata's scopes,
	// https://vercel.com/docs/rest-api/authentication/get-auth-token-metadata:
	// {"type":"user"} for the personal account, {"type":"team","teamId"}
	// per team). By default a token has the user scope and one per team.
	// TeamsOnly leaves the user scope out (a token created for a team);
	// FullAccount lists only the user scope (the Tokens page's "Full
	// Account", which reaches every team of its owner).
	TeamsOnly, FullAccount bool
}

// Server is the fake.
type Server struct {
	*providertest.Server
	mu     sync.Mutex
	tokens map[string]TokenInfo
}

// New starts the fake with Token registered.
func New(tb providertest.T) *Server {
	s := &Server{tokens: map[string]TokenInfo{Token: {Teams: []string{TeamID}}}}
	s.Server = providertest.New(tb, writeFault)
	s.Handle("GET /v2/user", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := s.Auth(w, r); !ok {
			return
		}
		// AuthUser (https://vercel.com/docs/rest-api/reference/endpoints/user/get-the-user).
		providertest.WriteJSON(w, 200, map[string]any{"user": map[string]any{"id": "usr_fake", "email": "dev@example.com", "username": "dev", "name": "Dev",
			"avatar": nil, "defaultTeamId": TeamID, "createdAt": 1704067200000, "version": "northstar"}})
	})
	s.Handle("GET /v2/teams/{id}", func(w http.ResponseWriter, r *http.Request) {
		t, ok := s.Auth(w, r)
		if !ok {
			return
		}
		id := r.PathValue("id")
		for _, team := range t.Teams {
			if team == id {
				providertest.WriteJSON(w, 200, map[string]any{"id": id, "slug": "patchbay", "name": "Patchbay"})
				return
			}
		}
		WriteError(w, 403, map[string]any{"code": "forbidden", "message": "Not authorized"})
	})
	s.Handle("GET /v5/user/tokens/current", func(w http.ResponseWriter, r *http.Request) {
		t, ok := s.Auth(w, r)
		if !ok {
			return
		}
		// Get the current token
		// (https://vercel.com/docs/rest-api/reference/endpoints/authentication/get-auth-token-metadata):
		// teamId acts on behalf of a team, which the token must reach (403
		// "Not authorized" otherwise, as every team-scoped call); the
		// answer is {"token": AuthToken} with id, name, type, origin,
		// scopes (one per user or team), activeAt, createdAt and, for an
		// expiring token, expiresAt in milliseconds.
		if team := r.URL.Query().Get("teamId"); team != "" && !slices.Contains(t.Teams, team) {
			WriteError(w, 403, map[string]any{"code": "forbidden", "message": "Not authorized"})
			return
		}
		scopes := []any{}
		if !t.TeamsOnly {
			scopes = append(scopes, map[string]any{"type": "user", "origin": "manual", "createdAt": 1704067200000})
		}
		for _, team := range t.Teams {
			if !t.FullAccount {
				scopes = append(scopes, map[string]any{"type": "team", "teamId": team, "origin": "manual", "createdAt": 1704067200000})
			}
		}
		tok := map[string]any{"id": "tok_fake", "name": "patchbay", "type": "oauth2-token", "origin": "manual", "scopes": scopes,
			"activeAt": time.Now().UnixMilli(), "createdAt": 1704067200000}
		if !t.ExpiresAt.IsZero() {
			tok["expiresAt"] = t.ExpiresAt.UnixMilli()
		}
		providertest.WriteJSON(w, 200, map[string]any{"token": tok})
	})
	return s
}

// AddToken registers a token.
func (s *Server) AddToken(token string, info TokenInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = info
}

// Auth checks the bearer token, writing Vercel's 403 when it is bad.
func (s *Server) Auth(w http.ResponseWriter, r *http.Request) (TokenInfo, bool) {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if tok == "" {
		WriteError(w, 403, map[string]any{"code": "forbidden", "message": "Not authorized", "missingToken": true})
		return TokenInfo{}, false
	}
	s.mu.Lock()
	t, ok := s.tokens[tok]
	s.mu.Unlock()
	if !ok || (!t.ExpiresAt.IsZero() && time.Now().After(t.ExpiresAt)) {
		WriteError(w, 403, map[string]any{"code": "forbidden", "message": "Not authorized", "invalidToken": true})
		return t, false
	}
	return t, true
}

// WriteError writes Vercel's error envelope.
func WriteError(w http.ResponseWriter, status int, e map[string]any) {
	providertest.WriteJSON(w, status, map[string]any{"error": e})
}

func writeFault(w http.ResponseWriter, _ *http.Request, f providertest.Fault) {
	switch f.Kind {
	case providertest.Unauthorized, providertest.Expired:
		WriteError(w, 403, map[string]any{"code": "forbidden", "message": "Not authorized", "invalidToken": true})
	case providertest.Forbidden:
		WriteError(w, 403, map[string]any{"code": "forbidden", "message": "You don't have permission to create the project.", "action": "project:create", "resource": "project"})
	case providertest.RateLimited:
		WriteError(w, 429, map[string]any{"code": "rate_limited", "message": "Rate limit exceeded"})
	default:
		WriteError(w, 500, map[string]any{"code": "internal_server_error", "message": "An unexpected internal error occurred"})
	}
}
