package vault_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/keyring"
	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/catalog"
	"github.com/patchbay-dev/patchbay/providers/netlify/netlifytest"
	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/vault"
)

const passphrase = "correct horse battery staple"

func fileStore(t *testing.T, home, pass string) *vault.Store {
	t.Helper()
	s, err := vault.Open(vault.Options{Home: home, Backends: []keyring.BackendType{keyring.FileBackend}, Passphrase: pass,
		Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFileStore(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	s := fileStore(t, home, passphrase)
	if s.Backend() != "file" {
		t.Fatalf("backend = %q", s.Backend())
	}
	p := vault.Profile{Provider: "stripe", Name: "default", Values: providers.Values{"secret_key": stripetest.TestKey}, UpdatedAt: time.Unix(1700000000, 0).UTC()}
	if err := s.Put(p); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(vault.Profile{Provider: "aws", Name: "org", Values: providers.Values{"access_key_id": "AKIAX"}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get("stripe", "default")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(p, got); d != "" {
		t.Errorf("Get (-want +got):\n%s", d)
	}
	list, err := s.List("")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range list {
		names = append(names, p.Provider+"/"+p.Name)
	}
	if d := cmp.Diff([]string{"aws/org", "stripe/default"}, names); d != "" {
		t.Errorf("List (-want +got):\n%s", d)
	}
	// The files on disk are encrypted: the key appears nowhere.
	_ = filepath.WalkDir(home, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(path)
			if bytes.Contains(b, []byte(stripetest.TestKey)) || bytes.Contains(b, []byte("secret_key")) {
				t.Errorf("%s holds plaintext", path)
			}
			if info, _ := d.Info(); info.Mode().Perm()&0o077 != 0 {
				t.Errorf("%s is readable by others: %v", path, info.Mode())
			}
		}
		return nil
	})

	// Reopening with the same passphrase reads it back; a wrong one fails.
	if got, err := fileStore(t, home, passphrase).Get("stripe", "default"); err != nil || got.Values["secret_key"] != stripetest.TestKey {
		t.Fatalf("reopen: %v", err)
	}
	if _, err := vault.Open(vault.Options{Home: home, Backends: []keyring.BackendType{keyring.FileBackend}, Passphrase: "wrong"}); !errors.Is(err, vault.ErrBadPassphrase) {
		t.Fatalf("wrong passphrase: err = %v", err)
	}

	// Without a passphrase the store is locked until unlocked.
	locked := fileStore(t, home, "")
	if !locked.Locked() {
		t.Fatal("not locked")
	}
	if _, err := locked.Get("stripe", "default"); !errors.Is(err, vault.ErrLocked) {
		t.Fatalf("locked Get: %v", err)
	}
	if err := locked.Unlock("wrong"); !errors.Is(err, vault.ErrBadPassphrase) {
		t.Fatalf("Unlock(wrong) = %v", err)
	}
	if err := locked.Unlock(passphrase); err != nil {
		t.Fatal(err)
	}
	if _, err := locked.Get("stripe", "default"); err != nil {
		t.Fatal(err)
	}

	if err := s.Delete("stripe", "default"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("stripe", "default"); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if err := s.Delete("stripe", "default"); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if err := s.Put(vault.Profile{Provider: "stripe", Name: "../evil"}); !errors.Is(err, vault.ErrInvalidArgument) {
		t.Fatalf("bad profile name: %v", err)
	}

	if err := s.PutSecret("whsec/stripe/ep_1", "whsec_abc"); err != nil {
		t.Fatal(err)
	}
	if v, err := s.GetSecret("whsec/stripe/ep_1"); err != nil || v != "whsec_abc" {
		t.Fatalf("GetSecret = %q, %v", v, err)
	}
	if err := s.DeleteSecret("whsec/stripe/ep_1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetSecret("whsec/stripe/ep_1"); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("deleted secret: %v", err)
	}
}

func TestPassphraseFromEnvironment(t *testing.T) {
	t.Parallel()
	s, err := vault.Open(vault.Options{Home: t.TempDir(), Backends: []keyring.BackendType{keyring.FileBackend},
		Getenv: func(k string) string {
			if k == vault.PassphraseEnv {
				return passphrase
			}
			return ""
		}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Locked() {
		t.Fatal("locked despite " + vault.PassphraseEnv)
	}
}

// events records what the domain publishes.
type events struct {
	mu      sync.Mutex
	changed []string
	opened  chan vault.Request
	closed  chan [2]string
}

func newEvents() *events {
	return &events{opened: make(chan vault.Request, 10), closed: make(chan [2]string, 10)}
}

func (e *events) CredentialsChanged(provider, profile string, deleted bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if deleted {
		e.changed = append(e.changed, "-"+provider+"/"+profile)
	} else {
		e.changed = append(e.changed, "+"+provider+"/"+profile)
	}
}
func (e *events) RequestOpened(r vault.Request)    { e.opened <- r }
func (e *events) RequestClosed(id, outcome string) { e.closed <- [2]string{id, outcome} }

func (e *events) Changed() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.changed...)
}

type harness struct {
	creds  *vault.Credentials
	events *events
	logs   *bytes.Buffer
	stripe *stripetest.Server
}

func newHarness(t *testing.T, envKeys ...string) *harness {
	t.Helper()
	st := stripetest.New(t)
	st.AddKey("sk_test_expired000000000000", stripetest.Key{Expired: true})
	env := st.Env(2*time.Second, "STRIPE")
	for _, k := range envKeys {
		env.Endpoints[k] = st.URL
	}
	logs := &bytes.Buffer{}
	ev := newEvents()
	h := &harness{events: ev, logs: logs, stripe: st}
	h.creds = vault.New(vault.Config{
		Store:          fileStore(t, t.TempDir(), passphrase),
		Catalog:        catalog.Get,
		All:            catalog.All,
		Env:            env,
		Events:         ev,
		Logger:         slog.New(slog.NewTextHandler(&syncWriter{w: logs}, &slog.HandlerOptions{Level: slog.LevelDebug})),
		RequestTimeout: 5 * time.Second,
	})
	return h
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// noSecrets fails if any secret appears in any output.
func noSecrets(t *testing.T, secrets []string, outputs ...string) {
	t.Helper()
	for _, s := range secrets {
		for _, needle := range providertest.SecretNeedles(s) {
			for _, o := range outputs {
				if strings.Contains(o, needle) {
					t.Errorf("secret leaked into output: %q", o)
				}
			}
		}
	}
}

func TestSaveCheckListDelete(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	var outputs []string
	record := func(r vault.SaveResult, err error) vault.SaveResult {
		t.Helper()
		if err != nil {
			outputs = append(outputs, err.Error())
		}
		outputs = append(outputs, r.Check.Summary, r.Check.Fix, r.Check.Account, r.Check.Field)
		for k, v := range r.Summary.Hints {
			outputs = append(outputs, k, v)
		}
		return r
	}

	// An invalid key is refused.
	bad := "sk_test_doesnotexist00000000"
	r := record(h.creds.Save(ctx, vault.SaveInput{Provider: "stripe", Values: providers.Values{"secret_key": bad}}))
	if r.Saved || r.Check.Status != providers.StatusInvalid {
		t.Fatalf("invalid key: saved=%v status=%v", r.Saved, r.Check.Status)
	}
	if _, err := h.creds.Values(ctx, "stripe", ""); !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("invalid key was stored: %v", err)
	}
	// Forced, it is stored.
	r = record(h.creds.Save(ctx, vault.SaveInput{Provider: "stripe", Profile: "broken", Values: providers.Values{"secret_key": bad}, Force: true}))
	if !r.Saved {
		t.Fatal("forced save not saved")
	}
	// A valid key is stored with a masked hint.
	r = record(h.creds.Save(ctx, vault.SaveInput{Provider: "stripe", Values: providers.Values{"secret_key": stripetest.TestKey}}))
	if !r.Saved || !r.Check.OK() {
		t.Fatalf("valid key: saved=%v check=%+v", r.Saved, r.Check)
	}
	if got := r.Summary.Hints["secret_key"]; got != providers.Mask(stripetest.TestKey) {
		t.Errorf("hint = %q", got)
	}

	list, err := h.creds.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("List = %d profiles", len(list))
	}
	for _, s := range list {
		for k, v := range s.Hints {
			outputs = append(outputs, k, v)
		}
	}

	// Check of the stored profile, then of a revoked key.
	res, err := h.creds.Check(ctx, "stripe", "default", nil)
	if err != nil || !res.OK() {
		t.Fatalf("Check stored = %+v, %v", res, err)
	}
	res, _ = h.creds.Check(ctx, "stripe", "broken", nil)
	outputs = append(outputs, res.Summary, res.Fix)
	if res.Status != providers.StatusInvalid {
		t.Fatalf("Check broken = %v", res.Status)
	}
	res, _ = h.creds.Check(ctx, "stripe", "nope", nil)
	if res.Status != providers.StatusMissing {
		t.Fatalf("Check missing profile = %v", res.Status)
	}

	// Merge keeps stored secrets when only other fields change.
	r = record(h.creds.Save(ctx, vault.SaveInput{Provider: "stripe", Values: providers.Values{}, Merge: true}))
	if !r.Saved {
		t.Fatalf("merge save: %+v", r.Check)
	}

	if err := h.creds.Delete(ctx, "stripe", "broken"); err != nil {
		t.Fatal(err)
	}
	err = h.creds.Delete(ctx, "stripe", "broken")
	if !errors.Is(err, vault.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	outputs = append(outputs, err.Error())
	if _, err := h.creds.Check(ctx, "nosuch", "", nil); !errors.Is(err, vault.ErrUnknownProvider) {
		t.Fatalf("unknown provider: %v", err)
	}

	if d := cmp.Diff([]string{"+stripe/broken", "+stripe/default", "+stripe/default", "-stripe/broken"}, h.events.Changed()); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
	noSecrets(t, []string{bad, stripetest.TestKey}, append(outputs, h.logs.String())...)
	if !strings.Contains(h.logs.String(), "credentials saved") {
		t.Errorf("log lacks the save line; logs:\n%s", h.logs.String())
	}
}

func TestRequestAnswered(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	type result struct {
		v   providers.Values
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := h.creds.Require(ctx, "stripe", "", "Provision the webhook endpoint")
		done <- result{v, err}
	}()
	req := <-h.events.opened
	if req.Provider != "stripe" || req.Profile != "default" || req.Reason == "" || req.ExpiresAt.IsZero() {
		t.Fatalf("request = %+v", req)
	}
	if p := h.creds.Pending(); len(p) != 1 || p[0].ID != req.ID {
		t.Fatalf("Pending = %+v", p)
	}
	// A wrong answer is refused and the request stays open.
	r, err := h.creds.Answer(ctx, req.ID, providers.Values{"secret_key": "sk_test_expired000000000000"}, false, false)
	if err != nil || r.Saved || r.Check.Status != providers.StatusExpired {
		t.Fatalf("bad answer: %+v, %v", r, err)
	}
	if len(h.creds.Pending()) != 1 {
		t.Fatal("request closed by a failing answer")
	}
	r, err = h.creds.Answer(ctx, req.ID, providers.Values{"secret_key": stripetest.TestKey}, false, false)
	if err != nil || !r.Saved {
		t.Fatalf("good answer: %+v, %v", r, err)
	}
	got := <-done
	if got.err != nil || got.v["secret_key"] != stripetest.TestKey {
		t.Fatalf("Require = %v", got.err)
	}
	if c := <-h.events.closed; c != [2]string{req.ID, vault.OutcomeAnswered} {
		t.Fatalf("closed = %v", c)
	}
	if _, err := h.creds.Answer(ctx, req.ID, nil, true, false); !errors.Is(err, vault.ErrRequestNotFound) {
		t.Fatalf("answer after close: %v", err)
	}
	// Now stored and valid: Require returns at once without a request.
	if v, err := h.creds.Require(ctx, "stripe", "", "again"); err != nil || v["secret_key"] != stripetest.TestKey {
		t.Fatalf("Require with valid stored creds: %v", err)
	}
}

func TestRequestCanceledAndTimeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	errc := make(chan error, 1)
	go func() {
		_, err := h.creds.Require(ctx, "stripe", "", "cancel me")
		errc <- err
	}()
	req := <-h.events.opened
	if _, err := h.creds.Answer(ctx, req.ID, nil, true, false); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; !errors.Is(err, vault.ErrRequestCanceled) {
		t.Fatalf("Require after cancel: %v", err)
	}
	if c := <-h.events.closed; c[1] != vault.OutcomeCanceled {
		t.Fatalf("closed = %v", c)
	}

	quick := vault.New(vault.Config{Store: fileStore(t, t.TempDir(), passphrase), Catalog: catalog.Get, All: catalog.All,
		Env: h.stripe.Env(time.Second, "STRIPE"), Events: h.events, RequestTimeout: 50 * time.Millisecond})
	if _, err := quick.Require(ctx, "stripe", "", "time out"); !errors.Is(err, vault.ErrRequestTimeout) {
		t.Fatalf("Require timeout: %v", err)
	}
	<-h.events.opened
	if c := <-h.events.closed; c[1] != vault.OutcomeTimeout {
		t.Fatalf("closed = %v", c)
	}
	if len(quick.Pending()) != 0 {
		t.Fatal("timed-out request still pending")
	}

	cctx, cancel := context.WithCancel(ctx)
	go func() { <-h.events.opened; cancel() }()
	if _, err := h.creds.Require(cctx, "stripe", "", "flow canceled"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Require with canceled ctx: %v", err)
	}
	if c := <-h.events.closed; c[1] != vault.OutcomeCanceled {
		t.Fatalf("closed = %v", c)
	}
}

func TestNetlifyOAuth(t *testing.T) {
	t.Parallel()
	nf := netlifytest.New(t)
	ev := newEvents()
	creds := vault.New(vault.Config{Store: fileStore(t, t.TempDir(), passphrase), Catalog: catalog.Get, All: catalog.All,
		Env: nf.Env(5*time.Second, "NETLIFY", "NETLIFY_APP"), Events: ev})
	ctx := context.Background()
	start, err := creds.StartOAuth(ctx, "netlify", "", providers.Values{"client_id": netlifytest.ClientID, "client_secret": netlifytest.ClientSecret, "redirect_port": "0"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := creds.StartOAuth(ctx, "netlify", "", providers.Values{"client_id": netlifytest.ClientID, "client_secret": netlifytest.ClientSecret, "redirect_port": "0"}); !errors.Is(err, vault.ErrOAuthInProgress) {
		t.Fatalf("second StartOAuth: %v", err)
	}
	resp, err := http.Get(start.URL) // the browser
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	deadline := time.Now().Add(5 * time.Second)
	for len(ev.Changed()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if d := cmp.Diff([]string{"+netlify/default"}, ev.Changed()); d != "" {
		t.Fatalf("events (-want +got):\n%s", d)
	}
	res, err := creds.Check(ctx, "netlify", "", nil)
	if err != nil || !res.OK() {
		t.Fatalf("stored token check: %+v, %v", res, err)
	}
	list, _ := creds.List(ctx, "netlify")
	if len(list) != 1 || !strings.HasPrefix(list[0].Hints["access_token"], "…") || list[0].Hints["client_id"] != netlifytest.ClientID {
		t.Errorf("listing = %+v", list)
	}
	if _, err := creds.StartOAuth(ctx, "stripe", "", nil); !errors.Is(err, vault.ErrInvalidArgument) {
		t.Fatalf("StartOAuth(stripe): %v", err)
	}
}

func TestCheckUnsavedValuesMergeOverStored(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	if r, err := h.creds.Save(ctx, vault.SaveInput{Provider: "twilio", Values: providers.Values{}, Force: true}); err != nil || r.Saved {
		t.Fatalf("empty forced save must not store malformed values: %+v %v", r, err)
	}
	if _, err := h.creds.Save(ctx, vault.SaveInput{Provider: "stripe", Values: providers.Values{"secret_key": stripetest.TestKey}}); err != nil {
		t.Fatal(err)
	}
	// An update form that leaves the secret empty checks the saved one.
	res, err := h.creds.Check(ctx, "stripe", "", providers.Values{"secret_key": ""})
	if err != nil || !res.OK() {
		t.Fatalf("Check(empty secret) = %+v, %v", res, err)
	}
	res, _ = h.creds.Check(ctx, "stripe", "", providers.Values{"secret_key": "sk_test_expired000000000000"})
	if res.Status != providers.StatusExpired {
		t.Fatalf("Check(new value) = %v", res.Status)
	}
}

func TestOAuthPortBusy(t *testing.T) {
	t.Parallel()
	nf := netlifytest.New(t)
	creds := vault.New(vault.Config{Store: fileStore(t, t.TempDir(), passphrase), Catalog: catalog.Get, All: catalog.All,
		Env: nf.Env(time.Second, "NETLIFY", "NETLIFY_APP"), OAuthTimeout: 200 * time.Millisecond})
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	_, port, _ := net.SplitHostPort(busy.Addr().String())
	_, err = creds.StartOAuth(context.Background(), "netlify", "", providers.Values{"client_id": netlifytest.ClientID, "client_secret": netlifytest.ClientSecret, "redirect_port": port})
	if !errors.Is(err, vault.ErrOAuthPort) || strings.Contains(err.Error(), netlifytest.ClientSecret) {
		t.Fatalf("StartOAuth on a busy port: %v", err)
	}
	// The failed start does not block the next one.
	if _, err := creds.StartOAuth(context.Background(), "netlify", "", providers.Values{"client_id": netlifytest.ClientID, "client_secret": netlifytest.ClientSecret, "redirect_port": "0"}); err != nil {
		t.Fatalf("StartOAuth after a failure: %v", err)
	}
}
