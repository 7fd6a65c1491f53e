package providers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// This file is the one transport provider clients share: endpoint
// resolution (PATCHBAY_ENDPOINT_<KEY>), Retry-After in both of its forms,
// the 429/5xx retry policy, idempotency keys, and one error type that
// callers match with errors.As (the engine and the gateway through its
// Retryable, RetryAfter, Definitive and HTTPStatus methods).

// HTTPError is a provider's refusal or failure, in one shape for every
// provider.
type HTTPError struct {
	// Provider is the provider id the message starts with ("stripe").
	Provider string
	Status   int
	// Type, Code, Message and Param are what the provider's error envelope
	// says, where it has them.
	Type, Code, Message, Param string
	// ShouldRetry is the provider's own verdict when it sends one
	// (Stripe-Should-Retry); nil means 429 and 5xx are retried.
	ShouldRetry *bool
	// Wait is what the provider asked to wait (Retry-After).
	Wait time.Duration
	// Indefinite are 4xx statuses after which the outcome of a write is
	// unknown (Stripe's 409 for a concurrent idempotent request).
	Indefinite []int
}

func (e *HTTPError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	parts := []string{fmt.Sprintf("%s: %d", e.Provider, e.Status)}
	if e.Type != "" {
		parts = append(parts, e.Type)
	}
	if e.Code != "" {
		parts = append(parts, e.Code)
	}
	s := strings.Join(parts, " ") + ": " + msg
	if e.Param != "" {
		s += " (param " + e.Param + ")"
	}
	return s
}

// HTTPStatus lets callers classify the failure without knowing the
// provider.
func (e *HTTPError) HTTPStatus() int { return e.Status }

// Retryable follows the provider's verdict when it gave one, else retries
// 429 and 5xx.
func (e *HTTPError) Retryable() bool {
	if e.ShouldRetry != nil {
		return *e.ShouldRetry
	}
	return e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// RetryAfter is the wait the provider asked for (0: back off).
func (e *HTTPError) RetryAfter() time.Duration { return e.Wait }

// Definitive is true when the provider refused the request, so a write
// changed nothing.
func (e *HTTPError) Definitive() bool {
	return e.Status >= 400 && e.Status < 500 && e.Status != http.StatusTooManyRequests && !slices.Contains(e.Indefinite, e.Status)
}

// Endpoint is a provider client's base URL: an explicit one (a test's
// fake) wins, then PATCHBAY_ENDPOINT_<key> through env (nil: the process
// environment), then def.
func Endpoint(explicit, key, def string, env *Env) string {
	if explicit != "" {
		return strings.TrimRight(explicit, "/")
	}
	return env.BaseURL(key, def)
}

// Transport sends one provider's requests.
type Transport struct {
	// Provider names the provider in errors ("okta").
	Provider string
	BaseURL  string
	HTTP     *http.Client
	// Header is added to every request (authorization, API version).
	Header http.Header
	// IdempotencyHeader names the provider's idempotency-key header
	// ("Idempotency-Key"); empty when it has none.
	IdempotencyHeader string
	// Decode fills an error's Type, Code, Message and Param from the
	// provider's error body.
	Decode func(e *HTTPError, body []byte)
	// Retries is how many times a retryable failure (HTTPError.Retryable,
	// or a network error on an idempotent request) is retried.
	Retries int
	// Backoff is the first wait when the provider names none; it doubles.
	Backoff time.Duration
	// MaxWait caps any single wait.
	MaxWait time.Duration
	// Now is the clock for HTTP-date Retry-After values (nil: time.Now).
	Now func() time.Time
	// MaxResponse caps how much of a body is read (default 4 MiB).
	MaxResponse int64
}

// Request is one call.
type Request struct {
	Method, Path string
	Query        url.Values
	// Body is sent with ContentType.
	Body        []byte
	ContentType string
	// IdempotencyKey is sent in the provider's idempotency header; a
	// request that has one is safe to repeat.
	IdempotencyKey string
}

// Do sends r, retrying what the policy allows, and returns the status and
// body of a 2xx answer; anything else is an *HTTPError (or the transport's
// error, which names the method and path but never credentials).
func (t *Transport) Do(ctx context.Context, r Request) (int, []byte, error) {
	wait := t.Backoff
	for attempt := 0; ; attempt++ {
		status, body, err := t.once(ctx, r)
		if err == nil {
			return status, body, nil
		}
		if attempt >= t.Retries || !t.retry(r, err) {
			return status, body, err
		}
		d := wait
		if he, ok := err.(*HTTPError); ok && he.Wait > 0 {
			d = he.Wait
		} else if d > 0 {
			// Jitter keeps concurrent clients from retrying in step.
			d += time.Duration(rand.Int64N(int64(d)/2 + 1))
		}
		if t.MaxWait > 0 && d > t.MaxWait {
			d = t.MaxWait
		}
		timer := time.NewTimer(d)
		select {
		case <-ctx.Done():
			timer.Stop()
			return status, body, err
		case <-timer.C:
		}
		wait *= 2
	}
}

// retry: rate limits and server errors the provider marks retryable; a
// network failure only for requests that are safe to repeat.
func (t *Transport) retry(r Request, err error) bool {
	if he, ok := err.(*HTTPError); ok {
		return he.Retryable()
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete:
		return true
	}
	return r.IdempotencyKey != ""
}

func (t *Transport) once(ctx context.Context, r Request) (int, []byte, error) {
	u := strings.TrimRight(t.BaseURL, "/") + r.Path
	if len(r.Query) > 0 {
		u += "?" + r.Query.Encode()
	}
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u, body)
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %s %s: %w", t.Provider, r.Method, r.Path, err)
	}
	for k, vs := range t.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if r.Body != nil && r.ContentType != "" {
		req.Header.Set("Content-Type", r.ContentType)
	}
	if r.IdempotencyKey != "" && t.IdempotencyHeader != "" {
		req.Header.Set(t.IdempotencyHeader, r.IdempotencyKey)
	}
	hc := t.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	resp, err := hc.Do(req)
	if err != nil {
		// A url.Error names the URL (our base, never a key); keep only the
		// operation and cause.
		if ue, ok := err.(*url.Error); ok {
			err = fmt.Errorf("%s: %w", ue.Op, ue.Err)
		}
		return 0, nil, fmt.Errorf("%s: %s %s: %w", t.Provider, r.Method, r.Path, err)
	}
	defer resp.Body.Close()
	limit := t.MaxResponse
	if limit <= 0 {
		limit = 4 << 20
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("%s: %s %s: read response: %w", t.Provider, r.Method, r.Path, err)
	}
	if resp.StatusCode >= 300 {
		now := time.Now
		if t.Now != nil {
			now = t.Now
		}
		e := &HTTPError{Provider: t.Provider, Status: resp.StatusCode, Wait: RetryAfter(resp.Header, now())}
		if t.Decode != nil {
			t.Decode(e, raw)
		}
		return resp.StatusCode, raw, e
	}
	return resp.StatusCode, raw, nil
}
