package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/99designs/keyring"

	"github.com/patchbay-dev/patchbay/analyzer"
	"github.com/patchbay-dev/patchbay/store"
	"github.com/patchbay-dev/patchbay/vault"
)

// TestNewEngineWiring builds the production engine (state database under
// home, vault, analyzer) and reads the sample workspace's variables.
func TestNewEngineWiring(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	home := t.TempDir()
	v, err := vault.Open(vault.Options{Home: home, Backends: []keyring.BackendType{keyring.FileBackend}, Passphrase: "pw",
		Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	eng, st, err := newEngine(ctx, home, analyzer.New(analyzer.Options{}), v, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := os.Stat(filepath.Join(home, stateDB)); err != nil {
		t.Fatalf("state database not created: %v", err)
	}
	ws, err := filepath.Abs(filepath.Join("..", "..", "testdata", "provision", "shop"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.CreateEnvironment(ctx, store.Environment{WorkspaceRoot: ws, Name: "local", FrontendURL: "https://dev.example.net:3000"}); err != nil {
		t.Fatal(err)
	}
	vars, err := eng.Variables(ctx, ws, "local", false)
	if err != nil {
		t.Fatal(err)
	}
	read := map[string]bool{}
	for _, v := range vars {
		read[v.Name] = true
		if v.Provided {
			t.Errorf("%s provided before anything was provisioned", v.Name)
		}
	}
	for _, n := range []string{"STRIPE_WEBHOOK_SECRET", "AUTH0_CLIENT_ID"} {
		if !read[n] {
			t.Errorf("the analyzer-backed source did not report %s: %v", n, vars)
		}
	}
}
