// Package providers declares what Patchbay knows about each third-party
// provider. Every provider lives in its own package below this one and
// declares, as data where it can:
//
//   - its code signatures (imports per ecosystem, constructor calls, env-var
//     names, webhook verification calls) that the analyzer matches;
//   - its credential form, how-to steps, minimal permissions and live
//     validation;
//   - its resource types with their desired-state rule (findings +
//     environment + patchbay.json → desired resources, each with the env
//     vars it provides), CRUD and adoption (resource.go, desire.go).
//
// The catalog package lists them all; the engine, gateway, vault, analyzer
// and daemon loop over it and import no provider package. This package
// holds only the shared types so that provider packages and their
// consumers agree on one shape. docs/adding-a-provider.md walks through
// adding one.
package providers

import (
	"context"
	"time"
)

// Category groups providers in the editor's credential views.
type Category int

const (
	// Service is an application service (Stripe, Auth0, SendGrid, ...).
	Service Category = iota + 1
	// Cloud is a cloud platform (AWS, GCP, Azure, DigitalOcean).
	Cloud
)

// Provider is everything Patchbay knows about one provider.
type Provider struct {
	// ID is the stable lower-case identifier used in findings, the API and
	// the CLI ("stripe", "auth0", "aws").
	ID string
	// DisplayName is how the editor names the provider ("Stripe").
	DisplayName string
	Category    Category
	// Signatures tell the analyzer how the provider's SDKs look in code.
	Signatures Signatures
	// Credentials describes the credential form and its live validation; nil
	// when Patchbay cannot hold credentials for the provider.
	Credentials *CredentialSpec

	// EndpointKey is the <KEY> of PATCHBAY_ENDPOINT_<KEY> that points the
	// provider's resource clients elsewhere ("AUTH0"); empty when the
	// provider has no resource types.
	EndpointKey string
	// Resources returns the provider's resource types, their clients
	// pointed at o; nil when Patchbay provisions nothing at the provider.
	Resources func(o HTTPOptions) []ResourceType
	// Desire derives the environment's resources of this provider; nil
	// when it has no resource types.
	Desire DesireFunc
	// Config are the patchbay.json sections the provider owns.
	Config []ConfigSection

	// Actions and Triggers are what API keys can be granted (action.go).
	Actions  []Action
	Triggers []Trigger
	// OAuth, when set, obtains the credentials by browser sign-in.
	OAuth *OAuthSpec
}

// OAuthSpec is a provider whose credentials come from a browser sign-in
// (authorization code with a loopback redirect) instead of a form.
type OAuthSpec struct {
	// ClientIDEnv and ClientSecretEnv name the variables that hold the
	// OAuth application's client id and secret when neither the request
	// nor the stored profile has them.
	ClientIDEnv, ClientSecretEnv string
	// TokenField is the credential field the obtained token is saved as.
	TokenField string
	// Start listens on the loopback redirect and returns the flow; v holds
	// the OAuth application's values.
	Start func(v Values, env *Env) (*OAuthFlow, error)
}

// OAuthFlow is a started browser sign-in.
type OAuthFlow struct {
	// URL is what the browser must open; State identifies the flow.
	URL, State  string
	RedirectURI string
	// Wait returns the token once the browser comes back, or an error on
	// denial, timeout or cancellation.
	Wait func(ctx context.Context, timeout time.Duration) (string, error)
}
