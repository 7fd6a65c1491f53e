package azure

import (
	"encoding/json"

	"github.com/patchbay-dev/patchbay/providers"
)

const guid = `^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`

// RequiredActions are the Azure RBAC actions Patchbay's calls need: reading
// the resource group (GET /subscriptions/{id}/resourcegroups/{name}); the
// Reader role on the group grants it.
var RequiredActions = []string{"Microsoft.Resources/subscriptions/resourceGroups/read"}

var credentials = &providers.CredentialSpec{
	Endpoint: "AZURE",
	DocsURL:  "https://learn.microsoft.com/en-us/entra/identity-platform/howto-create-service-principal-portal",
	Fields: []providers.Field{
		{
			Name:  "credentials_json",
			Label: "Service principal JSON (optional)",
			Kind:  providers.FieldFile,
			Help:  "Instead of the fields below: the JSON printed by `az ad sp create-for-rbac` (appId, password, tenant) or its --sdk-auth form (clientId, clientSecret, tenantId, subscriptionId).",
		},
		{Name: "tenant_id", Label: "Directory (tenant) ID", Kind: providers.FieldText, Required: true, Pattern: guid,
			PatternMessage: "The tenant ID is a GUID (Microsoft Entra ID → Overview).", Placeholder: "00000000-0000-0000-0000-000000000000"},
		{Name: "client_id", Label: "Application (client) ID", Kind: providers.FieldText, Required: true, Pattern: guid,
			PatternMessage: "The application (client) ID is a GUID (App registrations → your app → Overview)."},
		{Name: "client_secret", Label: "Client secret value", Kind: providers.FieldSecret, Required: true,
			Pattern: `^\S{20,}$`, PatternMessage: "Paste the secret's Value (about 40 characters), not its Secret ID (a GUID).",
			Help: "Certificates & secrets → Client secrets: copy the Value column right after creating it."},
		{Name: "subscription_id", Label: "Subscription ID", Kind: providers.FieldText, Required: true, Pattern: guid,
			PatternMessage: "The subscription ID is a GUID (Subscriptions blade)."},
		{Name: "resource_group", Label: "Resource group", Kind: providers.FieldText, Required: true,
			Pattern: `^[-\w._()]{1,90}$`, PatternMessage: "Resource group names are up to 90 letters, digits, -, _, ., ( and ).",
			Help: "Patchbay creates resources only in this group."},
	},
	Steps: []string{
		"Create the resource group Patchbay may use (Portal → Resource groups → Create), or pick an existing one.",
		"Run: az ad sp create-for-rbac --name patchbay --role Reader --scopes /subscriptions/<subscription-id>/resourceGroups/<group>",
		"Paste the printed JSON into the JSON field (or copy appId → client ID, password → client secret, tenant → tenant ID), and fill in the subscription and resource group.",
		"Without the CLI: App registrations → New registration, then Certificates & secrets → New client secret, and assign it Reader on the resource group (Access control (IAM) → Add role assignment).",
	},
	// Patchbay creates nothing in Azure yet: the check reads the group,
	// and that is all the credentials are used for.
	Permissions: RequiredActions,
	Normalize:   normalize,
	Validator:   providers.ValidatorFunc(validate),
}

// normalize spreads a pasted service-principal JSON over the fields; typed
// fields win, so a user can correct one value of the file.
func normalize(v providers.Values) (providers.Values, error) {
	raw := v["credentials_json"]
	if raw == "" {
		return v, nil
	}
	var j struct {
		ClientID       string `json:"clientId"`
		ClientSecret   string `json:"clientSecret"`
		TenantID       string `json:"tenantId"`
		SubscriptionID string `json:"subscriptionId"`
		AppID          string `json:"appId"`
		Password       string `json:"password"`
		Tenant         string `json:"tenant"`
	}
	if err := json.Unmarshal([]byte(raw), &j); err != nil {
		return nil, &providers.FieldError{Field: "credentials_json", Message: "The service principal JSON cannot be parsed."}
	}
	set := func(field string, vals ...string) {
		if v[field] != "" {
			return
		}
		for _, x := range vals {
			if x != "" {
				v[field] = x
				return
			}
		}
	}
	set("client_id", j.ClientID, j.AppID)
	set("client_secret", j.ClientSecret, j.Password)
	set("tenant_id", j.TenantID, j.Tenant)
	set("subscription_id", j.SubscriptionID)
	// The JSON is not kept: its values now live in their own fields.
	delete(v, "credentials_json")
	return v, nil
}
