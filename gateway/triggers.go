package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/store"
)

// StripeSignatureTolerance is the replay window for Stripe-Signature
// timestamps (the SDKs' default, providers.md §1.4).
const StripeSignatureTolerance = 5 * time.Minute

// Sign returns the X-Patchbay-Signature value for body at t:
// "t=<unix>,v1=<hex HMAC-SHA256(secret, "<unix>.<body>")>".
func Sign(secret string, body []byte, t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(providers.HMACSHA256(secret, []byte(ts), []byte("."), body))
}

// VerifySignature checks an X-Patchbay-Signature header the way a
// receiver should: constant-time, any v1, within tolerance of now.
func VerifySignature(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	return providers.VerifyTimestamped(header, body, secret, now, tolerance)
}

// Trigger is a registered trigger.
type Trigger struct {
	ID        string
	Provider  string
	Trigger   string
	Config    map[string]any
	TargetURL string
	CreatedAt time.Time
}

func randomHex(prefix string, n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("gateway: random: %w", err)
	}
	return prefix + hex.EncodeToString(b), nil
}

func signingSecretName(id string) string  { return "gateway.trigger." + id + ".signing" }
func providerSecretName(id string) string { return "gateway.trigger." + id + ".provider" }

// CreateTrigger registers the provider webhook and returns the trigger with
// the secret deliveries are signed with, shown once.
func (g *Gateway) CreateTrigger(ctx context.Context, p *Principal, provider, trigger string, cfg map[string]any, target string) (tr Trigger, secret string, err error) {
	provider = strings.ToLower(provider)
	var profile string
	defer func() { g.audit(ctx, p.Team, p.KeyID, "CreateTrigger", provider, trigger, profile, err) }()
	comp := lookupComponent(provider, trigger)
	if comp == nil || comp.Kind != KindTrigger {
		return Trigger{}, "", fmt.Errorf("%w: provider %q has no trigger %q", ErrNotFound, provider, trigger)
	}
	gr, ok := p.grant(provider, trigger)
	if !ok {
		return Trigger{}, "", fmt.Errorf("%w: API key %s is not allowed to use %s/%s", ErrPermissionDenied, p.KeyID, provider, trigger)
	}
	profile = gr.Profile
	if cfg == nil {
		cfg = map[string]any{}
	}
	if errs := comp.input.Validate(cfg); len(errs) > 0 {
		return Trigger{}, "", fmt.Errorf("%w: config for %s/%s: %s", ErrInvalidArgument, provider, trigger, strings.Join(errs, "; "))
	}
	if u, err := url.Parse(target); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return Trigger{}, "", fmt.Errorf("%w: target URL must be an absolute http(s) URL without credentials", ErrInvalidArgument)
	}
	if g.cfg.PublicURL == "" {
		return Trigger{}, "", fmt.Errorf("%w: the daemon has no public webhook URL, so %s cannot reach it; start the daemon with a public URL (a tunnel to its loopback port)", ErrNotConfigured, provider)
	}
	creds, err := g.credentials(ctx, provider, profile)
	if err != nil {
		return Trigger{}, "", err
	}
	id, err := randomHex("trg_", 12)
	if err != nil {
		return Trigger{}, "", err
	}
	signing, err := randomHex("pbws_", 32)
	if err != nil {
		return Trigger{}, "", err
	}
	hookSecret, err := randomHex("", 32)
	if err != nil {
		return Trigger{}, "", err
	}
	env := providers.ActionEnv{BaseURL: g.endpoint(provider), HTTP: g.http}
	hookURL := strings.TrimRight(g.cfg.PublicURL, "/") + WebhookPathPrefix + id
	whID, provSecret, err := comp.trigger.Register(ctx, env, creds, cfg, hookURL, hookSecret, id)
	if err != nil {
		return Trigger{}, "", classify(provider, err, creds)
	}
	undo := func() {
		ctx := context.WithoutCancel(ctx)
		if rerr := comp.trigger.Remove(ctx, env, creds, cfg, whID); rerr != nil {
			g.log.Error("gateway: provider webhook left behind after a failed trigger creation", "provider", provider, "webhook", whID, "err", classify(provider, rerr, creds))
		}
		for _, name := range []string{signingSecretName(id), providerSecretName(id)} {
			if derr := g.cfg.Secrets.Delete(ctx, name); derr != nil {
				g.log.Error("gateway: trigger secret left behind after a failed trigger creation", "secret", name, "err", derr)
			}
		}
	}
	if err := g.cfg.Secrets.Put(ctx, providerSecretName(id), provSecret); err != nil {
		undo()
		return Trigger{}, "", fmt.Errorf("saving the %s webhook secret: %w", provider, err)
	}
	if err := g.cfg.Secrets.Put(ctx, signingSecretName(id), signing); err != nil {
		undo()
		return Trigger{}, "", fmt.Errorf("saving the trigger signing secret: %w", err)
	}
	row, err := g.st.CreateAPIKeyTrigger(ctx, store.APIKeyTrigger{ID: id, KeyID: p.KeyID, Provider: provider, Trigger: trigger,
		Config: cfg, TargetURL: target, Profile: profile, ProviderWebhookID: whID})
	if err != nil {
		undo()
		return Trigger{}, "", storeErr(err)
	}
	return toTrigger(row), signing, nil
}

func toTrigger(r store.APIKeyTrigger) Trigger {
	return Trigger{ID: r.ID, Provider: r.Provider, Trigger: r.Trigger, Config: r.Config, TargetURL: r.TargetURL, CreatedAt: r.CreatedAt}
}

// ListTriggers returns the key's triggers.
func (g *Gateway) ListTriggers(ctx context.Context, p *Principal) ([]Trigger, error) {
	rows, err := g.st.ListAPIKeyTriggers(ctx, p.KeyID)
	g.audit(ctx, p.Team, p.KeyID, "ListTriggers", "", "", "", err)
	if err != nil {
		return nil, storeErr(err)
	}
	out := make([]Trigger, 0, len(rows))
	for _, r := range rows {
		out = append(out, toTrigger(r))
	}
	return out, nil
}

// DeleteTrigger removes one of the key's triggers and its provider webhook.
func (g *Gateway) DeleteTrigger(ctx context.Context, p *Principal, id string) (err error) {
	var row store.APIKeyTrigger
	defer func() { g.audit(ctx, p.Team, p.KeyID, "DeleteTrigger", row.Provider, row.Trigger, row.Profile, err) }()
	row, err = g.st.GetAPIKeyTrigger(ctx, id)
	if err != nil || row.KeyID != p.KeyID {
		// Another key's trigger looks exactly like a missing one.
		return fmt.Errorf("%w: trigger %q", ErrNotFound, id)
	}
	return g.removeTrigger(ctx, row)
}

// removeTrigger deletes the provider webhook, then the secrets and the row.
func (g *Gateway) removeTrigger(ctx context.Context, t store.APIKeyTrigger) error {
	comp := lookupComponent(t.Provider, t.Trigger)
	if comp != nil && comp.trigger != nil && t.ProviderWebhookID != "" {
		creds, err := g.credentials(ctx, t.Provider, t.Profile)
		if err != nil {
			return fmt.Errorf("removing the %s webhook of trigger %s: %w", t.Provider, t.ID, err)
		}
		env := providers.ActionEnv{BaseURL: g.endpoint(t.Provider), HTTP: g.http}
		if err := comp.trigger.Remove(ctx, env, creds, t.Config, t.ProviderWebhookID); err != nil {
			return fmt.Errorf("removing the %s webhook of trigger %s: %w", t.Provider, t.ID, classify(t.Provider, err, creds))
		}
	}
	if err := g.st.DeleteAPIKeyTrigger(ctx, t.KeyID, t.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return storeErr(err)
	}
	for _, n := range []string{signingSecretName(t.ID), providerSecretName(t.ID)} {
		if err := g.cfg.Secrets.Delete(ctx, n); err != nil {
			g.log.Warn("gateway: cannot delete a trigger secret", "trigger", t.ID, "err", err)
		}
	}
	return nil
}

// matches reports whether a trigger's configured events include typ.
func matches(cfg map[string]any, typ string) bool {
	evs := providers.Strs(cfg, "events")
	return slices.Contains(evs, "*") || slices.Contains(evs, typ)
}
