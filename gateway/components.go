package gateway

import (
	"context"
	"fmt"

	"github.com/patchbay-dev/patchbay/providers/github"
	"github.com/patchbay-dev/patchbay/providers/mailgun"
	"github.com/patchbay-dev/patchbay/providers/sendgrid"
	"github.com/patchbay-dev/patchbay/providers/slack"
	"github.com/patchbay-dev/patchbay/providers/stripe"
	"github.com/patchbay-dev/patchbay/providers/twilio"
)

// Credential fields each provider's actions read from a profile. They match
// the credential forms in providers/<name>/credentials.go where those exist.
const (
	stripeKeyField    = "secret_key"
	sendgridKeyField  = "api_key"
	twilioSIDField    = "account_sid"
	twilioTokenField  = "auth_token"
	twilioKeySIDField = "api_key_sid"
	twilioSecretField = "api_key_secret"
	slackURLField     = "webhook_url"
	githubTokenField  = "token"
	mailgunKeyField   = "api_key"
	mailgunDomField   = "domain"
	regionField       = "region"
)

const metadataSchema = `{"type":"object","description":"Up to 50 string key/value pairs","additionalProperties":{"type":"string","maxLength":500}}`

func stripeComponents() []*Component {
	client := func(env *callEnv, creds map[string]string) (*stripe.ActionClient, error) {
		key, err := field(creds, "stripe", stripeKeyField)
		if err != nil {
			return nil, err
		}
		return stripe.NewActionClient(key, env.base, env.http), nil
	}
	object := func(f func(*stripe.ActionClient, context.Context, map[string]any, string) (map[string]any, error), keep ...string) func(context.Context, *callEnv, map[string]string, map[string]any, string) (map[string]any, error) {
		return func(ctx context.Context, env *callEnv, creds map[string]string, in map[string]any, idem string) (map[string]any, error) {
			c, err := client(env, creds)
			if err != nil {
				return nil, err
			}
			obj, err := f(c, ctx, in, idem)
			if err != nil {
				return nil, err
			}
			return pick(obj, keep...), nil
		}
	}
	return []*Component{
		{
			Provider: "stripe", ID: "create_customer", Kind: KindAction,
			Description: "Create a Stripe customer (POST /v1/customers).",
			InputSchema: `{` + draft + `,"type":"object","additionalProperties":false,"properties":{
				"email":{"type":"string","format":"email","maxLength":512},
				"name":{"type":"string","maxLength":256},
				"description":{"type":"string","maxLength":350},
				"phone":{"type":"string","maxLength":20},
				"metadata":` + metadataSchema + `}}`,
			OutputSchema: `{` + draft + `,"type":"object","required":["id"],"properties":{
				"id":{"type":"string","pattern":"^cus_"},"object":{"type":"string"},"email":{"type":"string"},
				"name":{"type":"string"},"created":{"type":"integer"},"livemode":{"type":"boolean"}}}`,
			run: object((*stripe.ActionClient).CreateCustomer, "id", "object", "email", "name", "created", "livemode"),
		},
		{
			Provider: "stripe", ID: "create_product", Kind: KindAction,
			Description: "Create a Stripe product (POST /v1/products).",
			InputSchema: `{` + draft + `,"type":"object","additionalProperties":false,"required":["name"],"properties":{
				"name":{"type":"string","minLength":1,"maxLength":250},
				"description":{"type":"string","maxLength":40000},
				"active":{"type":"boolean"},
				"metadata":` + metadataSchema + `}}`,
			OutputSchema: `{` + draft + `,"type":"object","required":["id"],"properties":{
				"id":{"type":"string"},"object":{"type":"string"},"name":{"type":"string"},
				"active":{"type":"boolean"},"created":{"type":"integer"},"livemode":{"type":"boolean"}}}`,
			run: object((*stripe.ActionClient).CreateProduct, "id", "object", "name", "active", "created", "livemode"),
		},
		{
			Provider: "stripe", ID: "create_price", Kind: KindAction,
			Description: "Create a Stripe price for a product (POST /v1/prices). Prices are immutable: change one by creating another.",
			InputSchema: `{` + draft + `,"type":"object","additionalProperties":false,"required":["currency","unit_amount","product"],"properties":{
				"currency":{"type":"string","pattern":"^[a-z]{3}$","description":"Three-letter ISO code, lower case"},
				"unit_amount":{"type":"integer","minimum":0,"description":"Amount in the currency's smallest unit"},
				"product":{"type":"string","pattern":"^prod_[A-Za-z0-9]+$"},
				"nickname":{"type":"string","maxLength":250},
				"lookup_key":{"type":"string","maxLength":200},
				"recurring":{"type":"object","additionalProperties":false,"required":["interval"],"properties":{
					"interval":{"type":"string","enum":["day","week","month","year"]},
					"interval_count":{"type":"integer","minimum":1,"maximum":365}}},
				"metadata":` + metadataSchema + `}}`,
			OutputSchema: `{` + draft + `,"type":"object","required":["id"],"properties":{
				"id":{"type":"string"},"object":{"type":"string"},"currency":{"type":"string"},"unit_amount":{"type":"integer"},
				"product":{"type":"string"},"type":{"type":"string"},"active":{"type":"boolean"},"livemode":{"type":"boolean"}}}`,
			run: object((*stripe.ActionClient).CreatePrice, "id", "object", "currency", "unit_amount", "product", "type", "active", "livemode"),
		},
		{
			Provider: "stripe", ID: "events", Kind: KindTrigger,
			Description: "Deliver Stripe events of the given types. Registers a Stripe webhook endpoint pointing at the daemon; deliveries are verified with Stripe-Signature.",
			InputSchema: `{` + draft + `,"type":"object","additionalProperties":false,"required":["events"],"properties":{
				"events":{"type":"array","minItems":1,"maxItems":100,"items":{"type":"string","pattern":"^(\\*|[a-z_]+(\\.[a-z_]+)+)$"},
					"description":"Event types such as customer.created, or * for all"}}}`,
			OutputSchema: deliverySchema,
			trigger:      stripeTrigger,
		},
	}
}

func sendgridComponents() []*Component {
	return []*Component{{
		Provider: "sendgrid", ID: "send_email", Kind: KindAction,
		Description: "Send an email through SendGrid (POST /v3/mail/send). The sender must be verified in SendGrid.",
		InputSchema: `{` + draft + `,"type":"object","additionalProperties":false,"required":["from","to","subject"],
			"anyOf":[{"required":["text"]},{"required":["html"]}],"properties":{
			"from":{"type":"string","format":"email"},
			"to":{"type":"array","minItems":1,"maxItems":1000,"items":{"type":"string","format":"email"}},
			"reply_to":{"type":"string","format":"email"},
			"subject":{"type":"string","minLength":1,"maxLength":998},
			"text":{"type":"string","minLength":1},
			"html":{"type":"string","minLength":1}}}`,
		OutputSchema: `{` + draft + `,"type":"object","required":["status"],"properties":{
			"status":{"type":"string","enum":["accepted"]},"message_id":{"type":"string"}}}`,
		run: func(ctx context.Context, env *callEnv, creds map[string]string, in map[string]any, _ string) (map[string]any, error) {
			key, err := field(creds, "sendgrid", sendgridKeyField)
			if err != nil {
				return nil, err
			}
			c := sendgrid.NewActionClient(key, creds[regionField], env.base, env.http)
			id, err := c.SendMail(ctx, sendgrid.Mail{From: str(in, "from"), To: strs(in, "to"), Subject: str(in, "subject"),
				Text: str(in, "text"), HTML: str(in, "html"), ReplyTo: str(in, "reply_to")})
			if err != nil {
				return nil, err
			}
			return map[string]any{"status": "accepted", "message_id": id}, nil
		},
	}}
}

func twilioComponents() []*Component {
	return []*Component{{
		Provider: "twilio", ID: "send_sms", Kind: KindAction,
		Description: "Send an SMS through Twilio (POST /2010-04-01/Accounts/{sid}/Messages.json).",
		InputSchema: `{` + draft + `,"type":"object","additionalProperties":false,"required":["to","body"],
			"anyOf":[{"required":["from"]},{"required":["messaging_service_sid"]}],"properties":{
			"to":{"type":"string","pattern":"^\\+[1-9][0-9]{1,14}$","description":"E.164 number"},
			"from":{"type":"string","pattern":"^\\+[1-9][0-9]{1,14}$"},
			"messaging_service_sid":{"type":"string","pattern":"^MG[0-9a-f]{32}$"},
			"body":{"type":"string","minLength":1,"maxLength":1600}}}`,
		OutputSchema: `{` + draft + `,"type":"object","required":["sid"],"properties":{
			"sid":{"type":"string"},"status":{"type":"string"},"to":{"type":"string"},"from":{"type":"string"},
			"date_created":{"type":"string"}}}`,
		run: func(ctx context.Context, env *callEnv, creds map[string]string, in map[string]any, _ string) (map[string]any, error) {
			sid, err := field(creds, "twilio", twilioSIDField)
			if err != nil {
				return nil, err
			}
			user, pass := sid, creds[twilioTokenField]
			if creds[twilioKeySIDField] != "" {
				user, pass = creds[twilioKeySIDField], creds[twilioSecretField]
			}
			if pass == "" {
				return nil, fmt.Errorf("%w: the saved twilio credentials have neither an auth token nor an API key secret", ErrConnection)
			}
			c := twilio.NewActionClient(sid, user, pass, env.base, env.http)
			msg, err := c.SendSMS(ctx, twilio.SMS{To: str(in, "to"), From: str(in, "from"),
				MessagingServiceSID: str(in, "messaging_service_sid"), Body: str(in, "body")})
			if err != nil {
				return nil, err
			}
			return pick(msg, "sid", "status", "to", "from", "date_created"), nil
		},
	}}
}

func slackComponents() []*Component {
	return []*Component{{
		Provider: "slack", ID: "post_message", Kind: KindAction,
		Description: "Post a message through the saved Slack incoming webhook.",
		InputSchema: `{` + draft + `,"type":"object","additionalProperties":false,"required":["text"],"properties":{
			"text":{"type":"string","minLength":1,"maxLength":40000},
			"blocks":{"type":"array","maxItems":50,"items":{"type":"object"}}}}`,
		OutputSchema: `{` + draft + `,"type":"object","required":["ok"],"properties":{"ok":{"type":"boolean"}}}`,
		run: func(ctx context.Context, env *callEnv, creds map[string]string, in map[string]any, _ string) (map[string]any, error) {
			u, err := field(creds, "slack", slackURLField)
			if err != nil {
				return nil, err
			}
			c, err := slack.NewActionClient(u, env.base, env.http)
			if err != nil {
				return nil, fmt.Errorf("%w: %v", ErrConnection, err)
			}
			blocks, _ := in["blocks"].([]any)
			if err := c.PostMessage(ctx, str(in, "text"), blocks); err != nil {
				return nil, err
			}
			return map[string]any{"ok": true}, nil
		},
	}}
}

func githubComponents() []*Component {
	return []*Component{
		{
			Provider: "github", ID: "create_issue", Kind: KindAction,
			Description: "Open an issue in a repository (POST /repos/{owner}/{repo}/issues).",
			InputSchema: `{` + draft + `,"type":"object","additionalProperties":false,"required":["owner","repo","title"],"properties":{
				"owner":{"type":"string","pattern":"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$"},
				"repo":{"type":"string","pattern":"^[A-Za-z0-9._-]{1,100}$"},
				"title":{"type":"string","minLength":1,"maxLength":256},
				"body":{"type":"string","maxLength":65536},
				"labels":{"type":"array","maxItems":100,"items":{"type":"string","minLength":1}},
				"assignees":{"type":"array","maxItems":10,"items":{"type":"string","minLength":1}}}}`,
			OutputSchema: `{` + draft + `,"type":"object","required":["number"],"properties":{
				"id":{"type":"integer"},"number":{"type":"integer"},"html_url":{"type":"string","format":"uri"},"state":{"type":"string"}}}`,
			run: func(ctx context.Context, env *callEnv, creds map[string]string, in map[string]any, _ string) (map[string]any, error) {
				tok, err := field(creds, "github", githubTokenField)
				if err != nil {
					return nil, err
				}
				c := github.NewActionClient(tok, env.base, env.http)
				is, err := c.CreateIssue(ctx, str(in, "owner"), str(in, "repo"), github.Issue{Title: str(in, "title"),
					Body: str(in, "body"), Labels: strs(in, "labels"), Assignees: strs(in, "assignees")})
				if err != nil {
					return nil, err
				}
				return pick(is, "id", "number", "html_url", "state"), nil
			},
		},
		{
			Provider: "github", ID: "repository_events", Kind: KindTrigger,
			Description: "Deliver a repository's GitHub events. Creates a repository webhook pointing at the daemon; deliveries are verified with X-Hub-Signature-256.",
			InputSchema: `{` + draft + `,"type":"object","additionalProperties":false,"required":["owner","repo","events"],"properties":{
				"owner":{"type":"string","pattern":"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$"},
				"repo":{"type":"string","pattern":"^[A-Za-z0-9._-]{1,100}$"},
				"events":{"type":"array","minItems":1,"maxItems":100,"items":{"type":"string","pattern":"^(\\*|[a-z_]+)$"},
					"description":"Event names such as push, issues, pull_request, or * for all"}}}`,
			OutputSchema: deliverySchema,
			trigger:      githubTrigger,
		},
	}
}

func mailgunComponents() []*Component {
	return []*Component{{
		Provider: "mailgun", ID: "send_email", Kind: KindAction,
		Description: "Send an email through Mailgun (POST /v3/{domain}/messages) from the saved domain.",
		InputSchema: `{` + draft + `,"type":"object","additionalProperties":false,"required":["from","to","subject"],
			"anyOf":[{"required":["text"]},{"required":["html"]}],"properties":{
			"from":{"type":"string","minLength":3,"maxLength":998},
			"to":{"type":"array","minItems":1,"maxItems":1000,"items":{"type":"string","format":"email"}},
			"subject":{"type":"string","minLength":1,"maxLength":998},
			"text":{"type":"string","minLength":1},
			"html":{"type":"string","minLength":1}}}`,
		OutputSchema: `{` + draft + `,"type":"object","required":["id"],"properties":{"id":{"type":"string"},"message":{"type":"string"}}}`,
		run: func(ctx context.Context, env *callEnv, creds map[string]string, in map[string]any, _ string) (map[string]any, error) {
			key, err := field(creds, "mailgun", mailgunKeyField)
			if err != nil {
				return nil, err
			}
			dom, err := field(creds, "mailgun", mailgunDomField)
			if err != nil {
				return nil, err
			}
			c := mailgun.NewActionClient(key, dom, creds[regionField], env.base, env.http)
			id, msg, err := c.Send(ctx, mailgun.Message{From: str(in, "from"), To: strs(in, "to"), Subject: str(in, "subject"),
				Text: str(in, "text"), HTML: str(in, "html")})
			if err != nil {
				return nil, err
			}
			return map[string]any{"id": id, "message": msg}, nil
		},
	}}
}

// deliverySchema describes what a trigger posts to its target URL.
const deliverySchema = `{` + draft + `,"type":"object","required":["id","trigger_id","provider","type","data"],"properties":{
	"id":{"type":"string","description":"Delivery id, stable across retries"},
	"trigger_id":{"type":"string"},"provider":{"type":"string"},
	"type":{"type":"string","description":"The provider's event type"},
	"received_at":{"type":"string"},
	"data":{"type":"object","description":"The provider's event, verbatim"}}}`
