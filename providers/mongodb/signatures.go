package mongodb

import "github.com/patchbay-dev/patchbay/providers"

var signatures = providers.Signatures{}
