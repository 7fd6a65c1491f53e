package main

import (
	"bytes"
	"strings"
	"testing"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
)

// TestPrintCheckPermissions: `creds check` lists each permission with its
// verdict, then the missing and the excess ones.
func TestPrintCheckPermissions(t *testing.T) {
	t.Parallel()
	r := &patchbayv1.CheckResult{Status: patchbayv1.CheckStatus_CHECK_STATUS_INSUFFICIENT_PERMISSIONS,
		Summary: "The credentials work but the client grant lacks create:clients.", Fix: "Tick the missing scopes.",
		MissingPermissions: []string{"create:clients"},
		Permissions: []*patchbayv1.PermissionCheck{
			{Name: "read:clients", Verdict: patchbayv1.PermissionVerdict_PERMISSION_VERDICT_VERIFIED, Detail: "granted (in the token's scope claim)"},
			{Name: "create:clients", Verdict: patchbayv1.PermissionVerdict_PERMISSION_VERDICT_MISSING, Detail: "not granted (in the token's scope claim)"},
			{Name: "rak_product_write", Verdict: patchbayv1.PermissionVerdict_PERMISSION_VERDICT_UNVERIFIABLE, Detail: "see the key in the Dashboard"},
			{Name: "read:users", Verdict: patchbayv1.PermissionVerdict_PERMISSION_VERDICT_EXCESS, Detail: "granted but unused"},
		}}
	var b bytes.Buffer
	printCheck(&b, "auth0", r)
	out := b.String()
	for _, want := range []string{
		"✓ read:clients       verified      granted (in the token's scope claim)",
		"✗ create:clients     missing       not granted",
		"? rak_product_write  unverifiable  see the key in the Dashboard",
		"+ read:users         excess        granted but unused",
		"Missing: create:clients\n",
		"Excess (granted, not needed): read:users\n",
		"Fix: Tick the missing scopes.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "Missing:") != 1 {
		t.Errorf("missing listed more than once:\n%s", out)
	}

	ok := &patchbayv1.CheckResult{Status: patchbayv1.CheckStatus_CHECK_STATUS_OK, Summary: "The key works.",
		Permissions: []*patchbayv1.PermissionCheck{{Name: "rak_product_read", Verdict: patchbayv1.PermissionVerdict_PERMISSION_VERDICT_VERIFIED, Detail: "GET /v1/products answered 200"}}}
	b.Reset()
	printCheck(&b, "stripe", ok)
	if !strings.Contains(b.String(), "✓ rak_product_read  verified") {
		t.Errorf("ok result without its permissions:\n%s", b.String())
	}
}
