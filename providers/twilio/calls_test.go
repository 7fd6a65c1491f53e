package twilio_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/twilio"
	"github.com/patchbay-dev/patchbay/providers/twilio/twiliotest"
)

// lifecycle makes every call of Patchbay's Twilio code against the fake:
// the credential check (Auth Token and API key), every method of the
// number_webhooks type, and the send_sms action. It fails when a call is
// refused.
func lifecycle(ctx context.Context, s *twiliotest.Server) error {
	vals := providers.Values{"account_sid": twiliotest.AccountSid, "auth_token": twiliotest.AuthToken,
		"api_key_sid": twiliotest.KeySid, "api_key_secret": twiliotest.KeySecret}
	if r := twilio.Provider().Credentials.Check(ctx, vals, s.Env(0, "TWILIO")); r.Status != providers.StatusOK {
		return fmt.Errorf("check: %v %s", r.Status, r.Summary)
	}
	creds := providers.Credentials(vals)
	s.AddNumber("+15005550006", "https://old.example.com/sms", "https://old.example.com/voice", "")
	rt := twilio.NewNumberWebhooksType(providers.HTTPOptions{BaseURL: s.URL})
	desired := providers.Props{"phone_number": {"+15005550006"}, "sms_url": {"https://api.shop.example.com/twilio/sms"}}
	st, err := rt.Create(ctx, creds, desired, "")
	if err != nil {
		return fmt.Errorf("number_webhooks create: %w", err)
	}
	if _, err := rt.Read(ctx, creds, st.ID); err != nil {
		return fmt.Errorf("number_webhooks read: %w", err)
	}
	if _, err := rt.Lookup(ctx, creds, desired); err != nil {
		return fmt.Errorf("number_webhooks lookup: %w", err)
	}
	desired["voice_url"] = []string{"https://api.shop.example.com/twilio/voice"}
	if _, err := rt.Update(ctx, creds, st.ID, desired); err != nil {
		return fmt.Errorf("number_webhooks update: %w", err)
	}
	if err := rt.Delete(ctx, creds, st.ID); err != nil {
		return fmt.Errorf("number_webhooks delete: %w", err)
	}
	send := twilio.Provider().Actions[0]
	if _, err := send.Run(ctx, providers.ActionEnv{BaseURL: s.URL}, map[string]string(vals),
		map[string]any{"to": "+15005550010", "from": "+15005550006", "body": "Your code is 1234"}, ""); err != nil {
		return fmt.Errorf("send_sms: %w", err)
	}
	return nil
}

// TestCallsDeclarePermissions derives what Patchbay asks of a Twilio
// credential from what its code calls: every request the check, the
// number_webhooks type and the send_sms action make must be declared in
// twilio.Calls, every declared call must be made, and the form must name
// exactly the permissions the calls need.
func TestCallsDeclarePermissions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := twiliotest.New(t)
	if err := lifecycle(ctx, s); err != nil {
		t.Fatal(err)
	}
	providertest.CheckCalls(t, "twilio.Calls", twilio.Calls, s.Requests())
	for _, c := range twilio.Calls {
		if len(c.Needs) == 0 {
			t.Errorf("twilio.Calls declares %s needing nothing; every Twilio call needs access to its resource", c.Op)
		}
	}
	form := twilio.Provider().Credentials.Permissions
	want := "Standard API key (or the Auth Token): " + strings.Join(twilio.RequiredPermissions, ", ")
	if !slices.Equal(form, []string{want}) {
		t.Errorf("the form asks for %q, the calls need %q", form, want)
	}
}
