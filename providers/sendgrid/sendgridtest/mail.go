package sendgridtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// Mail is a message the fake accepted on POST /v3/mail/send.
type Mail struct {
	ID   string
	Body map[string]any
}

// Sent returns the messages accepted so far.
func (s *Server) Sent() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.st.mail...)
}

// sendMail follows v3 Mail Send
// (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send):
// the key needs mail.send; a JSON body with 1 to 1000 personalizations,
// each with at least one "to" address, at most 1000 recipients in all; a
// "from" with an email; a subject, unless a template_id is given or every
// personalization has one; at least one content block with type and
// value, unless a template_id is given. Refusals are 400 with the messages
// of the Mail Send errors page
// (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/errors).
// The answer is 202 with an empty body and the id in X-Message-Id.
func (s *Server) sendMail(w http.ResponseWriter, r *http.Request, _ []string) {
	var m struct {
		Personalizations []struct {
			To      []struct{ Email string } `json:"to"`
			Cc      []struct{ Email string } `json:"cc"`
			Bcc     []struct{ Email string } `json:"bcc"`
			Subject string                   `json:"subject"`
		} `json:"personalizations"`
		From *struct {
			Email string `json:"email"`
		} `json:"from"`
		Subject    string `json:"subject"`
		TemplateID string `json:"template_id"`
		Content    []struct {
			Type  string `json:"type"`
			Value string `json:"value"`
		} `json:"content"`
	}
	var raw map[string]any
	body := json.NewDecoder(r.Body)
	var buf json.RawMessage
	if err := body.Decode(&buf); err != nil || json.Unmarshal(buf, &m) != nil || json.Unmarshal(buf, &raw) != nil {
		fieldError(w, http.StatusBadRequest, "", "Bad Request")
		return
	}
	n := len(m.Personalizations)
	switch {
	case n == 0:
		fieldError(w, http.StatusBadRequest, "personalizations", "You must have at least one personalization.")
		return
	case n > 1000:
		fieldError(w, http.StatusBadRequest, "personalizations",
			fmt.Sprintf("The personalization block is limited to 1000 personalizations per API request. You have provided %d personalizations. Please consider splitting this into multiple requests and resending your request.", n))
		return
	}
	recipients, everySubject := 0, true
	for i, p := range m.Personalizations {
		if len(p.To) == 0 || strings.TrimSpace(p.To[0].Email) == "" {
			fieldError(w, http.StatusBadRequest, fmt.Sprintf("personalizations.%d.to", i),
				"The to array is required for all personalization objects, and must have at least one email object with a valid email address.")
			return
		}
		recipients += len(p.To) + len(p.Cc) + len(p.Bcc)
		everySubject = everySubject && p.Subject != ""
	}
	switch {
	case recipients > 1000:
		fieldError(w, http.StatusBadRequest, "personalizations", "There is a limit of 1000 total recipients (to + cc + bcc) per request.")
	case m.From == nil || strings.TrimSpace(m.From.Email) == "":
		fieldError(w, http.StatusBadRequest, "from.email",
			"The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.")
	case m.Subject == "" && m.TemplateID == "" && !everySubject:
		fieldError(w, http.StatusBadRequest, "subject",
			"The subject is required. You can get around this requirement if you use a template with a subject defined or if every single personalization has a subject defined.")
	case len(m.Content) == 0 && m.TemplateID == "":
		fieldError(w, http.StatusBadRequest, "content",
			"Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.")
	default:
		for i, c := range m.Content {
			if c.Type == "" || c.Value == "" {
				fieldError(w, http.StatusBadRequest, fmt.Sprintf("content.%d", i), "The content value must be a string at least one character in length.")
				return
			}
		}
		s.st.seq++
		id := fmt.Sprintf("fakeMessage%010d", s.st.seq)
		s.st.mail = append(s.st.mail, Mail{ID: id, Body: raw})
		s.Changed()
		w.Header().Set("X-Message-Id", id)
		w.WriteHeader(http.StatusAccepted)
	}
}
