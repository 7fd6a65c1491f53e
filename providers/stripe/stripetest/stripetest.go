// Package stripetest is an in-repo fake of the Stripe API following
// providers.md §1: Bearer or Basic key auth, the error envelope
// {"error":{type,code,message}}, restricted-key 403s and fault injection.
// Provisioning tests add resource routes through Server.Mux.
package stripetest

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// TestKey is a valid unrestricted test-mode key of the default account.
const TestKey = "sk_test_51PatchbayFakeKey0000000000"

// Account is the default account id.
const Account = "acct_1PatchbayFake"

// Key describes a key the fake accepts.
type Key struct {
	Account string
	Expired bool
	// Restricted keys may only use the listed rak_ permissions.
	Restricted bool
	Perms      []string
}

// Server is the fake.
type Server struct {
	*providertest.Server
	mu   sync.Mutex
	keys map[string]Key
}

// New starts a fake with TestKey registered.
func New(tb providertest.T) *Server {
	s := &Server{keys: map[string]Key{TestKey: {Account: Account}}}
	s.Server = providertest.New(tb, writeFault)
	s.Handle("GET /v1/account", func(w http.ResponseWriter, r *http.Request) {
		k, ok := s.Auth(w, r, "rak_account_read")
		if !ok {
			return
		}
		providertest.WriteJSON(w, http.StatusOK, map[string]any{"id": k.Account, "object": "account", "charges_enabled": true, "country": "US"})
	})
	for path, perm := range map[string]string{"products": "rak_product_write", "prices": "rak_price_write", "webhook_endpoints": "rak_webhook_write"} {
		s.Handle("GET /v1/"+path, func(w http.ResponseWriter, r *http.Request) {
			if _, ok := s.Auth(w, r, perm); !ok {
				return
			}
			providertest.WriteJSON(w, http.StatusOK, map[string]any{"object": "list", "data": []any{}, "has_more": false, "url": "/v1/" + path})
		})
	}
	return s
}

// AddKey registers a key.
func (s *Server) AddKey(key string, k Key) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if k.Account == "" {
		k.Account = Account
	}
	s.keys[key] = k
}

// Auth checks the request's key and that it holds perm (for restricted
// keys), writing Stripe's error when not. Route handlers added by other
// packages use it too.
func (s *Server) Auth(w http.ResponseWriter, r *http.Request, perm string) (Key, bool) {
	key := bearerOrBasic(r)
	s.mu.Lock()
	k, ok := s.keys[key]
	s.mu.Unlock()
	switch {
	case key == "":
		WriteError(w, http.StatusUnauthorized, "invalid_request_error", "", "You did not provide an API key.")
		return k, false
	case !ok:
		WriteError(w, http.StatusUnauthorized, "invalid_request_error", "", "Invalid API Key provided: "+maskKey(key))
		return k, false
	case k.Expired:
		WriteError(w, http.StatusUnauthorized, "invalid_request_error", "api_key_expired", "Expired API Key provided: "+maskKey(key))
		return k, false
	case k.Restricted && !has(k.Perms, perm):
		WriteError(w, http.StatusForbidden, "invalid_request_error", "", fmt.Sprintf(
			"The provided key '%s' does not have the required permissions for this endpoint on account '%s'. Having the '%s' permission would allow this request to continue.",
			maskKey(key), k.Account, strings.Replace(perm, "_write", "_read", 1)))
		return k, false
	}
	return k, true
}

// WriteError writes Stripe's error envelope.
func WriteError(w http.ResponseWriter, status int, typ, code, msg string) {
	e := map[string]any{"type": typ, "message": msg}
	if code != "" {
		e["code"] = code
	}
	w.Header().Set("Request-Id", "req_fake")
	providertest.WriteJSON(w, status, map[string]any{"error": e})
}

func writeFault(w http.ResponseWriter, r *http.Request, f providertest.Fault) {
	switch f.Kind {
	case providertest.Unauthorized:
		WriteError(w, 401, "invalid_request_error", "", "Invalid API Key provided: sk_test_****0000")
	case providertest.Expired:
		WriteError(w, 401, "invalid_request_error", "api_key_expired", "Expired API Key provided: sk_test_****0000")
	case providertest.Forbidden:
		WriteError(w, 403, "invalid_request_error", "", "The provided key 'rk_test_***0000' does not have the required permissions for this endpoint on account 'acct_1PatchbayFake'. Having the 'rak_webhook_read' permission would allow this request to continue.")
	case providertest.RateLimited:
		WriteError(w, 429, "invalid_request_error", "rate_limit", "Too many requests hit the API too quickly.")
	default:
		WriteError(w, 500, "api_error", "", "An unknown error occurred.")
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

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
