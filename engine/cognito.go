package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	patchbayv1 "github.com/patchbay-dev/patchbay/gen/patchbay/v1"
	"github.com/patchbay-dev/patchbay/providers/aws"
)

// desiredCognito gives every service with OAuth callbacks handled by
// Cognito and a user pool in its patchbay.json an app client shaped like
// the Auth0 application: callbacks and logout URLs from the detected routes
// under the frontend URL.
func desiredCognito(in DesiredInput) ([]Desired, []string) {
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
		a.reasons = append(a.reasons, "Cognito OAuth callback "+cb.GetRoute()+" at "+where(f))
	}
	env := in.Environment
	var out []Desired
	var warnings []string
	for _, svc := range in.servicePaths() {
		cfg := in.config(svc)
		a := bySvc[svc]
		name := in.serviceName(svc)
		switch {
		case (cfg == nil || cfg.Cognito == nil) && a != nil:
			warnings = append(warnings, fmt.Sprintf("aws: service %s has Cognito OAuth callbacks but no user pool; add {\"cognito\": {\"user_pool_id\": \"…\"}} to %s", name, configPath(svc)))
			continue
		case cfg == nil || cfg.Cognito == nil:
			continue
		case a == nil:
			warnings = append(warnings, fmt.Sprintf("aws: %s names Cognito user pool %s but no Cognito OAuth callback route was found in service %s; no app client is planned", configPath(svc), cfg.Cognito.UserPoolID, name))
			continue
		case env.FrontendURL == "":
			warnings = append(warnings, fmt.Sprintf("aws: service %s has Cognito OAuth callbacks but environment %q has no frontend URL; set one with `patchbay env set-url`", name, env.Name))
			continue
		}
		front := strings.TrimRight(env.FrontendURL, "/")
		var callbacks []string
		for _, r := range a.callbacks {
			callbacks = append(callbacks, joinURL(front, r))
		}
		logouts := []string{front}
		for _, r := range a.logouts {
			logouts = append(logouts, joinURL(front, r))
		}
		scopes := cfg.Cognito.Scopes
		if len(scopes) == 0 {
			scopes = []string{"openid", "email", "profile"}
		}
		pool := cfg.Cognito.UserPoolID
		out = append(out, Desired{
			Key: Key{Provider: "aws", Type: "cognito_app_client", Name: name},
			Props: Props{"name": {in.resourceName(name, env.Name)}, "user_pool_id": {pool},
				"callback_urls": normList(callbacks), "logout_urls": normList(logouts), "allowed_oauth_flows": {"code"},
				"allowed_oauth_scopes": normList(scopes), "supported_identity_providers": {"COGNITO"}, "oauth_enabled": {"true"}},
			Profile: in.profile("aws"),
			Reason:  strings.Join(normList(a.reasons), "; "),
			Service: svc,
			Bindings: []Binding{
				{Names: []string{"COGNITO_CLIENT_ID", "AUTH_COGNITO_ID", "NEXT_PUBLIC_COGNITO_CLIENT_ID", "VITE_COGNITO_CLIENT_ID"}, Output: "client_id"},
				{Names: []string{"COGNITO_CLIENT_SECRET", "AUTH_COGNITO_SECRET"}, Output: "client_secret", Secret: true},
				{Names: []string{"COGNITO_USER_POOL_ID", "NEXT_PUBLIC_COGNITO_USER_POOL_ID", "VITE_COGNITO_USER_POOL_ID"}, Output: "user_pool_id"},
				{Names: []string{"AUTH_COGNITO_ISSUER", "COGNITO_ISSUER"}, Output: "issuer"},
			},
		})
	}
	return out, warnings
}

// CognitoAppClients is the "aws/cognito_app_client" resource type. Its
// provider id is "<user pool id>/<client id>", since every call needs both.
type CognitoAppClients struct{ opts HTTPOptions }

// NewCognitoAppClients returns the type.
func NewCognitoAppClients(o HTTPOptions) *CognitoAppClients { return &CognitoAppClients{opts: o} }

func (t *CognitoAppClients) Provider() string { return "aws" }
func (t *CognitoAppClients) Type() string     { return "cognito_app_client" }
func (t *CognitoAppClients) Info() TypeInfo {
	return TypeInfo{Secrets: []string{"client_secret"}, SecretsReadable: true, SharedLists: []string{"callback_urls", "logout_urls"}}
}

func poolRegion(pool string) string {
	r, _, _ := strings.Cut(pool, "_")
	return r
}

func (t *CognitoAppClients) client(c Credentials, region string) (*aws.Cognito, error) {
	if c["access_key_id"] == "" || c["secret_access_key"] == "" {
		return nil, fmt.Errorf("aws credentials need access_key_id and secret_access_key")
	}
	return aws.NewCognito(c["access_key_id"], c["secret_access_key"], c["session_token"], region, t.opts.BaseURL, t.opts.Client), nil
}

func splitClientID(id string) (pool, client string, err error) {
	pool, client, ok := strings.Cut(id, "/")
	if !ok || pool == "" || client == "" {
		return "", "", fmt.Errorf("cognito app client id %q is not <user pool id>/<client id>", id)
	}
	return pool, client, nil
}

func cognitoState(u aws.UserPoolClient) State {
	pool, region := u.String("UserPoolId"), poolRegion(u.String("UserPoolId"))
	st := State{
		ID: pool + "/" + u.String("ClientId"),
		Props: Props{"name": {u.String("ClientName")}, "user_pool_id": {pool},
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
func setManaged(u aws.UserPoolClient, p Props) {
	u.Set("ClientName", p.Get("name"))
	u.Set("CallbackURLs", p["callback_urls"])
	u.Set("LogoutURLs", p["logout_urls"])
	u.Set("AllowedOAuthFlows", p["allowed_oauth_flows"])
	u.Set("AllowedOAuthScopes", p["allowed_oauth_scopes"])
	u.Set("SupportedIdentityProviders", p["supported_identity_providers"])
	u.Set("AllowedOAuthFlowsUserPoolClient", p.Get("oauth_enabled") == "true")
}

func (t *CognitoAppClients) Read(ctx context.Context, c Credentials, id string) (State, error) {
	pool, clientID, err := splitClientID(id)
	if err != nil {
		return State{}, err
	}
	cl, err := t.client(c, poolRegion(pool))
	if err != nil {
		return State{}, err
	}
	u, err := cl.DescribeUserPoolClient(ctx, pool, clientID)
	if errors.Is(err, aws.ErrNotFound) {
		return State{}, fmt.Errorf("cognito app client %s: %w", id, ErrGone)
	}
	if err != nil {
		return State{}, err
	}
	return cognitoState(u), nil
}

// Lookup matches clients of the pool by name, reading each so that
// adoption captures the secret.
func (t *CognitoAppClients) Lookup(ctx context.Context, c Credentials, desired Props) ([]State, error) {
	pool := desired.Get("user_pool_id")
	cl, err := t.client(c, poolRegion(pool))
	if err != nil {
		return nil, err
	}
	list, err := cl.ListUserPoolClients(ctx, pool)
	if err != nil {
		return nil, err
	}
	var out []State
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

func (t *CognitoAppClients) Create(ctx context.Context, c Credentials, desired Props, _ string) (State, error) {
	pool := desired.Get("user_pool_id")
	cl, err := t.client(c, poolRegion(pool))
	if err != nil {
		return State{}, err
	}
	req := aws.UserPoolClient{}
	req.Set("UserPoolId", pool)
	req.Set("GenerateSecret", true)
	setManaged(req, desired)
	u, err := cl.CreateUserPoolClient(ctx, req)
	if err != nil {
		return State{}, err
	}
	return cognitoState(u), nil
}

// Update reads the client and writes back every attribute with Patchbay's
// on top: UpdateUserPoolClient resets whatever it is not sent.
func (t *CognitoAppClients) Update(ctx context.Context, c Credentials, id string, desired Props) (State, error) {
	pool, clientID, err := splitClientID(id)
	if err != nil {
		return State{}, err
	}
	cl, err := t.client(c, poolRegion(pool))
	if err != nil {
		return State{}, err
	}
	u, err := cl.UpdateUserPoolClient(ctx, pool, clientID, func(u aws.UserPoolClient) { setManaged(u, desired) })
	if errors.Is(err, aws.ErrNotFound) {
		return State{}, fmt.Errorf("cognito app client %s: %w", id, ErrGone)
	}
	if err != nil {
		return State{}, err
	}
	return cognitoState(u), nil
}

func (t *CognitoAppClients) Delete(ctx context.Context, c Credentials, id string) error {
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
