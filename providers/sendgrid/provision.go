package sendgrid

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers"
)

// Desire gives every service that uses SendGrid a scoped API key
// of its own, and every detected SendGrid event-webhook handler a signed
// event webhook at API URL + route.
func Desire(in providers.DesiredInput) ([]providers.Desired, []string) {
	uses := map[string][]string{}
	type handler struct {
		svc, route string
		reasons    []string
	}
	hooks := map[string]*handler{}
	for _, f := range in.Findings {
		if f.GetProvider() != "sendgrid" {
			continue
		}
		svc := f.GetService()
		switch f.GetKind() {
		case patchbayv1.FindingKind_SDK_USAGE, patchbayv1.FindingKind_ENV_REFERENCE:
			uses[svc] = append(uses[svc], "SendGrid used at "+providers.Where(f))
		case patchbayv1.FindingKind_WEBHOOK_HANDLER:
			route := f.GetWebhook().GetRoute()
			if route == "" {
				continue
			}
			k := svc + "\x00" + route
			if hooks[k] == nil {
				hooks[k] = &handler{svc: svc, route: route}
			}
			hooks[k].reasons = append(hooks[k].reasons, "SendGrid event webhook handler "+route+" at "+providers.Where(f))
		}
	}
	env := in.Environment
	var out []providers.Desired
	var warnings []string
	for _, svc := range providers.SortedKeys(uses) {
		name := in.ServiceName(svc)
		scopes := []string{"mail.send"}
		if c := config(in, svc); c != nil && len(c.Scopes) > 0 {
			scopes = c.Scopes
		}
		out = append(out, providers.Desired{
			Key:     providers.Key{Provider: "sendgrid", Type: "api_key", Name: name},
			Props:   providers.Props{"name": {"patchbay " + in.ResourceName(name, env.Name)}, "scopes": providers.NormList(scopes)},
			Profile: in.Profile("sendgrid"),
			Reason:  strings.Join(providers.NormList(uses[svc]), "; "),
			Service: svc,
			Bindings: []providers.Binding{{Names: []string{"SENDGRID_API_KEY", "SENDGRID_KEY", "SENDGRID_TOKEN"}, Match: []string{"API_KEY"},
				Output: "api_key", Secret: true}},
		})
	}
	base := env.APIURL
	if base == "" {
		base = env.FrontendURL
	}
	for _, k := range providers.SortedKeys(hooks) {
		h := hooks[k]
		name := in.ServiceName(h.svc) + h.route
		if base == "" {
			warnings = append(warnings, fmt.Sprintf("sendgrid: event webhook handler %s needs an API URL but environment %q has none; set one with `patchbay env set-url`", h.route, env.Name))
			continue
		}
		if why := providers.Unreachable(base); why != "" {
			warnings = append(warnings, providers.UnreachableWarning("sendgrid", "the event webhook for "+h.route, providers.JoinURL(base, h.route), why, env.Name, ""))
			continue
		}
		events := EventTypes
		if c := config(in, h.svc); c != nil && len(c.Events) > 0 {
			events = c.Events
		}
		out = append(out, providers.Desired{
			Key: providers.Key{Provider: "sendgrid", Type: "event_webhook", Name: name},
			Props: providers.Props{"url": {providers.JoinURL(base, h.route)}, "friendly_name": {"patchbay " + in.ResourceName(in.ServiceName(h.svc), env.Name)},
				"events": providers.NormList(events), "enabled": {"true"}, "signed": {"true"}},
			Profile: in.Profile("sendgrid"),
			Reason:  strings.Join(providers.NormList(h.reasons), "; "),
			Service: h.svc,
			Bindings: []providers.Binding{{Names: []string{"SENDGRID_WEBHOOK_PUBLIC_KEY", "SENDGRID_WEBHOOK_VERIFICATION_KEY", "SENDGRID_EVENT_WEBHOOK_PUBLIC_KEY"},
				Match: []string{"PUBLIC_KEY", "VERIFICATION_KEY"}, Output: "public_key"}},
		})
	}
	return out, warnings
}

// Config overrides the defaults of the SendGrid resources (the "sendgrid"
// section of patchbay.json).
type Config struct {
	// Scopes of the API key Patchbay creates (default: mail.send).
	Scopes []string `json:"scopes,omitempty"`
	// Events the event webhook sends (default: all).
	Events []string `json:"events,omitempty"`
}

func config(in providers.DesiredInput, svc string) *Config {
	c, _ := in.Config(svc).Section("sendgrid").(*Config)
	return c
}

func provisionClient(o providers.HTTPOptions, c providers.Credentials) (*Client, error) {
	if c["api_key"] == "" {
		return nil, fmt.Errorf("sendgrid credentials need api_key")
	}
	base := o.BaseURL
	if base == "" && strings.EqualFold(c["region"], "eu") {
		base = EUBaseURL
	}
	return NewClient(c["api_key"], base, o.Client), nil
}

// APIKeyType is the "sendgrid/api_key" resource type: a key with the
// minimal scopes, shown once (rotation replaces it).
type APIKeyType struct{ opts providers.HTTPOptions }

// NewAPIKeyType returns the type.
func NewAPIKeyType(o providers.HTTPOptions) *APIKeyType { return &APIKeyType{opts: o} }

func (s *APIKeyType) Provider() string { return "sendgrid" }
func (s *APIKeyType) Type() string     { return "api_key" }
func (s *APIKeyType) Info() providers.TypeInfo {
	return providers.TypeInfo{Secrets: []string{"api_key"}}
}

// implicitScopes are scopes SendGrid adds to every key it reports: they
// are not asked for, so they are no difference from the desired list.
var implicitScopes = map[string]bool{"2fa_required": true, "sender_verification_eligible": true, "sender_verification_legacy": true}

func apiKeyState(k APIKey) providers.State {
	var scopes []string
	for _, sc := range k.Scopes {
		if !implicitScopes[sc] {
			scopes = append(scopes, sc)
		}
	}
	st := providers.State{ID: k.ID, Props: providers.Props{"name": {k.Name}, "scopes": providers.NormList(scopes)}, Outputs: map[string]string{"api_key_id": k.ID}}
	if k.Key != "" {
		st.Secrets = map[string]string{"api_key": k.Key}
	}
	return st
}

func (s *APIKeyType) Read(ctx context.Context, c providers.Credentials, id string) (providers.State, error) {
	cl, err := provisionClient(s.opts, c)
	if err != nil {
		return providers.State{}, err
	}
	k, err := cl.GetAPIKey(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return providers.State{}, fmt.Errorf("sendgrid API key %s: %w", id, providers.ErrGone)
	}
	if err != nil {
		return providers.State{}, err
	}
	return apiKeyState(k), nil
}

// Lookup matches by name; the list has no scopes, so each match is read.
func (s *APIKeyType) Lookup(ctx context.Context, c providers.Credentials, desired providers.Props) ([]providers.State, error) {
	cl, err := provisionClient(s.opts, c)
	if err != nil {
		return nil, err
	}
	keys, err := cl.ListAPIKeys(ctx)
	if err != nil {
		return nil, err
	}
	var out []providers.State
	for _, k := range keys {
		if k.Name != desired.Get("name") {
			continue
		}
		full, err := cl.GetAPIKey(ctx, k.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, apiKeyState(full))
	}
	return out, nil
}

func (s *APIKeyType) Create(ctx context.Context, c providers.Credentials, desired providers.Props, _ string) (providers.State, error) {
	cl, err := provisionClient(s.opts, c)
	if err != nil {
		return providers.State{}, err
	}
	k, err := cl.CreateAPIKey(ctx, desired.Get("name"), desired["scopes"])
	if err != nil {
		return providers.State{}, err
	}
	return apiKeyState(k), nil
}

// Update sends name and the whole scope list: PUT replaces scopes.
func (s *APIKeyType) Update(ctx context.Context, c providers.Credentials, id string, desired providers.Props) (providers.State, error) {
	cl, err := provisionClient(s.opts, c)
	if err != nil {
		return providers.State{}, err
	}
	if _, err := cl.ReplaceAPIKey(ctx, id, desired.Get("name"), desired["scopes"]); errors.Is(err, ErrNotFound) {
		return providers.State{}, fmt.Errorf("sendgrid API key %s: %w", id, providers.ErrGone)
	} else if err != nil {
		return providers.State{}, err
	}
	// The PUT answer carries no scopes: read what the key has now.
	return s.Read(ctx, c, id)
}

func (s *APIKeyType) Delete(ctx context.Context, c providers.Credentials, id string) error {
	cl, err := provisionClient(s.opts, c)
	if err != nil {
		return err
	}
	return cl.DeleteAPIKey(ctx, id)
}

// EventWebhookType is the "sendgrid/event_webhook" resource type: one
// webhook of the multiple-webhooks API, signed, whose public key is an
// output (readable again at any time, so not a secret).
type EventWebhookType struct{ opts providers.HTTPOptions }

// NewEventWebhookType returns the type.
func NewEventWebhookType(o providers.HTTPOptions) *EventWebhookType {
	return &EventWebhookType{opts: o}
}

func (s *EventWebhookType) Provider() string         { return "sendgrid" }
func (s *EventWebhookType) Type() string             { return "event_webhook" }
func (s *EventWebhookType) Info() providers.TypeInfo { return providers.TypeInfo{} }

func eventWebhookState(w EventWebhook) providers.State {
	return providers.State{
		ID: w.ID,
		Props: providers.Props{"url": {w.URL}, "friendly_name": {w.FriendlyName}, "events": w.Events,
			"enabled": {strconv.FormatBool(w.Enabled)}, "signed": {strconv.FormatBool(w.PublicKey != "")}},
		Outputs: map[string]string{"id": w.ID, "url": w.URL, "public_key": w.PublicKey},
	}
}

func eventWebhook(p providers.Props) EventWebhook {
	return EventWebhook{URL: p.Get("url"), FriendlyName: p.Get("friendly_name"), Enabled: p.Get("enabled") != "false", Events: p["events"]}
}

func (s *EventWebhookType) read(ctx context.Context, cl *Client, w EventWebhook) (providers.State, error) {
	pk, err := cl.SigningKey(ctx, w.ID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return providers.State{}, err
	}
	w.PublicKey = pk
	return eventWebhookState(w), nil
}

func (s *EventWebhookType) Read(ctx context.Context, c providers.Credentials, id string) (providers.State, error) {
	cl, err := provisionClient(s.opts, c)
	if err != nil {
		return providers.State{}, err
	}
	w, err := cl.GetEventWebhook(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return providers.State{}, fmt.Errorf("sendgrid event webhook %s: %w", id, providers.ErrGone)
	}
	if err != nil {
		return providers.State{}, err
	}
	return s.read(ctx, cl, w)
}

// Lookup matches by URL: a webhook at the same URL posts to the same
// handler.
func (s *EventWebhookType) Lookup(ctx context.Context, c providers.Credentials, desired providers.Props) ([]providers.State, error) {
	cl, err := provisionClient(s.opts, c)
	if err != nil {
		return nil, err
	}
	ws, err := cl.ListEventWebhooks(ctx)
	if err != nil {
		return nil, err
	}
	var out []providers.State
	for _, w := range ws {
		if w.URL != desired.Get("url") {
			continue
		}
		st, err := s.read(ctx, cl, w)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// sign turns signing on when desired; a crash before it leaves an unsigned
// webhook that the next plan shows as signed: false → true.
func (s *EventWebhookType) sign(ctx context.Context, cl *Client, w EventWebhook, desired providers.Props) (providers.State, error) {
	if desired.Get("signed") == "true" {
		pk, err := cl.EnableSigning(ctx, w.ID)
		if err != nil {
			return providers.State{}, err
		}
		w.PublicKey = pk
		return eventWebhookState(w), nil
	}
	return s.read(ctx, cl, w)
}

func (s *EventWebhookType) Create(ctx context.Context, c providers.Credentials, desired providers.Props, _ string) (providers.State, error) {
	cl, err := provisionClient(s.opts, c)
	if err != nil {
		return providers.State{}, err
	}
	w, err := cl.CreateEventWebhook(ctx, eventWebhook(desired))
	if err != nil {
		return providers.State{}, err
	}
	return s.sign(ctx, cl, w, desired)
}

func (s *EventWebhookType) Update(ctx context.Context, c providers.Credentials, id string, desired providers.Props) (providers.State, error) {
	cl, err := provisionClient(s.opts, c)
	if err != nil {
		return providers.State{}, err
	}
	w, err := cl.UpdateEventWebhook(ctx, id, eventWebhook(desired))
	if errors.Is(err, ErrNotFound) {
		return providers.State{}, fmt.Errorf("sendgrid event webhook %s: %w", id, providers.ErrGone)
	}
	if err != nil {
		return providers.State{}, err
	}
	return s.sign(ctx, cl, w, desired)
}

func (s *EventWebhookType) Delete(ctx context.Context, c providers.Credentials, id string) error {
	cl, err := provisionClient(s.opts, c)
	if err != nil {
		return err
	}
	return cl.DeleteEventWebhook(ctx, id)
}
