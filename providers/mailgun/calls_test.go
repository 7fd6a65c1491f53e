package mailgun_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/mailgun"
	"github.com/patchbay-dev/patchbay/providers/mailgun/mailguntest"
	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// lifecycle makes every call of Patchbay's Mailgun code against the fake:
// the credential check (with a sending domain) and the send_email action.
// It fails when a call is refused.
func lifecycle(ctx context.Context, s *mailguntest.Server) error {
	vals := providers.Values{"api_key": mailguntest.Key, "region": "us", "domain": mailguntest.Domain}
	if r := mailgun.Provider().Credentials.Check(ctx, vals, s.Env(0, "MAILGUN")); r.Status != providers.StatusOK {
		return fmt.Errorf("check: %v %s", r.Status, r.Summary)
	}
	send := mailgun.Provider().Actions[0]
	if _, err := send.Run(ctx, providers.ActionEnv{BaseURL: s.URL}, map[string]string(vals),
		map[string]any{"from": "Shop <shop@" + mailguntest.Domain + ">", "to": []any{"jenny@example.com"}, "subject": "Receipt", "text": "Thanks"}, ""); err != nil {
		return fmt.Errorf("send_email: %w", err)
	}
	return nil
}

// TestCallsDeclarePermissions derives what Patchbay asks of a Mailgun key
// from what its code calls: every request the check and the send_email
// action make must be declared in mailgun.Calls, every declared call must
// be made, and the form must name exactly what the calls need.
func TestCallsDeclarePermissions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := mailguntest.New(t)
	if err := lifecycle(ctx, s); err != nil {
		t.Fatal(err)
	}
	providertest.CheckCalls(t, "mailgun.Calls", mailgun.Calls, s.Requests())
	for _, c := range mailgun.Calls {
		if len(c.Needs) == 0 {
			t.Errorf("mailgun.Calls declares %s needing nothing; every Mailgun call needs a key allowed to make it", c.Op)
		}
	}
	form := mailgun.Provider().Credentials.Permissions
	want := "Account API key able to " + strings.Join(mailgun.RequiredPermissions, " and ") + " (a domain sending key cannot list domains)"
	if !slices.Equal(form, []string{want}) {
		t.Errorf("the form asks for %q, the calls need %q", form, want)
	}
}
