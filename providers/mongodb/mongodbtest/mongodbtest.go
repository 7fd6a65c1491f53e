// Package mongodbtest is an in-repo fake of the MongoDB Atlas Admin API v2
// following providers.md §7: service-account client credentials at
// /api/oauth/token (Basic auth), versioned media types, and the error
// envelope {"detail","error","errorCode","reason","parameters"}.
package mongodbtest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// Valid service account of OrgID.
const (
	ClientID     = "mdb_sa_id_0123456789abcdef01234567"
	ClientSecret = "mdb_sa_sk_patchbayFakeSecret000000"
	OrgID        = "5f0e0000aaaabbbbccccdddd"
)

// Account describes a service account.
type Account struct {
	Secret string
	Orgs   []string
	// Role "" means it may list orgs; "weak" answers USER_UNAUTHORIZED.
	Role string
	// BlockedIP, when set, answers IP_ADDRESS_NOT_ON_ACCESS_LIST.
	BlockedIP string
}

// Server is the fake.
type Server struct {
	*providertest.Server
	mu       sync.Mutex
	accounts map[string]Account
	tokens   map[string]string // token -> client id
}

// New starts the fake with the valid account registered.
func New(tb providertest.T) *Server {
	s := &Server{accounts: map[string]Account{ClientID: {Secret: ClientSecret, Orgs: []string{OrgID}}}, tokens: map[string]string{}}
	s.Server = providertest.New(tb, writeFault)
	s.Handle("POST /api/oauth/token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, _ := r.BasicAuth()
		_ = r.ParseForm()
		s.mu.Lock()
		a, ok := s.accounts[id]
		s.mu.Unlock()
		// The token request is a form (RFC 6749 §4.4.2, as the service
		// account guide shows:
		// https://www.mongodb.com/docs/atlas/api/service-accounts/generate-oauth2-token/).
		if ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";"); ct != "application/x-www-form-urlencoded" {
			providertest.WriteJSON(w, 400, map[string]any{"error": "invalid_request", "error_description": "Content-Type must be application/x-www-form-urlencoded"})
			return
		}
		if r.PostForm.Get("grant_type") != "client_credentials" {
			providertest.WriteJSON(w, 400, map[string]any{"error": "unsupported_grant_type"})
			return
		}
		if !ok || a.Secret != secret {
			providertest.WriteJSON(w, 401, map[string]any{"error": "invalid_client", "error_description": "Invalid client credentials"})
			return
		}
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		tok := "atlas_tok_" + hex.EncodeToString(b)
		s.mu.Lock()
		s.tokens[tok] = id
		s.mu.Unlock()
		providertest.WriteJSON(w, 200, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600})
	})
	s.Handle("GET /api/atlas/v2/orgs", func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.Auth(w, r)
		if !ok {
			return
		}
		// Return All Organizations
		// (https://www.mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Organizations/operation/listOrganizations):
		// itemsPerPage minimum 1, maximum 500, default 100; pageNum minimum
		// 1, default 1; the answer is a PaginatedOrganizationView (links,
		// results of AtlasOrganization with id, isDeleted, links, name,
		// skipDefaultAlertsSettings, and totalCount). The reference does
		// not name the errorCode of an out-of-range value, so the fake
		// answers its documented 400 ApiError envelope with
		// INVALID_QUERY_PARAMETER and the parameter in badRequestDetail.
		per, page := 100, 1
		for name, dst := range map[string]*int{"itemsPerPage": &per, "pageNum": &page} {
			raw, set := r.URL.Query()[name]
			if !set {
				continue
			}
			n, err := strconv.Atoi(raw[0])
			if err != nil || n < 1 || name == "itemsPerPage" && n > 500 {
				body := map[string]any{"detail": "Invalid query parameter " + name + ": " + raw[0] + ".", "error": 400, "reason": "Bad Request",
					"errorCode": "INVALID_QUERY_PARAMETER", "parameters": []string{name},
					"badRequestDetail": map[string]any{"fields": []any{map[string]any{"field": name, "description": "must be between 1 and 500"}}}}
				providertest.WriteJSON(w, 400, body)
				return
			}
			*dst = n
		}
		self := []any{map[string]any{"href": "https://cloud.mongodb.com" + r.URL.RequestURI(), "rel": "self"}}
		results := []any{}
		for i, o := range a.Orgs {
			if i >= (page-1)*per && len(results) < per {
				results = append(results, map[string]any{"id": o, "name": "Patchbay Org", "isDeleted": false, "skipDefaultAlertsSettings": false,
					"links": []any{map[string]any{"href": "https://cloud.mongodb.com/api/atlas/v2/orgs/" + o, "rel": "self"}}})
			}
		}
		w.Header().Set("Content-Type", "application/vnd.atlas.2023-01-01+json")
		providertest.WriteJSON(w, 200, map[string]any{"links": self, "results": results, "totalCount": len(a.Orgs)})
	})
	return s
}

// AddAccount registers a service account.
func (s *Server) AddAccount(id string, a Account) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accounts[id] = a
}

// versionedAccept is the Accept header of the versioned Admin API v2,
// application/vnd.atlas.YYYY-MM-DD+json
// (https://www.mongodb.com/docs/atlas/api/versioned-api-overview/).
var versionedAccept = regexp.MustCompile(`^application/vnd\.atlas\.[0-9]{4}-[0-9]{2}-[0-9]{2}\+json$`)

// Auth checks the bearer token and the versioned Accept header.
func (s *Server) Auth(w http.ResponseWriter, r *http.Request) (Account, bool) {
	if !versionedAccept.MatchString(r.Header.Get("Accept")) {
		WriteError(w, 406, "INVALID_VERSION_HEADER", "An invalid version header was specified.")
		return Account{}, false
	}
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	id, ok := s.tokens[tok]
	a := s.accounts[id]
	s.mu.Unlock()
	switch {
	case !ok:
		WriteError(w, 401, "", "You are not authorized for this resource.")
	case a.BlockedIP != "":
		WriteError(w, 403, "IP_ADDRESS_NOT_ON_ACCESS_LIST", "IP address "+a.BlockedIP+" is not allowed to access this resource.", a.BlockedIP)
	case a.Role == "weak":
		WriteError(w, 401, "USER_UNAUTHORIZED", "Current user is not authorized to perform this action.")
	default:
		return a, true
	}
	return a, false
}

// WriteError writes the Atlas error envelope.
func WriteError(w http.ResponseWriter, status int, code, detail string, params ...string) {
	body := map[string]any{"detail": detail, "error": status, "reason": http.StatusText(status), "parameters": params}
	if code != "" {
		body["errorCode"] = code
	}
	providertest.WriteJSON(w, status, body)
}

func writeFault(w http.ResponseWriter, r *http.Request, f providertest.Fault) {
	token := r.URL.Path == "/api/oauth/token"
	switch f.Kind {
	case providertest.Unauthorized, providertest.Expired:
		if token {
			providertest.WriteJSON(w, 401, map[string]any{"error": "invalid_client", "error_description": "Invalid client credentials"})
			return
		}
		WriteError(w, 401, "", "You are not authorized for this resource.")
	case providertest.Forbidden:
		WriteError(w, 403, "IP_ADDRESS_NOT_ON_ACCESS_LIST", "IP address 203.0.113.9 is not allowed to access this resource.", "203.0.113.9")
	case providertest.RateLimited:
		WriteError(w, 429, "RATE_LIMITED", "Resource /api/atlas/v2/orgs is limited to 100 requests every 1 minutes.")
	default:
		WriteError(w, 500, "UNEXPECTED_ERROR", "Unexpected error.")
	}
}
