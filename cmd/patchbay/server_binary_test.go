package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/99designs/keyring"

	"github.com/patchbay-dev/patchbay/internal/pgtest"
	"github.com/patchbay-dev/patchbay/internal/tlstest"
	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/auth0/auth0test"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/vault"
)

// TestServerBinary runs a real `patchbay server` (TLS with a self-signed
// certificate, PostgreSQL, the provider fakes) and two laptops that log in
// to it: the owner creates an environment and applies it through the
// server, adds a viewer, whose mutations are refused and who reads the
// audit log naming each user. Neither laptop starts a daemon.
func TestServerBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and starts a server")
	}
	dbURL := pgtest.Database(t)
	auth0, stripe := auth0test.New(t), stripetest.New(t)
	ws := filepath.Join(t.TempDir(), "shop")
	copyDir(t, filepath.Join("..", "..", "testdata", "provision", "shop"), ws)
	cert, key := tlstest.SelfSigned(t)
	const passphrase = "patchbay test passphrase"

	serverHome := shortHome(t)
	v, err := vault.Open(vault.Options{Home: serverHome, Backends: []keyring.BackendType{keyring.FileBackend}, Passphrase: passphrase,
		Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	for provider, values := range map[string]map[string]string{"auth0": auth0.Credentials(), "stripe": stripe.Credentials()} {
		if err := v.Put(vault.Profile{Provider: provider, Name: "default", Values: providers.Values(values)}); err != nil {
			t.Fatal(err)
		}
	}
	serverEnv := append(os.Environ(), "PATCHBAY_HOME="+serverHome, "PATCHBAY_KEYRING_BACKEND=file", "PATCHBAY_KEYRING_PASSPHRASE="+passphrase,
		"PATCHBAY_ENDPOINT_AUTH0="+auth0.URL, "PATCHBAY_ENDPOINT_STRIPE="+stripe.URL, "PATCHBAY_DATABASE_URL="+dbURL)
	run := func(env []string, stdin string, wantErr bool, args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, patchbayBin(t), args...)
		cmd.Env = env
		cmd.Stdin = strings.NewReader(stdin)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if (err != nil) != wantErr {
			t.Fatalf("patchbay %v: err = %v\n%s%s", args, err, stdout.String(), stderr.String())
		}
		return stdout.String() + stderr.String()
	}
	lastLine := func(s string) string {
		lines := strings.Split(strings.TrimSpace(s), "\n")
		return lines[len(lines)-1]
	}

	// Without PostgreSQL, or without a certificate, there is no server.
	noDB := append(os.Environ(), "PATCHBAY_HOME="+shortHome(t), "PATCHBAY_DATABASE_URL=")
	if out := run(noDB, "", true, "server", "--cert", cert, "--key", key); !strings.Contains(out, "needs a shared PostgreSQL database") {
		t.Errorf("server on SQLite:\n%s", out)
	}
	if out := run(serverEnv, "", true, "server"); !strings.Contains(out, "--cert and --key are required") {
		t.Errorf("server without TLS:\n%s", out)
	}

	aliceToken := lastLine(run(serverEnv, "", false, "server", "add-user", "alice", "--team", "acme"))
	srv := exec.Command(patchbayBin(t), "server", "--listen", "127.0.0.1:0", "--cert", cert, "--key", key, "--public-url", "https://patchbay.example.test",
		"--workspace-root", filepath.Dir(ws))
	srv.Env = serverEnv
	stdout, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var serverLog bytes.Buffer
	srv.Stderr = &serverLog
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		if err := srv.Wait(); err != nil {
			t.Errorf("server exit: %v\n%s", err, serverLog.String())
		}
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if _, rest, ok := strings.Cut(sc.Text(), "listening on "); ok {
				addr <- strings.Fields(rest)[0]
			}
		}
	}()
	var serverURL string
	select {
	case serverURL = <-addr:
	case <-time.After(30 * time.Second):
		t.Fatalf("server did not start:\n%s", serverLog.String())
	}

	laptop := func() (func(stdin string, wantErr bool, args ...string) string, string) {
		home := shortHome(t)
		env := append(os.Environ(), "PATCHBAY_HOME="+home, "PATCHBAY_DATABASE_URL=", "PATCHBAY_TOKEN=", "PATCHBAY_SERVER_URL=")
		return func(stdin string, wantErr bool, args ...string) string {
			t.Helper()
			return run(env, stdin, wantErr, args...)
		}, home
	}
	alice, aliceHome := laptop()
	if out := alice("pbu_wrong\n", true, "login", "--server", serverURL, "--cacert", cert, "--token-stdin"); !strings.Contains(out, "unknown or revoked token") {
		t.Errorf("login with a wrong token:\n%s", out)
	}
	if out := alice(aliceToken+"\n", false, "login", "--server", serverURL, "--cacert", cert, "--token-stdin"); !strings.Contains(out, "logged in to "+serverURL+" as alice") ||
		!strings.Contains(out, "owner of team acme") {
		t.Fatalf("login:\n%s", out)
	}
	if fi, err := os.Stat(filepath.Join(aliceHome, "server.json")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("server.json: %v %v, want mode 0600", fi, err)
	}

	alice("", false, "env", "create", "staging", "--workspace", ws, "--frontend-url", "https://staging.example.net")
	if out := alice("", false, "apply", "--workspace", ws, "--env", "staging", "--yes"); !strings.Contains(out, "apply completed") {
		t.Fatalf("apply through the server:\n%s", out)
	}
	if len(stripe.Endpoints()) != 1 || len(auth0.Apps()) != 1 {
		t.Errorf("after apply: endpoints %d, apps %d", len(stripe.Endpoints()), len(auth0.Apps()))
	}
	if out := alice("", true, "plan", "--workspace", "/etc", "--env", "staging", "--analyze", "server"); !strings.Contains(out, "not under this server's workspace roots") {
		t.Errorf("the server analyzing a workspace outside its roots:\n%s", out)
	}

	// A laptop's own checkout, outside the server's workspace roots: the
	// CLI analyzes it and sends the analysis with the plan, so it is
	// planned and applied against the shared state without the server
	// reading it (it may not: --analyze server is refused).
	checkout := filepath.Join(t.TempDir(), "shop")
	copyDir(t, filepath.Join("..", "..", "testdata", "provision", "shop"), checkout)
	alice("", false, "env", "create", "review", "--workspace", checkout, "--frontend-url", "https://review.example.net")
	if out := alice("", true, "plan", "--workspace", checkout, "--env", "review", "--analyze", "server"); !strings.Contains(out, "not under this server's workspace roots") {
		t.Errorf("the server analyzing the laptop's checkout:\n%s", out)
	}
	if out := alice("", false, "plan", "--workspace", checkout, "--env", "review"); !strings.Contains(out, "create auth0") || !strings.Contains(out, "create stripe") {
		t.Errorf("plan of the laptop's checkout through the server:\n%s", out)
	}
	if out := alice("", false, "apply", "--workspace", checkout, "--env", "review", "--yes"); !strings.Contains(out, "apply completed") {
		t.Fatalf("apply of the laptop's checkout through the server:\n%s", out)
	}
	if len(stripe.Endpoints()) != 2 || len(auth0.Apps()) != 2 {
		t.Errorf("after the laptop's apply: endpoints %d, apps %d; want 2 each (staging's and review's)", len(stripe.Endpoints()), len(auth0.Apps()))
	}
	// The laptop's edit reaches the plan: without the Stripe webhook route
	// the server plans the endpoint's removal.
	if err := os.RemoveAll(filepath.Join(checkout, "app", "api", "webhooks")); err != nil {
		t.Fatal(err)
	}
	if out := alice("", false, "plan", "--workspace", checkout, "--env", "review"); !strings.Contains(out, "stripe") || strings.Contains(out, "Nothing to do") {
		t.Errorf("plan after the laptop removed its webhook route:\n%s", out)
	}
	if out := alice("", false, "keys", "create", "ci", "--grant", "stripe:create_customer"); !strings.Contains(out, "acme") ||
		!strings.Contains(out, "on https://patchbay.example.test/patchbay.v1.ActionService/*") {
		t.Errorf("keys create through the server:\n%s", out)
	}
	carolToken := lastLine(alice("", false, "team", "add", "carol", "--role", "viewer"))

	carol, carolHome := laptop()
	carol(carolToken+"\n", false, "login", "--server", serverURL, "--cacert", cert, "--token-stdin")
	if out := carol("", false, "env", "list", "--workspace", ws); !strings.Contains(out, "staging") {
		t.Errorf("viewer env list:\n%s", out)
	}
	if out := carol("", false, "plan", "--workspace", ws, "--env", "staging"); !strings.Contains(out, "Nothing to do") {
		t.Errorf("viewer plan:\n%s", out)
	}
	if out := carol("", true, "env", "create", "prod", "--workspace", ws, "--frontend-url", "https://shop.example.net"); !strings.Contains(out, `carol is a viewer of team "acme"`) {
		t.Errorf("viewer env create:\n%s", out)
	}
	if out := carol("", true, "team", "add", "mallory", "--role", "owner"); !strings.Contains(out, "needs owner") {
		t.Errorf("viewer team add:\n%s", out)
	}
	out := oneLine(carol("", false, "team", "audit"))
	for _, want := range []string{
		"alice EnvironmentService/CreateEnvironment team:acme ok",
		"alice ProvisionService/Apply team:acme ok",
		"alice apply.start",
		"alice TeamService/AddMember team:acme ok",
		"carol EnvironmentService/CreateEnvironment team:acme permission_denied",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("audit lacks %q:\n%s", want, out)
		}
	}
	for _, home := range []string{aliceHome, carolHome} {
		if _, err := os.Stat(filepath.Join(home, "daemon.json")); err == nil {
			t.Errorf("%s started a local daemon though it is logged in to a server", home)
		}
	}
	// A revoked user is refused at once; a new token logs them in again.
	run(serverEnv, "", false, "server", "token", "carol", "--revoke")
	if out := carol("", true, "env", "list", "--workspace", ws); !strings.Contains(out, "unknown or revoked token") {
		t.Errorf("revoked token:\n%s", out)
	}
	carolToken = lastLine(run(serverEnv, "", false, "server", "token", "carol"))
	carol(carolToken+"\n", false, "login", "--server", serverURL, "--cacert", cert, "--token-stdin")
	if out := carol("", false, "logout"); !strings.Contains(out, "logged out") {
		t.Errorf("logout:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(carolHome, "server.json")); err == nil {
		t.Error("logout left server.json")
	}
}
