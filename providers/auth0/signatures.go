package auth0

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{}
