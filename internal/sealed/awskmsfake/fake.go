// Package awskmsfake is a local AWS KMS for tests: the Encrypt and Decrypt
// actions of the AWS JSON 1.1 protocol, as the KMS API reference documents
// them, with requests signed by Signature Version 4 and checked against the
// fake's credentials.
//
//   - Protocol: POST / with Content-Type application/x-amz-json-1.1 and
//     X-Amz-Target TrentService.<Action>; errors are HTTP 4xx with a JSON
//     body {"__type": "<Name>Exception", "message": "..."}
//     (https://docs.aws.amazon.com/kms/latest/APIReference/CommonParameters.html,
//     https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html).
//   - Encrypt: KeyId (key id or key ARN) and Plaintext (base64, 1 to 4,096
//     bytes) required, EncryptionContext optional; answers CiphertextBlob,
//     KeyId (the key ARN) and EncryptionAlgorithm; refuses an unknown key
//     (NotFoundException), a disabled one (DisabledException) and a
//     plaintext out of bounds (ValidationException)
//     (https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html).
//   - Decrypt: CiphertextBlob required, KeyId optional but, when given, it
//     must name the key that encrypted it (IncorrectKeyException); the
//     encryption context must be the one given to Encrypt, exactly, or the
//     ciphertext is refused as invalid (InvalidCiphertextException)
//     (https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html).
//   - Authentication: an Authorization header of AWS4-HMAC-SHA256 whose
//     credential scope is <date>/<region>/kms/aws4_request and whose
//     signature matches the canonical request signed with the secret key
//     (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html);
//     none is MissingAuthenticationTokenException (403), an unknown access
//     key UnrecognizedClientException, a wrong signature or region
//     InvalidSignatureException.
//
// Ciphertexts are the fake's own (AES-256-GCM under the key's material
// with the encryption context as associated data), opaque as KMS's are.
package awskmsfake

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Test credentials the fake accepts (AWS's documented example key pair).
const (
	AccessKeyID     = "AKIAIOSFODNN7EXAMPLE"
	SecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	Account         = "111122223333"
)

// Server is a running fake KMS of one region.
type Server struct {
	URL    string
	Region string

	mu    sync.Mutex
	keys  map[string]*key // by key id
	calls []Call
}

type key struct {
	arn      string
	material []byte
	disabled bool
}

// Call is one request the fake answered.
type Call struct {
	Action            string
	KeyID             string
	EncryptionContext map[string]string
	Error             string // the exception's __type, "" when it succeeded
}

// New starts a fake KMS for region, stopped when the test ends.
func New(t testing.TB, region string) *Server {
	t.Helper()
	s := &Server{Region: region, keys: map[string]*key{}}
	ts := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(ts.Close)
	s.URL = ts.URL
	return s
}

// NewKey creates a symmetric encryption key and returns its ARN.
func (s *Server) NewKey() string {
	id := make([]byte, 16)
	rand.Read(id)
	h := hex.EncodeToString(id)
	kid := h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	k := &key{arn: "arn:aws:kms:" + s.Region + ":" + Account + ":key/" + kid, material: make([]byte, 32)}
	rand.Read(k.material)
	s.mu.Lock()
	s.keys[kid] = k
	s.mu.Unlock()
	return k.arn
}

// Disable disables the key (DisableKey): Encrypt and Decrypt refuse it.
func (s *Server) Disable(arn string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range s.keys {
		if k.arn == arn {
			k.disabled = true
		}
	}
}

// Calls returns the requests answered so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

type kmsError struct {
	status int
	typ    string
	msg    string
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	action := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService.")
	call := Call{Action: action}
	out, kerr := s.handle(r, body, action, &call)
	if kerr != nil {
		call.Error = kerr.typ
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-Requestid", "fake-request")
		w.WriteHeader(kerr.status)
		json.NewEncoder(w).Encode(map[string]string{"__type": kerr.typ, "message": kerr.msg})
	} else {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-Requestid", "fake-request")
		json.NewEncoder(w).Encode(out)
	}
	s.mu.Lock()
	s.calls = append(s.calls, call)
	s.mu.Unlock()
}

func (s *Server) handle(r *http.Request, body []byte, action string, call *Call) (any, *kmsError) {
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		return nil, &kmsError{404, "UnknownOperationException", ""}
	}
	if err := s.authenticate(r, body); err != nil {
		return nil, err
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		return nil, &kmsError{400, "SerializationException", "Content-Type " + ct + " is not application/x-amz-json-1.1"}
	}
	var in struct {
		KeyID             string            `json:"KeyId"`
		Plaintext         []byte            `json:"Plaintext"`
		CiphertextBlob    []byte            `json:"CiphertextBlob"`
		EncryptionContext map[string]string `json:"EncryptionContext"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, &kmsError{400, "SerializationException", err.Error()}
	}
	call.KeyID, call.EncryptionContext = in.KeyID, in.EncryptionContext
	switch action {
	case "Encrypt":
		k, kerr := s.lookup(in.KeyID)
		if kerr != nil {
			return nil, kerr
		}
		if len(in.Plaintext) == 0 || len(in.Plaintext) > 4096 {
			return nil, &kmsError{400, "ValidationException",
				"1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length between 1 and 4096"}
		}
		return map[string]any{"CiphertextBlob": seal(k, in.Plaintext, in.EncryptionContext), "KeyId": k.arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}, nil
	case "Decrypt":
		if len(in.CiphertextBlob) == 0 {
			return nil, &kmsError{400, "ValidationException",
				"1 validation error detected: Value at 'ciphertextBlob' failed to satisfy constraint: Member must have length greater than or equal to 1"}
		}
		kid, rest, ok := splitBlob(in.CiphertextBlob)
		if !ok {
			return nil, &kmsError{400, "InvalidCiphertextException", ""}
		}
		s.mu.Lock()
		k := s.keys[kid]
		s.mu.Unlock()
		if k == nil {
			return nil, &kmsError{400, "InvalidCiphertextException", ""}
		}
		if in.KeyID != "" {
			named, kerr := s.lookup(in.KeyID)
			if kerr != nil {
				return nil, kerr
			}
			if named != k {
				return nil, &kmsError{400, "IncorrectKeyException",
					"The key ID in the request does not identify a CMK that can perform this operation."}
			}
		}
		if k.disabled {
			return nil, &kmsError{400, "DisabledException", k.arn + " is disabled."}
		}
		plain, err := open(k, rest, in.EncryptionContext)
		if err != nil {
			return nil, &kmsError{400, "InvalidCiphertextException", ""}
		}
		return map[string]any{"Plaintext": plain, "KeyId": k.arn, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}, nil
	}
	return nil, &kmsError{400, "UnknownOperationException", ""}
}

// lookup finds a key by id or ARN; the fake has no aliases.
func (s *Server) lookup(id string) (*key, *kmsError) {
	if id == "" {
		return nil, &kmsError{400, "ValidationException",
			"1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null"}
	}
	kid := id
	if strings.HasPrefix(id, "arn:") {
		prefix := "arn:aws:kms:" + s.Region + ":" + Account + ":key/"
		if !strings.HasPrefix(id, prefix) {
			return nil, &kmsError{400, "NotFoundException", "Key '" + id + "' does not exist"}
		}
		kid = strings.TrimPrefix(id, prefix)
	}
	s.mu.Lock()
	k := s.keys[kid]
	s.mu.Unlock()
	if k == nil {
		return nil, &kmsError{400, "NotFoundException", "Key '" + id + "' does not exist"}
	}
	if k.disabled {
		return nil, &kmsError{400, "DisabledException", k.arn + " is disabled."}
	}
	return k, nil
}

// contextAAD is the encryption context in one order, so the same pairs
// give the same associated data however the map was sent.
func contextAAD(ec map[string]string) []byte {
	keys := make([]string, 0, len(ec))
	for k := range ec {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	for _, k := range keys {
		fmt.Fprintf(&b, "%d:%s%d:%s", len(k), k, len(ec[k]), ec[k])
	}
	return b.Bytes()
}

func gcm(k *key) cipher.AEAD {
	block, _ := aes.NewCipher(k.material)
	g, _ := cipher.NewGCM(block)
	return g
}

// seal: one length byte, the key id, the nonce, the GCM ciphertext.
func seal(k *key, plain []byte, ec map[string]string) []byte {
	kid := k.arn[strings.LastIndex(k.arn, "/")+1:]
	g := gcm(k)
	nonce := make([]byte, g.NonceSize())
	rand.Read(nonce)
	out := append([]byte{byte(len(kid))}, kid...)
	out = append(out, nonce...)
	return g.Seal(out, nonce, plain, contextAAD(ec))
}

func splitBlob(b []byte) (string, []byte, bool) {
	if len(b) < 1 || len(b) < 1+int(b[0]) {
		return "", nil, false
	}
	return string(b[1 : 1+int(b[0])]), b[1+int(b[0]):], true
}

func open(k *key, rest []byte, ec map[string]string) ([]byte, error) {
	g := gcm(k)
	if len(rest) < g.NonceSize() {
		return nil, fmt.Errorf("short")
	}
	return g.Open(nil, rest[:g.NonceSize()], rest[g.NonceSize():], contextAAD(ec))
}

// authenticate checks the Signature Version 4 signature of r.
func (s *Server) authenticate(r *http.Request, body []byte) *kmsError {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return &kmsError{403, "MissingAuthenticationTokenException", "Missing Authentication Token"}
	}
	rest, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 ")
	if !ok {
		return &kmsError{400, "IncompleteSignatureException", "Authorization header requires AWS4-HMAC-SHA256"}
	}
	parts := map[string]string{}
	for _, p := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		parts[k] = v
	}
	cred := strings.Split(parts["Credential"], "/")
	if len(cred) != 5 || parts["SignedHeaders"] == "" || parts["Signature"] == "" {
		return &kmsError{400, "IncompleteSignatureException", "Authorization header requires Credential, SignedHeaders and Signature"}
	}
	if cred[0] != AccessKeyID {
		return &kmsError{400, "UnrecognizedClientException", "The security token included in the request is invalid."}
	}
	if cred[2] != s.Region || cred[3] != "kms" || cred[4] != "aws4_request" {
		return &kmsError{400, "InvalidSignatureException", "Credential should be scoped to a valid region, service kms."}
	}
	amzDate := r.Header.Get("X-Amz-Date")
	if !strings.HasPrefix(amzDate, cred[1]) {
		return &kmsError{400, "InvalidSignatureException", "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP"}
	}
	signed := strings.Split(parts["SignedHeaders"], ";")
	var canon strings.Builder
	for _, h := range signed {
		var v string
		switch h {
		case "host":
			v = r.Host
		case "content-length":
			v = r.Header.Get("Content-Length")
			if v == "" {
				v = strconv.FormatInt(r.ContentLength, 10)
			}
		default:
			v = strings.Join(r.Header.Values(h), ",")
		}
		canon.WriteString(h + ":" + strings.Join(strings.Fields(v), " ") + "\n")
	}
	payload := sha256.Sum256(body)
	creq := strings.Join([]string{r.Method, "/", r.URL.RawQuery, canon.String(), parts["SignedHeaders"], hex.EncodeToString(payload[:])}, "\n")
	creqHash := sha256.Sum256([]byte(creq))
	scope := strings.Join(cred[1:], "/")
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(creqHash[:])
	mac := func(k []byte, d string) []byte {
		m := hmac.New(sha256.New, k)
		m.Write([]byte(d))
		return m.Sum(nil)
	}
	sk := mac(mac(mac(mac([]byte("AWS4"+SecretAccessKey), cred[1]), cred[2]), cred[3]), cred[4])
	if want := hex.EncodeToString(mac(sk, toSign)); !hmac.Equal([]byte(want), []byte(parts["Signature"])) {
		return &kmsError{400, "InvalidSignatureException",
			"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."}
	}
	return nil
}
