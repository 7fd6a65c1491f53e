package stripe

import (
	"context"
	"errors"
	"fmt"

	"github.com/patchbay-dev/patchbay/providers"
)

// WebhookEndpointType is the "stripe/webhook_endpoint" resource type.
type WebhookEndpointType struct{ opts providers.HTTPOptions }

// NewWebhookEndpointType returns the type.
func NewWebhookEndpointType(o providers.HTTPOptions) *WebhookEndpointType {
	return &WebhookEndpointType{opts: o}
}

func (s *WebhookEndpointType) Provider() string { return "stripe" }
func (s *WebhookEndpointType) Type() string     { return "webhook_endpoint" }
func (s *WebhookEndpointType) Info() providers.TypeInfo {
	return providers.TypeInfo{Idempotent: true, Secrets: []string{"webhook_secret"}, SharedLists: []string{"enabled_events"}}
}

func (s *WebhookEndpointType) client(c providers.Credentials) (*Webhooks, error) {
	if c["secret_key"] == "" {
		return nil, fmt.Errorf("stripe credentials need secret_key")
	}
	return NewWebhooks(c["secret_key"], s.opts.BaseURL, s.opts.Client), nil
}

func stripeState(w WebhookEndpoint) providers.State {
	st := providers.State{
		ID:      w.ID,
		Props:   providers.Props{"url": {w.URL}, "enabled_events": w.EnabledEvents, "description": {w.Description}},
		Outputs: map[string]string{"id": w.ID, "url": w.URL},
	}
	if w.Secret != "" {
		st.Secrets = map[string]string{"webhook_secret": w.Secret}
	}
	return st
}

func stripeParams(p providers.Props) WebhookEndpointParams {
	return WebhookEndpointParams{URL: p.Get("url"), EnabledEvents: p["enabled_events"], Description: p.Get("description"),
		Metadata: map[string]string{"managed_by": "patchbay"}}
}

func (s *WebhookEndpointType) Read(ctx context.Context, c providers.Credentials, id string) (providers.State, error) {
	w, err := s.client(c)
	if err != nil {
		return providers.State{}, err
	}
	ep, err := w.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return providers.State{}, fmt.Errorf("stripe webhook endpoint %s: %w", id, providers.ErrGone)
	}
	if err != nil {
		return providers.State{}, err
	}
	return stripeState(ep), nil
}

// Lookup matches by URL: Stripe has no names, and an endpoint at the same
// URL receives the same events.
func (s *WebhookEndpointType) Lookup(ctx context.Context, c providers.Credentials, desired providers.Props) ([]providers.State, error) {
	w, err := s.client(c)
	if err != nil {
		return nil, err
	}
	eps, err := w.List(ctx)
	if err != nil {
		return nil, err
	}
	var out []providers.State
	// Stripe lists newest first; adoption prefers the oldest.
	for i := len(eps) - 1; i >= 0; i-- {
		if eps[i].URL == desired.Get("url") {
			out = append(out, stripeState(eps[i]))
		}
	}
	return out, nil
}

func (s *WebhookEndpointType) Create(ctx context.Context, c providers.Credentials, desired providers.Props, key string) (providers.State, error) {
	w, err := s.client(c)
	if err != nil {
		return providers.State{}, err
	}
	ep, err := w.Create(ctx, stripeParams(desired), key)
	if err != nil {
		return providers.State{}, err
	}
	return stripeState(ep), nil
}

func (s *WebhookEndpointType) Update(ctx context.Context, c providers.Credentials, id string, desired providers.Props) (providers.State, error) {
	w, err := s.client(c)
	if err != nil {
		return providers.State{}, err
	}
	ep, err := w.Update(ctx, id, stripeParams(desired))
	if errors.Is(err, ErrNotFound) {
		return providers.State{}, fmt.Errorf("stripe webhook endpoint %s: %w", id, providers.ErrGone)
	}
	if err != nil {
		return providers.State{}, err
	}
	return stripeState(ep), nil
}

func (s *WebhookEndpointType) Delete(ctx context.Context, c providers.Credentials, id string) error {
	w, err := s.client(c)
	if err != nil {
		return err
	}
	return w.Delete(ctx, id)
}
