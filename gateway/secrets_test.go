package gateway_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/daemon/hooks"
	"github.com/patchbay-dev/patchbay/gateway"
	"github.com/patchbay-dev/patchbay/gateway/gatewaytest"
)

// TestNothingSecretLeaks drives successes and failures of every kind and
// scans the debug log, every error and every output for the API token,
// the provider credentials and the trigger secrets.
func TestNothingSecretLeaks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	k, tok := e.createKey(t, "", "leak", allGrants())
	p := e.auth(t, tok)
	var seen []string
	note := func(out map[string]any, err error) {
		seen = append(seen, fmt.Sprint(out))
		if err != nil {
			seen = append(seen, err.Error())
		}
	}
	runs := []struct {
		provider, action string
		input            map[string]any
	}{
		{"stripe", "create_customer", map[string]any{"email": "a@example.com"}},
		{"sendgrid", "send_email", map[string]any{"from": "a@example.com", "to": []any{"b@example.com"}, "subject": "s", "text": "t"}},
		{"twilio", "send_sms", map[string]any{"to": "+15005550006", "from": "+15005550001", "body": "b"}},
		{"slack", "post_message", map[string]any{"text": "t"}},
		{"github", "create_issue", map[string]any{"owner": "a", "repo": "b", "title": "t"}},
		{"mailgun", "send_email", map[string]any{"from": "a@mg.example.test", "to": []any{"b@example.com"}, "subject": "s", "text": "t"}},
	}
	for _, r := range runs {
		note(e.gw.RunAction(ctx, p, r.provider, r.action, r.input, ""))
	}
	// A provider (or a proxy in front of it) that echoes the credential.
	e.stripe.Inject(gatewaytest.Fault{Status: 400, Body: `{"error":{"type":"invalid_request_error","message":"bad key ` + gatewaytest.StripeKey + `"}}`})
	out, err := e.gw.RunAction(ctx, p, "stripe", "create_customer", nil, "")
	if err == nil || !strings.Contains(err.Error(), "[redacted]") {
		t.Fatalf("echoed key: %v", err)
	}
	note(out, err)
	e.slack.Inject(gatewaytest.Fault{Status: 500, Body: "rollup_error " + gatewaytest.SlackWebhookURL()})
	note(e.gw.RunAction(ctx, p, "slack", "post_message", map[string]any{"text": "t"}, ""))
	// Every credential rejected by its provider.
	e.creds.set("stripe", "default", map[string]string{"secret_key": "sk_test_rotatedAwayKey0000000001"})
	e.creds.set("sendgrid", "default", map[string]string{"api_key": "SG.rotated.awaykey0000000000000001"})
	e.creds.set("github", "default", map[string]string{"token": "ghp_rotatedAwayToken00000000000001"})
	e.creds.set("mailgun", "default", map[string]string{"api_key": "key-rotatedaway00000000001", "domain": gatewaytest.MailgunDomain})
	for _, r := range runs {
		note(e.gw.RunAction(ctx, p, r.provider, r.action, r.input, ""))
	}
	e.creds.set("stripe", "default", map[string]string{"secret_key": gatewaytest.StripeKey})
	e.creds.set("github", "default", map[string]string{"token": gatewaytest.GitHubToken})

	// Triggers: their secrets and the provider's.
	tr, signing, err := e.gw.CreateTrigger(ctx, p, "stripe", "events", map[string]any{"events": []any{"*"}}, "http://127.0.0.1:1/unreachable")
	if err != nil {
		t.Fatal(err)
	}
	whsec, _ := e.secrets.Get(ctx, "gateway.trigger."+tr.ID+".provider")
	gtr, gsigning, err := e.gw.CreateTrigger(ctx, p, "github", "repository_events", map[string]any{"owner": "a", "repo": "b", "events": []any{"push"}}, "http://127.0.0.1:1/x")
	if err != nil {
		t.Fatal(err)
	}
	hookSecret, _ := e.secrets.Get(ctx, "gateway.trigger."+gtr.ID+".provider")
	h := hooks.Handler(e.gw)
	ev := []byte(`{"id":"evt_9","type":"customer.created"}`)
	post(t, h, gateway.WebhookPathPrefix+tr.ID, ev, map[string]string{"Stripe-Signature": stripeSig("whsec_bad", ev, e.clock.Now())})
	post(t, h, gateway.WebhookPathPrefix+tr.ID, ev, map[string]string{"Stripe-Signature": stripeSig(whsec, ev, e.clock.Now())})
	// Let one delivery attempt (to the unreachable target) happen and be
	// logged before the key, and with it the pending delivery, is deleted.
	select {
	case <-e.settled:
	case <-time.After(30 * time.Second):
		t.Fatal("no delivery attempt was made")
	}
	trs, _ := e.gw.ListTriggers(ctx, p)
	seen = append(seen, fmt.Sprint(trs))
	keys, _ := e.gw.ListKeys(ctx, "")
	seen = append(seen, fmt.Sprintf("%+v", keys))
	if err := e.gw.DeleteKey(ctx, "", k.ID, false); err != nil {
		t.Fatal(err)
	}
	_, err = e.gw.Authenticate(ctx, "Bearer "+tok)
	seen = append(seen, err.Error())
	e.gw.Close() // flush the delivery to the unreachable target (retries, then gives up)

	secret := tok[strings.LastIndex(tok, "_")+1:]
	secrets := map[string]string{
		"token": tok, "token secret": secret, "stripe key": gatewaytest.StripeKey, "sendgrid key": gatewaytest.SendGridKey,
		"twilio token": gatewaytest.TwilioToken, "slack webhook secret": "gatewayFakeWebhookSecret00",
		"github token": gatewaytest.GitHubToken, "mailgun key": gatewaytest.MailgunKey,
		"rotated stripe": "sk_test_rotatedAwayKey0000000001", "rotated sendgrid": "SG.rotated.awaykey0000000000000001",
		"rotated github": "ghp_rotatedAwayToken00000000000001", "rotated mailgun": "key-rotatedaway00000000001",
		"stripe whsec": whsec, "stripe signing": signing, "github hook secret": hookSecret, "github signing": gsigning,
	}
	logs := e.log.String()
	for _, must := range []string{"gateway: action", "rejected webhook", "delivery"} {
		if !strings.Contains(logs, must) {
			t.Fatalf("log lacks %q; the scan would prove nothing:\n%s", must, logs)
		}
	}
	for name, s := range secrets {
		if len(s) < 8 {
			t.Fatalf("%s is empty", name)
		}
		if strings.Contains(logs, s) {
			t.Errorf("log contains the %s", name)
		}
		for _, x := range seen {
			if strings.Contains(x, s) {
				t.Errorf("a response or error contains the %s: %.300s", name, x)
			}
		}
	}
	audit, _ := e.gw.Audit(ctx, "", "", 1000)
	for _, a := range audit {
		for name, s := range secrets {
			if strings.Contains(fmt.Sprintf("%+v", a), s) {
				t.Errorf("audit contains the %s", name)
			}
		}
	}
}
