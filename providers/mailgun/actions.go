package mailgun

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

// Region bases (providers.md §15): a domain exists in one region only.
const (
	actionUSURL = "https://api.mailgun.net"
	actionEUURL = "https://api.eu.mailgun.net"
)

// ActionClient sends mail through Mailgun for API-key actions. The API key
// stays inside it.
type ActionClient struct {
	BaseURL string
	APIKey  string
	Domain  string
	HTTP    *http.Client
}

// NewActionClient resolves base "" from PATCHBAY_ENDPOINT_MAILGUN (or
// _MAILGUN_EU for region "eu"), then the region's default.
func NewActionClient(apiKey, domain, region, base string, hc *http.Client) *ActionClient {
	key, def := "MAILGUN", actionUSURL
	if region == "eu" {
		key, def = "MAILGUN_EU", actionEUURL
	}
	return &ActionClient{BaseURL: providers.ClientBase(base, key, def), APIKey: apiKey, Domain: domain, HTTP: providers.ActionHTTP(hc)}
}

// ActionError is a Mailgun failure; 4xx bodies carry {"message"}.
type ActionError struct {
	Status  int
	Message string
}

func (e *ActionError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("mailgun: %d: %s", e.Status, msg)
}

// HTTPStatus lets callers classify the failure.
func (e *ActionError) HTTPStatus() int { return e.Status }

// Message is one message to send.
type Message struct {
	From    string
	To      []string
	Subject string
	Text    string
	HTML    string
}

// Send posts /v3/{domain}/messages and returns Mailgun's message id.
func (c *ActionClient) Send(ctx context.Context, m Message) (id, message string, err error) {
	form := url.Values{"from": {m.From}, "subject": {m.Subject}}
	for _, t := range m.To {
		form.Add("to", t)
	}
	if m.Text != "" {
		form.Set("text", m.Text)
	}
	if m.HTML != "" {
		form.Set("html", m.HTML)
	}
	path := "/v3/" + url.PathEscape(c.Domain) + "/messages"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+path, strings.NewReader(form.Encode()))
	if err != nil {
		return "", "", fmt.Errorf("mailgun: %w", err)
	}
	req.SetBasicAuth("api", c.APIKey)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err
		}
		return "", "", fmt.Errorf("mailgun: POST %s: %w", path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var body struct {
		ID      string `json:"id"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(raw, &body)
	if resp.StatusCode >= 300 {
		msg := body.Message
		if msg == "" && resp.StatusCode != http.StatusUnauthorized {
			msg = strings.TrimSpace(string(raw))
			if len(msg) > 200 {
				msg = msg[:200]
			}
		}
		return "", "", &ActionError{Status: resp.StatusCode, Message: msg}
	}
	return body.ID, body.Message, nil
}
