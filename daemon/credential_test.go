package daemon_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/99designs/keyring"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/patchbay-dev/patchbay/daemon"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/gen/patchbay/v1/patchbayv1connect"
	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/catalog"
	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/vault"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type credFixture struct {
	addr   string
	creds  patchbayv1connect.CredentialServiceClient
	daemon patchbayv1connect.DaemonServiceClient
	ask    patchbayv1connect.AssistantServiceClient
	vault  *vault.Credentials
	logs   *lockedBuffer
	stripe *stripetest.Server
	// outputs collects every response and error text for the secret scan.
	mu      sync.Mutex
	outputs []string
}

func (f *credFixture) record(m proto.Message, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if m != nil {
		b, _ := protojson.Marshal(m)
		f.outputs = append(f.outputs, string(b))
	}
	if err != nil {
		f.outputs = append(f.outputs, err.Error())
	}
}

func newCredFixture(t *testing.T, passphrase string) *credFixture {
	t.Helper()
	st := stripetest.New(t)
	st.AddKey("sk_test_expired000000000000", stripetest.Key{Expired: true})
	logs := &lockedBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	store, err := vault.Open(vault.Options{Home: t.TempDir(), Backends: []keyring.BackendType{keyring.FileBackend}, Passphrase: passphrase, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	creds := vault.New(vault.Config{Store: store, Catalog: catalog.Get, All: catalog.All, Env: st.Env(2*time.Second, "STRIPE"),
		Logger: log, RequestTimeout: 10 * time.Second})
	srv, err := daemon.New(daemon.Config{Home: t.TempDir(), Logger: log, Credentials: creds})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(srv.Handler(false))
	// gRPC needs HTTP/2; h2c keeps it plain like the daemon's own listeners.
	hs.Config.Protocols = new(http.Protocols)
	hs.Config.Protocols.SetHTTP1(true)
	hs.Config.Protocols.SetUnencryptedHTTP2(true)
	hs.Start()
	t.Cleanup(hs.Close)
	return &credFixture{
		addr:   strings.TrimPrefix(hs.URL, "http://"),
		creds:  patchbayv1connect.NewCredentialServiceClient(hs.Client(), hs.URL),
		daemon: patchbayv1connect.NewDaemonServiceClient(hs.Client(), hs.URL),
		ask:    patchbayv1connect.NewAssistantServiceClient(hs.Client(), hs.URL),
		vault:  creds, logs: logs, stripe: st,
	}
}

func (f *credFixture) assertNoSecrets(t *testing.T, secrets ...string) {
	t.Helper()
	f.mu.Lock()
	outs := append(append([]string(nil), f.outputs...), f.logs.String())
	f.mu.Unlock()
	for _, s := range secrets {
		for _, needle := range providertest.SecretNeedles(s) {
			for _, o := range outs {
				if strings.Contains(o, needle) {
					t.Errorf("secret leaked: %q", o)
				}
			}
		}
	}
}

func TestCredentialService(t *testing.T) {
	t.Parallel()
	f := newCredFixture(t, "pass phrase")
	ctx := context.Background()
	bad := "sk_test_doesnotexist00000000"

	lp, err := f.creds.ListProviders(ctx, connect.NewRequest(&patchbayv1.ListProvidersRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	var stripe *patchbayv1.ProviderInfo
	for _, p := range lp.Msg.GetProviders() {
		if p.GetId() == "stripe" {
			stripe = p
		}
	}
	if stripe == nil || len(lp.Msg.GetProviders()) < 15 || stripe.GetEndpointEnv() != "PATCHBAY_ENDPOINT_STRIPE" ||
		stripe.GetFields()[0].GetKind() != patchbayv1.FieldKind_FIELD_KIND_SECRET || !stripe.GetFields()[0].GetSecret() || len(stripe.GetSteps()) == 0 {
		t.Fatalf("ListProviders: %d providers, stripe = %v", len(lp.Msg.GetProviders()), stripe)
	}

	save := func(values map[string]string, force bool) *patchbayv1.SaveCredentialsResponse {
		t.Helper()
		r, err := f.creds.SaveCredentials(ctx, connect.NewRequest(&patchbayv1.SaveCredentialsRequest{Provider: "stripe", Values: values, Force: force}))
		if err != nil {
			t.Fatal(err)
		}
		f.record(r.Msg, nil)
		return r.Msg
	}
	if r := save(map[string]string{"secret_key": bad}, false); r.GetSaved() || r.GetCheck().GetStatus() != patchbayv1.CheckStatus_CHECK_STATUS_INVALID {
		t.Fatalf("invalid save: %v", r)
	}
	if r := save(map[string]string{"secret_key": stripetest.TestKey}, false); !r.GetSaved() || r.GetProfile().GetHints()["secret_key"] == "" {
		t.Fatalf("valid save: %v", r)
	}
	lc, err := f.creds.ListCredentials(ctx, connect.NewRequest(&patchbayv1.ListCredentialsRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	f.record(lc.Msg, nil)
	if lc.Msg.GetBackend() != "file" || len(lc.Msg.GetProfiles()) != 1 || lc.Msg.GetProfiles()[0].GetLastCheck().GetStatus() != patchbayv1.CheckStatus_CHECK_STATUS_OK {
		t.Fatalf("ListCredentials: %v", lc.Msg)
	}
	cc, err := f.creds.CheckCredentials(ctx, connect.NewRequest(&patchbayv1.CheckCredentialsRequest{Provider: "stripe"}))
	if err != nil || cc.Msg.GetResult().GetStatus() != patchbayv1.CheckStatus_CHECK_STATUS_OK {
		t.Fatalf("CheckCredentials: %v %v", cc, err)
	}
	f.record(cc.Msg, nil)
	cc, err = f.creds.CheckCredentials(ctx, connect.NewRequest(&patchbayv1.CheckCredentialsRequest{Provider: "stripe", Values: map[string]string{"secret_key": "sk_test_expired000000000000"}}))
	if err != nil || cc.Msg.GetResult().GetStatus() != patchbayv1.CheckStatus_CHECK_STATUS_EXPIRED || cc.Msg.GetResult().GetFix() == "" {
		t.Fatalf("CheckCredentials(values): %v %v", cc, err)
	}
	f.record(cc.Msg, nil)

	if _, err := f.creds.DeleteCredentials(ctx, connect.NewRequest(&patchbayv1.DeleteCredentialsRequest{Provider: "stripe"})); err != nil {
		t.Fatal(err)
	}
	_, err = f.creds.DeleteCredentials(ctx, connect.NewRequest(&patchbayv1.DeleteCredentialsRequest{Provider: "stripe"}))
	f.record(nil, err)
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Fatalf("second delete: %v", err)
	}
	_, err = f.creds.SaveCredentials(ctx, connect.NewRequest(&patchbayv1.SaveCredentialsRequest{Provider: "nosuch", Values: map[string]string{"x": bad}}))
	f.record(nil, err)
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Fatalf("unknown provider: %v", err)
	}
	_, err = f.creds.SaveCredentials(ctx, connect.NewRequest(&patchbayv1.SaveCredentialsRequest{Provider: "stripe", Profile: "Bad Name", Values: map[string]string{"secret_key": stripetest.TestKey}}))
	f.record(nil, err)
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Fatalf("bad profile: %v", err)
	}
	f.assertNoSecrets(t, bad, stripetest.TestKey, "sk_test_expired000000000000")
}

func TestCredentialRequestOverEvents(t *testing.T) {
	t.Parallel()
	f := newCredFixture(t, "pass phrase")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stream, err := f.daemon.WatchEvents(ctx, connect.NewRequest(&patchbayv1.WatchEventsRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	if !stream.Receive() || stream.Msg().GetEvent().GetSnapshot() == nil {
		t.Fatal("no snapshot")
	}
	type result struct {
		v   map[string]string
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f.vault.Require(ctx, "stripe", "", "Create the Stripe webhook endpoint")
		done <- result{v, err}
	}()
	next := func() *patchbayv1.Event {
		t.Helper()
		if !stream.Receive() {
			t.Fatalf("stream ended: %v", stream.Err())
		}
		ev := stream.Msg().GetEvent()
		f.record(ev, nil)
		return ev
	}
	req := next().GetCredentialRequest()
	if req == nil || req.GetProvider() != "stripe" || req.GetReason() == "" {
		t.Fatalf("expected a credential request, got %v", req)
	}
	// A second subscriber sees it in its snapshot.
	s2, err := f.daemon.WatchEvents(ctx, connect.NewRequest(&patchbayv1.WatchEventsRequest{}))
	if err != nil || !s2.Receive() || len(s2.Msg().GetEvent().GetSnapshot().GetPendingCredentialRequests()) != 1 {
		t.Fatalf("snapshot lacks the pending request: %v", err)
	}
	s2.Close()

	ans, err := f.creds.AnswerCredentialRequest(ctx, connect.NewRequest(&patchbayv1.AnswerCredentialRequestRequest{RequestId: req.GetId(), Values: map[string]string{"secret_key": "sk_test_expired000000000000"}}))
	if err != nil || ans.Msg.GetSaved() || ans.Msg.GetCheck().GetStatus() != patchbayv1.CheckStatus_CHECK_STATUS_EXPIRED {
		t.Fatalf("wrong answer: %v %v", ans, err)
	}
	f.record(ans.Msg, nil)
	ans, err = f.creds.AnswerCredentialRequest(ctx, connect.NewRequest(&patchbayv1.AnswerCredentialRequestRequest{RequestId: req.GetId(), Values: map[string]string{"secret_key": stripetest.TestKey}}))
	if err != nil || !ans.Msg.GetSaved() {
		t.Fatalf("right answer: %v %v", ans, err)
	}
	f.record(ans.Msg, nil)
	if ch := next().GetCredentialsChanged(); ch.GetProvider() != "stripe" || ch.GetDeleted() {
		t.Fatalf("expected CredentialsChanged, got %v", ch)
	}
	if cl := next().GetCredentialRequestClosed(); cl.GetId() != req.GetId() || cl.GetOutcome() != "answered" {
		t.Fatalf("expected CredentialRequestClosed, got %v", cl)
	}
	if r := <-done; r.err != nil || r.v["secret_key"] != stripetest.TestKey {
		t.Fatalf("Require: %v", r.err)
	}
	_, err = f.creds.AnswerCredentialRequest(ctx, connect.NewRequest(&patchbayv1.AnswerCredentialRequestRequest{RequestId: req.GetId(), Cancel: true}))
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Fatalf("answer to a closed request: %v", err)
	}

	// Cancel.
	errc := make(chan error, 1)
	go func() {
		_, err := f.vault.Require(ctx, "sendgrid", "", "Send mail")
		errc <- err
	}()
	req = next().GetCredentialRequest()
	if _, err := f.creds.AnswerCredentialRequest(ctx, connect.NewRequest(&patchbayv1.AnswerCredentialRequestRequest{RequestId: req.GetId(), Cancel: true})); err != nil {
		t.Fatal(err)
	}
	if cl := next().GetCredentialRequestClosed(); cl.GetOutcome() != "canceled" {
		t.Fatalf("closed = %v", cl)
	}
	if err := <-errc; !errors.Is(err, vault.ErrRequestCanceled) {
		t.Fatalf("Require after cancel: %v", err)
	}
	f.assertNoSecrets(t, stripetest.TestKey, "sk_test_expired000000000000")
}

func TestKeyringUnlock(t *testing.T) {
	t.Parallel()
	f := newCredFixture(t, "")
	ctx := context.Background()
	lc, err := f.creds.ListCredentials(ctx, connect.NewRequest(&patchbayv1.ListCredentialsRequest{}))
	if err != nil || !lc.Msg.GetLocked() {
		t.Fatalf("ListCredentials on a locked keyring: %v %v", lc, err)
	}
	_, err = f.creds.SaveCredentials(ctx, connect.NewRequest(&patchbayv1.SaveCredentialsRequest{Provider: "stripe", Values: map[string]string{"secret_key": stripetest.TestKey}}))
	if connect.CodeOf(err) != connect.CodeFailedPrecondition {
		t.Fatalf("save while locked: %v", err)
	}
	if _, err := f.creds.UnlockKeyring(ctx, connect.NewRequest(&patchbayv1.UnlockKeyringRequest{Passphrase: "new pass phrase"})); err != nil {
		t.Fatal(err)
	}
	r, err := f.creds.SaveCredentials(ctx, connect.NewRequest(&patchbayv1.SaveCredentialsRequest{Provider: "stripe", Values: map[string]string{"secret_key": stripetest.TestKey}}))
	if err != nil || !r.Msg.GetSaved() {
		t.Fatalf("save after unlock: %v %v", r, err)
	}
	f.assertNoSecrets(t, "new pass phrase", stripetest.TestKey)
}

func TestAssistantAsk(t *testing.T) {
	t.Parallel()
	f := newCredFixture(t, "pass phrase")
	ctx := context.Background()
	if _, err := f.vault.Save(ctx, vault.SaveInput{Provider: "stripe", Values: map[string]string{"secret_key": stripetest.TestKey}}); err != nil {
		t.Fatal(err)
	}
	askAll := func(q string) (string, string, []*patchbayv1.SuggestedCommand) {
		t.Helper()
		s, err := f.ask.Ask(ctx, connect.NewRequest(&patchbayv1.AskRequest{Question: q}))
		if err != nil {
			t.Fatal(err)
		}
		var text, intent string
		var cmds []*patchbayv1.SuggestedCommand
		for s.Receive() {
			f.record(s.Msg(), nil)
			text += s.Msg().GetText()
			intent = s.Msg().GetIntent()
			cmds = append(cmds, s.Msg().GetCommands()...)
		}
		if err := s.Err(); err != nil {
			t.Fatal(err)
		}
		return text, intent, cmds
	}
	if text, intent, _ := askAll("what credentials do I have configured?"); intent != "list_credentials" || !strings.Contains(text, "Stripe") {
		t.Errorf("list: %s %q", intent, text)
	}
	f.stripe.AddKey(stripetest.TestKey, stripetest.Key{Expired: true})
	if text, intent, cmds := askAll("why are my Stripe credentials not working?"); intent != "check_credentials" || !strings.Contains(text, "expired") || len(cmds) == 0 {
		t.Errorf("check: %s %q %v", intent, text, cmds)
	}
	if _, intent, cmds := askAll("delete my Stripe credentials"); intent != "delete_credentials" || len(cmds) != 1 || cmds[0].GetCommand() != "patchbay.deleteCredentials" {
		t.Errorf("delete: %s %v", intent, cmds)
	}
	if _, intent, cmds := askAll("update my AWS credentials"); intent != "update_credentials" || len(cmds) != 1 {
		t.Errorf("update: %s %v", intent, cmds)
	}
	f.assertNoSecrets(t, stripetest.TestKey)
}

// The proto enum and the domain enum share numbers; this catches drift.
func TestCheckStatusNumbersMatch(t *testing.T) {
	t.Parallel()
	for i := 0; i <= 10; i++ {
		got := strings.ToLower(strings.TrimPrefix(patchbayv1.CheckStatus(i).String(), "CHECK_STATUS_"))
		want := providers.Status(i).String()
		if i == 0 {
			want = "unspecified"
		}
		if got != want {
			t.Errorf("status %d: proto %q, domain %q", i, got, want)
		}
	}
}

// The same service through grpc-go, as the editor-independent tools use it.
func TestCredentialServiceOverGRPC(t *testing.T) {
	t.Parallel()
	f := newCredFixture(t, "pass phrase")
	conn, err := grpc.NewClient(f.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := context.Background()
	lp := &patchbayv1.ListProvidersResponse{}
	if err := conn.Invoke(ctx, "/patchbay.v1.CredentialService/ListProviders", &patchbayv1.ListProvidersRequest{}, lp); err != nil || len(lp.GetProviders()) < 15 {
		t.Fatalf("ListProviders over gRPC: %d providers, %v", len(lp.GetProviders()), err)
	}
	save := &patchbayv1.SaveCredentialsResponse{}
	if err := conn.Invoke(ctx, "/patchbay.v1.CredentialService/SaveCredentials", &patchbayv1.SaveCredentialsRequest{Provider: "stripe", Values: map[string]string{"secret_key": stripetest.TestKey}}, save); err != nil || !save.GetSaved() {
		t.Fatalf("SaveCredentials over gRPC: %v %v", save, err)
	}
	f.record(save, nil)
	err = conn.Invoke(ctx, "/patchbay.v1.CredentialService/DeleteCredentials", &patchbayv1.DeleteCredentialsRequest{Provider: "stripe", Profile: "nope"}, &patchbayv1.DeleteCredentialsResponse{})
	if status.Code(err) != codes.NotFound {
		t.Fatalf("delete missing over gRPC: %v", err)
	}
	f.assertNoSecrets(t, stripetest.TestKey)
}
