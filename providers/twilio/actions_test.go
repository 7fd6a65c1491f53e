package twilio

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestSendSMS(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, _ := r.BasicAuth()
		if r.URL.Path != "/2010-04-01/Accounts/AC1/Messages.json" || u != "AC1" || p != "tok" {
			w.WriteHeader(401)
			w.Write([]byte(`{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`))
			return
		}
		r.ParseForm()
		if r.PostForm.Get("To") != "+15005550006" || r.PostForm.Get("MessagingServiceSid") != "MG1" {
			w.WriteHeader(400)
			w.Write([]byte(`{"code":21211,"message":"Invalid 'To' Phone Number","status":400}`))
			return
		}
		w.WriteHeader(201)
		w.Write([]byte(`{"sid":"SM1","status":"queued"}`))
	}))
	defer srv.Close()
	ctx := context.Background()
	msg, err := NewActionClient("AC1", "AC1", "tok", srv.URL, nil).SendSMS(ctx, SMS{To: "+15005550006", MessagingServiceSID: "MG1", Body: "x"})
	if err != nil || msg["sid"] != "SM1" {
		t.Fatalf("msg = %v, %v", msg, err)
	}
	_, err = NewActionClient("AC1", "AC1", "wrong", srv.URL, nil).SendSMS(ctx, SMS{To: "+1", Body: "x"})
	var ae *ActionError
	if !errors.As(err, &ae) || ae.Status != 401 || ae.Code != 20003 {
		t.Fatalf("err = %v", err)
	}
}
