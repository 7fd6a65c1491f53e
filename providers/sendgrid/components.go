package sendgrid

import (
	"context"

	"github.com/patchbay-dev/patchbay/providers"
)

func actions() []providers.Action {
	return []providers.Action{{
		ID:          "send_email",
		Description: "Send an email through SendGrid (POST /v3/mail/send). The sender must be verified in SendGrid.",
		InputSchema: `{` + providers.JSONSchemaDraft + `,"type":"object","additionalProperties":false,"required":["from","to","subject"],
			"anyOf":[{"required":["text"]},{"required":["html"]}],"properties":{
			"from":{"type":"string","format":"email"},
			"to":{"type":"array","minItems":1,"maxItems":1000,"items":{"type":"string","format":"email"}},
			"reply_to":{"type":"string","format":"email"},
			"subject":{"type":"string","minLength":1,"maxLength":998},
			"text":{"type":"string","minLength":1},
			"html":{"type":"string","minLength":1}}}`,
		OutputSchema: `{` + providers.JSONSchemaDraft + `,"type":"object","required":["status"],"properties":{
			"status":{"type":"string","enum":["accepted"]},"message_id":{"type":"string"}}}`,
		Run: func(ctx context.Context, env providers.ActionEnv, creds map[string]string, in map[string]any, _ string) (map[string]any, error) {
			key, err := providers.CredentialField(creds, "sendgrid", "api_key")
			if err != nil {
				return nil, err
			}
			c := NewActionClient(key, creds["region"], env.BaseURL, env.HTTP)
			id, err := c.SendMail(ctx, Mail{From: providers.Str(in, "from"), To: providers.Strs(in, "to"), Subject: providers.Str(in, "subject"),
				Text: providers.Str(in, "text"), HTML: providers.Str(in, "html"), ReplyTo: providers.Str(in, "reply_to")})
			if err != nil {
				return nil, err
			}
			return map[string]any{"status": "accepted", "message_id": id}, nil
		},
	}}
}
