package hooks_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/daemon/hooks"
	"github.com/patchbay-dev/patchbay/gateway"
)

// stub records what the adapter passed on and answers as told.
type stub struct {
	receipt gateway.EventReceipt
	err     error

	calls  int
	id     string
	header http.Header
	body   []byte
}

func (s *stub) ReceiveTriggerEvent(_ context.Context, id string, h http.Header, body []byte) (gateway.EventReceipt, error) {
	s.calls++
	s.id, s.header, s.body = id, h, body
	return s.receipt, s.err
}

func serve(h http.Handler, method string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, gateway.WebhookPathPrefix+"trg_abc", bytes.NewReader(body))
	req.Header.Set("Stripe-Signature", "t=1,v1=00")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestHandlerPassesTheDeliveryOn(t *testing.T) {
	s := &stub{receipt: gateway.EventQueued}
	rec := serve(hooks.Handler(s), http.MethodPost, []byte(`{"id":"evt_1"}`))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	if s.calls != 1 || s.id != "trg_abc" || string(s.body) != `{"id":"evt_1"}` || s.header.Get("Stripe-Signature") != "t=1,v1=00" {
		t.Fatalf("gateway got %d calls, id %q, body %q, headers %v", s.calls, s.id, s.body, s.header)
	}
}

func TestHandlerStatuses(t *testing.T) {
	cases := []struct {
		name       string
		receipt    gateway.EventReceipt
		err        error
		status     int
		text       string
		retryAfter string
	}{
		{"queued", gateway.EventQueued, nil, 200, "", ""},
		{"duplicate", gateway.EventDuplicate, nil, 200, "", ""},
		{"ignored", gateway.EventIgnored, nil, 200, "", ""},
		{"key expired", gateway.EventKeyExpired, nil, 200, "", ""},
		{"unknown trigger", 0, fmt.Errorf("%w: trigger", gateway.ErrNotFound), 404, "unknown trigger", ""},
		{"bad signature", 0, fmt.Errorf("%w: sig", gateway.ErrUnauthenticated), 400, "signature verification failed", ""},
		{"not JSON", 0, fmt.Errorf("%w: body", gateway.ErrInvalidArgument), 400, "event body is not JSON", ""},
		{"no secret", 0, fmt.Errorf("%w: x", gateway.ErrSecretUnavailable), 500, "trigger secret unavailable", ""},
		{"queue full", 0, gateway.ErrQueueFull, 503, "delivery queue full", "60"},
		{"store failed", 0, errors.New("store: disk I/O error"), 503, "event not stored", ""},
	}
	for _, c := range cases {
		rec := serve(hooks.Handler(&stub{receipt: c.receipt, err: c.err}), http.MethodPost, []byte(`{}`))
		if rec.Code != c.status || strings.TrimSpace(rec.Body.String()) != c.text || rec.Header().Get("Retry-After") != c.retryAfter {
			t.Errorf("%s: %d %q Retry-After %q, want %d %q %q", c.name, rec.Code, rec.Body.String(), rec.Header().Get("Retry-After"), c.status, c.text, c.retryAfter)
		}
	}
}

func TestHandlerRefusesBeforeTheGateway(t *testing.T) {
	s := &stub{receipt: gateway.EventQueued}
	h := hooks.Handler(s)
	if rec := serve(h, http.MethodGet, nil); rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != http.MethodPost {
		t.Errorf("GET: %d, Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	if rec := serve(h, http.MethodPost, bytes.Repeat([]byte("x"), gateway.MaxEventBody+1)); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("body over the limit: %d", rec.Code)
	}
	if s.calls != 0 {
		t.Fatalf("the gateway saw %d refused requests", s.calls)
	}
	if rec := serve(h, http.MethodPost, bytes.Repeat([]byte("x"), gateway.MaxEventBody)); rec.Code != http.StatusOK || len(s.body) != gateway.MaxEventBody {
		t.Errorf("body at the limit: %d, gateway got %d bytes", rec.Code, len(s.body))
	}
}
