package gateway

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/patchbay-dev/patchbay/providers"
)

// maxIdempotencyKey is Stripe's limit (providers.md §1.5), the strictest.
const maxIdempotencyKey = 255

// RunAction runs one action with the key's chosen connection. Unknown
// components are ErrNotFound, components outside the key's grants
// ErrPermissionDenied, input failing the schema ErrInvalidArgument.
func (g *Gateway) RunAction(ctx context.Context, p *Principal, provider, action string, input map[string]any, idempotencyKey string) (out map[string]any, err error) {
	provider = strings.ToLower(provider)
	var profile string
	start := time.Now()
	defer func() {
		g.audit(ctx, p.Team, p.KeyID, "RunAction", provider, action, profile, err)
		g.log.Info("gateway: action", "key", p.KeyID, "provider", provider, "action", action, "profile", profile,
			"outcome", Outcome(err), "duration", time.Since(start).Round(time.Millisecond))
	}()
	comp := lookupComponent(provider, action)
	if comp == nil || comp.Kind != KindAction {
		return nil, fmt.Errorf("%w: provider %q has no action %q", ErrNotFound, provider, action)
	}
	gr, ok := p.grant(provider, action)
	if !ok {
		return nil, fmt.Errorf("%w: API key %s is not allowed to run %s/%s", ErrPermissionDenied, p.KeyID, provider, action)
	}
	profile = gr.Profile
	if len(idempotencyKey) > maxIdempotencyKey {
		return nil, fmt.Errorf("%w: idempotency key is longer than %d characters", ErrInvalidArgument, maxIdempotencyKey)
	}
	if input == nil {
		input = map[string]any{}
	}
	if errs := comp.input.Validate(input); len(errs) > 0 {
		return nil, fmt.Errorf("%w: input for %s/%s: %s", ErrInvalidArgument, provider, action, strings.Join(errs, "; "))
	}
	if idempotencyKey != "" {
		ikey := p.KeyID + "\x00" + provider + "\x00" + action + "\x00" + idempotencyKey
		replayed, replay, own, err := g.idem.begin(ikey, input)
		if err != nil {
			return nil, err
		}
		if replay {
			return replayed, nil
		}
		defer func() { g.idem.finish(ikey, own, out, err == nil) }()
	}
	creds, err := g.credentials(ctx, provider, profile)
	if err != nil {
		return nil, err
	}
	out, err = comp.run(ctx, providers.ActionEnv{BaseURL: g.endpoint(provider), HTTP: g.http}, creds, input, idempotencyKey)
	if err != nil {
		return nil, classify(provider, err, creds)
	}
	return out, nil
}

func (g *Gateway) credentials(ctx context.Context, provider, profile string) (map[string]string, error) {
	creds, err := g.cfg.Credentials.Get(ctx, provider, profile)
	if errors.Is(err, ErrNoCredentials) {
		return nil, fmt.Errorf("%w: no %s credentials are saved under profile %q", ErrConnection, provider, profile)
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s credentials %q: %w", provider, profile, err)
	}
	return creds, nil
}

// httpStatuser is implemented by the provider clients' error types.
type httpStatuser interface{ HTTPStatus() int }

// classify turns a provider client's error into a gateway class. Any
// credential value that a provider echoed is masked first.
func classify(provider string, err error, creds map[string]string) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	for _, c := range errorClasses {
		if errors.Is(err, c.err) {
			return err
		}
	}
	msg := scrub(err.Error(), creds)
	var hs httpStatuser
	if !errors.As(err, &hs) {
		return fmt.Errorf("%w: %s", ErrProvider, msg)
	}
	switch st := hs.HTTPStatus(); {
	case st == 401:
		return fmt.Errorf("%w: %s rejected the saved credentials; update the connection (%s)", ErrConnection, provider, msg)
	case st == 403:
		return fmt.Errorf("%w: the saved %s credentials lack a permission this action needs (%s)", ErrConnection, provider, msg)
	case st == 429:
		return fmt.Errorf("%w: %s is rate limiting; retry later (%s)", ErrProvider, provider, msg)
	case st >= 500:
		return fmt.Errorf("%w: %s failed (%s)", ErrProvider, provider, msg)
	default:
		return fmt.Errorf("%w: %s refused the request: %s", ErrInvalidArgument, provider, msg)
	}
}

// nonSecretFields are credential fields that are not secrets (a region, a
// Mailgun domain) and may appear in messages.
var nonSecretFields = map[string]bool{"region": true, "domain": true}

// scrub replaces every credential value longer than a few characters found
// in s. Providers mask keys in their own messages, but an error path that
// echoes a URL (Slack) or a proxy page must not leak one either.
func scrub(s string, creds map[string]string) string {
	vals := make([]string, 0, len(creds))
	for k, v := range creds {
		if len(v) >= 8 && !nonSecretFields[k] {
			vals = append(vals, v)
		}
	}
	sort.Slice(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) })
	for _, v := range vals {
		s = strings.ReplaceAll(s, v, "[redacted]")
	}
	return s
}
