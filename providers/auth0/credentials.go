package auth0

import "github.com/patchbay-dev/patchbay/providers"

// credentials is nil until the provider's credential form is declared.
var credentials *providers.CredentialSpec
