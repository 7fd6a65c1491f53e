package stripe

import (
	"slices"
	"strings"

	"github.com/patchbay-dev/patchbay/providers"
)

// Calls are the Stripe calls of Patchbay's resource types (webhook_endpoint,
// product, price), the events trigger and the credential check, each with
// the restricted-key permission it needs
// (https://docs.stripe.com/keys/restricted-api-keys: every endpoint names
// the resource permission it needs, Read for reads and Write for writes,
// and Write includes Read). RequiredPermissions, and so the credential
// form, derive from them; TestCallsDeclarePermissions drives every type
// against the fake with a restricted key holding exactly those and fails
// when a call is undeclared or one permission is not needed.
var Calls = providers.APICalls{
	// The check: a restricted key is usually refused the account, which
	// the probes below then decide.
	{Op: "GET /v1/account"},
	{Op: "GET /v1/webhook_endpoints", Needs: []string{"rak_webhook_read"}},
	{Op: "POST /v1/webhook_endpoints", Needs: []string{"rak_webhook_write"}},
	{Op: "GET /v1/webhook_endpoints/{id}", Needs: []string{"rak_webhook_read"}},
	{Op: "POST /v1/webhook_endpoints/{id}", Needs: []string{"rak_webhook_write"}},
	{Op: "DELETE /v1/webhook_endpoints/{id}", Needs: []string{"rak_webhook_write"}},
	{Op: "GET /v1/products", Needs: []string{"rak_product_read"}},
	{Op: "POST /v1/products", Needs: []string{"rak_product_write"}},
	{Op: "GET /v1/products/{id}", Needs: []string{"rak_product_read"}},
	{Op: "POST /v1/products/{id}", Needs: []string{"rak_product_write"}},
	{Op: "DELETE /v1/products/{id}", Needs: []string{"rak_product_write"}},
	{Op: "GET /v1/prices", Needs: []string{"rak_price_read"}},
	{Op: "POST /v1/prices", Needs: []string{"rak_price_write"}},
	{Op: "GET /v1/prices/{id}", Needs: []string{"rak_price_read"}},
	{Op: "POST /v1/prices/{id}", Needs: []string{"rak_price_write"}},
}

// ActionCalls are the calls of the gateway's Stripe actions, which run
// with the same key. Only create_customer needs a permission the resource
// types do not.
var ActionCalls = providers.APICalls{
	{Op: "POST /v1/customers", Needs: []string{"rak_customer_write"}},
	{Op: "POST /v1/products", Needs: []string{"rak_product_write"}},
	{Op: "POST /v1/prices", Needs: []string{"rak_price_write"}},
}

// RequiredPermissions are the permissions the calls need, a Read left out
// where the Write of the same resource is needed (Write includes it).
var RequiredPermissions = writesCover(Calls.Permissions())

// ActionPermissions are what the actions need beyond RequiredPermissions
// (rak_customer_write, for create_customer). The form lists them as for
// the actions only; the check does not probe them, since a key for
// provisioning alone rightly lacks them.
var ActionPermissions = slices.DeleteFunc(writesCover(ActionCalls.Permissions()), func(p string) bool {
	return slices.Contains(RequiredPermissions, p)
})

func writesCover(perms []string) []string {
	var out []string
	for _, p := range perms {
		if base, ok := strings.CutSuffix(p, "_read"); ok && slices.Contains(perms, base+"_write") {
			continue
		}
		out = append(out, p)
	}
	return out
}
