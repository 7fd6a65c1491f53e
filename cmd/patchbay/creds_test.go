package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
)

// credsEnv runs the binary against a fake Stripe with a file keyring.
type credsEnv struct {
	t       *testing.T
	home    string
	env     []string
	outputs []string
}

func (e *credsEnv) run(stdin string, args ...string) (string, string, error) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, patchbayBin(e.t), args...)
	cmd.Env = append(os.Environ(), e.env...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	e.outputs = append(e.outputs, stdout.String(), stderr.String())
	return stdout.String(), stderr.String(), err
}

func TestCredsCommandsEndToEnd(t *testing.T) {
	fake := stripetest.New(t)
	home := shortHome(t)
	e := &credsEnv{t: t, home: home, env: []string{
		"PATCHBAY_HOME=" + home,
		"PATCHBAY_ENDPOINT_STRIPE=" + fake.URL,
		KeyringBackendEnv + "=file",
		"PATCHBAY_KEYRING_PASSPHRASE=test passphrase",
	}}
	t.Cleanup(func() { _, _, _ = e.run("", "daemon", "stop") })
	bad := "sk_test_doesnotexist00000000"

	// Secrets are refused on the command line (and not echoed).
	_, stderr, err := e.run("", "creds", "set", "stripe", "--field", "secret_key="+bad)
	if err == nil || !strings.Contains(stderr, "never on the command line") {
		t.Fatalf("secret on argv: err=%v stderr=%q", err, stderr)
	}
	// From stdin: an unknown key is checked and refused.
	out, _, err := e.run(bad+"\n", "creds", "set", "stripe")
	if err == nil || !strings.Contains(out, "invalid") {
		t.Fatalf("bad key: err=%v out=%q", err, out)
	}
	// From a file: saved.
	f := filepath.Join(t.TempDir(), "stripe.json")
	if err := os.WriteFile(f, []byte(`{"secret_key":"`+stripetest.TestKey+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, err = e.run("", "creds", "set", "stripe", "--profile", "default", "--from-file", f)
	if err != nil || !strings.Contains(out, "Saved") {
		t.Fatalf("set from file: %v\n%s%s", err, out, stderr)
	}
	out, _, err = e.run("", "creds", "list")
	if err != nil || !strings.Contains(out, "stripe") || !strings.Contains(out, "sk_test_…") || !strings.Contains(out, "keyring: file") {
		t.Fatalf("list: %v\n%s", err, out)
	}
	out, _, err = e.run("", "creds", "check", "stripe")
	if err != nil || !strings.Contains(out, "✓") {
		t.Fatalf("check: %v\n%s", err, out)
	}
	out, _, err = e.run("", "providers", "--json")
	var lp struct {
		Providers []struct{ ID string }
	}
	if err != nil || json.Unmarshal([]byte(out), &lp) != nil || len(lp.Providers) < 15 {
		t.Fatalf("providers --json: %v\n%s", err, out)
	}

	fake.AddKey(stripetest.TestKey, stripetest.Key{Expired: true})
	out, _, err = e.run("", "creds", "check", "stripe")
	if err == nil || !strings.Contains(out, "expired") || !strings.Contains(out, "Fix:") {
		t.Fatalf("check expired: err=%v\n%s", err, out)
	}
	out, _, err = e.run("n\n", "ask", "why are my Stripe credentials not working?")
	if err != nil || !strings.Contains(out, "expired") {
		t.Fatalf("ask why: %v\n%s", err, out)
	}
	out, _, err = e.run("", "ask", "what credentials do I have configured?")
	if err != nil || !strings.Contains(out, "Stripe") {
		t.Fatalf("ask list: %v\n%s", err, out)
	}
	// Deleting through ask asks first; "n" keeps them.
	_, _, err = e.run("n\n", "ask", "delete my Stripe credentials")
	if err == nil {
		t.Fatal("ask delete without confirmation succeeded")
	}
	out, _, err = e.run("y\n", "ask", "delete my Stripe credentials")
	if err != nil || !strings.Contains(out, "Deleted") {
		t.Fatalf("ask delete: %v\n%s", err, out)
	}
	out, _, _ = e.run("", "creds", "list")
	if !strings.Contains(out, "No credentials") {
		t.Fatalf("list after delete: %s", out)
	}

	// "update" through ask: confirm, then the form's fields on the same stdin.
	fresh := "sk_test_freshkey0000000000000"
	fake.AddKey(fresh, stripetest.Key{})
	out, stderr, err = e.run("y\n"+fresh+"\n", "ask", "update my Stripe credentials")
	if err != nil || !strings.Contains(out, "Saved") {
		t.Fatalf("ask update: %v\n%s%s", err, out, stderr)
	}
	if _, _, err := e.run("", "creds", "check", "stripe"); err != nil {
		t.Fatalf("check after ask update: %v", err)
	}

	logs, _ := os.ReadFile(filepath.Join(home, "daemon.log"))
	all := append(e.outputs, string(logs))
	for _, s := range []string{stripetest.TestKey, bad, fresh} {
		for _, needle := range providertest.SecretNeedles(s) {
			for _, o := range all {
				if strings.Contains(o, needle) {
					t.Errorf("secret leaked into CLI output or daemon log: %q", o)
				}
			}
		}
	}
}
