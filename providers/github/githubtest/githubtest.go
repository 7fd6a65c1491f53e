// Package githubtest is an in-repo fake of the GitHub REST API following
// providers.md §11: Bearer tokens, {"message","documentation_url","status"}
// errors, 404 for repositories a token cannot see, fine-grained permission
// 403s, and 403/429 rate limits with x-ratelimit headers. Permissions are
// the fine-grained repository permissions
// (https://docs.github.com/en/rest/authentication/permissions-required-for-fine-grained-personal-access-tokens):
// each endpoint needs one at read or write access, Write includes Read,
// Metadata read is always granted, and every answer to a fine-grained
// token names what the endpoint needs in X-Accepted-GitHub-Permissions
// ("webhooks=read"). Classic tokens carry scopes instead: every answer
// lists them in X-OAuth-Scopes and the endpoint's in X-Accepted-OAuth-Scopes
// (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps).
package githubtest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// Token is a valid token with access to Repo and every permission.
const Token = "github_pat_11FAKE0000000000000000_patchbayfaketoken"

// Repo is the repository the fake knows.
const Repo = "acme/app"

// TokenInfo describes a token.
type TokenInfo struct {
	Login string
	Repos []string
	// Perms are the granted permissions ("webhooks:write", "issues:read");
	// :write includes :read, and metadata:read is always granted.
	Perms []string
	// Scopes make a classic token (ghp_): its OAuth scopes ("repo",
	// "admin:org"). "repo" grants every repository permission.
	Scopes []string
}

// Server is the fake.
type Server struct {
	*providertest.Server
	mu     sync.Mutex
	tokens map[string]TokenInfo
	next   int // the last issue or hook id
}

// New starts the fake with Token registered.
func New(tb providertest.T) *Server {
	s := &Server{tokens: map[string]TokenInfo{Token: {Login: "octodev", Repos: []string{Repo}, Perms: []string{"webhooks:write", "issues:write"}}}}
	s.Server = providertest.New(tb, writeFault)
	s.Handle("GET /user", func(w http.ResponseWriter, r *http.Request) {
		t, ok := s.Auth(w, r)
		if !ok {
			return
		}
		providertest.WriteJSON(w, 200, map[string]any{"login": t.Login, "id": 1, "type": "User"})
	})
	s.Handle("GET /repos/{owner}/{repo}", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := s.Repo(w, r, "metadata:read"); ok {
			providertest.WriteJSON(w, 200, map[string]any{"full_name": r.PathValue("owner") + "/" + r.PathValue("repo"), "private": true})
		}
	})
	s.Handle("GET /repos/{owner}/{repo}/actions/secrets/public-key", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := s.Repo(w, r, "secrets:read"); ok {
			providertest.WriteJSON(w, 200, map[string]any{"key_id": "012345678912345678", "key": "2Sg8iYjAxxmI2LvUXpJjkYrMxURPc8r+dB7TJyvv1234"})
		}
	})
	s.Handle("GET /repos/{owner}/{repo}/hooks", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := s.Repo(w, r, "webhooks:read"); ok {
			providertest.WriteJSON(w, 200, []any{})
		}
	})
	// Create an issue: Issues (write); a webhook: Webhooks (write), answered
	// 201 with the hook; delete one: 204 (REST docs, "Create an issue",
	// "Create a repository webhook", "Delete a repository webhook").
	s.Handle("POST /repos/{owner}/{repo}/issues", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := s.Repo(w, r, "issues:write"); ok {
			s.mu.Lock()
			s.next++
			n := s.next
			s.mu.Unlock()
			providertest.WriteJSON(w, 201, map[string]any{"id": n, "number": n, "state": "open",
				"html_url": "https://github.com/" + r.PathValue("owner") + "/" + r.PathValue("repo") + "/issues/" + strconv.Itoa(n)})
		}
	})
	s.Handle("POST /repos/{owner}/{repo}/hooks", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := s.Repo(w, r, "webhooks:write"); ok {
			s.mu.Lock()
			s.next++
			n := s.next
			s.mu.Unlock()
			providertest.WriteJSON(w, 201, map[string]any{"id": n, "name": "web", "active": true})
		}
	})
	s.Handle("DELETE /repos/{owner}/{repo}/hooks/{id}", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := s.Repo(w, r, "webhooks:write"); ok {
			w.WriteHeader(http.StatusNoContent)
		}
	})
	s.Handle("GET /repos/{owner}/{repo}/issues", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := s.Repo(w, r, "issues:read"); ok {
			providertest.WriteJSON(w, 200, []any{})
		}
	})
	return s
}

// AddToken registers a token.
func (s *Server) AddToken(token string, info TokenInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = info
}

// Auth checks the token.
func (s *Server) Auth(w http.ResponseWriter, r *http.Request) (TokenInfo, bool) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		tok, _ = strings.CutPrefix(h, "token ")
	}
	s.mu.Lock()
	t, ok := s.tokens[tok]
	s.mu.Unlock()
	if !ok {
		WriteError(w, 401, "Bad credentials")
		return t, false
	}
	w.Header().Set("X-RateLimit-Remaining", "4999")
	if t.Scopes != nil {
		w.Header().Set("X-OAuth-Scopes", strings.Join(t.Scopes, ", "))
	}
	return t, true
}

// Grants reports whether the token holds perm ("webhooks:read"): :write
// includes :read, metadata:read is implied, and a classic token's "repo"
// scope covers every repository permission.
func (t TokenInfo) Grants(perm string) bool {
	if perm == "metadata:read" || slices.Contains(t.Perms, perm) || slices.Contains(t.Scopes, "repo") {
		return true
	}
	name, access, _ := strings.Cut(perm, ":")
	return access == "read" && slices.Contains(t.Perms, name+":write")
}

// Repo checks the token can see the request's repository and holds perm.
func (s *Server) Repo(w http.ResponseWriter, r *http.Request, perm string) (TokenInfo, bool) {
	t, ok := s.Auth(w, r)
	if !ok {
		return t, false
	}
	if !slices.Contains(t.Repos, r.PathValue("owner")+"/"+r.PathValue("repo")) {
		WriteError(w, 404, "Not Found")
		return t, false
	}
	if t.Scopes != nil {
		w.Header().Set("X-Accepted-OAuth-Scopes", "repo")
	} else if perm != "" {
		w.Header().Set("X-Accepted-GitHub-Permissions", strings.Replace(perm, ":", "=", 1))
	}
	if perm != "" && !t.Grants(perm) {
		WriteError(w, 403, "Resource not accessible by personal access token")
		return t, false
	}
	return t, true
}

// WriteError writes GitHub's error body.
func WriteError(w http.ResponseWriter, status int, msg string) {
	providertest.WriteJSON(w, status, map[string]any{"message": msg, "documentation_url": "https://docs.github.com/rest", "status": http.StatusText(status)})
}

func writeFault(w http.ResponseWriter, _ *http.Request, f providertest.Fault) {
	switch f.Kind {
	case providertest.Unauthorized, providertest.Expired:
		WriteError(w, 401, "Bad credentials")
	case providertest.Forbidden:
		WriteError(w, 403, "Resource not accessible by personal access token")
	case providertest.RateLimited:
		w.Header().Set("X-RateLimit-Remaining", "0")
		WriteError(w, 429, "API rate limit exceeded for user ID 1.")
	default:
		WriteError(w, 502, "Server Error")
	}
}
