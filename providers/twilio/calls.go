package twilio

import (
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

// Calls are the Twilio calls Patchbay makes (the credential check in
// validate.go, the number_webhooks type through Numbers in resources.go,
// and the send_sms action) with what each needs. Twilio names no
// permission for a Standard key or the Auth Token (they reach every
// resource but Accounts and Keys for a Standard key;
// https://www.twilio.com/docs/iam/api-keys/keys-in-console), and a
// Restricted key's permissions are per resource and action
// (https://www.twilio.com/docs/iam/api-keys/restricted-api-keys), so Needs
// name the resource and the action: the API reference's IncomingPhoneNumber
// (read, update) and Message (create) resources. The credential form's
// permission text derives from them; TestCallsDeclarePermissions records
// the calls against the fake and checks them against this table.
//
// A {name} segment matches one path segment, so "{account}.json" and
// "{number}.json" are written as {account} and {number}.
var Calls = providers.APICalls{
	// The credential check (for the Auth Token and for an API key).
	{Op: "GET /2010-04-01/Accounts/{account}", Needs: []string{"read the account"}},
	// number_webhooks: Create finds the number by PhoneNumber, Read reads
	// it, Create, Update and Delete set its webhook URLs and bindings.
	{Op: "GET /2010-04-01/Accounts/{account}/IncomingPhoneNumbers.json", Needs: []string{"read IncomingPhoneNumbers"}},
	{Op: "GET /2010-04-01/Accounts/{account}/IncomingPhoneNumbers/{number}", Needs: []string{"read IncomingPhoneNumbers"}},
	{Op: "POST /2010-04-01/Accounts/{account}/IncomingPhoneNumbers/{number}", Needs: []string{"update IncomingPhoneNumbers (webhook URLs, application and trunk bindings)"}},
	// The send_sms action.
	{Op: "POST /2010-04-01/Accounts/{account}/Messages.json", Needs: []string{"send Messages"}},
}

// RequiredPermissions are what the calls need, once each.
var RequiredPermissions = Calls.Permissions()

// formPermissions is the credential form's permission line, made from
// RequiredPermissions.
func formPermissions() []string {
	return []string{"Standard API key (or the Auth Token): " + strings.Join(RequiredPermissions, ", ")}
}
