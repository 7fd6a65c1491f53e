package providers

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// This file is the runtime contract of API keys: the actions a provider
// offers (run with a key's chosen connection) and its triggers (a webhook
// at the provider pointing at the daemon, with the provider's signature
// scheme). The gateway serves them and imports no provider package.

// ActionEnv is what an action or trigger gets from the gateway.
type ActionEnv struct {
	// BaseURL is the endpoint override, "" for the provider's default.
	BaseURL string
	HTTP    *http.Client
}

// Action is one provider operation with its published JSON Schemas
// (draft 2020-12).
type Action struct {
	ID           string
	Description  string
	InputSchema  string
	OutputSchema string
	// Run executes the action with the profile's credential fields; idem is
	// the caller's idempotency key, "" when none.
	Run func(ctx context.Context, env ActionEnv, creds map[string]string, in map[string]any, idem string) (map[string]any, error)
}

// Trigger delivers a provider's events to a caller's URL through a
// webhook Patchbay registers at the provider.
type Trigger struct {
	ID           string
	Description  string
	InputSchema  string
	OutputSchema string
	// Register creates the provider webhook pointing at hookURL. secret is
	// one Patchbay generated, for providers that let the caller choose it;
	// providers that choose their own return it.
	Register func(ctx context.Context, env ActionEnv, creds map[string]string, cfg map[string]any, hookURL, secret, idem string) (webhookID, providerSecret string, err error)
	Remove   func(ctx context.Context, env ActionEnv, creds map[string]string, cfg map[string]any, webhookID string) error
	// Verify checks an inbound delivery's signature against the provider
	// secret (the provider's webhook signature scheme) and returns the
	// event's type and id.
	Verify func(h http.Header, body []byte, secret string, now time.Time) (eventType, eventID string, err error)
}

// Error classes actions return (wrapped) where the provider's answer alone
// does not say; the gateway maps them onto its own classes.
var (
	// ErrConnection: the saved credentials cannot be used for the call.
	ErrConnection = errors.New("connection unusable")
	// ErrProvider: the provider failed; retrying later may succeed.
	ErrProvider = errors.New("provider unavailable")
)

// JSONSchemaDraft is the "$schema" member every component schema starts
// with.
const JSONSchemaDraft = `"$schema":"https://json-schema.org/draft/2020-12/schema"`

// MetadataSchema is a provider's string key/value metadata map.
const MetadataSchema = `{"type":"object","description":"Up to 50 string key/value pairs","additionalProperties":{"type":"string","maxLength":500}}`

// DeliverySchema describes what a trigger posts to its target URL.
const DeliverySchema = `{` + JSONSchemaDraft + `,"type":"object","required":["id","trigger_id","provider","type","data"],"properties":{
	"id":{"type":"string","description":"Delivery id, stable across retries"},
	"trigger_id":{"type":"string"},"provider":{"type":"string"},
	"type":{"type":"string","description":"The provider's event type"},
	"received_at":{"type":"string"},
	"data":{"type":"object","description":"The provider's event, verbatim"}}}`

// CredentialField reads a required credential field.
func CredentialField(creds map[string]string, provider, name string) (string, error) {
	v := strings.TrimSpace(creds[name])
	if v == "" {
		return "", fmt.Errorf("%w: the saved %s credentials have no %q field", ErrConnection, provider, name)
	}
	return v, nil
}

// Str reads a string input.
func Str(in map[string]any, k string) string {
	s, _ := in[k].(string)
	return s
}

// Strs reads a string-array input.
func Strs(in map[string]any, k string) []string {
	arr, _ := in[k].([]any)
	out := make([]string, 0, len(arr))
	for _, v := range arr {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Pick copies the named fields of a provider object into an output.
func Pick(obj map[string]any, keys ...string) map[string]any {
	out := map[string]any{}
	for _, k := range keys {
		if v, ok := obj[k]; ok && v != nil {
			out[k] = v
		}
	}
	return out
}

// HMACSHA256 is HMAC-SHA256 of the concatenated parts.
func HMACSHA256(key string, parts ...[]byte) []byte {
	m := hmac.New(sha256.New, []byte(key))
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

// VerifyTimestamped checks a "t=<unix>,v1=<hex>[,v1=...]" header over
// "<t>.<body>", the scheme Stripe uses and Patchbay's own deliveries copy.
func VerifyTimestamped(header string, body []byte, secret string, now time.Time, tolerance time.Duration) error {
	if header == "" {
		return errors.New("missing")
	}
	var ts string
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return errors.New("malformed header")
		}
		switch k {
		case "t":
			ts = v
		case "v1":
			if b, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, b)
			}
		}
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("malformed header: no timestamp")
	}
	if len(sigs) == 0 {
		return errors.New("no v1 signature")
	}
	want := HMACSHA256(secret, []byte(ts), []byte("."), body)
	valid := false
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			valid = true
		}
	}
	if !valid {
		return errors.New("no valid signature")
	}
	if d := now.Sub(time.Unix(t, 0)); d > tolerance || d < -tolerance {
		return errors.New("timestamp outside the tolerance window")
	}
	return nil
}
