package aws

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// CognitoURL is the Cognito user-pools endpoint of a region.
func CognitoURL(region string) string { return "https://cognito-idp." + region + ".amazonaws.com" }

// ErrNotFound is ResourceNotFoundException: no such pool or client.
var ErrNotFound = errors.New("aws: resource not found")

// JSONError is an AWS JSON-protocol error ({"__type","message"}).
type JSONError struct {
	Status  int
	Code    string
	Message string
}

func (e *JSONError) Error() string { return fmt.Sprintf("aws: %d %s: %s", e.Status, e.Code, e.Message) }

// Retryable is true for throttling, concurrent modification and server
// errors. AWS throttles with 400 TooManyRequestsException, not 429;
// ConcurrentModificationException (400, "two or more modifications are
// happening concurrently", e.g. API_CreateManagedLoginBranding's errors)
// says the same request may succeed once the other change is done.
func (e *JSONError) Retryable() bool {
	return e.Code == "TooManyRequestsException" || e.Code == "ThrottlingException" || e.Code == "ConcurrentModificationException" ||
		e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// Definitive is true when AWS refused the request, so it made nothing.
func (e *JSONError) Definitive() bool { return e.Status >= 400 && e.Status < 500 && !e.Retryable() }

// Cognito calls the Cognito user-pools API (JSON 1.1, SigV4 "cognito-idp").
type Cognito struct {
	creds  awssdk.Credentials
	region string
	base   string
	hc     *http.Client
}

// NewCognito returns a client; baseURL overrides the regional endpoint.
func NewCognito(accessKeyID, secretAccessKey, sessionToken, region, baseURL string, hc *http.Client) *Cognito {
	if baseURL == "" {
		baseURL = CognitoURL(region)
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Cognito{creds: awssdk.Credentials{AccessKeyID: accessKeyID, SecretAccessKey: secretAccessKey, SessionToken: sessionToken},
		region: region, base: strings.TrimRight(baseURL, "/"), hc: hc}
}

func (c *Cognito) do(ctx context.Context, op string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+op)
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, c.creds, req, hex.EncodeToString(sum[:]), "cognito-idp", c.region, time.Now()); err != nil {
		return fmt.Errorf("aws: sign %s: %w", op, err)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("aws: cognito %s: %w", op, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if resp.StatusCode >= 300 {
		var env struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
			Msg     string `json:"Message"`
		}
		_ = json.Unmarshal(raw, &env)
		code := env.Type
		if code == "" {
			code = resp.Header.Get("X-Amzn-ErrorType")
		}
		// __type may carry a namespace ("com.amazon...#Code") and the header a
		// suffix (":http://...").
		if i := strings.LastIndex(code, "#"); i >= 0 {
			code = code[i+1:]
		}
		code, _, _ = strings.Cut(code, ":")
		msg := env.Message
		if msg == "" {
			msg = env.Msg
		}
		if code == "ResourceNotFoundException" {
			return fmt.Errorf("aws: cognito %s: %s: %w", op, msg, ErrNotFound)
		}
		return &JSONError{Status: resp.StatusCode, Code: code, Message: msg}
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("aws: cognito %s: decode: %w", op, err)
		}
	}
	return nil
}

// UserPoolClient is an app client as DescribeUserPoolClient returns it:
// every attribute, kept as raw JSON so that a read-modify-write sends back
// what Patchbay does not manage unchanged.
type UserPoolClient map[string]json.RawMessage

// String returns a string attribute.
func (u UserPoolClient) String(k string) string {
	var s string
	_ = json.Unmarshal(u[k], &s)
	return s
}

// Strings returns a list attribute.
func (u UserPoolClient) Strings(k string) []string {
	var s []string
	_ = json.Unmarshal(u[k], &s)
	return s
}

// Bool returns a boolean attribute.
func (u UserPoolClient) Bool(k string) bool {
	var b bool
	_ = json.Unmarshal(u[k], &b)
	return b
}

// Set sets an attribute.
func (u UserPoolClient) Set(k string, v any) {
	raw, _ := json.Marshal(v)
	u[k] = raw
}

// readOnlyClientFields are returned by DescribeUserPoolClient but are not
// parameters of UpdateUserPoolClient.
var readOnlyClientFields = []string{"ClientSecret", "CreationDate", "LastModifiedDate"}

// CreateUserPoolClient makes an app client; attrs are the request fields
// (UserPoolId and ClientName required).
func (c *Cognito) CreateUserPoolClient(ctx context.Context, attrs UserPoolClient) (UserPoolClient, error) {
	var out struct {
		UserPoolClient UserPoolClient `json:"UserPoolClient"`
	}
	err := c.do(ctx, "CreateUserPoolClient", attrs, &out)
	return out.UserPoolClient, err
}

// DescribeUserPoolClient reads a client, its secret included.
func (c *Cognito) DescribeUserPoolClient(ctx context.Context, poolID, clientID string) (UserPoolClient, error) {
	var out struct {
		UserPoolClient UserPoolClient `json:"UserPoolClient"`
	}
	err := c.do(ctx, "DescribeUserPoolClient", map[string]string{"UserPoolId": poolID, "ClientId": clientID}, &out)
	return out.UserPoolClient, err
}

// UpdateUserPoolClient is Cognito's full replacement: every attribute left
// out is reset to its default. It therefore reads the client first and
// sends back everything, with change applied on top.
func (c *Cognito) UpdateUserPoolClient(ctx context.Context, poolID, clientID string, change func(UserPoolClient)) (UserPoolClient, error) {
	cur, err := c.DescribeUserPoolClient(ctx, poolID, clientID)
	if err != nil {
		return nil, err
	}
	secret := cur["ClientSecret"]
	for _, k := range readOnlyClientFields {
		delete(cur, k)
	}
	change(cur)
	cur.Set("UserPoolId", poolID)
	cur.Set("ClientId", clientID)
	var out struct {
		UserPoolClient UserPoolClient `json:"UserPoolClient"`
	}
	if err := c.do(ctx, "UpdateUserPoolClient", cur, &out); err != nil {
		return nil, err
	}
	if out.UserPoolClient["ClientSecret"] == nil && secret != nil {
		out.UserPoolClient["ClientSecret"] = secret
	}
	return out.UserPoolClient, nil
}

// DeleteUserPoolClient deletes a client; one already gone is success.
func (c *Cognito) DeleteUserPoolClient(ctx context.Context, poolID, clientID string) error {
	err := c.do(ctx, "DeleteUserPoolClient", map[string]string{"UserPoolId": poolID, "ClientId": clientID}, nil)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

// ClientDescription is an entry of ListUserPoolClients.
type ClientDescription struct {
	ClientID   string `json:"ClientId"`
	ClientName string `json:"ClientName"`
	UserPoolID string `json:"UserPoolId"`
}

// ListUserPoolClients lists a pool's clients, following NextToken.
func (c *Cognito) ListUserPoolClients(ctx context.Context, poolID string) ([]ClientDescription, error) {
	var all []ClientDescription
	token := ""
	for range 1000 {
		in := map[string]any{"UserPoolId": poolID, "MaxResults": 60}
		if token != "" {
			in["NextToken"] = token
		}
		var out struct {
			UserPoolClients []ClientDescription `json:"UserPoolClients"`
			NextToken       string              `json:"NextToken"`
		}
		if err := c.do(ctx, "ListUserPoolClients", in, &out); err != nil {
			return nil, err
		}
		all = append(all, out.UserPoolClients...)
		if out.NextToken == "" {
			break
		}
		token = out.NextToken
	}
	return all, nil
}

// ManagedLoginBranding is a managed login style
// (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ManagedLoginBrandingType.html).
// It names no app client: the client is what it was created or looked up
// for.
type ManagedLoginBranding struct {
	ID                       string `json:"ManagedLoginBrandingId"`
	UserPoolID               string `json:"UserPoolId"`
	UseCognitoProvidedValues bool   `json:"UseCognitoProvidedValues"`
}

// ErrBrandingExists is ManagedLoginBrandingExistsException: the app client
// already has a style (a client has at most one).
var ErrBrandingExists = errors.New("aws: the app client already has a managed login branding style")

// CreateManagedLoginBranding gives an app client Cognito's default style
// (UseCognitoProvidedValues, which requires leaving Settings and Assets
// out). Without a style, neither managed login nor classic hosted UI pages
// are available for a client made through the API
// (API_CreateUserPoolClient).
func (c *Cognito) CreateManagedLoginBranding(ctx context.Context, poolID, clientID string) (ManagedLoginBranding, error) {
	var out struct {
		ManagedLoginBranding ManagedLoginBranding `json:"ManagedLoginBranding"`
	}
	err := c.do(ctx, "CreateManagedLoginBranding", map[string]any{"UserPoolId": poolID, "ClientId": clientID, "UseCognitoProvidedValues": true}, &out)
	var je *JSONError
	if errors.As(err, &je) && je.Code == "ManagedLoginBrandingExistsException" {
		return ManagedLoginBranding{}, fmt.Errorf("%w: %s", ErrBrandingExists, je.Message)
	}
	return out.ManagedLoginBranding, err
}

// DescribeManagedLoginBrandingByClient reads an app client's style;
// ErrNotFound when it has none (or the client does not exist).
func (c *Cognito) DescribeManagedLoginBrandingByClient(ctx context.Context, poolID, clientID string) (ManagedLoginBranding, error) {
	var out struct {
		ManagedLoginBranding ManagedLoginBranding `json:"ManagedLoginBranding"`
	}
	err := c.do(ctx, "DescribeManagedLoginBrandingByClient", map[string]string{"UserPoolId": poolID, "ClientId": clientID}, &out)
	return out.ManagedLoginBranding, err
}

// DeleteManagedLoginBranding deletes a style; one already gone is success.
func (c *Cognito) DeleteManagedLoginBranding(ctx context.Context, poolID, brandingID string) error {
	err := c.do(ctx, "DeleteManagedLoginBranding", map[string]string{"UserPoolId": poolID, "ManagedLoginBrandingId": brandingID}, nil)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}
