package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers/auth0/auth0test"
)

func TestVariablesUseTheNamesTheCodeReads(t *testing.T) {
	t.Parallel()
	r := newProviderRig(t)
	r.planApply()
	vars, err := r.eng.Variables(context.Background(), root, "local", true)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]engine.Variable{}
	for _, v := range vars {
		got[v.Name] = v
	}
	var whID, clientID string
	for id := range r.stripe.Endpoints() {
		whID = id
	}
	for id := range r.auth0.Apps() {
		clientID = id
	}
	want := map[string]string{
		"STRIPE_WEBHOOK_SECRET": r.stripe.Secret(whID),
		"AUTH0_CLIENT_ID":       clientID,
		"AUTH0_CLIENT_SECRET":   r.auth0.Apps()[clientID].ClientSecret,
		"AUTH0_ISSUER_BASE_URL": "https://" + auth0test.Domain + "/",
		// Not read by the code, so the canonical names are used.
		"AUTH0_DOMAIN": auth0test.Domain,
		"APP_BASE_URL": "https://dev.example.net:3000",
	}
	for n, w := range want {
		if got[n].Value != w || !got[n].Provided {
			t.Errorf("%s = %q (provided %v), want %q", n, got[n].Value, got[n].Provided, w)
		}
	}
	if !got["STRIPE_WEBHOOK_SECRET"].Secret || got["AUTH0_CLIENT_ID"].Secret {
		t.Error("secret flags are wrong")
	}
	if db := got["DATABASE_URL"]; db.Provided || db.Name == "" {
		t.Errorf("DATABASE_URL is read but not provided: %+v", db)
	}
	if strings.Contains(got["STRIPE_WEBHOOK_SECRET"].Source, "whsec_") {
		t.Error("source leaks the secret")
	}

	masked, err := r.eng.Variables(context.Background(), root, "local", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range masked {
		if v.Value != "" {
			t.Errorf("%s has a value without include_values", v.Name)
		}
	}

	pv := engine.ProtoVariables(vars)
	for _, format := range []string{"dotenv", "shell", "json"} {
		out, err := engine.Format(pv, format)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, r.stripe.Secret(whID)) || strings.Contains(out, "DATABASE_URL") {
			t.Errorf("%s output:\n%s", format, out)
		}
	}
	js, _ := engine.Format(pv, "json")
	var m map[string]string
	if err := json.Unmarshal([]byte(js), &m); err != nil || m["AUTH0_CLIENT_ID"] != clientID {
		t.Errorf("json: %v %v", m, err)
	}
	if _, err := engine.Format(pv, "yaml"); !errors.Is(err, engine.ErrInvalid) {
		t.Errorf("unknown format: %v", err)
	}
}

func TestFormatQuotes(t *testing.T) {
	t.Parallel()
	vars := []*patchbayv1.EnvironmentVariable{
		{Name: "A", Value: "plain", Provided: true},
		{Name: "B", Value: `it's "x" $HOME`, Provided: true},
	}
	tests := []struct{ format, want string }{
		{"dotenv", "A=plain\nB=\"it's \\\"x\\\" \\$HOME\"\n"},
		{"shell", "export A='plain'\nexport B='it'\\''s \"x\" $HOME'\n"},
	}
	for _, tc := range tests {
		got, err := engine.Format(vars, tc.format)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.format, d)
		}
	}
	// The shell form must survive a real shell.
	sh, _ := engine.Format(vars, "shell")
	out, err := exec.Command("sh", "-c", sh+`printf %s "$B"`).Output()
	if err != nil || string(out) != `it's "x" $HOME` {
		t.Errorf("shell round trip = %q, %v", out, err)
	}
}

func TestManagedBlockRequiresGitIgnore(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	if out, err := exec.Command("git", "-C", dir, "init", "-q").CombinedOutput(); err != nil {
		t.Fatalf("git init: %v %s", err, out)
	}
	path := filepath.Join(dir, ".env.local")
	vars := []*patchbayv1.EnvironmentVariable{{Name: "STRIPE_WEBHOOK_SECRET", Value: "whsec_1", Provided: true, Secret: true}}
	ctx := context.Background()
	if err := engine.WriteManagedBlock(ctx, path, vars); !errors.Is(err, engine.ErrNotIgnored) {
		t.Fatalf("not ignored: err = %v, want ErrNotIgnored", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("file written although git does not ignore it")
	}
	if err := os.WriteFile(filepath.Join(dir, ".gitignore"), []byte(".env.local\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("MINE=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := engine.WriteManagedBlock(ctx, path, vars); err != nil {
		t.Fatal(err)
	}
	vars[0].Value = "whsec_2"
	if err := engine.WriteManagedBlock(ctx, path, vars); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	text := string(b)
	if !strings.HasPrefix(text, "MINE=1\n") || strings.Count(text, "managed block:") != 1 ||
		!strings.Contains(text, "STRIPE_WEBHOOK_SECRET=whsec_2\n") || strings.Contains(text, "whsec_1") {
		t.Errorf("file:\n%s", text)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", st.Mode().Perm())
	}
	// Outside any git repository it cannot be confirmed, so it is refused.
	if err := engine.WriteManagedBlock(ctx, filepath.Join(t.TempDir(), ".env.local"), vars); !errors.Is(err, engine.ErrNotIgnored) {
		t.Errorf("outside git: err = %v", err)
	}
}

func TestSystemMap(t *testing.T) {
	t.Parallel()
	r := newProviderRig(t)
	r.planApply()
	m, err := r.eng.SystemMap(context.Background(), root, "")
	if err != nil {
		t.Fatal(err)
	}
	edges := map[string]bool{}
	for _, e := range m.GetEdges() {
		edges[e.GetFrom()+" "+e.GetKind()+" "+e.GetTo()] = true
	}
	for _, want := range []string{
		"service:web uses provider:stripe",
		"service:web reads env_var:STRIPE_WEBHOOK_SECRET",
		"environment:local owns resource:local:stripe/webhook_endpoint/web/api/webhooks/stripe",
		"resource:local:stripe/webhook_endpoint/web/api/webhooks/stripe provides env_var:STRIPE_WEBHOOK_SECRET",
		"resource:local:auth0/client/web calls_back service:web",
		"resource:local:auth0/client/web provides env_var:AUTH0_CLIENT_ID",
	} {
		if !edges[want] {
			t.Errorf("missing edge %q", want)
		}
	}
	text := engine.RenderMap(m)
	if !strings.Contains(text, "service web") || !strings.Contains(text, "provides → env_var STRIPE_WEBHOOK_SECRET") {
		t.Errorf("rendered map:\n%s", text)
	}
	for _, n := range m.GetNodes() {
		for k, v := range n.GetAttributes() {
			if strings.HasPrefix(v, "whsec_") || strings.Contains(k, "secret") {
				t.Errorf("map leaks a secret in %s.%s", n.GetId(), k)
			}
		}
	}
}
