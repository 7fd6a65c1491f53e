package mailgun

import (
	"context"

	"github.com/patchbay-dev/patchbay/providers"
)

func actions() []providers.Action {
	return []providers.Action{{
		ID:          "send_email",
		Description: "Send an email through Mailgun (POST /v3/{domain}/messages) from the saved domain.",
		InputSchema: `{` + providers.JSONSchemaDraft + `,"type":"object","additionalProperties":false,"required":["from","to","subject"],
			"anyOf":[{"required":["text"]},{"required":["html"]}],"properties":{
			"from":{"type":"string","minLength":3,"maxLength":998},
			"to":{"type":"array","minItems":1,"maxItems":1000,"items":{"type":"string","format":"email"}},
			"subject":{"type":"string","minLength":1,"maxLength":998},
			"text":{"type":"string","minLength":1},
			"html":{"type":"string","minLength":1}}}`,
		OutputSchema: `{` + providers.JSONSchemaDraft + `,"type":"object","required":["id"],"properties":{"id":{"type":"string"},"message":{"type":"string"}}}`,
		Run: func(ctx context.Context, env providers.ActionEnv, creds map[string]string, in map[string]any, _ string) (map[string]any, error) {
			key, err := providers.CredentialField(creds, "mailgun", "api_key")
			if err != nil {
				return nil, err
			}
			dom, err := providers.CredentialField(creds, "mailgun", "domain")
			if err != nil {
				return nil, err
			}
			c := NewActionClient(key, dom, creds["region"], env.BaseURL, env.HTTP)
			id, msg, err := c.Send(ctx, Message{From: providers.Str(in, "from"), To: providers.Strs(in, "to"), Subject: providers.Str(in, "subject"),
				Text: providers.Str(in, "text"), HTML: providers.Str(in, "html")})
			if err != nil {
				return nil, err
			}
			return map[string]any{"id": id, "message": msg}, nil
		},
	}}
}
