package analyzer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPatchbayJSONCorrectsFindings: a webhook the analyzer cannot see is
// declared, a wrong finding is suppressed, and a malformed section is a
// diagnostic that loses nothing else.
func TestPatchbayJSONCorrectsFindings(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write := func(rel, body string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("api/package.json", `{"name":"api","dependencies":{"express":"^4","stripe":"^18"}}`)
	write("api/src/billing.js", "const Stripe = require('stripe');\nconst stripe = new Stripe(process.env.STRIPE_SECRET_KEY);\nmodule.exports = { stripe, debug: process.env.DEBUG_BILLING };\n")
	write("api/patchbay.json", `{"analyzer": {
	  "webhooks": [{"provider": "stripe", "route": "/hooks/stripe", "method": "post", "file": "src/billing.js", "events": ["invoice.paid"]}],
	  "suppress": [{"kind": "env", "name": "DEBUG_BILLING"}]
	}}`)
	write("web/package.json", `{"name":"web"}`)
	write("web/patchbay.json", `{"analyzer": {"webhooks": [{"route": "no-slash"}]}}`)
	write("web/index.js", "console.log(process.env.WEB_PORT);\n")

	res, err := New(Options{NoGoPackages: true}).Analyze(context.Background(), root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	var hook, debug, webPort bool
	for _, f := range res.Findings {
		if w := f.GetWebhook(); w != nil && w.GetRoute() == "/hooks/stripe" && f.GetProvider() == "stripe" &&
			f.GetLocation().GetPath() == "api/src/billing.js" && w.GetMethod() == "POST" && strings.Contains(w.GetVerification(), "patchbay.json") {
			hook = true
		}
		switch f.GetEnvVar().GetName() {
		case "DEBUG_BILLING":
			debug = true
		case "WEB_PORT":
			webPort = true
		}
	}
	if !hook {
		t.Error("the declared Stripe webhook is missing")
	}
	if debug {
		t.Error("the suppressed env read is still reported")
	}
	if !webPort {
		t.Error("a malformed patchbay.json lost the service's other findings")
	}
	found := false
	for _, d := range res.Diagnostics {
		if d.GetPath() == "web/patchbay.json" && strings.Contains(d.GetMessage(), "provider") {
			found = true
		}
	}
	if !found {
		t.Errorf("no diagnostic for the malformed web/patchbay.json: %v", res.Diagnostics)
	}
}
