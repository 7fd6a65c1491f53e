package mcpserver_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/99designs/keyring"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/patchbay-dev/patchbay/analyzer"
	"github.com/patchbay-dev/patchbay/daemon"
	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/gen/patchbay/v1/patchbayv1connect"
	"github.com/patchbay-dev/patchbay/internal/mcpserver"
	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/auth0/auth0test"
	"github.com/patchbay-dev/patchbay/providers/catalog"
	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/store"
	"github.com/patchbay-dev/patchbay/vault"
)

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

type fixture struct {
	ws     string
	auth0  *auth0test.Server
	stripe *stripetest.Server
	envs   patchbayv1connect.EnvironmentServiceClient
	prov   patchbayv1connect.ProvisionServiceClient
	events patchbayv1connect.DaemonServiceClient
	daemon mcpserver.Daemon
}

// newFixture runs an in-process daemon over the sample shop workspace: the
// real analyzer, an engine that provisions at the Auth0 and Stripe fakes,
// and a file keyring holding the Stripe credentials (Auth0's are not
// connected, as far as credential_status can tell).
func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	ws := filepath.Join(t.TempDir(), "shop")
	copyDir(t, filepath.Join("..", "..", "testdata", "provision", "shop"), ws)
	auth0, stripe := auth0test.New(t), stripetest.New(t)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "state.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	an := analyzer.New(analyzer.Options{})
	eng, err := engine.New(ctx, engine.Options{
		Store: st, Secrets: engine.NewMemorySecrets(),
		Source: daemon.AnalyzerSource{Analyzer: an},
		Types:  engine.DefaultTypes(engine.HTTPOptions{BaseURL: auth0.URL}, engine.HTTPOptions{BaseURL: stripe.URL}),
		Credentials: engine.CredentialFunc(func(_ context.Context, provider, _ string) (engine.Credentials, error) {
			if provider == "auth0" {
				return auth0.Credentials(), nil
			}
			return stripe.Credentials(), nil
		}),
	})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := vault.Open(vault.Options{Home: t.TempDir(), Backends: []keyring.BackendType{keyring.FileBackend}, Passphrase: "pw", Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	if err := vs.Put(vault.Profile{Provider: "stripe", Name: "default", Values: providers.Values(stripe.Credentials())}); err != nil {
		t.Fatal(err)
	}
	creds := vault.New(vault.Config{Store: vs, Catalog: catalog.Get, All: catalog.All, Env: stripe.Env(2*time.Second, "STRIPE")})
	srv, err := daemon.New(daemon.Config{Home: t.TempDir(), Engine: eng, Analyzer: an, Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(srv.Handler(false))
	hs.Config.Protocols = new(http.Protocols)
	hs.Config.Protocols.SetHTTP1(true)
	hs.Config.Protocols.SetUnencryptedHTTP2(true)
	hs.Start()
	t.Cleanup(hs.Close)
	hc := &http.Client{Transport: &http.Transport{Protocols: hs.Config.Protocols}}
	return &fixture{
		ws: ws, auth0: auth0, stripe: stripe,
		envs:   patchbayv1connect.NewEnvironmentServiceClient(hc, hs.URL),
		prov:   patchbayv1connect.NewProvisionServiceClient(hc, hs.URL),
		events: patchbayv1connect.NewDaemonServiceClient(hc, hs.URL),
		daemon: mcpserver.Daemon{
			Workspace:   patchbayv1connect.NewWorkspaceServiceClient(hc, hs.URL),
			Credentials: patchbayv1connect.NewCredentialServiceClient(hc, hs.URL),
			Environment: patchbayv1connect.NewEnvironmentServiceClient(hc, hs.URL),
			Provision:   patchbayv1connect.NewProvisionServiceClient(hc, hs.URL),
		},
	}
}

// session connects the Go SDK's client to the server over in-memory
// transports; every result it gets is kept for the secret scan.
type session struct {
	cs      *mcp.ClientSession
	mu      sync.Mutex
	outputs []string
}

func connectClient(t *testing.T, f *fixture) *session {
	t.Helper()
	ctx := context.Background()
	srv := mcpserver.New(f.daemon, mcpserver.Options{Root: f.ws, Version: "test", ApprovalTimeout: 20 * time.Second})
	st, ct := mcp.NewInMemoryTransports()
	ss, err := srv.Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.Close() })
	cl := mcp.NewClient(&mcp.Implementation{Name: "go-test-agent", Version: "1"}, nil)
	cs, err := cl.Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return &session{cs: cs}
}

func (s *session) record(v any) {
	b, _ := json.Marshal(v)
	s.mu.Lock()
	s.outputs = append(s.outputs, string(b))
	s.mu.Unlock()
}

// call runs a tool and decodes its structured result into out.
func (s *session) call(t *testing.T, name string, args map[string]any, out any) string {
	t.Helper()
	res, err := s.cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	s.record(res)
	var txt strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			txt.WriteString(tc.Text)
		}
	}
	if res.IsError {
		t.Fatalf("%s: tool error: %s", name, txt.String())
	}
	if out != nil {
		b, _ := json.Marshal(res.StructuredContent)
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s: structured content %s: %v", name, b, err)
		}
	}
	return txt.String()
}

// answerApprovals answers every approval request on the event stream with
// the next answer, and records what it saw.
func answerApprovals(t *testing.T, f *fixture, answers ...bool) <-chan *patchbayv1.ApprovalRequest {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	stream, err := f.events.WatchEvents(ctx, connect.NewRequest(&patchbayv1.WatchEventsRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	seen := make(chan *patchbayv1.ApprovalRequest, len(answers))
	ready := make(chan struct{})
	go func() {
		defer stream.Close()
		for stream.Receive() {
			ev := stream.Msg().GetEvent()
			if ev.GetSnapshot() != nil {
				close(ready)
			}
			r := ev.GetApprovalRequest()
			if r == nil || len(answers) == 0 {
				continue
			}
			approve := answers[0]
			answers = answers[1:]
			seen <- r
			if _, err := f.prov.AnswerApprovalRequest(ctx, connect.NewRequest(&patchbayv1.AnswerApprovalRequestRequest{Id: r.GetId(), Approve: approve})); err != nil {
				t.Errorf("answer: %v", err)
			}
		}
	}()
	<-ready
	return seen
}

// TestMCPServerWithGoSDKClient drives every tool and resource through the
// official Go SDK's client: scan, environments, plan, env check, credential
// status, the system map, and apply/destroy that run only once the user
// (here: an editor stand-in on the event stream) approves. No output
// carries a secret.
func TestMCPServerWithGoSDKClient(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	s := connectClient(t, f)

	tools, err := s.cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range tools.Tools {
		names = append(names, tl.Name)
		if tl.Name == "destroy" && (tl.Annotations == nil || tl.Annotations.DestructiveHint == nil || !*tl.Annotations.DestructiveHint) {
			t.Error("destroy is not marked destructive")
		}
		if tl.Name == "scan" && (tl.Annotations == nil || !tl.Annotations.ReadOnlyHint) {
			t.Error("scan is not marked read-only")
		}
	}
	slices.Sort(names)
	want := []string{"apply", "credential_status", "destroy", "env_check", "list_environments", "plan", "scan", "system_map"}
	if !slices.Equal(names, want) {
		t.Errorf("tools = %v, want %v", names, want)
	}

	var scan mcpserver.ScanOut
	txt := s.call(t, "scan", nil, &scan)
	var webhook bool
	for _, fd := range scan.Findings {
		if fd.Kind == "webhook_handler" && fd.Provider == "stripe" && strings.Contains(fd.Detail, "/api/webhooks/stripe") && fd.Line > 0 {
			webhook = true
		}
	}
	if !webhook || len(scan.Services) == 0 || !strings.Contains(txt, "stripe") {
		t.Errorf("scan found no Stripe webhook handler: %+v\n%s", scan, txt)
	}
	// Each service lists the routes it serves: here a Next.js file route.
	var route bool
	for _, sv := range scan.Services {
		for _, r := range sv.Routes {
			if r.Method == "POST" && r.Path == "/api/webhooks/stripe" && r.Source == "file" && r.File == "app/api/webhooks/stripe/route.ts" {
				route = true
			}
		}
	}
	if !route || !strings.Contains(txt, "- route POST /api/webhooks/stripe") {
		t.Errorf("scan lists no POST /api/webhooks/stripe route: %+v\n%s", scan.Services, txt)
	}

	if txt := s.call(t, "list_environments", nil, nil); !strings.Contains(txt, "No environments") {
		t.Errorf("list_environments before any: %s", txt)
	}
	// The user creates the environment (in the editor or the CLI).
	if _, err := f.envs.CreateEnvironment(ctx, connect.NewRequest(&patchbayv1.CreateEnvironmentRequest{Environment: &patchbayv1.Environment{
		WorkspaceRoot: f.ws, Name: "local", FrontendUrl: "https://shop.example.dev"}})); err != nil {
		t.Fatal(err)
	}
	var envs mcpserver.EnvironmentsOut
	s.call(t, "list_environments", nil, &envs)
	if len(envs.Environments) != 1 || envs.Environments[0].FrontendURL != "https://shop.example.dev" {
		t.Errorf("environments = %+v", envs)
	}

	var plan mcpserver.PlanOut
	txt = s.call(t, "plan", map[string]any{"environment": "local"}, &plan)
	if !plan.HasChanges || plan.PlanID == "" || !strings.Contains(txt, `+ create stripe webhook_endpoint`) || !strings.Contains(txt, "apply") {
		t.Errorf("plan = %+v\n%s", plan, txt)
	}

	var check mcpserver.EnvCheckOut
	s.call(t, "env_check", nil, &check)
	if !slices.Contains(check.Missing, "STRIPE_WEBHOOK_SECRET") {
		t.Errorf("env_check before apply: missing = %v", check.Missing)
	}

	var creds mcpserver.CredentialsOut
	txt = s.call(t, "credential_status", map[string]any{"check": true}, &creds)
	if len(creds.Profiles) != 1 || creds.Profiles[0].Provider != "stripe" || creds.Profiles[0].Status != "ok" {
		t.Errorf("credential profiles = %+v\n%s", creds.Profiles, txt)
	}
	// A secret key holds every permission: the ones Patchbay needs are
	// verified, the rest is excess.
	if len(creds.Profiles) == 1 {
		verdicts := map[string]string{}
		for _, p := range creds.Profiles[0].Permissions {
			verdicts[p.Name] = p.Verdict
		}
		if verdicts["rak_webhook_write"] != "verified" || verdicts["every other permission"] != "excess" || !strings.Contains(txt, "excess: every other permission") {
			t.Errorf("permissions = %+v\n%s", creds.Profiles[0].Permissions, txt)
		}
	}
	if !slices.Contains(creds.NotConnected, "auth0") {
		t.Errorf("not connected = %v, want auth0 (the code uses it)", creds.NotConnected)
	}

	var m mcpserver.MapOut
	txt = s.call(t, "system_map", nil, &m)
	if len(m.Nodes) == 0 || len(m.Edges) == 0 || !strings.Contains(txt, "reads → env_var STRIPE_SECRET_KEY") {
		t.Errorf("map: %d nodes, %d edges\n%s", len(m.Nodes), len(m.Edges), txt)
	}

	// Resources.
	res, err := s.cs.ListResources(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var uris []string
	for _, r := range res.Resources {
		uris = append(uris, r.URI)
	}
	slices.Sort(uris)
	if !slices.Equal(uris, []string{mcpserver.FindingsURI, mcpserver.SystemMapURI}) {
		t.Errorf("resources = %v", uris)
	}
	tmpl, err := s.cs.ListResourceTemplates(ctx, nil)
	if err != nil || len(tmpl.ResourceTemplates) != 1 || tmpl.ResourceTemplates[0].URITemplate != mcpserver.PlanURITemplate {
		t.Errorf("templates = %+v, %v", tmpl, err)
	}
	for _, uri := range []string{mcpserver.FindingsURI, mcpserver.SystemMapURI, "patchbay://workspace/plan/local"} {
		rr, err := s.cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: uri})
		if err != nil {
			t.Fatalf("read %s: %v", uri, err)
		}
		s.record(rr)
		if len(rr.Contents) != 1 || !json.Valid([]byte(rr.Contents[0].Text)) || rr.Contents[0].MIMEType != "application/json" {
			t.Errorf("read %s: %+v", uri, rr.Contents)
		}
	}
	if _, err := s.cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "patchbay://workspace/plan/"}); err == nil {
		t.Error("plan resource without an environment did not fail")
	}

	// Reading the plan resource planned again, which supersedes the plan
	// above; apply what the user will review now.
	s.call(t, "plan", map[string]any{"environment": "local"}, &plan)
	// apply: the first request is denied (nothing changes), the second approved.
	seen := answerApprovals(t, f, false, true, true)
	var ap mcpserver.ApplyOut
	txt = s.call(t, "apply", map[string]any{"plan_id": plan.PlanID}, &ap)
	if ap.Approval != "denied" || ap.State != "" || len(f.stripe.Endpoints()) != 0 || !strings.Contains(txt, "nothing changed") {
		t.Fatalf("denied apply: %+v, endpoints %v\n%s", ap, f.stripe.Endpoints(), txt)
	}
	if r := <-seen; r.GetRequester() != "MCP client go-test-agent" || r.GetPlanId() != plan.PlanID || !strings.Contains(r.GetSummary(), "webhook_endpoint") {
		t.Errorf("approval request = %v", r)
	}
	txt = s.call(t, "apply", map[string]any{"plan_id": plan.PlanID}, &ap)
	if ap.Approval != "approved" || ap.State != "completed" || len(f.stripe.Endpoints()) != 1 || len(f.auth0.Apps()) != 1 {
		t.Fatalf("approved apply: %+v\n%s", ap, txt)
	}
	<-seen
	s.call(t, "env_check", nil, &check)
	if slices.Contains(check.Missing, "STRIPE_WEBHOOK_SECRET") {
		t.Errorf("env_check after apply: missing = %v", check.Missing)
	}
	// A second apply has nothing to do and asks nobody.
	s.call(t, "apply", nil, &ap)
	if ap.Approval != "not_needed" {
		t.Errorf("apply of an up-to-date environment: %+v", ap)
	}

	var secrets []string
	for id := range f.stripe.Endpoints() {
		secrets = append(secrets, f.stripe.Secret(id))
	}
	for _, a := range f.auth0.Apps() {
		secrets = append(secrets, a.ClientSecret)
	}
	secrets = append(secrets, f.stripe.Credentials()["secret_key"])

	s.call(t, "destroy", map[string]any{"environment": "local"}, &ap)
	if ap.Approval != "approved" || ap.State != "completed" || len(f.stripe.Endpoints()) != 0 || len(f.auth0.Apps()) != 0 {
		t.Errorf("destroy: %+v, left %v %v", ap, f.stripe.Endpoints(), f.auth0.Apps())
	}
	if r := <-seen; !r.GetDestroy() {
		t.Errorf("destroy's approval request is not marked destroy: %v", r)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sec := range secrets {
		if sec == "" {
			t.Fatal("a fake returned an empty secret; the scan would prove nothing")
		}
		for _, needle := range providertest.SecretNeedles(sec) {
			for _, o := range s.outputs {
				if strings.Contains(o, needle) {
					t.Errorf("secret %q leaked in %s", needle, o)
				}
			}
		}
	}
}

// TestApplyWaitsForApproval: an unanswered request times out and applies
// nothing; a client that goes away cancels its request.
func TestApplyWaitsForApproval(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	if _, err := f.envs.CreateEnvironment(ctx, connect.NewRequest(&patchbayv1.CreateEnvironmentRequest{Environment: &patchbayv1.Environment{
		WorkspaceRoot: f.ws, Name: "local", FrontendUrl: "https://shop.example.dev"}})); err != nil {
		t.Fatal(err)
	}
	srv := mcpserver.New(f.daemon, mcpserver.Options{Root: f.ws, ApprovalTimeout: time.Second})
	st, ct := mcp.NewInMemoryTransports()
	ss, err := srv.Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "impatient"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "apply", Arguments: map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(res.StructuredContent)
	if !strings.Contains(string(b), `"approval":"timeout"`) || len(f.stripe.Endpoints()) != 0 {
		t.Errorf("unanswered apply: %s, endpoints %v", b, f.stripe.Endpoints())
	}

	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := cs.CallTool(cctx, &mcp.CallToolParams{Name: "apply", Arguments: map[string]any{}})
		done <- err
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		l, err := f.prov.ListApprovalRequests(ctx, connect.NewRequest(&patchbayv1.ListApprovalRequestsRequest{}))
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Msg.GetRequests()) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no approval request opened")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	for time.Now().Before(deadline) {
		l, _ := f.prov.ListApprovalRequests(ctx, connect.NewRequest(&patchbayv1.ListApprovalRequestsRequest{}))
		if len(l.Msg.GetRequests()) == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Error("the canceled call's approval request is still open")
}
