package aws_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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
	scoped  = "AKIAPATCHBAYFAKEFFFF"
	broad   = "AKIAPATCHBAYFAKEGGGG"
	pool    = "eu-west-1_AbCdEf123"
)

func TestValidate(t *testing.T) {
	t.Parallel()
	fixture := func(t *testing.T) (*providertest.Server, *providers.Env) {
		s := awstest.New(t, aws.RequiredActions...)
		s.AddKey(tempID, awstest.Key{Secret: secretB, Session: session, Expired: true, ARN: "arn:aws:sts::123456789012:assumed-role/Dev/me"})
		s.AddKey(limited, awstest.Key{Secret: secretB, ARN: "arn:aws:iam::123456789012:user/limited", Allowed: []string{"iam:CreateUser", "cognito-idp:DescribeUserPoolClient"}})
		// A least-privilege policy: the actions on one pool only.
		s.AddKey(scoped, awstest.Key{Secret: secretB, ARN: "arn:aws:iam::123456789012:user/scoped", Allowed: aws.RequiredActions,
			Resources: []string{"arn:aws:cognito-idp:eu-west-1:" + awstest.AccountID + ":userpool/" + pool}})
		s.AddKey(broad, awstest.Key{Secret: secretB, ARN: "arn:aws:iam::123456789012:user/broad", Allowed: []string{"*"}, Denied: []string{"cognito-idp:DeleteUserPoolClient"}})
		s.AddKey(nosim, awstest.Key{Secret: secretB, ARN: "arn:aws:iam::123456789012:user/nosim"})
		s.AddKey(rootKey, awstest.Key{Secret: secretB, ARN: "arn:aws:iam::123456789012:root"})
		return s.Server, s.Env(0, "AWS")
	}
	vals := func(id, secret string) providers.Values {
		return providers.Values{"access_key_id": id, "secret_access_key": secret}
	}
	valid := vals(awstest.KeyID, awstest.Secret)
	cases := []providertest.Case{
		{Name: "ok", Values: valid, Want: providers.StatusOK, WantAccount: "user/patchbay", WantSummary: "every action",
			WantVerdicts: map[string]providers.Verdict{"cognito-idp:CreateUserPoolClient": providers.VerdictVerified, "cognito-idp:ListUserPoolClients": providers.VerdictVerified}},
		{Name: "unknown key id", Values: vals("AKIAPATCHBAYFAKEZZZZ", awstest.Secret), Want: providers.StatusInvalid, WantField: "access_key_id"},
		{Name: "wrong secret", Values: vals(awstest.KeyID, secretB), Want: providers.StatusInvalid, WantField: "secret_access_key"},
		{Name: "expired session", Values: providers.Values{"access_key_id": tempID, "secret_access_key": secretB, "session_token": session}, Want: providers.StatusExpired, WantField: "session_token"},
		{Name: "temporary without session", Values: vals(tempID, secretB), Want: providers.StatusMissing, WantField: "session_token"},
		// Patchbay calls only Cognito: IAM user actions are not asked for,
		// and one granted anyway is excess.
		{Name: "missing actions", Values: vals(limited, secretB), Want: providers.StatusInsufficientPermissions,
			WantMissing: []string{"cognito-idp:CreateUserPoolClient", "cognito-idp:UpdateUserPoolClient", "cognito-idp:DeleteUserPoolClient", "cognito-idp:ListUserPoolClients",
				"cognito-idp:CreateManagedLoginBranding", "cognito-idp:DescribeManagedLoginBrandingByClient", "cognito-idp:DeleteManagedLoginBranding"},
			WantVerdicts: map[string]providers.Verdict{"cognito-idp:DescribeUserPoolClient": providers.VerdictVerified, "iam:CreateUser": providers.VerdictExcess}},
		// A policy limited to the project's pool allows nothing on every
		// pool of the region; simulated on the pool itself, it suffices.
		{Name: "pool-scoped policy, pools not named", Values: providers.Values{"access_key_id": scoped, "secret_access_key": secretB, "region": "eu-west-1"},
			Want: providers.StatusInsufficientPermissions, WantSummary: "every user pool in eu-west-1"},
		{Name: "pool-scoped policy on its pool", Values: providers.Values{"access_key_id": scoped, "secret_access_key": secretB, "region": "eu-west-1", "user_pool_ids": pool},
			Want: providers.StatusOK, WantSummary: pool,
			WantVerdicts: map[string]providers.Verdict{"cognito-idp:UpdateUserPoolClient": providers.VerdictVerified}},
		{Name: "admin with a deny", Values: vals(broad, secretB), Want: providers.StatusInsufficientPermissions, WantMissing: []string{"cognito-idp:DeleteUserPoolClient"},
			WantVerdicts: map[string]providers.Verdict{"cognito-idp:CreateUserPoolClient": providers.VerdictVerified, "iam:CreateUser": providers.VerdictExcess,
				"iam:PassRole": providers.VerdictExcess, "cognito-idp:DeleteUserPool": providers.VerdictExcess}},
		{Name: "bad pool id", Values: providers.Values{"access_key_id": scoped, "secret_access_key": secretB, "user_pool_ids": "pool-1"}, Want: providers.StatusMalformed, WantField: "user_pool_ids"},
		{Name: "simulator denied", Values: vals(nosim, secretB), Want: providers.StatusOK, WantSummary: "could not be verified",
			WantVerdicts: map[string]providers.Verdict{"cognito-idp:CreateUserPoolClient": providers.VerdictUnverifiable}},
		{Name: "root keys", Values: vals(rootKey, secretB), Want: providers.StatusInsufficientPermissions},
		{Name: "bad region", Values: providers.Values{"access_key_id": awstest.KeyID, "secret_access_key": awstest.Secret, "region": "mars"}, Want: providers.StatusMalformed, WantField: "region"},
	}
	cases = append(cases, providertest.StandardFaults(valid, providers.StatusExpired)...)
	providertest.RunChecks(t, aws.Provider().Credentials, fixture, cases)
}

// TestSimulationNamesPools checks the simulator is asked about the user
// pools' ARNs, not "*" (which a pool-scoped policy never allows).
func TestSimulationNamesPools(t *testing.T) {
	t.Parallel()
	s := awstest.New(t, aws.RequiredActions...)
	r := aws.Provider().Credentials.Check(context.Background(), providers.Values{"access_key_id": awstest.KeyID, "secret_access_key": awstest.Secret,
		"user_pool_ids": "eu-west-1_AbCdEf123, us-east-1_Zz9"}, s.Env(0, "AWS"))
	if r.Status != providers.StatusOK {
		t.Fatalf("status %v: %s", r.Status, r.Summary)
	}
	sims := s.Simulations()
	if len(sims) == 0 {
		t.Fatal("no simulation")
	}
	want := []string{"arn:aws:cognito-idp:eu-west-1:" + awstest.AccountID + ":userpool/eu-west-1_AbCdEf123", "arn:aws:cognito-idp:us-east-1:" + awstest.AccountID + ":userpool/us-east-1_Zz9"}
	if d := cmp.Diff(want, sims[0].Resources); d != "" {
		t.Errorf("ResourceArns (-want +got):\n%s", d)
	}
	for _, a := range aws.RequiredActions {
		if !slices.Contains(sims[0].Actions, a) {
			t.Errorf("%s not simulated on the pools", a)
		}
	}
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
