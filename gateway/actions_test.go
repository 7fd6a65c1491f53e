package gateway_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/gateway"
	"github.com/patchbay-dev/patchbay/gateway/gatewaytest"
)

func TestRunActions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	_, tok := e.createKey(t, "", "all", allGrants())
	p := e.auth(t, tok)

	prod, err := e.gw.RunAction(ctx, p, "stripe", "create_product", map[string]any{"name": "Pro plan", "metadata": map[string]any{"tier": "pro"}}, "idem-1")
	if err != nil {
		t.Fatal(err)
	}
	prodID, _ := prod["id"].(string)
	if !strings.HasPrefix(prodID, "prod_") || prod["name"] != "Pro plan" {
		t.Fatalf("product = %v", prod)
	}
	// The same idempotency key replays the same product.
	again, err := e.gw.RunAction(ctx, p, "stripe", "create_product", map[string]any{"name": "Pro plan", "metadata": map[string]any{"tier": "pro"}}, "idem-1")
	if err != nil || again["id"] != prodID {
		t.Fatalf("idempotent replay = %v, %v", again, err)
	}

	tests := []struct {
		provider, action string
		input            map[string]any
		check            func(t *testing.T, out map[string]any)
		server           *gatewaytest.Server
		request          func(t *testing.T, r gatewaytest.Request)
	}{
		{"stripe", "create_customer", map[string]any{"email": "ada@example.com", "name": "Ada"},
			func(t *testing.T, out map[string]any) {
				if !strings.HasPrefix(out["id"].(string), "cus_") || out["email"] != "ada@example.com" {
					t.Errorf("out = %v", out)
				}
			}, e.stripe,
			func(t *testing.T, r gatewaytest.Request) {
				if r.Form.Get("email") != "ada@example.com" || r.Header.Get("Authorization") != "Bearer "+gatewaytest.StripeKey {
					t.Errorf("request = %+v", r)
				}
			}},
		{"stripe", "create_price", map[string]any{"currency": "eur", "unit_amount": float64(1999), "product": prodID,
			"recurring": map[string]any{"interval": "month"}},
			func(t *testing.T, out map[string]any) {
				if out["product"] != prodID || out["type"] != "recurring" || out["unit_amount"] != float64(1999) {
					t.Errorf("out = %v", out)
				}
			}, e.stripe,
			func(t *testing.T, r gatewaytest.Request) {
				if r.Form.Get("recurring[interval]") != "month" || r.Form.Get("unit_amount") != "1999" {
					t.Errorf("form = %v", r.Form)
				}
			}},
		{"sendgrid", "send_email", map[string]any{"from": "ops@example.com", "to": []any{"a@example.com", "b@example.com"}, "subject": "Hi", "text": "Hello"},
			func(t *testing.T, out map[string]any) {
				if out["status"] != "accepted" || out["message_id"] == "" {
					t.Errorf("out = %v", out)
				}
			}, e.sendgrid,
			func(t *testing.T, r gatewaytest.Request) {
				want := []any{map[string]any{"to": []any{map[string]any{"email": "a@example.com"}, map[string]any{"email": "b@example.com"}}}}
				if diff := cmp.Diff(want, r.JSON["personalizations"]); diff != "" {
					t.Errorf("personalizations (-want +got):\n%s", diff)
				}
			}},
		{"twilio", "send_sms", map[string]any{"to": "+15005550006", "from": "+15005550001", "body": "Your code is 1234"},
			func(t *testing.T, out map[string]any) {
				if !strings.HasPrefix(out["sid"].(string), "SM") || out["status"] != "queued" {
					t.Errorf("out = %v", out)
				}
			}, e.twilio,
			func(t *testing.T, r gatewaytest.Request) {
				if r.Form.Get("To") != "+15005550006" || r.Form.Get("Body") != "Your code is 1234" {
					t.Errorf("form = %v", r.Form)
				}
			}},
		{"slack", "post_message", map[string]any{"text": "deploy finished"},
			func(t *testing.T, out map[string]any) {
				if out["ok"] != true {
					t.Errorf("out = %v", out)
				}
			}, e.slack,
			func(t *testing.T, r gatewaytest.Request) {
				if r.Path != gatewaytest.SlackPath || r.JSON["text"] != "deploy finished" {
					t.Errorf("request = %+v", r)
				}
			}},
		{"github", "create_issue", map[string]any{"owner": "acme", "repo": "api", "title": "Build broke", "labels": []any{"ci"}},
			func(t *testing.T, out map[string]any) {
				if out["number"] == nil || !strings.HasPrefix(out["html_url"].(string), "https://github.com/acme/api/issues/") {
					t.Errorf("out = %v", out)
				}
			}, e.github,
			func(t *testing.T, r gatewaytest.Request) {
				if r.Header.Get("X-GitHub-Api-Version") != "2022-11-28" || r.Header.Get("User-Agent") == "" {
					t.Errorf("headers = %v", r.Header)
				}
			}},
		{"mailgun", "send_email", map[string]any{"from": "Ops <ops@mg.example.test>", "to": []any{"a@example.com"}, "subject": "Hi", "html": "<p>Hi</p>"},
			func(t *testing.T, out map[string]any) {
				if out["message"] != "Queued. Thank you." || out["id"] == "" {
					t.Errorf("out = %v", out)
				}
			}, e.mailgun,
			func(t *testing.T, r gatewaytest.Request) {
				if r.Form.Get("html") != "<p>Hi</p>" || r.Path != "/v3/"+gatewaytest.MailgunDomain+"/messages" {
					t.Errorf("request = %+v", r)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.provider+"/"+tc.action, func(t *testing.T) {
			out, err := e.gw.RunAction(ctx, p, tc.provider, tc.action, tc.input, "")
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, out)
			reqs := tc.server.Requests()
			tc.request(t, reqs[len(reqs)-1])
		})
	}
}

func TestRunActionRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	_, tok := e.createKey(t, "", "narrow", []gateway.Grant{
		{Provider: "stripe", Components: []string{"create_customer", "create_price"}},
		{Provider: "sendgrid", Components: []string{"send_email"}},
		{Provider: "github", Components: []string{"create_issue"}},
		{Provider: "twilio", Components: []string{"send_sms"}},
	})
	_, none := e.createKey(t, "", "nothing", nil)
	p, pNone := e.auth(t, tok), e.auth(t, none)
	tests := []struct {
		name             string
		p                *gateway.Principal
		provider, action string
		input            map[string]any
		want             error
		msg              string
	}{
		{"not granted", p, "stripe", "create_product", map[string]any{"name": "x"}, gateway.ErrPermissionDenied, "not allowed"},
		{"deny by default", pNone, "slack", "post_message", map[string]any{"text": "x"}, gateway.ErrPermissionDenied, "not allowed"},
		{"unknown action", p, "stripe", "refund", nil, gateway.ErrNotFound, "no action"},
		{"trigger is not an action", p, "stripe", "events", nil, gateway.ErrNotFound, "no action"},
		{"unknown property", p, "stripe", "create_customer", map[string]any{"emial": "a@b.c"}, gateway.ErrInvalidArgument, `unknown property "emial"`},
		{"bad email", p, "stripe", "create_customer", map[string]any{"email": "not-an-email"}, gateway.ErrInvalidArgument, "/email: must be an email address"},
		{"missing required", p, "stripe", "create_price", map[string]any{"currency": "usd"}, gateway.ErrInvalidArgument, `missing required property "product"`},
		{"wrong type", p, "stripe", "create_price", map[string]any{"currency": "usd", "product": "prod_1", "unit_amount": "12"}, gateway.ErrInvalidArgument, "/unit_amount: must be an integer, got a string"},
		{"fraction", p, "stripe", "create_price", map[string]any{"currency": "usd", "product": "prod_1", "unit_amount": 1.5}, gateway.ErrInvalidArgument, "must be an integer"},
		{"enum", p, "stripe", "create_price", map[string]any{"currency": "usd", "product": "prod_1", "unit_amount": float64(1), "recurring": map[string]any{"interval": "fortnight"}}, gateway.ErrInvalidArgument, `/recurring/interval: must be one of "day"`},
		{"anyOf", p, "sendgrid", "send_email", map[string]any{"from": "a@b.co", "to": []any{"c@d.co"}, "subject": "s"}, gateway.ErrInvalidArgument, "has text, or has html"},
		{"pattern", p, "twilio", "send_sms", map[string]any{"to": "555-1234", "from": "+15005550006", "body": "x"}, gateway.ErrInvalidArgument, "/to: must match"},
		{"empty array", p, "sendgrid", "send_email", map[string]any{"from": "a@b.co", "to": []any{}, "subject": "s", "text": "t"}, gateway.ErrInvalidArgument, "at least 1 items"},
		{"provider says no (stripe 400)", p, "stripe", "create_price", map[string]any{"currency": "usd", "product": "prod_missing", "unit_amount": float64(1)}, gateway.ErrInvalidArgument, "No such product"},
		{"provider hides repo (github 404)", p, "github", "create_issue", map[string]any{"owner": "acme", "repo": "private", "title": "t"}, gateway.ErrInvalidArgument, "github: 404: Not Found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.gw.RunAction(ctx, tc.p, tc.provider, tc.action, tc.input, "")
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v; want %v containing %q", err, tc.want, tc.msg)
			}
		})
	}
}

func TestRunActionProviderFailures(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	_, tok := e.createKey(t, "", "all", allGrants())
	p := e.auth(t, tok)
	cust := map[string]any{"email": "a@example.com"}

	e.stripe.Inject(gatewaytest.Fault{Path: "/v1/customers", Status: 429, Body: `{"error":{"type":"invalid_request_error","code":"rate_limit","message":"Too many requests"}}`})
	if _, err := e.gw.RunAction(ctx, p, "stripe", "create_customer", cust, ""); !errors.Is(err, gateway.ErrProvider) || !strings.Contains(err.Error(), "rate_limit") {
		t.Errorf("429: %v", err)
	}
	e.stripe.Inject(gatewaytest.Fault{Path: "/v1/customers", Status: 403, Body: `{"error":{"type":"invalid_request_error","message":"The provided key 'rk_test_***abcd' does not have the required permissions for this endpoint on account 'acct_1'. Having the 'rak_customer_write' permission would allow this request to continue."}}`})
	if _, err := e.gw.RunAction(ctx, p, "stripe", "create_customer", cust, ""); !errors.Is(err, gateway.ErrConnection) || !strings.Contains(err.Error(), "rak_customer_write") {
		t.Errorf("403: %v", err)
	}
	e.stripe.Inject(gatewaytest.Fault{Path: "/v1/customers", Status: 500, Body: `{"error":{"type":"api_error","message":"Something went wrong"}}`})
	if _, err := e.gw.RunAction(ctx, p, "stripe", "create_customer", cust, ""); !errors.Is(err, gateway.ErrProvider) {
		t.Errorf("500: %v", err)
	}
	e.slack.Inject(gatewaytest.Fault{Status: 404, Body: "no_service"})
	if _, err := e.gw.RunAction(ctx, p, "slack", "post_message", map[string]any{"text": "x"}, ""); !errors.Is(err, gateway.ErrInvalidArgument) || !strings.Contains(err.Error(), "no_service") {
		t.Errorf("slack 404: %v", err)
	}

	// Rotated credentials at the provider: 401 is a connection problem.
	e.creds.set("twilio", "default", map[string]string{"account_sid": gatewaytest.TwilioSID, "auth_token": "ffffffffffffffffffffffffffffffff"})
	_, err := e.gw.RunAction(ctx, p, "twilio", "send_sms", map[string]any{"to": "+15005550006", "from": "+15005550001", "body": "x"}, "")
	if !errors.Is(err, gateway.ErrConnection) || !strings.Contains(err.Error(), "20003") {
		t.Errorf("twilio 401: %v", err)
	}
	// Credentials deleted after the key was saved.
	e.creds.mu.Lock()
	delete(e.creds.m, "mailgun/default")
	e.creds.mu.Unlock()
	_, err = e.gw.RunAction(ctx, p, "mailgun", "send_email", map[string]any{"from": "a@b.co", "to": []any{"c@d.co"}, "subject": "s", "text": "t"}, "")
	if !errors.Is(err, gateway.ErrConnection) {
		t.Errorf("missing creds: %v", err)
	}
}

func TestListComponents(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	_, tok := e.createKey(t, "", "k", []gateway.Grant{
		{Provider: "stripe", Components: []string{"create_customer", "events"}},
		{Provider: "slack", Components: []string{"post_message"}},
	})
	p := e.auth(t, tok)
	cs, err := e.gw.ListComponents(ctx, p, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cs {
		got = append(got, c.Provider+"/"+c.ID)
		if !strings.Contains(c.InputSchema, "https://json-schema.org/draft/2020-12/schema") || c.OutputSchema == "" {
			t.Errorf("%s/%s lacks schemas", c.Provider, c.ID)
		}
		if _, err := gateway.ParseSchema(c.InputSchema); err != nil {
			t.Errorf("%s/%s schema: %v", c.Provider, c.ID, err)
		}
	}
	if diff := cmp.Diff([]string{"slack/post_message", "stripe/create_customer", "stripe/events"}, got); diff != "" {
		t.Fatalf("components (-want +got):\n%s", diff)
	}
	cs, _ = e.gw.ListComponents(ctx, p, "slack")
	if len(cs) != 1 {
		t.Fatalf("filtered = %d components", len(cs))
	}
}

func TestAuditLog(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	k, tok := e.createKey(t, "ops", "k", []gateway.Grant{{Provider: "slack", Components: []string{"post_message"}}})
	p := e.auth(t, tok)
	if _, err := e.gw.RunAction(ctx, p, "slack", "post_message", map[string]any{"text": "secret payload text"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.gw.RunAction(ctx, p, "stripe", "create_customer", nil, ""); !errors.Is(err, gateway.ErrPermissionDenied) {
		t.Fatalf("an action outside the grants: %v, want ErrPermissionDenied", err)
	}
	entries, err := e.gw.Audit(ctx, "ops", k.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range entries {
		got = append(got, strings.Join([]string{a.Call, a.Provider, a.Target, a.Profile, a.Outcome}, " "))
		if strings.Contains(a.Detail, "secret payload") {
			t.Error("audit holds payload")
		}
	}
	want := []string{"CreateApiKey    ok", "RunAction slack post_message default ok", "RunAction stripe create_customer  permission_denied"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("audit (-want +got):\n%s", diff)
	}
	if other, _ := e.gw.Audit(ctx, "other", "", 10); len(other) != 0 {
		t.Fatalf("another team sees %d audit entries", len(other))
	}
}

func TestIdempotencyKeyForEveryProvider(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	_, tok := e.createKey(t, "", "k", allGrants())
	p := e.auth(t, tok)
	sms := map[string]any{"to": "+15005550006", "from": "+15005550001", "body": "code 1"}
	first, err := e.gw.RunAction(ctx, p, "twilio", "send_sms", sms, "retry-1")
	if err != nil {
		t.Fatal(err)
	}
	// Concurrent and later retries replay the first message, not a new one.
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			again, err := e.gw.RunAction(ctx, p, "twilio", "send_sms", sms, "retry-1")
			if err != nil || again["sid"] != first["sid"] {
				t.Errorf("retry = %v, %v", again, err)
			}
		}()
	}
	wg.Wait()
	if n := len(e.twilio.Requests()); n != 1 {
		t.Fatalf("twilio saw %d sends for one idempotency key", n)
	}
	other := map[string]any{"to": "+15005550006", "from": "+15005550001", "body": "code 2"}
	if _, err := e.gw.RunAction(ctx, p, "twilio", "send_sms", other, "retry-1"); !errors.Is(err, gateway.ErrInvalidArgument) {
		t.Fatalf("same key, other input: %v", err)
	}
	// A failure is not remembered: the retry runs again and can succeed.
	e.slack.Inject(gatewaytest.Fault{Status: 500, Body: "rollup_error"})
	if _, err := e.gw.RunAction(ctx, p, "slack", "post_message", map[string]any{"text": "x"}, "r2"); !errors.Is(err, gateway.ErrProvider) {
		t.Fatalf("first attempt: %v", err)
	}
	if _, err := e.gw.RunAction(ctx, p, "slack", "post_message", map[string]any{"text": "x"}, "r2"); err != nil {
		t.Fatalf("retry after failure: %v", err)
	}
	// Keys are per API key: another key's identical idempotency key runs.
	_, tok2 := e.createKey(t, "", "k2", allGrants())
	if out, err := e.gw.RunAction(ctx, e.auth(t, tok2), "twilio", "send_sms", sms, "retry-1"); err != nil || out["sid"] == first["sid"] {
		t.Fatalf("other key: %v, %v", out, err)
	}
	// Remembered for a day only.
	e.clock.Add(25 * time.Hour)
	if out, err := e.gw.RunAction(ctx, p, "twilio", "send_sms", sms, "retry-1"); err != nil || out["sid"] == first["sid"] {
		t.Fatalf("after expiry: %v, %v", out, err)
	}
}
