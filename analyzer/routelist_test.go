package analyzer

import (
	"context"
	"path/filepath"
	"slices"
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
