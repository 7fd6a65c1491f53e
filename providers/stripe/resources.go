package stripe

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

// ErrNotFound is returned for a webhook endpoint that does not exist.
var ErrNotFound = errors.New("stripe: not found")

// Error is every Stripe API error Patchbay's clients return (provisioning,
// actions): the shared providers.HTTPError, matched with errors.As.
type Error = providers.HTTPError

// ResourceError and ActionError are the names the provisioning and action
// clients' callers know the one error type by.
type (
	ResourceError = Error
	ActionError   = Error
)

// errorEnvelope is Stripe's error body {"error":{type,code,message,param}}.
type errorEnvelope struct {
	Error struct {
		Type    string `json:"type"`
		Code    string `json:"code"`
		Message string `json:"message"`
		Param   string `json:"param"`
	} `json:"error"`
}

// apiError builds the error for a non-2xx answer: Stripe's envelope,
// Stripe-Should-Retry when sent, Retry-After in either form, and 409 (a
// concurrent request with the same idempotency key) as an unknown outcome.
func apiError(status int, h http.Header, body []byte) *Error {
	var env errorEnvelope
	_ = json.Unmarshal(body, &env)
	e := &Error{Provider: "stripe", Status: status, Type: env.Error.Type, Code: env.Error.Code, Message: env.Error.Message,
		Param: env.Error.Param, Wait: providers.RetryAfter(h, time.Now()), Indefinite: []int{http.StatusConflict}}
	switch h.Get("Stripe-Should-Retry") {
	case "true":
		e.ShouldRetry = &[]bool{true}[0]
	case "false":
		e.ShouldRetry = &[]bool{false}[0]
	}
	return e
}

// WebhookEndpoint is a Stripe webhook endpoint. Secret (whsec_) is only
// ever set in the answer to the create call.
type WebhookEndpoint struct {
	ID            string            `json:"id"`
	URL           string            `json:"url"`
	EnabledEvents []string          `json:"enabled_events"`
	Description   string            `json:"description"`
	Metadata      map[string]string `json:"metadata"`
	Status        string            `json:"status"`
	Secret        string            `json:"secret,omitempty"`
}

// WebhookEndpointParams are the writable fields.
type WebhookEndpointParams struct {
	URL           string
	EnabledEvents []string
	Description   string
	Metadata      map[string]string
}

func (p WebhookEndpointParams) form() url.Values {
	v := url.Values{}
	v.Set("url", p.URL)
	for _, e := range p.EnabledEvents {
		v.Add("enabled_events[]", e)
	}
	if p.Description != "" {
		v.Set("description", p.Description)
	}
	for k, val := range p.Metadata {
		v.Set("metadata["+k+"]", val)
	}
	return v
}

// Webhooks manages webhook endpoints with a secret key.
type Webhooks struct {
	key  string
	base string
	hc   *http.Client
}

// NewWebhooks returns a client; baseURL overrides https://api.stripe.com.
func NewWebhooks(secretKey, baseURL string, hc *http.Client) *Webhooks {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Webhooks{key: secretKey, base: strings.TrimRight(baseURL, "/"), hc: hc}
}

func (w *Webhooks) do(ctx context.Context, method, path string, form url.Values, idempotencyKey string, out any) error {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, w.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+w.key)
	req.Header.Set("Stripe-Version", APIVersion)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if idempotencyKey != "" {
		req.Header.Set("Idempotency-Key", idempotencyKey)
	}
	resp, err := w.hc.Do(req)
	if err != nil {
		return fmt.Errorf("stripe: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if resp.StatusCode >= 300 {
		e := apiError(resp.StatusCode, resp.Header, raw)
		if resp.StatusCode == http.StatusNotFound {
			return fmt.Errorf("stripe: %s %s: %s: %w", method, path, e.Message, ErrNotFound)
		}
		return e
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("stripe: %s %s: decode: %w", method, path, err)
		}
	}
	return nil
}

// Create makes an endpoint. The answer is the only place its signing secret
// appears; a replay with the same idempotency key returns it again.
func (w *Webhooks) Create(ctx context.Context, p WebhookEndpointParams, idempotencyKey string) (WebhookEndpoint, error) {
	var out WebhookEndpoint
	err := w.do(ctx, http.MethodPost, "/v1/webhook_endpoints", p.form(), idempotencyKey, &out)
	return out, err
}

// Get reads an endpoint (no secret).
func (w *Webhooks) Get(ctx context.Context, id string) (WebhookEndpoint, error) {
	var out WebhookEndpoint
	err := w.do(ctx, http.MethodGet, "/v1/webhook_endpoints/"+url.PathEscape(id), nil, "", &out)
	return out, err
}

// Update changes URL, events, description and metadata.
func (w *Webhooks) Update(ctx context.Context, id string, p WebhookEndpointParams) (WebhookEndpoint, error) {
	var out WebhookEndpoint
	err := w.do(ctx, http.MethodPost, "/v1/webhook_endpoints/"+url.PathEscape(id), p.form(), "", &out)
	return out, err
}

// Delete removes an endpoint; one that is already gone is success.
func (w *Webhooks) Delete(ctx context.Context, id string) error {
	err := w.do(ctx, http.MethodDelete, "/v1/webhook_endpoints/"+url.PathEscape(id), nil, "", nil)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// List returns every endpoint of the account, following pagination.
func (w *Webhooks) List(ctx context.Context) ([]WebhookEndpoint, error) {
	var all []WebhookEndpoint
	after := ""
	for range 100 {
		q := url.Values{"limit": {"100"}}
		if after != "" {
			q.Set("starting_after", after)
		}
		var page struct {
			Data    []WebhookEndpoint `json:"data"`
			HasMore bool              `json:"has_more"`
		}
		if err := w.do(ctx, http.MethodGet, "/v1/webhook_endpoints?"+q.Encode(), nil, "", &page); err != nil {
			return nil, err
		}
		all = append(all, page.Data...)
		if !page.HasMore || len(page.Data) == 0 {
			break
		}
		after = page.Data[len(page.Data)-1].ID
	}
	return all, nil
}
