package daemon_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/patchbay-dev/patchbay/daemon"
	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/gen/patchbay/v1/patchbayv1connect"
	stripeprov "github.com/patchbay-dev/patchbay/providers/stripe"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/store"
)

func TestEnvironmentAndProvisionServices(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	stripe := stripetest.New(t)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "state.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	eng, err := engine.New(ctx, engine.Options{
		Store: st, Secrets: engine.NewMemorySecrets(),
		Source: &engine.StaticSource{Findings: []*patchbayv1.Finding{
			{Kind: patchbayv1.FindingKind_WEBHOOK_HANDLER, Provider: "stripe", Service: ".",
				Detail: &patchbayv1.Finding_Webhook{Webhook: &patchbayv1.WebhookHandler{Route: "/webhooks/stripe", Events: []string{"invoice.paid"}}}},
			{Kind: patchbayv1.FindingKind_ENV_REFERENCE, Provider: "stripe", Service: ".",
				Detail: &patchbayv1.Finding_EnvVar{EnvVar: &patchbayv1.EnvVar{Name: "STRIPE_WEBHOOK_SECRET"}}},
		}},
		Types: []engine.ResourceType{stripeprov.NewWebhookEndpointType(engine.HTTPOptions{BaseURL: stripe.URL})},
		Credentials: engine.CredentialFunc(func(context.Context, string, string) (engine.Credentials, error) {
			return stripe.Credentials(), nil
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := daemon.New(daemon.Config{Home: t.TempDir(), Engine: eng})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler(false))
	t.Cleanup(hs.Close)
	envs := patchbayv1connect.NewEnvironmentServiceClient(http.DefaultClient, hs.URL)
	prov := patchbayv1connect.NewProvisionServiceClient(http.DefaultClient, hs.URL)
	const root = "/src/shop"

	_, err = envs.CreateEnvironment(ctx, connect.NewRequest(&patchbayv1.CreateEnvironmentRequest{Environment: &patchbayv1.Environment{
		WorkspaceRoot: root, Name: "dev", ApiUrl: "not a url"}}))
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("bad URL: code = %v (%v)", connect.CodeOf(err), err)
	}
	if _, err := envs.CreateEnvironment(ctx, connect.NewRequest(&patchbayv1.CreateEnvironmentRequest{Environment: &patchbayv1.Environment{
		WorkspaceRoot: root, Name: "dev", ApiUrl: "https://dev.example.net:8080"}})); err != nil {
		t.Fatal(err)
	}
	_, err = envs.CreateEnvironment(ctx, connect.NewRequest(&patchbayv1.CreateEnvironmentRequest{Environment: &patchbayv1.Environment{
		WorkspaceRoot: root, Name: "dev"}}))
	if connect.CodeOf(err) != connect.CodeAlreadyExists {
		t.Errorf("duplicate: code = %v", connect.CodeOf(err))
	}
	_, err = prov.Plan(ctx, connect.NewRequest(&patchbayv1.PlanRequest{WorkspaceRoot: root, Environment: "nope"}))
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("unknown environment: code = %v", connect.CodeOf(err))
	}

	plan, err := prov.Plan(ctx, connect.NewRequest(&patchbayv1.PlanRequest{WorkspaceRoot: root, Environment: "dev"}))
	if err != nil {
		t.Fatal(err)
	}
	steps := plan.Msg.GetPlan().GetSteps()
	if len(steps) != 1 || steps[0].GetAction() != patchbayv1.StepAction_STEP_ACTION_CREATE || plan.Msg.GetPlan().GetSummary() == "" {
		t.Fatalf("plan = %v", plan.Msg.GetPlan())
	}
	// The editor follows operations on the event bus, whoever started them.
	wctx, wcancel := context.WithTimeout(ctx, 30*time.Second)
	defer wcancel()
	events, err := patchbayv1connect.NewDaemonServiceClient(http.DefaultClient, hs.URL).WatchEvents(wctx, connect.NewRequest(&patchbayv1.WatchEventsRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	if !events.Receive() || events.Msg().GetEvent().GetSnapshot() == nil {
		t.Fatalf("first event is not a snapshot: %v %v", events.Msg(), events.Err())
	}
	busFinal := make(chan patchbayv1.OperationState, 1)
	go func() {
		defer close(busFinal)
		for events.Receive() {
			if op := events.Msg().GetEvent().GetOperation(); op != nil && op.GetState() != patchbayv1.OperationState_OPERATION_STATE_RUNNING {
				busFinal <- op.GetState()
				return
			}
		}
	}()
	finals := collect(t, func() (*connect.ServerStreamForClient[patchbayv1.ApplyResponse], error) {
		return prov.Apply(ctx, connect.NewRequest(&patchbayv1.ApplyRequest{PlanId: plan.Msg.GetPlan().GetId()}))
	}, func(r *patchbayv1.ApplyResponse) *patchbayv1.OperationProgress { return r.GetProgress() })
	if len(finals) != 1 || finals[0] != patchbayv1.OperationState_OPERATION_STATE_COMPLETED {
		t.Fatalf("apply final states = %v", finals)
	}
	if st := <-busFinal; st != patchbayv1.OperationState_OPERATION_STATE_COMPLETED {
		t.Errorf("final operation event on the bus = %v", st)
	}
	wcancel()
	// Applying the same plan twice is refused.
	again, err := prov.Apply(ctx, connect.NewRequest(&patchbayv1.ApplyRequest{PlanId: plan.Msg.GetPlan().GetId()}))
	if err == nil {
		for again.Receive() {
		}
		err = again.Err()
	}
	if connect.CodeOf(err) != connect.CodeFailedPrecondition {
		t.Errorf("second apply: code = %v (%v)", connect.CodeOf(err), err)
	}

	vars, err := envs.GetEnvironmentVariables(ctx, connect.NewRequest(&patchbayv1.GetEnvironmentVariablesRequest{WorkspaceRoot: root, Environment: "dev", IncludeValues: true}))
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for k := range stripe.Endpoints() {
		id = k
	}
	if v := vars.Msg.GetVariables(); len(v) != 1 || v[0].GetName() != "STRIPE_WEBHOOK_SECRET" || v[0].GetValue() != stripe.Secret(id) {
		t.Errorf("variables = %v", v)
	}
	m, err := prov.GetSystemMap(ctx, connect.NewRequest(&patchbayv1.GetSystemMapRequest{WorkspaceRoot: root}))
	if err != nil || len(m.Msg.GetEdges()) == 0 {
		t.Errorf("map = %v, %v", m, err)
	}

	_, err = envs.DeleteEnvironment(ctx, connect.NewRequest(&patchbayv1.DeleteEnvironmentRequest{WorkspaceRoot: root, Name: "dev"}))
	if connect.CodeOf(err) != connect.CodeFailedPrecondition {
		t.Errorf("delete with resources: code = %v", connect.CodeOf(err))
	}
	finals = collect(t, func() (*connect.ServerStreamForClient[patchbayv1.DestroyResponse], error) {
		return prov.Destroy(ctx, connect.NewRequest(&patchbayv1.DestroyRequest{WorkspaceRoot: root, Environment: "dev"}))
	}, func(r *patchbayv1.DestroyResponse) *patchbayv1.OperationProgress { return r.GetProgress() })
	if len(finals) != 1 || finals[0] != patchbayv1.OperationState_OPERATION_STATE_COMPLETED || len(stripe.Endpoints()) != 0 {
		t.Fatalf("destroy final states = %v, endpoints left %v", finals, stripe.Endpoints())
	}
	if _, err := envs.DeleteEnvironment(ctx, connect.NewRequest(&patchbayv1.DeleteEnvironmentRequest{WorkspaceRoot: root, Name: "dev"})); err != nil {
		t.Errorf("delete after destroy: %v", err)
	}

	// A failing step: the operation's outcome travels in the final event
	// (with the reason), and the stream itself ends cleanly.
	for i := range 16 {
		stripe.Seed(fmt.Sprintf("https://elsewhere.example/%d", i), []string{"*"})
	}
	if _, err := envs.CreateEnvironment(ctx, connect.NewRequest(&patchbayv1.CreateEnvironmentRequest{Environment: &patchbayv1.Environment{
		WorkspaceRoot: root, Name: "full", ApiUrl: "https://dev.example.net:9090"}})); err != nil {
		t.Fatal(err)
	}
	plan, err = prov.Plan(ctx, connect.NewRequest(&patchbayv1.PlanRequest{WorkspaceRoot: root, Environment: "full"}))
	if err != nil {
		t.Fatal(err)
	}
	stream, err := prov.Apply(ctx, connect.NewRequest(&patchbayv1.ApplyRequest{PlanId: plan.Msg.GetPlan().GetId()}))
	if err != nil {
		t.Fatal(err)
	}
	var final *patchbayv1.OperationProgress
	for stream.Receive() {
		if p := stream.Msg().GetProgress(); p.GetState() != patchbayv1.OperationState_OPERATION_STATE_RUNNING {
			final = p
		}
	}
	if err := stream.Err(); err != nil {
		t.Errorf("stream error for a failed operation: %v", err)
	}
	if final.GetState() != patchbayv1.OperationState_OPERATION_STATE_FAILED || !strings.Contains(final.GetMessage(), "maximum of 16") {
		t.Errorf("final = %v", final)
	}
}

// collect drains a progress stream and returns the final operation states.
func collect[T any](t *testing.T, open func() (*connect.ServerStreamForClient[T], error), progress func(*T) *patchbayv1.OperationProgress) []patchbayv1.OperationState {
	t.Helper()
	s, err := open()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var finals []patchbayv1.OperationState
	deadline := time.Now().Add(30 * time.Second)
	for s.Receive() {
		p := progress(s.Msg())
		if p.GetOperationId() == "" {
			t.Errorf("progress without operation id: %v", p)
		}
		if st := p.GetState(); st != patchbayv1.OperationState_OPERATION_STATE_RUNNING {
			finals = append(finals, st)
		}
		if time.Now().After(deadline) {
			t.Fatal("stream too long")
		}
	}
	if err := s.Err(); err != nil {
		t.Fatalf("stream: %v", err)
	}
	return finals
}
