package daemon

import (
	"crypto/subtle"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"connectrpc.com/connect"
)

// guard is the local-security middleware in front of every handler
// (tailscale's localapi shape). It refuses:
//   - requests a browser made: any Origin, Referer, Sec-Fetch-Site or
//     Sec-Fetch-Dest header (a web page must never drive the daemon).
//     Sec-Fetch-Mode alone is not a browser: Node's fetch sends it, and
//     backends call ActionService with it;
//   - on TCP, requests whose Host is not a loopback name (DNS rebinding);
//   - on TCP, requests without the daemon's bearer token, except for the
//     paths listed in apiKeyPrefixes, which authenticate with API keys in
//     their own handlers, and in webhookPrefixes, which check the provider's
//     signature. Webhook paths also skip the Host check: providers reach
//     them through a tunnel whose public name is the Host, and a browser
//     (the only thing DNS rebinding can drive) is still refused by its
//     Origin header.
//
// The Unix socket (0600) is protected by file permissions, so it needs no
// token.
type guard struct {
	token           string
	requireToken    bool
	checkHost       bool
	apiKeyPrefixes  []string
	webhookPrefixes []string
	errw            *connect.ErrorWriter
	log             *slog.Logger // nil: refusals that cannot be written go unlogged
}

var (
	errBrowser      = errors.New("requests from web browsers are not allowed: the daemon refuses any request with an Origin, Referer, Sec-Fetch-Site or Sec-Fetch-Dest header")
	errMissingToken = errors.New("missing bearer token: send \"Authorization: Bearer <token>\" with the token from daemon.json")
	errWrongToken   = errors.New("invalid bearer token: read the current token from daemon.json (it changes every time the daemon starts)")
)

func (g *guard) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := g.check(r); err != nil {
			g.refuse(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (g *guard) check(r *http.Request) *connect.Error {
	if fromBrowser(r.Header) {
		return connect.NewError(connect.CodePermissionDenied, errBrowser)
	}
	webhook := hasAnyPrefix(r.URL.Path, g.webhookPrefixes)
	if g.checkHost && !webhook && !isLoopbackHost(r.Host) {
		return connect.NewError(connect.CodePermissionDenied,
			errors.New("host "+quote(r.Host)+" is not a loopback address; the daemon only answers to localhost, 127.0.0.1 and [::1]"))
	}
	if !g.requireToken || webhook || hasAnyPrefix(r.URL.Path, g.apiKeyPrefixes) {
		return nil
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return connect.NewError(connect.CodeUnauthenticated, errMissingToken)
	}
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(tok), []byte(g.token)) != 1 {
		return connect.NewError(connect.CodeUnauthenticated, errWrongToken)
	}
	return nil
}

func hasAnyPrefix(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// refuse answers in the protocol the client speaks (Connect, gRPC or
// gRPC-Web) so every client gets a proper status code; anything else gets a
// plain HTTP status.
func (g *guard) refuse(w http.ResponseWriter, r *http.Request, err *connect.Error) {
	if g.errw.IsSupported(r) {
		if werr := g.errw.Write(w, r, err); werr != nil && g.log != nil {
			g.log.Debug("refusal not delivered: the client went away", "path", r.URL.Path, "err", werr)
		}
		return
	}
	status := http.StatusForbidden
	if err.Code() == connect.CodeUnauthenticated {
		status = http.StatusUnauthorized
	}
	http.Error(w, err.Message(), status)
}

// fromBrowser reports headers only browsers send. Browsers add Origin to
// every cross-origin request and to every POST, and Sec-Fetch-Site and
// Sec-Fetch-Dest to every request from a trustworthy origin (localhost
// included).
func fromBrowser(h http.Header) bool {
	for _, k := range []string{"Origin", "Referer", "Sec-Fetch-Site", "Sec-Fetch-Dest"} {
		if h.Get(k) != "" {
			return true
		}
	}
	return false
}

// isLoopbackHost reports whether a Host header names this machine's loopback
// interface. Names other than "localhost" are refused even when they resolve
// to 127.0.0.1: that is exactly what a DNS-rebinding attack looks like.
func isLoopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func quote(s string) string {
	if len(s) > 100 {
		s = s[:100] + "…"
	}
	return "\"" + s + "\""
}
