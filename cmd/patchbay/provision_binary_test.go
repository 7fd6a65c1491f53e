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

	"github.com/99designs/keyring"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/auth0/auth0test"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/vault"
)

// TestProvisioningThroughTheRealDaemon runs the built binary: the CLI
// auto-starts the daemon, which reads credentials from the file keyring,
// analyzes the sample workspace and provisions at the Auth0 and Stripe
// fakes named by PATCHBAY_ENDPOINT_*.
func TestProvisioningThroughTheRealDaemon(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts a daemon")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	home := shortHome(t)
	auth0, stripe := auth0test.New(t), stripetest.New(t)
	const passphrase = "patchbay test passphrase"
	v, err := vault.Open(vault.Options{Home: home, Backends: []keyring.BackendType{keyring.FileBackend}, Passphrase: passphrase,
		Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	for provider, values := range map[string]map[string]string{"auth0": auth0.Credentials(), "stripe": stripe.Credentials()} {
		if err := v.Put(vault.Profile{Provider: provider, Name: "default", Values: providers.Values(values)}); err != nil {
			t.Fatal(err)
		}
	}
	ws := filepath.Join(t.TempDir(), "shop")
	copyDir(t, filepath.Join("..", "..", "testdata", "provision", "shop"), ws)
	env := append(os.Environ(), "PATCHBAY_HOME="+home, "PATCHBAY_KEYRING_BACKEND=file", "PATCHBAY_KEYRING_PASSPHRASE="+passphrase,
		"PATCHBAY_ENDPOINT_AUTH0="+auth0.URL, "PATCHBAY_ENDPOINT_STRIPE="+stripe.URL)
	pb := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, patchbayBin(t), args...)
		cmd.Env = env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("patchbay %v: %v\n%s%s", args, err, stdout.String(), stderr.String())
		}
		return stdout.String()
	}
	t.Cleanup(func() {
		cmd := exec.Command(patchbayBin(t), "daemon", "stop")
		cmd.Env = env
		_ = cmd.Run()
	})

	pb("env", "create", "local", "--workspace", ws, "--frontend-url", "https://dev.example.net:3000")
	out := pb("apply", "--workspace", ws, "--yes")
	if !strings.Contains(out, "apply completed") {
		t.Fatalf("apply:\n%s", out)
	}
	var vars map[string]string
	if err := json.Unmarshal([]byte(pb("env", "--workspace", ws, "--format", "json")), &vars); err != nil {
		t.Fatal(err)
	}
	var whID string
	for id := range stripe.Endpoints() {
		whID = id
	}
	if vars["STRIPE_WEBHOOK_SECRET"] == "" || vars["STRIPE_WEBHOOK_SECRET"] != stripe.Secret(whID) || vars["AUTH0_CLIENT_ID"] == "" {
		t.Errorf("variables from the daemon = %v", vars)
	}
	if out := pb("run", "--workspace", ws, "--", "sh", "-c", `printf %s "$STRIPE_WEBHOOK_SECRET"`); out != stripe.Secret(whID) {
		t.Errorf("run did not inject the webhook secret: %q", out)
	}
	// The secret went to the keyring, not the state database.
	db, err := os.ReadFile(filepath.Join(home, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	wal, _ := os.ReadFile(filepath.Join(home, "state.db-wal"))
	if bytes.Contains(append(db, wal...), []byte(stripe.Secret(whID))) {
		t.Error("the webhook secret is in the state database")
	}
	pb("destroy", "--workspace", ws, "--yes")
	if len(stripe.Endpoints()) != 0 || len(auth0.Apps()) != 0 {
		t.Errorf("destroy left %v %v", stripe.Endpoints(), auth0.Apps())
	}
}
