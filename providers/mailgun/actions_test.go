package mailgun

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestSend(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, _ := r.BasicAuth()
		if u != "api" || p != "key-good" {
			w.WriteHeader(401)
			w.Write([]byte("Forbidden"))
			return
		}
		if r.URL.Path != "/v3/mg.x.co/messages" {
			w.WriteHeader(404)
			w.Write([]byte(`{"message":"Domain not found: other"}`))
			return
		}
		r.ParseForm()
		if len(r.PostForm["to"]) != 2 {
			w.WriteHeader(400)
			w.Write([]byte(`{"message":"'to' parameter is missing"}`))
			return
		}
		w.Write([]byte(`{"id":"<1@mg.x.co>","message":"Queued. Thank you."}`))
	}))
	defer srv.Close()
	ctx := context.Background()
	m := Message{From: "a@mg.x.co", To: []string{"b@x.co", "c@x.co"}, Subject: "s", Text: "t"}
	id, msg, err := NewActionClient("key-good", "mg.x.co", "", srv.URL, nil).Send(ctx, m)
	if err != nil || id != "<1@mg.x.co>" || msg != "Queued. Thank you." {
		t.Fatalf("%q %q %v", id, msg, err)
	}
	var ae *ActionError
	if _, _, err := NewActionClient("key-bad", "mg.x.co", "", srv.URL, nil).Send(ctx, m); !errors.As(err, &ae) || ae.Status != 401 {
		t.Fatalf("401: %v", err)
	}
	if _, _, err := NewActionClient("key-good", "other", "", srv.URL, nil).Send(ctx, m); !errors.As(err, &ae) || ae.Status != 404 || ae.Message != "Domain not found: other" {
		t.Fatalf("404: %v", err)
	}
}
