package github

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestCreateIssueAndHooks(t *testing.T) {
	t.Parallel()
	var got map[string]any
	var hdr http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr = r.Header.Clone()
		switch {
		case r.Method == "POST" && r.URL.Path == "/repos/acme/api/issues":
			json.NewDecoder(r.Body).Decode(&got)
			w.WriteHeader(201)
			w.Write([]byte(`{"id":1,"number":7,"html_url":"https://github.com/acme/api/issues/7","state":"open"}`))
		case r.Method == "POST" && r.URL.Path == "/repos/acme/api/hooks":
			json.NewDecoder(r.Body).Decode(&got)
			w.WriteHeader(201)
			w.Write([]byte(`{"id":99,"config":{"secret":"********"}}`))
		case r.Method == "DELETE" && r.URL.Path == "/repos/acme/api/hooks/99":
			w.WriteHeader(204)
		default:
			w.WriteHeader(404)
			w.Write([]byte(`{"message":"Not Found","status":"404"}`))
		}
	}))
	defer srv.Close()
	c := NewActionClient("ghp_x", srv.URL, nil)
	ctx := context.Background()
	is, err := c.CreateIssue(ctx, "acme", "api", Issue{Title: "t", Labels: []string{"bug"}})
	if err != nil || is["number"] != float64(7) || got["title"] != "t" {
		t.Fatalf("issue = %v, %v (sent %v)", is, err, got)
	}
	if hdr.Get("X-GitHub-Api-Version") != "2022-11-28" || hdr.Get("Accept") != "application/vnd.github+json" || hdr.Get("User-Agent") == "" {
		t.Fatalf("headers = %v", hdr)
	}
	id, err := c.CreateRepoWebhook(ctx, "acme", "api", "https://t.test/hooks/v1/x", "s3cret", []string{"push"})
	if err != nil || id != 99 {
		t.Fatalf("hook = %d, %v", id, err)
	}
	cfg := got["config"].(map[string]any)
	if cfg["secret"] != "s3cret" || cfg["content_type"] != "json" || got["name"] != "web" {
		t.Fatalf("hook body = %v", got)
	}
	if err := c.DeleteRepoWebhook(ctx, "acme", "api", 99); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteRepoWebhook(ctx, "acme", "api", 5); err != nil {
		t.Fatalf("deleting a missing hook: %v", err)
	}
}

func TestRateLimitIs429(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Ratelimit-Remaining", "0")
		w.WriteHeader(403)
		w.Write([]byte(`{"message":"API rate limit exceeded for user ID 1."}`))
	}))
	defer srv.Close()
	_, err := NewActionClient("ghp_x", srv.URL, nil).CreateIssue(context.Background(), "a", "b", Issue{Title: "t"})
	var ae *ActionError
	if !errors.As(err, &ae) || ae.HTTPStatus() != 429 {
		t.Fatalf("err = %v", err)
	}
}

// TestSecondaryRateLimitIs429: GitHub's secondary rate limits come as 403
// with Retry-After (or only the message); they are a wait, not a refusal.
func TestSecondaryRateLimitIs429(t *testing.T) {
	t.Parallel()
	for name, h := range map[string]func(w http.ResponseWriter){
		"retry-after": func(w http.ResponseWriter) { w.Header().Set("Retry-After", "60") },
		"message":     func(http.ResponseWriter) {},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h(w)
			w.WriteHeader(403)
			w.Write([]byte(`{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}`))
		}))
		_, err := NewActionClient("ghp_x", srv.URL, nil).CreateIssue(context.Background(), "a", "b", Issue{Title: "t"})
		srv.Close()
		var ae *ActionError
		if !errors.As(err, &ae) || ae.HTTPStatus() != 429 {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	// A plain 403 stays a refusal.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(403)
		w.Write([]byte(`{"message":"Resource not accessible by personal access token"}`))
	}))
	defer srv.Close()
	_, err := NewActionClient("ghp_x", srv.URL, nil).CreateIssue(context.Background(), "a", "b", Issue{Title: "t"})
	var ae *ActionError
	if !errors.As(err, &ae) || ae.HTTPStatus() != 403 {
		t.Errorf("plain 403: err = %v", err)
	}
}
