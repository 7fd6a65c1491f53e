package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/patchbay-dev/patchbay/providers"
)

func actions() []providers.Action {
	client := func(env providers.ActionEnv, creds map[string]string) (*ActionClient, error) {
		key, err := providers.CredentialField(creds, "stripe", "secret_key")
		if err != nil {
			return nil, err
		}
		return NewActionClient(key, env.BaseURL, env.HTTP), nil
	}
	object := func(f func(*ActionClient, context.Context, map[string]any, string) (map[string]any, error), keep ...string) func(context.Context, providers.ActionEnv, map[string]string, map[string]any, string) (map[string]any, error) {
		return func(ctx context.Context, env providers.ActionEnv, creds map[string]string, in map[string]any, idem string) (map[string]any, error) {
			c, err := client(env, creds)
			if err != nil {
				return nil, err
			}
			obj, err := f(c, ctx, in, idem)
			if err != nil {
				return nil, err
			}
			return providers.Pick(obj, keep...), nil
		}
	}
	return []providers.Action{
		{
			ID:          "create_customer",
			Description: "Create a Stripe customer (POST /v1/customers).",
			InputSchema: `{` + providers.JSONSchemaDraft + `,"type":"object","additionalProperties":false,"properties":{
				"email":{"type":"string","format":"email","maxLength":512},
				"name":{"type":"string","maxLength":256},
				"description":{"type":"string","maxLength":350},
				"phone":{"type":"string","maxLength":20},
				"metadata":` + providers.MetadataSchema + `}}`,
			OutputSchema: `{` + providers.JSONSchemaDraft + `,"type":"object","required":["id"],"properties":{
				"id":{"type":"string","pattern":"^cus_"},"object":{"type":"string"},"email":{"type":"string"},
				"name":{"type":"string"},"created":{"type":"integer"},"livemode":{"type":"boolean"}}}`,
			Run: object((*ActionClient).CreateCustomer, "id", "object", "email", "name", "created", "livemode"),
		},
		{
			ID:          "create_product",
			Description: "Create a Stripe product (POST /v1/products).",
			InputSchema: `{` + providers.JSONSchemaDraft + `,"type":"object","additionalProperties":false,"required":["name"],"properties":{
				"name":{"type":"string","minLength":1,"maxLength":250},
				"description":{"type":"string","maxLength":40000},
				"active":{"type":"boolean"},
				"metadata":` + providers.MetadataSchema + `}}`,
			OutputSchema: `{` + providers.JSONSchemaDraft + `,"type":"object","required":["id"],"properties":{
				"id":{"type":"string"},"object":{"type":"string"},"name":{"type":"string"},
				"active":{"type":"boolean"},"created":{"type":"integer"},"livemode":{"type":"boolean"}}}`,
			Run: object((*ActionClient).CreateProduct, "id", "object", "name", "active", "created", "livemode"),
		},
		{
			ID:          "create_price",
			Description: "Create a Stripe price for a product (POST /v1/prices). Prices are immutable: change one by creating another.",
			InputSchema: `{` + providers.JSONSchemaDraft + `,"type":"object","additionalProperties":false,"required":["currency","unit_amount","product"],"properties":{
				"currency":{"type":"string","pattern":"^[a-z]{3}$","description":"Three-letter ISO code, lower case"},
				"unit_amount":{"type":"integer","minimum":0,"description":"Amount in the currency's smallest unit"},
				"product":{"type":"string","pattern":"^prod_[A-Za-z0-9]+$","maxLength":5000},
				"nickname":{"type":"string","maxLength":250},
				"lookup_key":{"type":"string","maxLength":200},
				"recurring":{"type":"object","additionalProperties":false,"required":["interval"],"properties":{
					"interval":{"type":"string","enum":["day","week","month","year"]},
					"interval_count":{"type":"integer","minimum":1,"maximum":365}}},
				"metadata":` + providers.MetadataSchema + `}}`,
			OutputSchema: `{` + providers.JSONSchemaDraft + `,"type":"object","required":["id"],"properties":{
				"id":{"type":"string"},"object":{"type":"string"},"currency":{"type":"string"},"unit_amount":{"type":"integer"},
				"product":{"type":"string"},"type":{"type":"string"},"active":{"type":"boolean"},"livemode":{"type":"boolean"}}}`,
			Run: object((*ActionClient).CreatePrice, "id", "object", "currency", "unit_amount", "product", "type", "active", "livemode"),
		},
	}
}

// trigger is the provider side of the stripe trigger.
var trigger = providers.Trigger{
	ID:          "events",
	Description: "Deliver Stripe events of the given types. Registers a Stripe webhook endpoint pointing at the daemon; deliveries are verified with Stripe-Signature.",
	InputSchema: `{` + providers.JSONSchemaDraft + `,"type":"object","additionalProperties":false,"required":["events"],"properties":{
		"events":{"type":"array","minItems":1,"maxItems":100,"items":{"type":"string","pattern":"^(\\*|[a-z_]+(\\.[a-z_]+)+)$"},
			"description":"Event types such as customer.created, or * for all"}}}`,
	OutputSchema: providers.DeliverySchema,
	Register: func(ctx context.Context, env providers.ActionEnv, creds map[string]string, cfg map[string]any, hookURL, _, idem string) (string, string, error) {
		key, err := providers.CredentialField(creds, "stripe", "secret_key")
		if err != nil {
			return "", "", err
		}
		c := NewActionClient(key, env.BaseURL, env.HTTP)
		id, secret, err := c.CreateWebhookEndpoint(ctx, hookURL, providers.Strs(cfg, "events"), map[string]string{"created_by": "patchbay"}, idem)
		if err != nil {
			return "", "", err
		}
		if secret == "" {
			// Without whsec_ no delivery could ever be verified; undo.
			_ = c.DeleteWebhookEndpoint(context.WithoutCancel(ctx), id)
			return "", "", fmt.Errorf("%w: stripe returned the webhook endpoint without its signing secret", providers.ErrProvider)
		}
		return id, secret, nil
	},
	Remove: func(ctx context.Context, env providers.ActionEnv, creds map[string]string, _ map[string]any, id string) error {
		key, err := providers.CredentialField(creds, "stripe", "secret_key")
		if err != nil {
			return err
		}
		return NewActionClient(key, env.BaseURL, env.HTTP).DeleteWebhookEndpoint(ctx, id)
	},
	Verify: func(h http.Header, body []byte, secret string, now time.Time) (string, string, error) {
		if err := providers.VerifyTimestamped(h.Get("Stripe-Signature"), body, secret, now, SignatureTolerance); err != nil {
			return "", "", fmt.Errorf("Stripe-Signature: %w", err)
		}
		var ev struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		}
		if err := json.Unmarshal(body, &ev); err != nil || ev.Type == "" {
			return "", "", errors.New("body is not a Stripe event")
		}
		return ev.Type, ev.ID, nil
	},
}

// SignatureTolerance is the replay window for Stripe-Signature timestamps
// (the SDKs' default, providers.md §1.4).
const SignatureTolerance = 5 * time.Minute
