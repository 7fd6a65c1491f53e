package twilio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/patchbay-dev/patchbay/providers"
)

// ErrNotFound is returned for a phone number that is not in the account.
var ErrNotFound = errors.New("twilio: not found")

// APIError is a Twilio REST error ({"code","message","more_info","status"}).
type APIError struct {
	Status    int
	Code      int
	Message   string
	retryWait time.Duration
}

func (e *APIError) Error() string {
	return fmt.Sprintf("twilio: %d (code %d): %s", e.Status, e.Code, e.Message)
}

// Retryable is true for 429 (code 20429) and 5xx.
func (e *APIError) Retryable() bool { return e.Status == http.StatusTooManyRequests || e.Status >= 500 }

// RetryAfter is Retry-After when Twilio sends it.
func (e *APIError) RetryAfter() time.Duration { return e.retryWait }

// Definitive is true when Twilio refused the request.
func (e *APIError) Definitive() bool {
	return e.Status >= 400 && e.Status < 500 && e.Status != http.StatusTooManyRequests
}

// PhoneNumber is an IncomingPhoneNumber's webhook configuration.
type PhoneNumber struct {
	SID                  string `json:"sid"`
	PhoneNumber          string `json:"phone_number"`
	FriendlyName         string `json:"friendly_name"`
	SMSURL               string `json:"sms_url"`
	SMSMethod            string `json:"sms_method"`
	VoiceURL             string `json:"voice_url"`
	VoiceMethod          string `json:"voice_method"`
	StatusCallback       string `json:"status_callback"`
	StatusCallbackMethod string `json:"status_callback_method"`
	// Bindings: a number bound to an application ignores its own URLs
	// for that role, one bound to a SIP trunk all its voice settings
	// (https://www.twilio.com/docs/phone-numbers/api/incomingphonenumber-resource).
	VoiceApplicationSID string `json:"voice_application_sid"`
	SMSApplicationSID   string `json:"sms_application_sid"`
	TrunkSID            string `json:"trunk_sid"`
}

// NumberWebhooks are the webhook fields to set; nil leaves one unchanged.
type NumberWebhooks struct {
	SMSURL, VoiceURL, StatusCallback *string
	// The bindings that would make Twilio ignore those URLs; "" unbinds.
	VoiceApplicationSID, SMSApplicationSID, TrunkSID *string
}

// Numbers manages an account's phone numbers' webhooks. It never buys or
// releases numbers.
type Numbers struct {
	account, user, pass string
	base                string
	hc                  *http.Client
}

// NewNumbers returns a client for accountSid authenticating as user:pass
// (the account's SID and auth token, or an API key's SID and secret);
// baseURL overrides https://api.twilio.com.
func NewNumbers(accountSid, user, pass, baseURL string, hc *http.Client) *Numbers {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Numbers{account: accountSid, user: user, pass: pass, base: strings.TrimRight(baseURL, "/"), hc: hc}
}

func (n *Numbers) do(ctx context.Context, method, path string, form url.Values, out any) error {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	u := n.base + "/2010-04-01/Accounts/" + url.PathEscape(n.account) + path
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return err
	}
	req.SetBasicAuth(n.user, n.pass)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := n.hc.Do(req)
	if err != nil {
		return fmt.Errorf("twilio: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if resp.StatusCode >= 300 {
		var e APIError
		var env struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(raw, &env)
		if resp.StatusCode == http.StatusNotFound {
			return fmt.Errorf("twilio: %s %s: %s: %w", method, path, env.Message, ErrNotFound)
		}
		e = APIError{Status: resp.StatusCode, Code: env.Code, Message: env.Message}
		e.retryWait = providers.RetryAfter(resp.Header, time.Now())
		return &e
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("twilio: %s %s: decode: %w", method, path, err)
		}
	}
	return nil
}

// Find returns the account's number in E.164 form, or ErrNotFound.
func (n *Numbers) Find(ctx context.Context, e164 string) (PhoneNumber, error) {
	var out struct {
		Numbers []PhoneNumber `json:"incoming_phone_numbers"`
	}
	q := url.Values{"PhoneNumber": {e164}}
	if err := n.do(ctx, http.MethodGet, "/IncomingPhoneNumbers.json?"+q.Encode(), nil, &out); err != nil {
		return PhoneNumber{}, err
	}
	for _, p := range out.Numbers {
		if p.PhoneNumber == e164 {
			return p, nil
		}
	}
	return PhoneNumber{}, fmt.Errorf("twilio: number %s is not in account %s: %w", e164, n.account, ErrNotFound)
}

// Get reads a number by SID.
func (n *Numbers) Get(ctx context.Context, sid string) (PhoneNumber, error) {
	var out PhoneNumber
	err := n.do(ctx, http.MethodGet, "/IncomingPhoneNumbers/"+url.PathEscape(sid)+".json", nil, &out)
	return out, err
}

// SetWebhooks sets the given webhook URLs (POST, the methods Twilio's
// helpers validate by default); fields left nil are not sent.
func (n *Numbers) SetWebhooks(ctx context.Context, sid string, w NumberWebhooks) (PhoneNumber, error) {
	v := url.Values{}
	if w.SMSURL != nil {
		v.Set("SmsUrl", *w.SMSURL)
		v.Set("SmsMethod", "POST")
	}
	if w.VoiceURL != nil {
		v.Set("VoiceUrl", *w.VoiceURL)
		v.Set("VoiceMethod", "POST")
	}
	if w.StatusCallback != nil {
		v.Set("StatusCallback", *w.StatusCallback)
		v.Set("StatusCallbackMethod", "POST")
	}
	for k, p := range map[string]*string{"VoiceApplicationSid": w.VoiceApplicationSID, "SmsApplicationSid": w.SMSApplicationSID, "TrunkSid": w.TrunkSID} {
		if p != nil {
			v.Set(k, *p)
		}
	}
	var out PhoneNumber
	err := n.do(ctx, http.MethodPost, "/IncomingPhoneNumbers/"+url.PathEscape(sid)+".json", v, &out)
	return out, err
}
