package sendgridtest_test

import (
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/providers/sendgrid/sendgridtest"
)

// TestMailSendRefusals: POST /v3/mail/send refuses what SendGrid's Mail
// Send errors page lists, each as a 400 naming the field, and a key
// without mail.send; a whole message is accepted (202, X-Message-Id).
func TestMailSendRefusals(t *testing.T) {
	t.Parallel()
	s := sendgridtest.New(t)
	const noSend = "SG.noSendKeyId00000000.noSendSecret000000000000000000"
	s.AddKey(noSend, "api_keys.read")
	to := []any{map[string]any{"to": []any{map[string]any{"email": "jenny@example.com"}}}}
	whole := func() map[string]any {
		return map[string]any{"personalizations": to, "from": map[string]any{"email": "shop@example.com"}, "subject": "Receipt",
			"content": []any{map[string]any{"type": "text/plain", "value": "Thanks"}}}
	}
	many := make([]any, 1001)
	for i := range many {
		many[i] = to[0]
	}
	for _, tc := range []struct {
		name   string
		key    string
		change func(m map[string]any)
		status int
		field  string
	}{
		{"no personalization", sendgridtest.Key, func(m map[string]any) { m["personalizations"] = []any{} }, 400, "personalizations"},
		{"over 1000 personalizations", sendgridtest.Key, func(m map[string]any) { m["personalizations"] = many }, 400, "personalizations"},
		{"a personalization without to", sendgridtest.Key, func(m map[string]any) { m["personalizations"] = []any{map[string]any{"subject": "x"}} }, 400, "personalizations.0.to"},
		{"no from", sendgridtest.Key, func(m map[string]any) { delete(m, "from") }, 400, "from.email"},
		{"no subject", sendgridtest.Key, func(m map[string]any) { delete(m, "subject") }, 400, "subject"},
		{"no content", sendgridtest.Key, func(m map[string]any) { delete(m, "content") }, 400, "content"},
		{"empty content", sendgridtest.Key, func(m map[string]any) { m["content"] = []any{map[string]any{"type": "text/plain", "value": ""}} }, 400, "content.0"},
		{"a key without mail.send", noSend, func(map[string]any) {}, 403, ""},
	} {
		m := whole()
		tc.change(m)
		st, body := do(t, s, tc.key, "POST", "/v3/mail/send", m)
		errs, _ := body["errors"].([]any)
		if st != tc.status || len(errs) != 1 {
			t.Errorf("%s: %d %v, want %d with one error", tc.name, st, body, tc.status)
			continue
		}
		e := errs[0].(map[string]any)
		if f, _ := e["field"].(string); f != tc.field || e["message"] == "" {
			t.Errorf("%s: error %v, want field %q", tc.name, e, tc.field)
		}
	}
	// A template with a subject of its own needs neither subject nor content.
	tmpl := whole()
	delete(tmpl, "subject")
	delete(tmpl, "content")
	tmpl["template_id"] = "d-0123456789abcdef0123456789abcdef"
	if st, _ := do(t, s, sendgridtest.Key, "POST", "/v3/mail/send", tmpl); st != 202 {
		t.Errorf("template: %d", st)
	}
	if st, body := do(t, s, sendgridtest.Key, "POST", "/v3/mail/send", whole()); st != 202 || body != nil {
		t.Errorf("whole message: %d %v, want 202 with no body", st, body)
	}
	sent := s.Sent()
	if len(sent) != 2 || !strings.HasPrefix(sent[1].ID, "fakeMessage") || sent[1].Body["subject"] != "Receipt" {
		t.Errorf("sent = %+v", sent)
	}
}
