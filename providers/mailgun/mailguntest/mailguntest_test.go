package mailguntest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/providers/mailgun/mailguntest"
	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// TestSendRefusals: the fake refuses what POST /v3/{domain}/messages
// refuses, with Mailgun's status and {"message"} body.
func TestSendRefusals(t *testing.T) {
	t.Parallel()
	s := mailguntest.New(t)
	ok := url.Values{"from": {"a@" + mailguntest.Domain}, "to": {"b@example.org"}, "subject": {"s"}, "text": {"t"}}
	without := func(k string) url.Values {
		v := url.Values{}
		for key, vs := range ok {
			if key != k {
				v[key] = vs
			}
		}
		return v
	}
	for _, tc := range []struct {
		name, domain, key, ctype string
		form                     url.Values
		status                   int
		message                  string
	}{
		{"queued", mailguntest.Domain, mailguntest.Key, "application/x-www-form-urlencoded", ok, 200, "Queued. Thank you."},
		{"no from", mailguntest.Domain, mailguntest.Key, "application/x-www-form-urlencoded", without("from"), 400, "'from' parameter is missing"},
		{"no to", mailguntest.Domain, mailguntest.Key, "application/x-www-form-urlencoded", without("to"), 400, "'to' parameter is missing"},
		{"no subject", mailguntest.Domain, mailguntest.Key, "application/x-www-form-urlencoded", without("subject"), 400, "'subject' parameter is missing"},
		{"no body", mailguntest.Domain, mailguntest.Key, "application/x-www-form-urlencoded", without("text"), 400, "Need at least one of 'text', 'html', 'amp-html' or 'template' parameters specified"},
		{"options over 16 KB", mailguntest.Domain, mailguntest.Key, "application/x-www-form-urlencoded", func() url.Values {
			v := without("")
			v.Set("h:X-Big", strings.Repeat("x", 17<<10))
			return v
		}(), 400, "Send options (parameters starting with o:, h:, v:, or t:) are limited to 16 KB total"},
		{"JSON body", mailguntest.Domain, mailguntest.Key, "application/json", ok, 400, ""},
		{"other domain", "mg.other.example", mailguntest.Key, "application/x-www-form-urlencoded", ok, 404, "Domain not found: mg.other.example"},
	} {
		req, _ := http.NewRequest("POST", s.URL+"/v3/"+tc.domain+"/messages", strings.NewReader(tc.form.Encode()))
		req.SetBasicAuth("api", tc.key)
		req.Header.Set("Content-Type", tc.ctype)
		resp, raw := providertest.Do(t, req)
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Errorf("%s: body %q is not JSON", tc.name, raw)
			continue
		}
		if resp.StatusCode != tc.status || tc.message != "" && body["message"] != tc.message || body["message"] == nil {
			t.Errorf("%s: %d %v, want %d %q", tc.name, resp.StatusCode, body, tc.status, tc.message)
		}
	}
	if got := s.Messages(); len(got) != 1 || got[0].Form.Get("to") != "b@example.org" || !strings.HasSuffix(got[0].ID, "@"+mailguntest.Domain+">") {
		t.Errorf("accepted = %+v", got)
	}
}
