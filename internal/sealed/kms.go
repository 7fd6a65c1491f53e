package sealed

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/tink-crypto/tink-go-awskms/v3/integration/awskms"
	"github.com/tink-crypto/tink-go/v2/aead"
	"github.com/tink-crypto/tink-go/v2/tink"
)

// A cloud KMS key can be the key-encryption key instead of a keyset file:
// each value's fresh data key is then wrapped by the KMS (one Encrypt call
// per sealed value, one Decrypt per opened one), and no key material lives
// on the machine at all; who may read secrets is whoever the KMS key's
// policy lets call Decrypt.

// Settings naming a KMS key-encryption key.
const (
	// KEKURIEnv names the key: aws-kms://arn:aws:kms:REGION:ACCOUNT:key/ID.
	KEKURIEnv = "PATCHBAY_KEK_URI"
	// KMSEndpointEnv overrides the KMS endpoint (a VPC endpoint, a local
	// fake); AWS's own AWS_ENDPOINT_URL_KMS works too.
	KMSEndpointEnv = "PATCHBAY_KMS_ENDPOINT"
)

const awsKMSPrefix = "aws-kms://"

// OpenKMS returns the envelope AEAD whose key-encryption key is the cloud
// KMS key uri names; endpoint, when set, replaces the KMS's URL. AWS
// credentials come from the SDK's usual chain (environment, shared files,
// instance or task role). It checks the key with one round trip, so a
// wrong key, region or permission fails at start, not at the first secret.
func OpenKMS(ctx context.Context, uri, endpoint string) (tink.AEAD, error) {
	kek, err := kmsKEK(ctx, uri, endpoint)
	if err != nil {
		return nil, err
	}
	probe := []byte("patchbay key-encryption key check")
	ct, err := kek.Encrypt(probe, []byte(KEKURIEnv))
	if err == nil {
		_, err = kek.Decrypt(ct, []byte(KEKURIEnv))
	}
	if err != nil {
		return nil, fmt.Errorf("sealed: %s %s: the key does not encrypt and decrypt: %w", KEKURIEnv, uri, err)
	}
	return aead.NewKMSEnvelopeAEAD2(aead.AES256GCMKeyTemplate(), kek), nil
}

func kmsKEK(ctx context.Context, uri, endpoint string) (tink.AEAD, error) {
	switch {
	case strings.HasPrefix(uri, awsKMSPrefix):
	case strings.HasPrefix(uri, "gcp-kms://"):
		return nil, fmt.Errorf("sealed: %s %s: Google Cloud KMS is not supported yet; use an aws-kms:// key or %s", KEKURIEnv, uri, KeysetEnv)
	default:
		return nil, fmt.Errorf("sealed: %s %q: want aws-kms://arn:aws:kms:REGION:ACCOUNT:key/ID", KEKURIEnv, uri)
	}
	// arn:PARTITION:kms:REGION:ACCOUNT:key/ID
	arn := strings.Split(strings.TrimPrefix(uri, awsKMSPrefix), ":")
	if len(arn) < 6 || arn[0] != "arn" || arn[2] != "kms" || arn[3] == "" {
		return nil, fmt.Errorf("sealed: %s %q: want aws-kms://arn:aws:kms:REGION:ACCOUNT:key/ID", KEKURIEnv, uri)
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(arn[3]))
	if err != nil {
		return nil, fmt.Errorf("sealed: AWS configuration for %s: %w", uri, err)
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return nil, fmt.Errorf("sealed: %s %s needs AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, or an instance role): %w",
			KEKURIEnv, uri, errors.Unwrap(err))
	}
	client := kms.NewFromConfig(cfg, func(o *kms.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	kc, err := awskms.NewClientWithOptions(ctx, uri, awskms.WithKMS(client))
	if err != nil {
		return nil, fmt.Errorf("sealed: %s %s: %w", KEKURIEnv, uri, err)
	}
	return kc.GetAEAD(uri)
}

// FromEnv returns the envelope AEAD getenv's settings name: a keyset file
// (KeysetEnv) or a KMS key (KEKURIEnv, KMSEndpointEnv), or nil when
// neither is set. Both is an error: secrets sealed under one would not
// open under the other.
func FromEnv(ctx context.Context, getenv func(string) string) (tink.AEAD, error) {
	ks, uri := getenv(KeysetEnv), getenv(KEKURIEnv)
	switch {
	case ks != "" && uri != "":
		return nil, fmt.Errorf("sealed: set %s or %s, not both: secrets sealed with one key do not open with the other", KeysetEnv, KEKURIEnv)
	case ks != "":
		return Open(ks)
	case uri != "":
		return OpenKMS(ctx, uri, getenv(KMSEndpointEnv))
	}
	return nil, nil
}
