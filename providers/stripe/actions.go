package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

// actionBaseURL is the Stripe API (providers.md §1.1).
const actionBaseURL = "https://api.stripe.com"

// actionMaxResponse caps a read response body.
const actionMaxResponse = 4 << 20

// ActionClient calls the Stripe endpoints API-key actions and triggers use. The
// secret key stays inside it and never appears in its errors.
type ActionClient struct {
	// BaseURL defaults to PATCHBAY_ENDPOINT_STRIPE, then actionBaseURL.
	BaseURL string
	Key     string
	HTTP    *http.Client
}

// NewActionClient returns a client for key; base "" resolves the endpoint from
// PATCHBAY_ENDPOINT_STRIPE or the default.
func NewActionClient(key, base string, hc *http.Client) *ActionClient {
	return &ActionClient{BaseURL: providers.ClientBase(base, "STRIPE", actionBaseURL), Key: key, HTTP: providers.ActionHTTP(hc)}
}

// CreateCustomer posts /v1/customers.
func (c *ActionClient) CreateCustomer(ctx context.Context, params map[string]any, idempotencyKey string) (map[string]any, error) {
	return c.Post(ctx, "/v1/customers", params, idempotencyKey)
}

// CreateProduct posts /v1/products.
func (c *ActionClient) CreateProduct(ctx context.Context, params map[string]any, idempotencyKey string) (map[string]any, error) {
	return c.Post(ctx, "/v1/products", params, idempotencyKey)
}

// CreatePrice posts /v1/prices.
func (c *ActionClient) CreatePrice(ctx context.Context, params map[string]any, idempotencyKey string) (map[string]any, error) {
	return c.Post(ctx, "/v1/prices", params, idempotencyKey)
}

// CreateWebhookEndpoint registers url for events; the response's secret
// (whsec_...) is returned only here (providers.md §0.3).
func (c *ActionClient) CreateWebhookEndpoint(ctx context.Context, endpointURL string, events []string, metadata map[string]string, idempotencyKey string) (id, secret string, err error) {
	params := map[string]any{"url": endpointURL, "enabled_events": actionStrings(events)}
	if len(metadata) > 0 {
		md := map[string]any{}
		for k, v := range metadata {
			md[k] = v
		}
		params["metadata"] = md
	}
	out, err := c.Post(ctx, "/v1/webhook_endpoints", params, idempotencyKey)
	if err != nil {
		return "", "", err
	}
	id, _ = out["id"].(string)
	secret, _ = out["secret"].(string)
	if id == "" {
		return "", "", fmt.Errorf("stripe: webhook endpoint response has no id")
	}
	return id, secret, nil
}

// DeleteWebhookEndpoint deletes a webhook endpoint; an already deleted one
// (404) counts as deleted.
func (c *ActionClient) DeleteWebhookEndpoint(ctx context.Context, id string) error {
	_, err := c.do(ctx, http.MethodDelete, "/v1/webhook_endpoints/"+url.PathEscape(id), nil, "")
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusNotFound {
		return nil
	}
	return err
}

func actionStrings(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// Post sends params form-encoded with Stripe's bracket notation.
func (c *ActionClient) Post(ctx context.Context, path string, params map[string]any, idempotencyKey string) (map[string]any, error) {
	return c.do(ctx, http.MethodPost, path, EncodeActionForm(params), idempotencyKey)
}

func (c *ActionClient) do(ctx context.Context, method, path string, form url.Values, idempotencyKey string) (map[string]any, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, body)
	if err != nil {
		return nil, fmt.Errorf("stripe: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Key)
	req.Header.Set("Stripe-Version", APIVersion)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if idempotencyKey != "" && method == http.MethodPost {
		req.Header.Set("Idempotency-Key", idempotencyKey)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		// The url.Error names only our base URL, never the key.
		return nil, fmt.Errorf("stripe: %s %s: %w", method, path, actionURLError(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, actionMaxResponse))
	if err != nil {
		return nil, fmt.Errorf("stripe: read response: %w", err)
	}
	if resp.StatusCode >= 300 {
		return nil, apiError(resp.StatusCode, resp.Header, raw)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("stripe: response is not a JSON object: %w", err)
	}
	return out, nil
}

func actionURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// EncodeActionForm flattens params into Stripe's form encoding: nested objects as
// a[b]=v, arrays as a[]=v (objects inside arrays as a[0][b]=v), booleans
// as true/false, whole numbers without a decimal point.
func EncodeActionForm(params map[string]any) url.Values {
	v := url.Values{}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		encodeActionValue(v, k, params[k])
	}
	return v
}

func encodeActionValue(v url.Values, key string, val any) {
	switch x := val.(type) {
	case nil:
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			encodeActionValue(v, key+"["+k+"]", x[k])
		}
	case []any:
		for i, e := range x {
			if _, nested := e.(map[string]any); nested {
				encodeActionValue(v, key+"["+strconv.Itoa(i)+"]", e)
			} else {
				encodeActionValue(v, key+"[]", e)
			}
		}
	case string:
		v.Add(key, x)
	case bool:
		v.Add(key, strconv.FormatBool(x))
	case float64:
		v.Add(key, strconv.FormatFloat(x, 'f', -1, 64))
	case int:
		v.Add(key, strconv.Itoa(x))
	case int64:
		v.Add(key, strconv.FormatInt(x, 10))
	default:
		v.Add(key, fmt.Sprint(x))
	}
}
