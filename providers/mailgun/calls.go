package mailgun

import (
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

// Calls are the Mailgun calls Patchbay makes (the credential check in
// validate.go and the send_email action) with what each needs. Mailgun's
// keys carry no scope list: an account API key may call every endpoint
// its role allows, a domain sending key only POST /v3/{domain}/messages
// (and messages.mime) for its domain
// (https://documentation.mailgun.com/docs/mailgun/api-reference/authentication),
// so the check's domain list is what needs an account key. The credential
// form's permission text derives from Needs; TestCallsDeclarePermissions
// records the calls against the fake and checks them against this table.
var Calls = providers.APICalls{
	// The check, every page of every region it reads.
	{Op: "GET /v4/domains", Needs: []string{"list domains"}},
	// The send_email action.
	{Op: "POST /v3/{domain}/messages", Needs: []string{"send messages"}},
}

// RequiredPermissions are what the calls need, once each.
var RequiredPermissions = Calls.Permissions()

// formPermissions is the credential form's permission line, made from
// RequiredPermissions.
func formPermissions() []string {
	return []string{"Account API key able to " + strings.Join(RequiredPermissions, " and ") + " (a domain sending key cannot list domains)"}
}
