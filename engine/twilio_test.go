package engine_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

const number = "+15005550006"

var twilioKey = engine.Key{Provider: "twilio", Type: "number_webhooks", Name: "api/" + number}

func twilioRig(t *testing.T) (*extRig, string) {
	svcs := []*patchbayv1.Service{{Path: "api", Name: "api", Language: "typescript"}}
	r := newExtRig(t, svcs, []*patchbayv1.Finding{
		webhookFinding("api", "twilio", "/twilio/sms"),
		webhookFinding("api", "twilio", "/twilio/voice"),
		envRead("api", "twilio", "TWILIO_PHONE_NUMBER"),
	})
	sid := r.twilio.AddNumber(number, "https://old.example/sms", "https://old.example/voice", "https://old.example/status")
	r.writeConfig("api", `{"twilio": {"numbers": [{"phone_number": "`+number+`"}]}}`)
	return r, sid
}

func TestTwilioNumberWebhooksFollowURLsAndAreRestored(t *testing.T) {
	t.Parallel()
	r, sid := twilioRig(t)
	p := r.planApply()
	if d := cmp.Diff(map[string]engine.Action{twilioKey.String(): engine.ActionCreate}, changedSteps(p)); d != "" {
		t.Fatalf("plan (-want +got):\n%s\n%s", d, p.Summary())
	}
	n := r.twilio.Numbers()[sid]
	if n.SMSURL != "https://dev.example.net:8080/twilio/sms" || n.VoiceURL != "https://dev.example.net:8080/twilio/voice" || n.SMSMethod != "POST" {
		t.Errorf("number = %+v", n)
	}
	if n.StatusCallback != "https://old.example/status" {
		t.Errorf("status callback Patchbay does not manage changed: %q", n.StatusCallback)
	}
	if got := r.vars()["TWILIO_PHONE_NUMBER"]; got != number {
		t.Errorf("TWILIO_PHONE_NUMBER = %q", got)
	}
	if p := r.plan(); p.HasChanges() {
		t.Errorf("second plan:\n%s", p.Summary())
	}

	r.setURLs("https://app.example.dev", "https://api.example.dev")
	p = r.planApply()
	if a := changedSteps(p)[twilioKey.String()]; a != engine.ActionUpdate {
		t.Fatalf("URL change action = %s\n%s", a, p.Summary())
	}
	n = r.twilio.Numbers()[sid]
	if n.SMSURL != "https://api.example.dev/twilio/sms" || n.VoiceURL != "https://api.example.dev/twilio/voice" {
		t.Errorf("after URL change = %+v", n)
	}

	// Destroy gives the number back as it was; it is never released.
	r.destroy()
	n, ok := r.twilio.Numbers()[sid]
	if !ok {
		t.Fatal("destroy released a number Patchbay did not buy")
	}
	if n.SMSURL != "https://old.example/sms" || n.VoiceURL != "https://old.example/voice" || n.StatusCallback != "https://old.example/status" {
		t.Errorf("previous URLs not restored: %+v", n)
	}
}

func TestTwilioNumberNotInAccount(t *testing.T) {
	t.Parallel()
	r, _ := twilioRig(t)
	r.writeConfig("api", `{"twilio": {"numbers": [{"phone_number": "+15005550999", "status_callback_route": "/twilio/status"}]}}`)
	p := r.plan()
	_, err := r.eng.Apply(t.Context(), p.ID, nil)
	if err == nil || !strings.Contains(err.Error(), "does not buy numbers") {
		t.Errorf("apply = %v", err)
	}
}

func TestTwilioWebhooksWithoutNumberWarn(t *testing.T) {
	t.Parallel()
	r, _ := twilioRig(t)
	r.writeConfig("api", `{}`)
	p := r.plan()
	if p.HasChanges() || !strings.Contains(strings.Join(p.Warnings, "\n"), "declares no number") {
		t.Errorf("plan:\n%s", p.Summary())
	}
}

// TestTwilioNumberBoundToApplication: a number bound to a TwiML
// application or a SIP trunk ignores its own URLs, so writing the URLs is
// not enough: the plan says the bindings go (never "converged" while they
// stay), the apply lifts them, and destroy binds the number back.
func TestTwilioNumberBoundToApplication(t *testing.T) {
	t.Parallel()
	r, sid := twilioRig(t)
	const voiceApp, smsApp, trunk = "AP00000000000000000000000000000001", "AP00000000000000000000000000000002", "TK00000000000000000000000000000003"
	r.twilio.BindNumber(sid, voiceApp, smsApp, trunk)
	p := r.plan()
	if _, err := r.eng.Apply(t.Context(), p.ID, nil); err != nil {
		t.Fatal(err)
	}
	n := r.twilio.Numbers()[sid]
	if n.VoiceApplicationSID != "" || n.SMSApplicationSID != "" || n.TrunkSID != "" || n.VoiceURL != "https://dev.example.net:8080/twilio/voice" {
		t.Errorf("after apply = %+v", n)
	}
	if p := r.plan(); p.HasChanges() {
		t.Errorf("second plan:\n%s", p.Summary())
	}
	// Someone binds it again in the console: the plan says the binding
	// goes (it read as converged before).
	r.twilio.BindNumber(sid, voiceApp, "", "")
	if p := r.plan(); !p.HasChanges() || !strings.Contains(p.Summary(), "voice_application_sid") {
		t.Errorf("a number bound again:\n%s", p.Summary())
	} else if _, err := r.eng.Apply(t.Context(), p.ID, nil); err != nil {
		t.Fatal(err)
	}
	r.destroy()
	n = r.twilio.Numbers()[sid]
	if n.VoiceApplicationSID != voiceApp || n.SMSApplicationSID != smsApp || n.TrunkSID != trunk || n.VoiceURL != "https://old.example/voice" {
		t.Errorf("destroy did not bind it back: %+v", n)
	}
}
