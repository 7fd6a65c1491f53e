package awstest_test

import (
	"testing"

	"github.com/patchbay-dev/patchbay/providers/aws/awstest"
)

// TestManagedLoginBrandingRefusals: the fake refuses what Cognito's API
// reference says CreateManagedLoginBranding, DescribeManagedLoginBrandingByClient
// and DeleteManagedLoginBranding refuse, with the JSON-protocol error shape
// (HTTP 400, {"__type", "message"}).
func TestManagedLoginBrandingRefusals(t *testing.T) {
	t.Parallel()
	s := awstest.New(t, "*")
	s.AddUserPool("us-east-1_P")
	client := s.SeedUserPoolClient("us-east-1_P", "app", nil)
	other := s.SeedUserPoolClient("us-east-1_P", "other", nil)

	st, out := cognito(t, s, awstest.Secret, "DescribeManagedLoginBrandingByClient", map[string]any{"UserPoolId": "us-east-1_P", "ClientId": client})
	if st != 400 || out["__type"] != "ResourceNotFoundException" {
		t.Fatalf("describe before create: %d %v", st, out)
	}
	st, out = cognito(t, s, awstest.Secret, "CreateManagedLoginBranding", map[string]any{"UserPoolId": "us-east-1_P", "ClientId": client, "UseCognitoProvidedValues": true})
	if st != 200 {
		t.Fatalf("create: %d %v", st, out)
	}
	b, _ := out["ManagedLoginBranding"].(map[string]any)
	id, _ := b["ManagedLoginBrandingId"].(string)
	if b["UseCognitoProvidedValues"] != true || b["UserPoolId"] != "us-east-1_P" || b["ClientId"] != nil || len(id) != 36 {
		t.Fatalf("created = %v", b)
	}
	st, out = cognito(t, s, awstest.Secret, "DescribeManagedLoginBrandingByClient", map[string]any{"UserPoolId": "us-east-1_P", "ClientId": client})
	if got, _ := out["ManagedLoginBranding"].(map[string]any); st != 200 || got["ManagedLoginBrandingId"] != id {
		t.Fatalf("describe: %d %v", st, out)
	}

	for _, tc := range []struct {
		name, op string
		in       map[string]any
		code     string
	}{
		{"second style for a client", "CreateManagedLoginBranding", map[string]any{"UserPoolId": "us-east-1_P", "ClientId": client, "UseCognitoProvidedValues": true}, "ManagedLoginBrandingExistsException"},
		{"defaults with settings", "CreateManagedLoginBranding", map[string]any{"UserPoolId": "us-east-1_P", "ClientId": other, "UseCognitoProvidedValues": true, "Settings": map[string]any{}}, "InvalidParameterException"},
		{"no client id", "CreateManagedLoginBranding", map[string]any{"UserPoolId": "us-east-1_P", "UseCognitoProvidedValues": true}, "InvalidParameterException"},
		{"unknown client", "CreateManagedLoginBranding", map[string]any{"UserPoolId": "us-east-1_P", "ClientId": "nope", "UseCognitoProvidedValues": true}, "ResourceNotFoundException"},
		{"unknown pool", "CreateManagedLoginBranding", map[string]any{"UserPoolId": "us-east-1_Q", "ClientId": other, "UseCognitoProvidedValues": true}, "ResourceNotFoundException"},
		{"unknown field", "CreateManagedLoginBranding", map[string]any{"UserPoolId": "us-east-1_P", "ClientId": other, "Style": "x"}, "SerializationException"},
		{"id not a UUID v4", "DeleteManagedLoginBranding", map[string]any{"UserPoolId": "us-east-1_P", "ManagedLoginBrandingId": "style-1"}, "InvalidParameterException"},
		{"unknown style", "DeleteManagedLoginBranding", map[string]any{"UserPoolId": "us-east-1_P", "ManagedLoginBrandingId": "6f1c1d9e-1c2b-4a3d-8e4f-0a1b2c3d4e5f"}, "ResourceNotFoundException"},
	} {
		st, out := cognito(t, s, awstest.Secret, tc.op, tc.in)
		if st != 400 || out["__type"] != tc.code || out["message"] == nil {
			t.Errorf("%s: %d %v, want 400 %s", tc.name, st, out, tc.code)
		}
	}

	s.ConcurrentBranding("us-east-1_P", 1)
	if st, out := cognito(t, s, awstest.Secret, "DeleteManagedLoginBranding", map[string]any{"UserPoolId": "us-east-1_P", "ManagedLoginBrandingId": id}); st != 400 || out["__type"] != "ConcurrentModificationException" {
		t.Errorf("concurrent delete: %d %v", st, out)
	}
	if st, out := cognito(t, s, awstest.Secret, "DeleteManagedLoginBranding", map[string]any{"UserPoolId": "us-east-1_P", "ManagedLoginBrandingId": id}); st != 200 || len(out) != 0 {
		t.Errorf("delete: %d %v, want 200 with an empty body", st, out)
	}
	if n := len(s.Brandings("us-east-1_P")); n != 0 {
		t.Errorf("%d styles left", n)
	}
}
