package analyzer

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// TestRouteModel: every service lists every route it serves — not only
// webhooks and callbacks — with the full path across files (mounts,
// groups handed to functions, include_router prefixes, class-level
// mappings, Rails namespaces and resources), in each framework's syntax.
func TestRouteModel(t *testing.T) {
	t.Parallel()
	res := analyzeFixture(t, "route-model")
	got := map[string][]string{}
	for _, s := range res.Services {
		for _, r := range s.GetRoutes() {
			got[s.GetPath()] = append(got[s.GetPath()], routeMethod(r.GetMethod())+" "+r.GetPath()+" "+r.GetSource())
		}
		slices.Sort(got[s.GetPath()])
	}
	want := map[string][]string{
		"express": {
			"DELETE /api/v1/users/:id code",
			"GET /api/v1/users/:id code",
			"GET /healthz code",
			"PUT /api/v1/users/:id/avatar code",
		},
		"gin": {
			"DELETE /v1/orders/:id code",
			"GET /healthz code",
			"GET /v1/orders/:id code",
		},
		"fastapi": {
			"GET /api/items/{item_id} code",
			"GET /healthz code",
			"POST /api/v2/webhooks/stripe code",
			"PUT /api/items/{item_id} code",
		},
		"aspnet": {
			"DELETE /api/Cart/{id} code",
			"GET /api/Cart/{id} code",
			"GET /healthz code",
		},
		"rails": {
			"GET /admin/reports code",
			"GET /admin/reports/:id code",
			"GET /posts code",
			"GET /posts/:id code",
			"GET /posts/:id/edit code",
			"GET /posts/new code",
			"GET /profile code",
			"GET /up code",
			"PATCH /posts/:id code",
			"POST /api/hooks code",
			"POST /posts code",
			"POST /posts/:id/publish code",
			"POST /posts/:post_id/comments code",
			"POST /stripe_events code",
			"PUT /posts/:id code",
		},
		"passport": {
			"GET /auth/:provider/callback code",
		},
		"spring": {
			"DELETE /api/products/{id} code",
			"GET /api/products/{id} code",
		},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("routes (-want +got):\n%s", d)
	}
	// resources :stripe_events, only: :create is handled by that
	// controller's create (not PostsController#create): the webhook is
	// there, on its route.
	var hooks []string
	for _, f := range res.Findings {
		if w := f.GetWebhook(); w != nil && f.GetService() == "rails" {
			hooks = append(hooks, f.GetProvider()+" "+w.GetMethod()+" "+w.GetRoute()+" "+f.GetLocation().GetPath())
		}
	}
	if want := []string{"stripe POST /stripe_events rails/app/controllers/stripe_events_controller.rb"}; !slices.Equal(hooks, want) {
		t.Errorf("rails webhooks = %q, want %q", hooks, want)
	}
	// A route reached through a mount in another file says where the
	// mount is.
	for _, s := range res.Services {
		for _, r := range s.GetRoutes() {
			if r.GetPath() == "/api/v1/users/:id" && (len(r.GetMounts()) != 1 || r.GetMounts()[0].GetPath() != "express/src/server.js" || r.GetMounts()[0].GetStartLine() != 5) {
				t.Errorf("%s %s: mounts %v, want express/src/server.js:5", r.GetMethod(), r.GetPath(), r.GetMounts())
			}
		}
	}
}

func routeMethod(m string) string {
	if m == "" {
		return "ANY"
	}
	return m
}

// analyzeFixture analyzes testdata/analyzer/<name> as TestFixtures does.
func analyzeFixture(t *testing.T, name string) *Result {
	t.Helper()
	root, err := filepath.Abs(filepath.Join(fixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	res, err := New(Options{NoGoPackages: true}).Analyze(context.Background(), root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestRouteOfSeveralMethodsIsOneCallback: a route declared for several
// methods is one callback finding, not one per method (ids are unique in
// an analysis, which Watch deltas rely on).
func TestRouteOfSeveralMethodsIsOneCallback(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"requirements.txt": "flask\nauthlib\n",
		"app.py":           "from flask import Flask\n\napp = Flask(__name__)\n\n@app.route(\"/callback\", methods=['POST', 'PUT'])\ndef callback():\n    token = oauth.google.authorize_access_token()\n",
	})
	res, err := New(Options{NoGoPackages: true}).Analyze(context.Background(), root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int{}
	n := 0
	for _, f := range res.Findings {
		ids[f.GetId()]++
		if f.GetKind() == patchbayv1.FindingKind_OAUTH_CALLBACK {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d callback findings, want 1", n)
	}
	for id, c := range ids {
		if c > 1 {
			t.Errorf("id %s is on %d findings", id, c)
		}
	}
}

// TestWorkspaceHelpersResolveNearest: a route whose handler calls a
// function its service does not define resolves it in the workspace, but
// only against the nearest definitions: a workspace holding several
// checkouts or unrelated repositories must not give one app's route
// another app's signature check.
func TestWorkspaceHelpersResolveNearest(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"apps/shop/package.json": `{"dependencies": {"express": "4", "stripe": "14"}}`,
		"apps/shop/server.js": `const express = require("express");
const { check } = require("../lib/check");
const app = express();
app.post("/hooks/orders", (req, res) => { check(req); res.send("ok"); });
app.post("/hooks/stripe", (req, res) => { verifyStripe(req); res.send("ok"); });
app.post("/hooks/audit", (req, res) => { audit(req); res.send("ok"); });
app.listen(3000);
`,
		// A global (no import says where it comes from): the nearest
		// definition wins over a far one.
		"apps/lib/audit.js": `const stripe = require("stripe")(process.env.STRIPE_SECRET_KEY);
function audit(req) {
  return stripe.webhooks.constructEvent(req.body, req.headers["stripe-signature"], process.env.AUDIT_WEBHOOK_SECRET);
}
`,
		"addons/twilio/audit.js": `const twilio = require("twilio");
function audit(req) {
  return twilio.validateRequest(process.env.TWILIO_AUTH_TOKEN, req.headers["x-twilio-signature"], req.url, req.body);
}
`,
		"apps/lib/check.js": `function check(req) { return req.body.id; }
module.exports = { check };
`,
		"packages/hooks/verify.js": `const stripe = require("stripe")(process.env.STRIPE_SECRET_KEY);
function verifyStripe(req) {
  return stripe.webhooks.constructEvent(req.body, req.headers["stripe-signature"], process.env.STRIPE_WEBHOOK_SECRET);
}
module.exports = { verifyStripe };
`,
		"addons/twilio/package.json": `{"dependencies": {"express": "4", "twilio": "4"}}`,
		"addons/twilio/check.js": `const twilio = require("twilio");
function check(req) {
  return twilio.validateRequest(process.env.TWILIO_AUTH_TOKEN, req.headers["x-twilio-signature"], req.url, req.body);
}
module.exports = { check };
`,
		// Another language's function of the same name is not callable:
		// a Go handler named Index is not a C# controller action.
		"apps/shop/debug/go.mod": "module example.com/debug\n\ngo 1.22\n",
		"apps/shop/debug/main.go": `package main

import (
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/debug/index", Index)
	http.ListenAndServe(os.Getenv("DEBUG_ADDR"), nil)
}
`,
		"addons/twilio/SmsController.cs": `using Twilio.AspNet.Core;
using Twilio.TwiML;

public class SmsController : TwilioController
{
    public TwiMLResult Index()
    {
        var response = new MessagingResponse();
        response.Message("hello");
        return TwiML(response);
    }
}
`,
	})
	res, err := New(Options{}).Analyze(context.Background(), root, Request{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range res.Findings {
		if w := f.GetWebhook(); w != nil && strings.HasPrefix(f.GetLocation().GetPath(), "apps/shop/") {
			got[w.GetRoute()] = f.GetProvider()
		}
	}
	want := map[string]string{"/hooks/stripe": "stripe", "/hooks/audit": "stripe"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("webhook handlers under apps/shop (-want +got):\n%s", diff)
	}
}
