package aws

import (
	"strings"
	"testing"
)

// TestCognitoClientName: resource names become names Cognito takes.
func TestCognitoClientName(t *testing.T) {
	for in, want := range map[string]string{
		"shop-web-local":         "shop-web-local",
		"@acme/web-local":        "@acme-web-local",
		"monorepo-ä api-prod":    "monorepo-- api-prod",
		strings.Repeat("x", 200): strings.Repeat("x", 128),
	} {
		if got := cognitoClientName(in); got != want {
			t.Errorf("cognitoClientName(%q) = %q, want %q", in, got, want)
		}
	}
}
