// Package twiliotest is an in-repo fake of the Twilio REST API following
// providers.md §14: Basic auth with AccountSid:AuthToken or
// ApiKeySid:Secret, {"code","message","more_info","status"} errors, and
// the account's IncomingPhoneNumbers (numbers.go): find by PhoneNumber,
// read, set webhook URLs (only the parameters sent change), release; and
// Messages (messages.go): create.
package twiliotest

import (
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// Valid credentials of the fake's account.
const (
	AccountSid = "AC0123456789abcdef0123456789abcdef"
	AuthToken  = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
	KeySid     = "SKfedcba9876543210fedcba9876543210"
	KeySecret  = "patchbayFakeKeySecret0123456789"
)

// Server is the fake.
type Server struct {
	*providertest.Server
	mu sync.Mutex
	// creds maps username to {password, account sid}.
	creds   map[string][2]string
	status  map[string]string
	numbers map[string]*Number
	seq     int
}

// New starts the fake with the valid account and key registered.
func New(tb providertest.T) *Server {
	s := &Server{creds: map[string][2]string{AccountSid: {AuthToken, AccountSid}, KeySid: {KeySecret, AccountSid}}, status: map[string]string{AccountSid: "active"}}
	s.Server = providertest.New(tb, writeFault)
	s.Handle("GET /2010-04-01/Accounts/{file}", func(w http.ResponseWriter, r *http.Request) {
		sid, ok := strings.CutSuffix(r.PathValue("file"), ".json")
		if !ok {
			WriteError(w, 404, 20404, "The requested resource was not found")
			return
		}
		if !s.Auth(w, r, sid) {
			return
		}
		// "Standard: access to all Twilio API resources, except for
		// Accounts (/Accounts) or Keys ... resources" (Create API keys in
		// Twilio Console, Types of keys; Key resource v1): an API key is
		// refused the Account resource itself, as an authentication error.
		if user, _, _ := r.BasicAuth(); strings.HasPrefix(user, "SK") {
			WriteError(w, 401, 20003, "Authenticate")
			return
		}
		s.mu.Lock()
		st := s.status[sid]
		s.mu.Unlock()
		providertest.WriteJSON(w, 200, map[string]any{"sid": sid, "friendly_name": "Patchbay Dev", "status": st, "type": "Full", "owner_account_sid": sid})
	})
	s.handleNumbers()
	s.handleMessages()
	return s
}

// Credentials returns credential values for the default account.
func (s *Server) Credentials() map[string]string {
	return map[string]string{"account_sid": AccountSid, "auth_token": AuthToken}
}

// AddAccount registers another account (status "active", "suspended", "closed").
func (s *Server) AddAccount(sid, token, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creds[sid] = [2]string{token, sid}
	s.status[sid] = status
}

// Auth checks Basic credentials against the account in the path.
func (s *Server) Auth(w http.ResponseWriter, r *http.Request, sid string) bool {
	user, pass, _ := r.BasicAuth()
	s.mu.Lock()
	c, ok := s.creds[user]
	s.mu.Unlock()
	if !ok || c[0] != pass {
		WriteError(w, 401, 20003, "Authenticate")
		return false
	}
	if c[1] != sid {
		WriteError(w, 404, 20404, "The requested resource /2010-04-01/Accounts/"+sid+".json was not found")
		return false
	}
	return true
}

// WriteError writes Twilio's error body.
func WriteError(w http.ResponseWriter, status, code int, msg string) {
	providertest.WriteJSON(w, status, map[string]any{"code": code, "message": msg, "more_info": "https://www.twilio.com/docs/errors/" + strconv.Itoa(code), "status": status})
}

func writeFault(w http.ResponseWriter, _ *http.Request, f providertest.Fault) {
	switch f.Kind {
	case providertest.Unauthorized, providertest.Expired:
		WriteError(w, 401, 20003, "Authenticate")
	case providertest.Forbidden:
		WriteError(w, 403, 20403, "Forbidden")
	case providertest.RateLimited:
		WriteError(w, 429, 20429, "Too Many Requests")
	default:
		WriteError(w, 500, 20500, "Internal Server Error")
	}
}
