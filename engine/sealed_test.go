package engine_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/patchbay-dev/patchbay/engine"
	"github.com/patchbay-dev/patchbay/internal/pgtest"
	"github.com/patchbay-dev/patchbay/internal/sealed"
	"github.com/patchbay-dev/patchbay/providers/auth0/auth0test"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/store"
)

// TestSealedSecretsInPostgres provisions with secrets sealed into a shared
// PostgreSQL database: a pg_dump holds neither the Auth0 client secret nor
// the Stripe signing secret, a second daemon with the keyset reads them,
// and one with another keyset is told they are damaged, not lost.
func TestSealedSecretsInPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.Database(t)
	dir := t.TempDir()
	keyset := filepath.Join(dir, "keyset.json")
	if err := sealed.CreateKeyset(keyset); err != nil {
		t.Fatal(err)
	}
	if err := sealed.CreateKeyset(keyset); err == nil {
		t.Error("CreateKeyset overwrote an existing keyset")
	}
	aead, err := sealed.Open(keyset)
	if err != nil {
		t.Fatal(err)
	}
	secretsStore := func() *store.Store {
		st, err := store.Open(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	r := &providerRig{t: t, dbPath: url, auth0: auth0test.New(t), stripe: stripetest.New(t),
		secrets: engine.SealedSecrets{Store: secretsStore(), Sealer: aead}}
	r.open(nil)
	if _, err := r.eng.CreateEnvironment(ctx, store.Environment{WorkspaceRoot: root, Name: "local",
		FrontendURL: "https://dev.example.net:3000", ExtraOrigins: []string{"http://127.0.0.1:3000"}}); err != nil {
		t.Fatal(err)
	}
	r.planApply()
	r.checkProviders("https://dev.example.net:3000")

	var plain [][]byte
	for _, a := range r.auth0.Apps() {
		plain = append(plain, []byte(a.ClientSecret))
	}
	for id := range r.stripe.Endpoints() {
		plain = append(plain, []byte(r.stripe.Secret(id)))
	}
	dump := pgtest.Dump(t, url)
	if !bytes.Contains(dump, []byte("sealed_secrets")) {
		t.Fatal("the dump has no sealed_secrets table")
	}
	for _, p := range plain {
		if len(p) < 8 {
			t.Fatalf("implausible secret %q", p)
		}
		if bytes.Contains(dump, p) {
			t.Errorf("pg_dump contains a provisioned secret in plain text")
		}
	}

	// Another daemon with the keyset sees the same secrets: nothing to do.
	other := engine.SealedSecrets{Store: secretsStore(), Sealer: aead}
	r2 := &providerRig{t: t, dbPath: url, auth0: r.auth0, stripe: r.stripe, secrets: other}
	r2.open(nil)
	if p, err := r2.eng.Plan(ctx, root, "local", false); err != nil || p.HasChanges() {
		t.Fatalf("second daemon's plan: %v\n%s", err, p.Summary())
	}

	// A daemon with another keyset cannot open them, and says so.
	wrongPath := filepath.Join(dir, "other.json")
	if err := sealed.CreateKeyset(wrongPath); err != nil {
		t.Fatal(err)
	}
	wrong, err := sealed.Open(wrongPath)
	if err != nil {
		t.Fatal(err)
	}
	env := r.env()
	_, err = engine.SealedSecrets{Store: secretsStore(), Sealer: wrong}.Get(ctx,
		"patchbay/"+env.ID+"/auth0/client/web/client_secret")
	if !errors.Is(err, engine.ErrSecretDamaged) {
		t.Errorf("wrong keyset: err = %v, want ErrSecretDamaged", err)
	}
}
