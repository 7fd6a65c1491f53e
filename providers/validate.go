package providers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// DefaultTimeout bounds one validation call. Validation runs while a user
// waits on a form, so a hung provider must turn into a diagnosis quickly.
const DefaultTimeout = 15 * time.Second

// maxBody caps how much of a provider response is read; validation answers
// are small and a misbehaving proxy must not exhaust memory.
const maxBody = 1 << 20

// Env carries what live checks need from the outside world. The zero value
// uses the real endpoints, os.Getenv and a client with DefaultTimeout.
type Env struct {
	// HTTPClient makes the calls; nil means a client with DefaultTimeout.
	HTTPClient *http.Client
	// Endpoints override base URLs by key ("STRIPE" -> "http://127.0.0.1:12111").
	// They win over PATCHBAY_ENDPOINT_<KEY>, which wins over the default.
	Endpoints map[string]string
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	Now    func() time.Time
	// Logger receives debug lines without secrets; nil discards them.
	Logger *slog.Logger
}

// EndpointEnvPrefix is the prefix of the variables that override provider
// base URLs.
const EndpointEnvPrefix = "PATCHBAY_ENDPOINT_"

// BaseURL resolves the base URL for key, without a trailing slash.
func (e *Env) BaseURL(key, def string) string {
	if u, ok := e.Override(key); ok {
		return u
	}
	return def
}

// Override returns the configured override for key, if any.
func (e *Env) Override(key string) (string, bool) {
	if e != nil {
		if u := e.Endpoints[key]; u != "" {
			return strings.TrimRight(u, "/"), true
		}
	}
	get := os.Getenv
	if e != nil && e.Getenv != nil {
		get = e.Getenv
	}
	if u := get(EndpointEnvPrefix + key); u != "" {
		return strings.TrimRight(u, "/"), true
	}
	return "", false
}

// Client returns the HTTP client to use.
func (e *Env) Client() *http.Client {
	if e != nil && e.HTTPClient != nil {
		return e.HTTPClient
	}
	return &http.Client{Timeout: DefaultTimeout}
}

func (e *Env) now() time.Time {
	if e != nil && e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Env) log() *slog.Logger {
	if e != nil && e.Logger != nil {
		return e.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// Caller performs validation calls for one provider and turns failures that
// look the same everywhere (network, timeouts, 5xx, 429) into diagnoses.
type Caller struct {
	Env *Env
	// Name is the provider's display name, for messages.
	Name string
	// StatusPage is where to look during an outage.
	StatusPage string
}

// Response is a read provider response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends req. When the result is a diagnosis that needs no provider
// knowledge (transport failure, 5xx, 429), it is returned as the second
// value and the response is nil. Every other status is left to the caller.
func (c Caller) Do(req *http.Request) (*Response, *CheckResult) {
	log := c.Env.log()
	start := time.Now()
	resp, err := c.Env.Client().Do(req)
	if err != nil {
		// The url.Error would print the whole URL, which for some
		// providers (Slack) is the secret; only the host is named.
		log.Debug("validation call failed", "provider", c.Name, "host", req.URL.Host, "kind", transportKind(err))
		r := c.networkResult(req, err)
		return nil, &r
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		r := c.networkResult(req, err)
		return nil, &r
	}
	log.Debug("validation call", "provider", c.Name, "method", req.Method, "host", req.URL.Host,
		"path", redactPath(req.URL.Path), "status", resp.StatusCode, "elapsed", time.Since(start).Round(time.Millisecond))
	out := &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		r := c.RateLimited(resp.Header)
		return nil, &r
	case resp.StatusCode >= 500:
		r := c.Outage(resp.StatusCode)
		return nil, &r
	}
	return out, nil
}

// RateLimited is the diagnosis for a rate-limit answer.
func (c Caller) RateLimited(h http.Header) CheckResult {
	wait := RetryAfter(h, c.Env.now())
	r := CheckResult{Status: StatusRateLimited, RetryAfter: wait,
		Summary: fmt.Sprintf("%s is rate-limiting these credentials; nothing is known to be wrong with them.", c.Name)}
	if wait > 0 {
		r.Fix = fmt.Sprintf("Wait %s and check again; if it keeps happening, another tool may be using the same credentials heavily.", wait)
	} else {
		r.Fix = "Wait a minute and check again; if it keeps happening, another tool may be using the same credentials heavily."
	}
	return r
}

// Outage is the diagnosis for a provider-side error.
func (c Caller) Outage(status int) CheckResult {
	fix := "This is on the provider's side; try again in a few minutes."
	if c.StatusPage != "" {
		fix = fmt.Sprintf("This is on the provider's side; check %s and try again in a few minutes.", c.StatusPage)
	}
	return CheckResult{Status: StatusOutage, Fix: fix,
		Summary: fmt.Sprintf("%s answered with a server error (HTTP %d), so the credentials could not be checked.", c.Name, status)}
}

func (c Caller) networkResult(req *http.Request, err error) CheckResult {
	host := req.URL.Host
	r := CheckResult{Status: StatusNetwork}
	switch transportKind(err) {
	case "timeout":
		r.Summary = fmt.Sprintf("%s (%s) did not answer in time.", c.Name, host)
		r.Fix = "Check your network connection, VPN or proxy, then try again."
	case "dns":
		r.Summary = fmt.Sprintf("The address of %s (%s) could not be resolved.", c.Name, host)
		r.Fix = "Check your network connection and DNS; if you set a PATCHBAY_ENDPOINT_ override, check its host name."
	case "refused":
		r.Summary = fmt.Sprintf("%s (%s) refused the connection.", c.Name, host)
		r.Fix = "Check your proxy or firewall; if you set a PATCHBAY_ENDPOINT_ override, check that the server runs."
	case "tls":
		r.Summary = fmt.Sprintf("The TLS connection to %s (%s) failed.", c.Name, host)
		r.Fix = "A proxy may be intercepting HTTPS; check its certificate is trusted."
	case "canceled":
		r.Summary = fmt.Sprintf("The check against %s was canceled.", c.Name)
		r.Fix = "Run the check again."
	default:
		r.Summary = fmt.Sprintf("%s (%s) could not be reached.", c.Name, host)
		r.Fix = "Check your network connection, VPN or proxy, then try again."
	}
	return r
}

func transportKind(err error) string {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var netErr net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.As(err, &dnsErr):
		return "dns"
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return "refused"
	case strings.Contains(err.Error(), "tls:") || strings.Contains(err.Error(), "x509:"):
		return "tls"
	}
	return "other"
}

// redactPath keeps the first two path segments: later ones can hold
// secrets (the Slack webhook token) or account ids.
func redactPath(p string) string {
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if len(parts) > 2 {
		return "/" + strings.Join(parts[:2], "/") + "/…"
	}
	return p
}

// RetryAfter reads Retry-After (seconds or an HTTP date) and, failing that,
// the common X-RateLimit-Reset / RateLimit-Reset epoch headers.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	if v := h.Get("Retry-After"); v != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
			return time.Duration(n) * time.Second
		}
		if t, err := http.ParseTime(v); err == nil && t.After(now) {
			return t.Sub(now).Round(time.Second)
		}
	}
	// X-Rate-Limit-Reset is Okta's (epoch seconds, no Retry-After).
	for _, k := range []string{"X-RateLimit-Reset", "RateLimit-Reset", "X-Ratelimit-Reset", "X-Rate-Limit-Reset"} {
		if v := h.Get(k); v != "" {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				if n > 1_000_000_000 { // epoch seconds
					if d := time.Unix(n, 0).Sub(now); d > 0 {
						return d.Round(time.Second)
					}
					return 0
				}
				return time.Duration(n) * time.Second
			}
		}
	}
	return 0
}

// NewRequest builds a request bound to ctx; building fails only on a bad
// override URL, which is reported as a diagnosis naming the variable.
func (c Caller) NewRequest(ctx context.Context, method, url string, body io.Reader) (*http.Request, *CheckResult) {
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return nil, &CheckResult{Status: StatusMalformed,
			Summary: fmt.Sprintf("The %s endpoint URL is not valid.", c.Name),
			Fix:     "Check the " + EndpointEnvPrefix + "* override for this provider."}
	}
	req.Header.Set("User-Agent", "patchbay")
	return req, nil
}

// Unexpected is the diagnosis for an answer the provider's documentation
// does not describe.
func (c Caller) Unexpected(status int) CheckResult {
	return CheckResult{Status: StatusUnknown,
		Summary: fmt.Sprintf("%s answered HTTP %d, which Patchbay does not know how to interpret.", c.Name, status),
		Fix:     "Try again; if it persists, check the provider's status page and your credentials in its console."}
}

// BaseURLAny resolves the first override among keys, else def. Providers
// with several hosts use a specific key first ("AZURE_LOGIN") and the
// provider key ("AZURE") second, so one fake can stand in for all hosts.
func (e *Env) BaseURLAny(def string, keys ...string) string {
	for _, k := range keys {
		if u, ok := e.Override(k); ok {
			return u
		}
	}
	return def
}

// ActionTimeout bounds one provider call made for an API-key action.
const ActionTimeout = 30 * time.Second

// ClientBase resolves a provider client's base URL, without a trailing
// slash: base when the caller set one, else PATCHBAY_ENDPOINT_<key>, else def.
func ClientBase(base, key, def string) string {
	if base != "" {
		return strings.TrimRight(base, "/")
	}
	var env *Env
	return env.BaseURL(key, def)
}

// ActionHTTP returns hc, or a client bounded by ActionTimeout.
func ActionHTTP(hc *http.Client) *http.Client {
	if hc != nil {
		return hc
	}
	return &http.Client{Timeout: ActionTimeout}
}
