package aws

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers"
)

// DesireCognito gives every service with OAuth callbacks handled by
// Cognito and a user pool in its patchbay.json an app client shaped like
// the Auth0 application: callbacks and logout URLs from the detected routes
// under the frontend URL.
func DesireCognito(in providers.DesiredInput) ([]providers.Desired, []string) {
	type acc struct{ callbacks, logouts, reasons []string }
	bySvc := map[string]*acc{}
	for _, f := range in.Findings {
		if f.GetKind() != patchbayv1.FindingKind_OAUTH_CALLBACK || (f.GetProvider() != "cognito" && f.GetProvider() != "aws") {
			continue
		}
		a := bySvc[f.GetService()]
		if a == nil {
			a = &acc{}
			bySvc[f.GetService()] = a
		}
		cb := f.GetCallback()
		a.callbacks = append(a.callbacks, cb.GetRoute())
		a.logouts = append(a.logouts, cb.GetLogoutRoutes()...)
		a.reasons = append(a.reasons, "Cognito OAuth callback "+cb.GetRoute()+" at "+providers.Where(f))
	}
	env := in.Environment
	var out []providers.Desired
	var warnings []string
	for _, svc := range in.ServicePaths() {
		cfg, _ := in.Config(svc).Section("cognito").(*CognitoConfig)
		a := bySvc[svc]
		name := in.ServiceName(svc)
		switch {
		case cfg == nil && a != nil:
			warnings = append(warnings, fmt.Sprintf("aws: service %s has Cognito OAuth callbacks but no user pool; add {\"cognito\": {\"user_pool_id\": \"…\"}} to %s", name, providers.ConfigPath(svc)))
			continue
		case cfg == nil:
			continue
		case a == nil:
			warnings = append(warnings, fmt.Sprintf("aws: %s names Cognito user pool %s but no Cognito OAuth callback route was found in service %s; no app client is planned", providers.ConfigPath(svc), cfg.UserPoolID, name))
			continue
		case env.FrontendURL == "":
			warnings = append(warnings, fmt.Sprintf("aws: service %s has Cognito OAuth callbacks but environment %q has no frontend URL; set one with `patchbay env set-url`", name, env.Name))
			continue
		}
		front := strings.TrimRight(env.FrontendURL, "/")
		var callbacks []string
		for _, r := range a.callbacks {
			callbacks = append(callbacks, providers.JoinURL(front, r))
		}
		logouts := []string{front}
		for _, r := range a.logouts {
			logouts = append(logouts, providers.JoinURL(front, r))
		}
		scopes := cfg.Scopes
		if len(scopes) == 0 {
			scopes = []string{"openid", "email", "profile"}
		}
		pool := cfg.UserPoolID
		clientKey := providers.Key{Provider: "aws", Type: "cognito_app_client", Name: name}
		clientName := cognitoClientName(in.ResourceName(name, env.Name))
		out = append(out, providers.Desired{
			Key: clientKey,
			Props: providers.Props{"name": {clientName}, "user_pool_id": {pool},
				"callback_urls": providers.NormList(callbacks), "logout_urls": providers.NormList(logouts), "allowed_oauth_flows": {"code"},
				"allowed_oauth_scopes": providers.NormList(scopes), "supported_identity_providers": {"COGNITO"}, "oauth_enabled": {"true"}},
			Profile: in.Profile("aws"),
			Reason:  strings.Join(providers.NormList(a.reasons), "; "),
			Service: svc,
			Bindings: []providers.Binding{
				{Names: []string{"COGNITO_CLIENT_ID", "AUTH_COGNITO_ID", "NEXT_PUBLIC_COGNITO_CLIENT_ID", "VITE_COGNITO_CLIENT_ID"}, Output: "client_id"},
				{Names: []string{"COGNITO_CLIENT_SECRET", "AUTH_COGNITO_SECRET"}, Output: "client_secret", Secret: true},
				{Names: []string{"COGNITO_USER_POOL_ID", "NEXT_PUBLIC_COGNITO_USER_POOL_ID", "VITE_COGNITO_USER_POOL_ID"}, Output: "user_pool_id"},
				{Names: []string{"AUTH_COGNITO_ISSUER", "COGNITO_ISSUER"}, Output: "issuer"},
			},
		})
		// "Unlike app clients created in the console, Amazon Cognito doesn't
		// automatically assign a branding style to app clients that you
		// configure with this API operation. Managed login and classic hosted
		// UI pages aren't available for your client until after you apply a
		// branding style"
		// (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html).
		// Cognito's default style (UseCognitoProvidedValues) makes the login
		// page work, whichever version the pool's domain serves
		// (ManagedLoginVersion 1, classic hosted UI, or 2, managed login).
		out = append(out, providers.Desired{
			Key:       providers.Key{Provider: "aws", Type: "cognito_managed_login_branding", Name: name},
			Props:     providers.Props{"user_pool_id": {pool}, "app_client": {clientName}},
			Profile:   in.Profile("aws"),
			DependsOn: []providers.Key{clientKey},
			Reason: "the hosted login page of app client " + clientName + " is unavailable until the client has a branding style " +
				"(Cognito gives clients made through the API none); Cognito's default style is assigned",
			Service: svc,
		})
	}
	return out, warnings
}

// CognitoAppClientType is the "aws/cognito_app_client" resource type. Its
// provider id is "<user pool id>/<client id>", since every call needs both.
type CognitoAppClientType struct{ opts providers.HTTPOptions }

// NewCognitoAppClientType returns the type.
func NewCognitoAppClientType(o providers.HTTPOptions) *CognitoAppClientType {
	return &CognitoAppClientType{opts: o}
}

func (t *CognitoAppClientType) Provider() string { return "aws" }
func (t *CognitoAppClientType) Type() string     { return "cognito_app_client" }
func (t *CognitoAppClientType) Info() providers.TypeInfo {
	return providers.TypeInfo{Secrets: []string{"client_secret"}, SecretsReadable: true, SharedLists: []string{"callback_urls", "logout_urls"}}
}

func poolRegion(pool string) string {
	r, _, _ := strings.Cut(pool, "_")
	return r
}

func (t *CognitoAppClientType) client(c providers.Credentials, region string) (*Cognito, error) {
	if c["access_key_id"] == "" || c["secret_access_key"] == "" {
		return nil, fmt.Errorf("aws credentials need access_key_id and secret_access_key")
	}
	return NewCognito(c["access_key_id"], c["secret_access_key"], c["session_token"], region, t.opts.BaseURL, t.opts.Client), nil
}

func splitClientID(id string) (pool, client string, err error) {
	pool, client, ok := strings.Cut(id, "/")
	if !ok || pool == "" || client == "" {
		return "", "", fmt.Errorf("cognito app client id %q is not <user pool id>/<client id>", id)
	}
	return pool, client, nil
}

func cognitoState(u UserPoolClient) providers.State {
	pool, region := u.String("UserPoolId"), poolRegion(u.String("UserPoolId"))
	st := providers.State{
		ID: pool + "/" + u.String("ClientId"),
		Props: providers.Props{"name": {u.String("ClientName")}, "user_pool_id": {pool},
			"callback_urls": u.Strings("CallbackURLs"), "logout_urls": u.Strings("LogoutURLs"),
			"allowed_oauth_flows": u.Strings("AllowedOAuthFlows"), "allowed_oauth_scopes": u.Strings("AllowedOAuthScopes"),
			"supported_identity_providers": u.Strings("SupportedIdentityProviders"),
			"oauth_enabled":                {strconv.FormatBool(u.Bool("AllowedOAuthFlowsUserPoolClient"))}},
		Outputs: map[string]string{"client_id": u.String("ClientId"), "user_pool_id": pool, "region": region,
			"issuer": "https://cognito-idp." + region + ".amazonaws.com/" + pool},
	}
	if s := u.String("ClientSecret"); s != "" {
		st.Secrets = map[string]string{"client_secret": s}
	}
	return st
}

// setManaged writes the attributes Patchbay manages onto a client config.
func setManaged(u UserPoolClient, p providers.Props) {
	u.Set("ClientName", p.Get("name"))
	u.Set("CallbackURLs", p["callback_urls"])
	u.Set("LogoutURLs", p["logout_urls"])
	u.Set("AllowedOAuthFlows", p["allowed_oauth_flows"])
	u.Set("AllowedOAuthScopes", p["allowed_oauth_scopes"])
	u.Set("SupportedIdentityProviders", p["supported_identity_providers"])
	u.Set("AllowedOAuthFlowsUserPoolClient", p.Get("oauth_enabled") == "true")
}

func (t *CognitoAppClientType) Read(ctx context.Context, c providers.Credentials, id string) (providers.State, error) {
	pool, clientID, err := splitClientID(id)
	if err != nil {
		return providers.State{}, err
	}
	cl, err := t.client(c, poolRegion(pool))
	if err != nil {
		return providers.State{}, err
	}
	u, err := cl.DescribeUserPoolClient(ctx, pool, clientID)
	if errors.Is(err, ErrNotFound) {
		return providers.State{}, fmt.Errorf("cognito app client %s: %w", id, providers.ErrGone)
	}
	if err != nil {
		return providers.State{}, err
	}
	return cognitoState(u), nil
}

// Lookup matches clients of the pool by name, reading each so that
// adoption captures the secret.
func (t *CognitoAppClientType) Lookup(ctx context.Context, c providers.Credentials, desired providers.Props) ([]providers.State, error) {
	pool := desired.Get("user_pool_id")
	cl, err := t.client(c, poolRegion(pool))
	if err != nil {
		return nil, err
	}
	list, err := cl.ListUserPoolClients(ctx, pool)
	if err != nil {
		return nil, err
	}
	var out []providers.State
	for _, d := range list {
		if d.ClientName != desired.Get("name") {
			continue
		}
		u, err := cl.DescribeUserPoolClient(ctx, pool, d.ClientID)
		if err != nil {
			return nil, err
		}
		out = append(out, cognitoState(u))
	}
	return out, nil
}

func (t *CognitoAppClientType) Create(ctx context.Context, c providers.Credentials, desired providers.Props, _ string) (providers.State, error) {
	pool := desired.Get("user_pool_id")
	cl, err := t.client(c, poolRegion(pool))
	if err != nil {
		return providers.State{}, err
	}
	req := UserPoolClient{}
	req.Set("UserPoolId", pool)
	req.Set("GenerateSecret", true)
	setManaged(req, desired)
	u, err := cl.CreateUserPoolClient(ctx, req)
	if err != nil {
		return providers.State{}, err
	}
	return cognitoState(u), nil
}

// Update reads the client and writes back every attribute with Patchbay's
// on top: UpdateUserPoolClient resets whatever it is not sent.
func (t *CognitoAppClientType) Update(ctx context.Context, c providers.Credentials, id string, desired providers.Props) (providers.State, error) {
	pool, clientID, err := splitClientID(id)
	if err != nil {
		return providers.State{}, err
	}
	cl, err := t.client(c, poolRegion(pool))
	if err != nil {
		return providers.State{}, err
	}
	u, err := cl.UpdateUserPoolClient(ctx, pool, clientID, func(u UserPoolClient) { setManaged(u, desired) })
	if errors.Is(err, ErrNotFound) {
		return providers.State{}, fmt.Errorf("cognito app client %s: %w", id, providers.ErrGone)
	}
	if err != nil {
		return providers.State{}, err
	}
	return cognitoState(u), nil
}

func (t *CognitoAppClientType) Delete(ctx context.Context, c providers.Credentials, id string) error {
	pool, clientID, err := splitClientID(id)
	if err != nil {
		return err
	}
	cl, err := t.client(c, poolRegion(pool))
	if err != nil {
		return err
	}
	return cl.DeleteUserPoolClient(ctx, pool, clientID)
}

// CognitoBrandingType is the "aws/cognito_managed_login_branding"
// resource type: the managed login style of an app client, found by the
// client's name (its desired "app_client"), since the client's id is known
// only once it exists. Its provider id is
// "<user pool id>/<client id>/<branding id>": the style itself names no
// client (API_ManagedLoginBrandingType). A client has at most one style; an
// existing one (made in the branding editor, say) is adopted as it is.
type CognitoBrandingType struct{ opts providers.HTTPOptions }

// NewCognitoBrandingType returns the type.
func NewCognitoBrandingType(o providers.HTTPOptions) *CognitoBrandingType {
	return &CognitoBrandingType{opts: o}
}

func (t *CognitoBrandingType) Provider() string         { return "aws" }
func (t *CognitoBrandingType) Type() string             { return "cognito_managed_login_branding" }
func (t *CognitoBrandingType) Info() providers.TypeInfo { return providers.TypeInfo{} }

func (t *CognitoBrandingType) client(c providers.Credentials, pool string) (*Cognito, error) {
	return (&CognitoAppClientType{opts: t.opts}).client(c, poolRegion(pool))
}

func brandingState(b ManagedLoginBranding, pool, clientID, clientName string) providers.State {
	style := "custom"
	if b.UseCognitoProvidedValues {
		style = "cognito_provided"
	}
	return providers.State{
		ID:      pool + "/" + clientID + "/" + b.ID,
		Props:   providers.Props{"user_pool_id": {pool}, "app_client": {clientName}},
		Outputs: map[string]string{"managed_login_branding_id": b.ID, "client_id": clientID, "style": style},
	}
}

func (t *CognitoBrandingType) Read(ctx context.Context, c providers.Credentials, id string) (providers.State, error) {
	parts := strings.Split(id, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return providers.State{}, fmt.Errorf("managed login branding id %q is not <user pool id>/<client id>/<branding id>", id)
	}
	pool, clientID, brandingID := parts[0], parts[1], parts[2]
	cl, err := t.client(c, pool)
	if err != nil {
		return providers.State{}, err
	}
	b, err := cl.DescribeManagedLoginBrandingByClient(ctx, pool, clientID)
	if errors.Is(err, ErrNotFound) || err == nil && b.ID != brandingID {
		return providers.State{}, fmt.Errorf("managed login branding %s: %w", id, providers.ErrGone)
	}
	if err != nil {
		return providers.State{}, err
	}
	u, err := cl.DescribeUserPoolClient(ctx, pool, clientID)
	if errors.Is(err, ErrNotFound) {
		return providers.State{}, fmt.Errorf("managed login branding %s: app client: %w", id, providers.ErrGone)
	}
	if err != nil {
		return providers.State{}, err
	}
	return brandingState(b, pool, clientID, u.String("ClientName")), nil
}

// clientsNamed lists the pool's app clients with the desired name, oldest
// first (the order Lookup of the app client adopts in).
func clientsNamed(ctx context.Context, cl *Cognito, pool, name string) ([]ClientDescription, error) {
	list, err := cl.ListUserPoolClients(ctx, pool)
	if err != nil {
		return nil, err
	}
	var out []ClientDescription
	for _, d := range list {
		if d.ClientName == name {
			out = append(out, d)
		}
	}
	return out, nil
}

func (t *CognitoBrandingType) Lookup(ctx context.Context, c providers.Credentials, desired providers.Props) ([]providers.State, error) {
	pool := desired.Get("user_pool_id")
	cl, err := t.client(c, pool)
	if err != nil {
		return nil, err
	}
	clients, err := clientsNamed(ctx, cl, pool, desired.Get("app_client"))
	if err != nil {
		return nil, err
	}
	var out []providers.State
	for _, d := range clients {
		b, err := cl.DescribeManagedLoginBrandingByClient(ctx, pool, d.ClientID)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, brandingState(b, pool, d.ClientID, d.ClientName))
	}
	return out, nil
}

// Create gives the app client Cognito's default style. A style that
// appeared meanwhile (ManagedLoginBrandingExistsException) is the one
// wanted: it is read and returned.
func (t *CognitoBrandingType) Create(ctx context.Context, c providers.Credentials, desired providers.Props, _ string) (providers.State, error) {
	pool, name := desired.Get("user_pool_id"), desired.Get("app_client")
	cl, err := t.client(c, pool)
	if err != nil {
		return providers.State{}, err
	}
	clients, err := clientsNamed(ctx, cl, pool, name)
	if err != nil {
		return providers.State{}, err
	}
	if len(clients) == 0 {
		return providers.State{}, fmt.Errorf("managed login branding: user pool %s has no app client named %q", pool, name)
	}
	clientID := clients[0].ClientID
	b, err := cl.CreateManagedLoginBranding(ctx, pool, clientID)
	if errors.Is(err, ErrBrandingExists) {
		b, err = cl.DescribeManagedLoginBrandingByClient(ctx, pool, clientID)
	}
	if err != nil {
		return providers.State{}, err
	}
	return brandingState(b, pool, clientID, name), nil
}

// Update has nothing to send: the only properties are the style's place
// (pool and client, whose rename the app client makes). It reads the style
// back.
func (t *CognitoBrandingType) Update(ctx context.Context, c providers.Credentials, id string, _ providers.Props) (providers.State, error) {
	return t.Read(ctx, c, id)
}

func (t *CognitoBrandingType) Delete(ctx context.Context, c providers.Credentials, id string) error {
	parts := strings.Split(id, "/")
	if len(parts) != 3 {
		return fmt.Errorf("managed login branding id %q is not <user pool id>/<client id>/<branding id>", id)
	}
	cl, err := t.client(c, parts[0])
	if err != nil {
		return err
	}
	return cl.DeleteManagedLoginBranding(ctx, parts[0], parts[2])
}

// CognitoConfig names the user pool the app client lives in (the "cognito"
// section of patchbay.json).
type CognitoConfig struct {
	UserPoolID string `json:"user_pool_id"`
	// Scopes default to openid, email, profile.
	Scopes []string `json:"scopes,omitempty"`
}

var userPoolIDRE = regexp.MustCompile(`^([a-z]{2}(-[a-z]+)+-[0-9])_[0-9A-Za-z]+$`)

func validateCognitoConfig(c *CognitoConfig) []error {
	if !userPoolIDRE.MatchString(c.UserPoolID) {
		return []error{fmt.Errorf("cognito.user_pool_id %q must look like \"us-east-1_AbCdEf123\"", c.UserPoolID)}
	}
	return nil
}

// cognitoClientName makes a resource name one Cognito takes as a
// ClientName: 1 to 128 characters of [\w\s+=,.@-]
// (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html#CognitoUserPools-CreateUserPoolClient-request-ClientName).
// An npm scope's "/" (@acme/web) and anything else outside the set become
// "-".
func cognitoClientName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '_' || r == '+' || r == '=' || r == ',' || r == '.' || r == '@' || r == '-' || r == ' ',
			r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	out := b.String()
	if len(out) > 128 {
		out = out[:128]
	}
	if out == "" {
		out = "patchbay"
	}
	return out
}
