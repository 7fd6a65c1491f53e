package gateway_test

import (
	"context"
	"errors"
	"testing"

	"github.com/patchbay-dev/patchbay/gateway"
	"github.com/patchbay-dev/patchbay/providers"
)

var errVaultNotFound = errors.New("vault: not found")

type fakeVault struct {
	vals    map[string]providers.Values
	results map[string]providers.CheckResult
	secrets map[string]string
}

func (f *fakeVault) Values(_ context.Context, provider, profile string) (providers.Values, error) {
	v, ok := f.vals[provider+"/"+profile]
	if !ok {
		return nil, errVaultNotFound
	}
	return v, nil
}

func (f *fakeVault) Check(_ context.Context, provider, profile string, _ providers.Values) (providers.CheckResult, error) {
	if r, ok := f.results[provider+"/"+profile]; ok {
		return r, nil
	}
	if _, ok := f.vals[provider+"/"+profile]; !ok {
		return providers.CheckResult{Status: providers.StatusMissing, Summary: "No Stripe credentials are saved under profile \"" + profile + "\"."}, nil
	}
	return providers.CheckResult{Status: providers.StatusOK}, nil
}

func (f *fakeVault) PutSecret(name, value string) error { f.secrets[name] = value; return nil }
func (f *fakeVault) GetSecret(name string) (string, error) {
	s, ok := f.secrets[name]
	if !ok {
		return "", errVaultNotFound
	}
	return s, nil
}
func (f *fakeVault) DeleteSecret(name string) error { delete(f.secrets, name); return nil }

func TestFromVault(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fv := &fakeVault{
		vals: map[string]providers.Values{"stripe/default": {"secret_key": "sk_test_x"}, "stripe/restricted": {"secret_key": "rk_test_x"}},
		results: map[string]providers.CheckResult{"stripe/restricted": {Status: providers.StatusInsufficientPermissions,
			Summary: "The restricted key cannot write customers.", MissingPermissions: []string{"rak_customer_write"},
			Fix: "Add Customers: Write to the key in the Stripe dashboard."}},
		secrets: map[string]string{},
	}
	creds, checker, secrets := gateway.FromVault(fv, fv, errVaultNotFound)
	if v, err := creds.Get(ctx, "stripe", "default"); err != nil || v["secret_key"] != "sk_test_x" {
		t.Fatalf("Get = %v, %v", v, err)
	}
	if _, err := creds.Get(ctx, "stripe", "nope"); !errors.Is(err, gateway.ErrNoCredentials) {
		t.Fatalf("missing profile: %v", err)
	}
	if ok, _, err := checker.Check(ctx, "stripe", "default"); !ok || err != nil {
		t.Fatalf("ok profile: %v %v", ok, err)
	}
	ok, reason, err := checker.Check(ctx, "stripe", "restricted")
	want := "insufficient_permissions; The restricted key cannot write customers; missing permissions: rak_customer_write; fix: Add Customers: Write to the key in the Stripe dashboard"
	if ok || err != nil || reason != want {
		t.Fatalf("restricted: %v %q %v\nwant %q", ok, reason, err, want)
	}
	if err := secrets.Put(ctx, "gateway.trigger.x.signing", "pbws_1"); err != nil {
		t.Fatal(err)
	}
	if s, err := secrets.Get(ctx, "gateway.trigger.x.signing"); err != nil || s != "pbws_1" {
		t.Fatalf("secret = %q, %v", s, err)
	}
	secrets.Delete(ctx, "gateway.trigger.x.signing")
	if _, err := secrets.Get(ctx, "gateway.trigger.x.signing"); !errors.Is(err, gateway.ErrNotFound) {
		t.Fatalf("deleted secret: %v", err)
	}
}
