package sendgrid

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestSendMail(t *testing.T) {
	t.Parallel()
	var body map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer SG.good" {
			w.WriteHeader(401)
			w.Write([]byte(`{"errors":[{"field":null,"message":"authorization required"}]}`))
			return
		}
		json.NewDecoder(r.Body).Decode(&body)
		w.Header().Set("X-Message-Id", "msg-1")
		w.WriteHeader(202)
	}))
	defer srv.Close()
	ctx := context.Background()
	id, err := NewActionClient("SG.good", "", srv.URL, nil).SendMail(ctx, Mail{From: "a@x.co", To: []string{"b@x.co"}, Subject: "s", Text: "t", HTML: "<b>t</b>"})
	if err != nil || id != "msg-1" {
		t.Fatalf("id = %q, %v", id, err)
	}
	content := body["content"].([]any)
	if len(content) != 2 || content[0].(map[string]any)["type"] != "text/plain" {
		t.Fatalf("content = %v", content)
	}
	_, err = NewActionClient("SG.bad", "", srv.URL, nil).SendMail(ctx, Mail{From: "a@x.co", To: []string{"b@x.co"}, Subject: "s", Text: "t"})
	var ae *ActionError
	if !errors.As(err, &ae) || ae.Status != 401 || ae.Messages[0] != "authorization required" {
		t.Fatalf("err = %v", err)
	}
}

func TestRegionEndpoints(t *testing.T) {
	t.Setenv("PATCHBAY_ENDPOINT_SENDGRID", "")
	t.Setenv("PATCHBAY_ENDPOINT_SENDGRID_EU", "http://eu.fake")
	if c := NewActionClient("k", "eu", "", nil); c.BaseURL != "http://eu.fake" {
		t.Fatalf("eu override: %q", c.BaseURL)
	}
	if c := NewActionClient("k", "", "", nil); c.BaseURL != "https://api.sendgrid.com" {
		t.Fatalf("default: %q", c.BaseURL)
	}
}
