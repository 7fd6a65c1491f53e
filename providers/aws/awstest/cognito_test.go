package awstest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/patchbay-dev/patchbay/providers/aws/awstest"
	"github.com/patchbay-dev/patchbay/providers/providertest"
)

func cognito(t *testing.T, s *awstest.Server, secret, op string, in any) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(in)
	req, _ := http.NewRequest("POST", s.URL+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
	sum := sha256.Sum256(body)
	creds := awssdk.Credentials{AccessKeyID: awstest.KeyID, SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "cognito-idp", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, raw := providertest.Do(t, req)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

// TestUpdateUserPoolClientResetsOmittedFields is the trap of providers.md
// §3.5: an update that sends only the URLs loses every other setting.
func TestUpdateUserPoolClientResetsOmittedFields(t *testing.T) {
	t.Parallel()
	s := awstest.New(t, "*")
	s.AddUserPool("us-east-1_P")
	st, out := cognito(t, s, awstest.Secret, "CreateUserPoolClient", map[string]any{"UserPoolId": "us-east-1_P", "ClientName": "app",
		"GenerateSecret": true, "RefreshTokenValidity": 90, "ExplicitAuthFlows": []string{"ALLOW_USER_SRP_AUTH"},
		"CallbackURLs": []string{"https://a.example/cb"}, "AllowedOAuthFlows": []string{"code"}})
	if st != 200 {
		t.Fatalf("create: %d %v", st, out)
	}
	c := out["UserPoolClient"].(map[string]any)
	id := c["ClientId"].(string)
	if c["ClientSecret"] == nil || c["RefreshTokenValidity"] != float64(90) {
		t.Fatalf("created = %v", c)
	}
	st, out = cognito(t, s, awstest.Secret, "UpdateUserPoolClient", map[string]any{"UserPoolId": "us-east-1_P", "ClientId": id,
		"CallbackURLs": []string{"https://b.example/cb"}})
	if st != 200 {
		t.Fatalf("update: %d %v", st, out)
	}
	u := s.UserPoolClients("us-east-1_P")[id]
	if u.RefreshTokenValidity != 30 || len(u.ExplicitAuthFlows) != 0 || len(u.AllowedOAuthFlows) != 0 || u.CallbackURLs[0] != "https://b.example/cb" {
		t.Errorf("omitted fields were kept: %+v", u)
	}

	// A resource server's scope is one the client may have.
	s.AddResourceServerScopes("us-east-1_P", "api/read")
	if st, out := cognito(t, s, awstest.Secret, "UpdateUserPoolClient", map[string]any{"UserPoolId": "us-east-1_P", "ClientId": id,
		"AllowedOAuthScopes": []string{"openid", "api/read"}}); st != 200 {
		t.Errorf("custom scope: %d %v", st, out)
	}
	// App callback URLs such as myapp://example are supported.
	if st, out := cognito(t, s, awstest.Secret, "UpdateUserPoolClient", map[string]any{"UserPoolId": "us-east-1_P", "ClientId": id,
		"CallbackURLs": []string{"myapp://callback", "http://localhost:3000/cb"}}); st != 200 {
		t.Errorf("app scheme callback: %d %v", st, out)
	}

	for _, tc := range []struct {
		name, secret, op string
		in               map[string]any
		code             string
	}{
		{"http callback", awstest.Secret, "UpdateUserPoolClient", map[string]any{"UserPoolId": "us-east-1_P", "ClientId": id, "CallbackURLs": []string{"http://example.com/cb"}}, "InvalidParameterException"},
		{"unknown client", awstest.Secret, "DescribeUserPoolClient", map[string]any{"UserPoolId": "us-east-1_P", "ClientId": "nope"}, "ResourceNotFoundException"},
		{"unknown pool", awstest.Secret, "ListUserPoolClients", map[string]any{"UserPoolId": "us-east-1_Q", "MaxResults": 10}, "ResourceNotFoundException"},
		{"bad signature", "wrong", "DescribeUserPoolClient", map[string]any{"UserPoolId": "us-east-1_P", "ClientId": id}, "InvalidSignatureException"},
		{"read-only field", awstest.Secret, "UpdateUserPoolClient", map[string]any{"UserPoolId": "us-east-1_P", "ClientId": id, "ClientSecret": "x"}, "SerializationException"},
		{"scope with a space", awstest.Secret, "UpdateUserPoolClient", map[string]any{"UserPoolId": "us-east-1_P", "ClientId": id, "AllowedOAuthScopes": []string{"openid email"}}, "InvalidParameterException"},
		{"unknown custom scope", awstest.Secret, "UpdateUserPoolClient", map[string]any{"UserPoolId": "us-east-1_P", "ClientId": id, "AllowedOAuthScopes": []string{"openid", "api/write"}}, "ScopeDoesNotExistException"},
		{"client_credentials with code", awstest.Secret, "UpdateUserPoolClient", map[string]any{"UserPoolId": "us-east-1_P", "ClientId": id, "CallbackURLs": []string{"https://b.example/cb"}, "AllowedOAuthFlows": []string{"code", "client_credentials"}}, "InvalidOAuthFlowException"},
		{"default redirect not a callback", awstest.Secret, "UpdateUserPoolClient", map[string]any{"UserPoolId": "us-east-1_P", "ClientId": id, "CallbackURLs": []string{"https://b.example/cb"}, "DefaultRedirectURI": "https://c.example/cb"}, "InvalidParameterException"},
		{"malformed pool id", awstest.Secret, "DescribeUserPoolClient", map[string]any{"UserPoolId": "us-east-1/P", "ClientId": id}, "InvalidParameterException"},
		{"malformed client id", awstest.Secret, "DescribeUserPoolClient", map[string]any{"UserPoolId": "us-east-1_P", "ClientId": "a/b"}, "InvalidParameterException"},
	} {
		st, out := cognito(t, s, tc.secret, tc.op, tc.in)
		if st < 400 || out["__type"] != tc.code {
			t.Errorf("%s: %d %v, want %s", tc.name, st, out, tc.code)
		}
	}
}

// TestClientNamePattern: Cognito refuses a ClientName outside
// [\w\s+=,.@-]+ or longer than 128 (an npm scope's "/", say).
func TestClientNamePattern(t *testing.T) {
	t.Parallel()
	s := awstest.New(t, "*")
	s.AddUserPool("us-east-1_P")
	for name, want := range map[string]int{"@acme-web-local": 200, "@acme/web-local": 400, string(bytes.Repeat([]byte("a"), 129)): 400} {
		st, out := cognito(t, s, awstest.Secret, "CreateUserPoolClient", map[string]any{"UserPoolId": "us-east-1_P", "ClientName": name})
		if st != want || st == 400 && out["__type"] != "InvalidParameterException" {
			t.Errorf("ClientName %q: %d %v, want %d", name, st, out, want)
		}
	}
}
