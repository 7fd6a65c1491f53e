package sealed_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/patchbay-dev/patchbay/internal/sealed"
	"github.com/patchbay-dev/patchbay/internal/sealed/awskmsfake"
)

// awsEnv gives the AWS SDK the fake's credentials and nothing of the
// machine's (no shared config, no instance metadata).
func awsEnv(t *testing.T, secret string) {
	t.Setenv("AWS_ACCESS_KEY_ID", awskmsfake.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL_KMS", "")
	t.Setenv("AWS_ENDPOINT_URL", "")
}

// TestKMSKeyEncryptionKey seals with an AWS KMS key as the key-encryption
// key, against the local fake of KMS's Encrypt and Decrypt (signed
// requests, its documented refusals): each value's data key is wrapped by
// one KMS Encrypt call, the sealed value opens only under its name (the
// associated data of the value's own encryption), and a wrong key, secret or
// a disabled key fail when the key is opened, naming the reason.
func TestKMSKeyEncryptionKey(t *testing.T) {
	ctx := context.Background()
	awsEnv(t, awskmsfake.SecretAccessKey)
	fake := awskmsfake.New(t, "eu-west-1")
	arn := fake.NewKey()
	uri := "aws-kms://" + arn

	a, err := sealed.OpenKMS(ctx, uri, fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("whsec_a-provisioned-signing-secret")
	name := []byte("patchbay/env_1/stripe/webhook_endpoint/api/secret")
	before := len(fake.Calls())
	ct, err := a.Encrypt(secret, name)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(ct, secret) {
		t.Error("the sealed value holds the plain text")
	}
	calls := fake.Calls()[before:]
	if len(calls) != 1 || calls[0].Action != "Encrypt" || calls[0].KeyID != arn || calls[0].Error != "" {
		t.Fatalf("sealing one value made the calls %+v; want one Encrypt of the data key with the key ARN", calls)
	}
	got, err := a.Decrypt(ct, name)
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := a.Decrypt(ct, []byte("patchbay/env_1/other")); err == nil {
		t.Error("a sealed value opened under another name")
	}
	// Another key of the same KMS cannot open it.
	other, err := sealed.OpenKMS(ctx, "aws-kms://"+fake.NewKey(), fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Decrypt(ct, name); err == nil {
		t.Error("another KMS key opened the value")
	}
	if last := fake.Calls()[len(fake.Calls())-1]; last.Error != "IncorrectKeyException" {
		t.Errorf("the other key's Decrypt got %q from KMS, want IncorrectKeyException", last.Error)
	}

	for _, c := range []struct {
		what, uri, secret, want string
	}{
		{"an unknown key", "aws-kms://arn:aws:kms:eu-west-1:" + awskmsfake.Account + ":key/00000000-0000-0000-0000-000000000000", awskmsfake.SecretAccessKey, "NotFoundException"},
		{"a key of another region", "aws-kms://arn:aws:kms:us-east-1:" + awskmsfake.Account + ":key/" + arn[strings.LastIndex(arn, "/")+1:], awskmsfake.SecretAccessKey, "InvalidSignatureException"},
		{"a wrong secret key", uri, "wrong-secret", "InvalidSignatureException"},
		{"not a KMS URI", "arn:aws:kms:eu-west-1:1:key/x", awskmsfake.SecretAccessKey, "want aws-kms://"},
		{"Google Cloud KMS", "gcp-kms://projects/p/locations/l/keyRings/r/cryptoKeys/k", awskmsfake.SecretAccessKey, "not supported"},
	} {
		awsEnv(t, c.secret)
		if _, err := sealed.OpenKMS(ctx, c.uri, fake.URL); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.what, err, c.want)
		}
	}
	awsEnv(t, awskmsfake.SecretAccessKey)
	fake.Disable(arn)
	if _, err := sealed.OpenKMS(ctx, uri, fake.URL); err == nil || !strings.Contains(err.Error(), "DisabledException") {
		t.Errorf("a disabled key: err = %v, want DisabledException", err)
	}
	if _, err := a.Decrypt(ct, name); err == nil {
		t.Error("a value opened with its KMS key disabled")
	}
}

// TestFromEnv: the keyset file or the KMS key, never both.
func TestFromEnv(t *testing.T) {
	ctx := context.Background()
	awsEnv(t, awskmsfake.SecretAccessKey)
	fake := awskmsfake.New(t, "eu-west-1")
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	if a, err := sealed.FromEnv(ctx, getenv); a != nil || err != nil {
		t.Errorf("nothing set: %v, %v; want nil, nil", a, err)
	}
	env[sealed.KEKURIEnv] = "aws-kms://" + fake.NewKey()
	env[sealed.KMSEndpointEnv] = fake.URL
	a, err := sealed.FromEnv(ctx, getenv)
	if err != nil || a == nil {
		t.Fatalf("%s: %v, %v", sealed.KEKURIEnv, a, err)
	}
	ct, err := a.Encrypt([]byte("v"), []byte("n"))
	if err != nil {
		t.Fatal(err)
	}
	if p, err := a.Decrypt(ct, []byte("n")); err != nil || string(p) != "v" {
		t.Errorf("round trip = %q, %v", p, err)
	}
	env[sealed.KeysetEnv] = "/some/keyset.json"
	if _, err := sealed.FromEnv(ctx, getenv); err == nil || !strings.Contains(err.Error(), "not both") {
		t.Errorf("both set: err = %v", err)
	}
}
