// Package contracttest checks the requests Patchbay's provider clients send
// against the providers' own published API descriptions. A test points a
// client at a Front, a loopback proxy that forwards every request to a
// spec-validating mock — the official stripe-mock, or Stoplight Prism
// serving a description from npm (@octokit/openapi, @netlify/open-api) —
// and fails the test with the mock's message when the mock refuses the
// request. The mocks answer from the descriptions' examples, so a contract
// test proves the requests (and that Patchbay decodes the documented
// answers), not the providers' behaviour. docs/providers.md, "Contract
// tests", says how to run them and what each covers.
package contracttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

// A Judge reads the mock's answer to one request and returns why the
// mock refused it, or "" when it did not.
type Judge func(status int, h http.Header, body []byte) string

// StripeMock judges stripe-mock's answers: stripe-mock validates each
// request's form or query parameters against the OpenAPI description it
// embeds (its request bodies and query parameters are closed objects) and
// answers any parameter the description does not have, or one of the wrong
// type or enum value, with a 400 in Stripe's error envelope. Any 4xx is a
// refusal, and its message is the test's.
func StripeMock(status int, _ http.Header, body []byte) string {
	if status < 400 {
		return ""
	}
	var env struct {
		Error struct {
			Type    string `json:"type"`
			Message string `json:"message"`
			Param   string `json:"param"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &env) == nil && env.Error.Message != "" {
		msg := fmt.Sprintf("stripe-mock %d %s: %s", status, env.Error.Type, env.Error.Message)
		if env.Error.Param != "" {
			msg += " (param " + env.Error.Param + ")"
		}
		return msg
	}
	return fmt.Sprintf("stripe-mock %d: %s", status, bytes.TrimSpace(body))
}

// Prism judges Stoplight Prism's answers in mock mode. A request the
// description refuses is answered 422 with the violations in the
// sl-violations header (with the description's own 422 example as the
// body, where it has one), and an unknown path or method, or missing
// security, as application/problem+json (404, 405, 401)
// (https://docs.stoplight.io/docs/prism/9528b5a8272c0-request-validation,
// https://docs.stoplight.io/docs/prism/f10ff3e3bb7be-prism-errors). Either
// is a refusal. Violations located in the response are Prism checking
// its own answer, made from the description's example, against the
// description's schema (GitHub's repository example lacks a required
// "language", say): those concern the description, not the request, and
// are no refusal.
func Prism(status int, h http.Header, body []byte) string {
	var parts []string
	if raw := h.Get("sl-violations"); raw != "" {
		var vs []violation
		if err := json.Unmarshal([]byte(raw), &vs); err != nil {
			parts = append(parts, "sl-violations: "+raw)
		}
		for _, v := range vs {
			if len(v.Location) == 0 || v.Location[0] != "response" {
				parts = append(parts, v.String())
			}
		}
		if len(parts) > 0 {
			parts = append([]string{fmt.Sprintf("prism %d", status)}, parts...)
		}
	}
	if status >= 400 && strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") {
		var p struct {
			Title      string      `json:"title"`
			Detail     string      `json:"detail"`
			Validation []violation `json:"validation"`
		}
		if json.Unmarshal(body, &p) == nil {
			msg := fmt.Sprintf("prism %d %s", status, p.Title)
			if p.Detail != "" {
				msg += ": " + p.Detail
			}
			for _, v := range p.Validation {
				msg += "; " + v.String()
			}
			parts = append(parts, msg)
		} else {
			parts = append(parts, fmt.Sprintf("prism %d: %s", status, bytes.TrimSpace(body)))
		}
	}
	return strings.Join(parts, "; ")
}

// violation is one entry of Prism's sl-violations header or of a
// problem's validation list.
type violation struct {
	Location []string `json:"location"`
	Severity string   `json:"severity"`
	Code     any      `json:"code"`
	Message  string   `json:"message"`
}

func (v violation) String() string {
	return fmt.Sprintf("%s at %s: %s", v.Severity, strings.Join(v.Location, "."), v.Message)
}

// Request is one request that went through a Front, with the mock's
// verdict.
type Request struct {
	Method string
	// Path is the URL path, Query its raw query.
	Path, Query string
	Header      http.Header
	Body        []byte
	Status      int
	// Refusal is the Judge's reason, "" when the mock accepted it.
	Refusal string
}

func (r Request) String() string {
	s := r.Method + " " + r.Path
	if r.Query != "" {
		s += "?" + r.Query
	}
	return s
}

// Mock is a spec-validating mock server a Front forwards to.
type Mock struct {
	// URL is the mock's base URL.
	URL string
	// Judge reads its answers (StripeMock, Prism).
	Judge Judge
	// Prepare, when set, adjusts each request before it goes to the mock
	// (a header the mock would misread, say); what the client sent is
	// what is recorded.
	Prepare func(*http.Request)
	// Rewrite, when set, may change an accepted answer before the client
	// sees it (to make a list answer say there is another page, say).
	Rewrite func(r Request, body []byte) []byte
}

// Front is a loopback proxy in front of a Mock.
type Front struct {
	// URL is the base URL to give the client under test.
	URL string

	t       testing.TB
	mock    Mock
	collect bool

	mu       sync.Mutex
	requests []Request
}

// NewFront starts a Front for the life of t forwarding to m. Every request
// the mock refuses fails t with the mock's message.
func NewFront(t testing.TB, m Mock) *Front {
	return newFront(t, m, false)
}

// NewCollectingFront is a Front that records refusals instead of failing
// t: for tests that show a request the description does not allow is
// refused.
func NewCollectingFront(t testing.TB, m Mock) *Front {
	return newFront(t, m, true)
}

func newFront(t testing.TB, m Mock, collect bool) *Front {
	t.Helper()
	m.URL = strings.TrimRight(m.URL, "/")
	f := &Front{t: t, mock: m, collect: collect}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

func (f *Front) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	target := f.mock.URL + r.URL.Path
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, target, bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	out.Header = r.Header.Clone()
	out.Header.Del("Accept-Encoding") // read the mock's answer as it is
	if f.mock.Prepare != nil {
		f.mock.Prepare(out)
	}
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		f.record(Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body,
			Refusal: "mock unreachable: " + err.Error()})
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	rec := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body,
		Status: resp.StatusCode, Refusal: f.mock.Judge(resp.StatusCode, resp.Header, answer)}
	if f.mock.Rewrite != nil && rec.Refusal == "" {
		answer = f.mock.Rewrite(rec, answer)
	}
	f.record(rec)
	for k, vs := range resp.Header {
		if k == "Content-Length" {
			continue
		}
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(answer)
}

func (f *Front) record(r Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r)
	f.mu.Unlock()
	if r.Refusal != "" && !f.collect {
		msg := r.Refusal
		if len(r.Body) > 0 {
			msg += "\n  body: " + string(r.Body)
		}
		f.t.Errorf("the description refuses %s: %s", r, msg)
	}
}

// Requests returns every request so far, in order.
func (f *Front) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

// Refusals returns the refusals so far.
func (f *Front) Refusals() []string {
	var out []string
	for _, r := range f.Requests() {
		if r.Refusal != "" {
			out = append(out, r.String()+": "+r.Refusal)
		}
	}
	return out
}

// Reset forgets the requests so far.
func (f *Front) Reset() {
	f.mu.Lock()
	f.requests = nil
	f.mu.Unlock()
}

// Sent reports whether a request with this method and path went through
// (and, when query is not "", whose raw query contains it).
func (f *Front) Sent(method, path, query string) bool {
	for _, r := range f.Requests() {
		if r.Method == method && r.Path == path && strings.Contains(r.Query, query) {
			return true
		}
	}
	return false
}
