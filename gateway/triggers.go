package gateway

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/patchbay-dev/patchbay/providers/github"
	"github.com/patchbay-dev/patchbay/providers/stripe"
	"github.com/patchbay-dev/patchbay/store"
)

// triggerDef is the provider side of a trigger.
type triggerDef struct {
	// register creates the provider webhook pointing at hookURL. secret is
	// one Patchbay generated, for providers that let the caller choose it;
	// providers that choose their own return it.
	register func(ctx context.Context, env *callEnv, creds map[string]string, cfg map[string]any, hookURL, secret, idem string) (webhookID, providerSecret string, err error)
	remove   func(ctx context.Context, env *callEnv, creds map[string]string, cfg map[string]any, webhookID string) error
	// verify checks an inbound delivery's signature against the provider
	// secret and returns the event's type and id.
	verify func(h http.Header, body []byte, secret string, now time.Time) (eventType, eventID string, err error)
}

// StripeSignatureTolerance is the replay window for Stripe-Signature
// timestamps (the SDKs' default, providers.md §1.4).
const StripeSignatureTolerance = 5 * time.Minute

var stripeTrigger = &triggerDef{
	register: func(ctx context.Context, env *callEnv, creds map[string]string, cfg map[string]any, hookURL, _, idem string) (string, string, error) {
		key, err := field(creds, "stripe", stripeKeyField)
		if err != nil {
			return "", "", err
		}
		c := stripe.NewActionClient(key, env.base, env.http)
		id, secret, err := c.CreateWebhookEndpoint(ctx, hookURL, strs(cfg, "events"), map[string]string{"created_by": "patchbay"}, idem)
		if err != nil {
			return "", "", err
		}
		if secret == "" {
			// Without whsec_ no delivery could ever be verified; undo.
			_ = c.DeleteWebhookEndpoint(context.WithoutCancel(ctx), id)
			return "", "", fmt.Errorf("%w: stripe returned the webhook endpoint without its signing secret", ErrProvider)
		}
		return id, secret, nil
	},
	remove: func(ctx context.Context, env *callEnv, creds map[string]string, _ map[string]any, id string) error {
		key, err := field(creds, "stripe", stripeKeyField)
		if err != nil {
			return err
		}
		return stripe.NewActionClient(key, env.base, env.http).DeleteWebhookEndpoint(ctx, id)
	},
	verify: func(h http.Header, body []byte, secret string, now time.Time) (string, string, error) {
		if err := verifyTimestamped(h.Get("Stripe-Signature"), body, secret, now, StripeSignatureTolerance); err != nil {
			return "", "", fmt.Errorf("Stripe-Signature: %w", err)
		}
		var ev struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		}
		if err := json.Unmarshal(body, &ev); err != nil || ev.Type == "" {
			return "", "", errors.New("body is not a Stripe event")
		}
		return ev.Type, ev.ID, nil
	},
}

var githubTrigger = &triggerDef{
	register: func(ctx context.Context, env *callEnv, creds map[string]string, cfg map[string]any, hookURL, secret, _ string) (string, string, error) {
		tok, err := field(creds, "github", githubTokenField)
		if err != nil {
			return "", "", err
		}
		c := github.NewActionClient(tok, env.base, env.http)
		id, err := c.CreateRepoWebhook(ctx, str(cfg, "owner"), str(cfg, "repo"), hookURL, secret, strs(cfg, "events"))
		if err != nil {
			return "", "", err
		}
		return strconv.FormatInt(id, 10), secret, nil
	},
	remove: func(ctx context.Context, env *callEnv, creds map[string]string, cfg map[string]any, id string) error {
		tok, err := field(creds, "github", githubTokenField)
		if err != nil {
			return err
		}
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return fmt.Errorf("github webhook id %q: %w", id, err)
		}
		return github.NewActionClient(tok, env.base, env.http).DeleteRepoWebhook(ctx, str(cfg, "owner"), str(cfg, "repo"), n)
	},
	verify: func(h http.Header, body []byte, secret string, _ time.Time) (string, string, error) {
		sig, ok := strings.CutPrefix(h.Get("X-Hub-Signature-256"), "sha256=")
		if !ok {
			return "", "", errors.New("X-Hub-Signature-256: missing")
		}
		got, err := hex.DecodeString(sig)
		if err != nil || !hmac.Equal(got, hmacSHA256(secret, body)) {
			return "", "", errors.New("X-Hub-Signature-256: no valid signature")
		}
		typ := h.Get("X-GitHub-Event")
		if typ == "" {
			return "", "", errors.New("X-GitHub-Event: missing")
		}
		return typ, h.Get("X-GitHub-Delivery"), nil
	},
}

func hmacSHA256(key string, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, []byte(key))
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

// verifyTimestamped checks a "t=<unix>,v1=<hex>[,v1=...]" header over
// "<t>.<body>", the scheme Stripe uses and Patchbay's own deliveries copy.
func verifyTimestamped(header string, body []byte, secret string, now time.Time, tolerance time.Duration) error {
	if header == "" {
		return errors.New("missing")
	}
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return errors.New("malformed header")
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			if b, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, b)
			}
		}
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("malformed header: no timestamp")
	}
	if len(sigs) == 0 {
		return errors.New("no v1 signature")
	}
	want := hmacSHA256(secret, []byte(ts), []byte("."), body)
	valid := false
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			valid = true
		}
	}
	if !valid {
		return errors.New("no valid signature")
	}
	if d := now.Sub(time.Unix(t, 0)); d > tolerance || d < -tolerance {
		return errors.New("timestamp outside the tolerance window")
	}
	return nil
}

// Sign returns the X-Patchbay-Signature value for body at t:
// "t=<unix>,v1=<hex HMAC-SHA256(secret, "<unix>.<body>")>".
func Sign(secret string, body []byte, t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(hmacSHA256(secret, []byte(ts), []byte("."), body))
}

// VerifySignature checks an X-Patchbay-Signature header the way a
// receiver should: constant-time, any v1, within tolerance of now.
func VerifySignature(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	return verifyTimestamped(header, body, secret, now, tolerance)
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
	env := &callEnv{base: g.endpoint(provider), http: g.http}
	hookURL := strings.TrimRight(g.cfg.PublicURL, "/") + WebhookPathPrefix + id
	whID, provSecret, err := comp.trigger.register(ctx, env, creds, cfg, hookURL, hookSecret, id)
	if err != nil {
		return Trigger{}, "", classify(provider, err, creds)
	}
	undo := func() {
		ctx := context.WithoutCancel(ctx)
		if rerr := comp.trigger.remove(ctx, env, creds, cfg, whID); rerr != nil {
			g.log.Error("gateway: provider webhook left behind after a failed trigger creation", "provider", provider, "webhook", whID, "err", classify(provider, rerr, creds))
		}
		_ = g.cfg.Secrets.Delete(ctx, signingSecretName(id))
		_ = g.cfg.Secrets.Delete(ctx, providerSecretName(id))
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
		env := &callEnv{base: g.endpoint(t.Provider), http: g.http}
		if err := comp.trigger.remove(ctx, env, creds, t.Config, t.ProviderWebhookID); err != nil {
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
	evs := strs(cfg, "events")
	return slices.Contains(evs, "*") || slices.Contains(evs, typ)
}
