package twiliotest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// Number is an IncomingPhoneNumber of the fake's account.
type Number struct {
	SID, PhoneNumber, FriendlyName           string
	SMSURL, SMSMethod, VoiceURL, VoiceMethod string
	StatusCallback, StatusCallbackMethod     string
	SMSFallbackURL, VoiceFallbackURL         string
	// A number bound to an application or a SIP trunk ignores its own
	// URLs for that role (IncomingPhoneNumber resource: voice_application_sid,
	// sms_application_sid, trunk_sid).
	VoiceApplicationSID, SMSApplicationSID, TrunkSID string
}

// numberParams are the writable parameters (PascalCase, form-encoded) and
// the Number field each sets.
var numberParams = map[string]func(*Number) *string{
	"FriendlyName":         func(n *Number) *string { return &n.FriendlyName },
	"SmsUrl":               func(n *Number) *string { return &n.SMSURL },
	"SmsMethod":            func(n *Number) *string { return &n.SMSMethod },
	"SmsFallbackUrl":       func(n *Number) *string { return &n.SMSFallbackURL },
	"VoiceUrl":             func(n *Number) *string { return &n.VoiceURL },
	"VoiceMethod":          func(n *Number) *string { return &n.VoiceMethod },
	"VoiceFallbackUrl":     func(n *Number) *string { return &n.VoiceFallbackURL },
	"StatusCallback":       func(n *Number) *string { return &n.StatusCallback },
	"StatusCallbackMethod": func(n *Number) *string { return &n.StatusCallbackMethod },
	"VoiceApplicationSid":  func(n *Number) *string { return &n.VoiceApplicationSID },
	"SmsApplicationSid":    func(n *Number) *string { return &n.SMSApplicationSID },
	"TrunkSid":             func(n *Number) *string { return &n.TrunkSID },
}

func (s *Server) handleNumbers() {
	s.Handle("GET /2010-04-01/Accounts/{sid}/IncomingPhoneNumbers.json", s.accountRoute(s.listNumbers))
	s.Handle("GET /2010-04-01/Accounts/{sid}/IncomingPhoneNumbers/{file}", s.accountRoute(s.getNumber))
	s.Handle("POST /2010-04-01/Accounts/{sid}/IncomingPhoneNumbers/{file}", s.accountRoute(s.updateNumber))
	s.Handle("DELETE /2010-04-01/Accounts/{sid}/IncomingPhoneNumbers/{file}", s.accountRoute(s.releaseNumber))
}

// AddNumber puts a number (bought outside Patchbay) into the default
// account with the given webhook URLs and returns its SID.
func (s *Server) AddNumber(e164, smsURL, voiceURL, statusCallback string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	n := &Number{SID: fmt.Sprintf("PN%032x", s.seq), PhoneNumber: e164, FriendlyName: e164, SMSURL: smsURL, SMSMethod: "POST",
		VoiceURL: voiceURL, VoiceMethod: "POST", StatusCallback: statusCallback, StatusCallbackMethod: "POST"}
	if s.numbers == nil {
		s.numbers = map[string]*Number{}
	}
	s.numbers[n.SID] = n
	return n.SID
}

// BindNumber binds a number to applications or a trunk (empty: none), as
// the Twilio console does.
func (s *Server) BindNumber(sid, voiceApp, smsApp, trunk string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.numbers[sid]
	n.VoiceApplicationSID, n.SMSApplicationSID, n.TrunkSID = voiceApp, smsApp, trunk
}

// Numbers returns the default account's numbers by SID.
func (s *Server) Numbers() map[string]Number {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]Number{}
	for id, n := range s.numbers {
		out[id] = *n
	}
	return out
}

// accountRoute checks credentials against the account in the path and runs
// h locked. Numbers belong to the default account.
func (s *Server) accountRoute(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.Auth(w, r, r.PathValue("sid")) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		h(w, r)
	}
}

func (n *Number) object(account string) map[string]any {
	nullable := func(v string) any {
		if v == "" {
			return nil
		}
		return v
	}
	return map[string]any{"sid": n.SID, "account_sid": account, "phone_number": n.PhoneNumber, "friendly_name": n.FriendlyName,
		"sms_url": n.SMSURL, "sms_method": n.SMSMethod, "sms_fallback_url": n.SMSFallbackURL, "voice_url": nullable(n.VoiceURL),
		"voice_method": n.VoiceMethod, "voice_fallback_url": nullable(n.VoiceFallbackURL), "status_callback": n.StatusCallback,
		"status_callback_method": n.StatusCallbackMethod, "capabilities": map[string]bool{"sms": true, "voice": true, "mms": true},
		"voice_application_sid": nullable(n.VoiceApplicationSID), "sms_application_sid": nullable(n.SMSApplicationSID), "trunk_sid": nullable(n.TrunkSID),
		"uri": "/2010-04-01/Accounts/" + account + "/IncomingPhoneNumbers/" + n.SID + ".json"}
}

func (s *Server) listNumbers(w http.ResponseWriter, r *http.Request) {
	account := r.PathValue("sid")
	want := r.URL.Query().Get("PhoneNumber")
	var ids []string
	for id, n := range s.numbers {
		if want == "" || n.PhoneNumber == want {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	out := []map[string]any{}
	for _, id := range ids {
		out = append(out, s.numbers[id].object(account))
	}
	// The list envelope of the 2010-04-01 API
	// (https://www.twilio.com/docs/usage/twilios-response#response-formats-list-json).
	providertest.WriteJSON(w, 200, map[string]any{"incoming_phone_numbers": out, "page": 0, "page_size": 50,
		"start": 0, "end": max(len(out)-1, 0), "first_page_uri": r.URL.RequestURI(), "previous_page_uri": nil,
		"next_page_uri": nil, "uri": r.URL.RequestURI()})
}

func (s *Server) findNumber(w http.ResponseWriter, r *http.Request) (*Number, bool) {
	sid, ok := strings.CutSuffix(r.PathValue("file"), ".json")
	n := s.numbers[sid]
	if !ok || n == nil {
		WriteError(w, 404, 20404, "The requested resource "+r.URL.Path+" was not found")
		return nil, false
	}
	return n, true
}

func (s *Server) getNumber(w http.ResponseWriter, r *http.Request) {
	if n, ok := s.findNumber(w, r); ok {
		providertest.WriteJSON(w, 200, n.object(r.PathValue("sid")))
	}
}

// updateNumber sets the parameters sent and leaves the others alone.
func (s *Server) updateNumber(w http.ResponseWriter, r *http.Request) {
	n, ok := s.findNumber(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		WriteError(w, 400, 20001, "Invalid request body")
		return
	}
	c := *n
	for k := range r.PostForm {
		field, known := numberParams[k]
		if !known {
			WriteError(w, 400, 20001, "Invalid parameter: "+k)
			return
		}
		v := r.PostForm.Get(k)
		switch {
		case strings.HasSuffix(k, "Method"):
			if v != "GET" && v != "POST" {
				WriteError(w, 400, 20001, k+" must be GET or POST")
				return
			}
		case strings.HasSuffix(k, "Sid"):
			// "" unbinds; otherwise an application (AP...) or trunk
			// (TK...) SID of 34 characters.
			prefix := "AP"
			if k == "TrunkSid" {
				prefix = "TK"
			}
			if v != "" && (len(v) != 34 || !strings.HasPrefix(v, prefix)) {
				WriteError(w, 400, 20001, "Invalid "+k+": "+v)
				return
			}
		case strings.HasSuffix(k, "Url") || k == "StatusCallback":
			if v != "" && !callbackURL(v) {
				WriteError(w, 400, 21502, "Invalid "+k+": "+v)
				return
			}
		}
		*field(&c) = v
	}
	*n = c
	s.Changed()
	providertest.WriteJSON(w, 200, n.object(r.PathValue("sid")))
}

// callbackURL follows error 21502, "Invalid callback url"
// (https://www.twilio.com/docs/api/errors/21502): a fully qualified http://
// or https:// URL with a valid hostname, no underscores in it
// (https://www.twilio.com/docs/api/errors/21609), at most 4000 characters,
// its query properly URL-encoded. Twilio does not refuse an unreachable
// host when the number is configured (it fails on delivery), so neither
// does the fake.
func callbackURL(v string) bool {
	u, err := url.Parse(v)
	if err != nil || len(v) > 4000 || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || strings.ContainsAny(v, " \t\n") {
		return false
	}
	for _, label := range strings.Split(u.Hostname(), ".") {
		if label == "" || strings.ContainsRune(label, '_') || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
	}
	_, err = url.ParseQuery(u.RawQuery)
	return err == nil
}

func (s *Server) releaseNumber(w http.ResponseWriter, r *http.Request) {
	n, ok := s.findNumber(w, r)
	if !ok {
		return
	}
	delete(s.numbers, n.SID)
	s.Changed()
	w.WriteHeader(http.StatusNoContent)
}
