package twilio

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers"
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

// Desire points the webhooks of every number declared in a
// service's patchbay.json at the service: SMS, voice and status-callback
// URLs = API URL + the detected Twilio webhook routes (or the routes the
// config names).
func Desire(in providers.DesiredInput) ([]providers.Desired, []string) {
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
		reasons[svc] = append(reasons[svc], "Twilio webhook handler "+route+" at "+providers.Where(f))
	}
	env := in.Environment
	base := env.APIURL
	if base == "" {
		base = env.FrontendURL
	}
	var out []providers.Desired
	var warnings []string
	for _, svc := range in.ServicePaths() {
		cfg, _ := in.Config(svc).Section("twilio").(*Config)
		name := in.ServiceName(svc)
		if cfg == nil || len(cfg.Numbers) == 0 {
			if len(routes[svc]) > 0 {
				warnings = append(warnings, fmt.Sprintf("twilio: service %s handles Twilio webhooks but declares no number; add {\"twilio\": {\"numbers\": [{\"phone_number\": \"+1…\"}]}} to %s", name, providers.ConfigPath(svc)))
			}
			continue
		}
		if base == "" {
			warnings = append(warnings, fmt.Sprintf("twilio: the numbers of service %s need an API URL but environment %q has none; set one with `patchbay env set-url`", name, env.Name))
			continue
		}
		if why := providers.Unreachable(base); why != "" {
			warnings = append(warnings, providers.UnreachableWarning("twilio", "the webhooks of service "+name+"'s numbers", base, why, env.Name, ""))
			continue
		}
		for _, n := range cfg.Numbers {
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
				warnings = append(warnings, fmt.Sprintf("twilio: no Twilio webhook route found in service %s for %s; name one with sms_route/voice_route in %s", name, n.PhoneNumber, providers.ConfigPath(svc)))
				continue
			}
			props := providers.Props{"phone_number": {n.PhoneNumber}}
			for role, r := range roles {
				props[role] = []string{providers.JoinURL(base, r)}
			}
			// Twilio ignores a number's voice URL while it is bound to an
			// application or a SIP trunk, and its SMS URL while bound to a
			// messaging application: the app's URLs take effect only
			// unbound (Delete binds it back).
			if _, ok := roles["voice_url"]; ok {
				props["voice_application_sid"], props["trunk_sid"] = []string{""}, []string{""}
			}
			if _, ok := roles["sms_url"]; ok {
				props["sms_application_sid"] = []string{""}
			}
			why := reasons[svc]
			if len(why) == 0 {
				why = []string{"routes named in " + providers.ConfigPath(svc)}
			}
			out = append(out, providers.Desired{
				Key:     providers.Key{Provider: "twilio", Type: "number_webhooks", Name: name + "/" + n.PhoneNumber},
				Props:   props,
				Profile: in.Profile("twilio"),
				Reason:  fmt.Sprintf("number %s declared in %s; %s", n.PhoneNumber, providers.ConfigPath(svc), strings.Join(providers.NormList(why), "; ")),
				Service: svc,
				Bindings: []providers.Binding{{Names: []string{"TWILIO_PHONE_NUMBER", "TWILIO_FROM_NUMBER", "TWILIO_NUMBER"},
					Output: "phone_number"}},
			})
		}
	}
	return out, warnings
}

// NumberWebhooksType is the "twilio/number_webhooks" resource type: the
// webhook URLs of a number already in the account. "Create" attaches the
// app to the number and remembers the URLs it replaced; "Delete" puts them
// back. The number itself is never bought or released.
//
// The replaced URLs travel in the provider id ("PN…~<base64 JSON>"),
// because Delete receives nothing else and Twilio has no field to keep
// them in.
type NumberWebhooksType struct{ opts providers.HTTPOptions }

// NewNumberWebhooksType returns the type.
func NewNumberWebhooksType(o providers.HTTPOptions) *NumberWebhooksType {
	return &NumberWebhooksType{opts: o}
}

func (t *NumberWebhooksType) Provider() string         { return "twilio" }
func (t *NumberWebhooksType) Type() string             { return "number_webhooks" }
func (t *NumberWebhooksType) Info() providers.TypeInfo { return providers.TypeInfo{} }

func (t *NumberWebhooksType) client(c providers.Credentials) (*Numbers, error) {
	sid := c["account_sid"]
	if sid == "" {
		return nil, fmt.Errorf("twilio credentials need account_sid")
	}
	if c["api_key_sid"] != "" && c["api_key_secret"] != "" {
		return NewNumbers(sid, c["api_key_sid"], c["api_key_secret"], t.opts.BaseURL, t.opts.Client), nil
	}
	if c["auth_token"] == "" {
		return nil, fmt.Errorf("twilio credentials need auth_token or an API key")
	}
	return NewNumbers(sid, sid, c["auth_token"], t.opts.BaseURL, t.opts.Client), nil
}

// replaced are a number's webhook URLs before Patchbay set them.
type replaced struct {
	SMSURL         string `json:"sms_url"`
	VoiceURL       string `json:"voice_url"`
	StatusCallback string `json:"status_callback"`
	// The bindings Create lifted, restored by Delete.
	VoiceApplicationSID string `json:"voice_application_sid,omitempty"`
	SMSApplicationSID   string `json:"sms_application_sid,omitempty"`
	TrunkSID            string `json:"trunk_sid,omitempty"`
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

func numberState(id string, p PhoneNumber) providers.State {
	return providers.State{
		ID: id,
		Props: providers.Props{"phone_number": {p.PhoneNumber}, "sms_url": {p.SMSURL}, "voice_url": {p.VoiceURL},
			"status_callback": {p.StatusCallback}, "voice_application_sid": {p.VoiceApplicationSID},
			"sms_application_sid": {p.SMSApplicationSID}, "trunk_sid": {p.TrunkSID}},
		Outputs: map[string]string{"phone_number": p.PhoneNumber, "sid": p.SID},
	}
}

func webhooksOf(p providers.Props) NumberWebhooks {
	var w NumberWebhooks
	for k, dst := range map[string]**string{"sms_url": &w.SMSURL, "voice_url": &w.VoiceURL, "status_callback": &w.StatusCallback,
		"voice_application_sid": &w.VoiceApplicationSID, "sms_application_sid": &w.SMSApplicationSID, "trunk_sid": &w.TrunkSID} {
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

func (t *NumberWebhooksType) Read(ctx context.Context, c providers.Credentials, id string) (providers.State, error) {
	sid, _, err := decodeNumberID(id)
	if err != nil {
		return providers.State{}, err
	}
	n, err := t.client(c)
	if err != nil {
		return providers.State{}, err
	}
	p, err := n.Get(ctx, sid)
	if errors.Is(err, ErrNotFound) {
		return providers.State{}, fmt.Errorf("twilio number %s: %w", sid, providers.ErrGone)
	}
	if err != nil {
		return providers.State{}, err
	}
	return numberState(id, p), nil
}

// Lookup finds nothing on purpose: the number always exists, and adopting
// it would leave its webhooks pointing at the app after destroy. Create
// attaches to it instead and Delete restores it.
func (t *NumberWebhooksType) Lookup(context.Context, providers.Credentials, providers.Props) ([]providers.State, error) {
	return nil, nil
}

// Create points the number at the app, remembering the URLs it replaces.
// A URL that already is the desired one (an earlier attach that was not
// recorded) is remembered as empty: the original is unknowable, and
// leaving the number pointing at a destroyed environment is worse.
func (t *NumberWebhooksType) Create(ctx context.Context, c providers.Credentials, desired providers.Props, _ string) (providers.State, error) {
	n, err := t.client(c)
	if err != nil {
		return providers.State{}, err
	}
	p, err := n.Find(ctx, desired.Get("phone_number"))
	if errors.Is(err, ErrNotFound) {
		return providers.State{}, fmt.Errorf("%w; Patchbay does not buy numbers: buy it in the Twilio console or fix patchbay.json", err)
	}
	if err != nil {
		return providers.State{}, err
	}
	keep := func(field, cur string) string {
		if cur == desired.Get(field) {
			return ""
		}
		return cur
	}
	id := encodeNumberID(p.SID, replaced{SMSURL: keep("sms_url", p.SMSURL), VoiceURL: keep("voice_url", p.VoiceURL),
		StatusCallback: keep("status_callback", p.StatusCallback), VoiceApplicationSID: keep("voice_application_sid", p.VoiceApplicationSID),
		SMSApplicationSID: keep("sms_application_sid", p.SMSApplicationSID), TrunkSID: keep("trunk_sid", p.TrunkSID)})
	p, err = n.SetWebhooks(ctx, p.SID, webhooksOf(desired))
	if err != nil {
		return providers.State{}, err
	}
	return numberState(id, p), nil
}

func (t *NumberWebhooksType) Update(ctx context.Context, c providers.Credentials, id string, desired providers.Props) (providers.State, error) {
	sid, _, err := decodeNumberID(id)
	if err != nil {
		return providers.State{}, err
	}
	n, err := t.client(c)
	if err != nil {
		return providers.State{}, err
	}
	p, err := n.SetWebhooks(ctx, sid, webhooksOf(desired))
	if errors.Is(err, ErrNotFound) {
		return providers.State{}, fmt.Errorf("twilio number %s: %w", sid, providers.ErrGone)
	}
	if err != nil {
		return providers.State{}, err
	}
	return numberState(id, p), nil
}

// Delete restores the URLs Create replaced; the number stays.
func (t *NumberWebhooksType) Delete(ctx context.Context, c providers.Credentials, id string) error {
	sid, r, err := decodeNumberID(id)
	if err != nil {
		return err
	}
	n, err := t.client(c)
	if err != nil {
		return err
	}
	w := NumberWebhooks{SMSURL: &r.SMSURL, VoiceURL: &r.VoiceURL, StatusCallback: &r.StatusCallback}
	for _, b := range []struct {
		sid string
		dst **string
	}{{r.VoiceApplicationSID, &w.VoiceApplicationSID}, {r.SMSApplicationSID, &w.SMSApplicationSID}, {r.TrunkSID, &w.TrunkSID}} {
		if b.sid != "" {
			*b.dst = &b.sid
		}
	}
	_, err = n.SetWebhooks(ctx, sid, w)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// Config lists phone numbers the service's webhooks answer (the "twilio"
// section of patchbay.json).
type Config struct {
	Numbers []NumberConfig `json:"numbers"`
}

// NumberConfig is one number already in the account. Patchbay only points
// its webhooks at the app; it never buys or releases numbers.
type NumberConfig struct {
	PhoneNumber string `json:"phone_number"`
	// Routes override the detected webhook routes per role.
	SMSRoute    string `json:"sms_route,omitempty"`
	VoiceRoute  string `json:"voice_route,omitempty"`
	StatusRoute string `json:"status_callback_route,omitempty"`
}

var phoneRE = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

func validateConfig(c *Config) []error {
	var errs []error
	seen := map[string]bool{}
	for i, n := range c.Numbers {
		if !phoneRE.MatchString(n.PhoneNumber) {
			errs = append(errs, fmt.Errorf("twilio.numbers[%d].phone_number %q must be in E.164 form (+15551234567)", i, n.PhoneNumber))
		}
		if seen[n.PhoneNumber] {
			errs = append(errs, fmt.Errorf("twilio.numbers[%d].phone_number %q is declared twice", i, n.PhoneNumber))
		}
		seen[n.PhoneNumber] = true
	}
	return errs
}
