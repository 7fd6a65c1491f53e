package stripe_test

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/providertest"
	"github.com/patchbay-dev/patchbay/providers/stripe"
	"github.com/patchbay-dev/patchbay/providers/stripe/stripetest"
)

func fixture(t *testing.T) (*providertest.Server, *providers.Env) {
	s := stripetest.New(t)
	s.AddKey("sk_test_expired000000000000", stripetest.Key{Expired: true})
	s.AddKey("rk_test_full0000000000000000", stripetest.Key{Restricted: true, Perms: []string{"rak_product_write", "rak_price_write", "rak_webhook_write"}})
	s.AddKey("rk_test_nowebhooks0000000000", stripetest.Key{Restricted: true, Perms: []string{"rak_product_write", "rak_price_write"}})
	s.AddKey("rk_test_readonly000000000000", stripetest.Key{Restricted: true, Perms: []string{"rak_product_read", "rak_price_read", "rak_webhook_read"}})
	return s.Server, s.Env(0, "STRIPE")
}

func TestValidate(t *testing.T) {
	t.Parallel()
	spec := stripe.Provider().Credentials
	valid := providers.Values{"secret_key": stripetest.TestKey}
	cases := []providertest.Case{
		{Name: "ok", Values: valid, Want: providers.StatusOK, WantAccount: stripetest.Account + " (test mode)",
			WantVerdicts: map[string]providers.Verdict{"rak_product_write": providers.VerdictVerified, "every other permission": providers.VerdictExcess}},
		{Name: "unknown key", Values: providers.Values{"secret_key": "sk_test_doesnotexist00000000"}, Want: providers.StatusInvalid, WantField: "secret_key"},
		{Name: "expired key", Values: providers.Values{"secret_key": "sk_test_expired000000000000"}, Want: providers.StatusExpired},
		// Read probes prove Read; Write would take a write, so it is
		// unverifiable for a read-only key and a read-write one alike.
		{Name: "restricted with all permissions", Values: providers.Values{"secret_key": "rk_test_full0000000000000000"}, Want: providers.StatusOK, WantAccount: "restricted key",
			WantVerdicts: map[string]providers.Verdict{"rak_product_write": providers.VerdictUnverifiable, "rak_price_write": providers.VerdictUnverifiable, "rak_webhook_write": providers.VerdictUnverifiable}},
		{Name: "restricted read-only", Values: providers.Values{"secret_key": "rk_test_readonly000000000000"}, Want: providers.StatusOK, WantSummary: "cannot be checked without a write",
			WantVerdicts: map[string]providers.Verdict{"rak_product_write": providers.VerdictUnverifiable, "rak_webhook_write": providers.VerdictUnverifiable}},
		{Name: "restricted missing webhooks", Values: providers.Values{"secret_key": "rk_test_nowebhooks0000000000"}, Want: providers.StatusInsufficientPermissions, WantMissing: []string{"rak_webhook_write"},
			WantVerdicts: map[string]providers.Verdict{"rak_product_write": providers.VerdictUnverifiable, "rak_webhook_write": providers.VerdictMissing}},
		{Name: "publishable key", Values: providers.Values{"secret_key": "pk_test_abcdefghijklmnop"}, Want: providers.StatusMalformed, WantField: "secret_key"},
		{Name: "empty", Values: providers.Values{}, Want: providers.StatusMissing, WantField: "secret_key"},
	}
	cases = append(cases, providertest.StandardFaults(valid, providers.StatusExpired)...)
	providertest.RunChecks(t, spec, fixture, cases)
}

func TestValidateNetworkDown(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	env := &providers.Env{Endpoints: map[string]string{"STRIPE": "http://" + addr}, HTTPClient: &http.Client{Timeout: time.Second}}
	got := stripe.Provider().Credentials.Check(context.Background(), providers.Values{"secret_key": stripetest.TestKey}, env)
	if got.Status != providers.StatusNetwork {
		t.Fatalf("status = %v (%s), want network", got.Status, got.Summary)
	}
}

func TestEndpointFromEnvironment(t *testing.T) {
	t.Parallel()
	s := stripetest.New(t)
	env := &providers.Env{Getenv: func(k string) string {
		if k == "PATCHBAY_ENDPOINT_STRIPE" {
			return s.URL + "/"
		}
		return ""
	}}
	got := stripe.Provider().Credentials.Check(context.Background(), providers.Values{"secret_key": stripetest.TestKey}, env)
	if got.Status != providers.StatusOK {
		t.Fatalf("status = %v (%s), want ok", got.Status, got.Summary)
	}
}

// TestStripeMock checks request shapes against the official stripe-mock.
// Install it with: GOBIN=$PWD/.bin go install github.com/stripe/stripe-mock@v0.203.0
func TestStripeMock(t *testing.T) {
	base := stripetest.StartMock(t)

	env := &providers.Env{Endpoints: map[string]string{"STRIPE": base}}
	spec := stripe.Provider().Credentials
	if got := spec.Check(context.Background(), providers.Values{"secret_key": "sk_test_patchbay123456789"}, env); got.Status != providers.StatusOK {
		t.Errorf("test key: status = %v (%s), want ok", got.Status, got.Summary)
	}
	// stripe-mock refuses live keys with a 401, like an unknown key.
	if got := spec.Check(context.Background(), providers.Values{"secret_key": "sk_live_patchbay123456789"}, env); got.Status != providers.StatusInvalid {
		t.Errorf("live key: status = %v (%s), want invalid", got.Status, got.Summary)
	}
	if got := spec.Check(context.Background(), providers.Values{"secret_key": "rk_test_patchbay123456789"}, env); got.Status != providers.StatusOK {
		t.Errorf("restricted key: status = %v (%s), want ok", got.Status, got.Summary)
	}
}
