package engine

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers/twilio"
)

// twilioRoles sorts a Twilio webhook handler by its route: voice and call
// routes answer calls, status routes take status callbacks, anything else
// answers messages.
func twilioRole(route string) string {
	r := strings.ToLower(route)
	switch {
	case strings.Contains(r, "status"):
		return "status_callback"
	case strings.Contains(r, "voice"), strings.Contains(r, "call"):
		return "voice_url"
	default:
		return "sms_url"
	}
}

// desiredTwilio points the webhooks of every number declared in a
// service's patchbay.json at the service: SMS, voice and status-callback
// URLs = API URL + the detected Twilio webhook routes (or the routes the
// config names).
func desiredTwilio(in DesiredInput) ([]Desired, []string) {
	routes := map[string]map[string]string{} // service → role → route
	reasons := map[string][]string{}
	for _, f := range in.Findings {
		if f.GetKind() != patchbayv1.FindingKind_WEBHOOK_HANDLER || f.GetProvider() != "twilio" || f.GetWebhook().GetRoute() == "" {
			continue
		}
		svc, route := f.GetService(), f.GetWebhook().GetRoute()
		if routes[svc] == nil {
			routes[svc] = map[string]string{}
		}
		role := twilioRole(route)
		if prev, ok := routes[svc][role]; !ok || route < prev {
			routes[svc][role] = route
		}
		reasons[svc] = append(reasons[svc], "Twilio webhook handler "+route+" at "+where(f))
	}
	env := in.Environment
	base := env.APIURL
	if base == "" {
		base = env.FrontendURL
	}
	var out []Desired
	var warnings []string
	for _, svc := range in.servicePaths() {
		cfg := in.config(svc)
		name := in.serviceName(svc)
		if cfg == nil || cfg.Twilio == nil || len(cfg.Twilio.Numbers) == 0 {
			if len(routes[svc]) > 0 {
				warnings = append(warnings, fmt.Sprintf("twilio: service %s handles Twilio webhooks but declares no number; add {\"twilio\": {\"numbers\": [{\"phone_number\": \"+1…\"}]}} to %s", name, configPath(svc)))
			}
			continue
		}
		if base == "" {
			warnings = append(warnings, fmt.Sprintf("twilio: the numbers of service %s need an API URL but environment %q has none; set one with `patchbay env set-url`", name, env.Name))
			continue
		}
		if why := Unreachable(base); why != "" {
			warnings = append(warnings, unreachableWarning("twilio", "the webhooks of service "+name+"'s numbers", base, why, env.Name, ""))
			continue
		}
		for _, n := range cfg.Twilio.Numbers {
			roles := map[string]string{}
			for role, r := range routes[svc] {
				roles[role] = r
			}
			for role, r := range map[string]string{"sms_url": n.SMSRoute, "voice_url": n.VoiceRoute, "status_callback": n.StatusRoute} {
				if r != "" {
					roles[role] = r
				}
			}
			if len(roles) == 0 {
				warnings = append(warnings, fmt.Sprintf("twilio: no Twilio webhook route found in service %s for %s; name one with sms_route/voice_route in %s", name, n.PhoneNumber, configPath(svc)))
				continue
			}
			props := Props{"phone_number": {n.PhoneNumber}}
			for role, r := range roles {
				props[role] = []string{joinURL(base, r)}
			}
			why := reasons[svc]
			if len(why) == 0 {
				why = []string{"routes named in " + configPath(svc)}
			}
			out = append(out, Desired{
				Key:     Key{Provider: "twilio", Type: "number_webhooks", Name: name + "/" + n.PhoneNumber},
				Props:   props,
				Profile: in.profile("twilio"),
				Reason:  fmt.Sprintf("number %s declared in %s; %s", n.PhoneNumber, configPath(svc), strings.Join(normList(why), "; ")),
				Service: svc,
				Bindings: []Binding{{Names: []string{"TWILIO_PHONE_NUMBER", "TWILIO_FROM_NUMBER", "TWILIO_NUMBER"},
					Output: "phone_number"}},
			})
		}
	}
	return out, warnings
}

// TwilioNumberWebhooks is the "twilio/number_webhooks" resource type: the
// webhook URLs of a number already in the account. "Create" attaches the
// app to the number and remembers the URLs it replaced; "Delete" puts them
// back. The number itself is never bought or released.
//
// The replaced URLs travel in the provider id ("PN…~<base64 JSON>"),
// because Delete receives nothing else and Twilio has no field to keep
// them in.
type TwilioNumberWebhooks struct{ opts HTTPOptions }

// NewTwilioNumberWebhooks returns the type.
func NewTwilioNumberWebhooks(o HTTPOptions) *TwilioNumberWebhooks {
	return &TwilioNumberWebhooks{opts: o}
}

func (t *TwilioNumberWebhooks) Provider() string { return "twilio" }
func (t *TwilioNumberWebhooks) Type() string     { return "number_webhooks" }
func (t *TwilioNumberWebhooks) Info() TypeInfo   { return TypeInfo{} }

func (t *TwilioNumberWebhooks) client(c Credentials) (*twilio.Numbers, error) {
	sid := c["account_sid"]
	if sid == "" {
		return nil, fmt.Errorf("twilio credentials need account_sid")
	}
	if c["api_key_sid"] != "" && c["api_key_secret"] != "" {
		return twilio.NewNumbers(sid, c["api_key_sid"], c["api_key_secret"], t.opts.BaseURL, t.opts.Client), nil
	}
	if c["auth_token"] == "" {
		return nil, fmt.Errorf("twilio credentials need auth_token or an API key")
	}
	return twilio.NewNumbers(sid, sid, c["auth_token"], t.opts.BaseURL, t.opts.Client), nil
}

// replaced are a number's webhook URLs before Patchbay set them.
type replaced struct {
	SMSURL         string `json:"sms_url"`
	VoiceURL       string `json:"voice_url"`
	StatusCallback string `json:"status_callback"`
}

func encodeNumberID(sid string, r replaced) string {
	raw, _ := json.Marshal(r)
	return sid + "~" + base64.RawURLEncoding.EncodeToString(raw)
}

func decodeNumberID(id string) (string, replaced, error) {
	sid, enc, ok := strings.Cut(id, "~")
	var r replaced
	if !ok {
		return sid, r, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err == nil {
		err = json.Unmarshal(raw, &r)
	}
	if err != nil {
		return "", r, fmt.Errorf("twilio number id %q is damaged: %w", id, err)
	}
	return sid, r, nil
}

func numberState(id string, p twilio.PhoneNumber) State {
	return State{
		ID: id,
		Props: Props{"phone_number": {p.PhoneNumber}, "sms_url": {p.SMSURL}, "voice_url": {p.VoiceURL},
			"status_callback": {p.StatusCallback}},
		Outputs: map[string]string{"phone_number": p.PhoneNumber, "sid": p.SID},
	}
}

func webhooksOf(p Props) twilio.NumberWebhooks {
	var w twilio.NumberWebhooks
	for k, dst := range map[string]**string{"sms_url": &w.SMSURL, "voice_url": &w.VoiceURL, "status_callback": &w.StatusCallback} {
		if v, ok := p[k]; ok {
			s := ""
			if len(v) > 0 {
				s = v[0]
			}
			*dst = &s
		}
	}
	return w
}

func (t *TwilioNumberWebhooks) Read(ctx context.Context, c Credentials, id string) (State, error) {
	sid, _, err := decodeNumberID(id)
	if err != nil {
		return State{}, err
	}
	n, err := t.client(c)
	if err != nil {
		return State{}, err
	}
	p, err := n.Get(ctx, sid)
	if errors.Is(err, twilio.ErrNotFound) {
		return State{}, fmt.Errorf("twilio number %s: %w", sid, ErrGone)
	}
	if err != nil {
		return State{}, err
	}
	return numberState(id, p), nil
}

// Lookup finds nothing on purpose: the number always exists, and adopting
// it would leave its webhooks pointing at the app after destroy. Create
// attaches to it instead and Delete restores it.
func (t *TwilioNumberWebhooks) Lookup(context.Context, Credentials, Props) ([]State, error) {
	return nil, nil
}

// Create points the number at the app, remembering the URLs it replaces.
// A URL that already is the desired one (an earlier attach that was not
// recorded) is remembered as empty: the original is unknowable, and
// leaving the number pointing at a destroyed environment is worse.
func (t *TwilioNumberWebhooks) Create(ctx context.Context, c Credentials, desired Props, _ string) (State, error) {
	n, err := t.client(c)
	if err != nil {
		return State{}, err
	}
	p, err := n.Find(ctx, desired.Get("phone_number"))
	if errors.Is(err, twilio.ErrNotFound) {
		return State{}, fmt.Errorf("%w; Patchbay does not buy numbers: buy it in the Twilio console or fix patchbay.json", err)
	}
	if err != nil {
		return State{}, err
	}
	keep := func(field, cur string) string {
		if cur == desired.Get(field) {
			return ""
		}
		return cur
	}
	id := encodeNumberID(p.SID, replaced{SMSURL: keep("sms_url", p.SMSURL), VoiceURL: keep("voice_url", p.VoiceURL),
		StatusCallback: keep("status_callback", p.StatusCallback)})
	p, err = n.SetWebhooks(ctx, p.SID, webhooksOf(desired))
	if err != nil {
		return State{}, err
	}
	return numberState(id, p), nil
}

func (t *TwilioNumberWebhooks) Update(ctx context.Context, c Credentials, id string, desired Props) (State, error) {
	sid, _, err := decodeNumberID(id)
	if err != nil {
		return State{}, err
	}
	n, err := t.client(c)
	if err != nil {
		return State{}, err
	}
	p, err := n.SetWebhooks(ctx, sid, webhooksOf(desired))
	if errors.Is(err, twilio.ErrNotFound) {
		return State{}, fmt.Errorf("twilio number %s: %w", sid, ErrGone)
	}
	if err != nil {
		return State{}, err
	}
	return numberState(id, p), nil
}

// Delete restores the URLs Create replaced; the number stays.
func (t *TwilioNumberWebhooks) Delete(ctx context.Context, c Credentials, id string) error {
	sid, r, err := decodeNumberID(id)
	if err != nil {
		return err
	}
	n, err := t.client(c)
	if err != nil {
		return err
	}
	_, err = n.SetWebhooks(ctx, sid, twilio.NumberWebhooks{SMSURL: &r.SMSURL, VoiceURL: &r.VoiceURL, StatusCallback: &r.StatusCallback})
	if errors.Is(err, twilio.ErrNotFound) {
		return nil
	}
	return err
}
