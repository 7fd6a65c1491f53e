package sendgrid

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ErrNotFound is returned for an API key or webhook that does not exist.
var ErrNotFound = errors.New("sendgrid: not found")

// APIError is a SendGrid v3 error answer.
type APIError struct {
	Status    int
	Message   string
	retryWait time.Duration
}

func (e *APIError) Error() string { return fmt.Sprintf("sendgrid: %d: %s", e.Status, e.Message) }

// Retryable is true for 429 and 5xx.
func (e *APIError) Retryable() bool { return e.Status == http.StatusTooManyRequests || e.Status >= 500 }

// RetryAfter comes from X-RateLimit-Reset (an epoch) when SendGrid sends it.
func (e *APIError) RetryAfter() time.Duration { return e.retryWait }

// Definitive is true when SendGrid refused the request, so it made nothing.
func (e *APIError) Definitive() bool {
	return e.Status >= 400 && e.Status < 500 && e.Status != http.StatusTooManyRequests
}

// Client calls the SendGrid v3 API with an API key.
type Client struct {
	key  string
	base string
	hc   *http.Client
}

// NewClient returns a client; baseURL overrides https://api.sendgrid.com.
func NewClient(apiKey, baseURL string, hc *http.Client) *Client {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{key: apiKey, base: strings.TrimRight(baseURL, "/"), hc: hc}
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("sendgrid: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if resp.StatusCode >= 300 {
		var env struct {
			Errors []struct {
				Message string `json:"message"`
			} `json:"errors"`
		}
		_ = json.Unmarshal(raw, &env)
		var msgs []string
		for _, e := range env.Errors {
			msgs = append(msgs, e.Message)
		}
		msg := strings.Join(msgs, "; ")
		if resp.StatusCode == http.StatusNotFound {
			return fmt.Errorf("sendgrid: %s %s: %s: %w", method, path, msg, ErrNotFound)
		}
		e := &APIError{Status: resp.StatusCode, Message: msg}
		if reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			if d := time.Until(time.Unix(reset, 0)); d > 0 {
				e.retryWait = d
			}
		}
		return e
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("sendgrid: %s %s: decode: %w", method, path, err)
		}
	}
	return nil
}

// APIKey is an API key as listed; Key is set only in the create answer.
type APIKey struct {
	ID     string   `json:"api_key_id"`
	Name   string   `json:"name"`
	Scopes []string `json:"scopes,omitempty"`
	Key    string   `json:"api_key,omitempty"`
}

// CreateAPIKey makes a key; the answer is the only time its value is shown.
func (c *Client) CreateAPIKey(ctx context.Context, name string, scopes []string) (APIKey, error) {
	var out APIKey
	err := c.do(ctx, http.MethodPost, "/v3/api_keys", map[string]any{"name": name, "scopes": scopes}, &out)
	return out, err
}

// GetAPIKey reads a key's name and scopes. The answer is
// {"result": [key]} (sendgrid-oai, GET /v3/api_keys/{api_key_id}); a bare
// key object is read too.
func (c *Client) GetAPIKey(ctx context.Context, id string) (APIKey, error) {
	var out struct {
		APIKey
		Result []APIKey `json:"result"`
	}
	err := c.do(ctx, http.MethodGet, "/v3/api_keys/"+url.PathEscape(id), nil, &out)
	if len(out.Result) > 0 {
		return out.Result[0], err
	}
	return out.APIKey, err
}

// ListAPIKeys lists the account's keys (names and ids only).
func (c *Client) ListAPIKeys(ctx context.Context) ([]APIKey, error) {
	var out struct {
		Result []APIKey `json:"result"`
	}
	err := c.do(ctx, http.MethodGet, "/v3/api_keys?limit=500", nil, &out)
	return out.Result, err
}

// ReplaceAPIKey sets name and the whole scope list (PUT replaces scopes).
func (c *Client) ReplaceAPIKey(ctx context.Context, id, name string, scopes []string) (APIKey, error) {
	var out APIKey
	err := c.do(ctx, http.MethodPut, "/v3/api_keys/"+url.PathEscape(id), map[string]any{"name": name, "scopes": scopes}, &out)
	return out, err
}

// DeleteAPIKey revokes a key; one already gone is success.
func (c *Client) DeleteAPIKey(ctx context.Context, id string) error {
	err := c.do(ctx, http.MethodDelete, "/v3/api_keys/"+url.PathEscape(id), nil, nil)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// EventTypes are the event flags of an event webhook.
var EventTypes = []string{"processed", "delivered", "deferred", "bounce", "dropped", "open", "click", "spam_report",
	"unsubscribe", "group_unsubscribe", "group_resubscribe"}

// EventWebhook is one webhook of the multiple-webhooks API.
type EventWebhook struct {
	ID           string
	URL          string
	FriendlyName string
	Enabled      bool
	Events       []string
	// PublicKey is the signature verification key, when signing is on.
	PublicKey string
}

func (w EventWebhook) body() map[string]any {
	b := map[string]any{"enabled": w.Enabled, "url": w.URL, "friendly_name": w.FriendlyName}
	for _, e := range EventTypes {
		b[e] = false
	}
	for _, e := range w.Events {
		b[e] = true
	}
	return b
}

func decodeWebhook(raw map[string]any) EventWebhook {
	w := EventWebhook{}
	w.ID, _ = raw["id"].(string)
	w.URL, _ = raw["url"].(string)
	w.FriendlyName, _ = raw["friendly_name"].(string)
	w.Enabled, _ = raw["enabled"].(bool)
	w.PublicKey, _ = raw["public_key"].(string)
	for _, e := range EventTypes {
		if on, _ := raw[e].(bool); on {
			w.Events = append(w.Events, e)
		}
	}
	return w
}

// CreateEventWebhook makes a webhook.
func (c *Client) CreateEventWebhook(ctx context.Context, w EventWebhook) (EventWebhook, error) {
	var out map[string]any
	if err := c.do(ctx, http.MethodPost, "/v3/user/webhooks/event/settings", w.body(), &out); err != nil {
		return EventWebhook{}, err
	}
	return decodeWebhook(out), nil
}

// GetEventWebhook reads a webhook.
func (c *Client) GetEventWebhook(ctx context.Context, id string) (EventWebhook, error) {
	var out map[string]any
	if err := c.do(ctx, http.MethodGet, "/v3/user/webhooks/event/settings/"+url.PathEscape(id), nil, &out); err != nil {
		return EventWebhook{}, err
	}
	return decodeWebhook(out), nil
}

// ListEventWebhooks lists every event webhook.
func (c *Client) ListEventWebhooks(ctx context.Context) ([]EventWebhook, error) {
	var out struct {
		Webhooks []map[string]any `json:"webhooks"`
	}
	if err := c.do(ctx, http.MethodGet, "/v3/user/webhooks/event/settings/all", nil, &out); err != nil {
		return nil, err
	}
	var ws []EventWebhook
	for _, raw := range out.Webhooks {
		ws = append(ws, decodeWebhook(raw))
	}
	return ws, nil
}

// UpdateEventWebhook writes URL, name, enabled and every event flag.
func (c *Client) UpdateEventWebhook(ctx context.Context, id string, w EventWebhook) (EventWebhook, error) {
	var out map[string]any
	if err := c.do(ctx, http.MethodPatch, "/v3/user/webhooks/event/settings/"+url.PathEscape(id), w.body(), &out); err != nil {
		return EventWebhook{}, err
	}
	return decodeWebhook(out), nil
}

// DeleteEventWebhook removes a webhook; one already gone is success.
func (c *Client) DeleteEventWebhook(ctx context.Context, id string) error {
	err := c.do(ctx, http.MethodDelete, "/v3/user/webhooks/event/settings/"+url.PathEscape(id), nil, nil)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// EnableSigning turns signature verification on and returns the public key.
func (c *Client) EnableSigning(ctx context.Context, id string) (string, error) {
	var out struct {
		PublicKey string `json:"public_key"`
	}
	err := c.do(ctx, http.MethodPatch, "/v3/user/webhooks/event/settings/signed/"+url.PathEscape(id), map[string]any{"enabled": true}, &out)
	return out.PublicKey, err
}

// SigningKey returns the public key, "" when signing is off.
func (c *Client) SigningKey(ctx context.Context, id string) (string, error) {
	var out struct {
		PublicKey string `json:"public_key"`
	}
	err := c.do(ctx, http.MethodGet, "/v3/user/webhooks/event/settings/signed/"+url.PathEscape(id), nil, &out)
	return out.PublicKey, err
}
