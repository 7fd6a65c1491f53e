package engine_test

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/engine"
	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers/sendgrid/sendgridtest"
)

func sendgridRig(t *testing.T) *extRig {
	svcs := []*patchbayv1.Service{{Path: "api", Name: "api", Language: "typescript"}}
	return newExtRig(t, svcs, []*patchbayv1.Finding{
		sdkFinding("api", "sendgrid"),
		webhookFinding("api", "sendgrid", "/webhooks/sendgrid"),
		envRead("api", "sendgrid", "SENDGRID_API_KEY"),
		envRead("api", "sendgrid", "SENDGRID_WEBHOOK_PUBLIC_KEY"),
	})
}

var (
	sgKey  = engine.Key{Provider: "sendgrid", Type: "api_key", Name: "api"}
	sgHook = engine.Key{Provider: "sendgrid", Type: "event_webhook", Name: "api/webhooks/sendgrid"}
)

func onlyKey(t *testing.T, s *sendgridtest.Server) sendgridtest.APIKey {
	t.Helper()
	keys := s.APIKeys()
	if len(keys) != 1 {
		t.Fatalf("api keys = %v", keys)
	}
	for _, k := range keys {
		return k
	}
	return sendgridtest.APIKey{}
}

func onlyHook(t *testing.T, s *sendgridtest.Server) sendgridtest.EventWebhook {
	t.Helper()
	hooks := s.EventWebhooks()
	if len(hooks) != 1 {
		t.Fatalf("event webhooks = %v", hooks)
	}
	for _, h := range hooks {
		return h
	}
	return sendgridtest.EventWebhook{}
}

func TestSendGridKeyAndSignedEventWebhook(t *testing.T) {
	t.Parallel()
	r := sendgridRig(t)
	p := r.planApply()
	if d := cmp.Diff(map[string]engine.Action{sgKey.String(): engine.ActionCreate, sgHook.String(): engine.ActionCreate}, changedSteps(p)); d != "" {
		t.Fatalf("plan (-want +got):\n%s\n%s", d, p.Summary())
	}
	k := onlyKey(t, r.sendgrid)
	if d := cmp.Diff([]string{"mail.send"}, k.Scopes); d != "" {
		t.Errorf("scopes (-want +got):\n%s", d)
	}
	if k.Name != "patchbay "+r.wsName()+"-api-local" {
		t.Errorf("key name = %q", k.Name)
	}
	if got := r.secret(sgKey, "api_key"); got != k.Value || !strings.HasPrefix(got, "SG.") {
		t.Errorf("api key not captured")
	}
	h := onlyHook(t, r.sendgrid)
	if h.URL != "https://dev.example.net:8080/webhooks/sendgrid" || !h.Enabled || h.PublicKey == "" || !h.Events["delivered"] || !h.Events["bounce"] {
		t.Errorf("webhook = %+v", h)
	}
	der, err := base64.StdEncoding.DecodeString(h.PublicKey)
	if _, perr := x509.ParsePKIXPublicKey(der); err != nil || perr != nil {
		t.Errorf("public key is not base64 SPKI: %v %v", err, perr)
	}
	vars := r.vars()
	if vars["SENDGRID_API_KEY"] != k.Value || vars["SENDGRID_WEBHOOK_PUBLIC_KEY"] != h.PublicKey {
		t.Errorf("variables do not carry the key and public key: %v", slices.Sorted(func(yield func(string) bool) {
			for n := range vars {
				if !yield(n) {
					return
				}
			}
		}))
	}
	if p := r.plan(); p.HasChanges() {
		t.Errorf("second plan:\n%s", p.Summary())
	}

	// Narrower scopes and fewer events in the config: PUT replaces the
	// scopes, PATCH turns events off.
	r.writeConfig("api", `{"sendgrid": {"scopes": ["mail.send", "scopes.read"], "events": ["bounce", "dropped"]}}`)
	p = r.planApply()
	if d := cmp.Diff(map[string]engine.Action{sgKey.String(): engine.ActionUpdate, sgHook.String(): engine.ActionUpdate}, changedSteps(p)); d != "" {
		t.Fatalf("config change plan (-want +got):\n%s\n%s", d, p.Summary())
	}
	if k := onlyKey(t, r.sendgrid); !slices.Equal(slices.Sorted(slices.Values(k.Scopes)), []string{"mail.send", "scopes.read"}) {
		t.Errorf("scopes after update = %v", k.Scopes)
	}
	if h := onlyHook(t, r.sendgrid); h.Events["delivered"] || !h.Events["bounce"] || !h.Events["dropped"] || h.PublicKey == "" {
		t.Errorf("webhook after update = %+v", h)
	}

	// A lost key value is rotated: a new key, re-injected, the old revoked.
	env, _ := r.st.GetEnvironment(context.Background(), "", r.root, "local")
	old := onlyKey(t, r.sendgrid)
	if err := r.secrets.Delete(context.Background(), "patchbay/"+env.ID+"/sendgrid/api_key/api/api_key"); err != nil {
		t.Fatal(err)
	}
	p = r.planApply()
	if a := changedSteps(p)[sgKey.String()]; a != engine.ActionRotate {
		t.Fatalf("lost key action = %s\n%s", a, p.Summary())
	}
	k = onlyKey(t, r.sendgrid)
	if k.ID == old.ID || r.vars()["SENDGRID_API_KEY"] != k.Value {
		t.Errorf("key not rotated and re-injected")
	}

	// Destroy revokes the key and removes the webhook.
	r.destroy()
	if n, m := len(r.sendgrid.APIKeys()), len(r.sendgrid.EventWebhooks()); n != 0 || m != 0 {
		t.Errorf("after destroy: %d keys, %d webhooks", n, m)
	}
}

func TestSendGridAdoptedWebhookStays(t *testing.T) {
	t.Parallel()
	r := sendgridRig(t)
	theirs := r.sendgrid.SeedEventWebhook("https://dev.example.net:8080/webhooks/sendgrid")
	p := r.planApply()
	if a := changedSteps(p)[sgHook.String()]; a != engine.ActionAdopt {
		t.Fatalf("action = %s\n%s", a, p.Summary())
	}
	if h := r.sendgrid.EventWebhooks()[theirs]; h.PublicKey == "" || r.vars()["SENDGRID_WEBHOOK_PUBLIC_KEY"] != h.PublicKey {
		t.Errorf("adopted webhook not signed or its key not injected: %+v", h)
	}
	r.destroy()
	if _, ok := r.sendgrid.EventWebhooks()[theirs]; !ok {
		t.Errorf("destroy deleted a webhook Patchbay did not create")
	}
}
