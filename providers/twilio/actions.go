package twilio

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

const actionBaseURL = "https://api.twilio.com"

// ActionClient sends messages through the Twilio REST API (providers.md
// §14) for API-key actions. Username/Password are the Account SID and Auth
// Token, or an API key SID and secret; AccountSID always goes in the path.
type ActionClient struct {
	BaseURL    string
	AccountSID string
	Username   string
	Password   string
	HTTP       *http.Client
}

// NewActionClient resolves base "" from PATCHBAY_ENDPOINT_TWILIO, then the
// default.
func NewActionClient(accountSID, username, password, base string, hc *http.Client) *ActionClient {
	return &ActionClient{BaseURL: providers.ClientBase(base, "TWILIO", actionBaseURL), AccountSID: accountSID, Username: username, Password: password, HTTP: providers.ActionHTTP(hc)}
}

// ActionError is Twilio's {"code","message","more_info","status"} body.
type ActionError struct {
	Status   int    `json:"status"`
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
}

func (e *ActionError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	if e.Code != 0 {
		return fmt.Sprintf("twilio: %d (code %d): %s", e.Status, e.Code, msg)
	}
	return fmt.Sprintf("twilio: %d: %s", e.Status, msg)
}

// HTTPStatus lets callers classify the failure.
func (e *ActionError) HTTPStatus() int { return e.Status }

// SMS is one message. From is a phone number or MessagingServiceSID is set.
type SMS struct {
	To                  string
	From                string
	MessagingServiceSID string
	Body                string
}

// SendSMS posts Messages.json and returns the created message resource.
func (c *ActionClient) SendSMS(ctx context.Context, m SMS) (map[string]any, error) {
	form := url.Values{"To": {m.To}, "Body": {m.Body}}
	if m.From != "" {
		form.Set("From", m.From)
	}
	if m.MessagingServiceSID != "" {
		form.Set("MessagingServiceSid", m.MessagingServiceSID)
	}
	path := "/2010-04-01/Accounts/" + url.PathEscape(c.AccountSID) + "/Messages.json"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("twilio: %w", err)
	}
	req.SetBasicAuth(c.Username, c.Password)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err
		}
		return nil, fmt.Errorf("twilio: POST Messages.json: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		e := &ActionError{}
		_ = json.Unmarshal(raw, e)
		e.Status = resp.StatusCode
		return nil, e
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("twilio: response is not a JSON object: %w", err)
	}
	return out, nil
}
