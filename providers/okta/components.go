package okta

import (
	"context"

	"github.com/patchbay-dev/patchbay/providers"
)

// actions: what API keys can run against the org. get_user reads a user
// by id or login (GET /api/v1/users/{id}).
// https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/
func actions() []providers.Action {
	return []providers.Action{{
		ID:          "get_user",
		Description: "Read an Okta user by id or login (GET /api/v1/users/{id}).",
		InputSchema: `{` + providers.JSONSchemaDraft + `,"type":"object","additionalProperties":false,"required":["user"],"properties":{
			"user":{"type":"string","minLength":1,"maxLength":100,"description":"The user's id (00u...) or login"}}}`,
		OutputSchema: `{` + providers.JSONSchemaDraft + `,"type":"object","required":["id"],"properties":{
			"id":{"type":"string"},"status":{"type":"string"},"profile":{"type":"object"}}}`,
		Run: func(ctx context.Context, env providers.ActionEnv, creds map[string]string, in map[string]any, _ string) (map[string]any, error) {
			org, err := providers.CredentialField(creds, "okta", "org_url")
			if err != nil {
				return nil, err
			}
			tok, err := providers.CredentialField(creds, "okta", "api_token")
			if err != nil {
				return nil, err
			}
			u, err := NewClient(org, tok, env.BaseURL, env.HTTP).GetUser(ctx, providers.Str(in, "user"))
			if err != nil {
				return nil, err
			}
			return providers.Pick(u, "id", "status", "profile"), nil
		},
	}}
}
