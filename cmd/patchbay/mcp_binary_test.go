package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/keyring"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/auth0/auth0test"
	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/vault"
)

// inspectorBin is the official MCP inspector, installed with the
// extension's npm packages (make tools).
func inspectorBin(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "ide", "vscode", "node_modules", ".bin", "mcp-inspector"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("PATCHBAY_REQUIRE_TOOLS") != "" {
			t.Fatalf("the MCP inspector is not installed (%v): run make tools", err)
		}
		t.Skip("the MCP inspector is not installed; run make tools")
	}
	if _, err := exec.LookPath("node"); err != nil {
		if os.Getenv("PATCHBAY_REQUIRE_TOOLS") != "" {
			t.Fatalf("node not installed (%v)", err)
		}
		t.Skip("node not installed")
	}
	return p
}

// TestMCPThroughTheInspector runs `patchbay mcp` (the built binary, which
// starts the real daemon) under the official MCP inspector's CLI mode: it
// lists tools and resources, scans, plans, checks env and credentials, and
// applies and destroys once `patchbay approve` — the user, in a terminal —
// approves; a denied request changes nothing. No output carries a secret.
func TestMCPThroughTheInspector(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary, starts a daemon and the inspector")
	}
	inspector := inspectorBin(t)
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
	bin := patchbayBin(t)
	var mu sync.Mutex
	var outputs []string
	runErr := func(name string, args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Env = env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		mu.Lock()
		outputs = append(outputs, stdout.String(), stderr.String())
		mu.Unlock()
		if err != nil {
			return "", fmt.Errorf("%s %v: %w\n%s%s", filepath.Base(name), args, err, stdout.String(), stderr.String())
		}
		return stdout.String(), nil
	}
	run := func(name string, args ...string) string {
		t.Helper()
		out, err := runErr(name, args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	t.Cleanup(func() {
		cmd := exec.Command(bin, "daemon", "stop")
		cmd.Env = env
		_ = cmd.Run()
	})
	// inspect runs one inspector CLI call against `patchbay mcp` and decodes
	// its JSON result.
	inspectErr := func(args ...string) (map[string]any, error) {
		out, err := runErr(inspector, append([]string{"--cli", bin, "mcp", "--workspace", ws, "--approval-timeout", "60s"}, args...)...)
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			return nil, fmt.Errorf("inspector %v: %w\n%s", args, err, out)
		}
		return m, nil
	}
	inspect := func(args ...string) map[string]any {
		t.Helper()
		m, err := inspectErr(args...)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	// background runs a tool call that waits for the user's answer.
	type result struct {
		m   map[string]any
		err error
	}
	applied := make(chan result, 1)
	background := func(args ...string) {
		go func() {
			m, err := inspectErr(append([]string{"--method", "tools/call", "--tool-name"}, args...)...)
			applied <- result{m, err}
		}()
	}
	wait := func() map[string]any {
		t.Helper()
		r := <-applied
		if r.err != nil {
			t.Fatal(r.err)
		}
		return r.m
	}
	structured := func(m map[string]any) map[string]any {
		t.Helper()
		if m["isError"] == true {
			t.Fatalf("tool error: %v", m["content"])
		}
		s, _ := m["structuredContent"].(map[string]any)
		return s
	}

	tools := inspect("--method", "tools/list")
	var names []string
	for _, tl := range tools["tools"].([]any) {
		names = append(names, tl.(map[string]any)["name"].(string))
	}
	for _, want := range []string{"scan", "plan", "env_check", "credential_status", "system_map", "apply", "destroy", "list_environments"} {
		if !strings.Contains(strings.Join(names, ","), want) {
			t.Errorf("tools/list lacks %s: %v", want, names)
		}
	}
	res := inspect("--method", "resources/list")
	if b, _ := json.Marshal(res); !strings.Contains(string(b), "patchbay://workspace/findings") || !strings.Contains(string(b), "patchbay://workspace/map") {
		t.Errorf("resources/list: %s", b)
	}
	if b, _ := json.Marshal(inspect("--method", "resources/templates/list")); !strings.Contains(string(b), "patchbay://workspace/plan/{environment}") {
		t.Errorf("resources/templates/list: %s", b)
	}

	scan := structured(inspect("--method", "tools/call", "--tool-name", "scan"))
	if b, _ := json.Marshal(scan); !strings.Contains(string(b), `"webhook_handler"`) || !strings.Contains(string(b), "STRIPE_WEBHOOK_SECRET") {
		t.Errorf("scan: %s", b)
	}
	creds := structured(inspect("--method", "tools/call", "--tool-name", "credential_status", "--tool-arg", "check=true"))
	if b, _ := json.Marshal(creds); !strings.Contains(string(b), `"status":"ok"`) || strings.Contains(string(b), "not_connected") {
		t.Errorf("credential_status: %s", b)
	}

	// A public URL: providers cannot call back to localhost.
	run(bin, "env", "create", "local", "--workspace", ws, "--frontend-url", "https://shop.example.dev")
	plan := structured(inspect("--method", "tools/call", "--tool-name", "plan", "--tool-arg", "environment=local"))
	if plan["has_changes"] != true || !strings.Contains(plan["summary"].(string), "+ create stripe webhook_endpoint") {
		t.Fatalf("plan: %v", plan)
	}
	check := structured(inspect("--method", "tools/call", "--tool-name", "env_check"))
	if b, _ := json.Marshal(check["missing"]); !strings.Contains(string(b), "STRIPE_WEBHOOK_SECRET") {
		t.Errorf("env_check before apply: missing %s", b)
	}
	if m := inspect("--method", "resources/read", "--uri", "patchbay://workspace/map"); !strings.Contains(mustJSON(m), "env_var:STRIPE_SECRET_KEY") {
		t.Errorf("map resource: %v", m)
	}

	// apply waits for the user; `patchbay approve --deny` answers first.
	background("apply")
	out := run(bin, "approve", "--wait", "--deny")
	if !strings.Contains(out, "asks to apply plan") || !strings.Contains(out, "+ create stripe webhook_endpoint") || !strings.Contains(out, "Denied") {
		t.Errorf("approve --deny:\n%s", out)
	}
	if a := structured(wait()); a["approval"] != "denied" || len(stripe.Endpoints()) != 0 {
		t.Fatalf("denied apply: %v, endpoints %v", a, stripe.Endpoints())
	}
	background("apply")
	run(bin, "approve", "--wait", "--yes")
	if a := structured(wait()); a["approval"] != "approved" || a["state"] != "completed" || len(stripe.Endpoints()) != 1 || len(auth0.Apps()) != 1 {
		t.Fatalf("approved apply: %v, endpoints %v, apps %v", a, stripe.Endpoints(), auth0.Apps())
	}
	check = structured(inspect("--method", "tools/call", "--tool-name", "env_check"))
	if b, _ := json.Marshal(check["missing"]); strings.Contains(string(b), "STRIPE_WEBHOOK_SECRET") {
		t.Errorf("env_check after apply: missing %s", b)
	}
	var secrets []string
	for id := range stripe.Endpoints() {
		secrets = append(secrets, stripe.Secret(id))
	}
	for _, a := range auth0.Apps() {
		secrets = append(secrets, a.ClientSecret)
	}
	secrets = append(secrets, stripetest.TestKey, auth0.Credentials()["client_secret"])

	background("destroy", "--tool-arg", "environment=local")
	if out := run(bin, "approve", "--wait", "--yes"); !strings.Contains(out, "asks to DESTROY") {
		t.Errorf("approve of destroy:\n%s", out)
	}
	if a := structured(wait()); a["state"] != "completed" || len(stripe.Endpoints()) != 0 || len(auth0.Apps()) != 0 {
		t.Errorf("destroy: %v, left %v %v", a, stripe.Endpoints(), auth0.Apps())
	}

	mu.Lock()
	defer mu.Unlock()
	for _, s := range secrets {
		if s == "" {
			continue
		}
		for _, needle := range providertest.SecretNeedles(s) {
			for _, o := range outputs {
				if strings.Contains(o, needle) {
					t.Errorf("secret %q in output:\n%s", needle, o)
				}
			}
		}
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
