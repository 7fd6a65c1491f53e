// Package awstest is an in-repo fake of AWS STS and IAM (Query protocol)
// and Cognito user pools (JSON 1.1, cognito.go) following providers.md §3:
// SigV4 verified independently of the SDK signer, XML error bodies
// (InvalidClientTokenId, SignatureDoesNotMatch, ExpiredToken, AccessDenied,
// Throttling) or, for Cognito, {"__type","message"}; GetCallerIdentity,
// SimulatePrincipalPolicy, and stateful user-pool app clients whose
// UpdateUserPoolClient resets every omitted attribute. One server plays
// every service.
package awstest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// The fake account's valid user key.
const (
	AccountID = "123456789012"
	KeyID     = "AKIAPATCHBAYFAKEAAAA"
	Secret    = "pAtChBaYfAkEsEcReT0000000000000000000000"
)

// Key is an access key.
type Key struct {
	Secret  string
	Session string
	Expired bool
	ARN     string
	// Allowed actions, for the simulator and the Cognito operations; nil
	// denies the simulator itself. "*" allows every action.
	Allowed []string
	// Resources limit the Allowed actions to these ARN patterns (IAM
	// wildcards); none means every resource.
	Resources []string
	// Denied actions are denied explicitly, on every resource.
	Denied []string
}

// Server is the fake.
type Server struct {
	*providertest.Server
	mu    sync.Mutex
	keys  map[string]Key
	pools map[string]*userPool
	// simulations are the SimulatePrincipalPolicy calls answered.
	simulations []Simulation
}

// New starts the fake with KeyID allowed every action.
func New(tb providertest.T, allowed ...string) *Server {
	s := &Server{keys: map[string]Key{KeyID: {Secret: Secret, ARN: "arn:aws:iam::" + AccountID + ":user/patchbay", Allowed: allowed}}}
	s.Server = providertest.New(tb, writeFault)
	s.Handle("POST /{$}", s.serveQuery)
	return s
}

// AddKey registers a key.
func (s *Server) AddKey(id string, k Key) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[id] = k
}

func (s *Server) serveQuery(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if r.Header.Get("X-Amz-Target") != "" {
		if k, ok := s.verify(jsonErrors{w}, r, body); ok && s.authorizeCognito(w, k, strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService."), body) {
			s.serveJSON(w, r, body)
		}
		return
	}
	k, ok := s.verify(xmlErrors{w}, r, body)
	if !ok {
		return
	}
	form, _ := url.ParseQuery(string(body))
	switch form.Get("Action") {
	case "GetCallerIdentity":
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>%s</Arn><UserId>AIDAFAKE</UserId><Account>%s</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>0000</RequestId></ResponseMetadata></GetCallerIdentityResponse>`, k.ARN, AccountID)
	case "SimulatePrincipalPolicy":
		s.simulate(w, k, form)
	default:
		WriteError(w, 400, "InvalidAction", "Could not find operation "+form.Get("Action"))
	}
}

// verify checks the SigV4 signature the way AWS does, from the signed
// header list in the Authorization header.
func (s *Server) verify(w errorWriter, r *http.Request, body []byte) (Key, bool) {
	auth := r.Header.Get("Authorization")
	rest, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 ")
	if !ok {
		w.writeError(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
		return Key{}, false
	}
	parts := map[string]string{}
	for _, p := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		parts[k] = v
	}
	scope := strings.Split(parts["Credential"], "/")
	if len(scope) != 5 {
		w.writeError(400, "IncompleteSignature", "Credential is malformed")
		return Key{}, false
	}
	s.mu.Lock()
	k, known := s.keys[scope[0]]
	s.mu.Unlock()
	if !known {
		w.writeError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
		return k, false
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse("20060102T150405Z", amzDate)
	if err != nil || time.Since(t).Abs() > 5*time.Minute {
		w.writeError(403, "SignatureDoesNotMatch", "Signature expired: "+amzDate+" is now earlier than the allowed time window.")
		return k, false
	}
	var canon strings.Builder
	signed := strings.Split(parts["SignedHeaders"], ";")
	for _, h := range signed {
		v := r.Header.Get(h)
		if h == "host" {
			v = r.Host
		}
		if h == "content-length" {
			v = fmt.Sprint(r.ContentLength)
		}
		canon.WriteString(h + ":" + strings.Join(strings.Fields(v), " ") + "\n")
	}
	sum := sha256.Sum256(body)
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	canonicalRequest := strings.Join([]string{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, canon.String(), parts["SignedHeaders"], hex.EncodeToString(sum[:])}, "\n")
	creq := sha256.Sum256([]byte(canonicalRequest))
	toSign := strings.Join([]string{"AWS4-HMAC-SHA256", amzDate, strings.Join(scope[1:], "/"), hex.EncodeToString(creq[:])}, "\n")
	key := []byte("AWS4" + k.Secret)
	for _, p := range scope[1:] {
		key = hmacSum(key, p)
	}
	want := hex.EncodeToString(hmacSum(key, toSign))
	if !hmac.Equal([]byte(want), []byte(parts["Signature"])) {
		w.writeError(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
		return k, false
	}
	if k.Session != "" && r.Header.Get("X-Amz-Security-Token") != k.Session {
		w.writeError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
		return k, false
	}
	if k.Expired {
		w.writeError(403, "ExpiredToken", "The security token included in the request is expired")
		return k, false
	}
	return k, true
}

func hmacSum(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// WriteError writes the Query-protocol error body.
func WriteError(w http.ResponseWriter, status int, code, msg string) {
	typ := "Sender"
	if status >= 500 {
		typ = "Receiver"
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	var b bytes.Buffer
	fmt.Fprintf(&b, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>0000</RequestId></ErrorResponse>`, typ, code, msg)
	_, _ = w.Write(b.Bytes())
}

// errorWriter writes an auth failure in the protocol of the request: XML
// for Query, JSON for Cognito.
type errorWriter interface {
	writeError(status int, code, msg string)
}

type xmlErrors struct{ http.ResponseWriter }

func (x xmlErrors) writeError(status int, code, msg string) {
	WriteError(x.ResponseWriter, status, code, msg)
}

type jsonErrors struct{ http.ResponseWriter }

// writeError maps the Query codes to their JSON-protocol names.
func (j jsonErrors) writeError(status int, code, msg string) {
	switch code {
	case "InvalidClientTokenId":
		code = "UnrecognizedClientException"
	case "SignatureDoesNotMatch":
		code = "InvalidSignatureException"
	case "ExpiredToken":
		code = "ExpiredTokenException"
	case "MissingAuthenticationToken":
		code = "MissingAuthenticationTokenException"
	case "IncompleteSignature":
		code = "IncompleteSignatureException"
	}
	if status == 403 && code == "UnrecognizedClientException" {
		status = 400
	}
	WriteJSONError(j.ResponseWriter, status, code, msg)
}

func writeFault(w http.ResponseWriter, r *http.Request, f providertest.Fault) {
	if r.Header.Get("X-Amz-Target") != "" {
		switch f.Kind {
		case providertest.Unauthorized:
			WriteJSONError(w, 400, "UnrecognizedClientException", "The security token included in the request is invalid.")
		case providertest.Expired:
			WriteJSONError(w, 400, "ExpiredTokenException", "The security token included in the request is expired")
		case providertest.Forbidden:
			WriteJSONError(w, 400, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/patchbay is not authorized to perform: cognito-idp:UpdateUserPoolClient")
		case providertest.RateLimited:
			WriteJSONError(w, 400, "TooManyRequestsException", "Too many requests")
		default:
			WriteJSONError(w, 500, "InternalErrorException", "An internal error occurred.")
		}
		return
	}
	switch f.Kind {
	case providertest.Unauthorized:
		WriteError(w, 403, "InvalidClientTokenId", "The security token included in the request is invalid.")
	case providertest.Expired:
		WriteError(w, 403, "ExpiredToken", "The security token included in the request is expired")
	case providertest.Forbidden:
		WriteError(w, 403, "AccessDenied", "User: arn:aws:iam::123456789012:user/patchbay is not authorized to perform: sts:GetCallerIdentity")
	case providertest.RateLimited:
		// AWS Query APIs throttle with 400, not 429 (providers.md §3.3).
		WriteError(w, 400, "Throttling", "Rate exceeded")
	default:
		WriteError(w, 500, "InternalFailure", "The request processing has failed because of an unknown error.")
	}
}
