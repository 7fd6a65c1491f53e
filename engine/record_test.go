package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers/auth0/auth0test"
	"github.com/patchbay-dev/patchbay/providers/aws/awstest"
	"github.com/patchbay-dev/patchbay/providers/sendgrid/sendgridtest"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
	"github.com/patchbay-dev/patchbay/providers/twilio/twiliotest"
	"github.com/patchbay-dev/patchbay/store"
)

var updateRecord = flag.Bool("update-record", false, "rewrite testdata/record.golden")

// wireRecorder is an http.RoundTripper that keeps every request the provider
// clients send (method, fake, path, query, body, the headers that carry
// meaning) and the status each got.
type wireRecorder struct {
	mu    sync.Mutex
	hosts map[string]string // fake host → provider name
	lines []string
}

func (r *wireRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	status := "error"
	if err == nil {
		status = fmt.Sprint(res.StatusCode)
	}
	var hdr []string
	for _, h := range []string{"Idempotency-Key", "Content-Type", "X-Amz-Target", "Stripe-Version"} {
		if v := req.Header.Get(h); v != "" {
			if h == "Idempotency-Key" {
				v = "set"
			}
			hdr = append(hdr, h+"="+v)
		}
	}
	line := fmt.Sprintf("%s %s %s?%s [%s] %s → %s", r.hosts[req.URL.Host], req.Method, req.URL.Path, req.URL.RawQuery,
		strings.Join(hdr, " "), canonicalBody(body), status)
	r.mu.Lock()
	r.lines = append(r.lines, line)
	r.mu.Unlock()
	return res, err
}

// canonicalBody renders JSON with sorted keys and forms sorted by key, so
// that map order never shows in the record.
func canonicalBody(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	var v any
	if json.Unmarshal(b, &v) == nil {
		out, _ := json.Marshal(v)
		return string(out)
	}
	if q, err := url.ParseQuery(string(b)); err == nil {
		return q.Encode()
	}
	return string(b)
}

func (r *wireRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.lines
	r.lines = nil
	return out
}

// TestRecordedPlanApplyDestroy provisions one workspace that uses every
// resource type (Auth0 application, Stripe webhook endpoint, product and
// price, SendGrid key and event webhook, Cognito app client, Twilio
// number webhooks) against the fakes: plan, apply, a URL change, apply,
// destroy. It records each plan and every request the provider clients
// sent, and compares the record with testdata/record.golden, so a refactor
// of how providers are wired can show it changed nothing on the wire.
func TestRecordedPlanApplyDestroy(t *testing.T) {
	t.Parallel()
	a0, sp, sg, aw, tw := auth0test.New(t), stripetest.New(t), sendgridtest.New(t), awstest.New(t, "*"), twiliotest.New(t)
	aw.AddUserPool(pool)
	sid := tw.AddNumber("+15005550006", "https://demo.twilio.com/welcome/sms/reply", "", "")
	rec := &wireRecorder{hosts: map[string]string{}}
	for name, u := range map[string]string{"auth0": a0.URL, "stripe": sp.URL, "sendgrid": sg.URL, "aws": aw.URL, "twilio": tw.URL} {
		p, _ := url.Parse(u)
		rec.hosts[p.Host] = name
	}
	client := &http.Client{Transport: rec}
	o := func(u string) engine.HTTPOptions { return engine.HTTPOptions{BaseURL: u, Client: client} }

	root := filepath.Join(t.TempDir(), "shop")
	if err := os.MkdirAll(filepath.Join(root, "web"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := `{"cognito": {"user_pool_id": "` + pool + `"},
  "stripe": {"products": [{"key": "pro", "name": "Pro", "prices": [{"lookup_key": "pro_monthly", "currency": "usd", "unit_amount": 1500, "interval": "month"}]}]},
  "twilio": {"numbers": [{"phone_number": "+15005550006"}]}}`
	if err := os.WriteFile(filepath.Join(root, "web", engine.ConfigFile), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	svcs := []*patchbayv1.Service{{Path: "web", Name: "web", Language: "typescript"}}
	findings := []*patchbayv1.Finding{
		callbackFinding("web", "auth0", "/api/auth/callback", "/logged-out"),
		callbackFinding("web", "cognito", "/api/auth/callback/cognito", "/signed-out"),
		{Kind: patchbayv1.FindingKind_WEBHOOK_HANDLER, Provider: "stripe", Service: "web",
			Location: &patchbayv1.Location{Path: "web/app/api/webhooks/stripe/route.ts", StartLine: 12},
			Detail: &patchbayv1.Finding_Webhook{Webhook: &patchbayv1.WebhookHandler{Route: "/api/webhooks/stripe", Method: "POST",
				Events: []string{"invoice.paid", "checkout.session.completed"}}}},
		webhookFinding("web", "sendgrid", "/api/sendgrid/events"),
		webhookFinding("web", "twilio", "/api/twilio/sms"),
		sdkFinding("web", "sendgrid"),
		envRead("web", "stripe", "STRIPE_WEBHOOK_SECRET"),
		envRead("web", "stripe", "STRIPE_PRICE_PRO_MONTHLY"),
		envRead("web", "auth0", "AUTH0_CLIENT_ID"),
		envRead("web", "auth0", "AUTH0_CLIENT_SECRET"),
		envRead("web", "aws", "AUTH_COGNITO_ID"),
		envRead("web", "aws", "AUTH_COGNITO_SECRET"),
		envRead("web", "sendgrid", "SENDGRID_API_KEY"),
		envRead("web", "twilio", "TWILIO_PHONE_NUMBER"),
	}
	creds := map[string]engine.Credentials{"auth0": a0.Credentials(), "stripe": sp.Credentials(), "sendgrid": sg.Credentials(), "twilio": tw.Credentials(),
		"aws": {"access_key_id": awstest.KeyID, "secret_access_key": awstest.Secret, "region": "us-east-1"}}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	eng, err := engine.New(context.Background(), engine.Options{
		Store: st, Secrets: engine.NewMemorySecrets(), Source: &engine.StaticSource{Services: svcs, Findings: findings},
		Types: engine.AllTypes(engine.Endpoints{"auth0": o(a0.URL), "stripe": o(sp.URL), "sendgrid": o(sg.URL), "aws": o(aw.URL), "twilio": o(tw.URL)}),
		Credentials: engine.CredentialFunc(func(_ context.Context, provider, _ string) (engine.Credentials, error) {
			if c, ok := creds[provider]; ok {
				return c, nil
			}
			return nil, fmt.Errorf("%s: %w", provider, engine.ErrNoCredentials)
		}),
		RetryBase: time.Millisecond, RetryMax: 20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	env, err := eng.CreateEnvironment(ctx, store.Environment{WorkspaceRoot: root, Name: "local",
		FrontendURL: "https://dev.example.net:3000", APIURL: "https://dev.example.net:8080"})
	if err != nil {
		t.Fatal(err)
	}

	var out strings.Builder
	section := func(title string, lines []string) {
		for i, l := range lines {
			lines[i] = normalizeLine(l, root)
		}
		sort.Strings(lines)
		fmt.Fprintf(&out, "== %s\n", title)
		for _, l := range lines {
			fmt.Fprintln(&out, l)
		}
	}
	planLines := func(p *engine.Plan) []string {
		var lines []string
		for _, s := range p.Steps {
			props, _ := json.Marshal(s.Props)
			deps := make([]string, len(s.DependsOnKeys))
			for i, k := range s.DependsOnKeys {
				deps[i] = k.String()
			}
			lines = append(lines, fmt.Sprintf("step %s %s props=%s deps=%v reason=%q", s.Action, s.Key, props, deps, s.Reason))
			for _, c := range s.Changes {
				cj, _ := json.Marshal(c)
				lines = append(lines, fmt.Sprintf("  change %s %s", s.Key, cj))
			}
		}
		for _, w := range p.Warnings {
			lines = append(lines, "warning "+w)
		}
		return lines
	}
	plan := func(title string, destroy bool) *engine.Plan {
		p, err := eng.Plan(ctx, root, "local", destroy)
		if err != nil {
			t.Fatal(err)
		}
		section(title+" plan", planLines(p))
		section(title+" plan requests", rec.take())
		return p
	}
	apply := func(title string, p *engine.Plan) {
		if res, err := eng.Apply(ctx, p.ID, nil); err != nil {
			t.Fatalf("%s apply: %v %v\n%s", title, err, res.Failed, p.Summary())
		}
		section(title+" apply requests", rec.take())
	}
	variables := func(title string) {
		vs, err := eng.Variables(ctx, root, "local", false)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, v := range vs {
			vj, _ := json.Marshal(v)
			lines = append(lines, string(vj))
		}
		section(title+" variables", lines)
	}

	apply("first", plan("first", false))
	variables("first")
	env.FrontendURL, env.APIURL = "https://shop.example.dev", "https://api.shop.example.dev"
	if _, err := eng.UpdateEnvironment(ctx, env); err != nil {
		t.Fatal(err)
	}
	apply("url change", plan("url change", false))
	variables("url change")
	plan("converged", false)
	if _, err := eng.Destroy(ctx, root, "local", nil); err != nil {
		t.Fatal(err)
	}
	section("destroy requests", rec.take())
	if n := tw.Numbers()[sid]; n.SMSURL != "https://demo.twilio.com/welcome/sms/reply" {
		t.Errorf("SmsUrl after destroy = %q", n.SMSURL)
	}

	got := out.String()
	golden := filepath.Join("testdata", "record.golden")
	if *updateRecord {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update-record to create it)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("plan/apply/destroy record differs from %s (-want +got):\n%s", golden, d)
	}
}

// recordIDs are the values the fakes and the engine make up per run; the
// record keeps only their kind, so that it is the same on every run.
var recordIDs = regexp.MustCompile(`\b(we_|prod_|price_|whsec_|sk_test_|SG\.|PN|AC)[A-Za-z0-9._\-]{8,}|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[A-Za-z0-9]{26,32}\b|\bfakeKey[0-9]+\b|\b[0-9]{8}-fake-[0-9a-f-]+\b`)

// normalizeLine masks recordIDs except where one is a JSON object key
// (followed by `":`) or a Cognito operation (after the X-Amz-Target
// prefix): keys such as "AllowedOAuthFlowsUserPoolClient" and operations
// such as "DeleteManagedLoginBranding" look like ids but are wire names the
// record must keep.
func normalizeLine(s, root string) string {
	s = strings.ReplaceAll(s, root, "ROOT")
	var b strings.Builder
	last := 0
	for _, m := range recordIDs.FindAllStringSubmatchIndex(s, -1) {
		if strings.HasPrefix(s[m[1]:], `":`) || strings.HasSuffix(s[:m[0]], "AWSCognitoIdentityProviderService.") {
			continue
		}
		b.WriteString(s[last:m[0]])
		if m[2] >= 0 {
			b.WriteString("<" + strings.TrimRight(s[m[2]:m[3]], "_.") + ">")
		} else {
			b.WriteString("<id>")
		}
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}
