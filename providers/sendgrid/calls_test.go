package sendgrid_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/sendgrid"
	"github.com/patchbay-dev/patchbay/providers/sendgrid/sendgridtest"
)

// lifecycle makes the calls of Patchbay's SendGrid resource types and
// action against the fake with key: every method of the api_key and
// event_webhook types (the key with Patchbay's default scope, mail.send),
// and the send_email action. It fails when a call is refused. (The
// credential check is left out: it compares the key's scopes with
// RequiredScopes, so it would fail without any of them by construction.)
func lifecycle(ctx context.Context, s *sendgridtest.Server, key string) error {
	o := providers.HTTPOptions{BaseURL: s.URL}
	creds := providers.Credentials{"api_key": key}
	keys := sendgrid.NewAPIKeyType(o)
	props := providers.Props{"name": {"patchbay shop-local"}, "scopes": {"mail.send"}}
	k, err := keys.Create(ctx, creds, props, "")
	if err != nil {
		return fmt.Errorf("api_key create: %w", err)
	}
	if _, err := keys.Read(ctx, creds, k.ID); err != nil {
		return fmt.Errorf("api_key read: %w", err)
	}
	if found, err := keys.Lookup(ctx, creds, props); err != nil || len(found) != 1 {
		return fmt.Errorf("api_key lookup: %d found, %v", len(found), err)
	}
	props["name"] = []string{"patchbay shop-local (renamed)"}
	if _, err := keys.Update(ctx, creds, k.ID, props); err != nil {
		return fmt.Errorf("api_key update: %w", err)
	}
	if err := keys.Delete(ctx, creds, k.ID); err != nil {
		return fmt.Errorf("api_key delete: %w", err)
	}

	hooks := sendgrid.NewEventWebhookType(o)
	hp := providers.Props{"url": {"https://api.shop.example.com/sendgrid/events"}, "friendly_name": {"patchbay shop-local"},
		"events": {"delivered", "bounce"}, "enabled": {"true"}, "signed": {"true"}}
	h, err := hooks.Create(ctx, creds, hp, "")
	if err != nil || h.Outputs["public_key"] == "" {
		return fmt.Errorf("event_webhook create: %+v, %w", h.Outputs, err)
	}
	if _, err := hooks.Read(ctx, creds, h.ID); err != nil {
		return fmt.Errorf("event_webhook read: %w", err)
	}
	if found, err := hooks.Lookup(ctx, creds, hp); err != nil || len(found) != 1 {
		return fmt.Errorf("event_webhook lookup: %d found, %v", len(found), err)
	}
	hp["events"] = []string{"delivered"}
	if _, err := hooks.Update(ctx, creds, h.ID, hp); err != nil {
		return fmt.Errorf("event_webhook update: %w", err)
	}
	if err := hooks.Delete(ctx, creds, h.ID); err != nil {
		return fmt.Errorf("event_webhook delete: %w", err)
	}

	send := sendgrid.Provider().Actions[0]
	if _, err := send.Run(ctx, providers.ActionEnv{BaseURL: s.URL}, map[string]string{"api_key": key},
		map[string]any{"from": "shop@example.com", "to": []any{"jenny@example.com"}, "subject": "Receipt", "text": "Thanks"}, ""); err != nil {
		return fmt.Errorf("send_email: %w", err)
	}
	return nil
}

const callsKey = "SG.callsKeyId000000000.callsSecret000000000000000000000"

// TestCallsDeclareScopes derives the scopes Patchbay asks for from what
// its code calls: every request the check, the resource types and the
// action make must be a declared call, every declared call must be made,
// RequiredScopes must suffice, and dropping any one of them must break a
// call (so none is asked for that no call needs). The fake enforces each
// endpoint's scope, and that a key grants only scopes it holds.
func TestCallsDeclareScopes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := sendgridtest.New(t)
	s.AddKey(callsKey, sendgrid.RequiredScopes...)
	if err := lifecycle(ctx, s, callsKey); err != nil {
		t.Fatalf("with RequiredScopes %v: %v", sendgrid.RequiredScopes, err)
	}
	if r := sendgrid.Provider().Credentials.Check(ctx, providers.Values{"api_key": callsKey}, s.Env(0, "SENDGRID")); r.Status != providers.StatusOK {
		t.Fatalf("check with RequiredScopes: %v %s", r.Status, r.Summary)
	}
	providertest.CheckCalls(t, "sendgrid.Calls", sendgrid.Calls, s.Requests())
	if !slices.Equal(sendgrid.Provider().Credentials.Permissions, sendgrid.RequiredScopes) {
		t.Errorf("the form asks for %v, the calls need %v", sendgrid.Provider().Credentials.Permissions, sendgrid.RequiredScopes)
	}
	for _, drop := range sendgrid.RequiredScopes {
		t.Run("without "+drop, func(t *testing.T) {
			t.Parallel()
			s := sendgridtest.New(t)
			s.AddKey(callsKey, slices.DeleteFunc(slices.Clone(sendgrid.RequiredScopes), func(x string) bool { return x == drop })...)
			if err := lifecycle(ctx, s, callsKey); err == nil {
				t.Errorf("every call works without %s, so Patchbay should not ask for it", drop)
			}
		})
	}
}
