package main

import (
	"strings"
	"testing"
)

// TestScanExplain: --explain says what made each finding.
func TestScanExplain(t *testing.T) {
	out, stderr, err := run(t, shortHome(t), "scan", "--explain", "../../testdata/example")
	if err != nil {
		t.Fatalf("scan --explain: %v\n%s", err, stderr)
	}
	for _, want := range []string{
		"because its handling verifies stripe's signature with stripe.webhooks.constructEvent",
		"because it handles checkout.session.completed, customer.subscription.deleted, invoice.payment_failed",
		"because of nextjs-auth0 v4 default",
		"because the code reads the variable",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("scan --explain lacks %q\n%s", want, out)
		}
	}
}
