package sendgrid

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

const (
	actionGlobalURL = "https://api.sendgrid.com"
	actionEUURL     = "https://api.eu.sendgrid.com"
)

// ActionClient sends mail through SendGrid v3 (providers.md §13) for API-key
// actions. The API key stays inside it and never appears in its errors.
type ActionClient struct {
	BaseURL string
	Key     string
	HTTP    *http.Client
}

// NewActionClient resolves base "" from PATCHBAY_ENDPOINT_SENDGRID (or
// _SENDGRID_EU for region "eu"), then the region's default.
func NewActionClient(key, region, base string, hc *http.Client) *ActionClient {
	env, def := "SENDGRID", actionGlobalURL
	if region == "eu" {
		env, def = "SENDGRID_EU", actionEUURL
	}
	return &ActionClient{BaseURL: providers.ClientBase(base, env, def), Key: key, HTTP: providers.ActionHTTP(hc)}
}

// ActionError is SendGrid's {"errors":[{message,field,help}]} envelope.
type ActionError struct {
	Status   int
	Messages []string
}

func (e *ActionError) Error() string {
	msg := strings.Join(e.Messages, "; ")
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("sendgrid: %d: %s", e.Status, msg)
}

// HTTPStatus lets callers classify the failure.
func (e *ActionError) HTTPStatus() int { return e.Status }

// Mail is one message to send.
type Mail struct {
	From    string
	To      []string
	Subject string
	Text    string
	HTML    string
	ReplyTo string
}

// SendMail posts /v3/mail/send. SendGrid answers 202 with an empty body and
// the message id in X-Message-Id.
func (c *ActionClient) SendMail(ctx context.Context, m Mail) (messageID string, err error) {
	type addr struct {
		Email string `json:"email"`
	}
	type content struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	}
	body := map[string]any{"from": addr{m.From}, "subject": m.Subject}
	tos := make([]addr, len(m.To))
	for i, t := range m.To {
		tos[i] = addr{t}
	}
	body["personalizations"] = []any{map[string]any{"to": tos}}
	var cs []content
	if m.Text != "" {
		cs = append(cs, content{"text/plain", m.Text})
	}
	if m.HTML != "" {
		cs = append(cs, content{"text/html", m.HTML})
	}
	body["content"] = cs
	if m.ReplyTo != "" {
		body["reply_to"] = addr{m.ReplyTo}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+"/v3/mail/send", bytes.NewReader(b))
	if err != nil {
		return "", fmt.Errorf("sendgrid: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err
		}
		return "", fmt.Errorf("sendgrid: POST /v3/mail/send: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		e := &ActionError{Status: resp.StatusCode}
		var env struct {
			Errors []struct {
				Message string  `json:"message"`
				Field   *string `json:"field"`
			} `json:"errors"`
		}
		if json.Unmarshal(raw, &env) == nil {
			for _, x := range env.Errors {
				if x.Field != nil && *x.Field != "" {
					e.Messages = append(e.Messages, *x.Field+": "+x.Message)
				} else {
					e.Messages = append(e.Messages, x.Message)
				}
			}
		}
		return "", e
	}
	return resp.Header.Get("X-Message-Id"), nil
}
