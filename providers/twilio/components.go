package twilio

import (
	"context"
	"fmt"

	"github.com/patchbay-dev/patchbay/providers"
)

func actions() []providers.Action {
	return []providers.Action{{
		ID:          "send_sms",
		Description: "Send an SMS through Twilio (POST /2010-04-01/Accounts/{sid}/Messages.json).",
		InputSchema: `{` + providers.JSONSchemaDraft + `,"type":"object","additionalProperties":false,"required":["to","body"],
			"anyOf":[{"required":["from"]},{"required":["messaging_service_sid"]}],"properties":{
			"to":{"type":"string","pattern":"^\\+[1-9][0-9]{1,14}$","description":"E.164 number"},
			"from":{"type":"string","pattern":"^\\+[1-9][0-9]{1,14}$"},
			"messaging_service_sid":{"type":"string","pattern":"^MG[0-9a-f]{32}$"},
			"body":{"type":"string","minLength":1,"maxLength":1600}}}`,
		OutputSchema: `{` + providers.JSONSchemaDraft + `,"type":"object","required":["sid"],"properties":{
			"sid":{"type":"string"},"status":{"type":"string"},"to":{"type":"string"},"from":{"type":"string"},
			"date_created":{"type":"string"}}}`,
		Run: func(ctx context.Context, env providers.ActionEnv, creds map[string]string, in map[string]any, _ string) (map[string]any, error) {
			sid, err := providers.CredentialField(creds, "twilio", "account_sid")
			if err != nil {
				return nil, err
			}
			user, pass := sid, creds["auth_token"]
			if creds["api_key_sid"] != "" {
				user, pass = creds["api_key_sid"], creds["api_key_secret"]
			}
			if pass == "" {
				return nil, fmt.Errorf("%w: the saved twilio credentials have neither an auth token nor an API key secret", providers.ErrConnection)
			}
			c := NewActionClient(sid, user, pass, env.BaseURL, env.HTTP)
			msg, err := c.SendSMS(ctx, SMS{To: providers.Str(in, "to"), From: providers.Str(in, "from"),
				MessagingServiceSID: providers.Str(in, "messaging_service_sid"), Body: providers.Str(in, "body")})
			if err != nil {
				return nil, err
			}
			return providers.Pick(msg, "sid", "status", "to", "from", "date_created"), nil
		},
	}}
}
