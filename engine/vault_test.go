package engine_test

import (
	"context"
	"errors"
	"testing"

	"github.com/99designs/keyring"

	"github.com/patchbay-dev/patchbay/engine"
	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/vault"
)

// TestVaultAdapters runs the engine's credential and secret interfaces over
// the real vault with its encrypted-file keyring.
func TestVaultAdapters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	v, err := vault.Open(vault.Options{Home: t.TempDir(), Backends: []keyring.BackendType{keyring.FileBackend}, Passphrase: "test passphrase",
		Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	creds := engine.VaultCredentials{Store: v}
	if _, err := creds.Credentials(ctx, "stripe", "default"); !errors.Is(err, engine.ErrNoCredentials) {
		t.Errorf("missing profile: err = %v, want ErrNoCredentials", err)
	}
	if err := v.Put(vault.Profile{Provider: "stripe", Name: "default", Values: providers.Values{"secret_key": "sk_test_abc"}}); err != nil {
		t.Fatal(err)
	}
	c, err := creds.Credentials(ctx, "stripe", "default")
	if err != nil || c["secret_key"] != "sk_test_abc" {
		t.Errorf("credentials = %v, %v", c, err)
	}

	secrets := engine.VaultSecrets{Store: v}
	key := "patchbay/env_1/stripe/webhook_endpoint/web/api/webhooks/stripe/webhook_secret"
	if _, err := secrets.Get(ctx, key); !errors.Is(err, engine.ErrSecretNotFound) {
		t.Errorf("missing secret: err = %v, want ErrSecretNotFound", err)
	}
	if err := secrets.Put(ctx, key, "whsec_1"); err != nil {
		t.Fatal(err)
	}
	if got, err := secrets.Get(ctx, key); err != nil || got != "whsec_1" {
		t.Errorf("get = %q, %v", got, err)
	}
	if err := secrets.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, err := secrets.Get(ctx, key); !errors.Is(err, engine.ErrSecretNotFound) {
		t.Errorf("after delete: err = %v", err)
	}
}
