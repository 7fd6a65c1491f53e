package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/providers/sendgrid"
	"github.com/patchbay-dev/patchbay/providers/sendgrid/sendgridtest"
)

// TestCredsCheckListsMissingAndExcess: `patchbay creds check sendgrid`
// reads the key's scopes from SendGrid and prints each scope Patchbay needs
// with its verdict, then the missing ones and the excess ones (granted, no
// call needs them), and exits 1 while one is missing.
func TestCredsCheckListsMissingAndExcess(t *testing.T) {
	fake := sendgridtest.New(t)
	home := shortHome(t)
	e := &credsEnv{t: t, home: home, env: []string{
		"PATCHBAY_HOME=" + home,
		"PATCHBAY_ENDPOINT_SENDGRID=" + fake.URL,
		KeyringBackendEnv + "=file",
		"PATCHBAY_KEYRING_PASSPHRASE=test passphrase",
	}}
	t.Cleanup(func() { _, _, _ = e.run("", "daemon", "stop") })
	const key = "SG.cliCheckKeyId000000.cliCheckSecret0000000000000000"
	fake.AddKey(key, append([]string{"marketing.read"}, sendgrid.RequiredScopes...)...)
	f := filepath.Join(t.TempDir(), "sendgrid.json")
	if err := os.WriteFile(f, []byte(`{"api_key":"`+key+`","region":"global"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, stderr, err := e.run("", "creds", "set", "sendgrid", "--from-file", f); err != nil {
		t.Fatalf("set: %v\n%s%s", err, out, stderr)
	}
	out, _, err := e.run("", "creds", "check", "sendgrid")
	if err != nil || !strings.Contains(out, "✓ api_keys.update") || !strings.Contains(out, "Excess (granted, not needed): marketing.read\n") ||
		strings.Contains(out, "Missing:") || strings.Contains(out, "2fa_required") {
		t.Fatalf("check with an extra scope: %v\n%s", err, out)
	}

	// The key loses api_keys.update: missing, and the check fails.
	fake.AddKey(key, "mail.send", "api_keys.create", "api_keys.read", "api_keys.delete",
		"user.webhooks.event.settings.read", "user.webhooks.event.settings.update")
	out, _, err = e.run("", "creds", "check", "sendgrid")
	if err == nil || !strings.Contains(out, "✗ api_keys.update") || !strings.Contains(out, "Missing: api_keys.update\n") || strings.Contains(out, "Excess") {
		t.Fatalf("check without api_keys.update: err=%v\n%s", err, out)
	}
}
