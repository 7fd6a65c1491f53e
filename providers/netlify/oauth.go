package netlify

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/patchbay-dev/patchbay/providers"
)

// Flow is one authorization-code flow through the system browser with a
// loopback redirect (providers.md §9.2 A). A state value defeats forged
// callbacks; a PKCE challenge is sent too, which Netlify may ignore.
type Flow struct {
	// URL is what the browser must open.
	URL string
	// State identifies the flow; it is not a secret once the browser has it.
	State string

	verifier    string
	redirectURI string
	clientID    string
	secret      string
	tokenURL    string
	env         *providers.Env

	ln     net.Listener
	srv    *http.Server
	once   sync.Once
	result chan flowResult
}

type flowResult struct {
	token string
	err   error
}

// Errors of the flow.
var (
	ErrDenied  = errors.New("netlify: the authorization was denied in the browser")
	ErrTimeout = errors.New("netlify: the authorization was not completed in time")
)

// StartOAuth listens on the loopback redirect port and returns the flow;
// the caller opens Flow.URL in a browser and calls Wait.
func StartOAuth(v providers.Values, env *providers.Env) (*Flow, error) {
	port := v["redirect_port"]
	if port == "" {
		port = DefaultRedirectPort
	}
	if _, err := strconv.Atoi(port); err != nil {
		return nil, &providers.FieldError{Field: "redirect_port", Message: "The redirect port is not a number."}
	}
	if v["client_id"] == "" || v["client_secret"] == "" {
		return nil, &providers.FieldError{Field: "client_id", Message: "The OAuth application's client ID and secret are needed to connect."}
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		return nil, fmt.Errorf("netlify: cannot listen on the redirect port %s (is another connection in progress?): %w", port, err)
	}
	f := &Flow{
		State:       randomString(32),
		verifier:    randomString(48),
		redirectURI: "http://" + ln.Addr().String() + "/callback",
		clientID:    v["client_id"],
		secret:      v["client_secret"],
		tokenURL:    env.BaseURL("NETLIFY", DefaultBaseURL) + "/oauth/token",
		env:         env,
		ln:          ln,
		result:      make(chan flowResult, 1),
	}
	challenge := sha256.Sum256([]byte(f.verifier))
	q := url.Values{
		"client_id":             {f.clientID},
		"response_type":         {"code"},
		"redirect_uri":          {f.redirectURI},
		"state":                 {f.State},
		"code_challenge":        {base64.RawURLEncoding.EncodeToString(challenge[:])},
		"code_challenge_method": {"S256"},
	}
	f.URL = env.BaseURL("NETLIFY_APP", DefaultAppURL) + "/authorize?" + q.Encode()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /callback", f.callback)
	f.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = f.srv.Serve(ln) }()
	return f, nil
}

// RedirectURI is the loopback URI the flow listens on.
func (f *Flow) RedirectURI() string { return f.redirectURI }

// Wait returns the access token once the browser comes back, or an error
// on denial, timeout or cancellation. The listener is closed either way.
func (f *Flow) Wait(ctx context.Context, timeout time.Duration) (string, error) {
	defer f.Close()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-f.result:
		return r.token, r.err
	case <-timer.C:
		return "", ErrTimeout
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Close stops listening.
func (f *Flow) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = f.srv.Shutdown(ctx)
}

func (f *Flow) finish(r flowResult) {
	f.once.Do(func() { f.result <- r })
}

func (f *Flow) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	// A callback without the right state is not ours (or is forged); it
	// is refused without ending the flow.
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(f.State)) != 1 {
		http.Error(w, "This authorization response does not belong to a Patchbay sign-in in progress.", http.StatusBadRequest)
		return
	}
	if e := q.Get("error"); e != "" {
		page(w, http.StatusOK, "Netlify authorization was not granted. You can close this tab.")
		f.finish(flowResult{err: ErrDenied})
		return
	}
	code := q.Get("code")
	if code == "" {
		http.Error(w, "The authorization response has no code.", http.StatusBadRequest)
		return
	}
	tok, err := f.exchange(r.Context(), code)
	if err != nil {
		page(w, http.StatusBadGateway, "Patchbay could not complete the Netlify sign-in. Return to your editor for details.")
		f.finish(flowResult{err: err})
		return
	}
	page(w, http.StatusOK, "Patchbay is connected to Netlify. You can close this tab.")
	f.finish(flowResult{token: tok})
}

func (f *Flow) exchange(ctx context.Context, code string) (string, error) {
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"client_id":     {f.clientID},
		"client_secret": {f.secret},
		"redirect_uri":  {f.redirectURI},
		"code_verifier": {f.verifier},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", errors.New("netlify: bad token endpoint URL")
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := f.env.Client().Do(req)
	if err != nil {
		// The transport error names the URL only, which holds no secret.
		return "", fmt.Errorf("netlify: token exchange failed: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(body, &e)
		return "", fmt.Errorf("netlify: token exchange answered HTTP %d (%s); check the OAuth application's secret and redirect URI", resp.StatusCode, e.Error)
	}
	var t struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &t); err != nil || t.AccessToken == "" {
		return "", errors.New("netlify: token exchange returned no access token")
	}
	return t.AccessToken, nil
}

func page(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html><title>Patchbay</title><p>%s</p>", msg)
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
