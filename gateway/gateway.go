// Package gateway is the domain behind API keys: managing keys (hashed
// tokens, grants per provider, team namespaces), authenticating runtime
// calls, running provider actions with a key's chosen connection, and
// triggers whose provider webhooks are verified on the way in and delivered
// to the caller with Patchbay's own HMAC signature.
//
// The gateway never hands provider credentials to callers: it fetches them
// from Credentials for each call and keeps them inside the provider client.
package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/patchbay-dev/patchbay/store"
)

// ConnectionChecker tells whether a provider credential profile can be used
// right now (exists, is valid, not expired, has the permissions Patchbay
// needs). reason is a human sentence without secrets.
type ConnectionChecker interface {
	Check(ctx context.Context, provider, profile string) (ok bool, reason string, err error)
}

// Credentials returns the fields of a saved credential profile (field name
// to value, e.g. "secret_key" for Stripe). A missing profile is an error
// wrapping ErrNoCredentials.
type Credentials interface {
	Get(ctx context.Context, provider, profile string) (map[string]string, error)
}

// ErrNoCredentials is what Credentials implementations return for a
// profile that does not exist.
var ErrNoCredentials = errors.New("no saved credentials")

// SecretStore keeps the secrets triggers need (the signing secret Patchbay
// uses towards the caller, the provider's webhook secret) outside the state
// database.
type SecretStore interface {
	Put(ctx context.Context, name, value string) error
	Get(ctx context.Context, name string) (string, error)
	Delete(ctx context.Context, name string) error
}

// Config builds a Gateway.
type Config struct {
	Store       *store.Store
	Credentials Credentials
	// Checker vets the connection a key is saved with; nil means a check
	// that the profile's credentials can be read.
	Checker ConnectionChecker
	Secrets SecretStore
	Logger  *slog.Logger
	Now     func() time.Time
	// HTTPClient makes provider calls and deliveries; nil means a client
	// with a 30 s timeout.
	HTTPClient *http.Client
	// Endpoints override provider base URLs by upper-case provider id
	// ("STRIPE"); they win over PATCHBAY_ENDPOINT_<PROVIDER>.
	Endpoints map[string]string
	Getenv    func(string) string
	// PublicURL is the base URL at which providers reach the daemon's
	// webhook route (a tunnel to the loopback listener). Triggers that
	// register provider webhooks need it; "" reads PATCHBAY_PUBLIC_URL.
	PublicURL string
	// DefaultRateLimit is the per-minute budget of keys that set none.
	DefaultRateLimit int
	Delivery         DeliveryOptions
}

// DefaultRateLimitPerMinute applies when neither the key nor Config sets one.
const DefaultRateLimitPerMinute = 600

// PublicURLEnv names the variable that supplies Config.PublicURL.
const PublicURLEnv = "PATCHBAY_PUBLIC_URL"

// WebhookPathPrefix is the daemon route providers post trigger events to:
// WebhookPathPrefix + <trigger id>.
const WebhookPathPrefix = "/hooks/v1/"

// Gateway is safe for concurrent use.
type Gateway struct {
	cfg     Config
	st      *store.Store
	log     *slog.Logger
	now     func() time.Time
	http    *http.Client
	limiter *limiter
	deliver *deliverer
	idem    *idemCache

	touchMu sync.Mutex
	touched map[string]time.Time // key id → last last_used_at write
}

// New prepares the schema and starts the delivery workers; Close stops them.
func New(ctx context.Context, cfg Config) (*Gateway, error) {
	if cfg.Store == nil {
		return nil, errors.New("gateway: Config.Store is required")
	}
	if cfg.Credentials == nil {
		return nil, errors.New("gateway: Config.Credentials is required")
	}
	if cfg.Secrets == nil {
		return nil, errors.New("gateway: Config.Secrets is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Getenv == nil {
		cfg.Getenv = os.Getenv
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = cfg.Getenv(PublicURLEnv)
	}
	if cfg.DefaultRateLimit <= 0 {
		cfg.DefaultRateLimit = DefaultRateLimitPerMinute
	}
	if cfg.Checker == nil {
		cfg.Checker = readableChecker{cfg.Credentials}
	}
	g := &Gateway{
		cfg:     cfg,
		st:      cfg.Store,
		log:     cfg.Logger,
		now:     cfg.Now,
		http:    cfg.HTTPClient,
		limiter: newLimiter(cfg.Now),
		touched: map[string]time.Time{},
		idem:    newIdemCache(cfg.Now),
	}
	// Starting the deliverer resumes whatever the outbox holds from a
	// previous run, including one that was killed.
	d, err := newDeliverer(g, cfg.Delivery, cfg.HTTPClient, cfg.Logger, cfg.Now)
	if err != nil {
		return nil, err
	}
	g.deliver = d
	return g, nil
}

// Close stops the delivery workers: attempts in flight are cancelled and
// their deliveries stay in the outbox for the next start.
func (g *Gateway) Close() { g.deliver.close() }

// endpoint resolves a provider's base URL override: Config.Endpoints, then
// PATCHBAY_ENDPOINT_<PROVIDER>; "" means the provider's default.
func (g *Gateway) endpoint(provider string) string {
	key := strings.ToUpper(provider)
	if u := g.cfg.Endpoints[key]; u != "" {
		return strings.TrimRight(u, "/")
	}
	return strings.TrimRight(g.cfg.Getenv("PATCHBAY_ENDPOINT_"+key), "/")
}

// readableChecker accepts a profile whose credentials can be read.
type readableChecker struct{ c Credentials }

func (r readableChecker) Check(ctx context.Context, provider, profile string) (bool, string, error) {
	creds, err := r.c.Get(ctx, provider, profile)
	if errors.Is(err, ErrNoCredentials) {
		return false, fmt.Sprintf("no %s credentials are saved under profile %q", provider, profile), nil
	}
	if err != nil {
		return false, "", err
	}
	if len(creds) == 0 {
		return false, fmt.Sprintf("the %s credentials under profile %q are empty", provider, profile), nil
	}
	return true, "", nil
}

// MemorySecrets is a SecretStore in memory, for tests and for running
// before a keyring is configured (trigger secrets are then lost on restart).
type MemorySecrets struct {
	mu sync.Mutex
	m  map[string]string
}

func (m *MemorySecrets) Put(_ context.Context, name, value string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]string{}
	}
	m.m[name] = value
	return nil
}

func (m *MemorySecrets) Get(_ context.Context, name string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[name]
	if !ok {
		return "", fmt.Errorf("secret %q: %w", name, ErrNotFound)
	}
	return v, nil
}

func (m *MemorySecrets) Delete(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, name)
	return nil
}
