package sendgrid

import "github.com/patchbay-dev/patchbay/providers"

// Calls are the SendGrid calls Patchbay makes (the resource client in
// resources.go, the send_email action and the credential check) with the
// API key scope each needs (https://www.twilio.com/docs/sendgrid/api-reference/api-key-permissions;
// the API Keys, Mail Send and Event Webhook sections of the API reference).
// RequiredScopes, and so the credential form, derive from them;
// TestCallsDeclareScopes records the calls against the fake and checks
// them against this table.
var Calls = providers.APICalls{
	// The credential check: "returns all the scopes assigned to the key
	// you use", whatever they are.
	{Op: "GET /v3/scopes"},
	// The api_key type. A key can only grant scopes the key creating it
	// holds, so the keys Patchbay makes (mail.send unless sendgrid.scopes
	// says otherwise) need mail.send here too.
	{Op: "POST /v3/api_keys", Needs: []string{"api_keys.create", "mail.send"}},
	{Op: "GET /v3/api_keys", Needs: []string{"api_keys.read"}},
	{Op: "GET /v3/api_keys/{id}", Needs: []string{"api_keys.read"}},
	// Update replaces the name and the whole scope list.
	{Op: "PUT /v3/api_keys/{id}", Needs: []string{"api_keys.update"}},
	{Op: "DELETE /v3/api_keys/{id}", Needs: []string{"api_keys.delete"}},
	// The event_webhook type (the multiple-webhooks API). "all" comes
	// before {id}, which would match it too.
	{Op: "GET /v3/user/webhooks/event/settings/all", Needs: []string{"user.webhooks.event.settings.read"}},
	{Op: "POST /v3/user/webhooks/event/settings", Needs: []string{"user.webhooks.event.settings.update"}},
	{Op: "GET /v3/user/webhooks/event/settings/{id}", Needs: []string{"user.webhooks.event.settings.read"}},
	{Op: "PATCH /v3/user/webhooks/event/settings/{id}", Needs: []string{"user.webhooks.event.settings.update"}},
	{Op: "DELETE /v3/user/webhooks/event/settings/{id}", Needs: []string{"user.webhooks.event.settings.update"}},
	// Signing: on at create, its public key read back.
	{Op: "PATCH /v3/user/webhooks/event/settings/signed/{id}", Needs: []string{"user.webhooks.event.settings.update"}},
	{Op: "GET /v3/user/webhooks/event/settings/signed/{id}", Needs: []string{"user.webhooks.event.settings.read"}},
	// The send_email action.
	{Op: "POST /v3/mail/send", Needs: []string{"mail.send"}},
}

// RequiredScopes are the scopes the calls need, and nothing more.
var RequiredScopes = Calls.Permissions()
