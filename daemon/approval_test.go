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
	stripeprov "github.com/patchbay-dev/patchbay/providers/stripe"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/store"
)

// TestApprovalRequests: a tool's approval request reaches event subscribers
// and snapshots, waits for the answer, and closes with the outcome; plans
// that change nothing are refused.
func TestApprovalRequests(t *testing.T) {
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
	hs := httptest.NewUnstartedServer(srv.Handler(false))
	hs.EnableHTTP2 = true
	hs.Start()
	t.Cleanup(hs.Close)
	hc := hs.Client()
	envs := patchbayv1connect.NewEnvironmentServiceClient(hc, hs.URL)
	prov := patchbayv1connect.NewProvisionServiceClient(hc, hs.URL)
	dmn := patchbayv1connect.NewDaemonServiceClient(hc, hs.URL)
	const root = "/src/shop"
	if _, err := envs.CreateEnvironment(ctx, connect.NewRequest(&patchbayv1.CreateEnvironmentRequest{Environment: &patchbayv1.Environment{
		WorkspaceRoot: root, Name: "dev", ApiUrl: "https://api.shop.example.dev"}})); err != nil {
		t.Fatal(err)
	}
	plan, err := prov.Plan(ctx, connect.NewRequest(&patchbayv1.PlanRequest{WorkspaceRoot: root, Environment: "dev"}))
	if err != nil {
		t.Fatal(err)
	}
	planID := plan.Msg.GetPlan().GetId()

	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events, err := dmn.WatchEvents(wctx, connect.NewRequest(&patchbayv1.WatchEventsRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	if !events.Receive() || events.Msg().GetEvent().GetSnapshot() == nil {
		t.Fatalf("first event is not a snapshot: %v", events.Err())
	}

	type answer struct {
		resp *patchbayv1.RequestApprovalResponse
		err  error
	}
	ask := func(timeout uint32) chan answer {
		ch := make(chan answer, 1)
		go func() {
			r, err := prov.RequestApproval(ctx, connect.NewRequest(&patchbayv1.RequestApprovalRequest{PlanId: planID, Requester: "MCP client test", TimeoutSeconds: timeout}))
			if err != nil {
				ch <- answer{err: err}
				return
			}
			ch <- answer{resp: r.Msg}
		}()
		return ch
	}
	nextEvent := func() *patchbayv1.Event {
		t.Helper()
		if !events.Receive() {
			t.Fatalf("event stream ended: %v", events.Err())
		}
		return events.Msg().GetEvent()
	}

	// Environment edits reach subscribers too (the editor's views follow them).
	if _, err := envs.UpdateEnvironment(ctx, connect.NewRequest(&patchbayv1.UpdateEnvironmentRequest{Environment: &patchbayv1.Environment{
		WorkspaceRoot: root, Name: "dev", ApiUrl: "https://api.shop.example.dev", ExtraOrigins: []string{"https://admin.shop.example.dev"}}})); err != nil {
		t.Fatal(err)
	}
	if ch := nextEvent().GetEnvironmentChanged(); ch.GetName() != "dev" || ch.GetWorkspaceRoot() != root || ch.GetDeleted() {
		t.Errorf("environment changed event = %v", ch)
	}
	plan, err = prov.Plan(ctx, connect.NewRequest(&patchbayv1.PlanRequest{WorkspaceRoot: root, Environment: "dev"}))
	if err != nil {
		t.Fatal(err)
	}
	planID = plan.Msg.GetPlan().GetId()

	for _, approve := range []bool{false, true} {
		ch := ask(0)
		req := nextEvent().GetApprovalRequest()
		if req == nil || req.GetPlanId() != planID || req.GetRequester() != "MCP client test" || req.GetEnvironment() != "dev" || req.GetSummary() == "" {
			t.Fatalf("approval request event = %v", req)
		}
		list, err := prov.ListApprovalRequests(ctx, connect.NewRequest(&patchbayv1.ListApprovalRequestsRequest{}))
		if err != nil || len(list.Msg.GetRequests()) != 1 {
			t.Fatalf("list = %v, %v", list, err)
		}
		if _, err := prov.AnswerApprovalRequest(ctx, connect.NewRequest(&patchbayv1.AnswerApprovalRequestRequest{Id: req.GetId(), Approve: approve})); err != nil {
			t.Fatal(err)
		}
		want := patchbayv1.ApprovalOutcome_APPROVAL_OUTCOME_DENIED
		if approve {
			want = patchbayv1.ApprovalOutcome_APPROVAL_OUTCOME_APPROVED
		}
		if closed := nextEvent().GetApprovalRequestClosed(); closed.GetId() != req.GetId() || closed.GetOutcome() != want {
			t.Errorf("closed event = %v, want %v", closed, want)
		}
		select {
		case a := <-ch:
			if a.err != nil || a.resp.GetOutcome() != want || a.resp.GetRequestId() != req.GetId() {
				t.Errorf("RequestApproval = %v, %v; want %v", a.resp, a.err, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("RequestApproval did not return after the answer")
		}
		_, err = prov.AnswerApprovalRequest(ctx, connect.NewRequest(&patchbayv1.AnswerApprovalRequestRequest{Id: req.GetId(), Approve: true}))
		if connect.CodeOf(err) != connect.CodeNotFound {
			t.Errorf("second answer: code = %v", connect.CodeOf(err))
		}
	}

	// Unanswered, it times out.
	ch := ask(1)
	nextEvent()
	if a := <-ch; a.err != nil || a.resp.GetOutcome() != patchbayv1.ApprovalOutcome_APPROVAL_OUTCOME_TIMEOUT {
		t.Errorf("unanswered: %v, %v", a.resp, a.err)
	}

	_, err = prov.RequestApproval(ctx, connect.NewRequest(&patchbayv1.RequestApprovalRequest{PlanId: "plan_nope"}))
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("unknown plan: code = %v (%v)", connect.CodeOf(err), err)
	}
}
