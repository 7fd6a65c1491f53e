package twiliotest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/twilio/twiliotest"
)

func call(t *testing.T, s *twiliotest.Server, user, pass, method, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, s.URL+"/2010-04-01/Accounts/"+twiliotest.AccountSid+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(user, pass)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, raw := providertest.Do(t, req)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

func TestIncomingPhoneNumbers(t *testing.T) {
	t.Parallel()
	s := twiliotest.New(t)
	sid := s.AddNumber("+15005550006", "https://old.example/sms", "https://old.example/voice", "")
	user, pass := twiliotest.AccountSid, twiliotest.AuthToken

	st, list := call(t, s, user, pass, "GET", "/IncomingPhoneNumbers.json?PhoneNumber=%2B15005550006", nil)
	if nums := list["incoming_phone_numbers"].([]any); st != 200 || len(nums) != 1 || nums[0].(map[string]any)["sid"] != sid {
		t.Fatalf("find: %d %v", st, list)
	}
	if st, list := call(t, s, user, pass, "GET", "/IncomingPhoneNumbers.json?PhoneNumber=%2B15005550007", nil); st != 200 || len(list["incoming_phone_numbers"].([]any)) != 0 {
		t.Errorf("find other: %d %v", st, list)
	}
	// Only the parameters sent change.
	st, n := call(t, s, user, pass, "POST", "/IncomingPhoneNumbers/"+sid+".json", url.Values{"SmsUrl": {"https://new.example/sms"}, "SmsMethod": {"POST"}})
	if st != 200 || n["sms_url"] != "https://new.example/sms" || n["voice_url"] != "https://old.example/voice" {
		t.Errorf("update: %d %v", st, n)
	}
	for _, tc := range []struct {
		name, user, pass, method, path string
		form                           url.Values
		status, code                   int
	}{
		{"bad URL", user, pass, "POST", "/IncomingPhoneNumbers/" + sid + ".json", url.Values{"VoiceUrl": {"ftp://x"}}, 400, 21502},
		{"underscore host", user, pass, "POST", "/IncomingPhoneNumbers/" + sid + ".json", url.Values{"SmsUrl": {"https://my_app.example/sms"}}, 400, 21502},
		{"no host", user, pass, "POST", "/IncomingPhoneNumbers/" + sid + ".json", url.Values{"StatusCallback": {"https:///status"}}, 400, 21502},
		{"over 4000 characters", user, pass, "POST", "/IncomingPhoneNumbers/" + sid + ".json", url.Values{"VoiceUrl": {"https://x.example/" + strings.Repeat("a", 4000)}}, 400, 21502},
		{"bad query encoding", user, pass, "POST", "/IncomingPhoneNumbers/" + sid + ".json", url.Values{"SmsUrl": {"https://x.example/sms?a=%zz"}}, 400, 21502},
		{"bad method", user, pass, "POST", "/IncomingPhoneNumbers/" + sid + ".json", url.Values{"SmsMethod": {"PUT"}}, 400, 20001},
		{"unknown number", user, pass, "GET", "/IncomingPhoneNumbers/PN0000.json", nil, 404, 20404},
		{"wrong token", user, "nope", "GET", "/IncomingPhoneNumbers.json", nil, 401, 20003},
	} {
		st, body := call(t, s, tc.user, tc.pass, tc.method, tc.path, tc.form)
		// Twilio's error body: code, message, more_info, status.
		if st != tc.status || body["code"] != float64(tc.code) || body["status"] != float64(tc.status) || body["message"] == nil || body["more_info"] == nil {
			t.Errorf("%s: %d %v, want %d/%d", tc.name, st, body, tc.status, tc.code)
		}
	}
	// API keys work with the account SID in the path.
	if st, _ := call(t, s, twiliotest.KeySid, twiliotest.KeySecret, "GET", "/IncomingPhoneNumbers/"+sid+".json", nil); st != 200 {
		t.Errorf("API key: %d", st)
	}
}
