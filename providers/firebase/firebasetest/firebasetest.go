// Package firebasetest is an in-repo fake of the one Google endpoint the
// Firebase credential check calls: Identity Toolkit's public project
// config, GET /v1/projects with an API key
// (https://cloud.google.com/identity-platform/docs/reference/rest/v1/TopLevel/getProjects),
// which answers {"projectId":"<project number>","authorizedDomains":[…]}.
// Errors follow Google's API error model
// (https://cloud.google.com/apis/design/errors): {"error":{"code",
// "message","status","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo",
// "reason","domain","metadata"}]}} with reasons API_KEY_INVALID (400),
// SERVICE_DISABLED (403, naming the consumer project), and
// API_KEY_HTTP_REFERRER_BLOCKED (403) for keys restricted to websites.
package firebasetest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// The fake project and its Web app.
const (
	ProjectID     = "patchbay-fake"
	ProjectNumber = "123456789012"
	APIKey        = "AIzaSyPatchbayFakeWebApiKey000000000000"
	AppID         = "1:" + ProjectNumber + ":web:0123456789abcdef"
	AuthDomain    = ProjectID + ".firebaseapp.com"
	StorageBucket = ProjectID + ".firebasestorage.app"
)

// Key is one API key the fake knows.
type Key struct {
	// Project is the number of the project the key belongs to.
	Project string
	// Referrers, when set, restrict the key to these sites (host names).
	Referrers []string
}

// Server is the fake.
type Server struct {
	*providertest.Server
	mu   sync.Mutex
	keys map[string]Key
	// authDisabled lists project numbers with Identity Toolkit turned off.
	authDisabled map[string]bool
	domains      map[string][]string
}

// New starts the fake with APIKey of the fake project.
func New(tb providertest.T) *Server {
	s := &Server{keys: map[string]Key{APIKey: {Project: ProjectNumber}}, authDisabled: map[string]bool{},
		domains: map[string][]string{ProjectNumber: {"localhost", AuthDomain, ProjectID + ".web.app"}}}
	s.Server = providertest.New(tb, writeFault)
	s.Handle("GET /v1/projects", s.projectConfig)
	return s
}

// Credentials returns form values the fake accepts (the whole web config);
// point PATCHBAY_ENDPOINT_FIREBASE at s.URL.
func (s *Server) Credentials() map[string]string {
	return map[string]string{"api_key": APIKey, "auth_domain": AuthDomain, "project_id": ProjectID, "storage_bucket": StorageBucket,
		"messaging_sender_id": ProjectNumber, "app_id": AppID}
}

// AddKey registers a key.
func (s *Server) AddKey(key string, k Key) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[key] = k
	if s.domains[k.Project] == nil {
		s.domains[k.Project] = []string{"localhost"}
	}
}

// DisableAuth turns Identity Toolkit off for a project number, as a
// project that never opened Authentication in the console has it.
func (s *Server) DisableAuth(project string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.authDisabled[project] = true
}

func (s *Server) projectConfig(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("X-Goog-Api-Key")
	if key == "" {
		key = r.URL.Query().Get("key")
	}
	if key == "" {
		WriteError(w, http.StatusForbidden, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.", "", nil)
		return
	}
	s.mu.Lock()
	k, ok := s.keys[key]
	disabled := s.authDisabled[k.Project]
	domains := slices.Clone(s.domains[k.Project])
	s.mu.Unlock()
	if !ok {
		WriteError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", "API_KEY_INVALID",
			map[string]string{"service": "identitytoolkit.googleapis.com"})
		return
	}
	if len(k.Referrers) > 0 {
		ref := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(r.Header.Get("Referer"), "https://"), "http://"), "/")
		if !slices.Contains(k.Referrers, ref) {
			shown := r.Header.Get("Referer")
			if shown == "" {
				shown = "<empty>"
			}
			WriteError(w, http.StatusForbidden, "PERMISSION_DENIED", fmt.Sprintf("Requests from referer %s are blocked.", shown), "API_KEY_HTTP_REFERRER_BLOCKED",
				map[string]string{"service": "identitytoolkit.googleapis.com", "consumer": "projects/" + k.Project})
			return
		}
	}
	if disabled {
		WriteError(w, http.StatusForbidden, "PERMISSION_DENIED",
			fmt.Sprintf("Identity Toolkit API has not been used in project %s before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/identitytoolkit.googleapis.com/overview?project=%s then retry.", k.Project, k.Project),
			"SERVICE_DISABLED", map[string]string{"service": "identitytoolkit.googleapis.com", "consumer": "projects/" + k.Project})
		return
	}
	providertest.WriteJSON(w, http.StatusOK, map[string]any{"projectId": k.Project, "authorizedDomains": domains})
}

// WriteError writes Google's error envelope; reason "" leaves out the
// ErrorInfo detail.
func WriteError(w http.ResponseWriter, code int, status, message, reason string, metadata map[string]string) {
	e := map[string]any{"code": code, "message": message, "status": status}
	if reason != "" {
		e["details"] = []any{map[string]any{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason,
			"domain": "googleapis.com", "metadata": metadata}}
	}
	providertest.WriteJSON(w, code, map[string]any{"error": e})
}

func writeFault(w http.ResponseWriter, r *http.Request, f providertest.Fault) {
	switch f.Kind {
	case providertest.Unauthorized:
		WriteError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", "API_KEY_INVALID", nil)
	case providertest.Expired:
		WriteError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "API key expired. Please renew the API key.", "API_KEY_EXPIRED", nil)
	case providertest.Forbidden:
		WriteError(w, http.StatusForbidden, "PERMISSION_DENIED", "The caller does not have permission", "", nil)
	case providertest.RateLimited:
		WriteError(w, http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "Quota exceeded.", "RATE_LIMIT_EXCEEDED", nil)
	default:
		WriteError(w, http.StatusServiceUnavailable, "UNAVAILABLE", "The service is currently unavailable.", "", nil)
	}
}
