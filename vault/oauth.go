package vault

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/patchbay-dev/patchbay/providers"
)

// OAuthOutcomeFailed is published (as a CredentialRequestClosed with the
// flow's state as id) when a browser sign-in fails; success publishes
// CredentialsChanged instead.
const OAuthOutcomeFailed = "oauth_failed"

// OAuthStart is a started browser sign-in.
type OAuthStart struct {
	URL   string
	State string
}

// StartOAuth begins the browser sign-in for an OAuth provider (Netlify):
// it listens on the loopback redirect and returns the URL to open. The
// flow finishes in the background: the token is checked, saved with the
// OAuth application's values, and CredentialsChanged is published.
// values may carry the OAuth application's client id and secret; missing
// ones come from the stored profile, then from the variables the provider's
// OAuthSpec names (PATCHBAY_NETLIFY_CLIENT_ID, PATCHBAY_NETLIFY_CLIENT_SECRET).
func (c *Credentials) StartOAuth(ctx context.Context, provider, profile string, values providers.Values) (OAuthStart, error) {
	prov, err := c.spec(provider)
	if err != nil {
		return OAuthStart{}, err
	}
	if !prov.Credentials.OAuth || prov.OAuth == nil {
		return OAuthStart{}, fmt.Errorf("vault: %s credentials are typed in, not obtained by browser sign-in: %w", prov.DisplayName, ErrInvalidArgument)
	}
	name := profileName(profile)
	if err := ValidName("profile", name); err != nil {
		return OAuthStart{}, err
	}
	v := values.Clone()
	if old, err := c.cfg.Store.Get(provider, name); err == nil {
		for k, x := range old.Values {
			if v[k] == "" && k != prov.OAuth.TokenField {
				v[k] = x
			}
		}
	} else if !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrDamaged) {
		return OAuthStart{}, err
	}
	getenv := os.Getenv
	if c.cfg.Env.Getenv != nil {
		getenv = c.cfg.Env.Getenv
	}
	if v["client_id"] == "" {
		v["client_id"] = getenv(prov.OAuth.ClientIDEnv)
	}
	if v["client_secret"] == "" {
		v["client_secret"] = getenv(prov.OAuth.ClientSecretEnv)
	}
	key := provider + "/" + name
	c.mu.Lock()
	if c.oauth[key] {
		c.mu.Unlock()
		return OAuthStart{}, ErrOAuthInProgress
	}
	c.oauth[key] = true
	c.mu.Unlock()

	flow, err := prov.OAuth.Start(v, c.cfg.Env)
	if err != nil {
		c.mu.Lock()
		delete(c.oauth, key)
		c.mu.Unlock()
		var fe *providers.FieldError
		if errors.As(err, &fe) {
			return OAuthStart{}, fmt.Errorf("vault: %s: %w", fe.Message, ErrInvalidArgument)
		}
		return OAuthStart{}, fmt.Errorf("vault: %w (%v); is another sign-in or program using it?", ErrOAuthPort, err)
	}
	c.log.Info("oauth sign-in started", "provider", provider, "profile", name, "redirect", flow.RedirectURI)
	if c.cfg.OpenBrowser != nil {
		if err := c.cfg.OpenBrowser(flow.URL); err != nil {
			c.log.Warn("could not open the browser; the client must open the URL", "err", err)
		}
	}
	// The flow outlives the RPC that started it.
	go c.finishOAuth(context.WithoutCancel(ctx), flow, provider, name, prov.OAuth.TokenField, v)
	return OAuthStart{URL: flow.URL, State: flow.State}, nil
}

func (c *Credentials) finishOAuth(ctx context.Context, flow *providers.OAuthFlow, provider, profile, tokenField string, v providers.Values) {
	defer func() {
		c.mu.Lock()
		delete(c.oauth, provider+"/"+profile)
		c.mu.Unlock()
	}()
	tok, err := flow.Wait(ctx, c.cfg.OAuthTimeout)
	if err != nil {
		c.log.Warn("oauth sign-in did not complete", "provider", provider, "profile", profile, "err", err)
		c.ev().RequestClosed(flow.State, OAuthOutcomeFailed)
		return
	}
	v[tokenField] = tok
	res, err := c.Save(ctx, SaveInput{Provider: provider, Profile: profile, Values: v})
	if err != nil || !res.Saved {
		c.log.Warn("oauth token did not pass its check", "provider", provider, "profile", profile, "status", res.Check.Status.String(), "err", err)
		c.ev().RequestClosed(flow.State, OAuthOutcomeFailed)
		return
	}
	c.log.Info("oauth sign-in completed", "provider", provider, "profile", profile)
}
