package auth0_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/auth0"
	"github.com/patchbay-dev/patchbay/providers/auth0/auth0test"
	"github.com/patchbay-dev/patchbay/providers/providertest"
)

const lifecycleClient = "LifecycleClientId000000000000000"

// lifecycle drives every method of the resource client against the fake:
// create, read, adopt by name, update, rotate the secret, delete. It fails
// when a call is refused or a secret the type promises is missing.
func lifecycle(ctx context.Context, s *auth0test.Server) error {
	typ := auth0.NewClientType(providers.HTTPOptions{BaseURL: s.URL})
	creds := providers.Credentials{"domain": auth0test.Domain, "client_id": lifecycleClient, "client_secret": secret2}
	props := providers.Props{"name": {"web-dev"}, "app_type": {"regular_web"}, "callbacks": {"https://app.example.com/callback"}}
	st, err := typ.Create(ctx, creds, props, "")
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	got, err := typ.Read(ctx, creds, st.ID)
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	if got.Secrets["client_secret"] == "" {
		return fmt.Errorf("read: no client_secret, though the type says secrets are readable")
	}
	found, err := typ.Lookup(ctx, creds, props)
	if err != nil || len(found) != 1 || found[0].Secrets["client_secret"] == "" {
		return fmt.Errorf("lookup: %d found, %v", len(found), err)
	}
	props["callbacks"] = append(props["callbacks"], "https://app.example.com/other")
	if _, err := typ.Update(ctx, creds, st.ID, props); err != nil {
		return fmt.Errorf("update: %w", err)
	}
	if _, err := typ.RotateSecret(ctx, creds, st.ID); err != nil {
		return fmt.Errorf("rotate: %w", err)
	}
	if err := typ.Delete(ctx, creds, st.ID); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	return nil
}

// TestCallsDeclareScopes derives the scopes Patchbay asks for from what
// its code calls: every request the resource client and the credential
// check make must be a declared call, every declared call must be made,
// the granted RequiredScopes must suffice, and dropping any one of them
// must break a call (so none is asked for that no call needs). The fake
// enforces each endpoint's scope as Auth0 documents it.
func TestCallsDeclareScopes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := auth0test.New(t)
	s.AddClient(lifecycleClient, auth0test.Client{Secret: secret2, Scopes: auth0.RequiredScopes})
	if err := lifecycle(ctx, s); err != nil {
		t.Fatalf("lifecycle with RequiredScopes %v: %v", auth0.RequiredScopes, err)
	}
	if r := auth0.Provider().Credentials.Check(ctx, providers.Values{"domain": auth0test.Domain, "client_id": lifecycleClient, "client_secret": secret2},
		s.Env(0, "AUTH0")); r.Status != providers.StatusOK {
		t.Fatalf("check with RequiredScopes: %v %s", r.Status, r.Summary)
	}
	providertest.CheckCalls(t, "auth0.Calls", auth0.Calls, s.Requests())
	if !slices.Equal(auth0.RequiredScopes, auth0.Calls.Permissions()) || !slices.Equal(auth0.Provider().Credentials.Permissions, auth0.RequiredScopes) {
		t.Errorf("the form asks for %v, the calls need %v", auth0.Provider().Credentials.Permissions, auth0.Calls.Permissions())
	}
	for _, drop := range auth0.RequiredScopes {
		t.Run("without "+drop, func(t *testing.T) {
			t.Parallel()
			s := auth0test.New(t)
			s.AddClient(lifecycleClient, auth0test.Client{Secret: secret2, Scopes: slices.DeleteFunc(slices.Clone(auth0.RequiredScopes), func(x string) bool { return x == drop })})
			if err := lifecycle(ctx, s); err == nil {
				t.Errorf("the resource client works without %s, so Patchbay should not ask for it", drop)
			}
		})
	}
}
