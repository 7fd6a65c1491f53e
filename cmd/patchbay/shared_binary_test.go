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

	"github.com/patchbay-dev/patchbay/internal/pgtest"
	"github.com/patchbay-dev/patchbay/internal/sealed"
	"github.com/patchbay-dev/patchbay/internal/sealed/awskmsfake"
	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/auth0/auth0test"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/store"
	"github.com/patchbay-dev/patchbay/vault"
)

// TestTwoDaemonsShareOnePostgres runs two real daemons, each with its own
// home and keyring (two laptops), on one PostgreSQL database and one
// keyset: what one creates and provisions the other sees, secrets
// included; neither keeps a state.db; and while a third party holds the
// environment's lock, plan warns and apply is refused with who and since
// when.
func TestTwoDaemonsShareOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts daemons")
	}
	url := pgtest.Database(t)
	keyset := filepath.Join(t.TempDir(), "keyset.json")
	if err := sealed.CreateKeyset(keyset); err != nil {
		t.Fatal(err)
	}
	auth0, stripe := auth0test.New(t), stripetest.New(t)
	ws := filepath.Join(t.TempDir(), "shop")
	copyDir(t, filepath.Join("..", "..", "testdata", "provision", "shop"), ws)
	const passphrase = "patchbay test passphrase"

	laptop := func() func(wantErr bool, args ...string) string {
		home := shortHome(t)
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
		env := append(os.Environ(), "PATCHBAY_HOME="+home, "PATCHBAY_KEYRING_BACKEND=file", "PATCHBAY_KEYRING_PASSPHRASE="+passphrase,
			"PATCHBAY_ENDPOINT_AUTH0="+auth0.URL, "PATCHBAY_ENDPOINT_STRIPE="+stripe.URL,
			"PATCHBAY_DATABASE_URL="+url, sealed.KeysetEnv+"="+keyset)
		t.Cleanup(func() {
			cmd := exec.Command(patchbayBin(t), "daemon", "stop")
			cmd.Env = env
			_ = cmd.Run()
			if _, err := os.Stat(filepath.Join(home, "state.db")); err == nil {
				t.Errorf("%s has a state.db though state is in PostgreSQL", home)
			}
		})
		return func(wantErr bool, args ...string) string {
			t.Helper()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, patchbayBin(t), args...)
			cmd.Env = env
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if (err != nil) != wantErr {
				t.Fatalf("patchbay %v: err = %v\n%s%s", args, err, stdout.String(), stderr.String())
			}
			return stdout.String() + stderr.String()
		}
	}
	a, b := laptop(), laptop()

	a(false, "env", "create", "local", "--workspace", ws, "--frontend-url", "https://dev.example.net:3000")
	if out := b(false, "env", "list", "--workspace", ws); !strings.Contains(out, "local") {
		t.Fatalf("the second daemon does not list the environment:\n%s", out)
	}
	if out := b(false, "apply", "--workspace", ws, "--yes"); !strings.Contains(out, "apply completed") {
		t.Fatalf("apply from the second daemon:\n%s", out)
	}
	if out := a(false, "plan", "--workspace", ws); !strings.Contains(out, "Nothing to do") {
		t.Errorf("the first daemon does not see the second's resources:\n%s", out)
	}
	var vars map[string]string
	if err := json.Unmarshal([]byte(a(false, "env", "--workspace", ws, "--format", "json")), &vars); err != nil {
		t.Fatal(err)
	}
	var whID string
	for id := range stripe.Endpoints() {
		whID = id
	}
	if len(stripe.Endpoints()) != 1 || len(auth0.Apps()) != 1 || vars["STRIPE_WEBHOOK_SECRET"] != stripe.Secret(whID) {
		t.Errorf("the first daemon's variables = %v (endpoints %d, apps %d)", vars, len(stripe.Endpoints()), len(auth0.Apps()))
	}

	// Someone else is applying: plan says so, apply is refused.
	ctx := context.Background()
	st, err := store.Open(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	envs, err := st.ListEnvironments(ctx, "", "")
	if err != nil || len(envs) != 1 {
		t.Fatalf("environments = %v, %v", envs, err)
	}
	held, err := st.LockEnvironment(ctx, envs[0].ID, "alice@laptop", "apply")
	if err != nil {
		t.Fatal(err)
	}
	if out := a(false, "env", "set-url", "local", "--workspace", ws, "--frontend-url", "https://staging.example.net"); out == "" {
		t.Log("set-url printed nothing")
	}
	if out := a(false, "plan", "--workspace", ws); !strings.Contains(out, "locked by alice@laptop since ") {
		t.Errorf("plan while locked:\n%s", out)
	}
	if out := b(true, "apply", "--workspace", ws, "--yes"); !strings.Contains(out, "locked by alice@laptop since ") {
		t.Errorf("apply while locked:\n%s", out)
	}
	held.Unlock(ctx)
	if out := b(false, "apply", "--workspace", ws, "--yes"); !strings.Contains(out, "apply completed") {
		t.Fatalf("apply after the lock went:\n%s", out)
	}
	if len(stripe.Endpoints()) != 1 || len(auth0.Apps()) != 1 {
		t.Errorf("after the URL change: endpoints %d, apps %d", len(stripe.Endpoints()), len(auth0.Apps()))
	}
	var n int
	if as, err := st.ListAudit(ctx, 100); err == nil {
		n = len(as)
	}
	if n == 0 {
		t.Error("no audit entries in the shared database")
	}
}

// TestDaemonSealsWithKMS runs a daemon whose key-encryption key is an AWS
// KMS key (PATCHBAY_KEK_URI, the endpoint pointed at the local fake of
// KMS): an apply's provisioned secrets are sealed into PostgreSQL, a
// pg_dump holds neither of them, the data keys were wrapped by KMS
// Encrypt calls, and the daemon reads them back (KMS Decrypt).
func TestDaemonSealsWithKMS(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts a daemon")
	}
	url := pgtest.Database(t)
	kms := awskmsfake.New(t, "eu-west-1")
	arn := kms.NewKey()
	auth0, stripe := auth0test.New(t), stripetest.New(t)
	ws := filepath.Join(t.TempDir(), "shop")
	copyDir(t, filepath.Join("..", "..", "testdata", "provision", "shop"), ws)
	const passphrase = "patchbay test passphrase"
	home := shortHome(t)
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
	env := append(os.Environ(), "PATCHBAY_HOME="+home, "PATCHBAY_KEYRING_BACKEND=file", "PATCHBAY_KEYRING_PASSPHRASE="+passphrase,
		"PATCHBAY_ENDPOINT_AUTH0="+auth0.URL, "PATCHBAY_ENDPOINT_STRIPE="+stripe.URL, "PATCHBAY_DATABASE_URL="+url,
		sealed.KeysetEnv+"=", sealed.KEKURIEnv+"=aws-kms://"+arn, sealed.KMSEndpointEnv+"="+kms.URL,
		"AWS_ACCESS_KEY_ID="+awskmsfake.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+awskmsfake.SecretAccessKey, "AWS_SESSION_TOKEN=",
		"AWS_PROFILE=", "AWS_CONFIG_FILE=/nonexistent", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent", "AWS_EC2_METADATA_DISABLED=true")
	run := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, patchbayBin(t), args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("patchbay %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	t.Cleanup(func() {
		cmd := exec.Command(patchbayBin(t), "daemon", "stop")
		cmd.Env = env
		_ = cmd.Run()
	})
	run("env", "create", "local", "--workspace", ws, "--frontend-url", "https://dev.example.net:3000")
	if out := run("apply", "--workspace", ws, "--yes"); !strings.Contains(out, "apply completed") {
		t.Fatalf("apply:\n%s", out)
	}
	var whID string
	for id := range stripe.Endpoints() {
		whID = id
	}
	var plain []string
	for _, a := range auth0.Apps() {
		plain = append(plain, a.ClientSecret)
	}
	plain = append(plain, stripe.Secret(whID))
	dump := pgtest.Dump(t, url)
	// The rows of sealed_secrets in the dump's COPY block.
	sealedRows := 0
	if _, rows, ok := bytes.Cut(dump, []byte("COPY public.sealed_secrets ")); ok {
		rows, _, _ = bytes.Cut(rows, []byte("\n\\.\n"))
		sealedRows = bytes.Count(rows, []byte("\n"))
	}
	if sealedRows < 2 {
		t.Errorf("%d sealed secrets in the database, want the client secret and the signing secret", sealedRows)
	}
	for _, p := range plain {
		if len(p) < 8 {
			t.Fatalf("implausible secret %q", p)
		}
		if bytes.Contains(dump, []byte(p)) {
			t.Error("pg_dump holds a provisioned secret in plain text")
		}
	}
	encrypts := 0
	for _, c := range kms.Calls() {
		if c.Error != "" {
			t.Errorf("KMS refused a call: %+v", c)
		}
		if c.Action == "Encrypt" && c.KeyID == arn {
			encrypts++
		}
	}
	t.Logf("%d sealed secrets, %d KMS Encrypt calls, %d calls in all", sealedRows, encrypts, len(kms.Calls()))
	if encrypts < 1+sealedRows { // the start-up check, then one per sealed value
		t.Errorf("%d KMS Encrypt calls for %d sealed secrets", encrypts, sealedRows)
	}
	var vars map[string]string
	if err := json.Unmarshal([]byte(run("env", "--workspace", ws, "--format", "json")), &vars); err != nil {
		t.Fatal(err)
	}
	if vars["STRIPE_WEBHOOK_SECRET"] != stripe.Secret(whID) {
		t.Errorf("STRIPE_WEBHOOK_SECRET read back through KMS = %q", vars["STRIPE_WEBHOOK_SECRET"])
	}
}
