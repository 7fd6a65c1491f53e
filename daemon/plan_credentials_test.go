package daemon_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/99designs/keyring"

	"github.com/patchbay-dev/patchbay/daemon"
	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/gen/patchbay/v1/patchbayv1connect"
	"github.com/patchbay-dev/patchbay/providers/catalog"
	stripeprov "github.com/patchbay-dev/patchbay/providers/stripe"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/store"
	"github.com/patchbay-dev/patchbay/vault"
)

// TestPlanAsksForCredentials: a plan the editor starts with
// ask_for_credentials publishes a credential request for the missing Stripe
// credentials, waits, and resumes with the answer; a canceled request
// leaves the step out with a warning.
func TestPlanAsksForCredentials(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	stripe := stripetest.New(t)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "state.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ks, err := vault.Open(vault.Options{Home: t.TempDir(), Backends: []keyring.BackendType{keyring.FileBackend},
		Passphrase: "plan test", Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	creds := vault.New(vault.Config{Store: ks, Catalog: catalog.Get, All: catalog.All,
		Env: stripe.Env(2*time.Second, "STRIPE"), RequestTimeout: 20 * time.Second})
	eng, err := engine.New(ctx, engine.Options{
		Store: st, Secrets: engine.VaultSecrets{Store: ks}, Credentials: engine.VaultCredentials{Store: ks},
		Source: &engine.StaticSource{Findings: []*patchbayv1.Finding{
			{Kind: patchbayv1.FindingKind_WEBHOOK_HANDLER, Provider: "stripe", Service: ".",
				Detail: &patchbayv1.Finding_Webhook{Webhook: &patchbayv1.WebhookHandler{Route: "/webhooks/stripe", Events: []string{"invoice.paid"}}}},
		}},
		Types: []engine.ResourceType{stripeprov.NewWebhookEndpointType(engine.HTTPOptions{BaseURL: stripe.URL})},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := daemon.New(daemon.Config{Home: t.TempDir(), Engine: eng, Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler(false))
	t.Cleanup(hs.Close)
	envs := patchbayv1connect.NewEnvironmentServiceClient(http.DefaultClient, hs.URL)
	prov := patchbayv1connect.NewProvisionServiceClient(http.DefaultClient, hs.URL)
	credSvc := patchbayv1connect.NewCredentialServiceClient(http.DefaultClient, hs.URL)
	const root = "/src/shop"
	if _, err := envs.CreateEnvironment(ctx, connect.NewRequest(&patchbayv1.CreateEnvironmentRequest{Environment: &patchbayv1.Environment{
		WorkspaceRoot: root, Name: "dev", ApiUrl: "https://dev.example.net:8080"}})); err != nil {
		t.Fatal(err)
	}

	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	events, err := patchbayv1connect.NewDaemonServiceClient(http.DefaultClient, hs.URL).WatchEvents(wctx, connect.NewRequest(&patchbayv1.WatchEventsRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	if !events.Receive() || events.Msg().GetEvent().GetSnapshot() == nil {
		t.Fatal("no snapshot")
	}
	nextRequest := func() *patchbayv1.CredentialRequest {
		t.Helper()
		for events.Receive() {
			if r := events.Msg().GetEvent().GetCredentialRequest(); r != nil {
				return r
			}
		}
		t.Fatalf("event stream ended: %v", events.Err())
		return nil
	}
	plan := func() (chan *patchbayv1.Plan, chan error) {
		pc, ec := make(chan *patchbayv1.Plan, 1), make(chan error, 1)
		go func() {
			r, err := prov.Plan(wctx, connect.NewRequest(&patchbayv1.PlanRequest{WorkspaceRoot: root, Environment: "dev", AskForCredentials: true}))
			if err != nil {
				ec <- err
				return
			}
			pc <- r.Msg.GetPlan()
		}()
		return pc, ec
	}

	// Canceled: the plan still returns, without the step, saying why.
	pc, ec := plan()
	req := nextRequest()
	if req.GetProvider() != "stripe" || !strings.Contains(req.GetReason(), `"dev" needs your Stripe credentials`) {
		t.Fatalf("credential request = %v", req)
	}
	if _, err := credSvc.AnswerCredentialRequest(ctx, connect.NewRequest(&patchbayv1.AnswerCredentialRequestRequest{RequestId: req.GetId(), Cancel: true})); err != nil {
		t.Fatal(err)
	}
	select {
	case p := <-pc:
		if len(p.GetSteps()) != 0 || !strings.Contains(strings.Join(p.GetWarnings(), "\n"), "connect stripe first") {
			t.Errorf("plan after cancel = steps %v warnings %v", p.GetSteps(), p.GetWarnings())
		}
	case err := <-ec:
		t.Fatalf("plan after cancel: %v", err)
	}

	// Answered: the plan resumes and creates the endpoint.
	pc, ec = plan()
	req = nextRequest()
	ans, err := credSvc.AnswerCredentialRequest(ctx, connect.NewRequest(&patchbayv1.AnswerCredentialRequestRequest{RequestId: req.GetId(),
		Values: map[string]string{"secret_key": stripetest.TestKey}}))
	if err != nil || !ans.Msg.GetSaved() {
		t.Fatalf("answer: %v %v", ans, err)
	}
	select {
	case p := <-pc:
		steps := p.GetSteps()
		if len(steps) != 1 || steps[0].GetAction() != patchbayv1.StepAction_STEP_ACTION_CREATE || steps[0].GetProvider() != "stripe" {
			t.Errorf("plan after answer = %v (warnings %v)", steps, p.GetWarnings())
		}
	case err := <-ec:
		t.Fatalf("plan after answer: %v", err)
	}
	if strings.Contains(srvOutputs(t, prov, root), stripetest.TestKey) {
		t.Error("a plan shows the Stripe secret key")
	}
}

// srvOutputs renders a fresh plan, for the secret scan.
func srvOutputs(t *testing.T, prov patchbayv1connect.ProvisionServiceClient, root string) string {
	t.Helper()
	r, err := prov.Plan(context.Background(), connect.NewRequest(&patchbayv1.PlanRequest{WorkspaceRoot: root, Environment: "dev"}))
	if err != nil {
		t.Fatal(err)
	}
	return r.Msg.String()
}
