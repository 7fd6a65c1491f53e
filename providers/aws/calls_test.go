package aws_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/aws"
	"github.com/patchbay-dev/patchbay/providers/aws/awstest"
)

const lifecyclePool = "us-east-1_Lifecycle1"

// appClientLifecycle drives every method of the Cognito app client type
// against the fake: create, read, adopt by name, update, delete.
func appClientLifecycle(ctx context.Context, typ providers.ResourceType, creds providers.Credentials, _ string) error {
	props := providers.Props{"name": {"web-dev"}, "user_pool_id": {lifecyclePool}, "callback_urls": {"https://app.example.com/callback"},
		"logout_urls": {"https://app.example.com"}, "allowed_oauth_flows": {"code"}, "allowed_oauth_scopes": {"openid"},
		"supported_identity_providers": {"COGNITO"}, "oauth_enabled": {"true"}}
	st, err := typ.Create(ctx, creds, props, "")
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	got, err := typ.Read(ctx, creds, st.ID)
	if err != nil || got.Secrets["client_secret"] == "" {
		return fmt.Errorf("read: %v (secret present: %v)", err, got.Secrets["client_secret"] != "")
	}
	found, err := typ.Lookup(ctx, creds, props)
	if err != nil || len(found) != 1 {
		return fmt.Errorf("lookup: %d found, %v", len(found), err)
	}
	props["callback_urls"] = append(props["callback_urls"], "https://app.example.com/other")
	if _, err := typ.Update(ctx, creds, st.ID, props); err != nil {
		return fmt.Errorf("update: %w", err)
	}
	if err := typ.Delete(ctx, creds, st.ID); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	return nil
}

// brandingLifecycle makes an app client, then drives the branding type:
// create, read, adopt, update, delete; and removes the client.
func brandingLifecycle(ctx context.Context, typ providers.ResourceType, creds providers.Credentials, base string) error {
	clients := aws.NewCognitoAppClientType(providers.HTTPOptions{BaseURL: base})
	client, err := clients.Create(ctx, creds, providers.Props{"name": {"web-branded"}, "user_pool_id": {lifecyclePool},
		"callback_urls": {"https://app.example.com/callback"}, "allowed_oauth_flows": {"code"}, "allowed_oauth_scopes": {"openid"},
		"supported_identity_providers": {"COGNITO"}, "oauth_enabled": {"true"}}, "")
	if err != nil {
		return fmt.Errorf("create the app client: %w", err)
	}
	props := providers.Props{"user_pool_id": {lifecyclePool}, "app_client": {"web-branded"}}
	st, err := typ.Create(ctx, creds, props, "")
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	if _, err := typ.Read(ctx, creds, st.ID); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	if found, err := typ.Lookup(ctx, creds, props); err != nil || len(found) != 1 {
		return fmt.Errorf("lookup: %d found, %v", len(found), err)
	}
	if _, err := typ.Update(ctx, creds, st.ID, props); err != nil {
		return fmt.Errorf("update: %w", err)
	}
	if err := typ.Delete(ctx, creds, st.ID); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	return clients.Delete(ctx, creds, client.ID)
}

// lifecycles are the drives of each resource type; a type the provider
// registers without one fails TestCallsDeclareActions.
var lifecycles = map[string]func(context.Context, providers.ResourceType, providers.Credentials, string) error{
	"cognito_app_client":             appClientLifecycle,
	"cognito_managed_login_branding": brandingLifecycle,
}

func runLifecycles(ctx context.Context, s *awstest.Server, key string, secret string) error {
	creds := providers.Credentials{"access_key_id": key, "secret_access_key": secret}
	for _, typ := range aws.Provider().Resources(providers.HTTPOptions{BaseURL: s.URL}) {
		drive := lifecycles[typ.Type()]
		if drive == nil {
			return fmt.Errorf("resource type %s has no lifecycle in calls_test.go: add one, and declare its calls in aws.CognitoCalls", typ.Type())
		}
		if err := drive(ctx, typ, creds, s.URL); err != nil {
			return fmt.Errorf("%s: %w", typ.Type(), err)
		}
	}
	return nil
}

// TestCallsDeclareActions derives the IAM actions Patchbay asks for from
// what its code calls: every operation the resource types send must be
// declared in aws.CognitoCalls, every declared one must be sent, the key
// allowed exactly RequiredActions must suffice, and dropping any one of
// them must break a call (so none is asked for that no call needs). The
// fake authorizes each operation as "cognito-idp:<operation>" on the pool.
func TestCallsDeclareActions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const key, secret = "AKIAPATCHBAYFAKELIFE", "lIfEcYcLeSeCrEt0000000000000000000000000"
	s := awstest.New(t)
	s.AddUserPool(lifecyclePool)
	s.AddKey(key, awstest.Key{Secret: secret, ARN: "arn:aws:iam::" + awstest.AccountID + ":user/patchbay", Allowed: aws.RequiredActions,
		Resources: []string{"arn:aws:cognito-idp:us-east-1:" + awstest.AccountID + ":userpool/" + lifecyclePool}})
	if err := runLifecycles(ctx, s, key, secret); err != nil {
		t.Fatalf("with RequiredActions %v: %v", aws.RequiredActions, err)
	}
	used := map[string]bool{}
	for _, r := range s.Requests() {
		op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService.")
		if !ok {
			t.Errorf("a request without a Cognito target: %s %s", r.Method, r.Path)
			continue
		}
		c, ok := aws.CognitoCalls.Match("cognito-idp:" + op)
		if !ok {
			t.Errorf("cognito-idp:%s is not declared in aws.CognitoCalls (declare it with the action it needs)", op)
			continue
		}
		used[c.Op] = true
	}
	for _, c := range aws.CognitoCalls {
		if !used[c.Op] {
			t.Errorf("aws.CognitoCalls declares %s, which no resource type made", c.Op)
		}
	}
	for _, legacy := range []string{"iam:CreateUser", "iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:AttachUserPolicy"} {
		if slices.Contains(aws.RequiredActions, legacy) {
			t.Errorf("RequiredActions asks for %s, which no Patchbay call needs", legacy)
		}
	}
	for _, drop := range aws.RequiredActions {
		t.Run("without "+drop, func(t *testing.T) {
			t.Parallel()
			s := awstest.New(t)
			s.AddUserPool(lifecyclePool)
			s.AddKey(key, awstest.Key{Secret: secret, ARN: "arn:aws:iam::" + awstest.AccountID + ":user/patchbay",
				Allowed: slices.DeleteFunc(slices.Clone(aws.RequiredActions), func(x string) bool { return x == drop })})
			if err := runLifecycles(ctx, s, key, secret); err == nil {
				t.Errorf("the resource types work without %s, so Patchbay should not ask for it", drop)
			}
		})
	}
}
