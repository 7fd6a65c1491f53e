package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/99designs/keyring"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/auth0/auth0test"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/vault"
)

// standInStripe prints what `stripe listen --forward-to` prints (the
// "Ready!" line with the signing secret, on stderr), records its
// arguments and whether it got an API key, then waits to be stopped.
const standInStripe = `#!/bin/sh
[ "$1" = listen ] || { echo "stand-in stripe: only listen" >&2; exit 2; }
echo "$* key=${STRIPE_API_KEY:+yes}" > "$(dirname "$0")/args"
echo "Getting ready..." >&2
echo "> Ready! You are using Stripe API Version [2025-05-28.basil]. Your webhook signing secret is ` + standInSecret + ` (^C to quit)" >&2
exec sleep 600
`

const standInSecret = "whsec_0123456789abcdefStandInSecret"

// syncBuffer is a bytes.Buffer the child's output and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRealAppRunsUnderPatchbayRun is the proof that the app actually runs:
// testdata/runapp uses the official stripe and express-openid-connect
// packages (installed from npm by `make tools`). Against stripe-mock and
// the Auth0 fake, `patchbay env check` passes, and under `patchbay run
// --watch` the app starts, answers its health route, creates a Stripe
// customer with the injected key and accepts a webhook event signed like
// Stripe signs it with the whsec_ a stand-in `stripe listen` printed;
// rotating its generated AUTH0_SECRET restarts it.
func TestRealAppRunsUnderPatchbayRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node, stripe-mock and a daemon")
	}
	need := func(what string) {
		how := what + " (run `make tools`)"
		if os.Getenv("PATCHBAY_REQUIRE_TOOLS") != "" {
			t.Fatal(how)
		}
		t.Skip(how)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		need("node is not installed")
	}
	app, err := filepath.Abs(filepath.Join("..", "..", "testdata", "runapp"))
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range []string{"stripe", "express", "express-openid-connect"} {
		if _, err := os.Stat(filepath.Join(app, "node_modules", pkg, "package.json")); err != nil {
			need("testdata/runapp/node_modules lacks " + pkg)
		}
	}
	mock := stripetest.StartMock(t)
	auth0 := auth0test.New(t)

	home := shortHome(t)
	const passphrase = "patchbay test passphrase"
	v, err := vault.Open(vault.Options{Home: home, Backends: []keyring.BackendType{keyring.FileBackend}, Passphrase: passphrase,
		Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	const appKey = "sk_test_51PatchbayRunAppKey000000000"
	for provider, values := range map[string]map[string]string{"auth0": auth0.Credentials(), "stripe": {"secret_key": appKey}} {
		if err := v.Put(vault.Profile{Provider: provider, Name: "default", Values: providers.Values(values)}); err != nil {
			t.Fatal(err)
		}
	}

	// The workspace: the app's files, its installed packages linked in.
	ws := filepath.Join(t.TempDir(), "runapp")
	if err := os.MkdirAll(ws, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"package.json", "server.js", ".gitignore"} {
		b, err := os.ReadFile(filepath.Join(app, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(ws, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(app, "node_modules"), filepath.Join(ws, "node_modules")); err != nil {
		t.Fatal(err)
	}
	standin := t.TempDir()
	if err := os.WriteFile(filepath.Join(standin, "stripe"), []byte(standInStripe), 0o755); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	base := fmt.Sprintf("http://localhost:%d", port)

	env := append(os.Environ(), "PATCHBAY_HOME="+home, "PATCHBAY_KEYRING_BACKEND=file", "PATCHBAY_KEYRING_PASSPHRASE="+passphrase,
		"PATCHBAY_ENDPOINT_AUTH0="+auth0.URL, "PATCHBAY_ENDPOINT_STRIPE="+mock,
		"PATH="+standin+string(os.PathListSeparator)+filepath.Dir(node)+string(os.PathListSeparator)+os.Getenv("PATH"),
		// The app's own switch to stripe-mock; the code has a default.
		"STRIPE_API_BASE="+mock)
	pb := func(args ...string) (string, error) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, patchbayBin(t), args...)
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	must := func(args ...string) string {
		t.Helper()
		out, err := pb(args...)
		if err != nil {
			t.Fatalf("patchbay %v: %v\n%s", args, err, out)
		}
		return out
	}
	t.Cleanup(func() { _, _ = pb("daemon", "stop") })

	must("env", "create", "local", "--workspace", ws, "--frontend-url", base)
	// Before apply the contract names what is missing and exits 3.
	out, err := pb("env", "check", "--workspace", ws)
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 || !strings.Contains(out, "patchbay apply --env local") {
		t.Fatalf("env check before apply: %v\n%s", err, out)
	}
	out = must("apply", "--workspace", ws, "--yes")
	if !strings.Contains(out, "apply completed") || !strings.Contains(out, "stripe listen --forward-to "+base+"/webhooks/stripe") {
		t.Fatalf("apply:\n%s", out)
	}
	out = must("env", "check", "--workspace", ws)
	kinds := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[0] == "✓" {
			kinds[f[1]] = f[2]
		}
	}
	for name, kind := range map[string]string{"AUTH0_CLIENT_ID": "provisioned", "AUTH0_CLIENT_SECRET": "provisioned", "AUTH0_SECRET": "generated",
		"STRIPE_SECRET_KEY": "credential", "STRIPE_WEBHOOK_SECRET": "forwarded", "APP_BASE_URL": "url", "PORT": "platform", "STRIPE_API_BASE": "default"} {
		if kinds[name] != kind {
			t.Errorf("env check: %s is %q, want %q", name, kinds[name], kind)
		}
	}
	if !strings.Contains(out, "all 10 variables have a source") {
		t.Errorf("env check:\n%s", out)
	}

	// The child's environment: the app's variables, none of Patchbay's own.
	out = must("run", "--workspace", ws, "--", "sh", "-c", "env")
	if strings.Contains(out, "PATCHBAY_") || !strings.Contains(out, "STRIPE_SECRET_KEY="+appKey) || !strings.Contains(out, "STRIPE_WEBHOOK_SECRET="+standInSecret) {
		t.Errorf("child environment:\n%s", out)
	}

	var logs syncBuffer
	run := exec.Command(patchbayBin(t), "run", "--workspace", ws, "--watch", "--watch-interval", "1h", "--", "node", "server.js")
	run.Env, run.Stdout, run.Stderr = env, &logs, &logs
	run.Dir = ws
	if err := run.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- run.Wait() }()
	t.Cleanup(func() {
		_ = run.Process.Signal(syscall.SIGTERM)
		select {
		case <-stopped:
		case <-time.After(15 * time.Second):
			_ = run.Process.Kill()
		}
	})
	health := func() {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); ; {
			resp, err := http.Get(base + "/health")
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 && strings.Contains(string(b), `"ok":true`) {
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("the app did not answer /health: %v\n%s", err, logs.String())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	health()

	// A Stripe object created with the injected key, at stripe-mock.
	resp, err := http.Post(base+"/customers", "application/json", strings.NewReader(`{"email":"ada@example.com"}`))
	if err != nil {
		t.Fatal(err)
	}
	var cust struct{ ID, Error string }
	_ = json.NewDecoder(resp.Body).Decode(&cust)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(cust.ID, "cus_") {
		t.Errorf("create customer: %d %+v\n%s", resp.StatusCode, cust, logs.String())
	}

	// A webhook event signed the way Stripe signs it, with the whsec_ the
	// forwarder printed; a wrong signature is refused.
	payload := `{"id":"evt_1PatchbayTest","object":"event","type":"customer.created","data":{"object":{"id":"` + cust.ID + `","object":"customer"}}}`
	post := func(secret string) (int, string) {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(ts + "." + payload))
		req, _ := http.NewRequest("POST", base+"/webhooks/stripe", strings.NewReader(payload))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Stripe-Signature", "t="+ts+",v1="+hex.EncodeToString(m.Sum(nil)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := post(standInSecret); code != 200 || !strings.Contains(body, "customer.created") {
		t.Errorf("signed webhook: %d %s\n%s", code, body, logs.String())
	}
	if code, _ := post("whsec_wrong"); code != 400 {
		t.Errorf("webhook with a wrong signature: %d, want 400", code)
	}
	args, _ := os.ReadFile(filepath.Join(standin, "args"))
	if want := "listen --forward-to " + base + "/webhooks/stripe --events checkout.session.completed,customer.created key=yes"; strings.TrimSpace(string(args)) != want {
		t.Errorf("stripe listen got %q, want %q", args, want)
	}

	// Rotate → re-inject → restart, told by the daemon's event stream (the
	// poll is an hour apart).
	must("env", "rotate", "AUTH0_SECRET", "--workspace", ws)
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logs.String(), "AUTH0_SECRET changed; restarting"); {
		if time.Now().After(deadline) {
			t.Fatalf("run --watch did not restart the app after the rotation:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	for deadline := time.Now().Add(20 * time.Second); strings.Count(logs.String(), "runapp listening") < 2; {
		if time.Now().After(deadline) {
			t.Fatalf("the app did not start again:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	health()
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
