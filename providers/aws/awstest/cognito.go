package awstest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/patchbay-dev/patchbay/providers/providertest"
)

// UserPoolClient is an app client as the fake holds it.
type UserPoolClient struct {
	UserPoolID                      string
	ClientID                        string
	ClientName                      string
	ClientSecret                    string
	CallbackURLs                    []string
	LogoutURLs                      []string
	DefaultRedirectURI              string
	AllowedOAuthFlows               []string
	AllowedOAuthScopes              []string
	AllowedOAuthFlowsUserPoolClient bool
	SupportedIdentityProviders      []string
	ExplicitAuthFlows               []string
	ReadAttributes                  []string
	WriteAttributes                 []string
	RefreshTokenValidity            int
	AccessTokenValidity             int
	IDTokenValidity                 int
	TokenValidityUnits              map[string]string
	PreventUserExistenceErrors      string
	EnableTokenRevocation           bool
	AuthSessionValidity             int
	Created, Modified               time.Time
}

// clientAttrs are the writable attributes, in the request's spelling.
// clientNamePattern is ClientName's documented pattern, whole.
var clientNamePattern = regexp.MustCompile(`^[\w\s+=,.@-]+$`)

// scopePattern is AllowedOAuthScopes' documented member pattern, whole.
var scopePattern = regexp.MustCompile(`^[\x21\x23-\x5B\x5D-\x7E]+$`)

var clientAttrs = []string{"ClientName", "CallbackURLs", "LogoutURLs", "DefaultRedirectURI", "AllowedOAuthFlows", "AllowedOAuthScopes",
	"AllowedOAuthFlowsUserPoolClient", "SupportedIdentityProviders", "ExplicitAuthFlows", "ReadAttributes", "WriteAttributes",
	"RefreshTokenValidity", "AccessTokenValidity", "IdTokenValidity", "TokenValidityUnits", "PreventUserExistenceErrors",
	"EnableTokenRevocation", "AuthSessionValidity", "AnalyticsConfiguration", "EnablePropagateAdditionalUserContextData"}

type userPool struct {
	clients   map[string]*UserPoolClient
	order     []string
	brandings map[string]*Branding // by ManagedLoginBrandingId (branding.go)
	// concurrentBranding is how many branding modifications still answer
	// ConcurrentModificationException.
	concurrentBranding int
	// scopes are the custom scopes of the pool's resource servers.
	scopes []string
}

// AddUserPool creates an (empty) user pool with the given id
// ("us-east-1_AbC123").
func (s *Server) AddUserPool(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pools == nil {
		s.pools = map[string]*userPool{}
	}
	if s.pools[id] == nil {
		s.pools[id] = &userPool{clients: map[string]*UserPoolClient{}, brandings: map[string]*Branding{}}
	}
}

// AddResourceServerScopes gives the pool custom scopes
// ("identifier/scope"), as a resource server made in the console does.
func (s *Server) AddResourceServerScopes(pool string, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pools[pool].scopes = append(s.pools[pool].scopes, scopes...)
}

// UserPoolClients returns a pool's clients by id.
func (s *Server) UserPoolClients(pool string) map[string]UserPoolClient {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]UserPoolClient{}
	if p := s.pools[pool]; p != nil {
		for id, c := range p.clients {
			out[id] = c.clone()
		}
	}
	return out
}

// SeedUserPoolClient adds a client made outside Patchbay, configured by
// change on top of the defaults, and returns its id.
func (s *Server) SeedUserPoolClient(pool, name string, change func(*UserPoolClient)) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := defaultClient()
	c.UserPoolID, c.ClientName = pool, name
	if change != nil {
		change(c)
	}
	s.insertClient(s.pools[pool], c)
	return c.ClientID
}

func (c *UserPoolClient) clone() UserPoolClient {
	out := *c
	for _, l := range []*[]string{&out.CallbackURLs, &out.LogoutURLs, &out.AllowedOAuthFlows, &out.AllowedOAuthScopes,
		&out.SupportedIdentityProviders, &out.ExplicitAuthFlows, &out.ReadAttributes, &out.WriteAttributes} {
		*l = slices.Clone(*l)
	}
	out.TokenValidityUnits = map[string]string{}
	for k, v := range c.TokenValidityUnits {
		out.TokenValidityUnits[k] = v
	}
	return out
}

// defaultClient holds what Cognito sets for every attribute a create or an
// update leaves out.
func defaultClient() *UserPoolClient {
	return &UserPoolClient{RefreshTokenValidity: 30, AccessTokenValidity: 60, IDTokenValidity: 60,
		TokenValidityUnits:         map[string]string{"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
		PreventUserExistenceErrors: "ENABLED", EnableTokenRevocation: true, AuthSessionValidity: 3}
}

func (s *Server) insertClient(p *userPool, c *UserPoolClient) {
	c.ClientID = randomID(26)
	c.Created, c.Modified = time.Now(), time.Now()
	p.clients[c.ClientID] = c
	p.order = append(p.order, c.ClientID)
}

func randomID(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		v, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		b[i] = alphabet[v.Int64()]
	}
	return string(b)
}

func (c *UserPoolClient) object() map[string]any {
	o := map[string]any{"UserPoolId": c.UserPoolID, "ClientId": c.ClientID, "ClientName": c.ClientName,
		"RefreshTokenValidity": c.RefreshTokenValidity, "AccessTokenValidity": c.AccessTokenValidity, "IdTokenValidity": c.IDTokenValidity,
		"TokenValidityUnits": c.TokenValidityUnits, "AllowedOAuthFlowsUserPoolClient": c.AllowedOAuthFlowsUserPoolClient,
		"PreventUserExistenceErrors": c.PreventUserExistenceErrors, "EnableTokenRevocation": c.EnableTokenRevocation,
		"EnablePropagateAdditionalUserContextData": false, "AuthSessionValidity": c.AuthSessionValidity,
		"CreationDate": float64(c.Created.Unix()), "LastModifiedDate": float64(c.Modified.Unix())}
	for k, v := range map[string][]string{"CallbackURLs": c.CallbackURLs, "LogoutURLs": c.LogoutURLs, "AllowedOAuthFlows": c.AllowedOAuthFlows,
		"AllowedOAuthScopes": c.AllowedOAuthScopes, "SupportedIdentityProviders": c.SupportedIdentityProviders,
		"ExplicitAuthFlows": c.ExplicitAuthFlows, "ReadAttributes": c.ReadAttributes, "WriteAttributes": c.WriteAttributes} {
		if len(v) > 0 { // Cognito omits empty lists
			o[k] = v
		}
	}
	if c.DefaultRedirectURI != "" {
		o["DefaultRedirectURI"] = c.DefaultRedirectURI
	}
	if c.ClientSecret != "" {
		o["ClientSecret"] = c.ClientSecret
	}
	return o
}

// WriteJSONError writes the JSON-protocol error body and header.
func WriteJSONError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("X-Amzn-ErrorType", code)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	providertest.WriteJSON(w, status, map[string]any{"__type": code, "message": msg})
}

// serveJSON answers the Cognito user-pools operations.
func (s *Server) serveJSON(w http.ResponseWriter, r *http.Request, body []byte) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService.")
	if !ok {
		WriteJSONError(w, 400, "UnknownOperationException", "")
		return
	}
	var in map[string]json.RawMessage
	if err := json.Unmarshal(body, &in); err != nil {
		WriteJSONError(w, 400, "SerializationException", "body is not JSON")
		return
	}
	str := func(k string) string {
		var v string
		_ = json.Unmarshal(in[k], &v)
		return v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	poolID := str("UserPoolId")
	// UserPoolId: 1-55 characters of [\w-]+_[0-9a-zA-Z]+, required by every
	// operation here; ClientId, where sent, 1-128 of [\w+]+
	// (API_DescribeUserPoolClient, request parameters).
	if len(poolID) > 55 || !poolIDPattern.MatchString(poolID) {
		WriteJSONError(w, 400, "InvalidParameterException", "1 validation error detected: Value '"+poolID+"' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+")
		return
	}
	if _, ok := in["ClientId"]; ok {
		if id := str("ClientId"); len(id) > 128 || !clientIDPattern.MatchString(id) {
			WriteJSONError(w, 400, "InvalidParameterException", "1 validation error detected: Value '"+id+"' at 'clientId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+]+")
			return
		}
	}
	pool := s.pools[poolID]
	if pool == nil {
		WriteJSONError(w, 400, "ResourceNotFoundException", "User pool "+poolID+" does not exist.")
		return
	}
	client := func() (*UserPoolClient, bool) {
		c := pool.clients[str("ClientId")]
		if c == nil {
			WriteJSONError(w, 400, "ResourceNotFoundException", "User pool client "+str("ClientId")+" does not exist.")
		}
		return c, c != nil
	}
	reply := func(c *UserPoolClient) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		providertest.WriteJSON(w, 200, map[string]any{"UserPoolClient": c.object()})
	}
	if s.serveBranding(w, op, pool, poolID, in) {
		return
	}
	switch op {
	case "CreateUserPoolClient":
		c := defaultClient()
		c.UserPoolID = poolID
		if !applyClient(w, pool, c, in, "UserPoolId", "GenerateSecret") {
			return
		}
		if strings.TrimSpace(c.ClientName) == "" {
			WriteJSONError(w, 400, "InvalidParameterException", "1 validation error detected: Value null at 'clientName' failed to satisfy constraint: Member must not be null")
			return
		}
		// ClientName: 1-128 characters matching [\w\s+=,.@-]+
		// (API_CreateUserPoolClient, request parameters).
		if len(c.ClientName) > 128 || !clientNamePattern.MatchString(c.ClientName) {
			WriteJSONError(w, 400, "InvalidParameterException", "1 validation error detected: Value '"+c.ClientName+"' at 'clientName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+")
			return
		}
		var gen bool
		_ = json.Unmarshal(in["GenerateSecret"], &gen)
		if gen {
			c.ClientSecret = randomID(51)
		}
		s.insertClient(pool, c)
		s.Changed()
		reply(c)
	case "DescribeUserPoolClient":
		if c, ok := client(); ok {
			reply(c)
		}
	case "UpdateUserPoolClient":
		c, ok := client()
		if !ok {
			return
		}
		// Full replacement: everything the request leaves out goes back to
		// its default (providers.md §3.5). Name, id and secret stay.
		n := defaultClient()
		n.UserPoolID, n.ClientID, n.ClientName, n.ClientSecret, n.Created = c.UserPoolID, c.ClientID, c.ClientName, c.ClientSecret, c.Created
		if !applyClient(w, pool, n, in, "UserPoolId", "ClientId") {
			return
		}
		n.Modified = time.Now()
		*c = *n
		s.Changed()
		reply(c)
	case "DeleteUserPoolClient":
		c, ok := client()
		if !ok {
			return
		}
		delete(pool.clients, c.ClientID)
		pool.order = slices.DeleteFunc(pool.order, func(id string) bool { return id == c.ClientID })
		s.Changed()
		providertest.WriteJSON(w, 200, map[string]any{})
	case "ListUserPoolClients":
		max := 60
		if raw, ok := in["MaxResults"]; ok {
			if json.Unmarshal(raw, &max) != nil || max < 1 || max > 60 {
				WriteJSONError(w, 400, "InvalidParameterException", "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60")
				return
			}
		}
		start := 0
		if tok := str("NextToken"); tok != "" {
			n, err := strconv.Atoi(tok)
			if err != nil || n < 0 || n > len(pool.order) {
				WriteJSONError(w, 400, "InvalidParameterException", "Invalid pagination token")
				return
			}
			start = n
		}
		end := min(start+max, len(pool.order))
		var list []map[string]any
		for _, id := range pool.order[start:end] {
			c := pool.clients[id]
			list = append(list, map[string]any{"ClientId": c.ClientID, "ClientName": c.ClientName, "UserPoolId": c.UserPoolID})
		}
		out := map[string]any{"UserPoolClients": list}
		if end < len(pool.order) {
			out["NextToken"] = strconv.Itoa(end)
		}
		providertest.WriteJSON(w, 200, out)
	default:
		WriteJSONError(w, 400, "UnknownOperationException", "")
	}
}

// applyClient sets the request's attributes on c, rejecting unknown ones
// (extra are the operation's own identifiers) and invalid URLs.
func applyClient(w http.ResponseWriter, pool *userPool, c *UserPoolClient, in map[string]json.RawMessage, extra ...string) bool {
	for k, raw := range in {
		if slices.Contains(extra, k) {
			continue
		}
		if !slices.Contains(clientAttrs, k) {
			WriteJSONError(w, 400, "SerializationException", "Unrecognized field \""+k+"\"")
			return false
		}
		var err error
		switch k {
		case "ClientName":
			err = json.Unmarshal(raw, &c.ClientName)
		case "CallbackURLs":
			err = json.Unmarshal(raw, &c.CallbackURLs)
		case "LogoutURLs":
			err = json.Unmarshal(raw, &c.LogoutURLs)
		case "DefaultRedirectURI":
			err = json.Unmarshal(raw, &c.DefaultRedirectURI)
		case "AllowedOAuthFlows":
			err = json.Unmarshal(raw, &c.AllowedOAuthFlows)
		case "AllowedOAuthScopes":
			err = json.Unmarshal(raw, &c.AllowedOAuthScopes)
		case "AllowedOAuthFlowsUserPoolClient":
			err = json.Unmarshal(raw, &c.AllowedOAuthFlowsUserPoolClient)
		case "SupportedIdentityProviders":
			err = json.Unmarshal(raw, &c.SupportedIdentityProviders)
		case "ExplicitAuthFlows":
			err = json.Unmarshal(raw, &c.ExplicitAuthFlows)
		case "ReadAttributes":
			err = json.Unmarshal(raw, &c.ReadAttributes)
		case "WriteAttributes":
			err = json.Unmarshal(raw, &c.WriteAttributes)
		case "RefreshTokenValidity":
			err = json.Unmarshal(raw, &c.RefreshTokenValidity)
		case "AccessTokenValidity":
			err = json.Unmarshal(raw, &c.AccessTokenValidity)
		case "IdTokenValidity":
			err = json.Unmarshal(raw, &c.IDTokenValidity)
		case "TokenValidityUnits":
			err = json.Unmarshal(raw, &c.TokenValidityUnits)
		case "PreventUserExistenceErrors":
			err = json.Unmarshal(raw, &c.PreventUserExistenceErrors)
		case "EnableTokenRevocation":
			err = json.Unmarshal(raw, &c.EnableTokenRevocation)
		case "AuthSessionValidity":
			err = json.Unmarshal(raw, &c.AuthSessionValidity)
		}
		if err != nil {
			WriteJSONError(w, 400, "SerializationException", fmt.Sprintf("field %s: %v", k, err))
			return false
		}
	}
	// CallbackURLs and LogoutURLs: at most 100 of 1-1024 characters each;
	// AllowedOAuthScopes: 1-256 characters of [\x21\x23-\x5B\x5D-\x7E]+
	// (no space, '"' or '\'); DefaultRedirectURI must be one of the
	// CallbackURLs (API_CreateUserPoolClient, request parameters).
	for name, list := range map[string][]string{"callbackURLs": c.CallbackURLs, "logoutURLs": c.LogoutURLs} {
		if len(list) > 100 {
			WriteJSONError(w, 400, "InvalidParameterException", "1 validation error detected: Value at '"+name+"' failed to satisfy constraint: Member must have length less than or equal to 100")
			return false
		}
	}
	for _, u := range append(slices.Clone(c.CallbackURLs), c.LogoutURLs...) {
		if msg := badRedirect(u); msg != "" {
			WriteJSONError(w, 400, "InvalidParameterException", msg)
			return false
		}
	}
	for _, sc := range c.AllowedOAuthScopes {
		if len(sc) > 256 || !scopePattern.MatchString(sc) {
			WriteJSONError(w, 400, "InvalidParameterException", "1 validation error detected: Value '"+sc+"' at 'allowedOAuthScopes' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\x21\\x23-\\x5B\\x5D-\\x7E]+")
			return false
		}
	}
	if c.DefaultRedirectURI != "" && !slices.Contains(c.CallbackURLs, c.DefaultRedirectURI) {
		WriteJSONError(w, 400, "InvalidParameterException", "DefaultRedirectURI must be one of the CallbackURLs.")
		return false
	}
	for _, f := range c.AllowedOAuthFlows {
		if !slices.Contains([]string{"code", "implicit", "client_credentials"}, f) {
			WriteJSONError(w, 400, "InvalidParameterException", "Invalid OAuth flow: "+f)
			return false
		}
	}
	// "client_credentials" is for machine-to-machine clients and cannot be
	// combined with a user flow: InvalidOAuthFlowException, "the specified
	// OAuth flow is not valid" (API_CreateUserPoolClient, Errors;
	// AllowedOAuthFlows).
	if slices.Contains(c.AllowedOAuthFlows, "client_credentials") && (slices.Contains(c.AllowedOAuthFlows, "code") || slices.Contains(c.AllowedOAuthFlows, "implicit")) {
		WriteJSONError(w, 400, "InvalidOAuthFlowException", "client_credentials flow can not be selected along with code flow or implicit flow")
		return false
	}
	// AllowedOAuthScopes are the standard ones or custom scopes of the
	// pool's resource servers ("resource-server-identifier/scope");
	// anything else is ScopeDoesNotExistException, "the specified scope
	// doesn't exist" (API_CreateUserPoolClient, AllowedOAuthScopes and
	// Errors).
	for _, sc := range c.AllowedOAuthScopes {
		if !slices.Contains(standardScopes, sc) && !slices.Contains(pool.scopes, sc) {
			WriteJSONError(w, 400, "ScopeDoesNotExistException", "Invalid scope requested: "+sc)
			return false
		}
	}
	return true
}

// standardScopes are the OAuth scopes every user pool has.
var standardScopes = []string{"phone", "email", "openid", "profile", "aws.cognito.signin.user.admin"}

// badRedirect follows Cognito's rules for CallbackURLs
// (API_CreateUserPoolClient): 1-1024 characters, an absolute URI without a
// fragment; "Amazon Cognito requires HTTPS over HTTP except for
// http://localhost for testing purposes only. App callback URLs such as
// myapp://example are also supported."
func badRedirect(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Scheme == "" || len(u) > 1024 || (p.Host == "" && p.Opaque == "" && p.Path == "") {
		return "Invalid redirect URI: " + u
	}
	if p.Fragment != "" {
		return "Redirect URIs must not have a fragment: " + u
	}
	if p.Scheme == "http" {
		if h := p.Hostname(); h != "localhost" && h != "127.0.0.1" && h != "::1" {
			return "Redirect URIs must use HTTPS unless they point at localhost: " + u
		}
	}
	return ""
}

// ModifyUserPoolClient changes a client the way someone editing it in the
// console would.
func (s *Server) ModifyUserPoolClient(pool, id string, change func(*UserPoolClient)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.pools[pool]; p != nil && p.clients[id] != nil {
		change(p.clients[id])
	}
}
