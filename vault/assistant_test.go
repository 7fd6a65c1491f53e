package vault_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/vault"
)

func TestParseIntent(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for q, want := range map[string]vault.Intent{
		"what credentials do I have configured?":      {Kind: vault.IntentList},
		"list my creds":                               {Kind: vault.IntentList},
		"update my AWS credentials":                   {Kind: vault.IntentUpdate, Provider: "aws"},
		"rotate the stripe key for profile Org":       {Kind: vault.IntentUpdate, Provider: "stripe", Profile: "org"},
		"delete my Azure credentials":                 {Kind: vault.IntentDelete, Provider: "azure"},
		"why are my Stripe credentials not working?":  {Kind: vault.IntentCheck, Provider: "stripe"},
		"are my google cloud keys valid":              {Kind: vault.IntentCheck, Provider: "gcp"},
		"what's wrong with Auth0":                     {Kind: vault.IntentCheck, Provider: "auth0"},
		"tell me a joke":                              {Kind: vault.IntentHelp},
		"remove the MongoDB Atlas token profile work": {Kind: vault.IntentDelete, Provider: "mongodb", Profile: "work"},
	} {
		if d := cmp.Diff(want, h.creds.ParseIntent(q)); d != "" {
			t.Errorf("ParseIntent(%q) (-want +got):\n%s", q, d)
		}
	}
}

func ask(t *testing.T, c *vault.Credentials, q string) (string, []vault.Command) {
	t.Helper()
	var text strings.Builder
	var cmds []vault.Command
	if err := c.Assist(context.Background(), q, func(r vault.Reply) error {
		text.WriteString(r.Text)
		cmds = append(cmds, r.Commands...)
		return nil
	}); err != nil {
		t.Fatalf("Assist(%q): %v", q, err)
	}
	return text.String(), cmds
}

func TestAssist(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	if text, _ := ask(t, h.creds, "what credentials do I have configured?"); !strings.Contains(text, "No credentials") {
		t.Errorf("empty list: %q", text)
	}
	if r, err := h.creds.Save(ctx, vault.SaveInput{Provider: "stripe", Values: providers.Values{"secret_key": stripetest.TestKey}}); err != nil || !r.Saved {
		t.Fatalf("save: %v %+v", err, r.Check)
	}
	var all []string
	text, _ := ask(t, h.creds, "what credentials do I have configured?")
	all = append(all, text)
	if !strings.Contains(text, "Stripe") || !strings.Contains(text, providers.Mask(stripetest.TestKey)) {
		t.Errorf("list: %q", text)
	}
	text, _ = ask(t, h.creds, "why are my Stripe credentials not working?")
	all = append(all, text)
	if !strings.Contains(text, "working") {
		t.Errorf("check ok: %q", text)
	}
	text, _ = ask(t, h.creds, "why are my credentials not working?")
	all = append(all, text)
	if !strings.Contains(text, "Stripe") || !strings.Contains(text, "working") {
		t.Errorf("check all: %q", text)
	}
	h.stripe.AddKey(stripetest.TestKey, stripetest.Key{Expired: true})
	text, cmds := ask(t, h.creds, "why are my Stripe credentials not working?")
	all = append(all, text)
	if !strings.Contains(text, "expired") || !strings.Contains(text, "Fix:") || len(cmds) != 1 || cmds[0].Command != "patchbay.updateCredentials" {
		t.Errorf("check expired: %q %v", text, cmds)
	}
	text, cmds = ask(t, h.creds, "delete my Stripe credentials")
	all = append(all, text)
	if d := cmp.Diff([]vault.Command{{Title: "Delete Stripe credentials (default)", Command: "patchbay.deleteCredentials", Args: []string{"stripe", "default"}}}, cmds); d != "" {
		t.Errorf("delete commands (-want +got):\n%s", d)
	}
	if _, err := h.creds.Values(ctx, "stripe", ""); err != nil {
		t.Errorf("the assistant deleted without confirmation: %v", err)
	}
	text, _ = ask(t, h.creds, "delete my Azure credentials")
	if !strings.Contains(text, "No Microsoft Azure credentials") && !strings.Contains(text, "No Azure") {
		t.Errorf("delete missing: %q", text)
	}
	text, cmds = ask(t, h.creds, "update my AWS credentials")
	if len(cmds) != 1 || cmds[0].Args[0] != "aws" || !strings.Contains(text, "patchbay creds set aws") {
		t.Errorf("update: %q %v", text, cmds)
	}
	noSecrets(t, []string{stripetest.TestKey}, append(all, h.logs.String())...)
}
