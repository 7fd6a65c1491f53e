package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestKeysThroughTheBinary checks that the shipped daemon serves the API-key
// services: a key is created through the CLI, works on ActionService over
// loopback with plain Connect JSON (what curl sends), and the daemon token
// does not.
func TestKeysThroughTheBinary(t *testing.T) {
	home := shortHome(t)
	t.Setenv("PATCHBAY_KEYRING_BACKEND", "file")
	t.Setenv("PATCHBAY_KEYRING_PASSPHRASE", "keys test passphrase")
	defer run(t, home, "daemon", "stop")

	out, stderr, err := run(t, home, "keys", "create", "ci")
	if err != nil {
		t.Fatalf("keys create: %v\n%s", err, stderr)
	}
	// The output shows a hint ("pbk_id_abcd…") and, once, the whole token.
	var token string
	for _, m := range regexp.MustCompile(`pbk_[a-z0-9]+_[a-z0-9]+`).FindAllString(out, -1) {
		if len(m) > len(token) {
			token = m
		}
	}
	if len(token) < 40 {
		t.Fatalf("keys create printed no token:\n%s", out)
	}

	out, _, err = run(t, home, "keys", "list")
	if err != nil || !strings.Contains(out, "ci") || strings.Contains(out, token) {
		t.Fatalf("keys list (must show the key, never its token): %v\n%s", err, out)
	}

	// A grant on a connection that does not exist is refused with the fix.
	_, stderr, err = run(t, home, "keys", "create", "deploy", "--grant", "stripe:create_customer")
	if err == nil || !strings.Contains(stderr, "patchbay creds set stripe") {
		t.Errorf("key with a missing stripe connection: err=%v stderr=%q", err, stderr)
	}

	b, err := os.ReadFile(filepath.Join(home, "daemon.json"))
	if err != nil {
		t.Fatal(err)
	}
	var info struct{ Address, Token string }
	if err := json.Unmarshal(b, &info); err != nil {
		t.Fatal(err)
	}
	call := func(bearer string) (int, string) {
		req, _ := http.NewRequest("POST", "http://"+info.Address+"/patchbay.v1.ActionService/ListComponents", bytes.NewBufferString("{}"))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+bearer)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body bytes.Buffer
		body.ReadFrom(resp.Body)
		return resp.StatusCode, body.String()
	}
	if code, body := call(token); code != http.StatusOK {
		t.Errorf("ListComponents with the API key: %d %s", code, body)
	}
	if code, body := call(info.Token); code != http.StatusUnauthorized || !strings.Contains(body, "unauthenticated") {
		t.Errorf("ListComponents with the daemon token: %d %s, want 401 unauthenticated", code, body)
	}
}
