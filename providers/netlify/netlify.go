// Package netlify declares what Patchbay knows about Netlify.
package netlify

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns Netlify's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "netlify",
		DisplayName: "Netlify",
		Category:    providers.Service,
		Signatures:  signatures,
		Credentials: credentials,
		OAuth: &providers.OAuthSpec{ClientIDEnv: "PATCHBAY_NETLIFY_CLIENT_ID", ClientSecretEnv: "PATCHBAY_NETLIFY_CLIENT_SECRET",
			TokenField: "access_token", Start: startOAuth},
	}
}

func startOAuth(v providers.Values, env *providers.Env) (*providers.OAuthFlow, error) {
	f, err := StartOAuth(v, env)
	if err != nil {
		return nil, err
	}
	return &providers.OAuthFlow{URL: f.URL, State: f.State, RedirectURI: f.RedirectURI(), Wait: f.Wait}, nil
}
