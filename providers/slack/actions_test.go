package slack

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const hook = "https://hooks.slack.com/services/T000/B000/verysecretwebhookpart"

func TestPostMessageOverrideKeepsPath(t *testing.T) {
	t.Parallel()
	var path string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path = r.URL.Path
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	c, err := NewActionClient(hook, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.PostMessage(context.Background(), "hi", nil); err != nil {
		t.Fatal(err)
	}
	if path != "/services/T000/B000/verysecretwebhookpart" {
		t.Fatalf("path = %q", path)
	}
}

func TestPostMessageErrorsNeverShowTheURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		body   string
	}{{404, "no_service"}, {403, "invalid_token"}, {410, "channel_is_archived"}, {429, "rate_limited"}}
	for _, tc := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tc.status)
			w.Write([]byte(tc.body))
		}))
		c, _ := NewActionClient(hook, srv.URL, nil)
		err := c.PostMessage(context.Background(), "hi", nil)
		srv.Close()
		var ae *ActionError
		if !errors.As(err, &ae) || ae.Status != tc.status || ae.Code != tc.body {
			t.Errorf("%d: err = %v", tc.status, err)
		}
		if strings.Contains(err.Error(), "verysecret") {
			t.Errorf("%d: error shows the webhook URL", tc.status)
		}
	}
	// Transport failure: the url.Error would print the URL.
	c, _ := NewActionClient(hook, "http://127.0.0.1:1", nil)
	err := c.PostMessage(context.Background(), "hi", nil)
	if err == nil || strings.Contains(err.Error(), "verysecret") {
		t.Fatalf("transport error = %v", err)
	}
}

func TestNewActionClientRefusesOtherURLs(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"", "not a url", "https://example.com/hook"} {
		if _, err := NewActionClient(u, "", nil); err == nil {
			t.Errorf("accepted %q", u)
		}
	}
}
