package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers/sendgrid"
)

// desiredSendGrid gives every service that uses SendGrid a scoped API key
// of its own, and every detected SendGrid event-webhook handler a signed
// event webhook at API URL + route.
func desiredSendGrid(in DesiredInput) ([]Desired, []string) {
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
			uses[svc] = append(uses[svc], "SendGrid used at "+where(f))
		case patchbayv1.FindingKind_WEBHOOK_HANDLER:
			route := f.GetWebhook().GetRoute()
			if route == "" {
				continue
			}
			k := svc + "\x00" + route
			if hooks[k] == nil {
				hooks[k] = &handler{svc: svc, route: route}
			}
			hooks[k].reasons = append(hooks[k].reasons, "SendGrid event webhook handler "+route+" at "+where(f))
		}
	}
	env := in.Environment
	var out []Desired
	var warnings []string
	for _, svc := range sortedKeys(uses) {
		name := in.serviceName(svc)
		scopes := []string{"mail.send"}
		if c := in.config(svc); c != nil && c.SendGrid != nil && len(c.SendGrid.Scopes) > 0 {
			scopes = c.SendGrid.Scopes
		}
		out = append(out, Desired{
			Key:     Key{Provider: "sendgrid", Type: "api_key", Name: name},
			Props:   Props{"name": {"patchbay " + in.resourceName(name, env.Name)}, "scopes": normList(scopes)},
			Profile: in.profile("sendgrid"),
			Reason:  strings.Join(normList(uses[svc]), "; "),
			Service: svc,
			Bindings: []Binding{{Names: []string{"SENDGRID_API_KEY", "SENDGRID_KEY", "SENDGRID_TOKEN"}, Match: []string{"API_KEY"},
				Output: "api_key", Secret: true}},
		})
	}
	base := env.APIURL
	if base == "" {
		base = env.FrontendURL
	}
	for _, k := range sortedKeys(hooks) {
		h := hooks[k]
		name := in.serviceName(h.svc) + h.route
		if base == "" {
			warnings = append(warnings, fmt.Sprintf("sendgrid: event webhook handler %s needs an API URL but environment %q has none; set one with `patchbay env set-url`", h.route, env.Name))
			continue
		}
		if why := Unreachable(base); why != "" {
			warnings = append(warnings, unreachableWarning("sendgrid", "the event webhook for "+h.route, joinURL(base, h.route), why, env.Name, ""))
			continue
		}
		events := sendgrid.EventTypes
		if c := in.config(h.svc); c != nil && c.SendGrid != nil && len(c.SendGrid.Events) > 0 {
			events = c.SendGrid.Events
		}
		out = append(out, Desired{
			Key: Key{Provider: "sendgrid", Type: "event_webhook", Name: name},
			Props: Props{"url": {joinURL(base, h.route)}, "friendly_name": {"patchbay " + in.resourceName(in.serviceName(h.svc), env.Name)},
				"events": normList(events), "enabled": {"true"}, "signed": {"true"}},
			Profile: in.profile("sendgrid"),
			Reason:  strings.Join(normList(h.reasons), "; "),
			Service: h.svc,
			Bindings: []Binding{{Names: []string{"SENDGRID_WEBHOOK_PUBLIC_KEY", "SENDGRID_WEBHOOK_VERIFICATION_KEY", "SENDGRID_EVENT_WEBHOOK_PUBLIC_KEY"},
				Match: []string{"PUBLIC_KEY", "VERIFICATION_KEY"}, Output: "public_key"}},
		})
	}
	return out, warnings
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sendgridClient(o HTTPOptions, c Credentials) (*sendgrid.Client, error) {
	if c["api_key"] == "" {
		return nil, fmt.Errorf("sendgrid credentials need api_key")
	}
	base := o.BaseURL
	if base == "" && strings.EqualFold(c["region"], "eu") {
		base = sendgrid.EUBaseURL
	}
	return sendgrid.NewClient(c["api_key"], base, o.Client), nil
}

// SendGridAPIKeys is the "sendgrid/api_key" resource type: a key with the
// minimal scopes, shown once (rotation replaces it).
type SendGridAPIKeys struct{ opts HTTPOptions }

// NewSendGridAPIKeys returns the type.
func NewSendGridAPIKeys(o HTTPOptions) *SendGridAPIKeys { return &SendGridAPIKeys{opts: o} }

func (s *SendGridAPIKeys) Provider() string { return "sendgrid" }
func (s *SendGridAPIKeys) Type() string     { return "api_key" }
func (s *SendGridAPIKeys) Info() TypeInfo   { return TypeInfo{Secrets: []string{"api_key"}} }

func apiKeyState(k sendgrid.APIKey) State {
	st := State{ID: k.ID, Props: Props{"name": {k.Name}, "scopes": k.Scopes}, Outputs: map[string]string{"api_key_id": k.ID}}
	if k.Key != "" {
		st.Secrets = map[string]string{"api_key": k.Key}
	}
	return st
}

func (s *SendGridAPIKeys) Read(ctx context.Context, c Credentials, id string) (State, error) {
	cl, err := sendgridClient(s.opts, c)
	if err != nil {
		return State{}, err
	}
	k, err := cl.GetAPIKey(ctx, id)
	if errors.Is(err, sendgrid.ErrNotFound) {
		return State{}, fmt.Errorf("sendgrid API key %s: %w", id, ErrGone)
	}
	if err != nil {
		return State{}, err
	}
	return apiKeyState(k), nil
}

// Lookup matches by name; the list has no scopes, so each match is read.
func (s *SendGridAPIKeys) Lookup(ctx context.Context, c Credentials, desired Props) ([]State, error) {
	cl, err := sendgridClient(s.opts, c)
	if err != nil {
		return nil, err
	}
	keys, err := cl.ListAPIKeys(ctx)
	if err != nil {
		return nil, err
	}
	var out []State
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

func (s *SendGridAPIKeys) Create(ctx context.Context, c Credentials, desired Props, _ string) (State, error) {
	cl, err := sendgridClient(s.opts, c)
	if err != nil {
		return State{}, err
	}
	k, err := cl.CreateAPIKey(ctx, desired.Get("name"), desired["scopes"])
	if err != nil {
		return State{}, err
	}
	return apiKeyState(k), nil
}

// Update sends name and the whole scope list: PUT replaces scopes.
func (s *SendGridAPIKeys) Update(ctx context.Context, c Credentials, id string, desired Props) (State, error) {
	cl, err := sendgridClient(s.opts, c)
	if err != nil {
		return State{}, err
	}
	k, err := cl.ReplaceAPIKey(ctx, id, desired.Get("name"), desired["scopes"])
	if errors.Is(err, sendgrid.ErrNotFound) {
		return State{}, fmt.Errorf("sendgrid API key %s: %w", id, ErrGone)
	}
	if err != nil {
		return State{}, err
	}
	return apiKeyState(k), nil
}

func (s *SendGridAPIKeys) Delete(ctx context.Context, c Credentials, id string) error {
	cl, err := sendgridClient(s.opts, c)
	if err != nil {
		return err
	}
	return cl.DeleteAPIKey(ctx, id)
}

// SendGridEventWebhooks is the "sendgrid/event_webhook" resource type: one
// webhook of the multiple-webhooks API, signed, whose public key is an
// output (readable again at any time, so not a secret).
type SendGridEventWebhooks struct{ opts HTTPOptions }

// NewSendGridEventWebhooks returns the type.
func NewSendGridEventWebhooks(o HTTPOptions) *SendGridEventWebhooks {
	return &SendGridEventWebhooks{opts: o}
}

func (s *SendGridEventWebhooks) Provider() string { return "sendgrid" }
func (s *SendGridEventWebhooks) Type() string     { return "event_webhook" }
func (s *SendGridEventWebhooks) Info() TypeInfo   { return TypeInfo{} }

func eventWebhookState(w sendgrid.EventWebhook) State {
	return State{
		ID: w.ID,
		Props: Props{"url": {w.URL}, "friendly_name": {w.FriendlyName}, "events": w.Events,
			"enabled": {strconv.FormatBool(w.Enabled)}, "signed": {strconv.FormatBool(w.PublicKey != "")}},
		Outputs: map[string]string{"id": w.ID, "url": w.URL, "public_key": w.PublicKey},
	}
}

func eventWebhook(p Props) sendgrid.EventWebhook {
	return sendgrid.EventWebhook{URL: p.Get("url"), FriendlyName: p.Get("friendly_name"), Enabled: p.Get("enabled") != "false", Events: p["events"]}
}

func (s *SendGridEventWebhooks) read(ctx context.Context, cl *sendgrid.Client, w sendgrid.EventWebhook) (State, error) {
	pk, err := cl.SigningKey(ctx, w.ID)
	if err != nil && !errors.Is(err, sendgrid.ErrNotFound) {
		return State{}, err
	}
	w.PublicKey = pk
	return eventWebhookState(w), nil
}

func (s *SendGridEventWebhooks) Read(ctx context.Context, c Credentials, id string) (State, error) {
	cl, err := sendgridClient(s.opts, c)
	if err != nil {
		return State{}, err
	}
	w, err := cl.GetEventWebhook(ctx, id)
	if errors.Is(err, sendgrid.ErrNotFound) {
		return State{}, fmt.Errorf("sendgrid event webhook %s: %w", id, ErrGone)
	}
	if err != nil {
		return State{}, err
	}
	return s.read(ctx, cl, w)
}

// Lookup matches by URL: a webhook at the same URL posts to the same
// handler.
func (s *SendGridEventWebhooks) Lookup(ctx context.Context, c Credentials, desired Props) ([]State, error) {
	cl, err := sendgridClient(s.opts, c)
	if err != nil {
		return nil, err
	}
	ws, err := cl.ListEventWebhooks(ctx)
	if err != nil {
		return nil, err
	}
	var out []State
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
func (s *SendGridEventWebhooks) sign(ctx context.Context, cl *sendgrid.Client, w sendgrid.EventWebhook, desired Props) (State, error) {
	if desired.Get("signed") == "true" {
		pk, err := cl.EnableSigning(ctx, w.ID)
		if err != nil {
			return State{}, err
		}
		w.PublicKey = pk
		return eventWebhookState(w), nil
	}
	return s.read(ctx, cl, w)
}

func (s *SendGridEventWebhooks) Create(ctx context.Context, c Credentials, desired Props, _ string) (State, error) {
	cl, err := sendgridClient(s.opts, c)
	if err != nil {
		return State{}, err
	}
	w, err := cl.CreateEventWebhook(ctx, eventWebhook(desired))
	if err != nil {
		return State{}, err
	}
	return s.sign(ctx, cl, w, desired)
}

func (s *SendGridEventWebhooks) Update(ctx context.Context, c Credentials, id string, desired Props) (State, error) {
	cl, err := sendgridClient(s.opts, c)
	if err != nil {
		return State{}, err
	}
	w, err := cl.UpdateEventWebhook(ctx, id, eventWebhook(desired))
	if errors.Is(err, sendgrid.ErrNotFound) {
		return State{}, fmt.Errorf("sendgrid event webhook %s: %w", id, ErrGone)
	}
	if err != nil {
		return State{}, err
	}
	return s.sign(ctx, cl, w, desired)
}

func (s *SendGridEventWebhooks) Delete(ctx context.Context, c Credentials, id string) error {
	cl, err := sendgridClient(s.opts, c)
	if err != nil {
		return err
	}
	return cl.DeleteEventWebhook(ctx, id)
}
