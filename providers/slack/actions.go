package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// ActionClient posts to a Slack incoming webhook (providers.md §12). The
// webhook URL is the credential, so neither it nor its path appears in
// errors.
type ActionClient struct {
	WebhookURL string
	HTTP       *http.Client
}

// NewActionClient keeps the webhook's path but sends it to base when base
// (or PATCHBAY_ENDPOINT_SLACK) is set, for proxies and tests.
func NewActionClient(webhookURL, base string, hc *http.Client) (*ActionClient, error) {
	u, err := url.Parse(webhookURL)
	if err != nil || u.Scheme == "" || u.Host == "" || !strings.HasPrefix(u.Path, "/services/") {
		return nil, errors.New("slack: the saved webhook URL is not an incoming-webhook URL (https://hooks.slack.com/services/T…/B…/…)")
	}
	if base == "" {
		base = os.Getenv("PATCHBAY_ENDPOINT_SLACK")
	}
	if base != "" {
		b, err := url.Parse(strings.TrimRight(base, "/"))
		if err != nil || b.Scheme == "" || b.Host == "" {
			return nil, fmt.Errorf("slack: endpoint override %q is not an absolute URL", base)
		}
		u.Scheme, u.Host, u.Path = b.Scheme, b.Host, b.Path+u.Path
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &ActionClient{WebhookURL: u.String(), HTTP: hc}, nil
}

// ActionError is Slack's plain-text error (§12.2), e.g. 404 no_service.
type ActionError struct {
	Status     int
	Code       string
	RetryAfter string
}

func (e *ActionError) Error() string {
	code := e.Code
	if code == "" {
		code = http.StatusText(e.Status)
	}
	return fmt.Sprintf("slack: %d: %s", e.Status, code)
}

// HTTPStatus lets callers classify the failure.
func (e *ActionError) HTTPStatus() int { return e.Status }

// PostMessage posts {"text", "blocks"}; Slack answers 200 "ok".
func (c *ActionClient) PostMessage(ctx context.Context, text string, blocks []any) error {
	payload := map[string]any{"text": text}
	if len(blocks) > 0 {
		payload["blocks"] = blocks
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.WebhookURL, bytes.NewReader(b))
	if err != nil {
		return errors.New("slack: cannot build the webhook request")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.HTTP.Do(req)
	if err != nil {
		// The url.Error would print the webhook URL, which is the secret.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("slack: post to %s: %w", req.URL.Host, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		// Slack answers with a short code; anything long is a proxy's page.
		code := strings.TrimSpace(string(raw))
		if len(code) > 100 {
			code = code[:100] + "…"
		}
		return &ActionError{Status: resp.StatusCode, Code: code, RetryAfter: resp.Header.Get("Retry-After")}
	}
	return nil
}
