package eval

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func route(s string) *string { return &s }

func TestNormRoute(t *testing.T) {
	cases := map[string]string{
		"/api/webhooks/stripe/":         "/api/webhooks/stripe",
		"api/webhooks/stripe":           "/api/webhooks/stripe",
		"/users/:id/hook":               "/users/{}/hook",
		"/users/{id}/hook":              "/users/{}/hook",
		"/users/[id]/hook":              "/users/{}/hook",
		"/users/<int:id>/hook":          "/users/{}/hook",
		"/users/$id/hook":               "/users/{}/hook",
		"/api/auth/[...nextauth]":       "/api/auth/{}",
		"/auth/callback?code=x":         "/auth/callback",
		"":                              "/",
		"//double//slash":               "/double/slash",
		"/api/auth/callback/github":     "/api/auth/callback/github",
		"/hooks/{provider:[a-z]+}/call": "/hooks/{}/call",
	}
	for in, want := range cases {
		if got := NormRoute(in); got != want {
			t.Errorf("NormRoute(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestScore(t *testing.T) {
	l := &Label{
		Repo: "o/r",
		SDK:  []Item{{Provider: "stripe", File: "a.js"}, {Provider: "twilio", File: "b.js"}},
		Env:  []Item{{Name: "X", File: "a.js"}},
		Webhook: []Item{
			{Provider: "stripe", File: "hooks.js", AltFiles: []string{"app.js"}, Route: route("/api/hook/:id")},
			{Provider: "github", File: "gh.js", Route: nil},
		},
		Callback: []Item{{Provider: "auth0", File: "auth.js", Route: route("/callback")}},
		Optional: map[string][]Item{"env": {{Name: "DEBUG", File: "a.js"}}, "callback": {{Provider: "other", File: "d.js", Route: route("/discord")}}},
	}
	found := map[string][]Item{
		"sdk": {{Provider: "stripe", File: "a.js"}, {Provider: "stripe", File: "a.js"}, {Provider: "sendgrid", File: "c.js"}},
		"env": {{Name: "X", File: "a.js"}, {Name: "DEBUG", File: "a.js"}, {Name: "Y", File: "a.js"}},
		"webhook": {
			{Provider: "stripe", File: "app.js", Route: route("/api/hook/{id}/")},
			{Provider: "github", File: "gh.js", Route: route("/anything")},
			{Provider: "stripe", File: "hooks.js", Route: route("/wrong")},
		},
		"callback": {{Provider: "auth0", File: "auth.js", Route: route("/login")}, {Provider: "", File: "d.js", Route: route("/discord")}},
	}
	res := Score(l, found)
	check := func(kind string, tp, fn, fp int) {
		t.Helper()
		r := res[kind]
		if r.TP != tp || r.FN() != fn || r.FP() != fp {
			t.Errorf("%s: tp=%d fn=%d fp=%d, want %d %d %d (misses %v, fps %v)", kind, r.TP, r.FN(), r.FP(), tp, fn, fp, r.Misses, r.FPs)
		}
	}
	check("sdk", 1, 1, 1)
	check("env", 1, 0, 1)
	check("webhook", 2, 0, 1)
	check("callback", 0, 1, 1)
	if f := res["webhook"].F1(); f < 0.79 || f > 0.81 {
		t.Errorf("webhook F1 = %v, want 0.8", f)
	}
}

func TestFromScan(t *testing.T) {
	b := []byte(`{"findings":[
	 {"kind":"SDK_USAGE","provider":"stripe","location":{"path":"a.js","startLine":2}},
	 {"kind":"ENV_REFERENCE","provider":"stripe","location":{"path":"a.js"},"envVar":{"name":"K","source":"code"}},
	 {"kind":"ENV_REFERENCE","location":{"path":"docker-compose.yml"},"envVar":{"name":"K","source":"compose"}},
	 {"kind":"WEBHOOK_HANDLER","provider":"stripe","location":{"path":"h.js"},"webhook":{"route":"/x","method":"POST"}},
	 {"kind":"OAUTH_CALLBACK","provider":"auth0","location":{"path":"p.json"},"callback":{"route":"/cb"}},
	 {"kind":"MANIFEST_DEPENDENCY","provider":"stripe","location":{"path":"package.json"}}]}`)
	got, err := FromScan(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got["sdk"]) != 1 || got["sdk"][0].Line != 2 || len(got["env"]) != 1 || got["env"][0].Provider != "" ||
		len(got["webhook"]) != 1 || *got["webhook"][0].Route != "/x" || len(got["callback"]) != 1 {
		t.Fatalf("FromScan = %+v", got)
	}
}

// TestCorpusLabels checks the committed corpus: every label file is valid,
// and eval/corpus.txt lists exactly the labelled repositories at the
// labelled commits (the list is what scripts/eval.sh exports).
func TestCorpusLabels(t *testing.T) {
	labels, err := LoadLabels("../../eval/labels")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../../eval/corpus.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	listed := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 {
			t.Fatalf("corpus.txt: %q is not 'owner/name commit'", line)
		}
		listed[fields[0]] = fields[1]
	}
	for _, l := range labels {
		if listed[l.Repo] != l.Commit {
			t.Errorf("%s: labelled at %s, listed at %q", l.Repo, l.Commit, listed[l.Repo])
		}
		delete(listed, l.Repo)
	}
	for r := range listed {
		t.Errorf("corpus.txt lists %s, which has no label file", r)
	}
	if matches, _ := filepath.Glob("../../eval/labels/*"); len(matches) != len(labels) {
		t.Errorf("eval/labels holds %d files, %d of them label files", len(matches), len(labels))
	}
}
