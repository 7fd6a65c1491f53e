package github

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/contracttest"
)

// githubPaths are the api.github.com paths Patchbay calls, as GitHub's
// description spells them: the credential check (user, repository,
// Actions secrets public key, hooks list), the create_issue action and the
// repository_events trigger (hook create and delete).
var githubPaths = []string{
	"/user",
	"/repos/{owner}/{repo}",
	"/repos/{owner}/{repo}/actions/secrets/public-key",
	"/repos/{owner}/{repo}/hooks",
	"/repos/{owner}/{repo}/hooks/{hook_id}",
	"/repos/{owner}/{repo}/issues",
}

// TestContractGitHub sends every request the GitHub provider makes —
// validation, the create_issue action, the trigger's webhook create and
// delete — to Stoplight Prism serving GitHub's own description of
// api.github.com (@octokit/openapi) with request validation, and fails on
// any request the description refuses. Prism answers from the
// description's examples, so this also proves Patchbay decodes the
// documented answers.
func TestContractGitHub(t *testing.T) {
	t.Parallel()
	doc, err := contracttest.Subset(contracttest.SpecPath(t, contracttest.GitHubSpec), githubPaths...)
	if err == nil {
		// GitHub ignores body properties it does not know.
		doc, err = contracttest.CloseRequestBodies(doc)
	}
	if err != nil {
		t.Fatal(err)
	}
	prism := contracttest.Mock{URL: contracttest.StartPrism(t, "github", doc), Judge: contracttest.Prism,
		// GitHub's recommended media type: GitHub answers it with the
		// application/json bodies the description lists under
		// application/json only, which Prism's content negotiation would
		// refuse (406) (https://docs.github.com/en/rest/using-the-rest-api/getting-started-with-the-rest-api#media-types).
		Prepare: func(r *http.Request) {
			if r.Header.Get("Accept") == "application/vnd.github+json" {
				r.Header.Set("Accept", "application/json")
			}
		}}
	ctx := context.Background()
	const token = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"

	t.Run("validation", func(t *testing.T) {
		f := contracttest.NewFront(t, prism)
		env := &providers.Env{Endpoints: map[string]string{"GITHUB": f.URL}}
		got := credentials.Check(ctx, providers.Values{"token": token, "repository": "octocat/Hello-World"}, env)
		if got.Status != providers.StatusOK || got.Account == "" {
			t.Errorf("check = %v account %q (%s), want ok with the example user's login", got.Status, got.Account, got.Summary)
		}
		for _, p := range []string{"/user", "/repos/octocat/Hello-World", "/repos/octocat/Hello-World/hooks",
			"/repos/octocat/Hello-World/issues"} {
			if !f.Sent(http.MethodGet, p, "") {
				t.Errorf("the check did not send GET %s; sent %v", p, f.Requests())
			}
		}
	})

	t.Run("create_issue", func(t *testing.T) {
		f := contracttest.NewFront(t, prism)
		a := actionByID(t, "create_issue")
		out, err := a.Run(ctx, providers.ActionEnv{BaseURL: f.URL}, map[string]string{"token": token}, map[string]any{
			"owner": "octocat", "repo": "Hello-World", "title": "Found a bug", "body": "I'm having a problem with this.",
			"labels": []any{"bug"}, "assignees": []any{"octocat"}}, "")
		if err != nil {
			t.Fatal(err)
		}
		if n, ok := out["number"].(float64); !ok || n <= 0 {
			t.Errorf("output = %v, want the example issue's number", out)
		}
		// Without the optional fields too: they are left out, not null.
		if _, err := a.Run(ctx, providers.ActionEnv{BaseURL: f.URL}, map[string]string{"token": token},
			map[string]any{"owner": "octocat", "repo": "Hello-World", "title": "Only a title"}, ""); err != nil {
			t.Fatal(err)
		}
		if !f.Sent(http.MethodPost, "/repos/octocat/Hello-World/issues", "") {
			t.Errorf("sent %v", f.Requests())
		}
	})

	t.Run("trigger", func(t *testing.T) {
		f := contracttest.NewFront(t, prism)
		env := providers.ActionEnv{BaseURL: f.URL}
		creds := map[string]string{"token": token}
		cfg := map[string]any{"owner": "octocat", "repo": "Hello-World", "events": []any{"push", "pull_request"}}
		id, secret, err := trigger.Register(ctx, env, creds, cfg, "https://hooks.example.com/t/trg_1", "s3cr3t-generated", "")
		if err != nil {
			t.Fatal(err)
		}
		if id == "" || secret != "s3cr3t-generated" {
			t.Errorf("register = %q %q", id, secret)
		}
		if err := trigger.Remove(ctx, env, creds, cfg, id); err != nil {
			t.Fatal(err)
		}
		if !f.Sent(http.MethodPost, "/repos/octocat/Hello-World/hooks", "") || !f.Sent(http.MethodDelete, "/repos/octocat/Hello-World/hooks/"+id, "") {
			t.Errorf("sent %v", f.Requests())
		}
	})

	// The check itself: requests the description does not allow are
	// refused, each with Prism's reason.
	t.Run("refused", func(t *testing.T) {
		f := contracttest.NewCollectingFront(t, prism)
		c := NewActionClient(token, f.URL, nil)
		hook := map[string]any{"name": "web", "active": true, "events": []string{"push"},
			"config": map[string]any{"url": "https://hooks.example.com/t", "content_type": "json", "insecure_ssl": "0"}}
		for _, tc := range []struct {
			name, method, path string
			body               any
			want               string
		}{
			{"unknown property", http.MethodPost, "/repos/octocat/Hello-World/hooks", with(hook, "activ", true), "additional properties"},
			{"events not an array", http.MethodPost, "/repos/octocat/Hello-World/hooks", with(hook, "events", "push"), "array"},
			{"issue without a title", http.MethodPost, "/repos/octocat/Hello-World/issues", map[string]any{"body": "x"}, "title"},
			{"issue with a property GitHub would ignore", http.MethodPost, "/repos/octocat/Hello-World/issues",
				map[string]any{"title": "x", "colour": "red"}, "additional properties"},
			{"hook config with a property GitHub would ignore", http.MethodPost, "/repos/octocat/Hello-World/hooks",
				with(hook, "config", map[string]any{"url": "https://hooks.example.com/t", "content_type": "json", "verify": true}), "additional properties"},
			{"hook id not an integer", http.MethodDelete, "/repos/octocat/Hello-World/hooks/abc", nil, "integer"},
			{"path the description lacks", http.MethodGet, "/repos/octocat/Hello-World/hookz", nil, "no path matched"},
		} {
			f.Reset()
			if _, err := c.call(ctx, tc.method, tc.path, tc.body); err == nil {
				t.Errorf("%s: no error", tc.name)
			}
			refused := f.Refusals()
			if len(refused) != 1 || !strings.Contains(strings.ToLower(refused[0]), tc.want) {
				t.Errorf("%s: refusals = %q, want one naming %q", tc.name, refused, tc.want)
			}
		}
	})
}

func with(m map[string]any, k string, v any) map[string]any {
	out := map[string]any{k: v}
	for kk, vv := range m {
		if kk != k {
			out[kk] = vv
		}
	}
	return out
}

func actionByID(t *testing.T, id string) providers.Action {
	t.Helper()
	as := actions()
	i := slices.IndexFunc(as, func(a providers.Action) bool { return a.ID == id })
	if i < 0 {
		t.Fatalf("no action %s", id)
	}
	return as[i]
}

// TestContractGitHubActionSchemas compares the input schemas Patchbay
// publishes for the create_issue action and the repository_events trigger
// with the request bodies of GitHub's description (owner and repo are
// path parameters): whatever a caller's input Patchbay's schema admits
// must be a body the description takes.
func TestContractGitHubActionSchemas(t *testing.T) {
	t.Parallel()
	spec := contracttest.SpecPath(t, contracttest.GitHubSpec)
	for _, tc := range []struct{ name, schema, path string }{
		{"create_issue", actionByID(t, "create_issue").InputSchema, "/repos/{owner}/{repo}/issues"},
		{"repository_events", trigger.InputSchema, "/repos/{owner}/{repo}/hooks"},
	} {
		theirs, resolve, err := contracttest.RequestSchema(spec, http.MethodPost, tc.path, "application/json")
		if err != nil {
			t.Fatal(err)
		}
		var mine map[string]any
		if err := json.Unmarshal([]byte(tc.schema), &mine); err != nil {
			t.Fatal(tc.name, err)
		}
		for _, p := range contracttest.Within(mine, theirs, resolve, "owner", "repo") {
			t.Errorf("%s (POST %s) %s", tc.name, tc.path, p)
		}
	}
}
