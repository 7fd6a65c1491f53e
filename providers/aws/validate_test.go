package aws_test

import (
	"context"
	"time"

	"testing"

	"github.com/patchbay-dev/patchbay/providers"
	"github.com/patchbay-dev/patchbay/providers/aws"
	"github.com/patchbay-dev/patchbay/providers/aws/awstest"
	"github.com/patchbay-dev/patchbay/providers/providertest"
)

const (
	tempID  = "ASIAPATCHBAYFAKEBBBB"
	limited = "AKIAPATCHBAYFAKECCCC"
	nosim   = "AKIAPATCHBAYFAKEDDDD"
	rootKey = "AKIAPATCHBAYFAKEEEEE"
	session = "FwoGZXIvYXdzEFakeSessionToken000000000000"
	secretB = "bBbBbBbBbBbBbBbBbBbBbBbBbBbBbBbBbBbBbBbB"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	fixture := func(t *testing.T) (*providertest.Server, *providers.Env) {
		s := awstest.New(t, aws.RequiredActions...)
		s.AddKey(tempID, awstest.Key{Secret: secretB, Session: session, Expired: true, ARN: "arn:aws:sts::123456789012:assumed-role/Dev/me"})
		s.AddKey(limited, awstest.Key{Secret: secretB, ARN: "arn:aws:iam::123456789012:user/limited", Allowed: []string{"iam:CreateUser"}})
		s.AddKey(nosim, awstest.Key{Secret: secretB, ARN: "arn:aws:iam::123456789012:user/nosim"})
		s.AddKey(rootKey, awstest.Key{Secret: secretB, ARN: "arn:aws:iam::123456789012:root"})
		return s.Server, s.Env(0, "AWS")
	}
	vals := func(id, secret string) providers.Values {
		return providers.Values{"access_key_id": id, "secret_access_key": secret}
	}
	valid := vals(awstest.KeyID, awstest.Secret)
	cases := []providertest.Case{
		{Name: "ok", Values: valid, Want: providers.StatusOK, WantAccount: "user/patchbay", WantSummary: "every action"},
		{Name: "unknown key id", Values: vals("AKIAPATCHBAYFAKEZZZZ", awstest.Secret), Want: providers.StatusInvalid, WantField: "access_key_id"},
		{Name: "wrong secret", Values: vals(awstest.KeyID, secretB), Want: providers.StatusInvalid, WantField: "secret_access_key"},
		{Name: "expired session", Values: providers.Values{"access_key_id": tempID, "secret_access_key": secretB, "session_token": session}, Want: providers.StatusExpired, WantField: "session_token"},
		{Name: "temporary without session", Values: vals(tempID, secretB), Want: providers.StatusMissing, WantField: "session_token"},
		{Name: "missing actions", Values: vals(limited, secretB), Want: providers.StatusInsufficientPermissions,
			WantMissing: []string{"iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:AttachUserPolicy", "cognito-idp:CreateUserPoolClient", "cognito-idp:DescribeUserPoolClient", "cognito-idp:UpdateUserPoolClient", "cognito-idp:DeleteUserPoolClient"}},
		{Name: "simulator denied", Values: vals(nosim, secretB), Want: providers.StatusOK, WantSummary: "could not be verified"},
		{Name: "root keys", Values: vals(rootKey, secretB), Want: providers.StatusInsufficientPermissions},
		{Name: "bad region", Values: providers.Values{"access_key_id": awstest.KeyID, "secret_access_key": awstest.Secret, "region": "mars"}, Want: providers.StatusMalformed, WantField: "region"},
	}
	cases = append(cases, providertest.StandardFaults(valid, providers.StatusExpired)...)
	providertest.RunChecks(t, aws.Provider().Credentials, fixture, cases)
}

func TestFreshKeyRetry(t *testing.T) {
	// Not parallel: it changes the package's retry delay.
	old := aws.FreshKeyRetryDelay
	aws.FreshKeyRetryDelay = 50 * time.Millisecond
	defer func() { aws.FreshKeyRetryDelay = old }()
	s := awstest.New(t, aws.RequiredActions...)
	// The first GetCallerIdentity sees the key as unknown, like a key
	// created a moment ago; the retry succeeds.
	s.Inject(providertest.Fault{Kind: providertest.Unauthorized, Times: 1})
	got := aws.Provider().Credentials.Check(context.Background(), providers.Values{"access_key_id": awstest.KeyID, "secret_access_key": awstest.Secret}, s.Env(0, "AWS"))
	if got.Status != providers.StatusOK {
		t.Fatalf("status = %v (%s), want ok after the retry", got.Status, got.Summary)
	}
}
