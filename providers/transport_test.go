package providers

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestRetryAfterBothForms(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		header string
		want   time.Duration
	}{
		{"7", 7 * time.Second},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{"soon", 0},
		{"", 0},
	} {
		h := http.Header{}
		if tc.header != "" {
			h.Set("Retry-After", tc.header)
		}
		if got := RetryAfter(h, now); got != tc.want {
			t.Errorf("Retry-After %q = %v, want %v", tc.header, got, tc.want)
		}
	}
}

func TestTransportRetriesRateLimitsAndSendsIdempotencyKey(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Idempotency-Key") != "k1" {
			t.Errorf("idempotency key = %q", r.Header.Get("Idempotency-Key"))
		}
		if calls.Add(1) < 3 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	tr := &Transport{Provider: "fake", BaseURL: srv.URL, IdempotencyHeader: "Idempotency-Key", Retries: 3, Backoff: time.Millisecond}
	status, body, err := tr.Do(context.Background(), Request{Method: http.MethodPost, Path: "/x", Body: []byte(`{}`), ContentType: "application/json", IdempotencyKey: "k1"})
	if err != nil || status != 200 || string(body) != `{"ok":true}` || calls.Load() != 3 {
		t.Fatalf("status %d body %s err %v after %d calls", status, body, err, calls.Load())
	}
}

func TestTransportRefusalIsOneErrorType(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"errorSummary":"bad"}`))
	}))
	defer srv.Close()
	tr := &Transport{Provider: "fake", BaseURL: srv.URL, Retries: 3, Decode: func(e *HTTPError, b []byte) { e.Message = string(b) }}
	_, _, err := tr.Do(context.Background(), Request{Method: http.MethodGet, Path: "/y"})
	var he *HTTPError
	if !errors.As(err, &he) || he.HTTPStatus() != 400 || !he.Definitive() || he.Retryable() || calls.Load() != 1 {
		t.Fatalf("err = %v after %d calls", err, calls.Load())
	}
}
