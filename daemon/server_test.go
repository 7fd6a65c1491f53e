package daemon_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/99designs/keyring"

	"github.com/patchbay-dev/patchbay/analyzer"
	"github.com/patchbay-dev/patchbay/daemon"
	"github.com/patchbay-dev/patchbay/engine"
	"github.com/patchbay-dev/patchbay/gateway"
	"github.com/patchbay-dev/patchbay/gateway/gatewaytest"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/gen/patchbay/v1/patchbayv1connect"
	"github.com/patchbay-dev/patchbay/internal/pgtest"
	"github.com/patchbay-dev/patchbay/internal/teams"
	"github.com/patchbay-dev/patchbay/internal/tlstest"
	"github.com/patchbay-dev/patchbay/store"
	"github.com/patchbay-dev/patchbay/vault"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// teamServer is a Patchbay server (daemon.Serve) on a fresh PostgreSQL
// database with a self-signed certificate, and tokens of users in team
// "acme": alice owner, bob member, carol viewer; dave is in no team; frank
// is a member of team "globex". root is an empty checkout under the
// server's workspace roots.
type teamServer struct {
	url, caFile string
	root        string
	tokens      map[string]string
	st          *store.Store
	stripe      *gatewaytest.Server
	secrets     *gateway.MemorySecrets
}

func startTeamServer(t *testing.T) *teamServer {
	t.Helper()
	ctx := context.Background()
	dbURL := pgtest.Database(t)
	home := t.TempDir()
	v, err := vault.Open(vault.Options{Home: home, Backends: []keyring.BackendType{keyring.FileBackend}, Passphrase: "pw",
		Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := engine.New(ctx, engine.Options{Store: st, Types: engine.AllTypes(nil), Credentials: engine.VaultCredentials{Store: v},
		Secrets: engine.VaultSecrets{Store: v}, Source: daemon.AnalyzerSource{Analyzer: analyzer.New(analyzer.Options{})}})
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	stripe, secrets := gatewaytest.NewStripe(t), &gateway.MemorySecrets{}
	gw, err := gateway.New(ctx, gateway.Config{Store: st, Secrets: secrets, PublicURL: "https://patchbay.example.test",
		Credentials: memCreds{
			"slack/default":  {"webhook_url": gatewaytest.SlackWebhookURL()},
			"stripe/default": {"secret_key": gatewaytest.StripeKey},
		},
		Endpoints: map[string]string{"STRIPE": stripe.URL},
		Getenv:    func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	users := teams.New(st)
	ts := &teamServer{tokens: map[string]string{}, st: st, stripe: stripe, secrets: secrets}
	for user, role := range map[string]teams.Role{"alice": teams.Owner, "bob": teams.Member, "carol": teams.Viewer} {
		tok, err := users.Add(ctx, "acme", user, role)
		if err != nil {
			t.Fatal(err)
		}
		ts.tokens[user] = tok
	}
	if err := st.AddUser(ctx, "dave"); err != nil {
		t.Fatal(err)
	}
	if ts.tokens["dave"], err = users.NewToken(ctx, "dave"); err != nil {
		t.Fatal(err)
	}
	if ts.tokens["frank"], err = users.Add(ctx, "globex", "frank", teams.Member); err != nil {
		t.Fatal(err)
	}
	ts.root = t.TempDir()
	cert, key := tlstest.SelfSigned(t)
	ts.caFile = cert
	srv, err := daemon.New(daemon.Config{Home: home, Engine: eng, Gateway: gw, Users: users, PublicURL: "https://patchbay.example.test",
		WorkspaceRoots: []string{"/srv", ts.root}})
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	ready, done := make(chan string, 1), make(chan error, 1)
	go func() {
		done <- srv.Serve(sctx, daemon.ServeOptions{Listen: "127.0.0.1:0", CertFile: cert, KeyFile: key}, func(a string) { ready <- a })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	select {
	case a := <-ready:
		ts.url = "https://" + a
	case err := <-done:
		t.Fatalf("Serve: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("server did not start")
	}
	return ts
}

// client trusts only the test certificate and speaks HTTP/2 over TLS.
func (ts *teamServer) client(t *testing.T) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(ts.caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}}
}

func (ts *teamServer) as(user string) connect.ClientOption {
	return bearer(ts.tokens[user])
}

func newEnv(name string) *connect.Request[patchbayv1.CreateEnvironmentRequest] {
	return connect.NewRequest(&patchbayv1.CreateEnvironmentRequest{Environment: &patchbayv1.Environment{
		WorkspaceRoot: "/srv/shop", Name: name, FrontendUrl: "https://" + name + ".shop.example.net"}})
}

// TestServerRoles drives a server over TLS with a real Connect client:
// tokens, roles (viewers cannot mutate, members cannot manage members),
// the team filled in for API keys, and the audit log with each user.
func TestServerRoles(t *testing.T) {
	ts := startTeamServer(t)
	ctx := context.Background()
	hc := ts.client(t)
	envs := func(user string) patchbayv1connect.EnvironmentServiceClient {
		return patchbayv1connect.NewEnvironmentServiceClient(hc, ts.url, ts.as(user))
	}
	team := func(user string) patchbayv1connect.TeamServiceClient {
		return patchbayv1connect.NewTeamServiceClient(hc, ts.url, ts.as(user))
	}
	keys := func(user string) patchbayv1connect.ApiKeyServiceClient {
		return patchbayv1connect.NewApiKeyServiceClient(hc, ts.url, ts.as(user))
	}
	wantCode := func(what string, err error, code connect.Code, words ...string) {
		t.Helper()
		if connect.CodeOf(err) != code {
			t.Errorf("%s: err = %v, want %s", what, err, code)
			return
		}
		for _, w := range words {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not say %q", what, err, w)
			}
		}
	}

	// No token, a wrong one, a daemon-style one.
	anon := patchbayv1connect.NewEnvironmentServiceClient(hc, ts.url)
	_, err := anon.ListEnvironments(ctx, connect.NewRequest(&patchbayv1.ListEnvironmentsRequest{}))
	wantCode("no token", err, connect.CodeUnauthenticated, "patchbay login")
	_, err = patchbayv1connect.NewEnvironmentServiceClient(hc, ts.url, bearer(teams.TokenPrefix+"nope")).
		ListEnvironments(ctx, connect.NewRequest(&patchbayv1.ListEnvironmentsRequest{}))
	wantCode("unknown token", err, connect.CodeUnauthenticated, "unknown or revoked")

	who, err := team("alice").WhoAmI(ctx, connect.NewRequest(&patchbayv1.WhoAmIRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	if m := who.Msg.GetMemberships(); who.Msg.GetUser() != "alice" || len(m) != 1 || m[0].GetRole() != patchbayv1.Role_ROLE_OWNER ||
		who.Msg.GetPublicUrl() != "https://patchbay.example.test" {
		t.Errorf("WhoAmI = %v", who.Msg)
	}

	// Viewers read but cannot mutate; members mutate.
	_, err = envs("carol").CreateEnvironment(ctx, newEnv("staging"))
	wantCode("viewer creates", err, connect.CodePermissionDenied, "carol is a viewer of team \"acme\"", "needs member")
	if _, err := envs("bob").CreateEnvironment(ctx, newEnv("staging")); err != nil {
		t.Fatalf("member creates: %v", err)
	}
	// The server reads workspaces only under its roots; a path it does not
	// read (an environment's key, a laptop's checkout) may be anywhere.
	prov := patchbayv1connect.NewProvisionServiceClient(hc, ts.url, ts.as("bob"))
	for path, code := range map[string]connect.Code{"/etc/shop": connect.CodePermissionDenied, "/srv/../etc": connect.CodePermissionDenied, "srv/shop": connect.CodeInvalidArgument} {
		_, err := prov.GetSystemMap(ctx, connect.NewRequest(&patchbayv1.GetSystemMapRequest{WorkspaceRoot: path}))
		wantCode("map of workspace "+path, err, code, "workspace")
		_, err = prov.Plan(ctx, connect.NewRequest(&patchbayv1.PlanRequest{WorkspaceRoot: path, Environment: "staging"}))
		wantCode("plan of workspace "+path, err, code, "workspace")
	}
	laptop := newEnv("laptop")
	laptop.Msg.Environment.WorkspaceRoot = "/home/bob/shop"
	if _, err := envs("bob").CreateEnvironment(ctx, laptop); err != nil {
		t.Errorf("an environment of a laptop's checkout: %v", err)
	}
	_, err = envs("bob").CreateEnvironment(ctx, connect.NewRequest(&patchbayv1.CreateEnvironmentRequest{Environment: &patchbayv1.Environment{
		WorkspaceRoot: "srv/shop", Name: "relative"}}))
	wantCode("a relative workspace", err, connect.CodeInvalidArgument, "absolute")
	_, err = patchbayv1connect.NewWorkspaceServiceClient(hc, ts.url, ts.as("bob")).Analyze(ctx, connect.NewRequest(&patchbayv1.AnalyzeRequest{Root: "/etc"}))
	wantCode("analyze /etc", err, connect.CodePermissionDenied, "not under this server's workspace roots (/srv")
	watch, err := patchbayv1connect.NewWorkspaceServiceClient(hc, ts.url, ts.as("bob")).Watch(ctx, connect.NewRequest(&patchbayv1.WatchRequest{Root: "/etc"}))
	if err == nil {
		for watch.Receive() {
		}
		err = watch.Err()
		watch.Close()
	}
	wantCode("watch /etc (a stream)", err, connect.CodePermissionDenied, "not under this server's workspace roots")
	list, err := envs("carol").ListEnvironments(ctx, connect.NewRequest(&patchbayv1.ListEnvironmentsRequest{}))
	if err != nil || len(list.Msg.GetEnvironments()) != 2 {
		t.Fatalf("viewer lists: %v %v", list, err)
	}
	_, err = envs("dave").ListEnvironments(ctx, connect.NewRequest(&patchbayv1.ListEnvironmentsRequest{}))
	wantCode("no team", err, connect.CodePermissionDenied, "dave is in no team")
	_, err = patchbayv1connect.NewDaemonServiceClient(hc, ts.url, ts.as("alice")).Shutdown(ctx, connect.NewRequest(&patchbayv1.ShutdownRequest{}))
	wantCode("shutdown", err, connect.CodePermissionDenied, "SIGTERM")

	// Members cannot manage members; owners can, and a new user gets a token.
	_, err = team("bob").AddMember(ctx, connect.NewRequest(&patchbayv1.AddMemberRequest{User: "erin", Role: patchbayv1.Role_ROLE_VIEWER}))
	wantCode("member adds", err, connect.CodePermissionDenied, "bob is a member", "needs owner")
	added, err := team("alice").AddMember(ctx, connect.NewRequest(&patchbayv1.AddMemberRequest{User: "erin", Role: patchbayv1.Role_ROLE_MEMBER}))
	if err != nil || !strings.HasPrefix(added.Msg.GetToken(), teams.TokenPrefix) || added.Msg.GetMember().GetTeam() != "acme" {
		t.Fatalf("owner adds: %v %v", added, err)
	}
	ts.tokens["erin"] = added.Msg.GetToken()
	if _, err := envs("erin").DeleteEnvironment(ctx, connect.NewRequest(&patchbayv1.DeleteEnvironmentRequest{WorkspaceRoot: "/srv/shop", Name: "staging"})); err != nil {
		t.Fatalf("the new member deletes: %v", err)
	}
	_, err = team("alice").RemoveMember(ctx, connect.NewRequest(&patchbayv1.RemoveMemberRequest{User: "alice"}))
	wantCode("last owner", err, connect.CodeFailedPrecondition, "last owner")
	if _, err := team("alice").RemoveMember(ctx, connect.NewRequest(&patchbayv1.RemoveMemberRequest{User: "erin"})); err != nil {
		t.Fatal(err)
	}
	_, err = envs("erin").ListEnvironments(ctx, connect.NewRequest(&patchbayv1.ListEnvironmentsRequest{}))
	wantCode("removed member", err, connect.CodePermissionDenied, "in no team")

	// API keys: the team is the caller's; viewers list, members create; the
	// key works on ActionService at the same URL without a user token.
	_, err = keys("carol").CreateApiKey(ctx, connect.NewRequest(&patchbayv1.CreateApiKeyRequest{Name: "ci"}))
	wantCode("viewer creates key", err, connect.CodePermissionDenied, "viewer")
	k, err := keys("bob").CreateApiKey(ctx, connect.NewRequest(&patchbayv1.CreateApiKeyRequest{Name: "ci",
		Grants: []*patchbayv1.Grant{{Provider: "slack", Components: []string{"post_message"}}}}))
	if err != nil || k.Msg.GetKey().GetTeam() != "acme" {
		t.Fatalf("member creates key: %v %v", k, err)
	}
	_, err = keys("bob").ListApiKeys(ctx, connect.NewRequest(&patchbayv1.ListApiKeysRequest{Team: "other"}))
	wantCode("another team's keys", err, connect.CodePermissionDenied, "not in team \"other\"")
	if l, err := keys("carol").ListApiKeys(ctx, connect.NewRequest(&patchbayv1.ListApiKeysRequest{})); err != nil || len(l.Msg.GetKeys()) != 1 {
		t.Errorf("viewer lists keys: %v %v", l, err)
	}
	comps, err := patchbayv1connect.NewActionServiceClient(hc, ts.url, bearer(k.Msg.GetToken())).
		ListComponents(ctx, connect.NewRequest(&patchbayv1.ListComponentsRequest{}))
	if err != nil || len(comps.Msg.GetComponents()) == 0 {
		t.Errorf("ActionService with the API key: %v %v", comps, err)
	}

	// Every mutation is audited with its user, refusals included; the
	// engine's own entries carry the user too.
	audit, err := team("carol").ListAudit(ctx, connect.NewRequest(&patchbayv1.ListAuditRequest{Limit: 1000}))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range audit.Msg.GetEntries() {
		lines = append(lines, e.GetUser()+" "+e.GetAction()+" "+e.GetTarget()+" "+e.GetDetail())
	}
	all := strings.Join(lines, "\n")
	for _, want := range []string{
		"carol EnvironmentService/CreateEnvironment team:acme permission_denied",
		"bob EnvironmentService/CreateEnvironment team:acme ok",
		"bob environment.create environment:staging",
		"erin EnvironmentService/DeleteEnvironment team:acme ok",
		"bob TeamService/AddMember team:acme permission_denied",
		"alice TeamService/AddMember team:acme ok",
		"bob ApiKeyService/CreateApiKey team:acme ok",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("audit log lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "ListEnvironments") {
		t.Errorf("reads are audited:\n%s", all)
	}
}

// TestServerGrpcurl reaches the server with grpcurl over TLS (-cacert):
// reflection with a token, a role refusal as a gRPC status.
func TestServerGrpcurl(t *testing.T) {
	grpcurl := grpcurlPath(t)
	ts := startTeamServer(t)
	addr := strings.TrimPrefix(ts.url, "https://")
	run := func(user string, args ...string) (string, error) {
		full := append([]string{"-cacert", ts.caFile, "-H", "Authorization: Bearer " + ts.tokens[user]}, args...)
		out, err := exec.Command(grpcurl, full...).CombinedOutput()
		return string(out), err
	}
	out, err := run("carol", addr, "list")
	if err != nil || !strings.Contains(out, "patchbay.v1.TeamService") {
		t.Fatalf("grpcurl list: %v\n%s", err, out)
	}
	out, err = run("carol", "-d", "{}", addr, "patchbay.v1.TeamService/WhoAmI")
	if err != nil || !strings.Contains(out, `"user": "carol"`) || !strings.Contains(out, "ROLE_VIEWER") {
		t.Errorf("WhoAmI: %v\n%s", err, out)
	}
	out, err = run("carol", "-d", `{"environment":{"workspace_root":"/srv/shop","name":"prod","frontend_url":"https://shop.example.net"}}`,
		addr, "patchbay.v1.EnvironmentService/CreateEnvironment")
	if err == nil || !strings.Contains(out, "PermissionDenied") || !strings.Contains(out, "viewer") {
		t.Errorf("viewer CreateEnvironment through grpcurl: %v\n%s", err, out)
	}
	out, err = run("bob", "-d", `{"environment":{"workspace_root":"/srv/shop","name":"prod","frontend_url":"https://shop.example.net"}}`,
		addr, "patchbay.v1.EnvironmentService/CreateEnvironment")
	if err != nil {
		t.Errorf("member CreateEnvironment through grpcurl: %v\n%s", err, out)
	}
	raw, err := exec.Command(grpcurl, "-cacert", ts.caFile, addr, "list").CombinedOutput()
	if err == nil || !strings.Contains(string(raw), "Unauthenticated") {
		t.Errorf("grpcurl without a token: %v\n%s", err, raw)
	}
	// Health answers without a token (load balancers).
	resp, err := ts.client(t).Post(ts.url+"/grpc.health.v1.Health/Check", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "SERVING") {
		t.Errorf("health without a token: %d %s", resp.StatusCode, body)
	}
}

// TestServerTriggerAtPublicURL: an API key made by a member creates a
// Stripe trigger on the server; Stripe is told to call the server's public
// URL, and a signed event posted to the server's webhook route over TLS
// (no user token) is delivered to the target.
func TestServerTriggerAtPublicURL(t *testing.T) {
	ts := startTeamServer(t)
	ctx := context.Background()
	hc := ts.client(t)
	created, err := patchbayv1connect.NewApiKeyServiceClient(hc, ts.url, ts.as("bob")).CreateApiKey(ctx, connect.NewRequest(&patchbayv1.CreateApiKeyRequest{
		Name: "hooks", Grants: []*patchbayv1.Grant{{Provider: "stripe", Components: []string{"events"}}}}))
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte, 1)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- b
	}))
	defer target.Close()
	actions := patchbayv1connect.NewActionServiceClient(hc, ts.url, bearer(created.Msg.GetToken()))
	resp, err := actions.CreateTrigger(ctx, connect.NewRequest(&patchbayv1.CreateTriggerRequest{
		Provider: "stripe", Trigger: "events", Config: mustStruct(t, map[string]any{"events": []any{"checkout.session.completed"}}),
		TargetUrl: target.URL}))
	if err != nil {
		t.Fatal(err)
	}
	id := resp.Msg.GetTrigger().GetId()
	hook := "https://patchbay.example.test" + gateway.WebhookPathPrefix + id
	registered := false
	for _, r := range ts.stripe.Requests() {
		registered = registered || r.Method == http.MethodPost && r.Form.Get("url") == hook
	}
	if !registered {
		t.Errorf("Stripe was not given %s: %+v", hook, ts.stripe.Requests())
	}
	whsec, err := ts.secrets.Get(ctx, "gateway.trigger."+id+".provider")
	if err != nil {
		t.Fatal(err)
	}
	ev := `{"id":"evt_1","type":"checkout.session.completed","data":{"object":{"id":"cs_1"}}}`
	stamp := fmt.Sprint(time.Now().Unix())
	m := hmac.New(sha256.New, []byte(whsec))
	m.Write([]byte(stamp + "." + ev))
	req, _ := http.NewRequest(http.MethodPost, ts.url+gateway.WebhookPathPrefix+id, strings.NewReader(ev))
	req.Header.Set("Stripe-Signature", "t="+stamp+",v1="+hex.EncodeToString(m.Sum(nil)))
	hr, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	hr.Body.Close()
	if hr.StatusCode != 200 {
		t.Fatalf("webhook at the server: %d", hr.StatusCode)
	}
	select {
	case b := <-got:
		if !strings.Contains(string(b), `"cs_1"`) {
			t.Errorf("delivery %s", b)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no delivery")
	}
}

// TestServerTeamsPartitionEnvironments: on one server, a member of another
// team neither lists, plans, applies, destroys, maps nor reads the
// variables of a team's environments (not found, naming the team it looked
// in), has its own environment of the same name and workspace, and hears
// of its own team's environments only on the event stream.
func TestServerTeamsPartitionEnvironments(t *testing.T) {
	ts := startTeamServer(t)
	ctx := context.Background()
	hc := ts.client(t)
	envs := func(user string) patchbayv1connect.EnvironmentServiceClient {
		return patchbayv1connect.NewEnvironmentServiceClient(hc, ts.url, ts.as(user))
	}
	prov := func(user string) patchbayv1connect.ProvisionServiceClient {
		return patchbayv1connect.NewProvisionServiceClient(hc, ts.url, ts.as(user))
	}
	staging := func() *connect.Request[patchbayv1.CreateEnvironmentRequest] {
		return connect.NewRequest(&patchbayv1.CreateEnvironmentRequest{Environment: &patchbayv1.Environment{
			WorkspaceRoot: ts.root, Name: "staging", FrontendUrl: "https://staging.shop.example.net"}})
	}
	if _, err := envs("bob").CreateEnvironment(ctx, staging()); err != nil {
		t.Fatal(err)
	}
	plan, err := prov("bob").Plan(ctx, connect.NewRequest(&patchbayv1.PlanRequest{WorkspaceRoot: ts.root, Environment: "staging"}))
	if err != nil {
		t.Fatal(err)
	}
	notFound := func(what string, err error) {
		t.Helper()
		if connect.CodeOf(err) != connect.CodeNotFound || !strings.Contains(err.Error(), `team "globex"`) {
			t.Errorf("frank %s acme's staging: err = %v, want not_found in team \"globex\"", what, err)
		}
	}
	if l, err := envs("frank").ListEnvironments(ctx, connect.NewRequest(&patchbayv1.ListEnvironmentsRequest{})); err != nil || len(l.Msg.GetEnvironments()) != 0 {
		t.Errorf("frank lists %v, %v; want none of acme's", l, err)
	}
	_, err = prov("frank").Plan(ctx, connect.NewRequest(&patchbayv1.PlanRequest{WorkspaceRoot: ts.root, Environment: "staging"}))
	notFound("plans", err)
	stream, err := prov("frank").Apply(ctx, connect.NewRequest(&patchbayv1.ApplyRequest{PlanId: plan.Msg.GetPlan().GetId()}))
	if err == nil {
		for stream.Receive() {
			t.Errorf("frank's apply of acme's plan progressed: %v", stream.Msg())
		}
		err = stream.Err()
		stream.Close()
	}
	notFound("applies a plan of", err)
	ds, err := prov("frank").Destroy(ctx, connect.NewRequest(&patchbayv1.DestroyRequest{WorkspaceRoot: ts.root, Environment: "staging"}))
	if err == nil {
		for ds.Receive() {
			t.Errorf("frank's destroy of acme's staging progressed: %v", ds.Msg())
		}
		err = ds.Err()
		ds.Close()
	}
	notFound("destroys", err)
	_, err = prov("frank").GetSystemMap(ctx, connect.NewRequest(&patchbayv1.GetSystemMapRequest{WorkspaceRoot: ts.root, Environment: "staging"}))
	notFound("maps", err)
	_, err = envs("frank").GetEnvironmentVariables(ctx, connect.NewRequest(&patchbayv1.GetEnvironmentVariablesRequest{
		WorkspaceRoot: ts.root, Environment: "staging", IncludeValues: true}))
	notFound("reads the variables of", err)
	_, err = envs("frank").UpdateEnvironment(ctx, connect.NewRequest(&patchbayv1.UpdateEnvironmentRequest{Environment: &patchbayv1.Environment{
		WorkspaceRoot: ts.root, Name: "staging", FrontendUrl: "https://evil.example.net"}}))
	notFound("updates", err)
	_, err = envs("frank").DeleteEnvironment(ctx, connect.NewRequest(&patchbayv1.DeleteEnvironmentRequest{WorkspaceRoot: ts.root, Name: "staging"}))
	notFound("deletes", err)
	// A team named in the header that the caller is not in is refused.
	req := connect.NewRequest(&patchbayv1.ListEnvironmentsRequest{})
	req.Header().Set(teams.TeamHeader, "acme")
	_, err = envs("frank").ListEnvironments(ctx, req)
	if connect.CodeOf(err) != connect.CodePermissionDenied || !strings.Contains(err.Error(), `not in team "acme"`) {
		t.Errorf("frank names team acme: err = %v, want permission_denied", err)
	}

	// Globex's own staging of the same checkout is another environment.
	if _, err := envs("frank").CreateEnvironment(ctx, staging()); err != nil {
		t.Fatalf("frank creates globex's staging: %v", err)
	}
	if _, err := prov("frank").Plan(ctx, connect.NewRequest(&patchbayv1.PlanRequest{WorkspaceRoot: ts.root, Environment: "staging"})); err != nil {
		t.Errorf("frank plans globex's staging: %v", err)
	}
	for user, want := range map[string]string{"bob": "https://staging.shop.example.net", "frank": "https://staging.shop.example.net"} {
		l, err := envs(user).ListEnvironments(ctx, connect.NewRequest(&patchbayv1.ListEnvironmentsRequest{}))
		if err != nil || len(l.Msg.GetEnvironments()) != 1 || l.Msg.GetEnvironments()[0].GetFrontendUrl() != want {
			t.Errorf("%s lists %v, %v; want only their team's staging", user, l, err)
		}
	}
	if _, err := envs("frank").DeleteEnvironment(ctx, connect.NewRequest(&patchbayv1.DeleteEnvironmentRequest{WorkspaceRoot: ts.root, Name: "staging"})); err != nil {
		t.Fatal(err)
	}
	if l, err := envs("carol").ListEnvironments(ctx, connect.NewRequest(&patchbayv1.ListEnvironmentsRequest{})); err != nil || len(l.Msg.GetEnvironments()) != 1 {
		t.Errorf("after globex deleted its staging, acme lists %v, %v", l, err)
	}

	// The event stream: each team hears of its own environments only.
	watch := func(user string) *connect.ServerStreamForClient[patchbayv1.WatchEventsResponse] {
		s, err := patchbayv1connect.NewDaemonServiceClient(hc, ts.url, ts.as(user)).WatchEvents(ctx, connect.NewRequest(&patchbayv1.WatchEventsRequest{}))
		if err != nil || !s.Receive() || s.Msg().GetEvent().GetSnapshot() == nil {
			t.Fatalf("%s watches: %v %v", user, err, s.Err())
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	frankEvents, carolEvents := watch("frank"), watch("carol")
	create := func(user, name string) {
		t.Helper()
		req := staging()
		req.Msg.Environment.Name = name
		if _, err := envs(user).CreateEnvironment(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	create("bob", "acme-qa")
	create("frank", "globex-qa")
	create("bob", "acme-last")
	heard := func(s *connect.ServerStreamForClient[patchbayv1.WatchEventsResponse], until string) []string {
		var names []string
		for s.Receive() {
			if c := s.Msg().GetEvent().GetEnvironmentChanged(); c != nil {
				names = append(names, c.GetName())
				if c.GetName() == until {
					break
				}
			}
		}
		return names
	}
	if got := heard(frankEvents, "globex-qa"); strings.Join(got, ",") != "globex-qa" {
		t.Errorf("frank heard of %v, want only globex-qa", got)
	}
	if got := heard(carolEvents, "acme-last"); strings.Join(got, ",") != "acme-qa,acme-last" {
		t.Errorf("carol heard of %v, want acme-qa,acme-last", got)
	}
}
