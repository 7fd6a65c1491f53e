// Package aws declares what Patchbay knows about AWS.
package aws

import "github.com/patchbay-dev/patchbay/providers"

// Provider returns AWS's declaration.
func Provider() providers.Provider {
	return providers.Provider{
		ID:          "aws",
		DisplayName: "AWS",
		Category:    providers.Cloud,
		Signatures:  signatures,
		Credentials: credentials,
		EndpointKey: "AWS",
		Resources: func(o providers.HTTPOptions) []providers.ResourceType {
			return []providers.ResourceType{NewCognitoAppClientType(o), NewCognitoBrandingType(o)}
		},
		Desire: DesireCognito,
		Config: []providers.ConfigSection{{Name: "cognito", Decode: providers.DecodeSection(validateCognitoConfig)}},
	}
}
