package daemon_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/patchbay-dev/patchbay/daemon"
	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/gen/patchbay/v1/patchbayv1connect"
	"github.com/patchbay-dev/patchbay/store"
)

// TestVariableEditsAreEvents: setting, generating (rotating) and deleting
// a kept value publish EnvironmentChanged for its environment, so `patchbay
// run --watch` and the editor follow them without polling.
func TestVariableEditsAreEvents(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "state.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	eng, err := engine.New(ctx, engine.Options{Store: st, Secrets: engine.NewMemorySecrets(),
		Source: &engine.StaticSource{Findings: []*patchbayv1.Finding{
			{Kind: patchbayv1.FindingKind_ENV_REFERENCE, Service: ".", Detail: &patchbayv1.Finding_EnvVar{EnvVar: &patchbayv1.EnvVar{Name: "SESSION_SECRET"}}},
		}},
		Credentials: engine.CredentialFunc(func(context.Context, string, string) (engine.Credentials, error) {
			return nil, engine.ErrNoCredentials
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := daemon.New(daemon.Config{Home: t.TempDir(), Engine: eng})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(srv.Handler(false))
	hs.EnableHTTP2 = true
	hs.Start()
	t.Cleanup(hs.Close)
	envs := patchbayv1connect.NewEnvironmentServiceClient(hs.Client(), hs.URL)
	const root = "/src/app"
	if _, err := envs.CreateEnvironment(ctx, connect.NewRequest(&patchbayv1.CreateEnvironmentRequest{Environment: &patchbayv1.Environment{
		WorkspaceRoot: root, Name: "local", FrontendUrl: "http://localhost:3000"}})); err != nil {
		t.Fatal(err)
	}
	events, err := patchbayv1connect.NewDaemonServiceClient(hs.Client(), hs.URL).WatchEvents(ctx, connect.NewRequest(&patchbayv1.WatchEventsRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	defer events.Close()
	if !events.Receive() || events.Msg().GetEvent().GetSnapshot() == nil {
		t.Fatalf("first event is not a snapshot: %v", events.Err())
	}
	for _, edit := range []struct {
		what string
		do   func() error
	}{
		{"generate", func() error {
			_, err := envs.SetVariable(ctx, connect.NewRequest(&patchbayv1.SetVariableRequest{WorkspaceRoot: root, Environment: "local", Service: ".", Name: "SESSION_SECRET", Generate: true}))
			return err
		}},
		{"set", func() error {
			_, err := envs.SetVariable(ctx, connect.NewRequest(&patchbayv1.SetVariableRequest{WorkspaceRoot: root + "/", Environment: "local", Service: ".", Name: "SESSION_SECRET", Value: "typed", Secret: true}))
			return err
		}},
		{"delete", func() error {
			_, err := envs.DeleteVariable(ctx, connect.NewRequest(&patchbayv1.DeleteVariableRequest{WorkspaceRoot: root, Environment: "local", Service: ".", Name: "SESSION_SECRET"}))
			return err
		}},
	} {
		if err := edit.do(); err != nil {
			t.Fatalf("%s: %v", edit.what, err)
		}
		if !events.Receive() {
			t.Fatalf("%s: event stream ended: %v", edit.what, events.Err())
		}
		ch := events.Msg().GetEvent().GetEnvironmentChanged()
		if ch.GetWorkspaceRoot() != root || ch.GetName() != "local" || ch.GetDeleted() {
			t.Errorf("%s: event = %v, want EnvironmentChanged for %s/local", edit.what, events.Msg().GetEvent(), root)
		}
	}
}
