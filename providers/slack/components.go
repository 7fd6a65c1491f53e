package slack

import (
	"context"
	"fmt"

	"github.com/patchbay-dev/patchbay/providers"
)

func actions() []providers.Action {
	return []providers.Action{{
		ID:          "post_message",
		Description: "Post a message through the saved Slack incoming webhook.",
		InputSchema: `{` + providers.JSONSchemaDraft + `,"type":"object","additionalProperties":false,"required":["text"],"properties":{
			"text":{"type":"string","minLength":1,"maxLength":40000},
			"blocks":{"type":"array","maxItems":50,"items":{"type":"object"}}}}`,
		OutputSchema: `{` + providers.JSONSchemaDraft + `,"type":"object","required":["ok"],"properties":{"ok":{"type":"boolean"}}}`,
		Run: func(ctx context.Context, env providers.ActionEnv, creds map[string]string, in map[string]any, _ string) (map[string]any, error) {
			u, err := providers.CredentialField(creds, "slack", "webhook_url")
			if err != nil {
				return nil, err
			}
			c, err := NewActionClient(u, env.BaseURL, env.HTTP)
			if err != nil {
				return nil, fmt.Errorf("%w: %v", providers.ErrConnection, err)
			}
			blocks, _ := in["blocks"].([]any)
			if err := c.PostMessage(ctx, providers.Str(in, "text"), blocks); err != nil {
				return nil, err
			}
			return map[string]any{"ok": true}, nil
		},
	}}
}
