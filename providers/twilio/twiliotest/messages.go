package twiliotest

import (
	"fmt"
	"net/http"
	"time"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// handleMessages serves Create a Message
// (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource):
// POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded, To
// required, Body (or MediaUrl) required, From or MessagingServiceSid
// required; 201 with the Message resource, status "queued" (or "accepted"
// with a Messaging Service). The fake keeps no messages.
func (s *Server) handleMessages() {
	s.Handle("POST /2010-04-01/Accounts/{sid}/Messages.json", s.accountRoute(s.createMessage))
}

func (s *Server) createMessage(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		WriteError(w, 400, 20001, "Invalid request body")
		return
	}
	f := r.PostForm
	switch {
	case f.Get("To") == "":
		WriteError(w, 400, 21604, "A 'To' phone number is required.")
		return
	case f.Get("Body") == "" && f.Get("MediaUrl") == "":
		WriteError(w, 400, 21602, "Message body is required.")
		return
	case f.Get("From") == "" && f.Get("MessagingServiceSid") == "":
		WriteError(w, 400, 21603, "A 'From' phone number is required.")
		return
	}
	s.seq++
	status := "queued"
	if f.Get("MessagingServiceSid") != "" {
		status = "accepted"
	}
	account := r.PathValue("sid")
	sid := fmt.Sprintf("SM%032x", s.seq)
	providertest.WriteJSON(w, 201, map[string]any{"sid": sid, "account_sid": account, "to": f.Get("To"), "from": f.Get("From"),
		"messaging_service_sid": f.Get("MessagingServiceSid"), "body": f.Get("Body"), "status": status, "direction": "outbound-api",
		"date_created": time.Now().UTC().Format(time.RFC1123Z), "num_segments": "1",
		"uri": "/2010-04-01/Accounts/" + account + "/Messages/" + sid + ".json"})
}
