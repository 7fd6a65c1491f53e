package azure_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/azure"
	"github.com/patchbay-dev/patchbay/providers/azure/azuretest"
	"github.com/patchbay-dev/patchbay/providers/providertest"
)

const (
	expiredApp     = "bbbbbbbb-bbbb-cccc-dddd-eeeeeeeeeeee"
	noRoleApp      = "cccccccc-bbbb-cccc-dddd-eeeeeeeeeeee"
	contributorApp = "eeeeeeee-bbbb-cccc-dddd-eeeeeeeeeeee"
	otherTenant    = "22222222-2222-3333-4444-555555555555"
	otherSub       = "99999999-1111-2222-3333-444444444444"
)

func values(mod func(providers.Values)) providers.Values {
	v := providers.Values{"tenant_id": azuretest.TenantID, "client_id": azuretest.ClientID, "client_secret": azuretest.ClientSecret,
		"subscription_id": azuretest.SubscriptionID, "resource_group": azuretest.ResourceGroup}
	if mod != nil {
		mod(v)
	}
	return v
}

func TestValidate(t *testing.T) {
	t.Parallel()
	fixture := func(t *testing.T) (*providertest.Server, *providers.Env) {
		s := azuretest.New(t)
		s.AddApp(expiredApp, azuretest.App{Tenant: azuretest.TenantID, Secret: azuretest.ClientSecret, SecretExpired: true})
		s.AddApp(noRoleApp, azuretest.App{Tenant: azuretest.TenantID, Secret: azuretest.ClientSecret, Groups: []string{"other-rg"}})
		s.AddApp(contributorApp, azuretest.App{Tenant: azuretest.TenantID, Secret: azuretest.ClientSecret, Groups: []string{azuretest.ResourceGroup}, Actions: []string{"*"}})
		s.AddApp(azuretest.ClientID, azuretest.App{Tenant: azuretest.TenantID, Secret: azuretest.ClientSecret, Groups: []string{azuretest.ResourceGroup}})
		s.AddSubscription(otherSub, otherTenant)
		return s.Server, s.Env(0, "AZURE")
	}
	valid := values(nil)
	cases := []providertest.Case{
		{Name: "ok", Values: valid, Want: providers.StatusOK, WantAccount: "Patchbay Dev",
			WantVerdicts: map[string]providers.Verdict{"Microsoft.Resources/subscriptions/resourceGroups/read": providers.VerdictVerified}},
		// Contributor ("*") is far more than reading the group, which is
		// all Patchbay does in Azure.
		{Name: "contributor is excess", Values: values(func(v providers.Values) { v["client_id"] = contributorApp }), Want: providers.StatusOK, WantSummary: "does not use",
			WantVerdicts: map[string]providers.Verdict{"Microsoft.Resources/subscriptions/resourceGroups/read": providers.VerdictVerified, "*": providers.VerdictExcess}},
		{Name: "ok from sdk-auth json", Values: providers.Values{"credentials_json": `{"clientId":"` + azuretest.ClientID + `","clientSecret":"` + azuretest.ClientSecret + `","tenantId":"` + azuretest.TenantID + `","subscriptionId":"` + azuretest.SubscriptionID + `"}`, "resource_group": azuretest.ResourceGroup}, Want: providers.StatusOK},
		{Name: "secret id instead of value", Values: values(func(v providers.Values) { v["client_secret"] = azuretest.SecretID }), Want: providers.StatusInvalid, WantField: "client_secret", WantSummary: "AADSTS7000215"},
		{Name: "secret expired", Values: values(func(v providers.Values) { v["client_id"] = expiredApp }), Want: providers.StatusExpired, WantField: "client_secret"},
		{Name: "unknown tenant", Values: values(func(v providers.Values) { v["tenant_id"] = "33333333-2222-3333-4444-555555555555" }), Want: providers.StatusWrongTarget, WantField: "tenant_id"},
		{Name: "app in other tenant", Values: values(func(v providers.Values) { v["client_id"] = "dddddddd-bbbb-cccc-dddd-eeeeeeeeeeee" }), Want: providers.StatusWrongTarget, WantField: "client_id"},
		{Name: "subscription of other tenant", Values: values(func(v providers.Values) { v["subscription_id"] = otherSub }), Want: providers.StatusWrongTarget, WantField: "subscription_id"},
		{Name: "unknown subscription", Values: values(func(v providers.Values) { v["subscription_id"] = "12345678-1111-2222-3333-444444444444" }), Want: providers.StatusWrongTarget, WantField: "subscription_id"},
		{Name: "no role on group", Values: values(func(v providers.Values) { v["client_id"] = noRoleApp }), Want: providers.StatusInsufficientPermissions},
		{Name: "missing group", Values: values(func(v providers.Values) { v["resource_group"] = "nope" }), Want: providers.StatusInsufficientPermissions},
		{Name: "arm token expired", Values: valid, Fault: &providertest.Fault{Kind: providertest.Expired, Path: "/subscriptions"}, Want: providers.StatusExpired},
	}
	cases = append(cases, providertest.StandardFaults(valid, providers.StatusExpired)...)
	providertest.RunChecks(t, azure.Provider().Credentials, fixture, cases)
}

func TestNormalizeCreateForRBACOutput(t *testing.T) {
	t.Parallel()
	got, bad := azure.Provider().Credentials.Prepare(providers.Values{
		"credentials_json": `{"appId":"` + azuretest.ClientID + `","displayName":"patchbay","password":"` + azuretest.ClientSecret + `","tenant":"` + azuretest.TenantID + `"}`,
		"subscription_id":  azuretest.SubscriptionID, "resource_group": azuretest.ResourceGroup,
	})
	if bad != nil {
		t.Fatalf("Prepare: %+v", bad)
	}
	if d := cmp.Diff(values(nil), got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
