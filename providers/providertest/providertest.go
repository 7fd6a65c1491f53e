// Package providertest is the base of the in-repo provider fakes
// (providers/<name>/<name>test). A fake is an httptest server with an
// exported mux that any package can add routes to, a request log, and fault
// injection that answers in the provider's own error shapes.
package providertest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/patchbay-dev/patchbay/providers"
)

// FaultKind is a failure the fake can be told to produce.
type FaultKind int

// The faults every fake supports. Each provider fake renders them in its
// provider's documented error shape.
const (
	Unauthorized FaultKind = iota + 1
	Forbidden
	Expired
	RateLimited
	Outage
	// Timeout holds the request open until the client gives up.
	Timeout
)

func (k FaultKind) String() string {
	return [...]string{"none", "unauthorized", "forbidden", "expired", "rate_limited", "outage", "timeout"}[k]
}

// Fault makes matching requests fail.
type Fault struct {
	Kind FaultKind
	// Path restricts the fault to request paths with this prefix; empty
	// matches every request.
	Path string
	// Times is how many requests fail; 0 means until cleared.
	Times int
	// RetryAfter is sent with RateLimited faults.
	RetryAfter time.Duration
}

// ErrorWriter writes a fault in a provider's error shape. Outage and
// Timeout are handled by the base unless the writer wants to override them.
type ErrorWriter func(w http.ResponseWriter, r *http.Request, f Fault)

// Request is one request the fake received (headers included, body not).
type Request struct {
	Method string
	Path   string
	Query  string
	Header http.Header
}

// Server is a provider fake.
type Server struct {
	// Mux routes requests that no fault intercepts. Provider fakes and
	// other packages (provisioning) register routes on it.
	Mux *http.ServeMux
	// URL is the base URL to use as the provider endpoint.
	URL string

	srv    *httptest.Server
	errors ErrorWriter
	closed chan struct{}

	mu       sync.Mutex
	faults   []*Fault
	requests []Request

	changeMu    sync.Mutex
	changes     int
	afterChange func(n int)
}

// T is what fakes need from their owner: *testing.T and *testing.B
// satisfy it, and so does Process for fakes run outside tests.
type T interface {
	Helper()
	Cleanup(func())
	Fatal(args ...any)
}

// Process owns fakes started outside a test (a demo, an editor end-to-end
// run); Close stops them.
type Process struct {
	mu       sync.Mutex
	cleanups []func()
}

// Helper implements T.
func (*Process) Helper() {}

// Cleanup implements T.
func (p *Process) Cleanup(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cleanups = append(p.cleanups, f)
}

// Fatal implements T by panicking: outside a test there is nobody to
// report to but the process itself.
func (*Process) Fatal(args ...any) { panic(fmt.Sprint(args...)) }

// Close runs the cleanups, last first.
func (p *Process) Close() {
	p.mu.Lock()
	fs := p.cleanups
	p.cleanups = nil
	p.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

// New starts a fake that writes injected faults with errs and stops when
// its owner cleans up (the end of the test).
func New(tb T, errs ErrorWriter) *Server {
	tb.Helper()
	s := Start(errs)
	tb.Cleanup(s.Close)
	return s
}

// Start starts a fake without an owner. Call Close when done.
func Start(errs ErrorWriter) *Server {
	s := &Server{Mux: http.NewServeMux(), errors: errs, closed: make(chan struct{})}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the fake, releasing requests held by Timeout faults.
func (s *Server) Close() {
	select {
	case <-s.closed:
	default:
		close(s.closed)
	}
	s.srv.Close()
}

// Handle registers a route on the mux (Go 1.22 patterns: "GET /v1/account").
func (s *Server) Handle(pattern string, h http.HandlerFunc) { s.Mux.HandleFunc(pattern, h) }

// Inject adds a fault.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// SetAfterChange installs fn (nil removes it). Stateful fakes call it
// through Changed after a request changed their state and before the answer
// is written, still holding their own lock: a crash test kills the client
// there, so the provider has acted but the client never hears of it.
func (s *Server) SetAfterChange(fn func(n int)) {
	s.changeMu.Lock()
	defer s.changeMu.Unlock()
	s.afterChange = fn
}

// Changed counts one state change and runs the AfterChange hook with the
// running count.
func (s *Server) Changed() {
	s.changeMu.Lock()
	defer s.changeMu.Unlock()
	s.changes++
	if s.afterChange != nil {
		s.afterChange(s.changes)
	}
}

// Count is how many requests with this method and path the fake received.
func (s *Server) Count(method, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone()})
	f := s.takeFault(r.URL.Path)
	s.mu.Unlock()
	if f == nil {
		s.Mux.ServeHTTP(w, r)
		return
	}
	switch f.Kind {
	case Timeout:
		select {
		case <-r.Context().Done():
		case <-s.closed:
		case <-time.After(time.Minute):
		}
		return
	case RateLimited:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", formatSeconds(f.RetryAfter))
		}
	}
	if s.errors != nil {
		s.errors(w, r, *f)
		return
	}
	DefaultErrors(w, r, *f)
}

// takeFault returns the first matching fault and consumes one use of it.
func (s *Server) takeFault(path string) *Fault {
	for i, f := range s.faults {
		if f.Path != "" && !strings.HasPrefix(path, f.Path) {
			continue
		}
		out := *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
		}
		return &out
	}
	return nil
}

// DefaultErrors writes plain JSON errors with the fault's conventional
// status; provider fakes use it for kinds they have no special shape for.
func DefaultErrors(w http.ResponseWriter, _ *http.Request, f Fault) {
	WriteJSON(w, StatusOf(f.Kind), map[string]string{"error": f.Kind.String()})
}

// StatusOf is the usual HTTP status for a fault.
func StatusOf(k FaultKind) int {
	switch k {
	case Unauthorized, Expired:
		return http.StatusUnauthorized
	case Forbidden:
		return http.StatusForbidden
	case RateLimited:
		return http.StatusTooManyRequests
	default:
		return http.StatusServiceUnavailable
	}
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func formatSeconds(d time.Duration) string {
	n := int(d.Round(time.Second) / time.Second)
	if n < 1 {
		n = 1
	}
	return strconv.Itoa(n)
}

// Env returns a validation Env that sends the given endpoint keys to the
// fake and gives up after timeout (0 means one second, to keep Timeout
// fault tests fast).
func (s *Server) Env(timeout time.Duration, keys ...string) *providers.Env {
	if timeout == 0 {
		timeout = time.Second
	}
	eps := map[string]string{}
	for _, k := range keys {
		eps[k] = s.URL
	}
	return &providers.Env{
		HTTPClient: &http.Client{Timeout: timeout},
		Endpoints:  eps,
		Getenv:     func(string) string { return "" },
	}
}

// EndpointEnv names the variable overriding a provider endpoint key.
func EndpointEnv(key string) string { return providers.EndpointEnvPrefix + key }

// Errorer is the part of testing.TB that CheckCalls reports through.
type Errorer interface {
	Helper()
	Errorf(format string, args ...any)
}

// CheckCalls checks that the requests a fake recorded are exactly what a
// provider's table of calls declares: every request ("METHOD /path")
// matches a declared call, and every declared call was made. name is the
// table's name in messages ("stripe.Calls").
func CheckCalls(t Errorer, name string, calls providers.APICalls, reqs []Request) {
	t.Helper()
	used := map[string]bool{}
	for _, r := range reqs {
		c, ok := calls.Match(r.Method + " " + r.Path)
		if !ok {
			t.Errorf("%s %s is not declared in %s (declare it with what it needs)", r.Method, r.Path, name)
			continue
		}
		used[c.Op] = true
	}
	for _, c := range calls {
		if !used[c.Op] {
			t.Errorf("%s declares %s, which no code made", name, c.Op)
		}
	}
}
