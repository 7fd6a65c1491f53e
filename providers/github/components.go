package github

import (
	"context"
	"crypto/hmac"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/patchbay-dev/patchbay/providers"
)

func actions() []providers.Action {
	return []providers.Action{
		{
			ID:          "create_issue",
			Description: "Open an issue in a repository (POST /repos/{owner}/{repo}/issues).",
			InputSchema: `{` + providers.JSONSchemaDraft + `,"type":"object","additionalProperties":false,"required":["owner","repo","title"],"properties":{
				"owner":{"type":"string","pattern":"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$"},
				"repo":{"type":"string","pattern":"^[A-Za-z0-9._-]{1,100}$"},
				"title":{"type":"string","minLength":1,"maxLength":256},
				"body":{"type":"string","maxLength":65536},
				"labels":{"type":"array","maxItems":100,"items":{"type":"string","minLength":1}},
				"assignees":{"type":"array","maxItems":10,"items":{"type":"string","minLength":1}}}}`,
			OutputSchema: `{` + providers.JSONSchemaDraft + `,"type":"object","required":["number"],"properties":{
				"id":{"type":"integer"},"number":{"type":"integer"},"html_url":{"type":"string","format":"uri"},"state":{"type":"string"}}}`,
			Run: func(ctx context.Context, env providers.ActionEnv, creds map[string]string, in map[string]any, _ string) (map[string]any, error) {
				tok, err := providers.CredentialField(creds, "github", "token")
				if err != nil {
					return nil, err
				}
				c := NewActionClient(tok, env.BaseURL, env.HTTP)
				is, err := c.CreateIssue(ctx, providers.Str(in, "owner"), providers.Str(in, "repo"), Issue{Title: providers.Str(in, "title"),
					Body: providers.Str(in, "body"), Labels: providers.Strs(in, "labels"), Assignees: providers.Strs(in, "assignees")})
				if err != nil {
					return nil, err
				}
				return providers.Pick(is, "id", "number", "html_url", "state"), nil
			},
		},
	}
}

// trigger is the provider side of the github trigger.
var trigger = providers.Trigger{
	ID:          "repository_events",
	Description: "Deliver a repository's GitHub events. Creates a repository webhook pointing at the daemon; deliveries are verified with X-Hub-Signature-256.",
	InputSchema: `{` + providers.JSONSchemaDraft + `,"type":"object","additionalProperties":false,"required":["owner","repo","events"],"properties":{
		"owner":{"type":"string","pattern":"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$"},
		"repo":{"type":"string","pattern":"^[A-Za-z0-9._-]{1,100}$"},
		"events":{"type":"array","minItems":1,"maxItems":100,"items":{"type":"string","pattern":"^(\\*|[a-z_]+)$"},
			"description":"Event names such as push, issues, pull_request, or * for all"}}}`,
	OutputSchema: providers.DeliverySchema,
	Register: func(ctx context.Context, env providers.ActionEnv, creds map[string]string, cfg map[string]any, hookURL, secret, _ string) (string, string, error) {
		tok, err := providers.CredentialField(creds, "github", "token")
		if err != nil {
			return "", "", err
		}
		c := NewActionClient(tok, env.BaseURL, env.HTTP)
		id, err := c.CreateRepoWebhook(ctx, providers.Str(cfg, "owner"), providers.Str(cfg, "repo"), hookURL, secret, providers.Strs(cfg, "events"))
		if err != nil {
			return "", "", err
		}
		return strconv.FormatInt(id, 10), secret, nil
	},
	Remove: func(ctx context.Context, env providers.ActionEnv, creds map[string]string, cfg map[string]any, id string) error {
		tok, err := providers.CredentialField(creds, "github", "token")
		if err != nil {
			return err
		}
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return fmt.Errorf("github webhook id %q: %w", id, err)
		}
		return NewActionClient(tok, env.BaseURL, env.HTTP).DeleteRepoWebhook(ctx, providers.Str(cfg, "owner"), providers.Str(cfg, "repo"), n)
	},
	Verify: func(h http.Header, body []byte, secret string, _ time.Time) (string, string, error) {
		sig, ok := strings.CutPrefix(h.Get("X-Hub-Signature-256"), "sha256=")
		if !ok {
			return "", "", errors.New("X-Hub-Signature-256: missing")
		}
		got, err := hex.DecodeString(sig)
		if err != nil || !hmac.Equal(got, providers.HMACSHA256(secret, body)) {
			return "", "", errors.New("X-Hub-Signature-256: no valid signature")
		}
		typ := h.Get("X-GitHub-Event")
		if typ == "" {
			return "", "", errors.New("X-GitHub-Event: missing")
		}
		return typ, h.Get("X-GitHub-Delivery"), nil
	},
}
