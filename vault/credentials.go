package vault

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/patchbay-dev/patchbay/providers"
)

// DefaultProfile is the profile name used when none is given.
const DefaultProfile = "default"

// Events receives what the credential domain wants the editor to know. The
// daemon turns these into event-stream messages. Implementations must not
// block.
type Events interface {
	CredentialsChanged(provider, profile string, deleted bool)
	RequestOpened(r Request)
	RequestClosed(id, outcome string)
}

// Catalog looks providers up by id.
type Catalog func(id string) (providers.Provider, bool)

// Config builds a Credentials service.
type Config struct {
	Store   *Store
	Catalog Catalog
	// All lists every provider, for the catalogue.
	All func() []providers.Provider
	// Env is passed to every live check (endpoint overrides, HTTP client).
	Env    *providers.Env
	Events Events
	Logger *slog.Logger
	// RequestTimeout bounds how long a flow waits for the editor; 10
	// minutes by default.
	RequestTimeout time.Duration
	// OAuthTimeout bounds a browser sign-in; 5 minutes by default.
	OAuthTimeout time.Duration
	// OpenBrowser, when set, opens OAuth URLs in the system browser; the
	// daemon leaves it nil and lets the editor or CLI open the URL.
	OpenBrowser func(url string) error
	Now         func() time.Time
}

// Credentials is the credential domain: catalogue, saving with live
// checks, masked listings, deletion, credential requests and OAuth.
type Credentials struct {
	cfg Config
	log *slog.Logger

	mu       sync.Mutex
	requests map[string]*pending
	oauth    map[string]bool // provider/profile with a sign-in running
	events   Events
}

// New returns the service.
func New(cfg Config) *Credentials {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Events == nil {
		cfg.Events = noEvents{}
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 10 * time.Minute
	}
	if cfg.OAuthTimeout == 0 {
		cfg.OAuthTimeout = 5 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Env == nil {
		cfg.Env = &providers.Env{}
	}
	if cfg.Env.Logger == nil {
		cfg.Env.Logger = cfg.Logger
	}
	return &Credentials{cfg: cfg, log: cfg.Logger, requests: map[string]*pending{}, oauth: map[string]bool{}, events: cfg.Events}
}

// SetEvents replaces the event sink; the daemon calls it once it exists,
// since the service is built before the daemon.
func (c *Credentials) SetEvents(e Events) {
	if e == nil {
		e = noEvents{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = e
}

func (c *Credentials) ev() Events {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.events
}

type noEvents struct{}

func (noEvents) CredentialsChanged(string, string, bool) {}
func (noEvents) RequestOpened(Request)                   {}
func (noEvents) RequestClosed(string, string)            {}

// Store returns the underlying keyring store.
func (c *Credentials) Store() *Store { return c.cfg.Store }

// Providers returns the providers Patchbay can hold credentials for.
func (c *Credentials) Providers() []providers.Provider {
	var out []providers.Provider
	for _, p := range c.cfg.All() {
		if p.Credentials != nil {
			out = append(out, p)
		}
	}
	return out
}

func (c *Credentials) spec(provider string) (providers.Provider, error) {
	p, ok := c.cfg.Catalog(provider)
	if !ok || p.Credentials == nil {
		return providers.Provider{}, fmt.Errorf("vault: %q: %w", provider, ErrUnknownProvider)
	}
	return p, nil
}

func profileName(p string) string {
	if p == "" {
		return DefaultProfile
	}
	return p
}

// Summary is a profile as it may be shown: masked hints, never values.
type Summary struct {
	Provider  string
	Profile   string
	Hints     map[string]string
	LastCheck *providers.CheckResult
	UpdatedAt time.Time
	// Damaged: the profile's keyring item cannot be read; LastCheck says
	// so and how to fix it.
	Damaged bool
}

// DamagedSummary starts the check summary of a damaged profile.
const DamagedSummary = "The stored credentials are damaged and cannot be read"

// damagedCheck is the check result a damaged profile is listed with.
func damagedCheck(provider, profile string, now time.Time) providers.CheckResult {
	return providers.CheckResult{Status: providers.StatusMalformed, CheckedAt: now,
		Summary: DamagedSummary + " (an empty or cut-off keyring item, or one written with another passphrase); other profiles are not affected.",
		Fix:     strings.ToUpper(DamagedFix(provider, profile)[:1]) + DamagedFix(provider, profile)[1:] + "."}
}

func (c *Credentials) summarize(p Profile) Summary {
	if p.Damaged {
		r := damagedCheck(p.Provider, p.Name, c.cfg.Now())
		return Summary{Provider: p.Provider, Profile: p.Name, Hints: map[string]string{}, LastCheck: &r, Damaged: true}
	}
	s := Summary{Provider: p.Provider, Profile: p.Name, LastCheck: p.LastCheck, UpdatedAt: p.UpdatedAt, Hints: map[string]string{}}
	if prov, ok := c.cfg.Catalog(p.Provider); ok && prov.Credentials != nil {
		s.Hints = prov.Credentials.Hints(p.Values)
	}
	return s
}

// List returns the saved profiles (of one provider when given) with masked
// hints only.
func (c *Credentials) List(_ context.Context, provider string) ([]Summary, error) {
	profiles, err := c.cfg.Store.List(provider)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, 0, len(profiles))
	for _, p := range profiles {
		out = append(out, c.summarize(p))
	}
	return out, nil
}

// Values returns a profile's values for use by Patchbay itself (the engine
// and gateway); they must never be sent to a client.
func (c *Credentials) Values(_ context.Context, provider, profile string) (providers.Values, error) {
	p, err := c.cfg.Store.Get(provider, profileName(profile))
	if err != nil {
		return nil, err
	}
	return p.Values, nil
}

// SaveInput is a save request.
type SaveInput struct {
	Provider string
	Profile  string
	Values   providers.Values
	// Force saves even when the live check fails.
	Force bool
	// Merge keeps stored values for fields left empty.
	Merge bool
}

// SaveResult tells what happened; Saved is false when the check failed
// and Force was not set.
type SaveResult struct {
	Summary Summary
	Check   providers.CheckResult
	Saved   bool
}

// Save checks the values live and stores them when they pass (or when
// forced). Nothing invalid is stored unless forced.
func (c *Credentials) Save(ctx context.Context, in SaveInput) (SaveResult, error) {
	prov, err := c.spec(in.Provider)
	if err != nil {
		return SaveResult{}, err
	}
	name := profileName(in.Profile)
	if err := ValidName("profile", name); err != nil {
		return SaveResult{}, err
	}
	values := in.Values.Clone()
	if in.Merge {
		old, err := c.cfg.Store.Get(in.Provider, name)
		switch {
		case err == nil:
			for k, v := range old.Values {
				if values[k] == "" {
					values[k] = v
				}
			}
		case errors.Is(err, ErrDamaged):
			// Nothing to keep: the new values replace the damaged item.
			c.log.Warn("replacing damaged credentials", "provider", in.Provider, "profile", name)
		case !errors.Is(err, ErrNotFound):
			return SaveResult{}, err
		}
	}
	spec := prov.Credentials
	check := spec.Check(ctx, values, c.cfg.Env)
	c.log.Info("credentials checked", "provider", in.Provider, "profile", name, "status", check.Status.String())
	acceptable := check.OK() || check.Status == providers.StatusUnknown && spec.Validator == nil
	if !acceptable && !in.Force {
		return SaveResult{Check: check, Summary: Summary{Provider: in.Provider, Profile: name}}, nil
	}
	prepared, bad := spec.Prepare(values)
	if bad != nil {
		// Even forced saves need well-formed values: a malformed value can
		// never work and would only hide the real problem later.
		return SaveResult{Check: check, Summary: Summary{Provider: in.Provider, Profile: name}}, nil
	}
	p := Profile{Provider: in.Provider, Name: name, Values: prepared, UpdatedAt: c.cfg.Now().UTC(), LastCheck: &check}
	if err := c.cfg.Store.Put(p); err != nil {
		return SaveResult{}, err
	}
	c.log.Info("credentials saved", "provider", in.Provider, "profile", name, "forced", in.Force && !acceptable)
	c.ev().CredentialsChanged(in.Provider, name, false)
	c.resolve(in.Provider, name, prepared)
	return SaveResult{Summary: c.summarize(p), Check: check, Saved: true}, nil
}

// Check validates the given values (merged over the stored profile), or
// the stored profile when values is empty; only the latter records the
// result on the stored profile.
func (c *Credentials) Check(ctx context.Context, provider, profile string, values providers.Values) (providers.CheckResult, error) {
	prov, err := c.spec(provider)
	if err != nil {
		return providers.CheckResult{}, err
	}
	name := profileName(profile)
	p, err := c.cfg.Store.Get(provider, name)
	if len(values) > 0 {
		// Unsaved values from an update form: fields left empty mean "keep
		// the saved value", as Save with Merge does.
		v := values.Clone()
		if err == nil {
			for k, x := range p.Values {
				if v[k] == "" {
					v[k] = x
				}
			}
		} else if !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrDamaged) {
			return providers.CheckResult{}, err
		}
		return prov.Credentials.Check(ctx, v, c.cfg.Env), nil
	}
	if errors.Is(err, ErrNotFound) {
		return providers.CheckResult{Status: providers.StatusMissing, CheckedAt: c.cfg.Now(),
			Summary: fmt.Sprintf("No %s credentials are saved under profile %q.", prov.DisplayName, name),
			Fix:     fmt.Sprintf("Add them with `patchbay creds set %s --profile %s` or from the editor.", provider, name)}, nil
	}
	if errors.Is(err, ErrDamaged) {
		return damagedCheck(provider, name, c.cfg.Now()), nil
	}
	if err != nil {
		return providers.CheckResult{}, err
	}
	res := prov.Credentials.Check(ctx, p.Values, c.cfg.Env)
	c.log.Info("credentials checked", "provider", provider, "profile", name, "status", res.Status.String())
	p.LastCheck = &res
	if err := c.cfg.Store.Put(p); err != nil {
		c.log.Warn("could not record the check result", "provider", provider, "profile", name, "err", err)
	}
	return res, nil
}

// Delete removes a profile.
func (c *Credentials) Delete(_ context.Context, provider, profile string) error {
	if _, err := c.spec(provider); err != nil {
		return err
	}
	name := profileName(profile)
	if err := c.cfg.Store.Delete(provider, name); err != nil {
		return err
	}
	c.log.Info("credentials deleted", "provider", provider, "profile", name)
	c.ev().CredentialsChanged(provider, name, true)
	return nil
}

// Profiles returns the profile names saved for provider, sorted.
func (c *Credentials) Profiles(provider string) ([]string, error) {
	ps, err := c.cfg.Store.List(provider)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.Name)
	}
	sort.Strings(out)
	return out, nil
}
