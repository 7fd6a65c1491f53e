package slack_test

import (
	"context"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/slack"
	"github.com/patchbay-dev/patchbay/providers/slack/slacktest"
)

const (
	removed  = "/services/T00PATCHBAY/B00REMOVED/removedWebhookSecret0001"
	archived = "/services/T00PATCHBAY/B00ARCHIVE/archivedWebhookSecret001"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	fixture := func(t *testing.T) (*providertest.Server, *providers.Env) {
		s := slacktest.New(t)
		s.SetHook(removed, slacktest.Removed)
		s.SetHook(archived, slacktest.Archived)
		return s.Server, s.Env(0, "SLACK")
	}
	hook := func(p string) providers.Values { return providers.Values{"webhook_url": "https://hooks.slack.com" + p} }
	valid := hook(slacktest.Path)
	cases := []providertest.Case{
		{Name: "ok", Values: valid, Want: providers.StatusOK},
		{Name: "unknown secret", Values: hook("/services/T00PATCHBAY/B00PATCHBAY/wrongSecret"), Want: providers.StatusInvalid},
		{Name: "removed", Values: hook(removed), Want: providers.StatusExpired},
		{Name: "archived channel", Values: hook(archived), Want: providers.StatusWrongTarget},
		{Name: "not a slack url", Values: providers.Values{"webhook_url": "https://example.com/hook"}, Want: providers.StatusMalformed},
	}
	cases = append(cases, providertest.StandardFaults(valid, providers.StatusExpired)...)
	providertest.RunChecks(t, slack.Provider().Credentials, fixture, cases)
}

func TestValidateNeverPosts(t *testing.T) {
	t.Parallel()
	s := slacktest.New(t)
	got := slack.Provider().Credentials.Check(context.Background(), providers.Values{"webhook_url": "https://hooks.slack.com" + slacktest.Path}, s.Env(0, "SLACK"))
	if got.Status != providers.StatusOK {
		t.Fatalf("status = %v (%s)", got.Status, got.Summary)
	}
	if p := s.Posted(); len(p) != 0 {
		t.Fatalf("validation posted messages: %q", p)
	}
}
