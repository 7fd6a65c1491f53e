package github

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

const actionBaseURL = "https://api.github.com"

// ActionClient calls the GitHub REST endpoints API-key actions and triggers
// use (providers.md §11). The token stays inside it.
type ActionClient struct {
	BaseURL string
	Token   string
	HTTP    *http.Client
}

// NewActionClient resolves base "" from PATCHBAY_ENDPOINT_GITHUB, then the
// default.
func NewActionClient(token, base string, hc *http.Client) *ActionClient {
	return &ActionClient{BaseURL: providers.ClientBase(base, "GITHUB", actionBaseURL), Token: token, HTTP: providers.ActionHTTP(hc)}
}

// ActionError is GitHub's {"message","documentation_url","status"} body.
type ActionError struct {
	Status     int
	Message    string
	RetryAfter string
}

func (e *ActionError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("github: %d: %s", e.Status, msg)
}

// HTTPStatus lets callers classify the failure. GitHub reports rate limits
// as 403 with x-ratelimit-remaining: 0; those are reported as 429.
func (e *ActionError) HTTPStatus() int { return e.Status }

// Issue is a new issue.
type Issue struct {
	Title     string   `json:"title"`
	Body      string   `json:"body,omitempty"`
	Labels    []string `json:"labels,omitempty"`
	Assignees []string `json:"assignees,omitempty"`
}

// CreateIssue posts /repos/{owner}/{repo}/issues.
func (c *ActionClient) CreateIssue(ctx context.Context, owner, repo string, is Issue) (map[string]any, error) {
	return c.call(ctx, http.MethodPost, "/repos/"+url.PathEscape(owner)+"/"+url.PathEscape(repo)+"/issues", is)
}

// CreateRepoWebhook creates a repository webhook that posts JSON to
// target signed with secret (X-Hub-Signature-256) and returns its id.
func (c *ActionClient) CreateRepoWebhook(ctx context.Context, owner, repo, target, secret string, events []string) (int64, error) {
	body := map[string]any{
		"name": "web", "active": true, "events": events,
		"config": map[string]any{"url": target, "content_type": "json", "secret": secret, "insecure_ssl": "0"},
	}
	out, err := c.call(ctx, http.MethodPost, "/repos/"+url.PathEscape(owner)+"/"+url.PathEscape(repo)+"/hooks", body)
	if err != nil {
		return 0, err
	}
	id, ok := out["id"].(float64)
	if !ok {
		return 0, fmt.Errorf("github: webhook response has no id")
	}
	return int64(id), nil
}

// DeleteRepoWebhook deletes a repository webhook; an already deleted one
// (404) counts as deleted.
func (c *ActionClient) DeleteRepoWebhook(ctx context.Context, owner, repo string, id int64) error {
	_, err := c.call(ctx, http.MethodDelete, fmt.Sprintf("/repos/%s/%s/hooks/%d", url.PathEscape(owner), url.PathEscape(repo), id), nil)
	var e *ActionError
	if errors.As(err, &e) && e.Status == http.StatusNotFound {
		return nil
	}
	return err
}

func (c *ActionClient) call(ctx context.Context, method, path string, body any) (map[string]any, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, r)
	if err != nil {
		return nil, fmt.Errorf("github: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("User-Agent", "patchbay")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err
		}
		return nil, fmt.Errorf("github: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if resp.StatusCode >= 300 {
		e := &ActionError{Status: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After")}
		var env struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(raw, &env) == nil {
			e.Message = env.Message
		}
		// Primary limits come as 403 with x-ratelimit-remaining: 0,
		// secondary ones as 403 with Retry-After or a message that says so
		// (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit):
		// both are a wait, not a refusal.
		if resp.StatusCode == http.StatusForbidden && (resp.Header.Get("X-Ratelimit-Remaining") == "0" ||
			resp.Header.Get("Retry-After") != "" || strings.Contains(strings.ToLower(e.Message), "secondary rate limit")) {
			e.Status = http.StatusTooManyRequests
		}
		return nil, e
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return map[string]any{}, nil
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("github: response is not a JSON object: %w", err)
	}
	return out, nil
}
