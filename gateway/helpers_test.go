package gateway_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/gateway"
	"github.com/patchbay-dev/patchbay/gateway/gatewaytest"
	"github.com/patchbay-dev/patchbay/store"
)

// fakeCreds is an in-memory credential vault keyed by provider/profile.
type fakeCreds struct {
	mu sync.Mutex
	m  map[string]map[string]string
}

func (f *fakeCreds) Get(_ context.Context, provider, profile string) (map[string]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.m[provider+"/"+profile]
	if !ok {
		return nil, gateway.ErrNoCredentials
	}
	out := map[string]string{}
	for k, v := range c {
		out[k] = v
	}
	return out, nil
}

func (f *fakeCreds) set(provider, profile string, c map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.m[provider+"/"+profile] = c
}

// fakeChecker refuses the provider/profile pairs it lists, with a reason.
type fakeChecker struct {
	mu  sync.Mutex
	bad map[string]string
}

func (f *fakeChecker) Check(_ context.Context, provider, profile string) (bool, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r, ok := f.bad[provider+"/"+profile]; ok {
		return false, r, nil
	}
	return true, "", nil
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// syncBuffer collects log output from concurrent goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// env is a gateway wired to provider fakes, an in-memory vault and a
// captured debug log.
type env struct {
	gw                                               *gateway.Gateway
	st                                               *store.Store
	creds                                            *fakeCreds
	checker                                          *fakeChecker
	secrets                                          *gateway.MemorySecrets
	clock                                            *clock
	log                                              *syncBuffer
	settled                                          chan gateway.DeliveryReport
	stripe, sendgrid, twilio, slack, github, mailgun *gatewaytest.Server
}

type envOption func(*gateway.Config)

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{
		creds:   &fakeCreds{m: map[string]map[string]string{}},
		checker: &fakeChecker{bad: map[string]string{}},
		secrets: &gateway.MemorySecrets{},
		clock:   &clock{t: time.Now()},
		log:     &syncBuffer{},
		settled: make(chan gateway.DeliveryReport, 256),
	}
	log := slog.New(slog.NewJSONHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "state.db"), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e.st = st
	e.stripe, e.sendgrid, e.twilio = gatewaytest.NewStripe(t), gatewaytest.NewSendGrid(t), gatewaytest.NewTwilio(t)
	e.slack, e.github, e.mailgun = gatewaytest.NewSlack(t), gatewaytest.NewGitHub(t), gatewaytest.NewMailgun(t)
	e.creds.set("stripe", "default", map[string]string{"secret_key": gatewaytest.StripeKey})
	e.creds.set("sendgrid", "default", map[string]string{"api_key": gatewaytest.SendGridKey})
	e.creds.set("twilio", "default", map[string]string{"account_sid": gatewaytest.TwilioSID, "auth_token": gatewaytest.TwilioToken})
	e.creds.set("slack", "default", map[string]string{"webhook_url": gatewaytest.SlackWebhookURL()})
	e.creds.set("github", "default", map[string]string{"token": gatewaytest.GitHubToken})
	e.creds.set("mailgun", "default", map[string]string{"api_key": gatewaytest.MailgunKey, "domain": gatewaytest.MailgunDomain})
	cfg := gateway.Config{
		Store: st, Credentials: e.creds, Checker: e.checker, Secrets: e.secrets, Logger: log, Now: e.clock.Now,
		Endpoints: map[string]string{
			"STRIPE": e.stripe.URL, "SENDGRID": e.sendgrid.URL, "TWILIO": e.twilio.URL,
			"SLACK": e.slack.URL, "GITHUB": e.github.URL, "MAILGUN": e.mailgun.URL,
		},
		Getenv:    func(string) string { return "" },
		PublicURL: "https://tunnel.example.test",
		// The clock only moves when a test moves it, so the dispatcher
		// must look at it often; OnSettled is how tests wait for outcomes.
		Delivery: gateway.DeliveryOptions{Backoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, MaxAttempts: 4,
			PollInterval: 5 * time.Millisecond, OnSettled: func(r gateway.DeliveryReport) {
				select {
				case e.settled <- r:
				default:
				}
			}},
	}
	for _, o := range opts {
		o(&cfg)
	}
	gw, err := gateway.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(gw.Close)
	e.gw = gw
	return e
}

// allGrants allows every action of every provider through "default".
func allGrants() []gateway.Grant {
	return []gateway.Grant{
		{Provider: "stripe", Components: []string{"create_customer", "create_product", "create_price", "events"}},
		{Provider: "sendgrid", Components: []string{"send_email"}},
		{Provider: "twilio", Components: []string{"send_sms"}},
		{Provider: "slack", Components: []string{"post_message"}},
		{Provider: "github", Components: []string{"create_issue", "repository_events"}},
		{Provider: "mailgun", Components: []string{"send_email"}},
	}
}

func (e *env) createKey(t *testing.T, team, name string, grants []gateway.Grant) (gateway.Key, string) {
	t.Helper()
	k, tok, err := e.gw.CreateKey(context.Background(), gateway.KeySpec{Team: team, Name: name, Grants: grants})
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	return k, tok
}

func (e *env) auth(t *testing.T, token string) *gateway.Principal {
	t.Helper()
	p, err := e.gw.Authenticate(context.Background(), "Bearer "+token)
	if err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	return p
}

// settle waits for the next settled delivery attempt.
func (e *env) settle(t *testing.T) gateway.DeliveryReport {
	t.Helper()
	select {
	case r := <-e.settled:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery attempt settled within 10s")
	}
	return gateway.DeliveryReport{}
}
